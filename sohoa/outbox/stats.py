"""The uploader's word to the local store: a document acknowledged (or refused) by the repository.

The outbox item carries the store's document id, so an acknowledgement moves that document to
``acknowledged`` (with the repository's id) and counts one "uploaded" event for the statistics;
a refusal moves it to ``rejected`` with the server's reason. ``sohoa sync`` and the desktop app's
background uploader both go through here, so an upload counts the same whichever sent it.
"""

from __future__ import annotations

import logging
from pathlib import Path

from sohoa.core.errors import SoHoaError
from sohoa.core.lifecycle import DocState
from sohoa.core.store import Store
from sohoa.outbox.outbox import QueueItem

log = logging.getLogger(__name__)


def _advance(store: Store, item: QueueItem, target: DocState, **values: object) -> None:
    if not item.document_id:
        return
    store.set_state(item.document_id, target, **values)  # type: ignore[arg-type]


def record_acknowledgement(store_file: Path, item: QueueItem, remote_id: str, clerk: str = "") -> None:
    """The repository holds ``item``: its document becomes acknowledged; one "uploaded" event."""
    try:
        with Store(store_file) as store:
            try:
                _advance(store, item, DocState.ACKNOWLEDGED, remote_id=remote_id, outbox_item=item.id)
            except SoHoaError as e:
                log.warning(
                    "queue item %s: document %s not moved to acknowledged: %s", item.id, item.document_id, e
                )
            store.record_event(
                "uploaded",
                document_id=item.document_id or str(item.id),
                procedure_code=item.metadata.procedure_code,
                pages=item.metadata.page_count,
                clerk=clerk,
            )
    except SoHoaError as e:
        log.warning("could not record upload %s in the local store: %s", item.id, e)


def record_uploaded(store_file: Path, item: QueueItem) -> None:
    """Every byte of ``item`` is on the server, the commit is due: its document becomes ``uploaded``.

    Only from ``queued``: an upload resumed after a crash (already ``uploaded``) changes nothing.
    """
    if not item.document_id:
        return
    try:
        with Store(store_file) as store:
            if store.document(item.document_id).state == DocState.QUEUED:
                _advance(store, item, DocState.UPLOADED)
    except SoHoaError as e:
        log.warning("queue item %s: document %s not moved to uploaded: %s", item.id, item.document_id, e)


def record_rejection(store_file: Path, item: QueueItem, reason: str) -> None:
    """The repository refused ``item`` for good: its document becomes rejected, with the reason."""
    if not item.document_id:
        return
    try:
        with Store(store_file) as store:
            _advance(store, item, DocState.REJECTED, reason=reason)
    except SoHoaError as e:
        log.warning("queue item %s: document %s not moved to rejected: %s", item.id, item.document_id, e)
