"""The dossier register: every dossier received at the counter and what became of each document.

Provinces report "tỷ lệ số hóa hồ sơ" and "tỷ lệ khai thác, sử dụng lại" per month; both need
a denominator the documents table cannot give (a dossier with nothing to digitize has no
documents). So the workflow records each dossier when it is received (:func:`record_received`,
the "new dossier" use case) and brings its documents' states up to date when it is finished
(:func:`record_finished`). Each document the dossier needs is one *component* in one of three
states (:class:`ComponentState`); reuse carries the result that replaced the paper
(``MaKetQuaThayThe``). The definitions the report applies are in :mod:`sohoa.workflow.report`.
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from enum import StrEnum
from typing import Any

from sohoa.core.errors import ValidationError
from sohoa.core.i18n import Text
from sohoa.core.model import Document, DocumentKind, Dossier
from sohoa.core.province import ProvinceProfile
from sohoa.core.store import Store

log = logging.getLogger(__name__)

# document lifecycle states (issue 12) that mean "processed into a PDF/A, signed or not"
DIGITIZED_STATUSES = frozenset({"processed", "signed", "queued", "uploaded", "acknowledged"})
PENDING = "pending"  # the default reason: the document has not been handled yet
COUNTER, BACKLOG = "counter", "backlog"  # how a dossier came: received at the counter, or from the archive


class ComponentState(StrEnum):
    DIGITIZED = "digitized"  # processed into a PDF/A here (DuocSoHoa)
    REUSED = "reused"  # taken from the repository instead of the paper (DuocTaiSuDung)
    NOT_DIGITIZED = "not-digitized"  # with a reason


@dataclass
class Component:
    """One document a dossier needs, as the register knows it."""

    component_code: str = ""
    title: str = ""
    state: ComponentState = ComponentState.NOT_DIGITIZED
    reason: str = PENDING
    document_id: str = ""
    replacing_result: str = ""
    remote_id: str = ""
    from_national: bool = False
    id: str = field(default_factory=lambda: uuid.uuid4().hex)


@dataclass
class RegisteredDossier:
    dossier_id: str
    code: str
    procedure_code: str
    unit: str
    received_date: date
    owner_type: str
    procedure_name: str = ""
    finished: bool = False
    components: list[Component] = field(default_factory=list)
    channel: str = COUNTER

    @property
    def month(self) -> str:
        return self.received_date.strftime("%Y-%m")


class UnknownDossier(ValidationError):
    text = Text(
        vi="Sổ theo dõi chưa ghi nhận hồ sơ {dossier}. Hãy tạo hồ sơ tại quầy trước.",
        en="The register has no dossier {dossier}. Create the dossier at the counter first.",
    )


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def unit_of(code: str, profile: ProvinceProfile | None) -> str:
    """The receiving unit of a dossier code (see :meth:`ProvinceProfile.unit_of`)."""
    if profile is not None:
        return profile.unit_of(code)
    head = code.strip().upper().split("-", 1)[0]
    return head if head != code.strip().upper() else ""


def record_received(
    store: Store,
    dossier: Dossier,
    *,
    unit: str = "",
    profile: ProvinceProfile | None = None,
    required: list[Component] | None = None,
    channel: str = COUNTER,
) -> RegisteredDossier:
    """Record a dossier received at the counter (idempotent: a second call updates it).

    ``channel="backlog"``: an archive result's dossier (the backlog use case). It is kept in the
    register but is no dossier received: its results count as backlog results once processed.

    ``required`` lists the documents the procedure asks for that are not scanned yet (each
    starts not digitized, reason "pending"); the dossier's own documents are added too.
    A dossier with no documents at all is recorded as well: it counts as received.
    """
    unit = unit or ("" if dossier.legacy else unit_of(dossier.code, profile))  # old numbering names no unit
    with store.conn:
        store.conn.execute("BEGIN IMMEDIATE")
        existing = store.db["register_dossiers"].count_where("dossier_id = ?", [dossier.id])
        row = {
            "dossier_id": dossier.id,
            "code": dossier.code,
            "procedure_code": dossier.procedure_code,
            "procedure_name": dossier.procedure_name,
            "unit": unit,
            "received_date": dossier.received_date.isoformat(),
            "received_month": dossier.received_date.strftime("%Y-%m"),
            "owner_type": str(dossier.owner_type),
            "channel": channel,
        }
        if existing:
            store.db["register_dossiers"].update(dossier.id, row)
        else:
            store.db["register_dossiers"].insert({**row, "registered_at": _now(), "finished_at": ""})
        have = _components(store, dossier.id)
        for comp in required or []:
            if comp.component_code and any(c.component_code == comp.component_code for c in have):
                continue
            _insert(store, dossier.id, len(have), comp)
            have.append(comp)
    _sync_documents(store, dossier)
    log.info(
        "register: dossier %s received (unit %s, procedure %s)", dossier.code, unit, dossier.procedure_code
    )
    return load(store, dossier.id)


def record_finished(
    store: Store, dossier: Dossier, profile: ProvinceProfile | None = None
) -> RegisteredDossier:
    """The "finish" hook: bring every document's state up to date from the store, mark finished.

    A dossier finished without having been registered (an older store, another entry point) is
    registered now, as received at the counter. A backlog dossier's processed results are
    recorded as backlog results.
    """
    if not store.db["register_dossiers"].count_where("dossier_id = ?", [dossier.id]):
        record_received(store, dossier, profile=profile)
    _sync_documents(store, dossier)
    store.db["register_dossiers"].update(dossier.id, {"finished_at": _now()})
    entry = load(store, dossier.id)
    if entry.channel == BACKLOG:
        for doc in dossier.documents:
            if doc.kind.needs_result_code and _document_state(store, doc)[0] is ComponentState.DIGITIZED:
                record_backlog_result(store, doc, procedure_code=dossier.procedure_code, unit=entry.unit)
    return entry


def ensure_received(store: Store, dossier_id: str, profile: ProvinceProfile | None = None) -> None:
    """Register a saved dossier that the register does not know yet (before marking a reuse)."""
    if not store.db["register_dossiers"].count_where("dossier_id = ?", [dossier_id]):
        record_received(store, store.load_dossier(dossier_id), profile=profile)


def _document_state(store: Store, doc: Document) -> tuple[ComponentState, str]:
    column = "state" if "state" in store.db["documents"].columns_dict else "status"  # lifecycle (issue 12)
    row = next(iter(store.db["documents"].rows_where("id = ?", [doc.id], select=column)), None)
    status = (row or {}).get(column) or "draft"
    if status in DIGITIZED_STATUSES:
        return ComponentState.DIGITIZED, ""
    return ComponentState.NOT_DIGITIZED, PENDING if status in ("draft", "scanned") else status


def _sync_documents(store: Store, dossier: Dossier) -> None:
    """One component per document of the dossier (a pending component of the same code is filled)."""
    have = _components(store, dossier.id)
    with store.conn:
        store.conn.execute("BEGIN IMMEDIATE")
        for doc in dossier.documents:
            if doc.kind in (DocumentKind.RESULT, DocumentKind.PROCESSING_RESULT, DocumentKind.REJECTION):
                continue  # what the agency issues is not a document the citizen's dossier needs
            state, reason = _document_state(store, doc)
            mine = next((c for c in have if c.document_id == doc.id), None)
            if mine is None and doc.component_code:
                mine = next(
                    (
                        c
                        for c in have
                        if c.component_code == doc.component_code
                        and not c.document_id
                        and c.state is ComponentState.NOT_DIGITIZED
                    ),
                    None,
                )
            values = {"document_id": doc.id, "state": state.value, "reason": reason, "updated_at": _now()}
            if mine is None:
                comp = Component(doc.component_code, doc.title, state, reason, doc.id)
                _insert(store, dossier.id, len(have), comp)
                have.append(comp)
            elif mine.state is not ComponentState.REUSED:
                store.db["register_components"].update(mine.id, values)


def mark_component(
    store: Store,
    dossier_id: str,
    *,
    component_code: str = "",
    title: str = "",
    state: ComponentState,
    reason: str = "",
    replacing_result: str = "",
    remote_id: str = "",
    from_national: bool = False,
    document_id: str = "",
) -> Component:
    """Mark one needed document digitized, reused (with the result that replaced it) or not digitized.

    A pending component of the same code is updated; otherwise a new one is added.
    """
    if not store.db["register_dossiers"].count_where("dossier_id = ?", [dossier_id]):
        raise UnknownDossier(dossier=dossier_id)
    state = ComponentState(state)
    if state is ComponentState.NOT_DIGITIZED and not reason:
        reason = PENDING
    have = _components(store, dossier_id)
    mine = next(
        (
            c
            for c in have
            if (remote_id and c.remote_id == remote_id)
            or (
                component_code and c.component_code == component_code and c.state is not ComponentState.REUSED
            )
        ),
        None,
    )
    comp = Component(
        component_code,
        title,
        state,
        "" if state is not ComponentState.NOT_DIGITIZED else reason,
        document_id,
        replacing_result,
        remote_id,
        from_national,
    )
    if mine is None:
        _insert(store, dossier_id, len(have), comp)
    else:
        comp.id = mine.id
        comp.title = title or mine.title
        comp.component_code = component_code or mine.component_code
        store.db["register_components"].update(mine.id, _row(dossier_id, None, comp))
    return comp


def record_backlog_result(
    store: Store, document: Document, *, procedure_code: str = "", unit: str = "", when: date | None = None
) -> None:
    """A result of an earlier year digitized from the archive (the backlog use case)."""
    when = when or date.today()
    issued = document.issue_date
    store.db["register_backlog"].upsert(
        {
            "id": document.id,
            "result_code": document.result_code,
            "procedure_code": procedure_code,
            "unit": unit,
            "issue_date": issued.isoformat() if issued else "",
            "issue_year": issued.year if issued else 0,
            "digitized_month": when.strftime("%Y-%m"),
            "digitized_at": _now(),
        },
        pk="id",
    )


def _row(dossier_id: str, position: int | None, comp: Component) -> dict[str, Any]:
    row: dict[str, Any] = {
        "id": comp.id,
        "dossier_id": dossier_id,
        "component_code": comp.component_code,
        "title": comp.title,
        "state": comp.state.value,
        "reason": comp.reason,
        "document_id": comp.document_id,
        "replacing_result": comp.replacing_result,
        "remote_id": comp.remote_id,
        "from_national": int(comp.from_national),
        "updated_at": _now(),
    }
    if position is not None:
        row["position"] = position
    return row


def _insert(store: Store, dossier_id: str, position: int, comp: Component) -> None:
    store.db["register_components"].insert(_row(dossier_id, position, comp))


def _components(store: Store, dossier_id: str) -> list[Component]:
    return [
        Component(
            component_code=r["component_code"] or "",
            title=r["title"] or "",
            state=ComponentState(r["state"]),
            reason=r["reason"] or "",
            document_id=r["document_id"] or "",
            replacing_result=r["replacing_result"] or "",
            remote_id=r["remote_id"] or "",
            from_national=bool(r["from_national"]),
            id=r["id"],
        )
        for r in store.db["register_components"].rows_where(
            "dossier_id = ?", [dossier_id], order_by="position"
        )
    ]


def load(store: Store, dossier_id: str) -> RegisteredDossier:
    rows = list(store.db["register_dossiers"].rows_where("dossier_id = ?", [dossier_id]))
    if not rows:
        raise UnknownDossier(dossier=dossier_id)
    return _dossier(rows[0], _components(store, dossier_id))


def _dossier(r: dict[str, Any], components: list[Component]) -> RegisteredDossier:
    return RegisteredDossier(
        dossier_id=r["dossier_id"],
        code=r["code"],
        procedure_code=r["procedure_code"] or "",
        unit=r["unit"] or "",
        received_date=date.fromisoformat(r["received_date"]),
        owner_type=r["owner_type"] or "person",
        procedure_name=r["procedure_name"] or "",
        finished=bool(r["finished_at"]),
        components=components,
        channel=r["channel"] or COUNTER,
    )


def dossiers_between(store: Store, first_month: str, last_month: str) -> list[RegisteredDossier]:
    """Every registered dossier received in ``first_month``..``last_month`` (YYYY-MM, inclusive)."""
    rows = list(
        store.db["register_dossiers"].rows_where(
            "received_month BETWEEN ? AND ? AND channel = 'counter'",
            [first_month, last_month],
            order_by="received_date, code",
        )
    )
    by_dossier: dict[str, list[Component]] = {r["dossier_id"]: [] for r in rows}
    if rows:
        for c in store.db.query(
            "SELECT c.* FROM register_components c JOIN register_dossiers d USING (dossier_id)"
            " WHERE d.received_month BETWEEN ? AND ? AND d.channel = 'counter'"
            " ORDER BY c.dossier_id, c.position",
            [first_month, last_month],
        ):
            by_dossier[c["dossier_id"]].append(
                Component(
                    component_code=c["component_code"] or "",
                    title=c["title"] or "",
                    state=ComponentState(c["state"]),
                    reason=c["reason"] or "",
                    document_id=c["document_id"] or "",
                    replacing_result=c["replacing_result"] or "",
                    remote_id=c["remote_id"] or "",
                    from_national=bool(c["from_national"]),
                    id=c["id"],
                )
            )
    return [_dossier(r, by_dossier[r["dossier_id"]]) for r in rows]


def month_span(store: Store) -> tuple[str, str] | None:
    """The first and last month the register holds (dossiers or backlog), or None when empty."""
    row = store.conn.execute(
        "SELECT MIN(m), MAX(m) FROM (SELECT received_month AS m FROM register_dossiers WHERE channel = 'counter'"
        " UNION ALL SELECT digitized_month FROM register_backlog)"
    ).fetchone()
    return (row[0], row[1]) if row and row[0] else None
