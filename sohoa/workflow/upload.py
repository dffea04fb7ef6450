"""Sending the queue: every acknowledgement moves its document to ``acknowledged`` in this store."""

from __future__ import annotations

from sohoa.core.errors import NetworkError
from sohoa.core.progress import Progress
from sohoa.outbox.sync import BackgroundSync, UploadOptions, run_sync
from sohoa.outbox.uploader import SyncReport
from sohoa.workflow.context import Workspace


def upload_options(ws: Workspace) -> UploadOptions:
    return UploadOptions.from_config(ws.settings.repository)


def sync_once(ws: Workspace, progress: Progress | None = None, *, raise_offline: bool = True) -> SyncReport:
    """Upload every item due now (the app's "send now", the demo, tests)."""
    box = ws.outbox()
    try:
        report = run_sync(
            upload_options(ws),
            once=True,
            outbox=box,
            progress=progress,
            store_file=ws.paths.store_file,
            clerk=ws.clerk,
        )
    finally:
        box.close()
    if report.offline and raise_offline:
        raise NetworkError(detail=report.last_error or "offline")
    return report


def background(ws: Workspace, progress: Progress | None = None) -> BackgroundSync:
    """The uploader for the desktop app (call ``start()``; ``stop()`` and close its outbox on quit)."""
    return BackgroundSync(
        upload_options(ws),
        outbox=ws.outbox(),
        progress=progress,
        store_file=ws.paths.store_file,
        clerk=ws.clerk,
    )
