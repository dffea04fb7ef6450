"""Real-world processing bench (issue 11): widened synthetic variants plus every real scan in the corpus.

    nice .venv/bin/python bench/bench_realworld.py            # full set (~33 variants + corpus)
    nice .venv/bin/python bench/bench_realworld.py --quick    # 8 variants + a few corpus pages
    nice .venv/bin/python bench/bench_realworld.py --medium   # every variant + the corpus files
                                                              # with a truth or a bilevel image
    ... --models fast,best   # measure both OCR models (the first one is timed against OCRmyPDF)

For each page: orientation (ours, Tesseract OSD), skew error (ours, jdeskew, deskew), CER against
the truth for our PDF's text layer, for plain Tesseract (same model, psm 3) on the upright source
image and for OCRmyPDF (each read back in its content order, which for an OCR layer is the
engine's reading order; pdftotext's layout order is printed beside as "layout"), our page image
size and time. Then the summaries against the issue's
targets, and OCRmyPDF's speed in the same run. Exits 1 when any text page ends wrong side up.
The generator (bench/synth/realworld.py) shares no code or threshold with the pipeline.
"""

from __future__ import annotations

import argparse
import concurrent.futures as cf
import os
import re
import shutil
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ["OMP_THREAD_LIMIT"] = "1"

import numpy as np  # noqa: E402
import pikepdf  # noqa: E402
from PIL import Image  # noqa: E402

from bench.realworld_summary import Run, print_summaries  # noqa: E402
from bench.synth import realworld  # noqa: E402
from bench.textmetrics import cer  # noqa: E402

OUT = ROOT / "bench" / "out" / "realworld"
CORPUS = (ROOT / ".." / "shared" / "corpus").resolve()
OCRMYPDF_ARGS = ["-l", "vie", "--rotate-pages", "--deskew", "-O2", "--output-type", "pdfa", "-j", "2"]
OCRMYPDF_ARGS += ["--force-ocr", "--tesseract-timeout", "7200"]
LINN, PHOTO = "scans/ocrmypdf/linn.txt", "ocr/tesseract/phototest.gold.txt"
# (file, page count, truth text, upright source for the baseline, expected orientation or None)
CORPUS_PAGES = [
    ("scans/ocrmypdf/linn.pdf", 1, LINN, "scans/ocrmypdf/linn.png", 0),
    ("scans/ocrmypdf/skew.pdf", 1, LINN, "scans/ocrmypdf/linn.png", 0),
    ("scans/ocrmypdf/rotated_skew.pdf", 1, LINN, "scans/ocrmypdf/linn.png", None),
    ("scans/ocrmypdf/cardinal.pdf", 4, LINN, "scans/ocrmypdf/linn.png", None),
    ("scans/ocrmypdf/ccitt.pdf", 1, LINN, "scans/ocrmypdf/linn.png", 0),
    ("scans/ocrmypdf/jbig2.pdf", 1, LINN, "scans/ocrmypdf/linn.png", 0),
    ("scans/ocrmypdf/francais.pdf", 1, "scans/ocrmypdf/francais.gt.txt", None, 0),
    ("scans/ocrmypdf/kcs.pdf", 1, None, None, 0),
    ("scans/ocrmypdf/epson.pdf", 1, None, None, 0),
    ("scans/ocrmypdf/c02-22.pdf", 1, None, None, 0),
    ("scans/ocrmypdf/typewriter.png", 1, None, None, 0),
    ("scans/ocrmypdf/cmyk.pdf", 1, None, None, 0),
    ("scans/ocrmypdf/lichtenstein.pdf", 1, None, None, 0),
    ("scans/ocrmypdf/2400dpi.pdf", 1, None, None, 0),
    ("scans/ocrmypdf/aspect.pdf", 1, None, None, 0),
    ("scans/unpaper/imgsrc001.png", 1, None, None, 0),
    ("scans/unpaper/imgsrc002.png", 1, None, None, 0),
    ("scans/unpaper/imgsrc003.png", 1, None, None, 0),
    ("scans/unpaper/imgsrc004.png", 1, None, None, 0),
    ("scans/unpaper/imgsrc005.png", 1, None, None, 0),
    ("scans/unpaper/imgsrcE001.png", 1, None, None, 0),
    ("ocr/tesseract/viet.tif", 1, "ocr/tesseract/viet.gt.txt", None, 0),
    ("ocr/tesseract/eurotext.tif", 1, "ocr/tesseract/eurotext.txt", None, 0),
    ("ocr/tesseract/phototest.tif", 1, PHOTO, None, 0),
    ("ocr/tesseract/phototest-rotated-L.png", 1, PHOTO, "ocr/tesseract/phototest.tif", None),
    ("ocr/tesseract/phototest-rotated-R.png", 1, PHOTO, "ocr/tesseract/phototest.tif", None),
    ("ocr/tesseract/phototest-rotated-180.png", 1, PHOTO, "ocr/tesseract/phototest.tif", None),
]
QUICK_CORPUS = {"cardinal.pdf", "ccitt.pdf", "viet.tif", "phototest-rotated-180.png", "kcs.pdf"}
# --medium: every generated variant (one skew and turn each, as in the full set) and every corpus
# file that has a truth text (CER) or a bilevel image (the size rule); the full set adds the
# corpus pages without a truth (orientation only), which took most of its ~70 minutes
MEDIUM_SKIP = {
    "c02-22.pdf",
    "typewriter.png",
    "cmyk.pdf",
    "lichtenstein.pdf",
    "2400dpi.pdf",
    "aspect.pdf",
    "imgsrc001.png",
    "imgsrc002.png",
    "imgsrc003.png",
    "imgsrc004.png",
    "imgsrc005.png",
    "imgsrcE001.png",
}


@dataclass
class Row:
    name: str
    kind: str  # variant group or "corpus"
    file: Path
    upright: Path | None
    truth: str | None
    want_orientation: int | None
    want_skew: float | None = None
    bilevel_input_bytes: int | None = None
    res: dict = field(default_factory=dict)


def pdf_page_text(pdf: Path, n: int, raw: bool = False) -> str:
    """pdftotext of page ``n``: in its reading order, or (``raw``) in the content stream's
    order, which for an OCR layer is the OCR engine's own reading order."""
    out = subprocess.run(
        ["pdftotext", *(["-raw"] if raw else []), "-f", str(n), "-l", str(n), "-enc", "UTF-8", str(pdf), "-"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    return out.stdout


def raster(path: Path, work: Path, page: int = 1) -> Path:
    """An image file for Tesseract: images as they are, PDF pages rendered at 300 dpi."""
    if path.suffix.lower() != ".pdf":
        return path
    stem = work / f"{path.stem}-p{page}"
    subprocess.run(
        [
            "pdftoppm",
            "-r",
            "300",
            "-f",
            str(page),
            "-l",
            str(page),
            "-png",
            "-singlefile",
            str(path),
            str(stem),
        ],
        check=True,
        timeout=300,
    )
    return stem.with_suffix(".png")


def tessdata(model: str) -> list[str]:
    d = ROOT / ".tessdata" / model
    return ["--tessdata-dir", str(d)] if (d / "vie.traineddata").is_file() else []


def baseline(image: Path, out_base: Path, model: str, engine: str = "cli") -> tuple[str, str, float]:
    """Plain Tesseract on the upright source: vie, psm 3, one thread, its own PDF renderer, read back
    by pdftotext: (content order, pdftotext's layout order, seconds of CPU). ``engine``: ``cli``
    (the tesseract program) or ``library`` (libtesseract, bench/tess_baseline.py), so that the
    baseline can run on the same engine build as the pipeline."""
    if engine == "library":
        folder = tessdata(model)[1] if tessdata(model) else ""
        args = [
            sys.executable,
            str(Path(__file__).with_name("tess_baseline.py")),
            str(image),
            str(out_base),
            folder,
        ]
    else:
        args = ["tesseract", str(image), str(out_base), "-l", "vie", "--psm", "3", *tessdata(model)]
        args += ["-c", "textonly_pdf=1", "pdf"]
    dt = _child_cpu(args, env=dict(os.environ, OMP_THREAD_LIMIT="1"))  # one thread, as ours and OCRmyPDF
    pdf = out_base.with_suffix(".pdf")
    if not pdf.is_file():
        return "", "", dt
    return pdf_page_text(pdf, 1, raw=True), pdf_page_text(pdf, 1), dt


def turned_back(scan: Path, orientation: int, dest: Path) -> Path:
    """An unskewed generated scan turned back upright without loss: the baseline then reads our
    input's own pixels. (The generator's upright source is sampled down to the page's resolution
    on its own grid: on bilevel200 that moved 16,899 pixels and 5 characters of CER.)"""
    turn = {90: Image.Transpose.ROTATE_90, 180: Image.Transpose.ROTATE_180, 270: Image.Transpose.ROTATE_270}
    with Image.open(scan) as img:
        out = img.transpose(turn[orientation]) if orientation in turn else img.copy()
        kw = {"dpi": img.info["dpi"]} if img.info.get("dpi") else {}
        out.save(dest, **kw)
    return dest


def osd(image: Path) -> int | None:
    out = subprocess.run(
        ["tesseract", str(image), "stdout", "--psm", "0"],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    ).stdout
    m = re.search(r"Orientation in degrees:\s*(\d+)", out)
    return int(m.group(1)) % 360 if m else None


def skewed_upright(page: Path, orientation: int) -> np.ndarray:
    """The skewed scan turned upright (what a skew detector gets after the orientation step)."""
    gray = np.asarray(Image.open(page).convert("L"))
    return np.ascontiguousarray(np.rot90(gray, orientation // 90)) if orientation else gray


def skew_tools(gray: np.ndarray) -> dict[str, tuple[float, float]]:
    """(angle, seconds) of jdeskew and deskew on the upright skewed page, as the content's CCW angle."""
    import cv2
    from deskew import determine_skew
    from jdeskew.estimator import get_angle

    out = {}
    t0 = time.monotonic()
    a = get_angle(gray)
    out["jdeskew"] = (-float(a), time.monotonic() - t0)
    t0 = time.monotonic()
    small = (
        cv2.resize(gray, None, fx=0.5, fy=0.5, interpolation=cv2.INTER_AREA) if gray.shape[1] > 2000 else gray
    )
    a = determine_skew(small)
    out["deskew"] = (-float(a or 0.0), time.monotonic() - t0)
    return out


def ours_skew(gray: np.ndarray, dpi: float) -> tuple[float, float]:
    """Our home-made detector on the same upright skewed page (for the side-by-side)."""
    from sohoa.processing import geometry

    t0 = time.monotonic()
    g = geometry.estimate(gray, dpi, allow_turn=False)
    return g.skew_deg, time.monotonic() - t0


def build_rows(quick: bool, regen: bool, medium: bool = False) -> list[Row]:
    folder = OUT / ("synth-quick" if quick else "synth-full")
    if regen or not (folder / "truth.json").is_file():
        shutil.rmtree(folder, ignore_errors=True)
        print(f"generating pages in {folder} ...", flush=True)
        realworld.generate(folder, quick=quick)
    rows = []
    for t in realworld.load(folder):
        v = t.variant
        f = folder / t.file
        rows.append(
            Row(
                v["name"],
                "synth",
                f,
                folder / t.upright,
                t.text,
                v["orientation"],
                v["skew"],
                f.stat().st_size if v["mode"] == "bilevel" else None,
            )
        )
        rows[-1].res["dpi"] = v["dpi"]
    for rel, pages, truth, upright, want in CORPUS_PAGES:
        path = CORPUS / rel
        if not path.is_file() or (quick and path.name not in QUICK_CORPUS):
            continue
        if medium and path.name in MEDIUM_SKIP:
            continue
        text = (CORPUS / truth).read_text(encoding="utf-8") if truth else None
        for k in range(pages):
            label = path.name + (f"#{k + 1}" if pages > 1 else "")
            rows.append(Row(label, "corpus", path, (CORPUS / upright) if upright else None, text, want))
            rows[-1].res["page_index"] = k
    return rows


def anchor_input(rows: list[Row], dest: Path) -> Path:
    """One PDF of every page for OCRmyPDF: images through img2pdf, PDF pages copied as they are."""
    import img2pdf

    out = pikepdf.new()
    done: set[Path] = set()
    for r in rows:
        if r.file in done:
            continue
        done.add(r.file)
        if r.file.suffix.lower() == ".pdf":
            with pikepdf.open(r.file) as src:
                out.pages.extend(src.pages)
        else:
            tmp = dest.with_name(r.file.stem + ".img2pdf.pdf")
            try:
                tmp.write_bytes(img2pdf.convert(str(r.file)))
            except Exception:
                Image.open(r.file).convert("RGB").save(tmp, resolution=300.0)
            with pikepdf.open(tmp) as src:
                out.pages.extend(src.pages)
    out.save(dest)
    return dest


def run_ours(rows: list[Row], out: Path, model: str) -> tuple[float, object]:
    from sohoa.processing import ProcessOptions, process_document

    files: list[Path] = []
    for r in rows:
        if r.kind == "synth" or r.res.get("page_index", 0) == 0:
            files.append(r.file)
    t0, c0 = time.monotonic(), _self_cpu()
    report = process_document(files, out, ProcessOptions(languages="vie", ocr_model=model))
    report.bench_cpu = _self_cpu() - c0 + sum(p.cpu_seconds for p in report.pages)  # type: ignore[attr-defined]
    return time.monotonic() - t0, report


def _self_cpu() -> float:
    import resource

    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def _child_cpu(args: list[str], env: dict[str, str], timeout_s: float = 900) -> float:
    """Run ``args``; the CPU seconds of that one child (the side-by-side runs two at a time, so
    the process-wide children's counter would mix them up)."""
    proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    timer = threading.Timer(timeout_s, proc.kill)
    timer.start()
    try:
        _pid, status, usage = os.wait4(proc.pid, 0)
    finally:
        timer.cancel()
    proc.returncode = os.waitstatus_to_exitcode(status)
    return usage.ru_utime + usage.ru_stime


def _children_cpu() -> float:
    import resource

    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def pct(x: float | None) -> str:
    return "   -  " if x is None else f"{x * 100:6.2f}"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true", help="8 variants and 5 corpus files")
    ap.add_argument(
        "--medium", action="store_true", help="every variant, and the corpus files with a truth or bilevel"
    )
    ap.add_argument("--regen", action="store_true")
    ap.add_argument(
        "--anchor-model",
        default=None,
        help="model folder OCRmyPDF's Tesseract uses (default: the timed model, like for like; "
        "'system' for Debian's fast model)",
    )
    ap.add_argument(
        "--models", default="best", help="comma list of fast,best,full; the first is the timed one"
    )
    ap.add_argument("--no-anchor", action="store_true", help="skip OCRmyPDF (no speed ratio, no anchor CER)")
    ap.add_argument(
        "--baseline-engine",
        choices=("same", "cli", "library"),
        default="same",
        help="the Tesseract build of the plain baseline: the pipeline's own (default), the program or the library",
    )
    args = ap.parse_args()
    os.environ.setdefault("SOHOA_HOME", str(OUT / "home"))
    work = OUT / ("run-quick" if args.quick else "run-medium" if args.medium else "run-full")
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    rows = build_rows(args.quick, args.regen, args.medium)
    models = [m.strip() for m in args.models.split(",") if m.strip()]
    print(
        f"{len(rows)} pages ({sum(r.kind == 'synth' for r in rows)} generated, "
        f"{sum(r.kind == 'corpus' for r in rows)} corpus)",
        flush=True,
    )

    reports, t_ours = {}, {}
    for m in models:
        print(f"[ours] pipeline, model {m} ...", flush=True)
        t_ours[m], reports[m] = run_ours(rows, work / f"sohoa-{m}.pdf", m)
    t_anchor = None
    if not args.no_anchor:
        src = anchor_input(rows, work / "anchor-input.pdf")
        anchor_model = args.anchor_model or models[0]
        anchor_env = dict(os.environ, OMP_THREAD_LIMIT="1")
        if anchor_model != "system" and tessdata(anchor_model):
            anchor_env["TESSDATA_PREFIX"] = tessdata(anchor_model)[1]
        else:
            anchor_model = "system (Debian's tessdata_fast)"
        print(f"[anchor] ocrmypdf {' '.join(OCRMYPDF_ARGS)}, model {anchor_model} ...", flush=True)
        t0, c0 = time.monotonic(), _children_cpu()
        done = subprocess.run(
            [sys.executable, "-m", "ocrmypdf", *OCRMYPDF_ARGS, str(src), str(work / "anchor.pdf")],
            capture_output=True,
            text=True,
            timeout=4 * 3600,
            check=False,
            env=anchor_env,
        )
        t_anchor = time.monotonic() - t0
        cpu_anchor = _children_cpu() - c0
        (work / "ocrmypdf.log").write_text(done.stdout + done.stderr, encoding="utf-8")
        if done.returncode != 0:
            print((done.stdout + done.stderr)[-3000:])
            print(f"ANCHOR FAILED: ocrmypdf exited {done.returncode}; anchor columns left empty")
            t_anchor = None

    base_engine = args.baseline_engine
    if base_engine == "same":
        from sohoa.processing import ocr, tesserocr_engine

        ocr.use_model(models[0], "auto")
        base_engine = "library" if tesserocr_engine.library_selected() else "cli"
    print(f"[side-by-side] plain Tesseract baseline ({base_engine}), OSD, jdeskew, deskew ...", flush=True)

    def side(i: int, r: Row) -> None:
        upright = r.upright or r.file
        page = r.res.get("page_index", 0) + 1 if r.upright is None else 1
        img = raster(upright, work, page)
        if r.kind == "synth" and not r.want_skew:
            img = turned_back(r.file, r.want_orientation or 0, work / f"upright-{i:03d}.png")
        for m in models[:1]:  # the baseline of the timed model (the others: our CER only)
            text, layout, dt = baseline(img, work / f"base-{m}-{i:03d}", m, base_engine)
            r.res[f"base_{m}"] = cer(r.truth, text) if r.truth else None
            r.res[f"base_layout_{m}"] = cer(r.truth, layout) if r.truth else None
            r.res[f"base_t_{m}"] = dt
            if base_engine != "cli":  # the tesseract program too: how far the two builds differ
                text, _layout, _dt = baseline(img, work / f"base-cli-{m}-{i:03d}", m, "cli")
                r.res[f"base_cli_{m}"] = cer(r.truth, text) if r.truth else None
        r.res["osd"] = osd(raster(r.file, work, r.res.get("page_index", 0) + 1))
        if r.want_skew is not None:
            gray = skewed_upright(r.file, r.want_orientation or 0)
            r.res["tools"] = skew_tools(gray)
            r.res["home"] = ours_skew(gray, float(r.res.get("dpi") or 300))

    with cf.ThreadPoolExecutor(2) as pool:
        list(pool.map(lambda a: side(*a), enumerate(rows)))

    m0 = models[0]
    print(
        "\npage                      ori want/ours/osd  skew want  ours  jdsk  dskw  flags"
        "                 CER ours  base  ocrmypdf "
        + "  ".join(f"{m}" for m in models[1:])
        + " layout   KB    s"
    )
    wrong, uncertain = [], 0
    for n, r in enumerate(rows, start=1):
        p = reports[m0].pages[n - 1]
        # CER in content order: an OCR layer's content stream is the engine's reading order (ours,
        # Tesseract's own renderer and OCRmyPDF's all write it so). pdftotext's default "layout"
        # order regroups the words by its column heuristics, which moved the same words from
        # 3.4 % to 24.6 % CER between two encodings of one page (linn.pdf, jbig2.pdf): it is
        # printed beside, not judged.
        r.res["cer"] = {
            m: (
                cer(r.truth, pdf_page_text(work / f"sohoa-{m}.pdf", _out_index(reports[m], n), raw=True))
                if r.truth
                else None
            )
            for m in models
        }
        r.res["cer_layout"] = (
            cer(r.truth, pdf_page_text(work / f"sohoa-{m0}.pdf", _out_index(reports[m0], n)))
            if r.truth
            else None
        )
        r.res["anchor"] = (
            cer(r.truth, pdf_page_text(work / "anchor.pdf", n, raw=True)) if r.truth and t_anchor else None
        )
        r.res["anchor_layout"] = (
            cer(r.truth, pdf_page_text(work / "anchor.pdf", n)) if r.truth and t_anchor else None
        )
        r.res["ori"] = p.orientation
        uncertain += "orientation-uncertain" in p.flags
        if r.want_orientation is not None:
            ok = p.orientation == r.want_orientation
        elif (
            r.truth
        ):  # corpus page turned in the file: upright when our text reads nearly as well as the source
            ok = r.res["cer"][m0] is not None and r.res["cer"][m0] <= max(
                0.5, (r.res[f"base_{m0}"] or 0) + 0.1
            )
        else:
            ok = True
        ours_ok = ok if (r.truth or r.want_orientation is not None) else None
        if ours_ok is False:
            wrong.append(r.name)
        r.res["upright"] = ours_ok
        skew_cols = ""
        if r.want_skew is not None:
            r.res["skew_err"] = abs(p.skew_deg - r.want_skew)
            skew_cols = f"{r.want_skew:6.2f} {p.skew_deg:6.2f} {r.res['tools']['jdeskew'][0]:5.1f} {r.res['tools']['deskew'][0]:5.1f}"
        else:
            skew_cols = f"{'':6s} {p.skew_deg:6.2f} {'':5s} {'':5s}"
        want = "?" if r.want_orientation is None else str(r.want_orientation)
        flags = ",".join(
            f for f in p.flags if f in ("orientation-uncertain", "rotated", "dpi-assumed", "low-resolution")
        )
        extra = "  ".join(pct(r.res["cer"][m]) for m in models[1:])
        print(
            f"{r.name[:25]:25s} {want:>4s}/{p.orientation:4d}/{r.res['osd'] if r.res['osd'] is not None else '-':>4}"
            f"{'' if ours_ok is not False else ' WRONG'}  {skew_cols}  {flags[:20]:20s}  {pct(r.res['cer'][m0])} "
            f"{pct(r.res[f'base_{m0}'])} {pct(r.res['anchor'])} {extra} {pct(r.res['cer_layout'])}"
            f"  {p.image_bytes / 1024:5.0f} {p.seconds:5.1f}"
        )

    return print_summaries(
        Run(
            rows,
            reports,
            models,
            t_ours,
            t_anchor,
            anchor_model if t_anchor else "",
            cpu_anchor if t_anchor else 0.0,
            base_engine,
            wrong,
            uncertain,
        )
    )


def _out_index(report: object, n: int) -> int:
    """Page number in our PDF of input page ``n`` (blank pages are kept: drop_blank is off)."""
    return n


if __name__ == "__main__":
    raise SystemExit(main())
