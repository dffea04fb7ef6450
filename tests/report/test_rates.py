"""The rates on a known register, edge cases included (the definitions in sohoa.workflow.report)."""

from __future__ import annotations

from datetime import date

import pytest

from sohoa.core.errors import ValidationError
from sohoa.core.model import DocumentKind
from sohoa.core.store import Store
from sohoa.workflow import register
from sohoa.workflow.register import Component, ComponentState
from sohoa.workflow.report import compute
from tests.report.conftest import PROCEDURE_A, PROCEDURE_B, advance, doc, received

UNIT = "H15.50.05.13"
OTHER_UNIT = "H15.50.07"


def known_register(store: Store) -> dict[str, str]:
    """January: 5 dossiers of procedure A at UNIT, 1 of procedure B; February: 2 of A; one at OTHER_UNIT."""
    ids = {}
    # 1. fully digitized: two documents processed, one signed
    ids["full"] = received(
        store,
        f"{UNIT}-260105-0001",
        date(2026, 1, 5),
        PROCEDURE_A,
        [doc("TP01", "processed"), doc("TP02", "signed")],
    ).id
    # 2. nothing to digitize at all: counts as received, not digitized, requires nothing
    ids["empty"] = received(store, f"{UNIT}-260106-0002", date(2026, 1, 6), PROCEDURE_A, []).id
    # 3. reused documents only: not digitized (no document digitized), two reused
    d = received(store, f"{UNIT}-260107-0003", date(2026, 1, 7), PROCEDURE_A, [])
    for code in ("TP01", "TP02"):
        register.mark_component(
            store,
            d.id,
            component_code=code,
            state=ComponentState.REUSED,
            replacing_result=f"KQ.{code}",
            remote_id=code,
        )
    ids["reused"] = d.id
    # 4. partly digitized: one processed, one only scanned, one the citizen brought no copy of
    d = received(
        store,
        f"{UNIT}-260108-0004",
        date(2026, 1, 8),
        PROCEDURE_A,
        [doc("TP01", "queued"), doc("TP02", None)],
        required=[Component("TP03", "Sổ hộ khẩu")],
    )
    register.mark_component(
        store, d.id, component_code="TP03", state=ComponentState.NOT_DIGITIZED, reason="paper-only"
    )
    ids["partial"] = d.id
    # 5. digitized + reused: digitized (every document handled, one digitized); the result it issued is not counted
    d = received(
        store,
        f"{UNIT}-260131-0005",
        date(2026, 1, 31),
        PROCEDURE_A,
        [doc("TP01", "uploaded"), doc("KQ", "processed", kind=DocumentKind.RESULT)],
    )
    register.mark_component(
        store, d.id, component_code="TP02", state=ComponentState.REUSED, replacing_result="KQ.1"
    )
    ids["mixed"] = d.id
    # 6. another procedure in January, digitized
    received(store, f"{UNIT}-260115-0006", date(2026, 1, 15), PROCEDURE_B, [doc("TP01", "acknowledged")])
    # 7-8. February: one digitized, one failed processing (not digitized)
    received(store, f"{UNIT}-260201-0007", date(2026, 2, 1), PROCEDURE_A, [doc("TP01", "signed")])
    received(store, f"{UNIT}-260202-0008", date(2026, 2, 2), PROCEDURE_A, [doc("TP01", "failed")])
    # 9. another unit, March
    received(store, f"{OTHER_UNIT}-260301-0009", date(2026, 3, 1), PROCEDURE_A, [doc("TP01", "processed")])
    return ids


def _row(report, month: str, procedure: str, unit: str = UNIT):  # type: ignore[no-untyped-def]
    return next(r for r in report.rows if (r.month, r.unit, r.procedure) == (month, unit, procedure))


def test_rates_per_month_unit_and_procedure(store: Store) -> None:
    known_register(store)
    report = compute(store)
    assert (report.first_month, report.last_month) == ("2026-01", "2026-03")
    jan_a = _row(report, "2026-01", PROCEDURE_A)
    # received 5; digitized: full and mixed (empty, reused-only and partial are not)
    assert (jan_a.dossiers_received, jan_a.dossiers_digitized) == (5, 2)
    assert jan_a.digitization_rate == pytest.approx(0.4)
    # required: full 2 + empty 0 + reused 2 + partial 3 + mixed 2 (the result excluded) = 9; reused 3
    assert (jan_a.components_required, jan_a.components_reused) == (9, 3)
    assert jan_a.reuse_rate == pytest.approx(3 / 9)
    jan_b = _row(report, "2026-01", PROCEDURE_B)
    assert (jan_b.dossiers_received, jan_b.dossiers_digitized, jan_b.digitization_rate) == (1, 1, 1.0)
    assert jan_b.reuse_rate == 0.0
    feb = _row(report, "2026-02", PROCEDURE_A)
    assert (feb.dossiers_received, feb.dossiers_digitized, feb.digitization_rate) == (2, 1, 0.5)
    mar = _row(report, "2026-03", PROCEDURE_A, OTHER_UNIT)
    assert mar.dossiers_received == 1
    assert report.total.dossiers_received == 9
    assert report.total.dossiers_digitized == 2 + 1 + 1 + 1
    assert report.total.digitization_rate == pytest.approx(5 / 9)
    js = report.as_json()
    assert set(js) == {"rows", "total"}
    assert set(js["rows"][0]) == {
        "month", "unit", "procedure", "dossiers_received", "dossiers_digitized", "digitization_rate",
        "components_required", "components_reused", "reuse_rate",
    }  # fmt: skip
    for row in [*js["rows"], js["total"]]:
        assert 0.0 <= row["digitization_rate"] <= 1.0 and 0.0 <= row["reuse_rate"] <= 1.0


def test_each_edge_case_alone(store: Store) -> None:
    ids = known_register(store)
    loaded = {k: register.load(store, v) for k, v in ids.items()}
    from sohoa.workflow.report import is_digitized

    assert not is_digitized(loaded["empty"]) and loaded["empty"].components == []
    assert not is_digitized(loaded["reused"])
    assert [c.state for c in loaded["reused"].components] == [ComponentState.REUSED] * 2
    assert not is_digitized(loaded["partial"])
    reasons = {c.component_code: c.reason for c in loaded["partial"].components}
    assert reasons == {"TP01": "", "TP02": "pending", "TP03": "paper-only"}
    assert is_digitized(loaded["full"]) and is_digitized(loaded["mixed"])


def test_documents_digitized_a_month_later_count_in_the_month_received(store: Store) -> None:
    d = received(store, f"{UNIT}-260131-0001", date(2026, 1, 31), PROCEDURE_A, [doc("TP01", None)])
    assert compute(store, "2026-01", "2026-01").total.dossiers_digitized == 0
    advance(store, d.documents[0].id, "processed")  # digitized on 1 February
    register.record_finished(store, d)
    jan = compute(store, "2026-01", "2026-01")
    assert (jan.total.dossiers_received, jan.total.dossiers_digitized) == (1, 1)
    feb = compute(store, "2026-02", "2026-02")
    assert feb.rows == [] and feb.total.dossiers_received == 0 and feb.total.digitization_rate == 0.0


def test_filters_and_range(store: Store) -> None:
    known_register(store)
    only_b = compute(store, procedure=PROCEDURE_B)
    assert [r.procedure for r in only_b.rows] == [PROCEDURE_B]
    other = compute(store, unit=OTHER_UNIT)
    assert other.total.dossiers_received == 1 and other.total.unit == OTHER_UNIT
    feb_mar = compute(store, "2026-02", "2026-03")
    assert {r.month for r in feb_mar.rows} == {"2026-02", "2026-03"}
    assert feb_mar.total.month == "2026-02..2026-03"


def test_registering_twice_counts_once(store: Store) -> None:
    d = received(store, f"{UNIT}-260105-0001", date(2026, 1, 5), PROCEDURE_A, [doc("TP01", "processed")])
    register.record_received(store, d)
    register.record_finished(store, d)
    report = compute(store)
    assert report.total.dossiers_received == 1 and report.total.components_required == 1


@pytest.mark.parametrize("bad", ["2026-13", "2026-1", "26-01", "janvier"])
def test_bad_months_are_refused(store: Store, bad: str) -> None:
    with pytest.raises(ValidationError) as e:
        compute(store, bad)
    assert "YYYY-MM" in e.value.message("vi")


def test_reversed_range_is_refused(store: Store) -> None:
    with pytest.raises(ValidationError):
        compute(store, "2026-03", "2026-01")


def test_marking_an_unknown_dossier_is_refused(store: Store) -> None:
    with pytest.raises(ValidationError):
        register.mark_component(store, "nope", state=ComponentState.REUSED)


def test_backlog_results_by_year_of_issue(store: Store) -> None:
    from sohoa.core.model import Document

    for n, year in enumerate((2020, 2020, 2021, 2022)):
        result = Document(kind=DocumentKind.RESULT, result_code=f"KQ.{n}", issue_date=date(year, 5, 1))
        register.record_backlog_result(
            store, result, procedure_code=PROCEDURE_A, unit=UNIT, when=date(2026, 1, 10)
        )
    report = compute(store)
    assert [(b.issue_year, b.results_digitized) for b in report.backlog] == [(2020, 2), (2021, 1), (2022, 1)]
    assert report.total.dossiers_received == 0  # the backlog is no dossier received at the counter
