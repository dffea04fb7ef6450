"""The outbox, the uploader and the connection, for the queue view and the status bar."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any

from sohoa.gui.services.base import (
    AppContext,
    ProgressLike,
)

log = logging.getLogger(__name__)


# -- queue and connection ---------------------------------------------------------------------
@dataclass
class QueueStatus:
    online: bool | None  # None: no repository configured
    pending: int
    failed_for_good: list[tuple[str, str]] = field(default_factory=list)  # (item id, reason)


@dataclass
class QueueItem:
    id: str
    title: str
    state: str  # pending, uploading, failed, rejected, done
    progress: float  # 0..1
    reason: str
    attempts: int
    updated: str
    lifecycle: str = ""  # the document's state in sohoa.core.lifecycle (queued, uploaded, ...), when known


def queue_status(ctx: AppContext) -> QueueStatus:
    """Pending count and whether the repository answers (a short timeout: this runs every 15 s)."""
    box = outbox(ctx)
    try:
        pending = box.outstanding()
        failed = [
            (str(e.id), f"{e.dossier_code} · {e.title}: {_reason(e)}")
            for e in box.list(state="failed", limit=50)
        ]
    finally:
        box.close()
    url = ctx.settings.repository.url
    if not url:
        return QueueStatus(None, pending, failed)
    return QueueStatus(ping_repository(url, timeout=3.0), pending, failed)


def _reason(entry: Any) -> str:
    from sohoa.core.i18n import language

    return (entry.last_error_vi if language() == "vi" and entry.last_error_vi else entry.last_error) or ""


def ping_repository(url: str, timeout: float = 5.0) -> bool:
    import requests

    try:
        resp = requests.get(url.rstrip("/") + "/", timeout=timeout)
    except requests.RequestException:
        return False
    return resp.status_code < 500


def outbox(ctx: AppContext) -> Any:
    """The durable outbox of this workstation (one per data folder)."""
    return ctx.outbox()


_STATE_MAP = {
    "pending": "pending",
    "uploading": "uploading",
    "uploaded": "uploading",
    "acknowledged": "done",
    "failed": "rejected",
}


def queue_items(ctx: AppContext, limit: int = 500) -> list[QueueItem]:
    """The newest ``limit`` items of the outbox, oldest first, with the server's reason in the user's language."""
    from datetime import datetime

    box = outbox(ctx)
    try:
        total = sum(box.counts().values())
        entries = box.list(limit=limit, offset=max(0, total - limit))  # a page, never 100,000 rows
    finally:
        box.close()
    lifecycle = _lifecycle_states(ctx, [e.id for e in entries])
    out = []
    for e in entries:
        state = _STATE_MAP.get(e.state, e.state)
        progress = {"done": 1.0, "uploading": 0.5}.get(state, 0.0)
        updated = datetime.fromtimestamp(e.updated_at).strftime("%d/%m %H:%M") if e.updated_at else ""
        out.append(
            QueueItem(
                str(e.id),
                f"{e.dossier_code} · {e.title}",
                state,
                progress,
                _reason(e),
                e.failures,
                updated,
                lifecycle.get(e.id, ""),
            )
        )
    return out


def _lifecycle_states(ctx: AppContext, item_ids: list[int]) -> dict[int, str]:
    """Outbox item -> its document's lifecycle state (the one truth the counter and statistics read)."""
    if not item_ids:
        return {}
    marks = ",".join("?" * len(item_ids))
    with ctx.for_worker() as wctx:
        rows = wctx.store.conn.execute(
            f"SELECT outbox_item, state FROM documents WHERE outbox_item IN ({marks})",  # noqa: S608
            item_ids,
        ).fetchall()
    return {int(item): str(state) for item, state in rows}


def retry_item(ctx: AppContext, item_id: str) -> None:
    box = outbox(ctx)
    try:
        box.retry(int(item_id))
    finally:
        box.close()


def sync_queue(ctx: AppContext, progress: ProgressLike) -> int:
    """Upload every item that is due now; return how many the repository acknowledged."""
    from sohoa.workflow.upload import sync_once

    return len(sync_once(ctx, progress).acknowledged)


class Uploads:
    """The uploader running in the background while the app is open (queue area's BackgroundSync)."""

    def __init__(self, ctx: AppContext, on_event: Any = None) -> None:
        self.ctx = ctx
        self.on_event = on_event
        self.bg: Any = None

    def start(self) -> bool:
        """Start if a repository is configured; False (and no thread) otherwise."""
        if not self.ctx.settings.repository.url or self.bg is not None:
            return False
        from sohoa.core.progress import Reporter
        from sohoa.workflow.upload import background

        self.bg = background(self.ctx, Reporter(on_item=self.on_event))
        self.bg.start()
        return True

    def wake(self) -> None:
        if self.bg is not None:
            self.bg.wake()

    def stopped_error(self) -> BaseException | None:
        """What stopped the background uploader (``BackgroundSync.error``); None while it runs."""
        bg = self.bg
        if bg is None or bg.running:
            return None
        return bg.error  # type: ignore[no-any-return]

    def restart(self) -> bool:
        """Start again after the clerk fixed what stopped it (freed disk space, for one)."""
        self.stop()
        return self.start()

    def stop(self) -> None:
        if self.bg is not None:
            self.bg.stop()
            self.bg.outbox.close()
            self.bg = None
