"""``sohoa process``: scanned pages (images or PDFs) in, one validated PDF/A-2b out.

Contract (other tools depend on it)::

    sohoa process INPUT... --out OUT.pdf [--report REPORT.json] [--lang vie] [--drop-blank]

REPORT.json is ``{"pages": [{"source", "skew_deg", "orientation", "blank", "included",
"color_mode", "flags"}, ...]}``, one entry per input page in input order (extra keys may
follow). On any error nothing is written under OUT.pdf or REPORT.json.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

REPORT_KEYS = ("source", "skew_deg", "orientation", "blank", "included", "color_mode", "flags")


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "process",
        help="clean, OCR and assemble scanned pages into a PDF/A-2b",
        description="Deskew, turn upright, clean, OCR and assemble pages into one validated PDF/A-2b.",
    )
    p.add_argument(
        "inputs", nargs="+", metavar="INPUT", type=Path, help="image (PNG, JPEG, TIFF) or PDF files, in order"
    )
    p.add_argument("--out", required=True, type=Path, metavar="OUT.pdf", help="the PDF/A-2b to write")
    p.add_argument("--report", type=Path, metavar="REPORT.json", help="write a per-page report as JSON")
    p.add_argument(
        "--lang",
        dest="ocr_lang",
        metavar="LANGS",
        help="Tesseract languages, e.g. vie or vie+eng (default: config)",
    )
    p.add_argument(
        "--drop-blank", action="store_true", help="leave blank pages out of the PDF (always reported)"
    )
    p.add_argument("--title", default="", help="document title for the PDF metadata")
    p.add_argument("--dossier-code", default="", help="dossier code (MaHoSo) for the PDF metadata")
    p.add_argument("--document-kind", default="", help="document kind for the PDF metadata")
    p.add_argument("--result-code", default="", help="result code (MaGiayToKetQua) for the PDF metadata")
    p.add_argument(
        "--jobs", type=int, default=None, help="worker processes (default: config, 0 = one per core)"
    )
    p.set_defaults(func=run)


def report_json(report: object) -> dict[str, object]:
    """The REPORT.json document: the contract's keys first, then extra detail per page."""
    pages = []
    for page in report.pages:  # type: ignore[attr-defined]
        data = page.to_json()
        pages.append(
            {k: data[k] for k in REPORT_KEYS} | {k: v for k, v in data.items() if k not in REPORT_KEYS}
        )
    out = report.to_json()  # type: ignore[attr-defined]
    out["pages"] = pages
    return out


def run(args: argparse.Namespace) -> int:
    from sohoa.core.config import load_config
    from sohoa.core.fsutil import atomic_write_text
    from sohoa.core.i18n import Text, tr
    from sohoa.processing import PdfMetadata, ProcessOptions, process_document

    section = load_config().settings.processing
    overrides: dict[str, object] = {"drop_blank": args.drop_blank}
    if args.ocr_lang:
        overrides["languages"] = args.ocr_lang
    if args.jobs is not None:
        overrides["jobs"] = args.jobs
    options = ProcessOptions.from_config(section, **overrides)
    metadata = PdfMetadata(
        title=args.title or args.out.stem,
        dossier_code=args.dossier_code,
        document_kind=args.document_kind,
        result_code=args.result_code,
    )

    from sohoa.core.progress import Reporter

    def progress(done: int, total: int, _note: str) -> None:
        if sys.stderr.isatty():
            print(f"\r{done}/{total}", end="", file=sys.stderr, flush=True)

    report = process_document(args.inputs, args.out, options, metadata, progress=Reporter(progress))
    if sys.stderr.isatty():
        print(file=sys.stderr)
    if args.report:
        atomic_write_text(args.report, json.dumps(report_json(report), ensure_ascii=False, indent=2) + "\n")
    blank = sum(p.blank for p in report.pages)
    print(
        tr(
            Text(
                vi="Đã ghi {out}: {pages} trang (PDF/A-2b hợp lệ), {blank} trang trắng, {seconds} giây.",
                en="Wrote {out}: {pages} pages (valid PDF/A-2b), {blank} blank pages, {seconds} s.",
            ),
            out=str(args.out),
            pages=report.included_pages,
            blank=blank,
            seconds=f"{report.seconds:.1f}",
        )
    )
    return 0
