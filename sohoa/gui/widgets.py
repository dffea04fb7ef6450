"""Small shared widgets: error display, the PIN prompt, a progress panel with Cancel."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QDate, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from sohoa.core.errors import CancelledError, SoHoaError


def error_text(error: BaseException) -> str:
    """The user's sentence for an error: the core's own message, in the current language."""
    if isinstance(error, SoHoaError):
        return error.message()
    from sohoa.core.errors import DiskFullError, is_disk_full

    if is_disk_full(error):  # an OSError from below: the clerk's words, not errno 28
        return DiskFullError(path=str(getattr(error, "filename", "") or "?")).message()
    return ErrorBox.tr_unexpected(error)


class ErrorBox:
    """Shows core errors with ``error.message()``; anything else as an unexpected error."""

    @staticmethod
    def tr_unexpected(error: BaseException) -> str:
        from PySide6.QtCore import QCoreApplication

        return QCoreApplication.translate(
            "ErrorBox", "Unexpected error: {detail}. The log has the details; report it to support."
        ).format(detail=str(error) or "?")  # the class name is in the log, never on screen

    @staticmethod
    def show(parent: QWidget | None, error: BaseException) -> None:
        from PySide6.QtCore import QCoreApplication

        if isinstance(error, CancelledError):
            return
        box = QMessageBox(parent)
        box.setIcon(QMessageBox.Icon.Warning)
        box.setWindowTitle(QCoreApplication.translate("ErrorBox", "Error"))
        box.setText(error_text(error))
        box.setObjectName("errorBox")
        box.addButton(QCoreApplication.translate("Dialogs", "Close"), QMessageBox.ButtonRole.AcceptRole)
        fit_dialog(box)
        box.setModal(False)
        box.show()
        if parent is not None:
            parent.setProperty("lastError", error_text(error))


class PinDialog(QDialog):
    """Asks for the token PIN once per batch. The PIN lives only in this dialog and the call it feeds."""

    def __init__(self, parent: QWidget | None, token: str, count: int) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Token PIN"))
        layout = QVBoxLayout(self)
        layout.addWidget(
            QLabel(
                self.tr(
                    "Enter the PIN of token \u201c{token}\u201d to sign %n document(s).", "", count
                ).format(token=token)
            )
        )
        self.pin = QLineEdit()
        self.pin.setObjectName("pin")
        self.pin.setEchoMode(QLineEdit.EchoMode.Password)
        self.pin.setPlaceholderText(self.tr("PIN"))
        layout.addWidget(self.pin)
        buttons = QDialogButtonBox()
        self.ok = buttons.addButton(self.tr("Sign"), QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton(self.tr("Cancel"), QDialogButtonBox.ButtonRole.RejectRole)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.ok.setEnabled(False)
        self.pin.textChanged.connect(lambda t: self.ok.setEnabled(bool(t)))

    def take_pin(self) -> str:
        """Return the PIN and wipe it from the widget."""
        pin = self.pin.text()
        self.pin.clear()
        return pin


def ask_pin(parent: QWidget | None, token: str, count: int) -> str | None:
    dialog = PinDialog(parent, token, count)
    dialog.setObjectName("pinDialog")
    fit_dialog(dialog)
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return None
    return dialog.take_pin()


class ProgressPanel(QWidget):
    """A progress bar, a line of text and a Cancel button (Esc) for the running task."""

    cancel_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.label = message_label("progressText")
        self.bar = QProgressBar()
        self.bar.setObjectName("progress")
        self.cancel_button = QPushButton(self.tr("Cancel (Esc)"))
        self.cancel_button.setObjectName("cancel")
        self.cancel_button.setShortcut("Esc")
        self.cancel_button.clicked.connect(self.cancel_requested)
        layout.addWidget(self.label, 1)
        layout.addWidget(self.bar, 1)
        layout.addWidget(self.cancel_button)
        self.setVisible(False)

    def start(self, text: str) -> None:
        self.label.setText(text)
        self.bar.setRange(0, 0)
        self.cancel_button.setEnabled(True)
        self.setVisible(True)

    def update_progress(self, done: int, total: int, note: str = "") -> None:
        self.bar.setRange(0, max(total, 0))
        self.bar.setValue(done)
        if note:
            self.label.setText(note)

    def stop(self) -> None:
        self.setVisible(False)


def ask(
    parent: QWidget | None,
    title: str,
    text: str,
    default_yes: bool = False,
    yes_text: str = "",
    no_text: str = "",
) -> bool:
    """A yes/no question with translated buttons (Qt ships no Vietnamese for its own)."""
    from PySide6.QtCore import QCoreApplication

    box = QMessageBox(QMessageBox.Icon.Question, title, text, QMessageBox.StandardButton.NoButton, parent)
    box.setObjectName("question")
    yes = box.addButton(
        yes_text or QCoreApplication.translate("Dialogs", "Yes"), QMessageBox.ButtonRole.YesRole
    )
    no = box.addButton(no_text or QCoreApplication.translate("Dialogs", "No"), QMessageBox.ButtonRole.NoRole)
    box.setDefaultButton(yes if default_yes else no)
    box.setEscapeButton(no)
    fit_dialog(box)
    box.exec()
    return box.clickedButton() is yes


def shortcut(scope: QWidget, sequence: str, slot: object) -> None:
    """A key for ``slot`` that works while focus is inside ``scope`` (one view), so views never clash."""
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QKeySequence, QShortcut

    sc = QShortcut(QKeySequence(sequence), scope, context=Qt.ShortcutContext.WidgetWithChildrenShortcut)
    sc.activated.connect(slot)  # type: ignore[arg-type]
    guard_keys(scope, sequence)  # the key works wherever the focus is inside the view


def date_field(date: QDate, name: str, on_change: Callable[..., object]) -> DateField:
    """A typed dd/mm/yyyy field, as the filter bars use it (Tab leaves it; see DateField)."""
    edit = DateField(date)
    edit.setObjectName(name)
    edit.dateChanged.connect(on_change)
    return edit


# -- fitting a small screen -------------------------------------------------------------------------
LONG_TOKEN = 28  # characters: longer runs (paths, hex, URLs) get break opportunities


def breakable(text: str) -> str:
    """Insert zero-width spaces into long unbroken runs so a wrapping label can break them."""
    import re

    return re.sub(
        r"\S{" + str(LONG_TOKEN) + ",}",
        lambda m: "\u200b".join(m.group(0)[i : i + 16] for i in range(0, len(m.group(0)), 16)),
        text,
    )


def message_label(name: str = "", parent: QWidget | None = None) -> QLabel:
    """A wrapping label that never widens its window: long messages wrap, whatever their words."""
    from PySide6.QtWidgets import QSizePolicy

    label = _BoundedLabel(parent)
    if name:
        label.setObjectName(name)
    label.setWordWrap(True)
    label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
    label.setMinimumWidth(0)
    return label


class _BoundedLabel(QLabel):
    """A QLabel whose text gets break points and whose full text is its tooltip when cut."""

    def setText(self, text: str) -> None:  # type: ignore[override]
        super().setText(breakable(text or ""))
        self.setToolTip(text if text and len(text) > 80 else "")

    def text(self) -> str:  # type: ignore[override]
        """The message as it was set (the break points are for drawing only)."""
        return super().text().replace("\u200b", "")


def screen_width(widget: QWidget | None = None) -> int:
    """The available width of the screen ``widget`` is on (or the primary screen)."""
    from PySide6.QtGui import QGuiApplication

    screen = widget.screen() if widget is not None else None
    screen = screen or QGuiApplication.primaryScreen()
    return screen.availableGeometry().width() if screen is not None else 1280


def fit_dialog(dialog: QWidget) -> QWidget:
    """No dialog wider than the screen: cap it to 90 % of the available width (its text wraps)."""
    limit = int(screen_width(dialog.parentWidget() or dialog) * 0.9)
    dialog.setMaximumWidth(limit)
    for label in dialog.findChildren(QLabel):
        label.setWordWrap(True)
        if label.text():
            label.setText(breakable(label.text()))
    return dialog


def table_item(text: str) -> object:
    """A table cell whose full text shows on hover (cut cells stay readable)."""
    from PySide6.QtWidgets import QTableWidgetItem

    item = QTableWidgetItem(text)
    if text:
        item.setToolTip(text)
    return item


# -- shortcuts that win over the focused field ------------------------------------------------------
class _ShortcutGuard:
    """An application event filter: a view's own keys beat the focused field's (Ctrl+A, Ctrl+E...).

    Qt first offers a key to the focused widget (ShortcutOverride); a line edit or a date field
    claims Ctrl+A, Ctrl+E, Ctrl+Z... and the view's shortcut never fires. For keys a view
    registered through :func:`shortcut`, the override is refused, so the shortcut runs.
    Plain keys (letters, Del, arrows, Return) are left to the field.
    """

    def __init__(self) -> None:
        self.scopes: list[tuple[object, object]] = []  # (scope widget, QKeySequence)
        self.filter: object | None = None

    def add(self, scope: QWidget, sequence: object) -> None:
        from PySide6.QtCore import QObject
        from PySide6.QtWidgets import QApplication

        self.scopes.append((scope, sequence))
        scope.destroyed.connect(lambda *_: self._forget(scope))
        if self.filter is None and QApplication.instance() is not None:
            guard = self

            class Filter(QObject):
                def eventFilter(self, obj, event):  # type: ignore[no-untyped-def]
                    return guard.refuse(obj, event)

            self.filter = Filter(QApplication.instance())
            QApplication.instance().installEventFilter(self.filter)  # type: ignore[union-attr,arg-type]

    def _forget(self, scope: object) -> None:
        self.scopes = [(s, q) for s, q in self.scopes if s is not scope]

    def refuse(self, obj: object, event: object) -> bool:
        from PySide6.QtCore import QEvent, Qt
        from PySide6.QtGui import QKeySequence

        if event.type() != QEvent.Type.ShortcutOverride:  # type: ignore[attr-defined]
            return False
        mods = event.modifiers()  # type: ignore[attr-defined]
        key = event.key()  # type: ignore[attr-defined]
        is_f_key = Qt.Key.Key_F1 <= key <= Qt.Key.Key_F35
        if (
            not (mods & (Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier))
            and not is_f_key
        ):
            return False
        pressed = QKeySequence(event.keyCombination())  # type: ignore[attr-defined]
        if not isinstance(obj, QWidget):
            return False
        for scope, sequence in list(self.scopes):
            try:
                if not scope.isVisible():  # type: ignore[attr-defined]
                    continue
                inside = scope is obj or scope.isAncestorOf(obj)  # type: ignore[attr-defined]
            except RuntimeError:  # the scope was deleted
                continue
            if inside and sequence.matches(pressed) == QKeySequence.SequenceMatch.ExactMatch:  # type: ignore[attr-defined]
                return True  # eaten: not accepted by the field, so the shortcut map fires the view's key
        return False


_guard = _ShortcutGuard()


def guard_keys(scope: QWidget, *sequences: str) -> None:
    """Let ``scope``'s keys (QActions, QShortcuts) win over whichever child field has focus."""
    from PySide6.QtGui import QKeySequence

    for s in sequences:
        _guard.add(scope, QKeySequence(s))


# -- Qt's own file dialogs, in the app's language ------------------------------------------------------
def _file_dialog(parent: QWidget | None, title: str, name_filter: str = "") -> object:
    """Qt's own (non-native) file dialog: its texts go through the app's translation (qt_strings)."""
    from PySide6.QtWidgets import QFileDialog

    dialog = QFileDialog(parent, title, "", name_filter)
    dialog.setOption(QFileDialog.Option.DontUseNativeDialog, True)
    dialog.setObjectName("fileDialog")
    return dialog


def open_files(parent: QWidget | None, title: str, name_filter: str) -> list[str]:
    from PySide6.QtWidgets import QFileDialog

    dialog = _file_dialog(parent, title, name_filter)
    dialog.setFileMode(QFileDialog.FileMode.ExistingFiles)  # type: ignore[attr-defined]
    return list(dialog.selectedFiles()) if dialog.exec() else []  # type: ignore[attr-defined]


def open_folder(parent: QWidget | None, title: str) -> str:
    from PySide6.QtWidgets import QFileDialog

    dialog = _file_dialog(parent, title)
    dialog.setFileMode(QFileDialog.FileMode.Directory)  # type: ignore[attr-defined]
    dialog.setOption(QFileDialog.Option.ShowDirsOnly, True)  # type: ignore[attr-defined]
    files = dialog.selectedFiles() if dialog.exec() else []  # type: ignore[attr-defined]
    return files[0] if files else ""


def save_file(parent: QWidget | None, title: str, suggested: str, name_filter: str) -> str:
    from PySide6.QtWidgets import QFileDialog

    dialog = _file_dialog(parent, title, name_filter)
    dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)  # type: ignore[attr-defined]
    dialog.selectFile(suggested)  # type: ignore[attr-defined]
    files = dialog.selectedFiles() if dialog.exec() else []  # type: ignore[attr-defined]
    return files[0] if files else ""


# -- dates typed as the clerk reads them ----------------------------------------------------------------
class DateField(QLineEdit):
    """A dd/mm/yyyy field: typed digits fill it (the slashes are there), Tab goes to the next field.

    QDateEdit moves Tab between its day, month and year sections and mangles a typed
    "15/03/2019" into "15/03/00003/2019"; a masked line edit does neither. ``date()`` and
    ``setDate()`` take QDate, like QDateEdit; an empty field is ``QDate()`` (null) when
    ``optional``, so "no limit" is simply left blank.
    """

    dateChanged = Signal(QDate)

    def __init__(
        self, date: QDate | None = None, optional: bool = False, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.optional = optional
        self.setInputMask("00/00/0000;_")
        self.setMaximumWidth(140)
        self._last = QDate()
        self.setDate(date if date is not None else (QDate() if optional else QDate.currentDate()))
        self.editingFinished.connect(self._finished)
        self.textChanged.connect(self._typed)

    def _typed(self, _text: str) -> None:
        value = self.date()
        if value.isValid() and value != self._last:
            self._last = value
            self.dateChanged.emit(value)
        self.setStyleSheet("" if self.acceptable() else "border: 2px solid #b3261e;")

    def _finished(self) -> None:
        if not self.acceptable() and not self.optional:
            self.setDate(self._last if self._last.isValid() else QDate.currentDate())

    def is_empty(self) -> bool:
        return not self.text().replace("/", "").replace("_", "").strip()

    def acceptable(self) -> bool:
        return self.date().isValid() or (self.optional and self.is_empty())

    def date(self) -> QDate:  # type: ignore[override]
        return QDate.fromString(self.text(), "dd/MM/yyyy")

    def setDate(self, value: QDate) -> None:
        if value is None or not value.isValid():
            self.setText("")
            self._last = QDate()
            return
        self.setText(value.toString("dd/MM/yyyy"))

    def minimumDate(self) -> QDate:
        return QDate()
