"""Reuse ("once-only"): the owner's documents already in the repository, attached instead of rescanned."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from sohoa.workflow.context import Workspace as AppContext

log = logging.getLogger(__name__)


# -- reuse --------------------------------------------------------------------------------------
@dataclass
class ReuseHit:
    """A document the repository already holds for this owner (reused instead of rescanned)."""

    remote_id: str
    title: str
    result_code: str
    issued: str
    kind: str = ""
    attached: bool = False
    raw: Any = None  # the queue area's RemoteDocument


def lookup_owner(ctx: AppContext, owner_id: str) -> list[ReuseHit]:
    """The owner's documents in the repository, by ID number (network: call from a worker)."""
    from sohoa.outbox.lookup import lookup_owner as look_up

    hits = look_up(ctx.settings.repository, owner_id)
    return [ReuseHit(h.remote_id, h.title, h.result_code, h.stored_at[:10], h.kind, raw=h) for h in hits]


def record_reuse(ctx: AppContext, dossier: Any, hit: ReuseHit) -> None:
    """Attach a reused document to the saved dossier (downloaded and checked against its SHA-256)."""
    from sohoa.outbox.lookup import attach_to_dossier
    from sohoa.outbox.sync import client_factory

    client = client_factory(ctx.settings.repository)()
    try:
        with ctx.for_worker() as wctx:
            attach_to_dossier(wctx.store, dossier.id, hit.raw, client)
    finally:
        client.close()
