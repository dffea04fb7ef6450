"""The counter's dossier journal: what a crash must not lose, and what a discard must not leave behind.

One journal folder per dossier (``sohoa.capture.journal``): the scanner appends each page as it
lands, and the counter saves its editing state (form fields, each document's metadata, the page
order, rotations, splits, each page's dpi and mode) after every change. Finishing or discarding
the dossier removes the folder, so one citizen's pages are never offered in another's dossier.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sohoa.gui.services.base import AppContext
from sohoa.gui.services.capture import ScannedPage, UnfinishedBatch, _ui_page

log = logging.getLogger(__name__)

STATE_VERSION = 1


def open_dossier_journal(ctx: AppContext, page_dir: Path) -> Any:
    """A new journal for one dossier (pages live in ``page_dir``, outside the recovery folder)."""
    from sohoa.capture.journal import Journal

    return Journal.create("", {}, page_dir, root=ctx.paths.recovery, extra={"kind": "dossier"}).claim()


def page_state(page: ScannedPage) -> dict[str, Any]:
    return {
        "file": str(page.file),
        "page_id": page.page_id,  # the draft's page id: the restored draft finds its pages
        "dpi": page.dpi,
        "mode": page.color_mode,
        "rotation": page.rotation,
        "new_document": page.new_document,
        "separator_code": page.separator_code,
        "dossier_code": page.dossier_code,
        "flags": sorted(page.flags),
    }


@dataclass
class RestoredDossier:
    """A dossier brought back after a crash: its pages (fresh previews) and the clerk's state."""

    pages: list[ScannedPage]
    state: dict[str, Any] = field(default_factory=dict)
    journal: Any = None
    lost: int = 0


def restore_dossier(ctx: AppContext, batch: UnfinishedBatch) -> RestoredDossier:
    """The state's pages in the clerk's order, then pages journaled after the last state save.

    Each page keeps its own dpi and mode (never a hard-coded 300 dpi colour). A batch the CLI
    left (no state, pages in the recovery folder) is copied out first, as before.
    """
    from sohoa.capture.journal import Journal, restore

    raw = batch.raw
    state = dict(raw.state or {})
    pages: list[ScannedPage] = []
    seen: set[str] = set()
    lost = 0
    if not state and raw.out_dir is None:  # pages inside the recovery folder: copy them out
        dest = ctx.paths.pages / f"recovered-{raw.batch_id}"
        paths = restore(raw, dest)
        return RestoredDossier(
            [_ui_page(ctx, p, q.dpi, q.mode, False) for p, q in zip(paths, raw.pages, strict=True)]
        )
    for rec in state.get("pages", []):
        path = Path(rec.get("file", ""))
        if not path.is_file():
            lost += 1
            continue
        page = _ui_page(ctx, path, int(rec.get("dpi") or 300), str(rec.get("mode") or "color"), False)
        page.rotation = int(rec.get("rotation") or 0) % 360
        page.new_document = bool(rec.get("new_document"))
        page.separator_code = str(rec.get("separator_code") or "")
        page.dossier_code = str(rec.get("dossier_code") or "")
        page.flags = set(rec.get("flags") or page.flags)
        if rec.get("page_id"):
            page.page_id = str(rec["page_id"])
        pages.append(page)
        seen.add(str(path.resolve()))
    for scanned in raw.pages:  # landed after the last state save
        if str(scanned.path.resolve()) in seen:
            continue
        pages.append(_ui_page(ctx, scanned.path, scanned.dpi, scanned.mode, False))
    if lost:
        log.warning("recovery %s: %d page file(s) missing", raw.batch_id, lost)
    return RestoredDossier(pages, state, Journal(raw.folder).claim(), lost + len(raw.lost))
