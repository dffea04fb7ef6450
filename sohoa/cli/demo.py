"""``sohoa demo``: what ``make demo`` runs: the main job on embedded defaults."""

from __future__ import annotations

import argparse
from datetime import datetime
from pathlib import Path


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("demo", help="run the main job end to end on embedded defaults")
    p.add_argument("--out", type=Path, help="output folder (default: ./demo-output/dossier-<time>)")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from sohoa.cli.demo_run import run_demo

    out = args.out or Path("demo-output") / datetime.now().strftime("dossier-%Y%m%d-%H%M%S")
    result = run_demo(out.resolve())
    print(f"Demo finished: {len(result.pages)} pages scanned, processed into a PDF/A, signed, uploaded.")
    print(f"Output folder: {result.out_dir}")
    print(f"  {result.manifest.name}, {result.pdf.name}, {result.signed_pdf.name}, report.json")
    return 0
