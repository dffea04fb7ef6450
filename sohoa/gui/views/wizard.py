"""The first-run wizard: language, scanner, token, repository, each with a test, saved to the config."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
    QWizard,
    QWizardPage,
)

from sohoa.core.config import LoadedConfig, load_config, save_setting
from sohoa.core.errors import SoHoaError
from sohoa.core.paths import AppPaths
from sohoa.gui import services
from sohoa.gui.token_drivers import fill_driver_box
from sohoa.gui.widgets import ask, error_text, message_label
from sohoa.gui.workers import run_task


class FirstRunWizard(QWizard):
    """Shown when there is no config file yet; locked settings are shown but cannot be changed."""

    def __init__(self, paths: AppPaths, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.paths = paths.ensure()
        self.config: LoadedConfig = load_config(self.paths)
        self.setWindowTitle(self.tr("Welcome to SoHoa"))
        self.setButtonText(QWizard.WizardButton.NextButton, self.tr("Next"))
        self.setButtonText(QWizard.WizardButton.BackButton, self.tr("Back"))
        self.setButtonText(QWizard.WizardButton.FinishButton, self.tr("Finish"))
        self.setButtonText(QWizard.WizardButton.CancelButton, self.tr("Cancel"))
        self.fields_: dict[str, QWidget] = {}
        self.results: dict[str, QLabel] = {}

        intro = QWizardPage()
        intro.setObjectName("intro")
        intro.setTitle(self.tr("Welcome to SoHoa"))
        text = message_label("introText")
        text.setText(
            self.tr(
                "SoHoa scans the dossiers received at the counter, turns them into signed PDF/A files "
                "and sends them to the provincial repository. These few pages set up this workstation: "
                "who works here, the scanner, the signing token, where files are kept and the repository. "
                "Each page has a Test button; everything can be changed later in Settings."
            )
        )
        QVBoxLayout(intro).addWidget(text)
        self.addPage(intro)
        lang = QComboBox()
        lang.addItem("Tiếng Việt", "vi")
        lang.addItem("English", "en")
        agency = QLineEdit()
        self._page(
            self.tr("Language and agency"),
            [
                ("general.language", self.tr("Language"), lang),
                ("general.agency_name", self.tr("Agency name"), agency),
                ("general.clerk_name", self.tr("Your name (shown in statistics)"), QLineEdit()),
            ],
            None,
        )
        device = QComboBox()
        device.setEditable(True)
        training = QCheckBox(self.tr("Offer the test scanner (for training, no paper needed)"))
        self._page(
            self.tr("Scanner"),
            [
                ("scanner.device", self.tr("Scanner"), device),
                ("scanner.test_device", self.tr("Training"), training),
            ],
            "scanner",
        )
        module = QComboBox()
        module.setEditable(True)
        fill_driver_box(module, services.known_token_modules())
        self._page(
            self.tr("Token"),
            [
                ("signing.pkcs11_module", self.tr("Token driver"), module),
                ("signing.token_label", self.tr("Token"), QLineEdit()),
            ],
            "signing",
        )
        repo = self._page(
            self.tr("Repository"),
            [
                ("repository.url", self.tr("Repository address"), QLineEdit()),
                ("repository.username", self.tr("User name"), QLineEdit()),
            ],
            "repository",
        )
        # the password goes to the system keyring (as in Settings), never into the config file
        self.password = QLineEdit()
        self.password.setObjectName("password")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setToolTip(self.tr("Kept in the system keyring, never in the settings file"))
        self.password.setEnabled(not self.config.is_locked("repository.url"))
        repo.insertRow(2, self.tr("Password"), self.password)
        storage = QWizardPage()
        storage.setObjectName("storage")
        storage.setTitle(self.tr("Where files are kept"))
        where = message_label("storageText")
        where.setText(
            self.tr(
                "Scanned pages, signed documents and the upload queue are kept in {folder}, readable by "
                "this Windows/Linux account only. Keep at least 5 GB free there."
            ).format(folder=self.paths.data)
        )
        QVBoxLayout(storage).addWidget(where)
        self.addPage(storage)

    def _page(self, title: str, rows: list[tuple[str, str, QWidget]], test: str | None) -> QFormLayout:
        page = QWizardPage()
        page.setTitle(title)
        form = QFormLayout(page)
        for key, label, widget in rows:
            widget.setObjectName(key)
            locked = self.config.is_locked(key)
            widget.setEnabled(not locked)
            if locked:
                widget.setToolTip(self.tr("Locked by the administrator"))
            current = self._current(key)
            if isinstance(widget, QComboBox):
                index = widget.findData(current)
                if index < 0 and current:
                    widget.addItem(str(current), current)
                    index = widget.count() - 1
                widget.setCurrentIndex(max(index, 0))
            elif isinstance(widget, QLineEdit):
                widget.setText(str(current or ""))
            elif isinstance(widget, QCheckBox):
                widget.setChecked(bool(current))
            self.fields_[key] = widget
            form.addRow(label, widget)
        if test:
            button = QPushButton(self.tr("Test"))
            button.setObjectName(f"test-{test}")
            result = message_label()
            result.setWordWrap(True)
            self.results[test] = result
            button.clicked.connect(lambda _=False, t=test: self.run_test(t))
            form.addRow(button, result)
        self.addPage(page)
        return form

    def _current(self, key: str) -> Any:
        section, name = key.split(".")
        return getattr(getattr(self.config.settings, section), name)

    def value(self, key: str) -> Any:
        widget = self.fields_[key]
        if isinstance(widget, QCheckBox):
            return widget.isChecked()
        if key == "repository.url":
            return with_scheme(widget.text())  # type: ignore[attr-defined]
        if isinstance(widget, QComboBox):
            data = widget.currentData()
            return (
                data
                if data is not None and widget.currentText() == widget.itemText(widget.currentIndex())
                else widget.currentText().strip()
            )
        return widget.text().strip()  # type: ignore[attr-defined]

    def run_test(self, name: str) -> None:
        label = self.results[name]
        label.setText(self.tr("Testing…"))
        paths = self.paths
        module = self.value("signing.pkcs11_module")
        url = self.value("repository.url")  # "kho.tinh.gov.vn" is tried as https://kho.tinh.gov.vn

        def work(progress: object) -> str:
            if name == "scanner":
                ctx = services.AppContext.open(paths)
                try:
                    found = services.list_scanners(ctx)
                finally:
                    ctx.close()
                return ", ".join(s.name for s in found) or self.tr("No scanner found.")
            if name == "signing":
                self.tokens_found = services.token_labels(module)
                return ", ".join(services.list_tokens(module)) or self.tr("No token found.")
            return (
                self.tr("The repository answers.")
                if services.ping_repository(url)
                else self.tr("The repository does not answer.")
            )

        def done(text: str) -> None:
            label.setText(text)
            token = self.fields_.get("signing.token_label")
            if name == "signing" and isinstance(token, QLineEdit) and token.isEnabled():
                found = self.tokens_found
                if found and token.text().strip() not in found:
                    token.setText(found[0])  # the token the test found (its label, as signing looks it up)
            if name == "scanner":
                box = self.fields_["scanner.device"]
                assert isinstance(box, QComboBox)
                for s in services.cached_scanners():
                    if box.findData(s.name) < 0:
                        box.addItem(s.label, s.name)

        self.tokens_found: list[str] = []
        self.test_task = run_task(work, done=done, failed=lambda e: label.setText(error_text(e)))

    def reject(self) -> None:
        """ "Hủy" asks first: quitting the wizard quits the app without saving anything."""
        if not self.isVisible() or ask(
            self,
            self.tr("Quit the setup"),
            self.tr("Quit without saving? SoHoa will ask these questions again at the next start."),
        ):
            super().reject()

    def accept(self) -> None:
        """Save every unlocked value (the password to the keyring); stay open and say why if one is refused."""
        try:
            for key, widget in self.fields_.items():
                if widget.isEnabled():
                    self.config = save_setting(self.config, key, self.value(key))
            if self.password.text():
                services.store_password(
                    self.value("repository.url"), self.value("repository.username"), self.password.text()
                )
        except SoHoaError as e:
            self.currentPage().setSubTitle(error_text(e))
            return
        finally:
            self.password.clear()
        super().accept()


def with_scheme(url: str) -> str:
    """An address typed without a scheme ("kho.tinh.gov.vn") means HTTPS."""
    url = url.strip()
    if url and "://" not in url:
        return "https://" + url
    return url
