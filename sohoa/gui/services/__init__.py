"""The thin adapter between the widgets and the workflow (Qt-free, called from workers).

Widgets never import ``sohoa.capture``, ``sohoa.processing``, ``sohoa.signing`` or ``sohoa.outbox``
directly: they call the functions here, which call :mod:`sohoa.workflow` (the dossier use cases
shared with the CLI and the demo). Every function that may take time takes the core's
progress/cancel contract (:mod:`sohoa.core.progress`; the worker's :class:`sohoa.gui.workers.Progress`
implements it). Failures are raised as :class:`sohoa.core.errors.SoHoaError`.
"""

from __future__ import annotations

from sohoa.core.progress import NullProgress, check_cancel
from sohoa.gui.services.base import (
    EVENT_KINDS,
    AppContext,
    ProgressLike,
    StatRow,
    known_token_modules,
    list_tokens,
    procedures_seen,
    statistics,
    store_password,
    test_storage,
    token_labels,
    write_statistics_csv,
)
from sohoa.gui.services.capture import (
    ScannedPage,
    ScannerInfo,
    ScanSession,
    UnfinishedBatch,
    cached_scanners,
    discard_batch,
    import_files,
    list_scanners,
    make_previews,
    restore_batch,
    unfinished_batches,
)
from sohoa.gui.services.finishing import (
    DocOutcome,
    PendingResult,
    backlog_entry,
    clerks_seen,
    documents_dir,
    enqueue,
    finish_dossier,
    open_page_cache,
    pending_results,
    process_pages,
    sign_pending,
)
from sohoa.gui.services.queue import (
    QueueItem,
    QueueStatus,
    Uploads,
    outbox,
    ping_repository,
    queue_items,
    queue_status,
    retry_item,
    sync_queue,
)
from sohoa.workflow.reuse import ReuseHit, lookup_owner, record_reuse

__all__ = [
    "EVENT_KINDS",
    "AppContext",
    "DocOutcome",
    "NullProgress",
    "PendingResult",
    "ProgressLike",
    "QueueItem",
    "QueueStatus",
    "ReuseHit",
    "ScanSession",
    "ScannedPage",
    "ScannerInfo",
    "StatRow",
    "UnfinishedBatch",
    "Uploads",
    "backlog_entry",
    "cached_scanners",
    "check_cancel",
    "clerks_seen",
    "discard_batch",
    "documents_dir",
    "enqueue",
    "finish_dossier",
    "import_files",
    "known_token_modules",
    "list_scanners",
    "list_tokens",
    "lookup_owner",
    "make_previews",
    "open_page_cache",
    "outbox",
    "pending_results",
    "ping_repository",
    "procedures_seen",
    "process_pages",
    "queue_items",
    "queue_status",
    "record_reuse",
    "restore_batch",
    "retry_item",
    "sign_pending",
    "statistics",
    "store_password",
    "sync_queue",
    "test_storage",
    "token_labels",
    "unfinished_batches",
    "write_statistics_csv",
]
