"""The supervisor's batch signing: pending results filtered by date, procedure and clerk; one PIN."""

from __future__ import annotations

from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from sohoa.gui import services
from sohoa.gui.widgets import (
    ErrorBox,
    ProgressPanel,
    ask_pin,
    date_field,
    error_text,
    message_label,
    shortcut,
    table_item,
)
from sohoa.gui.workers import Task, run_task

CHECK_COL, CODE_COL, TITLE_COL, PROC_COL, CLERK_COL, DAY_COL, OUTCOME_COL = range(7)


class BatchSignView(QWidget):
    """Tick the results to sign (Ctrl+A ticks all), enter the PIN once, watch each outcome."""

    queue_changed = Signal()  # documents were queued or retried: the window refreshes its counter

    def __init__(self, ctx: services.AppContext, window: QWidget | None = None) -> None:
        super().__init__()
        self.ctx = ctx
        self.window_ = window
        self.results: list[services.PendingResult] = []
        self.task: Task | None = None
        layout = QVBoxLayout(self)
        title = QLabel(self.tr("Batch signing"))
        title.setStyleSheet("font-size: 18px; font-weight: bold;")
        layout.addWidget(title)
        bar = QHBoxLayout()
        today = QDate.currentDate()
        self.start = date_field(today.addDays(-30), "start", self.refresh)
        self.end = date_field(today, "end", self.refresh)
        self.procedure = QComboBox()
        self.procedure.setObjectName("procedure")
        self.clerk = QComboBox()
        self.clerk.setObjectName("clerk")
        self.procedure.currentIndexChanged.connect(self.refresh)
        self.clerk.currentIndexChanged.connect(self.refresh)
        bar.addWidget(QLabel(self.tr("From")))
        bar.addWidget(self.start)
        bar.addWidget(QLabel(self.tr("to")))
        bar.addWidget(self.end)
        bar.addWidget(QLabel(self.tr("Procedure")))
        bar.addWidget(self.procedure, 1)
        bar.addWidget(QLabel(self.tr("Clerk")))
        bar.addWidget(self.clerk, 1)
        layout.addLayout(bar)

        self.table = QTableWidget(0, 7)
        self.table.setObjectName("pending")
        self.table.setHorizontalHeaderLabels(
            [
                "",
                self.tr("Dossier"),
                self.tr("Document"),
                self.tr("Procedure"),
                self.tr("Clerk"),
                self.tr("Day"),
                self.tr("Outcome"),
            ]
        )
        self.table.horizontalHeader().setSectionResizeMode(TITLE_COL, QHeaderView.ResizeMode.Stretch)
        self.table.horizontalHeader().setSectionResizeMode(OUTCOME_COL, QHeaderView.ResizeMode.Stretch)
        for col in (CHECK_COL, CODE_COL, PROC_COL, CLERK_COL, DAY_COL):
            self.table.horizontalHeader().setSectionResizeMode(col, QHeaderView.ResizeMode.ResizeToContents)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        self.table.currentCellChanged.connect(lambda r, *_: self._preview(r))
        self.preview = QLabel()
        self.preview.setObjectName("preview")
        self.preview.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.preview.setMinimumWidth(260)
        splitter = QSplitter()
        splitter.addWidget(self.table)
        splitter.addWidget(self.preview)
        splitter.setSizes([850, 300])
        layout.addWidget(splitter, 1)

        row = QHBoxLayout()
        self.select_all_button = QPushButton(self.tr("Select all (Ctrl+A)"))
        self.select_all_button.setObjectName("selectAll")
        shortcut(self, "Ctrl+A", self.select_all_button.click)
        self.select_all_button.clicked.connect(self.select_all)
        self.progress = ProgressPanel()
        self.progress.cancel_requested.connect(self.cancel)
        self.summary = message_label()
        self.summary.setObjectName("summary")
        self.sign_button = QPushButton(self.tr("Sign selected (Ctrl+Enter)"))
        self.sign_button.setObjectName("sign")
        shortcut(self, "Ctrl+Return", self.sign_button.click)
        self.sign_button.setStyleSheet("font-weight: bold; padding: 6px 14px;")
        self.sign_button.clicked.connect(self.sign)
        row.addWidget(self.select_all_button)
        row.addWidget(self.summary, 1)
        row.addWidget(self.progress, 2)
        row.addWidget(self.sign_button)
        layout.addLayout(row)
        self._fill_filters()
        self.refresh()

    def _fill_filters(self) -> None:
        for box, values, all_text in (
            (self.procedure, services.procedures_seen(self.ctx.store), self.tr("All procedures")),
            (self.clerk, services.clerks_seen(self.ctx), self.tr("All clerks")),
        ):
            current = box.currentData()
            box.blockSignals(True)
            box.clear()
            box.addItem(all_text, "")
            for v in values:
                box.addItem(v, v)
            box.setCurrentIndex(max(0, box.findData(current)))
            box.blockSignals(False)

    def refresh(self) -> None:
        if self.busy():
            return
        self.results = services.pending_results(
            self.ctx,
            self.start.date().toPython(),
            self.end.date().toPython(),  # type: ignore[arg-type]
            self.procedure.currentData() or "",
            self.clerk.currentData() or "",
        )
        self.table.setRowCount(len(self.results))
        for r, res in enumerate(self.results):
            check = QTableWidgetItem()
            check.setFlags(
                Qt.ItemFlag.ItemIsUserCheckable | Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
            )
            check.setCheckState(Qt.CheckState.Unchecked)
            self.table.setItem(r, CHECK_COL, check)
            for col, value in (
                (CODE_COL, res.dossier_code),
                (TITLE_COL, res.title),
                (PROC_COL, res.procedure_code),
                (CLERK_COL, res.clerk),
                (DAY_COL, res.day),
                (OUTCOME_COL, ""),
            ):
                self.table.setItem(r, col, table_item(value))  # type: ignore[arg-type]
        self.summary.setText(self.tr("%n result(s) waiting for a signature.", "", len(self.results)))

    def _preview(self, row: int) -> None:
        """The first page of the selected result (the page's own thumbnail, made when it was scanned)."""
        if not (0 <= row < len(self.results)):
            return
        from PySide6.QtGui import QPixmap

        res = self.results[row]
        try:
            dossier = self.ctx.store.load_dossier(res.dossier_id)
            doc = next(d for d in dossier.documents if d.id == res.document_id)
            thumb = doc.pages[0].file.with_suffix(".preview.jpg") if doc.pages else None
        except (StopIteration, LookupError):
            thumb = None
        if thumb is not None and thumb.exists():
            pix = QPixmap(str(thumb))
            self.preview.setPixmap(pix.scaledToWidth(max(200, self.preview.width() - 10)))
        else:
            self.preview.setText(f"{res.title}\n{res.pages} " + self.tr("pages"))

    def select_all(self) -> None:
        for r in range(self.table.rowCount()):
            self.table.item(r, CHECK_COL).setCheckState(Qt.CheckState.Checked)

    def checked(self) -> list[services.PendingResult]:
        return [
            res
            for r, res in enumerate(self.results)
            if self.table.item(r, CHECK_COL).checkState() == Qt.CheckState.Checked
        ]

    def sign(self) -> None:
        chosen = self.checked()
        if not chosen or self.busy():
            self.summary.setText(self.tr("Tick the results to sign first."))
            return
        s = self.ctx.settings.signing
        if not s.pkcs11_module or not s.token_label:
            self.summary.setText(self.tr("No token is set up. Choose one in Settings."))
            return
        pin = ask_pin(self, s.token_label, len(chosen))
        if not pin:
            return
        ctx = self.ctx
        rows = {res.pdf.name: self.results.index(res) for res in chosen}
        self.sign_button.setEnabled(False)
        self.progress.start(self.tr("Signing…"))

        def item(doc: object) -> None:  # one signing.batch.DocumentResult as it is done
            row = rows.get(getattr(doc, "source", None).name if getattr(doc, "source", None) else "")
            if row is not None:
                ok = getattr(doc, "status", "") == "signed"
                self.table.item(row, OUTCOME_COL).setText(
                    self.tr("signed") if ok else doc.message()  # type: ignore[attr-defined]
                )

        self.task = run_task(
            lambda p: services.sign_pending(ctx, chosen, pin, p),
            item=item,
            progress=lambda d, t, n: self.progress.update_progress(
                d, t, self.tr("Signing {d} of {t}…").format(d=d, t=t)
            ),
            done=lambda outcomes: self._done(chosen, outcomes),
            failed=self._failed,
            finished=self._finished,
        )

    def _done(self, chosen: list[services.PendingResult], outcomes: list[services.DocOutcome]) -> None:
        names = {
            "queued": self.tr("signed and queued"),
            "signed": self.tr("signed"),
            "failed": self.tr("failed"),
            "pending": self.tr("not signed (token removed)"),
        }
        self.outcomes = outcomes
        for res, out in zip(chosen, outcomes, strict=True):
            row = self.results.index(res)
            if out.skipped:
                text = self.tr("already signed: nothing done")
            else:
                text = names.get(out.status, out.status) + (f": {out.message}" if out.message else "")
            self.table.item(row, OUTCOME_COL).setText(text)
        good = sum(o.status in ("queued", "signed") and not o.skipped for o in outcomes)
        self.summary.setText(self.tr("{good} of {total} signed.").format(good=good, total=len(outcomes)))
        self.queue_changed.emit()

    def _failed(self, error: BaseException) -> None:
        self.summary.setText(error_text(error))
        ErrorBox.show(self, error)

    def _finished(self) -> None:
        self.sign_button.setEnabled(True)
        self.progress.stop()

    def show_demo(self) -> None:
        """Screenshot mode: a batch half way, as a supervisor sees it."""
        self.select_all()
        names = [self.tr("signed and queued")] * 3
        for row, text in enumerate(names):
            self.table.item(row, OUTCOME_COL).setText(text)
        self.progress.start(self.tr("Signing…"))
        self.progress.update_progress(
            3, len(self.results), self.tr("Signing {d} of {t}…").format(d=4, t=len(self.results))
        )

    def busy(self) -> bool:
        return self.task is not None and self.task.running

    def cancel(self) -> None:
        if self.task is not None:
            self.task.cancel()

    def activated(self) -> None:
        self._fill_filters()
        self.refresh()
