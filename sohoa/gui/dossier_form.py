"""The dossier form with live validation: each code is checked as it is typed (``sohoa.core.identifiers``).

The message under a field is the core's own Vietnamese (or English) sentence, so the clerk
reads the same words the CLI would print. The tab order follows the form, top to bottom.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from PySide6.QtCore import QDate, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from sohoa.core import identifiers
from sohoa.core.errors import ValidationError
from sohoa.core.model import Document, DocumentKind, Dossier, OwnerType
from sohoa.core.province import ProvinceProfile
from sohoa.gui.widgets import DateField, message_label

ERROR_STYLE = "border: 2px solid #b3261e;"
OK_STYLE = ""


class DossierForm(QWidget):
    """Dossier code, procedure, owner, document kind and codes; ``valid`` says whether all pass."""

    validity_changed = Signal(bool)
    changed = Signal()  # any field the clerk typed or picked (the recovery journal saves it)

    def __init__(
        self, profile: ProvinceProfile, parent: QWidget | None = None, backlog: bool = False
    ) -> None:
        super().__init__(parent)
        self.profile = profile
        self.backlog = backlog
        self._errors: dict[str, str] = {}
        self._messages: dict[str, QLabel] = {}
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        form = QFormLayout()
        layout.addLayout(form)
        self.form = form

        if backlog:  # an old result carries the paper's own numbering, or none at all
            self.code = self._line("code", self.tr("Old dossier code (if any)"), "")
            self.code.setPlaceholderText(self.tr("As on the paper, or leave empty"))
        else:
            self.code = self._line("code", self.tr("Dossier code"), profile.dossier_code.example)
        self.procedure = self._line("procedure", self.tr("Procedure code"), profile.procedure_code.example)
        self.procedure_name = self._line("procedureName", self.tr("Procedure name"), "")
        self.owner_type = QComboBox()
        self.owner_type.setObjectName("ownerType")
        self.owner_type.addItem(self.tr("Citizen"), OwnerType.PERSON.value)
        self.owner_type.addItem(self.tr("Organisation or business"), OwnerType.ORGANISATION.value)
        form.addRow(self.tr("Owner type"), self.owner_type)
        self.owner_id = self._line("ownerId", self.tr("ID number"), "001099012345")
        self.owner_name = self._line("ownerName", self.tr("Owner name"), "Nguyễn Văn An")
        self.kind = QComboBox()
        self.kind.setObjectName("kind")
        for kind, label in (
            (DocumentKind.RESULT, self.tr("Result")),
            (DocumentKind.COMPONENT, self.tr("Submitted component")),
            (DocumentKind.COMPONENT_RESULT, self.tr("Component that is an earlier result")),
            (DocumentKind.PROCESSING_RESULT, self.tr("Processing result")),
            (DocumentKind.REJECTION, self.tr("Rejection or return notice")),
        ):
            self.kind.addItem(label, kind.value)
        form.addRow(self.tr("Document kind"), self.kind)
        self.title = self._line("title", self.tr("Document title"), "")
        self.component = self._line("component", self.tr("Component code"), profile.component_code.example)
        self.result_code = self._line("resultCode", self.tr("Result code"), profile.result_code.example)
        self.issue_date = DateField(QDate.currentDate())
        self.issue_date.setObjectName("issueDate")
        self.valid_until = DateField(optional=True)
        self.valid_until.setObjectName("validUntil")
        self.valid_until.setToolTip(self.tr("Leave empty when the result has no time limit"))
        if backlog:
            form.addRow(self.tr("Issue date"), self.issue_date)
            form.addRow(self.tr("Valid until"), self.valid_until)
        else:
            self.issue_date.hide()
            self.valid_until.hide()

        checks: list[tuple[QLineEdit, str, Callable[[str], str], bool]] = [
            (
                self.code,
                "code",
                identifiers.validate_legacy_code
                if backlog
                else lambda v: identifiers.validate_dossier_code(v, self.profile),
                not backlog,
            ),
            (
                self.procedure,
                "procedure",
                lambda v: identifiers.validate_procedure_code(v, self.profile),
                False,
            ),
            (
                self.owner_id,
                "ownerId",
                lambda v: identifiers.validate_owner_id(v, self.owner_type_value()),
                False,
            ),
            (
                self.component,
                "component",
                lambda v: identifiers.validate_component_code(v, self.profile),
                False,
            ),
            (
                self.result_code,
                "resultCode",
                lambda v: identifiers.validate_result_code(v, self.profile),
                False,
            ),
        ]
        self._checks = {name: (edit, fn, required) for edit, name, fn, required in checks}
        for edit, name, _fn, _req in checks:
            edit.textChanged.connect(lambda _t, n=name: self.check(n))
        self.owner_type.currentIndexChanged.connect(lambda _i: self.check("ownerId"))
        self.kind.currentIndexChanged.connect(lambda _i: self.check("resultCode"))
        for name in self._checks:
            self.check(name, quiet=True)
        for edit in self.findChildren(QLineEdit):
            edit.textChanged.connect(lambda _t: self.changed.emit())
        self.owner_type.currentIndexChanged.connect(lambda _i: self.changed.emit())
        self.kind.currentIndexChanged.connect(lambda _i: self.changed.emit())

    def _line(self, name: str, label: str, example: str) -> QLineEdit:
        edit = QLineEdit()
        edit.setObjectName(name)
        if example:
            edit.setPlaceholderText(self.tr("e.g. {example}").format(example=example))
        message = message_label(f"{name}Message")  # wraps inside the column, never cut
        message.setStyleSheet("color: #b3261e;")
        message.hide()
        self._messages[name] = message
        box = QVBoxLayout()
        box.setSpacing(1)
        box.addWidget(edit)
        box.addWidget(message)
        self.form.addRow(label, box)
        return edit

    # -- validation ---------------------------------------------------------------------------------
    def owner_type_value(self) -> str:
        return str(self.owner_type.currentData())

    def kind_value(self) -> DocumentKind:
        return DocumentKind(self.kind.currentData())

    def check(self, name: str, quiet: bool = False) -> bool:
        """Validate one field now; show the core's message under it (unless ``quiet``: empty form)."""
        edit, fn, required = self._checks[name]
        value = edit.text()
        message = ""
        if value.strip():
            try:
                fn(value)
            except ValidationError as e:
                message = e.message()
        elif required:
            message = self.tr("Required.")
        elif name == "resultCode" and self.kind_value().needs_result_code:
            message = self.tr("A result needs its result code.")
        if message:
            self._errors[name] = message
        else:
            self._errors.pop(name, None)
        label = self._messages[name]
        show = bool(message) and not (quiet and not value.strip())
        label.setText(message if show else "")
        label.setVisible(show)
        edit.setStyleSheet(ERROR_STYLE if show else OK_STYLE)
        self.validity_changed.emit(self.valid)
        return not message

    @property
    def valid(self) -> bool:
        return not self._errors

    def errors(self) -> dict[str, str]:
        return dict(self._errors)

    def show_all_errors(self) -> None:
        for name in self._checks:
            self.check(name)
        first = next(iter(self._errors), None)
        if first:
            self._checks[first][0].setFocus()

    # -- values ---------------------------------------------------------------------------------------
    def document(self) -> Document:
        kind = self.kind_value()
        valid_until = self.valid_until.date()
        issued = self.issue_date.date()
        return Document(
            kind=kind,
            title=self.title.text().strip() or self.kind.currentText(),
            component_code=self.component.text().strip(),
            result_code=self.result_code.text().strip().upper(),
            issue_date=issued.toPython() if self.backlog and issued.isValid() else None,  # type: ignore[arg-type]
            valid_until=valid_until.toPython() if valid_until.isValid() else None,  # type: ignore[arg-type]
        )

    def dossier(self) -> Dossier:
        """The form as a validated :class:`Dossier` (without documents)."""
        d = Dossier(
            code=self.code.text().strip().upper(),
            procedure_code=self.procedure.text().strip().upper(),
            procedure_name=self.procedure_name.text(),
            owner_type=OwnerType(self.owner_type_value()),
            owner_id=self.owner_id.text().strip(),
            owner_name=self.owner_name.text(),
            received_date=date.today(),
            legacy=self.backlog,
        )
        if self.backlog:  # the paper's own numbering, kept as typed (not upper-cased)
            d.code = self.code.text().strip()
        return d.validated(self.profile)

    def document_fields(self) -> dict[str, str]:
        """This document's own fields (each document of a split dossier keeps its own)."""
        return {
            "kind": str(self.kind.currentData()),
            "title": self.title.text(),
            "component": self.component.text(),
            "result_code": self.result_code.text(),
        }

    def fill(self, **values: str) -> None:
        """Set fields by name (the receipt-slip barcode, the demo, the tests)."""
        for name, value in values.items():
            if name == "owner_type":
                self.owner_type.setCurrentIndex(self.owner_type.findData(value))
            elif name == "kind":
                self.kind.setCurrentIndex(self.kind.findData(value))
            else:
                getattr(self, name).setText(value)

    def values(self) -> dict[str, str]:
        """Every field as text (the recovery journal keeps them; ``set_values`` puts them back)."""
        out = {
            name: getattr(self, name).text()
            for name in (
                "code",
                "procedure",
                "procedure_name",
                "owner_id",
                "owner_name",
                "title",
                "component",
                "result_code",
            )
        }
        out["owner_type"] = self.owner_type_value()
        out["kind"] = str(self.kind.currentData())
        out["issue_date"] = self.issue_date.text() if self.backlog else ""
        out["valid_until"] = self.valid_until.text() if self.backlog else ""
        return out

    def set_values(self, values: dict[str, str]) -> None:
        for name, value in values.items():
            if name in ("issue_date", "valid_until"):
                if value and self.backlog:
                    getattr(self, name).setDate(QDate.fromString(value, "dd/MM/yyyy"))
            elif hasattr(self, name) or name in ("owner_type", "kind"):
                self.fill(**{name: value})

    def has_input(self) -> bool:
        """True when the clerk typed anything (a discard would lose it)."""
        values = self.values()
        return any(
            v.strip()
            for k, v in values.items()
            if k not in ("owner_type", "kind", "issue_date", "valid_until")
        )

    def clear(self) -> None:
        """Every field back to its start, the owner type included (the next citizen starts clean)."""
        self.owner_type.setCurrentIndex(0)
        self.kind.setCurrentIndex(0)
        self.issue_date.setDate(QDate.currentDate())
        self.valid_until.setDate(QDate())
        for edit in (
            self.code,
            self.procedure,
            self.procedure_name,
            self.owner_id,
            self.owner_name,
            self.title,
            self.component,
            self.result_code,
        ):
            edit.clear()
        for name in self._checks:
            self.check(name, quiet=True)
