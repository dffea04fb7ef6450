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

    if ctx.profile.connector == "portal":  # the province speaks the portal's words (GetKetQuaGiayTo)
        return _portal_lookup(ctx, owner_id)
    hits = look_up(ctx.settings.repository, owner_id)
    return [ReuseHit(h.remote_id, h.title, h.result_code, h.stored_at[:10], h.kind, raw=h) for h in hits]


def record_reuse(ctx: AppContext, dossier: Any, hit: ReuseHit) -> None:
    """Attach a reused document to the saved dossier (downloaded and checked against its SHA-256)."""
    from sohoa.outbox.lookup import attach_to_dossier
    from sohoa.outbox.sync import client_factory

    if ctx.profile.connector == "portal":
        return _portal_attach(ctx, dossier, hit)
    client = client_factory(ctx.settings.repository)()
    try:
        with ctx.for_worker() as wctx:
            attach_to_dossier(wctx.store, dossier.id, hit.raw, client)
            _register_reuse(wctx, dossier.id, hit)
    finally:
        client.close()


def _register_reuse(ctx: AppContext, dossier_id: str, hit: ReuseHit) -> None:
    """The monthly report counts the reuse (DuocTaiSuDung, MaKetQuaThayThe) for the dossier's procedure."""
    from sohoa.workflow import register

    register.ensure_received(ctx.store, dossier_id, ctx.profile)
    register.mark_component(
        ctx.store,
        dossier_id,
        title=hit.title,
        state=register.ComponentState.REUSED,
        replacing_result=hit.result_code,
        remote_id=hit.remote_id,
    )


def _portal_lookup(ctx: AppContext, owner_id: str) -> list[ReuseHit]:
    from sohoa.outbox.connectors import connector_for
    from sohoa.outbox.connectors.base import ResultQuery

    connector = connector_for(ctx.profile, ctx.settings.repository)
    try:
        found = connector.find_results(ResultQuery(owner_id=owner_id))
    finally:
        connector.close()
    return [ReuseHit(f.remote_id, f.title, f.result_code, "", "result", raw=f) for f in found]


def _portal_attach(ctx: AppContext, dossier: Any, hit: ReuseHit) -> None:
    from sohoa.outbox.connectors import connector_for
    from sohoa.workflow.connector_reuse import attach_result

    connector = connector_for(ctx.profile, ctx.settings.repository)
    try:
        with ctx.for_worker() as wctx:
            attach_result(wctx.store, connector, dossier.id, hit.raw, profile=wctx.profile)
    finally:
        connector.close()
