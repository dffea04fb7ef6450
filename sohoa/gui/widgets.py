"""Small shared widgets: error display, the PIN prompt, a progress panel with Cancel."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QDate, Signal
from PySide6.QtWidgets import (
    QDateEdit,
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
    return ErrorBox.tr_unexpected(error)


class ErrorBox:
    """Shows core errors with ``error.message()``; anything else as an unexpected error."""

    @staticmethod
    def tr_unexpected(error: BaseException) -> str:
        from PySide6.QtCore import QCoreApplication

        return QCoreApplication.translate(
            "ErrorBox", "Unexpected error: {detail}. The log has the details; report it to support."
        ).format(detail=f"{type(error).__name__}: {error}")

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
        self.label = QLabel()
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


def ask(parent: QWidget | None, title: str, text: str) -> bool:
    """A yes/no question with translated buttons (Qt ships no Vietnamese for its own)."""
    from PySide6.QtCore import QCoreApplication

    box = QMessageBox(QMessageBox.Icon.Question, title, text, QMessageBox.StandardButton.NoButton, parent)
    box.setObjectName("question")
    yes = box.addButton(QCoreApplication.translate("Dialogs", "Yes"), QMessageBox.ButtonRole.YesRole)
    no = box.addButton(QCoreApplication.translate("Dialogs", "No"), QMessageBox.ButtonRole.NoRole)
    box.setDefaultButton(no)
    box.exec()
    return box.clickedButton() is yes


def shortcut(scope: QWidget, sequence: str, slot: object) -> None:
    """A key for ``slot`` that works while focus is inside ``scope`` (one view), so views never clash."""
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QKeySequence, QShortcut

    sc = QShortcut(QKeySequence(sequence), scope, context=Qt.ShortcutContext.WidgetWithChildrenShortcut)
    sc.activated.connect(slot)  # type: ignore[arg-type]


def date_field(date: QDate, name: str, on_change: Callable[..., object]) -> QDateEdit:
    """A day/month/year field with a calendar popup, as the filter bars use it."""
    edit = QDateEdit(date)
    edit.setObjectName(name)
    edit.setCalendarPopup(True)
    edit.setDisplayFormat("dd/MM/yyyy")
    edit.dateChanged.connect(on_change)
    return edit
