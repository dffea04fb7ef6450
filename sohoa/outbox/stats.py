"""Counting acknowledged uploads in the local store's statistics (the monthly digitization report).

Both ``sohoa sync`` and the desktop app's background uploader call this, so an upload counts
the same whichever of them sent it.
"""

from __future__ import annotations

import logging
from pathlib import Path

from sohoa.core.errors import SoHoaError
from sohoa.core.store import Store
from sohoa.outbox.outbox import Outbox

log = logging.getLogger(__name__)


def count_upload(store_file: Path, outbox: Outbox, item_id: int, clerk: str = "") -> None:
    """Record one "uploaded" event for queue item ``item_id``; a failure is logged, never raised."""
    try:
        item = outbox.get(item_id)
        meta = item.metadata if item is not None else None
        with Store(store_file) as store:
            store.record_event(
                "uploaded",
                document_id=str(item_id),
                procedure_code=meta.procedure_code if meta else "",
                pages=meta.page_count if meta else 0,
                clerk=clerk,
            )
    except SoHoaError as e:
        log.warning("could not count upload %s in the statistics: %s", item_id, e)
