"""The counter screen: the dossier form, scanning with live thumbnails, page work, Finish & sign."""

from __future__ import annotations

import contextlib
import logging
import uuid
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QAction, QColor, QKeySequence
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QScrollArea,
    QSplitter,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from sohoa.core.errors import SoHoaError
from sohoa.gui import services
from sohoa.gui.dossier_form import DossierForm
from sohoa.gui.pages import PAGE_ROLE, PageStrip, Preview
from sohoa.gui.services import recovery
from sohoa.gui.widgets import (
    ErrorBox,
    ProgressPanel,
    ask,
    ask_pin,
    error_text,
    guard_keys,
    message_label,
    open_files,
    shortcut,
)
from sohoa.gui.workers import Task, run_task
from sohoa.workflow.draft import DossierDraft, DraftPage

log = logging.getLogger(__name__)


class CounterView(QWidget):
    """One dossier at a time: fill the form, scan, fix the pages, Finish & sign."""

    queue_changed = Signal()  # documents were queued: the window refreshes its counter and wakes the uploader

    def __init__(self, ctx: services.AppContext, window: QWidget | None = None) -> None:
        super().__init__()
        self.ctx = ctx
        self.window_ = window
        self.task: Task | None = None
        self._busy = False
        self.batch_id = uuid.uuid4().hex
        self.next_number = 1000  # inserted files: numbered apart from the scanner's page-NNN.png
        self.session: services.ScanSession | None = None
        self.outcomes: list[services.DocOutcome] = []
        self.reused: list[services.ReuseHit] = []
        self.draft = DossierDraft()  # documents with ids, their pages and metadata (sohoa.workflow.draft)
        self.current_doc = ""
        self.journal: object | None = None  # this dossier's crash-recovery journal (pages + state)
        self.cancelled = False
        self._cancel_at = 0
        self.dropped: list[services.ScannedPage] = []  # pages that landed after Esc (deleted)
        self.page_cache: Any = (
            None  # this dossier's pages, processed as they land (sohoa.workflow.page_cache)
        )
        self._state_timer = QTimer(self)  # the editing state is saved shortly after each change
        self._state_timer.setSingleShot(True)
        self._state_timer.setInterval(300)
        self._state_timer.timeout.connect(self.save_state)

        # left: the form, the scanner and reuse
        self.form = DossierForm(ctx.profile)
        left = QWidget()
        left_layout = QVBoxLayout(left)
        group = QGroupBox(self.tr("Dossier"))
        QVBoxLayout(group).addWidget(self.form)
        left_layout.addWidget(group)
        scan_group = QGroupBox(self.tr("Scanner"))
        scan_form = QFormLayout(scan_group)
        self.scanner = QComboBox()
        self.scanner.setObjectName("scanner")
        self.scanner.setEditable(True)
        if ctx.settings.scanner.device:
            self.scanner.addItem(ctx.settings.scanner.device, ctx.settings.scanner.device)
        self.profile = QComboBox()
        self.profile.setObjectName("profile")
        for name in ctx.settings.profiles:  # the built-in profile by a word, not its key "default"
            self.profile.addItem(self.tr("Standard") if name == "default" else name, name)
        self.profile.setCurrentIndex(max(0, self.profile.findData(ctx.settings.scanner.profile)))
        scan_form.addRow(self.tr("Scanner"), self.scanner)
        scan_form.addRow(self.tr("Profile"), self.profile)
        left_layout.addWidget(scan_group)
        reuse_group = QGroupBox(self.tr("Documents already in the repository"))
        reuse_layout = QVBoxLayout(reuse_group)
        self.reuse_button = QPushButton(self.tr("Look up by ID number (Ctrl+L)"))
        self.reuse_button.setObjectName("lookup")
        self.reuse_button.clicked.connect(self.lookup_reuse)
        self.reuse_list = QListWidget()
        self.reuse_list.setObjectName("reuseList")
        self.reuse_list.setMaximumHeight(110)
        self.reuse_list.itemChanged.connect(self._reuse_ticked)
        reuse_layout.addWidget(self.reuse_button)
        reuse_layout.addWidget(self.reuse_list)
        self.reuse_preview = QPushButton(self.tr("Preview the selected document"))
        self.reuse_preview.setObjectName("reusePreview")
        self.reuse_preview.clicked.connect(self.preview_reused)
        reuse_layout.addWidget(self.reuse_preview)
        left_layout.addWidget(reuse_group)
        left_layout.addStretch(1)
        left_scroll = QScrollArea()  # the form scrolls on a small screen; the buttons stay in view
        left_scroll.setObjectName("formScroll")
        left_scroll.setWidget(left)
        left_scroll.setWidgetResizable(True)
        left_scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        left_scroll.setMinimumWidth(left.minimumSizeHint().width() + 16)  # room for the scroll bar

        # centre: the tool bar and the pages; right: the preview
        self.pages = PageStrip()
        self.preview = Preview()
        self.toolbar = QToolBar()
        self.page_toolbar = QToolBar()
        self.zoom_toolbar = QToolBar()
        self.actions_: dict[str, QAction] = {}
        for key, text, keys, slot in (
            ("scan", self.tr("Scan"), "F5", self.scan),
            ("scanMore", self.tr("Scan more"), "Shift+F5", lambda: self.scan(more=True)),
            ("rescan", self.tr("Rescan page"), "Ctrl+Shift+R", self.rescan_page),
            ("insert", self.tr("Insert pages…"), "Ctrl+I", self.insert_pages),
            ("rotate", self.tr("Rotate"), "Ctrl+R", lambda: self.pages.rotate_selected(90)),
            ("delete", self.tr("Delete page"), "Del", self.delete_pages),
            ("split", self.tr("New document here"), "Ctrl+D", self.pages.split_at_current),
            ("moveLeft", self.tr("Move left"), "Alt+Left", lambda: self._move(-1)),
            ("moveRight", self.tr("Move right"), "Alt+Right", lambda: self._move(1)),
            ("zoomIn", self.tr("Zoom in"), "Ctrl++", self.preview.zoom_in),
            ("zoomOut", self.tr("Zoom out"), "Ctrl+-", self.preview.zoom_out),
            ("zoomFit", self.tr("Fit"), "Ctrl+0", lambda: self.preview.set_zoom(0)),
            ("new", self.tr("New dossier"), "Ctrl+N", self.new_dossier),
        ):
            action = QAction(text, self)
            action.setObjectName(key)
            action.setShortcut(QKeySequence(keys))
            action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            self.addAction(action)  # scoped to this view: other views reuse the same keys
            guard_keys(self, keys)  # and it works wherever the focus is in the view
            action.setToolTip(f"{text} ({keys})")
            action.triggered.connect(lambda _=False, s=slot: s())
            self.actions_[key] = action
            if key == "new":
                continue  # a button in the bottom bar, below
            bar = (
                self.toolbar
                if key in ("scan", "scanMore", "rescan", "insert")
                else self.zoom_toolbar
                if key.startswith("zoom")
                else self.page_toolbar
            )
            bar.addAction(action)
            if key in ("split", "moveRight"):
                bar.addSeparator()
        shortcut(self, "Ctrl+L", self.lookup_reuse)

        centre = QWidget()
        centre_layout = QVBoxLayout(centre)
        centre_layout.setContentsMargins(0, 0, 0, 0)
        centre_layout.addWidget(self.toolbar)
        centre_layout.addWidget(self.page_toolbar)
        centre_layout.addWidget(self.pages, 1)
        self.summary = message_label()
        self.summary.setObjectName("summary")
        centre_layout.addWidget(self.summary)
        self.sent_label = message_label("sent")
        self.sent_label.setStyleSheet("color: #1b7f2a;")
        centre_layout.addWidget(self.sent_label)

        splitter = QSplitter()
        splitter.addWidget(left_scroll)
        splitter.addWidget(centre)
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addWidget(self.zoom_toolbar)
        right_layout.addWidget(self.preview, 1)
        splitter.addWidget(right)
        splitter.setSizes([400, 500, 300])
        splitter.setChildrenCollapsible(False)

        bottom = QHBoxLayout()
        self.progress = ProgressPanel()
        self.progress.cancel_requested.connect(self.cancel)
        self.finish_unsigned = QPushButton(self.tr("Finish, sign later (Ctrl+Shift+Enter)"))
        self.finish_unsigned.setObjectName("finishUnsigned")
        shortcut(self, "Ctrl+Shift+Return", self.finish_unsigned.click)
        self.finish_unsigned.clicked.connect(lambda: self.finish(sign=False))
        self.finish_button = QPushButton(self.tr("Finish && sign (Ctrl+Enter)"))
        self.finish_button.setObjectName("finish")
        shortcut(self, "Ctrl+Return", self.finish_button.click)
        self.finish_button.setDefault(True)
        self.finish_button.setStyleSheet("font-weight: bold; padding: 6px 14px;")
        self.finish_button.clicked.connect(lambda: self.finish(sign=True))
        self.result_label = message_label()
        self.result_label.setObjectName("result")
        self.result_label.setWordWrap(True)
        bottom.addWidget(self.progress, 2)
        bottom.addWidget(self.result_label, 2)
        self.new_button = QPushButton(self.tr("New dossier") + " (Ctrl+N)")
        self.new_button.setObjectName("newDossier")
        self.new_button.clicked.connect(lambda: self.new_dossier())
        bottom.addWidget(self.new_button)
        bottom.addWidget(self.finish_unsigned)
        bottom.addWidget(self.finish_button)

        layout = QVBoxLayout(self)
        layout.addWidget(splitter, 1)
        layout.addLayout(bottom)
        self.pages.currentItemChanged.connect(self._on_current)
        self.pages.pages_changed.connect(self._update_summary)
        self.pages.pages_changed.connect(
            lambda: self._switch_document(self._document_key(self.pages.currentRow()))
        )
        self._update_summary()
        self.setTabOrder(self.form.result_code, self.scanner)
        self.pages.pages_changed.connect(self._state_changed)
        self.pages.pages_changed.connect(self._refresh_preview)
        self.pages.pages_changed.connect(self._sync_page_cache)
        self.form.changed.connect(self._state_changed)

    # -- state -----------------------------------------------------------------------------------
    def busy(self) -> bool:
        """True from the start of a scan, import or finish until its last result is shown."""
        return self._busy

    def cancel(self) -> None:
        if self.task is not None and self.task.running:
            self.cancelled = True
            self._cancel_at = self.pages.count()
            self.task.cancel()
            self.progress.label.setText(self.tr("Cancelling…"))
            self.progress.cancel_button.setEnabled(False)

    def _set_busy(self, busy: bool, text: str = "") -> None:
        self._busy = busy
        if busy:
            self.cancelled = False
        for key in ("scan", "scanMore", "rescan", "insert", "new"):
            self.actions_[key].setEnabled(not busy)
        self.finish_button.setEnabled(not busy)
        self.finish_unsigned.setEnabled(not busy)
        if busy:
            self.progress.start(text)
        else:
            self.progress.stop()

    def _update_summary(self) -> None:
        pages = self.pages.pages()
        docs = self.pages.documents()
        flagged = sum(1 for p in pages if p.flags)
        text = self.tr("%n page(s)", "", len(pages)) + " · " + self.tr("%n document(s)", "", len(docs))
        if flagged:
            text += " · " + self.tr("%n page(s) to check", "", flagged)
        self.summary.setText(text)

    def _on_current(self, item: object, _prev: object = None) -> None:
        self.preview.show_page(item.data(PAGE_ROLE) if item is not None else None)  # type: ignore[attr-defined]
        self._switch_document(self._document_key(self.pages.currentRow()))

    def _regroup(self) -> list[tuple[str, list[services.ScannedPage]]]:
        """The panel's documents with their ids in the draft (ids survive deleting or moving pages)."""
        groups = self.pages.documents()
        ids = self.draft.regroup(
            [
                [DraftPage(p.file, p.dpi, p.color_mode, p.rotation, sorted(p.flags), id=p.page_id) for p in g]
                for g in groups
            ]
        )
        return list(zip(ids, groups, strict=True))

    def _document_key(self, row: int) -> str:
        """The draft id of the document holding ``row`` (its identity while editing)."""
        if row < 0 or row >= len(self.pages.pages()):
            return ""
        page = self.pages.pages()[row]
        for doc_id, group in self._regroup():
            if any(p is page for p in group):
                return doc_id
        return ""

    def _save_fields(self, doc_id: str) -> None:
        f = self.form.document_fields()
        with contextlib.suppress(SoHoaError):  # a document dropped from the draft meanwhile
            self.draft.set_metadata(
                doc_id,
                kind=f["kind"],
                title=f["title"],
                component_code=f["component"],
                result_code=f["result_code"],
            )

    def _fields(self, doc_id: str) -> dict[str, str] | None:
        if not self.draft.has_metadata(doc_id):
            return None
        try:
            d = self.draft.document(doc_id)
        except SoHoaError:
            return None
        return {"kind": d.kind, "title": d.title, "component": d.component_code, "result_code": d.result_code}

    def _switch_document(self, key: str) -> None:
        """Keep the form's document fields per document: a split dossier's parts differ (result, component)."""
        if key == self.current_doc:
            return
        if self.current_doc:
            self._save_fields(self.current_doc)
        fields = self._fields(key) if key else None
        if fields is None and key and self.current_doc:
            fields = self._fresh_fields()  # a document just split off: its own codes, never the first's
        if fields is not None:
            self.form.fill(**fields)
        self.current_doc = key

    def _fresh_fields(self) -> dict[str, str]:
        """A new document's fields: the kind stays as a hint; title and codes belong to one document."""
        return {"kind": self.form.document_fields()["kind"], "title": "", "component": "", "result_code": ""}

    def _move(self, step: int) -> None:
        row = self.pages.currentRow()
        self.pages.move_page(row, row + step)

    def _page_dir(self) -> Path:
        return self.ctx.paths.pages / self.batch_id

    # -- scanning --------------------------------------------------------------------------------
    def scan(self, more: bool = False, replace_row: int | None = None) -> None:
        """Scan in a worker; every page appears as soon as the scanner hands it over."""
        if self.busy():
            return
        if not more and replace_row is None and self.pages.count():
            answer = ask(
                self, self.tr("Scan"), self.tr("Replace the pages already scanned? (No: add them at the end)")
            )
            if answer:
                self.pages.clear()
                self.discard_journal()  # the replaced pages leave the crash-recovery journal too
        device = self.scanner.currentData() or self.scanner.currentText().strip()
        profile = self.profile.currentData()
        out_dir = self._page_dir()
        ctx = self.ctx
        one = replace_row is not None

        journal = self._journal()
        cache = self._page_cache()

        def work(progress: services.ProgressLike) -> list[services.ScannedPage]:
            session = self.session
            if session is None or session.device != (device or ctx.settings.scanner.device):
                if session is not None:
                    session.close()
                session = self.session = services.ScanSession(ctx, out_dir, device, profile, journal=journal)
            session.page_cache = cache  # each page is processed as it lands
            return session.scan(progress, max_pages=1 if one else None)

        def item(page: object) -> None:
            assert isinstance(page, services.ScannedPage)
            if self.cancelled and self.pages.count() > self._cancel_at:
                # Esc: the page in flight is kept, pages the feeder pulled after it are dropped
                self.dropped.append(page)
                return
            if page.dossier_code and not self.form.code.text():
                self.form.fill(code=page.dossier_code)  # the receipt slip's barcode
            if replace_row is not None:
                self.pages.replace_page(replace_row, page)
                self.pages.select_row(replace_row)
            else:
                self.pages.add_page(page)
                self.pages.select_row(self.pages.count() - 1)

        self._set_busy(True, self.tr("Scanning…"))
        self.task = run_task(
            work,
            item=item,
            progress=lambda d, t, n: self.progress.update_progress(
                d, t, self.tr("Scanning page {n}…").format(n=d + 1)
            ),
            done=lambda pages: self._scan_done(pages),
            failed=self._failed,
            finished=lambda: self._set_busy(False),
        )

    def _scan_done(self, pages: list[services.ScannedPage]) -> None:
        if self.cancelled:  # the clerk pressed Esc: the pages so far are kept, the feeder stopped
            dropped, self.dropped = self.dropped, []
            for page in dropped:  # never shown, never kept: not offered by the recovery either
                for f in (page.file, page.thumb, page.preview):
                    f.unlink(missing_ok=True)
            self.save_state()
            self.result_label.setText(
                self.tr("Scan cancelled (đã hủy); %n page(s) kept.", "", self.pages.count())
            )
            self.result_label.setStyleSheet("color: #b3261e;")
            return
        self.result_label.setText(self.tr("%n page(s) scanned.", "", len(pages)))
        self.result_label.setStyleSheet("")

    def rescan_page(self) -> None:
        row = self.pages.currentRow()
        if row < 0:
            return
        self.scan(replace_row=row)

    def insert_pages(self, files: list[str] | None = None) -> None:
        """Insert image files after the current page (from a file dialog, or given by a test)."""
        if files is None:
            files = open_files(
                self,
                self.tr("Insert pages"),
                self.tr("Images and PDF files (*.pdf *.png *.jpg *.jpeg *.tif *.tiff);;All files (*)"),
            )
        if not files:
            return
        at = self.pages.currentRow() + 1 if self.pages.currentRow() >= 0 else self.pages.count()
        out_dir = self._page_dir()
        first = self.next_number
        self.next_number += 1000  # a PDF may hold many pages

        ctx = self.ctx

        def work(progress: services.ProgressLike) -> list[services.ScannedPage]:
            return services.import_files(ctx, [Path(f) for f in files], out_dir / "imported", first, progress)

        def done(pages: list[services.ScannedPage]) -> None:
            for i, page in enumerate(pages):
                self.pages.add_page(page, at + i)
            self.pages.select_row(at)

        self._journal()  # imported pages are recorded in the dossier's state too
        self._set_busy(True, self.tr("Importing…"))
        self.task = run_task(work, done=done, failed=self._failed, finished=lambda: self._set_busy(False))

    def delete_pages(self) -> None:
        self.pages.delete_selected()
        self._on_current(self.pages.currentItem())

    def _refresh_preview(self) -> None:
        """A rotation (or any edit) shows at once, without selecting the page again."""
        item = self.pages.currentItem()
        page = item.data(PAGE_ROLE) if item is not None else None
        if page is not None and (page is not self.preview.page or page.rotation != self.preview.rotation):
            self.preview.show_page(page)

    def restore_batch(self, batch: services.UnfinishedBatch) -> None:
        """Bring back a dossier interrupted by a crash: its pages in order, the form, splits, rotations."""
        ctx = self.ctx

        def done(restored: recovery.RestoredDossier) -> None:
            self.apply_state(restored.state, restored.pages)
            if restored.journal is not None:
                self.journal = restored.journal  # the same journal goes on recording this dossier
                self.save_state()
            self.result_label.setText(self.tr("%n page(s) recovered.", "", len(restored.pages)))

        self._set_busy(True, self.tr("Recovering…"))
        self.task = run_task(
            lambda p: recovery.restore_dossier(ctx, batch),
            done=done,
            failed=self._failed,
            finished=lambda: self._set_busy(False),
        )

    # -- pages processed as they land -------------------------------------------------------------
    def _page_cache(self) -> Any:
        """This dossier's page cache, opened with its first page (keyed by the batch id, never shared)."""
        if self.page_cache is None:
            self.page_cache = services.open_page_cache(self.ctx, self.batch_id)
        return self.page_cache

    def _sync_page_cache(self) -> None:
        """After every edit: new or changed pages (a rotation) are processed again in the background."""
        pages = [p for p in self.pages.pages() if not p.separator_code]
        if not pages and self.page_cache is None:
            return
        self._page_cache().sync([(p.file, p.rotation) for p in pages])

    # -- the crash-recovery journal ------------------------------------------------------------------
    def _journal(self) -> object:
        """This dossier's journal, opened with its first page (scanned or imported)."""
        if self.journal is None:
            self.journal = recovery.open_dossier_journal(self.ctx, self._page_dir())
            self._state_changed()
        return self.journal

    def _state_changed(self) -> None:
        if self.journal is not None:
            self._state_timer.start()

    def state(self) -> dict[str, object]:
        """Everything the clerk has made of this dossier, as JSON (the recovery journal keeps it)."""
        if self.current_doc:
            self._save_fields(self.current_doc)
        self._regroup()  # the draft follows the panel: documents with ids, pages, rotations
        return {
            "version": recovery.STATE_VERSION,
            "batch_id": self.batch_id,
            "next_number": self.next_number,
            "form": self.form.values(),
            "draft": self.draft.to_json(),  # sohoa.workflow.draft: each document's metadata by id
            "current_doc": self.current_doc,
            "pages": [recovery.page_state(p) for p in self.pages.pages()],
        }

    def save_state(self) -> None:
        self._state_timer.stop()
        if self.journal is not None:
            self.journal.save_state(self.state())  # type: ignore[attr-defined]

    def apply_state(self, state: dict, pages: list[services.ScannedPage]) -> None:  # type: ignore[type-arg]
        """Put a saved state back: the form, each document's fields, the pages in the clerk's order."""
        self._state_timer.stop()
        if state.get("batch_id"):
            self.batch_id = str(state["batch_id"])
        self.next_number = int(state.get("next_number") or self.next_number)  # type: ignore[arg-type]
        if state.get("draft"):
            try:
                self.draft = DossierDraft.from_json(state["draft"])  # type: ignore[arg-type]
            except (KeyError, TypeError, ValueError, SoHoaError) as e:
                log.warning("recovered draft unreadable (%s); pages restored without document fields", e)
        self.current_doc = ""
        self.pages.blockSignals(True)
        for page in pages:
            self.pages.add_page(page)
        self.pages.blockSignals(False)
        self.pages.refresh_labels()
        form = dict(state.get("form") or {})  # type: ignore[call-overload]
        if form:
            self.form.set_values(form)
        if pages:
            self.pages.select_row(0)
        self.current_doc = ""
        self._switch_document(self._document_key(self.pages.currentRow()))
        self._update_summary()

    def discard_journal(self) -> None:
        """Forget this dossier's journal (discarded or replaced): it is never offered again."""
        self._state_timer.stop()
        journal, self.journal = self.journal, None
        old, self.session = self.session, None
        cache, self.page_cache = self.page_cache, None
        if cache is not None:
            cache.discard()  # its work cancelled, its folder removed: never used for another dossier
        if journal is not None:
            journal.remove()  # type: ignore[attr-defined]  # quick file removal, on this thread: a crash right after must not offer it
        if old is not None:
            run_task(lambda p: old.close())  # stops the driver process off the UI thread

    def has_work(self) -> bool:
        """Pages, attached documents or typed fields: something a discard would throw away."""
        return bool(self.pages.count() or any(h.attached for h in self.reused) or self.form.has_input())

    def confirm_discard(self, title: str) -> bool:
        """Ask before throwing away the pages or typed fields of the dossier on screen."""
        if not self.has_work():
            return True
        return ask(
            self,
            title,
            self.tr(
                "This dossier has %n page(s) and typed fields that are not finished. Discard them?",
                "",
                self.pages.count(),
            ),
            yes_text=self.tr("Discard"),
            no_text=self.tr("Keep working"),
        )

    # -- reuse ---------------------------------------------------------------------------------
    def lookup_reuse(self) -> None:
        owner_id = self.form.owner_id.text().strip()
        if not owner_id or "ownerId" in self.form.errors():
            self.form.show_all_errors()
            self.result_label.setText(self.tr("Enter a valid ID number first."))
            return
        ctx = self.ctx
        self.reuse_list.clear()
        self.reuse_list.addItem(self.tr("Looking up…"))

        def work(progress: services.ProgressLike) -> tuple[list[services.ReuseHit], str]:
            """The repository first; offline, this workstation's own earlier documents."""
            from sohoa.gui.services import local_reuse

            try:
                return services.lookup_owner(ctx, owner_id), ""
            except SoHoaError as e:
                log.info("look-up offline (%s); searching this workstation", e)
                with ctx.for_worker() as wctx:
                    return local_reuse.local_documents(wctx, owner_id), "offline"

        def done(result: tuple[list[services.ReuseHit], str]) -> None:
            hits, mode = result
            self.reuse_list.clear()
            self.reused = hits
            if mode == "offline":
                note = QListWidgetItem(
                    self.tr("The repository cannot be reached; showing this workstation's own documents.")
                )
                note.setFlags(Qt.ItemFlag.NoItemFlags)
                note.setToolTip(note.text())
                self.reuse_list.addItem(note)
            if not hits:
                self.reuse_list.addItem(
                    self.tr("Nothing in the repository for this ID number.")
                    if not mode
                    else self.tr("Nothing on this workstation for this ID number.")
                )
            for hit in hits:
                line = " · ".join(p for p in (hit.title, hit.result_code, hit.dates()) if p)
                item = QListWidgetItem(line)
                item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
                item.setCheckState(Qt.CheckState.Unchecked)  # Space or a click ticks it: attach
                if hit.expired():  # still attachable (some procedures take it), but never unnoticed
                    item.setForeground(QColor("#b3261e"))  # the app's error red
                    item.setIcon(self.style().standardIcon(self.style().StandardPixmap.SP_MessageBoxWarning))
                item.setToolTip(
                    line
                    + "\n"
                    + self.tr("Tick to attach this document to the dossier instead of scanning it")
                )
                item.setData(Qt.ItemDataRole.UserRole, hit)
                self.reuse_list.addItem(item)

        def failed(error: BaseException) -> None:
            self.reuse_list.clear()
            self.reuse_list.addItem(error_text(error))

        run_task(work, done=done, failed=failed)

    def _reuse_ticked(self, item: QListWidgetItem) -> None:
        hit = item.data(Qt.ItemDataRole.UserRole)
        if isinstance(hit, services.ReuseHit):
            hit.attached = item.checkState() == Qt.CheckState.Checked

    def preview_reused(self) -> None:
        """Show an attached (or found) document's first page before the clerk relies on it."""
        item = self.reuse_list.currentItem()
        hit = item.data(Qt.ItemDataRole.UserRole) if item is not None else None
        if not isinstance(hit, services.ReuseHit):
            self.result_label.setText(self.tr("Select a found document first."))
            return
        from sohoa.gui.services import local_reuse

        ctx = self.ctx

        def done(png: Path) -> None:
            page = services.ScannedPage(png, png, png)
            self.preview.show_page(page)
            self.result_label.setText(self.tr("Preview: {title}").format(title=hit.title))
            self.result_label.setStyleSheet("")

        run_task(lambda p: local_reuse.preview_hit(ctx, hit), done=done, failed=self._failed)

    # -- finishing -----------------------------------------------------------------------------
    def finish(self, sign: bool = True) -> None:
        """Validate, then (one PIN) build the PDF/A of each document, sign and queue them."""
        if self.busy():
            return
        try:
            dossier = self.form.dossier()
        except SoHoaError as e:
            self.form.show_all_errors()
            self.result_label.setText(error_text(e))
            self.result_label.setStyleSheet("color: #b3261e;")
            return
        groups = self._regroup()
        attach = [h for h in self.reused if h.attached]
        if not groups and not attach:
            self.result_label.setText(
                self.tr("Scan or insert the pages, or attach a reused document, first.")
            )
            self.result_label.setStyleSheet("color: #b3261e;")
            return
        documents = []
        if self.current_doc:
            self._save_fields(self.current_doc)
        current = self.form.document_fields()
        fresh = {**self._fresh_fields(), "kind": current["kind"]}
        titles: list[str] = []
        for n, (doc_id, pages) in enumerate(groups):
            # a document never shown (split by a separator sheet) gets no other document's codes
            untouched = current if n == 0 and not self.current_doc else fresh
            self.form.fill(**(self._fields(doc_id) or untouched))
            if not self.form.valid:  # this document's own codes are wrong: show it and stop
                self.pages.select_row(self.pages.pages().index(pages[0]))
                self.form.show_all_errors()
                self.result_label.setText("; ".join(self.form.errors().values()))
                self.result_label.setStyleSheet("color: #b3261e;")
                return
            doc = self.form.document()
            doc.id = doc_id  # the draft's id: the store keeps it, so its state follows this document
            titles.append(doc.title)
            documents.append((doc, pages))
        self.form.fill(**current)
        for n, (doc, _pages) in enumerate(documents, start=1):
            if titles.count(doc.title) > 1:
                doc.title = f"{doc.title} ({n})"  # same title twice: number them
        pin = None
        if sign and documents:  # reused documents are signed already: no PIN for them
            s = self.ctx.settings.signing
            if not s.pkcs11_module or not s.token_label:
                self.result_label.setText(
                    self.tr("No token is set up. Choose one in Settings, or finish and sign later.")
                )
                self.result_label.setStyleSheet("color: #b3261e;")
                return
            pin = ask_pin(self, s.token_label, len(documents))
            if not pin:
                return
        ctx = self.ctx
        session = self.session
        journal = self.journal
        page_cache = self.page_cache
        self.save_state()

        def work(progress: services.ProgressLike) -> list[services.DocOutcome]:
            from sohoa.gui.services import local_reuse

            out = services.finish_dossier(ctx, dossier, documents, pin, progress, page_cache)
            for hit in attach:
                if local_reuse.is_local(hit):
                    local_reuse.record_local_reuse(ctx, dossier, hit)
                else:
                    services.record_reuse(ctx, dossier, hit)
                out.append(services.DocOutcome(hit.remote_id, hit.title, "reused"))
            if session is not None:
                session.finish()  # saved: the crash-recovery journal is no longer needed
            if journal is not None:
                journal.remove()  # type: ignore[attr-defined]
            return out

        self._set_busy(True, self.tr("Building the PDF/A…"))
        self.task = run_task(
            work,
            progress=lambda d, t, n: self.progress.update_progress(
                d, t, n or self.tr("Processing page {d} of {t}…").format(d=d, t=t)
            ),
            done=self._finished,
            failed=self._failed,
            finished=lambda: self._set_busy(False),
        )

    def _finished(self, outcomes: list[services.DocOutcome]) -> None:
        self.outcomes = outcomes
        names = {
            "processed": self.tr("ready for signing"),
            "signed": self.tr("signed"),
            "queued": self.tr("signed and queued"),
            "failed": self.tr("failed"),
            "reused": self.tr("attached (reused)"),
        }
        lines = [
            f"{o.title}: {names.get(o.status, o.status)}" + (f" – {o.message}" if o.message else "")
            for o in outcomes
        ]
        bad = any(o.status == "failed" for o in outcomes)
        self.result_label.setText("\n".join(lines))
        self.result_label.setStyleSheet("color: #b3261e;" if bad else "color: #1b7f2a;")
        self.queue_changed.emit()
        if not bad:
            self.journal = None  # removed by the finishing worker
            self.new_dossier(keep_result=True, force=True)

    def acknowledged(self, event: object) -> None:
        """The repository acknowledged an upload: say "đã gửi" on the counter."""
        title = str(getattr(event, "title", "") or "")
        text = self.tr("Sent: the repository has acknowledged {title}.").format(
            title=title or self.tr("the document")
        )
        self.sent_label.setText("✔ " + text)

    def _failed(self, error: BaseException) -> None:
        self.result_label.setText(error_text(error))
        self.result_label.setStyleSheet("color: #b3261e;")
        ErrorBox.show(self, error)

    def new_dossier(self, keep_result: bool = False, force: bool = False) -> bool:
        """Start the next citizen's dossier; asks first when pages or typed fields would be lost."""
        if self.busy() and not force:
            return False
        if not force and not self.confirm_discard(self.tr("New dossier")):
            return False
        self.discard_journal()  # one citizen's pages are never offered in another's dossier
        self.form.clear()
        self.pages.clear()
        self.preview.show_page(None)
        self.reuse_list.clear()
        self.reused = []
        self.draft = DossierDraft()
        self.current_doc = ""
        self.batch_id = uuid.uuid4().hex
        self.next_number = 1000
        if not keep_result:
            self.result_label.clear()
        self._update_summary()
        self.form.code.setFocus()
        return True

    def show_demo(self) -> None:
        from sohoa.gui.demo_data import fill_counter

        fill_counter(self)
