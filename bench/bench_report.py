"""Benchmark of the monthly report (issue 15). Run: .venv/bin/python bench/bench_report.py [--dossiers 20000]

The report view recomputes on the UI thread, so the question is how long ``compute`` takes over a
realistic register: a district receives a few thousand dossiers a month. Prints, in one run:
- registering one dossier through the workflow hook (``record_received`` + ``record_finished``);
- ``compute`` over one month and over the whole year (every dossier, 3 documents each);
- and its anchor: one bare SQL GROUP BY over the same tables giving the same counts (the floor:
  no Python objects, no rules), with a check that both agree.
The bulk of the register is inserted with one executemany per table (the fill is not measured).
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
import uuid
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sohoa.core.model import Document, DocumentKind, Dossier
from sohoa.core.store import Store
from sohoa.workflow import register
from sohoa.workflow.report import compute

ANCHOR_SQL = """
SELECT m, u, p, COUNT(*), SUM(CASE WHEN dig > 0 AND dig + reu = n THEN 1 ELSE 0 END), SUM(n), SUM(reu)
FROM (SELECT d.received_month AS m, d.unit AS u, d.procedure_code AS p, COUNT(c.id) AS n,
             COALESCE(SUM(c.state = 'digitized'), 0) AS dig, COALESCE(SUM(c.state = 'reused'), 0) AS reu
      FROM register_dossiers d INDEXED BY idx_register_dossiers_received_month
      LEFT JOIN register_components c ON c.dossier_id = d.dossier_id
      WHERE d.received_month BETWEEN ? AND ? GROUP BY d.dossier_id)
GROUP BY 1, 2, 3 ORDER BY 1, 2, 3
"""


def fill(store: Store, n: int, year: int) -> None:
    rng = random.Random(15)
    dossiers, components = [], []
    for k in range(n):
        day = date(year, 1, 1) + timedelta(days=rng.randrange(365))
        did = uuid.uuid4().hex
        dossiers.append(
            (did, f"H15.50.{k % 7:02d}-{day:%y%m%d}-{k:06d}", f"1.00{k % 40:04d}", "", f"H15.50.{k % 7:02d}",
             day.isoformat(), day.strftime("%Y-%m"), "person", "counter", "", "")
        )  # fmt: skip
        for pos in range(3):
            state = rng.choices(["digitized", "reused", "not-digitized"], [0.8, 0.12, 0.08])[0]
            components.append(
                (uuid.uuid4().hex, did, pos, f"TP0{pos}", "", state, "", "", "", "", 0, "")
            )  # fmt: skip
    with store.conn:
        store.conn.execute("BEGIN")
        store.conn.executemany("INSERT INTO register_dossiers VALUES (?,?,?,?,?,?,?,?,?,?,?)", dossiers)
        store.conn.executemany("INSERT INTO register_components VALUES (?,?,?,?,?,?,?,?,?,?,?,?)", components)


def timed(fn, repeat: int = 5) -> float:  # type: ignore[no-untyped-def]
    runs = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        runs.append(time.perf_counter() - t)
    return statistics.median(runs)


def main() -> int:
    p = argparse.ArgumentParser()
    p.add_argument("--dossiers", type=int, default=20_000, help="dossiers in the year (default 20,000)")
    args = p.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["SOHOA_HOME"] = tmp
        store = Store(Path(tmp) / "sohoa.db")
        fill(store, args.dossiers, 2026)
        hook = []
        for k in range(50):
            d = Dossier(
                code=f"H15.50.01-261201-{k:04d}", procedure_code="1.001757", received_date=date(2026, 12, 1)
            )
            d.documents = [Document(kind=DocumentKind.COMPONENT, component_code=f"TP0{i}") for i in range(3)]
            store.save_dossier(d)
            t = time.perf_counter()
            register.record_received(store, d)
            register.record_finished(store, d)
            hook.append(time.perf_counter() - t)
        month = timed(lambda: compute(store, "2026-06", "2026-06"))
        year = timed(lambda: compute(store, "2026-01", "2026-12"), 3)
        anchor_month = timed(lambda: store.conn.execute(ANCHOR_SQL, ("2026-06", "2026-06")).fetchall())
        anchor_year = timed(lambda: store.conn.execute(ANCHOR_SQL, ("2026-01", "2026-12")).fetchall(), 3)
        report = compute(store, "2026-01", "2026-12")
        rows = store.conn.execute(ANCHOR_SQL, ("2026-01", "2026-12")).fetchall()
        agree = [(r.month, r.unit, r.procedure, r.dossiers_received, r.dossiers_digitized, r.components_required,
                  r.components_reused) for r in report.rows] == [tuple(x) for x in rows]  # fmt: skip
        per_month = args.dossiers // 12
        print(f"register: {args.dossiers:,} dossiers in 2026 (~{per_month:,} a month), 3 documents each")
        print(
            f"  workflow hook (record_received + record_finished), median of 50: {statistics.median(hook) * 1000:.1f} ms"
        )
        print(
            f"  compute, one month  : {month * 1000:8.1f} ms   anchor (bare SQL GROUP BY): {anchor_month * 1000:8.1f} ms"
        )
        print(
            f"  compute, whole year : {year * 1000:8.1f} ms   anchor (bare SQL GROUP BY): {anchor_year * 1000:8.1f} ms"
        )
        print(f"  rows: {len(report.rows)}; the report and the anchor agree: {agree}")
        store.close()
        return 0 if agree else 1


if __name__ == "__main__":
    sys.exit(main())
