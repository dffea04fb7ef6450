"""Settings over ``sohoa.core.config``: each value edited in place; administrator-locked ones shown but disabled.

Every group has a "test" button that checks the setting for real (finds scanners, opens the
token, reaches the repository, writes to the storage folder) in a worker.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from sohoa.core.config import save_setting
from sohoa.core.errors import SoHoaError
from sohoa.core.i18n import Text, tr
from sohoa.core.province import bundled_profiles
from sohoa.gui import services
from sohoa.gui.token_drivers import fill_driver_box, installed_drivers
from sohoa.gui.widgets import ask, error_text, message_label, shortcut
from sohoa.gui.workers import run_task
from sohoa.signing.trust import TIMESTAMP_SERVICES

log = logging.getLogger(__name__)

# New texts of the signing area use core Text pairs (no .ts churn while several areas edit the GUI).
TRUST_TITLE = Text(vi="Chứng thư gốc tin cậy (kiểm tra chữ ký)", en="Trust anchors (signature verification)")
TSA_HINT = Text(
    vi="tắt (cơ quan nhà nước: {url}, hoặc máy chủ của nhà cung cấp chứng thư)",
    en="off (state agencies: {url}, or the certificate provider's server)",
)
TRUST_FOLDER = Text(
    vi="Quản trị viên thêm hoặc thay chứng thư gốc trong thư mục: {folder}",
    en="An administrator adds or replaces anchors in the folder: {folder}",
)


def province_choices() -> list[tuple[str, str]]:
    """(file name, the profile's own Vietnamese name) for every bundled province profile."""
    from sohoa.core.province import load_profile

    out = []
    for name in bundled_profiles():
        try:
            out.append((name, load_profile(name).name or name))
        except SoHoaError:
            out.append((name, name))
    return out


def trust_anchor_text(config_roots: list[str]) -> str:
    """One line per anchor (subject, SHA-256), as ``sohoa trust list`` prints them."""
    from sohoa.signing.trust import load_anchors, system_trust_dir

    try:
        anchors = load_anchors(config_roots)
    except SoHoaError as e:
        return e.message()
    lines = [f"{a.subject}\nSHA-256: {a.sha256}" for a in anchors]
    return "\n\n".join([*lines, tr(TRUST_FOLDER, folder=str(system_trust_dir()))])


@dataclass
class Field:
    key: str
    label: str
    widget: QWidget


def _get(settings: Any, key: str) -> Any:
    node = settings
    for part in key.split("."):
        node = node[part] if isinstance(node, dict) else getattr(node, part)
    return node


class SettingsView(QWidget):
    """All settings on one scrolling page, grouped as the wizard asks for them."""

    def __init__(self, ctx: services.AppContext, window: QWidget | None = None) -> None:
        super().__init__()
        self.ctx = ctx
        self.fields: dict[str, Field] = {}
        self.test_results: dict[str, QLabel] = {}
        outer = QVBoxLayout(self)
        title = QLabel(self.tr("Settings"))
        title.setStyleSheet("font-size: 18px; font-weight: bold;")
        outer.addWidget(title)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        body = QWidget()
        self.body = QVBoxLayout(body)
        scroll.setWidget(body)
        outer.addWidget(scroll, 1)
        profile = ctx.settings.scanner.profile or "default"
        self.profile_name = profile

        self._group(
            "general",
            self.tr("General"),
            [
                (
                    "general.language",
                    self.tr("Language"),
                    self._combo([("vi", "Tiếng Việt"), ("en", "English")]),
                ),
                (
                    "general.province_profile",
                    self.tr("Province profile"),
                    self._combo(province_choices(), editable=True),
                ),
                ("general.agency_name", self.tr("Agency name"), QLineEdit()),
            ],
            self.tr("Test storage folder"),
        )
        storage = QLabel(str(ctx.paths.data))
        storage.setObjectName("storageFolder")
        storage.setTextInteractionFlags(
            storage.textInteractionFlags() | Qt.TextInteractionFlag.TextSelectableByMouse
        )
        self.storage_form.insertRow(3, self.tr("Storage folder"), storage)
        self._group(
            "scanner",
            self.tr("Scanner and profile"),
            [
                ("scanner.device", self.tr("Scanner"), self._combo([], editable=True)),
                (
                    f"profiles.{profile}.source",
                    self.tr("Paper source"),
                    self._combo(
                        [
                            ("adf", self.tr("Document feeder")),
                            ("adf-duplex", self.tr("Feeder, both sides")),
                            ("flatbed", self.tr("Flatbed")),
                        ]
                    ),
                ),
                (
                    f"profiles.{profile}.mode",
                    self.tr("Colour"),
                    self._combo(
                        [
                            ("color", self.tr("Colour")),
                            ("gray", self.tr("Grey")),
                            ("bw", self.tr("Black and white")),
                        ]
                    ),
                ),
                (f"profiles.{profile}.dpi", self.tr("Resolution (dpi)"), self._spin(75, 1200)),
                (f"profiles.{profile}.drop_blank", self.tr("Drop blank pages"), QCheckBox()),
            ],
            self.tr("Find scanners"),
        )
        self._group(
            "signing",
            self.tr("Token and certificate"),
            [
                (
                    "signing.pkcs11_module",
                    self.tr("Token driver (PKCS#11 module)"),
                    self._driver_box(),
                ),
                ("signing.token_label", self.tr("Token"), QLineEdit()),
                ("signing.cert_id", self.tr("Which certificate"), QLineEdit()),
                ("signing.timestamp_url", self.tr("Time-stamp server"), QLineEdit()),
                ("signing.visible", self.tr("Visible signature stamp"), QCheckBox()),
            ],
            self.tr("Test token"),
        )
        cert = self.fields["signing.cert_id"].widget
        cert.setPlaceholderText(self.tr("empty: the signing certificate on the token"))  # type: ignore[attr-defined]
        cert.setToolTip(  # the technical name stays for the administrator, off the label
            self.tr("Only when the token holds several signing certificates: the number the supplier gives")
        )
        tsa = self.fields["signing.timestamp_url"].widget
        tsa.setPlaceholderText(tr(TSA_HINT, url=next(iter(TIMESTAMP_SERVICES.values()))))  # type: ignore[attr-defined]
        self._trust_group()
        self._group(
            "repository",
            self.tr("Repository"),
            [
                ("repository.url", self.tr("Repository address"), QLineEdit()),
                ("repository.username", self.tr("User name"), QLineEdit()),
                (
                    "repository.bandwidth_limit_kbps",
                    self.tr("Bandwidth limit (kbit/s, 0 = none)"),
                    self._spin(0, 1_000_000),
                ),
            ],
            self.tr("Test connection"),
        )
        self.password = QLineEdit()
        self.password.setObjectName("password")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setPlaceholderText(self.tr("unchanged"))
        self.password.setToolTip(self.tr("Kept in the system keyring, never in the settings file"))
        self.repo_form.insertRow(2, self.tr("Password"), self.password)
        self.body.addStretch(1)
        row = QHBoxLayout()
        self.message = message_label()
        self.message.setObjectName("settingsMessage")
        self.message.setWordWrap(True)
        self.save_button = QPushButton(self.tr("Save (Ctrl+S)"))
        self.save_button.setObjectName("save")
        shortcut(self, "Ctrl+S", self.save_button.click)
        self.save_button.clicked.connect(self.save)
        row.addWidget(self.message, 1)
        row.addWidget(self.save_button)
        outer.addLayout(row)
        self.load()

    # -- building --------------------------------------------------------------------------------
    def _trust_group(self) -> None:
        """The trust anchors verification uses, with SHA-256 fingerprints an administrator can compare."""
        group = QGroupBox(tr(TRUST_TITLE))
        group.setObjectName("trust-anchors")
        layout = QVBoxLayout(group)
        label = QLabel(trust_anchor_text(self.ctx.settings.signing.trust_roots))
        label.setObjectName("trust-anchor-list")
        label.setWordWrap(True)
        label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(label)
        self.body.addWidget(group)

    def _combo(self, items: list[tuple[str, str]], editable: bool = False) -> QComboBox:
        box = QComboBox()
        box.setEditable(editable)
        for value, label in items:
            box.addItem(label, value)
        return box

    def _driver_box(self) -> QComboBox:
        """Token drivers by vendor name, as the wizard lists them; the path on hover."""
        box = QComboBox()
        box.setEditable(True)  # an administrator may still type a driver's path
        fill_driver_box(box, installed_drivers(self.ctx.settings.signing.pkcs11_module))
        return box

    def _spin(self, low: int, high: int) -> QSpinBox:
        box = QSpinBox()
        box.setRange(low, high)
        return box

    def _group(self, name: str, title: str, rows: list[tuple[str, str, QWidget]], test_label: str) -> None:
        group = QGroupBox(title)
        form = QFormLayout(group)
        if name == "general":
            self.storage_form = form
        elif name == "repository":
            self.repo_form = form
        for key, label, widget in rows:
            widget.setObjectName(key)
            self.fields[key] = Field(key, label, widget)
            form.addRow(label, widget)
        test = QPushButton(test_label)
        test.setObjectName(f"test-{name}")
        result = message_label()
        result.setObjectName(f"result-{name}")
        result.setWordWrap(True)
        self.test_results[name] = result
        test.clicked.connect(lambda _=False, n=name: self.run_test(n))
        form.addRow(test, result)
        self.body.addWidget(group)

    # -- values ----------------------------------------------------------------------------------
    def _value(self, widget: QWidget) -> Any:
        if isinstance(widget, QComboBox):
            data = widget.currentData()
            text = widget.currentText()
            return data if data is not None and widget.itemText(widget.currentIndex()) == text else text
        if isinstance(widget, QCheckBox):
            return widget.isChecked()
        if isinstance(widget, QSpinBox):
            return widget.value()
        return widget.text().strip()  # type: ignore[attr-defined]

    def _show(self, widget: QWidget, value: Any) -> None:
        if isinstance(widget, QComboBox):
            index = widget.findData(value)
            if index < 0 and value not in ("", None):
                widget.addItem(str(value), value)
                index = widget.count() - 1
            if index >= 0:
                widget.setCurrentIndex(index)
            elif widget.isEditable():
                widget.setEditText(str(value or ""))
        elif isinstance(widget, QCheckBox):
            widget.setChecked(bool(value))
        elif isinstance(widget, QSpinBox):
            widget.setValue(int(value))
        else:
            widget.setText(str(value or ""))  # type: ignore[attr-defined]

    def load(self) -> None:
        """Show the current values; lock what the administrator locked."""
        settings = self.ctx.settings.model_dump()
        for key, f in self.fields.items():
            try:
                value = _get(settings, key)
            except (KeyError, AttributeError):
                value = ""
            self._show(f.widget, value)
            locked = self.ctx.config.is_locked(key)
            f.widget.setEnabled(not locked)
            f.widget.setProperty("locked", locked)
            if f.widget.property("hint") is None:  # the field's own help, kept across reloads
                f.widget.setProperty("hint", f.widget.toolTip())
            hint = str(f.widget.property("hint") or "")
            f.widget.setToolTip(self.tr("Locked by the administrator") if locked else hint)
            label = f.widget.parentWidget().layout().labelForField(f.widget)  # type: ignore[union-attr]
            if isinstance(label, QLabel):
                label.setText(f.label + (" " + self.tr("(locked)") if locked else ""))
                label.setToolTip(f.widget.toolTip())
        self.loaded = {k: self._value(f.widget) for k, f in self.fields.items()}

    def changed(self) -> dict[str, Any]:
        return {
            k: self._value(f.widget)
            for k, f in self.fields.items()
            if f.widget.isEnabled() and self._value(f.widget) != self.loaded.get(k)
        }

    def save(self) -> bool:
        """Save every changed value; stop at the first one the config refuses and say why."""
        changes = self.changed()
        language_changed = "general.language" in changes
        if self.password.text():
            try:
                services.store_password(
                    self._value(self.fields["repository.url"].widget),
                    self._value(self.fields["repository.username"].widget),
                    self.password.text(),
                )
            except SoHoaError as e:
                self.message.setText(error_text(e))
                self.message.setStyleSheet("color: #b3261e;")
                return False
            finally:
                self.password.clear()
            changes = {**changes, "password": True}
        for key, value in changes.items():
            if key == "password":
                continue
            try:
                self.ctx.config = save_setting(self.ctx.config, key, value)
            except SoHoaError as e:
                self.message.setText(error_text(e))
                self.message.setStyleSheet("color: #b3261e;")
                return False
        self.ctx.reload_config()
        self.load()
        text = self.tr("Settings saved.")
        if language_changed:
            text += " " + self.tr("The new language applies after SoHoa restarts.")
        self.message.setText(text if changes else self.tr("Nothing to save."))
        self.message.setStyleSheet("color: #1b7f2a;")
        return True

    # -- tests -----------------------------------------------------------------------------------
    def run_test(self, name: str) -> None:
        values = {k: self._value(f.widget) for k, f in self.fields.items()}
        label = self.test_results[name]
        label.setText(self.tr("Testing…"))
        label.setStyleSheet("")
        ctx = self.ctx

        def work(progress: object) -> str:
            if name == "scanner":
                found = services.list_scanners(ctx)
                if not found:
                    return "!" + self.tr("No scanner found. Check the cable and the power, then test again.")
                return self.tr("Found: {names}").format(names=", ".join(s.label for s in found))
            if name == "signing":
                tokens = services.list_tokens(values["signing.pkcs11_module"])
                if not tokens:
                    return "!" + self.tr("No token found. Plug the token in, then test again.")
                return self.tr("Tokens: {names}").format(names=", ".join(tokens))
            if name == "repository":
                url = values["repository.url"]
                if not url:
                    return "!" + self.tr("Enter the repository address first.")
                if services.ping_repository(url):
                    return self.tr("The repository answers.")
                return "!" + self.tr("The repository does not answer. Check the address and the network.")
            free = services.test_storage(ctx.paths.data)
            return self.tr("The folder {folder} is writable; {free} GB free.").format(
                folder=ctx.paths.data, free=f"{free / 1e9:.1f}"
            )

        def done(text: str) -> None:
            bad = text.startswith("!")
            label.setText(text.lstrip("!"))
            label.setStyleSheet("color: #b3261e;" if bad else "color: #1b7f2a;")
            if name == "scanner" and not bad:
                self._fill_scanners()

        def failed(error: BaseException) -> None:
            label.setText(error_text(error))
            label.setStyleSheet("color: #b3261e;")

        self.test_task = run_task(work, done=done, failed=failed)

    def _fill_scanners(self) -> None:
        box = self.fields["scanner.device"].widget
        assert isinstance(box, QComboBox)
        current = box.currentText()
        for s in services.cached_scanners():
            if box.findData(s.name) < 0:
                box.addItem(s.label, s.name)
        if current:
            box.setEditText(current)

    def activated(self) -> None:
        if not self.changed():
            self.load()

    def confirm_leave(self) -> bool:
        if not self.changed():
            return True
        answer = ask(self, self.tr("Unsaved settings"), self.tr("Save the changed settings?"))
        return self.save() if answer else True
