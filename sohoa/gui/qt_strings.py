"""Qt's own dialog texts, listed so that lupdate puts them into the project's own .ts file.

PySide6 ships no ``qtbase_vi.qm``: without these entries Qt's file dialog says "Look in",
"File name", "Open", "Cancel" in English. The contexts are Qt's own (QFileDialog,
QFileSystemModel, QPlatformTheme...), so the project's translator answers for them.
Nothing calls :func:`_strings`; it exists for pyside6-lupdate to read.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication

_t = QCoreApplication.translate


def _strings() -> None:  # pragma: no cover - read by lupdate, never run
    _t("QFileDialog", "&Choose")
    _t("QFileDialog", "&Delete")
    _t("QFileDialog", "&Look in:")
    _t("QFileDialog", "&New Folder")
    _t("QFileDialog", "&Open")
    _t("QFileDialog", "&Rename")
    _t("QFileDialog", "&Save")
    _t("QFileDialog", "All Files (*)")
    _t("QFileDialog", "Back")
    _t("QFileDialog", "Change to detail view mode")
    _t("QFileDialog", "Change to list view mode")
    _t("QFileDialog", "Create New Folder")
    _t("QFileDialog", "Create a New Folder")
    _t("QFileDialog", "Detail View")
    _t("QFileDialog", "Directories")
    _t("QFileDialog", "Directory:")
    _t("QFileDialog", "File &name:")
    _t("QFileDialog", "Files")
    _t("QFileDialog", "Files of &type:")
    _t("QFileDialog", "Forward")
    _t("QFileDialog", "Go back")
    _t("QFileDialog", "Go forward")
    _t("QFileDialog", "Go to the parent directory")
    _t("QFileDialog", "List View")
    _t("QFileDialog", "List of places and bookmarks")
    _t("QFileDialog", "Parent Directory")
    _t("QFileDialog", "Show &hidden files")
    _t("QFileDialog", "Sidebar")
    _t("QFileDialog", "New Folder")
    _t("QFileDialog", "Open")
    _t("QFileDialog", "Save As")
    _t("QFileSystemModel", "Computer")
    _t("QFileSystemModel", "Date Modified")
    _t("QFileSystemModel", "Name")
    _t("QFileSystemModel", "Size")
    _t("QFileSystemModel", "Type")
    _t("QAbstractFileIconProvider", "Drive")
    _t("QAbstractFileIconProvider", "Folder")
    _t("QAbstractFileIconProvider", "File")
    _t("QPlatformTheme", "Cancel")
    _t("QPlatformTheme", "OK")
    _t("QPlatformTheme", "Open")
    _t("QPlatformTheme", "Save")
    _t("QPlatformTheme", "Close")
    _t("QPlatformTheme", "Yes")
    _t("QPlatformTheme", "No")
    _t("QPlatformTheme", "Apply")
    _t("QPlatformTheme", "Help")
    _t("QPlatformTheme", "Discard")
    _t("QLineEdit", "&Undo")
    _t("QLineEdit", "&Redo")
    _t("QLineEdit", "Cu&t")
    _t("QLineEdit", "&Copy")
    _t("QLineEdit", "&Paste")
    _t("QLineEdit", "Delete")
    _t("QLineEdit", "Select All")
    _t("QWizard", "< &Back")
    _t("QWizard", "&Next >")
    _t("QWizard", "&Finish")
    _t("QWizard", "Cancel")
    _t("QWizard", "Go Back")
    _t("QWizard", "Continue")
    _t("QWizard", "Commit")
    _t("QWizard", "Done")
    _t("QWizard", "Help")
    _t("QCalendarWidget", "Today")
