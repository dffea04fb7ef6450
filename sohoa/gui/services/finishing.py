"""The counter's Finish and the supervisor's batch signing, as the views call them: the workflow's.

Everything happens in :mod:`sohoa.workflow.finish`; this module only turns the counter's pages
(with their previews) into the domain's documents.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sohoa.core.model import Page
from sohoa.core.progress import Progress
from sohoa.gui.services.base import AppContext
from sohoa.gui.services.capture import ScannedPage
from sohoa.workflow import finish as wf
from sohoa.workflow.finish import (
    DocOutcome,
    PendingResult,
    clerks_seen,
    enqueue,
    pending_results,
    process_pages,
)

__all__ = [
    "DocOutcome",
    "PendingResult",
    "backlog_entry",
    "clerks_seen",
    "documents_dir",
    "enqueue",
    "finish_dossier",
    "open_page_cache",
    "pending_results",
    "process_pages",
    "sign_pending",
]


def open_page_cache(ctx: AppContext, dossier_key: str) -> Any:
    """The dossier's page cache (:mod:`sohoa.workflow.page_cache`): pages processed as they land."""
    from sohoa.processing import ProcessOptions
    from sohoa.workflow.page_cache import PageCache

    return PageCache(ctx.paths.work, dossier_key, ProcessOptions.from_config(ctx.settings.processing))


def documents_dir(ctx: AppContext, dossier_id: str) -> Path:
    return ctx.documents_dir(dossier_id)


def finish_dossier(
    ctx: AppContext,
    dossier: Any,
    documents: list[tuple[Any, list[ScannedPage]]],
    pin: str | None,
    progress: Progress,
    page_cache: Any = None,
) -> list[DocOutcome]:
    """Save the dossier with its documents (ids kept) and finish it: process, sign with ``pin``, queue.

    Without a PIN the documents stop at "processed" and wait for a supervisor's batch signing.
    With ``page_cache`` (the pages processed as they landed) Finish only assembles, signs and queues.
    """
    dossier.documents = []
    for doc, pages in documents:
        doc.pages = [Page(file=p.file, dpi=p.dpi, rotation=p.rotation) for p in pages]
        dossier.documents.append(doc)
    with ctx.for_worker() as wctx:
        wctx.store.save_dossier(dossier)
        return wf.finish(wctx, dossier.id, pin, progress, cache=page_cache)


def backlog_entry(
    ctx: AppContext, dossier: Any, doc: Any, pages: list[ScannedPage], progress: Progress
) -> list[DocOutcome]:
    """One backlog result: saved through the dossier draft, its PDF/A built; it waits for batch signing."""
    from sohoa.workflow.backlog import backlog_entry as entry
    from sohoa.workflow.draft import DossierDraft, DraftPage

    dossier.documents = [doc]
    draft = DossierDraft.from_model(dossier)
    draft.documents[0].pages = [
        DraftPage(p.file, p.dpi, p.color_mode, p.rotation, id=p.page_id) for p in pages
    ]
    return entry(ctx, draft, progress)


def sign_pending(
    ctx: AppContext, results: list[PendingResult], pin: str, progress: Progress
) -> list[DocOutcome]:
    """The supervisor's batch (states read again now: nothing already signed is signed twice)."""
    with ctx.for_worker() as wctx:
        return wf.sign_pending(wctx, results, pin, progress)
