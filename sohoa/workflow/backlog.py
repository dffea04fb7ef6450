"""Backlog digitization: old paper results entered one by one, processed, left for batch signing."""

from __future__ import annotations

from sohoa.core.progress import Progress
from sohoa.workflow.context import Workspace
from sohoa.workflow.dossiers import save_draft
from sohoa.workflow.draft import DossierDraft
from sohoa.workflow.finish import DocOutcome, finish


def backlog_entry(ws: Workspace, draft: DossierDraft, progress: Progress | None = None) -> list[DocOutcome]:
    """Save one backlog result's dossier and build its PDF/A; it then waits in batch signing."""
    with ws.for_worker() as wws:
        dossier = save_draft(wws, draft)
        return finish(wws, dossier.id, None, progress, sign="none")
