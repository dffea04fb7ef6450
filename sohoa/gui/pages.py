"""The page strip (thumbnails, flags, drag to reorder, document breaks) and the zoomable preview.

Thumbnails and previews are small JPEGs the worker wrote beside each page, so showing a page
never decodes a 300 dpi scan on the UI thread.
"""

from __future__ import annotations

from PySide6.QtCore import QItemSelectionModel, QSize, Qt, Signal
from PySide6.QtGui import QIcon, QImage, QPixmap, QTransform
from PySide6.QtWidgets import QAbstractItemView, QLabel, QListWidget, QListWidgetItem, QScrollArea, QWidget

from sohoa.gui.services import ScannedPage

PAGE_ROLE = Qt.ItemDataRole.UserRole


class PageStrip(QListWidget):
    """The dossier's pages in order; each item holds its :class:`ScannedPage`."""

    pages_changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("pages")
        self.setViewMode(QListWidget.ViewMode.IconMode)
        self.setIconSize(QSize(120, 170))
        self.setGridSize(QSize(150, 230))
        self.setResizeMode(QListWidget.ResizeMode.Adjust)
        self.setMovement(QListWidget.Movement.Snap)
        self.setDragDropMode(QAbstractItemView.DragDropMode.InternalMove)
        self.setDefaultDropAction(Qt.DropAction.MoveAction)
        self.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.setWordWrap(True)
        self.model().rowsMoved.connect(lambda *a: self.refresh_labels())

    # -- content -----------------------------------------------------------------------------------
    def add_page(self, page: ScannedPage, row: int | None = None) -> QListWidgetItem:
        item = QListWidgetItem()
        item.setData(PAGE_ROLE, page)
        item.setFlags(item.flags() | Qt.ItemFlag.ItemIsDragEnabled)
        item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsDropEnabled)
        if row is None:
            self.addItem(item)
        else:
            self.insertItem(row, item)
        self._draw(item)
        self.refresh_labels()
        return item

    def pages(self) -> list[ScannedPage]:
        return [self.item(i).data(PAGE_ROLE) for i in range(self.count())]

    def documents(self) -> list[list[ScannedPage]]:
        """Pages grouped into documents at each break the clerk set (separator sheets excluded)."""
        docs: list[list[ScannedPage]] = []
        for page in self.pages():
            if page.separator_code:
                docs.append([])
                continue
            if not docs or (page.new_document and docs[-1]):
                docs.append([])
            docs[-1].append(page)
        return [d for d in docs if d]

    def select_row(self, row: int) -> None:
        """Make ``row`` the current and only selected page (what a click does)."""
        self.setCurrentRow(row, QItemSelectionModel.SelectionFlag.ClearAndSelect)

    def selected_rows(self) -> list[int]:
        return sorted(self.row(i) for i in self.selectedItems())

    def _draw(self, item: QListWidgetItem) -> None:
        page: ScannedPage = item.data(PAGE_ROLE)
        pixmap = QPixmap(str(page.thumb))
        if page.rotation:
            pixmap = pixmap.transformed(QTransform().rotate(page.rotation))
        item.setIcon(QIcon(pixmap))

    def refresh_labels(self) -> None:
        """Page numbers, document numbers and flags under each thumbnail."""
        doc = 0
        n_in_doc = 0
        flag_names = {
            "blank": self.tr("blank"),
            "low-quality": self.tr("low quality"),
            "too-dark": self.tr("too dark"),
            "too-light": self.tr("too light"),
            "blurred": self.tr("blurred"),
            "low-resolution": self.tr("low resolution"),
            "low-ocr-confidence": self.tr("hard to read"),
            "rotated": self.tr("turned"),
            "orientation-uncertain": self.tr("check which way up"),
        }
        for i in range(self.count()):
            item = self.item(i)
            page: ScannedPage = item.data(PAGE_ROLE)
            if page.separator_code:
                item.setText(self.tr("Separator {code}").format(code=page.separator_code))
                n_in_doc = 0
                continue
            if doc == 0 or (page.new_document and n_in_doc):
                doc += 1
                n_in_doc = 0
            n_in_doc += 1
            text = self.tr("Doc. {doc} · p. {page}").format(doc=doc, page=n_in_doc)
            flags = [flag_names.get(f, f) for f in sorted(page.flags)]
            if flags:
                text += "\n⚠ " + ", ".join(flags)
                item.setToolTip(", ".join(flags))
            item.setText(text)
        self.pages_changed.emit()

    # -- operations ----------------------------------------------------------------------------------
    def rotate_selected(self, degrees: int = 90) -> None:
        for item in self.selectedItems():
            page: ScannedPage = item.data(PAGE_ROLE)
            page.rotation = (page.rotation + degrees) % 360
            item.setData(PAGE_ROLE, page)
            self._draw(item)
        self.pages_changed.emit()

    def delete_selected(self) -> list[ScannedPage]:
        removed = []
        for row in reversed(self.selected_rows()):
            removed.append(self.takeItem(row).data(PAGE_ROLE))
        self.refresh_labels()
        return removed

    def split_at_current(self) -> None:
        """Start a new document at the current page (press again to join it back)."""
        item = self.currentItem()
        if item is None or self.row(item) == 0:
            return
        page: ScannedPage = item.data(PAGE_ROLE)
        page.new_document = not page.new_document
        item.setData(PAGE_ROLE, page)
        self.refresh_labels()

    def replace_page(self, row: int, page: ScannedPage) -> None:
        old: ScannedPage = self.item(row).data(PAGE_ROLE)
        page.new_document = old.new_document
        self.item(row).setData(PAGE_ROLE, page)
        self._draw(self.item(row))
        self.refresh_labels()

    def move_page(self, src: int, dst: int) -> None:
        """Move a page (what drag and drop does; also Alt+arrows for the keyboard)."""
        if src == dst or not (0 <= src < self.count()) or not (0 <= dst < self.count()):
            return
        item = self.takeItem(src)
        self.insertItem(dst, item)
        self.select_row(dst)
        self.refresh_labels()


class Preview(QScrollArea):
    """The selected page, large, with zoom (Ctrl++ / Ctrl+- / Ctrl+0 to fit).

    The preview file is decoded and scaled to fit in a worker: while the feeder runs, a new page
    is shown every few hundred milliseconds and the UI thread must not spend 100 ms on each.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("preview")
        self.label = QLabel()
        self.label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setWidget(self.label)
        self.setWidgetResizable(True)
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.zoom = 0.0  # 0: fit the window
        self._image: QImage | None = None
        self._request = 0
        self.page: ScannedPage | None = None
        self.rotation = 0  # the rotation shown, so an edit to it redraws at once

    def show_page(self, page: ScannedPage | None) -> None:
        from sohoa.gui.workers import run_task

        self._request += 1
        request = self._request
        self.page = page
        self.rotation = page.rotation if page is not None else 0
        if page is None:
            self._image = None
            self.label.clear()
            return
        fit = self.viewport().size()
        path, rotation = str(page.preview), page.rotation

        def load(progress: object) -> tuple[QImage, QImage]:
            image = QImage(path)
            if rotation:
                image = image.transformed(QTransform().rotate(rotation))
            fitted = image.scaled(
                fit, Qt.AspectRatioMode.KeepAspectRatio, Qt.TransformationMode.SmoothTransformation
            )
            return image, fitted

        def done(result: tuple[QImage, QImage]) -> None:
            if request != self._request:
                return  # a newer page was asked for meanwhile
            self._image, fitted = result
            if self.zoom:
                self._render()
            else:
                self.label.setPixmap(QPixmap.fromImage(fitted))

        self.loading = run_task(load, done=done)

    def set_zoom(self, zoom: float) -> None:
        self.zoom = max(0.0, min(zoom, 4.0))
        self._render()

    def zoom_in(self) -> None:
        self.set_zoom((self.zoom or self._fit_scale()) * 1.25)

    def zoom_out(self) -> None:
        self.set_zoom((self.zoom or self._fit_scale()) / 1.25)

    def _fit_scale(self) -> float:
        if self._image is None or self._image.isNull():
            return 1.0
        return min(
            self.viewport().width() / self._image.width(), self.viewport().height() / self._image.height()
        )

    def _render(self) -> None:
        """Scale for a zoom the clerk asked for (a key press: the one place it runs on the UI thread)."""
        if self._image is None or self._image.isNull():
            return
        scale = self.zoom or self._fit_scale()
        size = self._image.size() * max(scale, 0.05)
        self.label.setPixmap(
            QPixmap.fromImage(
                self._image.scaled(
                    size, Qt.AspectRatioMode.KeepAspectRatio, Qt.TransformationMode.SmoothTransformation
                )
            )
        )

    def resizeEvent(self, event) -> None:  # type: ignore[no-untyped-def]
        super().resizeEvent(event)
        if not self.zoom and self.page is not None:
            self.show_page(self.page)
