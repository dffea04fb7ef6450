"""``sohoa report [--from YYYY-MM] [--to YYYY-MM] [--unit U] [--procedure P] [--format json|csv|xlsx] [--out FILE]``.

The monthly digitization report from the dossier register. JSON (the default) goes to
standard output unless ``--out`` is given: ``{"rows": [...], "total": {...}}``, rates as
fractions in [0, 1]. CSV and XLSX are laid out for a province's template, with the
definitions beside the table; XLSX needs ``--out`` (a binary file is never written to a terminal).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from sohoa.core.i18n import Text, tr


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("report", help="the monthly digitization and reuse report (from the dossier register)")
    p.add_argument("--from", dest="first", metavar="YYYY-MM", help="first month (default: the earliest)")
    p.add_argument("--to", dest="last", metavar="YYYY-MM", help="last month (default: the latest)")
    p.add_argument("--unit", help="only this receiving unit")
    p.add_argument("--procedure", help="only this procedure code (MaTTHC)")
    p.add_argument("--format", choices=["json", "csv", "xlsx"], default="json")
    p.add_argument("--out", type=Path, metavar="FILE", help="write here instead of standard output")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from sohoa.core.errors import ValidationError
    from sohoa.core.paths import app_paths
    from sohoa.core.store import Store
    from sohoa.workflow.report import compute
    from sohoa.workflow.report_export import write_csv, write_xlsx

    if args.format == "xlsx" and args.out is None:
        raise ValidationError(
            Text(
                vi="Báo cáo XLSX cần --out TỆP (không ghi tệp nhị phân ra màn hình)",
                en="An XLSX report needs --out FILE (a binary file is not written to the terminal)",
            )
        )
    with Store(app_paths().ensure().store_file) as store:
        report = compute(store, args.first, args.last, args.unit, args.procedure)
    if args.format == "json":
        text = json.dumps(report.as_json(), ensure_ascii=False, indent=2) + "\n"
        if args.out is None:
            sys.stdout.write(text)
            return 0
        from sohoa.core.fsutil import atomic_write_text

        atomic_write_text(args.out, text)
    elif args.format == "csv":
        if args.out is None:
            import tempfile

            with tempfile.TemporaryDirectory() as tmp:
                sys.stdout.write(write_csv(report, Path(tmp) / "r.csv").read_text(encoding="utf-8-sig"))
            return 0
        write_csv(report, args.out)
    else:
        write_xlsx(report, args.out)
    print(
        tr(Text(vi="Đã ghi báo cáo: {path}", en="Report written: {path}"), path=str(args.out)),
        file=sys.stderr,
    )
    return 0
