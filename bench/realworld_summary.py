"""The summaries of bench_realworld.py against the issue-11 targets: orientation, skew, CER (content
order, judged; pdftotext's layout order, for information), speed and CPU against OCRmyPDF, the
bilevel size rule and the seal pages' size. Split from the bench so each file reads in one sitting.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pikepdf

from bench.textmetrics import normalise

if TYPE_CHECKING:
    from bench.bench_realworld import Row


@dataclass
class Run:
    """What one bench run measured, as the summaries need it."""

    rows: list[Row]
    reports: dict[str, Any]  # model -> our ProcessReport
    models: list[str]  # the first one is timed against OCRmyPDF
    t_ours: dict[str, float]
    t_anchor: float | None
    anchor_model: str
    cpu_anchor: float
    base_engine: str
    wrong: list[str]  # pages that ended wrong side up
    uncertain: int  # pages flagged orientation-uncertain


def print_summaries(run: Run) -> int:
    """Print the summaries; 1 when a text page ended wrong side up, else 0."""
    rows, reports, models, t_ours, t_anchor = run.rows, run.reports, run.models, run.t_ours, run.t_anchor
    anchor_model, cpu_anchor, base_engine = run.anchor_model, run.cpu_anchor, run.base_engine
    wrong, uncertain, m0 = run.wrong, run.uncertain, run.models[0]
    print("\n== summaries (targets in brackets) ==")
    judged = [r for r in rows if r.res["upright"] is not None]
    print(
        f"orientation: {len(judged) - len(wrong)}/{len(judged)} text pages upright [all]; wrong: {wrong or 'none'}; "
        f"flagged orientation-uncertain: {uncertain} [0]"
    )
    osd_rows = [r for r in rows if r.kind == "synth"]
    osd_ok = sum(r.res["osd"] == r.want_orientation for r in osd_rows)
    home_ok = sum(r.res["ori"] == r.want_orientation for r in osd_rows)
    print(
        f"orientation side by side on {len(osd_rows)} generated pages: ours {home_ok}, Tesseract OSD alone "
        f"(OCRmyPDF's --rotate-pages) {osd_ok}"
    )
    sk = [r for r in rows if r.want_skew is not None]
    if sk:
        for tool, errs, secs in (
            ("ours (pipeline)", [r.res["skew_err"] for r in sk], None),
            (
                "ours (detector alone, upright source)",
                [abs(r.res["home"][0] - r.want_skew) for r in sk],
                [r.res["home"][1] for r in sk],
            ),
            (
                "jdeskew",
                [abs(r.res["tools"]["jdeskew"][0] - r.want_skew) for r in sk],
                [r.res["tools"]["jdeskew"][1] for r in sk],
            ),
            (
                "deskew",
                [abs(r.res["tools"]["deskew"][0] - r.want_skew) for r in sk],
                [r.res["tools"]["deskew"][1] for r in sk],
            ),
        ):
            t = f", {np.mean(secs):.2f} s/page" if secs else ""
            print(
                f"skew {tool}: mean error {np.mean(errs):.3f} deg, max {np.max(errs):.3f} deg over {len(errs)} pages"
                f"{t} [<= 0.1, <= 0.3]"
            )
    for m in models:
        c300 = [
            r.res["cer"][m]
            for r in rows
            if r.kind == "synth" and _dpi(r) == 300 and r.res["cer"][m] is not None
        ]
        allc = [r.res["cer"][m] for r in rows if r.res["cer"][m] is not None]
        worse_b = [
            _worse(r, r.res["cer"][m], r.res[f"base_{m}"])
            for r in rows
            if r.res["cer"][m] is not None
            and r.res.get(f"base_{m}") is not None
            and r.res["cer"][m] > r.res[f"base_{m}"] + 0.002
        ]
        worse_a = [
            _worse(r, r.res["cer"][m], r.res["anchor"])
            for r in rows
            if r.res["cer"][m] is not None
            and r.res["anchor"] is not None
            and r.res["cer"][m] > r.res["anchor"] + 0.002
        ]
        print(
            f"CER model {m}: mean {np.mean(allc) * 100:.2f}% over {len(allc)} pages; 300 dpi generated pages "
            f"{np.mean(c300) * 100:.2f}% [<= 1%]"
            + (
                f"; baseline mean {np.mean([r.res[f'base_{m}'] for r in rows if r.res.get(f'base_{m}') is not None]) * 100:.2f}%"
                if m == m0
                else " (the baseline runs for the timed model only)"
            )
        )
        if m == m0:
            print(
                f"  pages > 0.2 pp worse than plain Tesseract ({m}, {base_engine}): {worse_b or 'none'} [none]"
            )
        cli_rows = [
            r for r in rows if r.res.get(f"base_cli_{m}") is not None and r.res.get(f"base_{m}") is not None
        ]
        if cli_rows:
            worse_c = [
                f"{r.name} ({r.res['cer'][m] * 100:.2f} vs {r.res[f'base_cli_{m}'] * 100:.2f})"
                for r in cli_rows
                if r.res["cer"][m] is not None and r.res["cer"][m] > r.res[f"base_cli_{m}"] + 0.002
            ]
            print(
                f"  against the tesseract program instead (another build of the engine): pages > 0.2 pp worse: "
                f"{worse_c or 'none'}; plain reads of the same upright sources: library mean "
                f"{np.mean([r.res[f'base_{m}'] for r in cli_rows]) * 100:.2f}%, program mean "
                f"{np.mean([r.res[f'base_cli_{m}'] for r in cli_rows]) * 100:.2f}% over {len(cli_rows)} pages"
            )
        if m == m0:
            _layout_summary(rows, m)
        if t_anchor and m == m0:
            print(f"  pages > 0.2 pp worse than OCRmyPDF: {worse_a or 'none'} [none]")
        groups: dict[str, list[float]] = {}
        for r in rows:
            if r.res["cer"][m] is not None:
                groups.setdefault(_group(r), []).append(r.res["cer"][m])
        print(
            "  by page type: " + ", ".join(f"{g} {np.mean(v) * 100:.2f}%" for g, v in sorted(groups.items()))
        )
        print(
            f"  time: {t_ours[m]:.1f} s for {len(rows)} pages ({len(rows) / t_ours[m] * 60:.1f} pages/min)"
            + (
                f"; plain Tesseract {sum(r.res.get(f'base_t_{m}', 0) for r in rows):.1f} s of CPU"
                if m == m0
                else ""
            )
        )
    if t_anchor:
        ppm_o, ppm_a = len(rows) / t_ours[m0] * 60, len(rows) / t_anchor * 60
        print(
            f"speed: ours ({m0}) {ppm_o:.1f} pages/min, OCRmyPDF {ppm_a:.1f} pages/min ({t_anchor:.1f} s), "
            f"ratio {ppm_o / ppm_a:.2f}x [>= 3x]; OCRmyPDF's model: {anchor_model}"
        )
        cpu_o = reports[m0].bench_cpu
        print(
            f"CPU time (does not depend on the machine's other load): ours {cpu_o:.1f} s "
            f"({cpu_o / len(rows):.1f} s/page: workers with their Tesseract runs, and the PDF), "
            f"OCRmyPDF {cpu_anchor:.1f} s ({cpu_anchor / len(rows):.1f} s/page, all its processes), "
            f"ratio {cpu_anchor / max(cpu_o, 0.01):.2f}x"
        )
    bil = [(r, reports[m0].pages[i]) for i, r in enumerate(rows) if r.bilevel_input_bytes]
    bil += [
        (r, reports[m0].pages[i])
        for i, r in enumerate(rows)
        if r.name in ("ccitt.pdf", "kcs.pdf", "epson.pdf", "jbig2.pdf")
    ]
    for r, p in bil:
        size_in = r.bilevel_input_bytes or _pdf_image_bytes(r.file)
        print(
            f"bilevel size: {r.name} input image {size_in / 1024:.0f} KB -> our page image {p.image_bytes / 1024:.0f} KB "
            f"[{'ok' if p.image_bytes <= size_in else 'GREW'}]"
        )
    seals = [
        reports[m0].pages[i].image_bytes for i, r in enumerate(rows) if "seal" in r.name or r.name == "table"
    ]
    if seals:
        print(
            f"colour pages with a seal: max {max(seals) / 1024:.0f} KB, median {np.median(seals) / 1024:.0f} KB [<= 200 KB]"
        )
    if wrong:
        print(f"FAIL: {len(wrong)} page(s) ended wrong side up")
        return 1
    return 0


def _worse(r: Row, ours: float, other: float) -> str:
    """``name (ours vs other, +N characters of M)``: on a short page 0.2 pp is under one character."""
    n = len(normalise(r.truth or ""))
    return (
        f"{r.name} ({ours * 100:.2f} vs {other * 100:.2f}, {round((ours - other) * n):+d} characters of {n})"
    )


def _layout_summary(rows: list[Row], m: str) -> None:
    """The same comparisons in pdftotext's layout order (its column heuristics), for information."""

    def worse(key: str) -> list[str]:
        return [
            f"{r.name} ({r.res['cer_layout'] * 100:.2f} vs {r.res[key] * 100:.2f})"
            for r in rows
            if r.res["cer_layout"] is not None
            and r.res.get(key) is not None
            and r.res["cer_layout"] > r.res[key] + 0.002
        ]

    c300 = [
        r.res["cer_layout"]
        for r in rows
        if r.kind == "synth" and _dpi(r) == 300 and r.res["cer_layout"] is not None
    ]
    print(
        f"  in pdftotext's layout order (not judged): 300 dpi generated pages {np.mean(c300) * 100:.2f}%; "
        f"pages > 0.2 pp worse than plain Tesseract: {worse(f'base_layout_{m}') or 'none'}; "
        f"than OCRmyPDF: {worse('anchor_layout') or 'none'}"
    )


def _dpi(r: Row) -> int:
    return int(r.res.get("dpi", 0))


def _group(r: Row) -> str:
    if r.kind == "corpus":
        return "corpus"
    for key in (
        "dpi100",
        "dpi150",
        "nodpi",
        "jpeg",
        "bilevel",
        "gray",
        "font",
        "seal",
        "table",
        "twocol",
        "faint",
        "shadow",
        "blur",
    ):
        if key in r.name:
            return key
    return "300dpi"


def _pdf_image_bytes(path: Path) -> int:
    """The first page's images as stored, a JBIG2 image's shared globals included (the stream
    alone is not the image: jbig2.pdf holds 9 KB of page stream and 29 KB of globals)."""
    total = 0
    with pikepdf.open(path) as pdf:
        for img in pdf.pages[0].get_images().values():
            total += len(img.read_raw_bytes())
            parms = img.get("/DecodeParms")
            if isinstance(parms, pikepdf.Array):
                parms = parms[0] if len(parms) else None
            if isinstance(parms, pikepdf.Dictionary) and "/JBIG2Globals" in parms:
                total += len(parms.JBIG2Globals.read_raw_bytes())
    return total
