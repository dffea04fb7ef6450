"""``sohoa doctor``: one line per dependency; exit 0 only when every required one is there."""

from __future__ import annotations

import argparse
import json


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("doctor", help="check that every part SoHoa needs is installed")
    p.add_argument("--json", action="store_true", help="print the results as JSON")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from sohoa.cli.doctor_checks import FIX_WORD, MISSING_WORD, OK_WORD, OPTIONAL_WORD, run_checks
    from sohoa.core.i18n import tr

    results = run_checks()
    if args.json:
        print(json.dumps([r.__dict__ for r in results], ensure_ascii=False, indent=2))
    else:
        for r in results:
            status = tr(OK_WORD) if r.ok else tr(MISSING_WORD) if r.required else tr(OPTIONAL_WORD)
            line = f"[{status:>5}] {r.name}: {r.detail}"
            if not r.ok and r.fix:
                line += f"  -> {tr(FIX_WORD)}: {r.fix}"
            print(line)
    return 0 if all(r.ok for r in results if r.required) else 4
