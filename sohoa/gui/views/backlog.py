"""Backlog mode: a long run of old paper results, split by separator sheets, typed in by keyboard.

Scan the whole stack once; each document (between separator sheets, or where the clerk splits)
gets its metadata, and Ctrl+Enter saves it, builds its PDF/A in the background and moves on to
the next, so the clerk never leaves the keyboard. Finished results wait for one signing batch.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import (
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from sohoa.core.errors import SoHoaError
from sohoa.core.model import DocumentKind
from sohoa.gui import services
from sohoa.gui.dossier_form import DossierForm
from sohoa.gui.pages import PAGE_ROLE, PageStrip, Preview
from sohoa.gui.widgets import ErrorBox, ProgressPanel, error_text, message_label, shortcut
from sohoa.gui.workers import Task, run_task


class BacklogView(QWidget):
    """Documents on the left, the current one's pages in the middle, its metadata on the right."""

    def __init__(self, ctx: services.AppContext, window: QWidget | None = None) -> None:
        super().__init__()
        self.ctx = ctx
        self.window_ = window
        self.groups: list[list[services.ScannedPage]] = []
        self.saved: set[int] = set()
        self.task: Task | None = None
        self.jobs: list[Task] = []
        import uuid

        self.batch_dir = ctx.paths.pages / f"backlog-{uuid.uuid4().hex[:12]}"
        self.session: services.ScanSession | None = None

        self.docs = QListWidget()
        self.docs.setObjectName("documents")
        self.docs.currentRowChanged.connect(self.show_document)
        self.pages = PageStrip()
        self.preview = Preview()
        self.pages.currentItemChanged.connect(
            lambda item, _p: self.preview.show_page(item.data(PAGE_ROLE) if item else None)
        )
        self.form = DossierForm(ctx.profile, backlog=True)
        self.form.fill(kind=DocumentKind.RESULT.value)
        meta = QGroupBox(self.tr("This document"))
        QVBoxLayout(meta).addWidget(self.form)

        left = QWidget()
        left_layout = QVBoxLayout(left)
        self.scan_button = QPushButton(self.tr("Scan the stack (F5)"))
        self.scan_button.setObjectName("scan")
        shortcut(self, "F5", self.scan_button.click)
        self.scan_button.clicked.connect(self.scan)
        left_layout.addWidget(self.scan_button)
        self.import_button = QPushButton(self.tr("Import files… (Ctrl+O)"))
        self.import_button.setObjectName("importFiles")
        shortcut(self, "Ctrl+O", self.import_button.click)
        self.import_button.clicked.connect(lambda: self.import_files())
        self.folder_button = QPushButton(self.tr("Import a folder… (Ctrl+Shift+O)"))
        self.folder_button.setObjectName("importFolder")
        shortcut(self, "Ctrl+Shift+O", self.folder_button.click)
        self.folder_button.clicked.connect(self.import_folder)
        self.sheet_button = QPushButton(self.tr("Separator sheet (PDF)…"))
        self.sheet_button.setObjectName("separatorSheet")
        self.sheet_button.setToolTip(self.tr("Print this sheet between the results of a stack"))
        self.sheet_button.clicked.connect(self.save_separator_sheet)
        left_layout.addWidget(self.import_button)
        left_layout.addWidget(self.folder_button)
        left_layout.addWidget(self.sheet_button)
        left_layout.addWidget(QLabel(self.tr("Documents")))
        left_layout.addWidget(self.docs, 1)
        centre = QWidget()
        centre_layout = QVBoxLayout(centre)
        centre_layout.addWidget(self.pages, 1)
        centre_layout.addWidget(self.preview, 2)

        splitter = QSplitter()
        splitter.addWidget(left)
        splitter.addWidget(centre)
        splitter.addWidget(meta)
        splitter.setSizes([220, 560, 420])

        bottom = QHBoxLayout()
        self.progress = ProgressPanel()
        self.progress.cancel_requested.connect(self.cancel)
        self.status = message_label()
        self.status.setObjectName("status")
        self.status.setWordWrap(True)
        self.next_button = QPushButton(self.tr("Save and next (Ctrl+Enter)"))
        self.next_button.setObjectName("saveNext")
        shortcut(self, "Ctrl+Return", self.next_button.click)
        self.next_button.clicked.connect(self.save_and_next)
        bottom.addWidget(self.progress, 1)
        bottom.addWidget(self.status, 2)
        bottom.addWidget(self.next_button)
        layout = QVBoxLayout(self)
        title = QLabel(self.tr("Backlog: results issued before the repository"))
        title.setStyleSheet("font-size: 18px; font-weight: bold;")
        layout.addWidget(title)
        layout.addWidget(splitter, 1)
        layout.addLayout(bottom)
        shortcut(self, "Ctrl+D", self.split_here)
        shortcut(self, "Ctrl+PgDown", lambda: self._step(1))
        shortcut(self, "Ctrl+PgUp", lambda: self._step(-1))

    def busy(self) -> bool:
        return any(t.running for t in [*self.jobs, *([self.task] if self.task else [])])

    def cancel(self) -> None:
        for t in [*self.jobs, *([self.task] if self.task else [])]:
            t.cancel()

    def _step(self, step: int) -> None:
        self.docs.setCurrentRow(max(0, min(self.docs.count() - 1, self.docs.currentRow() + step)))

    # -- scanning ----------------------------------------------------------------------------------
    def scan(self) -> None:
        if self.task is not None and self.task.running:
            return
        ctx = self.ctx
        out = self.batch_dir

        def work(progress: services.ProgressLike) -> list[services.ScannedPage]:
            if self.session is None:
                self.session = services.ScanSession(ctx, out)
            pages = self.session.scan(progress)
            self.session.finish()  # each stack is kept as files at once; no journal left open
            self.session.close()
            self.session = None
            return pages

        self.progress.start(self.tr("Scanning…"))
        self.scan_button.setEnabled(False)
        self.task = run_task(
            work,
            progress=lambda d, t, n: self.progress.update_progress(
                d, t, self.tr("Scanning page {n}…").format(n=d + 1)
            ),
            done=self.add_pages,
            failed=lambda e: (self.status.setText(error_text(e)), ErrorBox.show(self, e)),
            finished=lambda: (self.progress.stop(), self.scan_button.setEnabled(True)),
        )

    # -- importing ---------------------------------------------------------------------------------
    def import_files(self, files: list[str] | None = None) -> None:
        """Old results already scanned to files (PDF and images), split at separator sheets."""
        from sohoa.gui.widgets import open_files

        if files is None:
            files = open_files(
                self,
                self.tr("Import files"),
                self.tr("Images and PDF files (*.pdf *.png *.jpg *.jpeg *.tif *.tiff);;All files (*)"),
            )
        if not files or (self.task is not None and self.task.running):
            return
        ctx = self.ctx
        out = self.batch_dir / "imported"
        first = 1 + sum(len(g) for g in self.groups) + 1000

        def work(progress: services.ProgressLike) -> list[services.ScannedPage]:
            from sohoa.gui.services.backlog_import import import_stack

            return import_stack(ctx, [Path(f) for f in files], out, first, progress)

        self.progress.start(self.tr("Importing…"))
        self.task = run_task(
            work,
            done=self.add_pages,
            failed=lambda e: (self.status.setText(error_text(e)), ErrorBox.show(self, e)),
            finished=self.progress.stop,
        )

    def import_folder(self) -> None:
        from sohoa.gui.widgets import open_folder

        folder = open_folder(self, self.tr("Import a folder"))
        if folder:
            from sohoa.gui.services.backlog_import import files_in

            self.import_files([str(p) for p in files_in(Path(folder))])

    def save_separator_sheet(self, target: str | None = None) -> None:
        from sohoa.gui.services.separator_sheet import separator_sheet
        from sohoa.gui.widgets import save_file

        target = target or save_file(
            self, self.tr("Save the separator sheet"), "to-phan-cach.pdf", self.tr("PDF files (*.pdf)")
        )
        if target:
            path = separator_sheet(Path(target))
            self.status.setText(self.tr("Separator sheet saved to {path}; print it.").format(path=path))

    def split_here(self) -> None:
        """Ctrl+D: the current document ends before the selected page (a missed separator)."""
        row = self.docs.currentRow()
        at = self.pages.currentRow()
        if not (0 <= row < len(self.groups)) or at <= 0 or row in self.saved:
            return
        group = self.groups[row]
        self.groups[row : row + 1] = [group[:at], group[at:]]
        self.saved = {r if r < row else r + 1 for r in self.saved}
        self._refresh_list()
        self.docs.setCurrentRow(row + 1)

    def add_pages(self, pages: list[services.ScannedPage]) -> None:
        """Split the run at separator sheets (and at pages the clerk marked) into documents."""
        strip = PageStrip()
        for p in pages:
            strip.add_page(p)
        new_groups = strip.documents()
        strip.deleteLater()
        self.groups.extend(new_groups)
        self._refresh_list()
        if self.docs.currentRow() < 0 and self.groups:
            self.docs.setCurrentRow(0)
        self.form.result_code.setFocus()

    def _refresh_list(self) -> None:
        row = self.docs.currentRow()
        self.docs.blockSignals(True)
        self.docs.clear()
        for n, group in enumerate(self.groups, start=1):
            mark = "✔ " if n - 1 in self.saved else ""
            self.docs.addItem(mark + self.tr("Document {n} · %n page(s)", "", len(group)).format(n=n))
        self.docs.setCurrentRow(row)
        self.docs.blockSignals(False)

    def show_document(self, row: int) -> None:
        self.pages.clear()
        if 0 <= row < len(self.groups):
            for p in self.groups[row]:
                self.pages.add_page(p)
            self.pages.select_row(0)

    # -- saving ------------------------------------------------------------------------------------
    def save_and_next(self) -> None:
        """Validate this document's metadata, process it in the background, go to the next one."""
        row = self.docs.currentRow()
        if not (0 <= row < len(self.groups)) or row in self.saved:
            return
        if not self.form.valid:  # a code typed wrong (the old dossier code itself may be anything)
            self.form.show_all_errors()
            self.status.setText("; ".join(self.form.errors().values()))
            return
        try:
            dossier = self.form.dossier()
        except SoHoaError as e:
            self.form.show_all_errors()
            self.status.setText(error_text(e))
            return
        doc = self.form.document()
        if doc.kind.needs_result_code and not doc.result_code:
            self.form.show_all_errors()
            return
        if doc.issue_date and doc.valid_until and doc.valid_until < doc.issue_date:
            self.status.setText(self.tr("The validity ends before the issue date: check both dates."))
            self.form.valid_until.setFocus()
            return
        pages = self.groups[row]
        ctx = self.ctx
        self.saved.add(row)
        self._refresh_list()
        task = run_task(
            lambda p: services.backlog_entry(ctx, dossier, doc, pages, p),
            done=lambda _o: self.status.setText(
                self.tr("Document {n} saved; it waits in Batch signing.").format(n=row + 1)
            ),
            failed=lambda e: self._save_failed(row, e),
        )
        self.jobs = [t for t in self.jobs if t.running] + [task]
        # keep the owner and procedure for the next result; clear what differs per document
        for edit in (
            self.form.code,
            self.form.result_code,
            self.form.title,
            self.form.owner_id,
            self.form.owner_name,
        ):
            edit.clear()
        if row + 1 < len(self.groups):
            self.docs.setCurrentRow(row + 1)
        self.form.code.setFocus()

    def _save_failed(self, row: int, error: BaseException) -> None:
        self.saved.discard(row)
        self._refresh_list()
        self.status.setText(self.tr("Document {n}: {reason}").format(n=row + 1, reason=error_text(error)))

    def show_demo(self) -> None:
        from sohoa.gui.demo_data import fill_backlog

        fill_backlog(self)
