"""Reuse ("once-only"): the owner's documents already in the repository, attached instead of rescanned."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date
from typing import Any

from sohoa.core.i18n import Text, tr
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
    issue_date: date | None = None  # NgayCap, when the source says
    valid_until: date | None = None  # ThoiHanHieuLuc; None: no limit, or not said

    def expired(self, today: date | None = None) -> bool:
        """Past its validity: the clerk must not take it for a valid paper without checking."""
        return self.valid_until is not None and self.valid_until < (today or date.today())

    def dates(self, today: date | None = None) -> str:
        """The dates a clerk checks before reusing it, in the user's language.

        "cấp 15/03/2019 · hiệu lực đến 15/03/2024 (hết hiệu lực)"; without an issue date, the date
        the source gave (stored or received) stands in, as before.
        """
        parts = [tr(ISSUED, day=_dmy(self.issue_date))] if self.issue_date else []
        if not parts and self.issued:
            parts.append(self.issued)
        if self.valid_until:
            parts.append(tr(VALID_UNTIL, day=_dmy(self.valid_until)))
            if self.expired(today):
                parts[-1] += f" ({tr(EXPIRED)})"
        return " · ".join(parts)


ISSUED = Text(vi="cấp {day}", en="issued {day}")
VALID_UNTIL = Text(vi="hiệu lực đến {day}", en="valid until {day}")
EXPIRED = Text(vi="hết hiệu lực", en="expired")


def _dmy(day: date) -> str:
    return day.strftime("%d/%m/%Y")


def day_or_none(value: str | None) -> date | None:
    """A stored ISO day, or None (empty, or not a day: never shown as one)."""
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


def lookup_owner(ctx: AppContext, owner_id: str) -> list[ReuseHit]:
    """The owner's documents in the repository, by ID number (network: call from a worker)."""
    from sohoa.outbox.lookup import lookup_owner as look_up

    if ctx.profile.connector == "portal":  # the province speaks the portal's words (GetKetQuaGiayTo)
        return _portal_lookup(ctx, owner_id)
    hits = look_up(ctx.settings.repository, owner_id)
    return [
        ReuseHit(
            h.remote_id,
            h.title,
            h.result_code,
            h.stored_at[:10],
            h.kind,
            raw=h,
            issue_date=day_or_none(h.issue_date),
            valid_until=day_or_none(h.valid_until),
        )
        for h in hits
    ]


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
    return [
        ReuseHit(
            f.remote_id,
            f.title,
            f.result_code,
            "",
            "result",
            raw=f,
            issue_date=f.issue_date,
            valid_until=f.valid_until,
        )
        for f in found
    ]


def _portal_attach(ctx: AppContext, dossier: Any, hit: ReuseHit) -> None:
    from sohoa.outbox.connectors import connector_for
    from sohoa.workflow.connector_reuse import attach_result

    connector = connector_for(ctx.profile, ctx.settings.repository)
    try:
        with ctx.for_worker() as wctx:
            attach_result(wctx.store, connector, dossier.id, hit.raw, profile=wctx.profile)
    finally:
        connector.close()
