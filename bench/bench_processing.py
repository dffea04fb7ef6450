"""Processing benchmark: SoHoa's pipeline against OCRmyPDF 17 on the same pages, same run.

    .venv/bin/python bench/bench_processing.py              # 20 synthetic pages + corpus
    .venv/bin/python bench/bench_processing.py --memory 300 # peak memory of a 300-page job

Prints, for the issue's targets: deskew error, orientation, blank detection, OCR character
error rate (ours and OCRmyPDF's, page by page), speed in pages per minute (both, and the
ratio), size per colour page (ours, and OCRmyPDF -O2's file), the OCR of our compressed
output image against our OCR of the uncompressed page, and (with --memory) peak memory.
Synthetic pages and outputs go to bench/out/ (git-ignored).
"""

from __future__ import annotations

import argparse
import io
import json
import os
import shutil
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ["OMP_THREAD_LIMIT"] = "1"

import numpy as np  # noqa: E402
import psutil  # noqa: E402
from PIL import Image  # noqa: E402

from app.pipeline import PdfMetadata, ProcessOptions, process_document  # noqa: E402
from app.pipeline.ocr import parse_tsv  # noqa: E402
from bench.synth.generator import PageTruth, generate, load_truth  # noqa: E402
from bench.textmetrics import cer, normalise  # noqa: E402

OUT = ROOT / "bench" / "out"
CORPUS = (ROOT / ".." / "shared" / "corpus").resolve()
OCRMYPDF_ARGS = ["-l", "vie", "--rotate-pages", "--deskew", "-O2", "--output-type", "pdfa", "-j", "2"]


def page_text(pdf: Path, n: int) -> str:
    out = subprocess.run(
        ["pdftotext", "-f", str(n), "-l", str(n), "-enc", "UTF-8", str(pdf), "-"],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return out.stdout


def synth_set(count: int, regen: bool) -> tuple[Path, list[PageTruth]]:
    folder = OUT / f"synth-{count}"
    if regen or not (folder / "truth.json").is_file():
        shutil.rmtree(folder, ignore_errors=True)
        print(f"generating {count} synthetic pages in {folder} ...", flush=True)
        generate(folder, count)
    return folder, load_truth(folder)


def run_ours(files: list[Path], out: Path) -> tuple[float, object]:
    t0 = time.monotonic()
    report = process_document(files, out, ProcessOptions(languages="vie"), PdfMetadata(title="benchmark"))
    return time.monotonic() - t0, report


def run_ocrmypdf(files: list[Path], out: Path) -> tuple[float, Path]:
    import img2pdf

    src = out.with_name("ocrmypdf-input.pdf")
    src.write_bytes(img2pdf.convert([str(f) for f in files]))
    env = dict(os.environ, OMP_THREAD_LIMIT="1")
    t0 = time.monotonic()
    subprocess.run(
        [sys.executable, "-m", "ocrmypdf", *OCRMYPDF_ARGS, str(src), str(out)],
        check=True,
        env=env,
        timeout=3600,
        capture_output=True,
    )
    return time.monotonic() - t0, src


def ocr_image_cer(pdf: Path, n: int, truth: str) -> float:
    """CER of Tesseract on our page as a viewer shows it (rendered at 300 dpi, red channel)."""
    render = subprocess.run(
        ["pdftoppm", "-r", "300", "-f", str(n), "-l", str(n), str(pdf)],
        capture_output=True,
        timeout=120,
        check=True,
    ).stdout
    arr = np.asarray(Image.open(io.BytesIO(render)).convert("RGB"))[:, :, 0]
    buf = io.BytesIO()
    Image.fromarray(arr).save(buf, "PPM")
    out = subprocess.run(
        [
            "tesseract",
            "-",
            "stdout",
            "-l",
            "vie",
            "--psm",
            "3",
            "--dpi",
            "300",
            "-c",
            "tessedit_do_invert=0",
            "tsv",
        ],
        input=buf.getvalue(),
        capture_output=True,
        timeout=300,
        check=True,
        env=dict(os.environ, OMP_THREAD_LIMIT="1"),
    )
    words = parse_tsv(out.stdout.decode("utf-8"))
    lines: dict[tuple[int, int, int, int], list[str]] = {}
    for w in words:
        lines.setdefault(w.line, []).append(w.text)
    return cer(truth, "\n".join(" ".join(v) for v in lines.values()))


def word_recall(truth: str, text: str) -> float:
    want = {w for w in normalise(truth).lower().split() if len(w) >= 4 and w.isalpha()}
    got = set(normalise(text).lower().split())
    return len(want & got) / max(len(want), 1)


def corpus_orientation(work: Path) -> list[tuple[str, int, float]]:
    """(page, orientation found, word recall of its text) for the corpus's turned pages."""
    rows = []
    cases = [(CORPUS / "scans/ocrmypdf/cardinal.pdf", CORPUS / "scans/ocrmypdf/linn.txt")]
    for name in (
        "phototest.tif",
        "phototest-rotated-L.png",
        "phototest-rotated-R.png",
        "phototest-rotated-180.png",
    ):
        cases.append((CORPUS / "ocr/tesseract" / name, CORPUS / "ocr/tesseract/phototest.gold.txt"))
    for src, gt in cases:
        if not src.is_file():
            continue
        out = work / (src.stem + ".pdf")
        report = process_document([src], out, ProcessOptions(languages="eng"))
        truth = gt.read_text(encoding="utf-8")
        for i, page in enumerate(report.pages, start=1):
            rows.append((page.source, page.orientation, word_recall(truth, page_text(out, i))))
    return rows


def main_quality(args: argparse.Namespace) -> None:
    folder, truths = synth_set(args.pages, args.regen)
    files = [folder / t.file for t in truths]
    work = OUT / "run"
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    ours_pdf, theirs_pdf = work / "sohoa.pdf", work / "ocrmypdf.pdf"

    print(f"[ours] sohoa pipeline on {len(files)} pages ...", flush=True)
    t_ours, report = run_ours(files, ours_pdf)
    print(f"[anchor] ocrmypdf {' '.join(OCRMYPDF_ARGS)} on the same {len(files)} pages ...", flush=True)
    t_theirs, _ = run_ocrmypdf(files, theirs_pdf)

    text_pages = [i for i, t in enumerate(truths) if t.kind == "text"]
    skew_err = [abs(report.pages[i].skew_deg - truths[i].skew_deg) for i in text_pages]
    upright = [report.pages[i].orientation == truths[i].orientation for i in text_pages]
    blank_ok = [report.pages[i].blank == (t.kind == "blank") for i, t in enumerate(truths)]

    print(
        "\npage          kind  skew(true/ours)   orient(true/ours) blank  mode   ours CER  ocrmypdf CER  img CER"
    )
    ours_cer, theirs_cer, img_cer, worse = [], [], [], []
    for i, t in enumerate(truths):
        p = report.pages[i]
        line = f"{t.file:13s} {t.kind:5s} {t.skew_deg:7.2f}/{p.skew_deg:7.2f}   {t.orientation:4d}/{p.orientation:4d}        {p.blank!s:5s}  {p.color_mode:5s}"
        if t.kind == "text":
            c_ours = cer(t.text, page_text(ours_pdf, i + 1))
            c_theirs = cer(t.text, page_text(theirs_pdf, i + 1))
            ours_cer.append(c_ours)
            theirs_cer.append(c_theirs)
            if c_ours > c_theirs:
                worse.append(t.file)
            c_img = ocr_image_cer(ours_pdf, i + 1, t.text) if p.color_mode == "color" else None
            if c_img is not None:
                img_cer.append((c_ours, c_img))
            line += f"  {c_ours * 100:6.2f}%   {c_theirs * 100:6.2f}%" + (
                f"     {c_img * 100:6.2f}%" if c_img is not None else ""
            )
        print(line)

    colour_sizes = [p.image_bytes for p in report.pages if p.color_mode == "color"]
    n = len(files)
    ppm_ours, ppm_theirs = n / t_ours * 60, n / t_theirs * 60
    print("\n== results (targets in brackets) ==")
    print(
        f"deskew: MAE {np.mean(skew_err):.3f} deg, max {np.max(skew_err):.3f} deg over {len(skew_err)} text pages [<= 0.1, <= 0.3]"
    )
    print(f"orientation: {sum(upright)}/{len(upright)} synthetic text pages upright [all]")
    print(
        f"blank: {sum(blank_ok)}/{len(blank_ok)} pages classified right (blank flagged, text/seal not) [all]"
    )
    print(
        f"OCR CER: ours mean {np.mean(ours_cer) * 100:.2f}% (max {np.max(ours_cer) * 100:.2f}%), "
        f"OCRmyPDF mean {np.mean(theirs_cer) * 100:.2f}% [ours <= 1%]; pages where ours is worse: {worse or 'none'}"
    )
    print(
        f"speed: ours {ppm_ours:.1f} pages/min ({t_ours:.1f} s), OCRmyPDF {ppm_theirs:.1f} pages/min ({t_theirs:.1f} s), "
        f"ratio {ppm_ours / ppm_theirs:.2f}x [>= 3x]"
    )
    if colour_sizes:
        print(
            f"size: median {statistics.median(colour_sizes) / 1024:.0f} KB per colour page image "
            f"({len(colour_sizes)} colour pages) [<= 200 KB]; files: ours {ours_pdf.stat().st_size / 1024:.0f} KB, "
            f"OCRmyPDF -O2 {theirs_pdf.stat().st_size / 1024:.0f} KB for {n} pages"
        )
    if img_cer:
        delta = [(ci - co) * 100 for co, ci in img_cer]
        print(
            f"output image OCR vs uncompressed-page OCR: mean {np.mean(delta):+.2f} pp, worst {np.max(delta):+.2f} pp [within 0.2 pp]"
        )
    if CORPUS.is_dir():
        rows = corpus_orientation(work)
        print("corpus orientation (page, orientation found, word recall of the output text):")
        for src, o, r in rows:
            print(f"  {src:28s} {o:4d}  recall {r:.2f}")
    (work / "report.json").write_text(
        json.dumps(report.to_json(), ensure_ascii=False, indent=1), encoding="utf-8"
    )


def main_memory(args: argparse.Namespace) -> None:
    folder, truths = synth_set(20, args.regen)
    files = [folder / truths[i % len(truths)].file for i in range(args.memory)]
    peak = 0
    stop = threading.Event()

    def watch() -> None:
        nonlocal peak
        me = psutil.Process()
        while not stop.is_set():
            total = 0
            for p in [me, *me.children(recursive=True)]:
                try:
                    total += p.memory_info().rss
                except psutil.Error:
                    pass
            peak = max(peak, total)
            time.sleep(0.2)

    thread = threading.Thread(target=watch, daemon=True)
    thread.start()
    t0 = time.monotonic()
    report = process_document(files, OUT / "memory.pdf", ProcessOptions(languages="vie"))
    stop.set()
    thread.join()
    dt = time.monotonic() - t0
    print(
        f"memory: {len(report.pages)}-page job, peak RSS of the process tree {peak / 2**20:.0f} MB [< 1536 MB], "
        f"{len(report.pages) / dt * 60:.1f} pages/min, output {(OUT / 'memory.pdf').stat().st_size / 2**20:.1f} MB"
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--pages", type=int, default=20)
    parser.add_argument("--regen", action="store_true", help="generate the synthetic pages again")
    parser.add_argument(
        "--memory", type=int, default=0, metavar="N", help="measure peak memory of an N-page job"
    )
    args = parser.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    os.environ.setdefault("SOHOA_HOME", str(OUT / "home"))
    if args.memory:
        main_memory(args)
    else:
        main_quality(args)


if __name__ == "__main__":
    main()
