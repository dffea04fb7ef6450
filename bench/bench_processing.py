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

from bench.synth.generator import PageTruth, generate, load_truth  # noqa: E402
from bench.textmetrics import cer, normalise  # noqa: E402
from sohoa.processing import PdfMetadata, ProcessOptions, process_document  # noqa: E402

OUT = ROOT / "bench" / "out"
CORPUS = (ROOT / ".." / "shared" / "corpus").resolve()
OCRMYPDF_ARGS = ["-l", "vie", "--rotate-pages", "--deskew", "-O2", "--output-type", "pdfa", "-j", "2"]
# OCRmyPDF's default --tesseract-timeout (180 s) is hit on a loaded shared machine: the page then
# silently gets no text layer, which is not OCRmyPDF's accuracy. The anchor gets all the time it needs.
OCRMYPDF_FAIRNESS = ["--tesseract-timeout", "7200"]
ANCHOR_NOTICES = ("timeout", "timed out", "error", "warning", "skipping", "too few characters")


def page_text(pdf: Path, n: int) -> str:
    out = subprocess.run(
        ["pdftotext", "-f", str(n), "-l", str(n), "-enc", "UTF-8", str(pdf), "-"],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return out.stdout


def synth_set(count: int, regen: bool, seed: int = 4) -> tuple[Path, list[PageTruth]]:
    folder = OUT / (f"synth-{count}" if seed == 4 else f"synth-{count}-seed{seed}")
    if regen or not (folder / "truth.json").is_file():
        shutil.rmtree(folder, ignore_errors=True)
        print(f"generating {count} synthetic pages (seed {seed}) in {folder} ...", flush=True)
        generate(folder, count, seed=seed)
    return folder, load_truth(folder)


def run_ours(files: list[Path], out: Path) -> tuple[float, object]:
    t0 = time.monotonic()
    report = process_document(files, out, ProcessOptions(languages="vie"), PdfMetadata(title="benchmark"))
    return time.monotonic() - t0, report


def run_ocrmypdf(files: list[Path], out: Path) -> tuple[float, list[str]]:
    """Run the anchor; return its time and the notable lines of its log (timeouts, warnings)."""
    import img2pdf

    src = out.with_name("ocrmypdf-input.pdf")
    src.write_bytes(img2pdf.convert([str(f) for f in files]))
    env = dict(os.environ, OMP_THREAD_LIMIT="1")
    t0 = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-m", "ocrmypdf", *OCRMYPDF_ARGS, *OCRMYPDF_FAIRNESS, str(src), str(out)],
        check=False,
        env=env,
        timeout=4 * 3600,
        capture_output=True,
        text=True,
    )
    elapsed = time.monotonic() - t0
    log = (done.stdout + done.stderr).splitlines()
    (out.with_name("ocrmypdf.log")).write_text("\n".join(log), encoding="utf-8")
    if done.returncode != 0:
        print("\n".join(log[-30:]))
        raise SystemExit(f"ANCHOR INVALID: ocrmypdf exited with {done.returncode}")
    notices = [line.strip() for line in log if any(k in line.lower() for k in ANCHOR_NOTICES)]
    return elapsed, notices


def _read_lines(words: list) -> str:
    lines: dict[tuple[int, int, int, int], list[str]] = {}
    for w in words:
        lines.setdefault(w.line, []).append(w.text)
    return "\n".join(" ".join(v) for v in lines.values())


def image_ocr_pairs(
    sources: list[Path], pdf: Path, pages: list[int], modes: list[str], work: Path
) -> dict[int, tuple[str, str]]:
    """Page -> (OCR text of the source image, OCR text of our output image), like for like.

    Source: the input page made upright, straight and clean by the pipeline's own steps, before
    any compression. Output: our PDF page rendered at 300 dpi (pdftoppm). Both go through the
    same function (``page.ocr_image``: red channel, colour marks dropped, levels) and the same
    Tesseract call (``ocr.start``: vie, psm 3, 300 dpi); two pages run at a time.
    """
    from sohoa.core.model import ColorMode
    from sohoa.processing import ocr
    from sohoa.processing import page as page_mod
    from sohoa.processing.sources import list_pages

    opts = ProcessOptions(languages="vie")
    work.mkdir(parents=True, exist_ok=True)
    texts: dict[int, tuple[str, str]] = {}
    for i, mode_name in zip(pages, modes, strict=True):
        mode = ColorMode(mode_name)
        (src,) = list_pages([sources[i]])
        prepared = page_mod.prepare_page(src, opts, work, f"s{i:03d}")
        render = subprocess.run(
            ["pdftoppm", "-r", str(prepared.dpi), "-f", str(i + 1), "-l", str(i + 1), str(pdf)],
            capture_output=True,
            timeout=120,
            check=True,
        ).stdout
        rendered = np.asarray(Image.open(io.BytesIO(render)).convert("RGB"))
        runs = [
            ocr.start(page_mod.ocr_image(rgb, mode), work, "vie", prepared.dpi, 600, f"{tag}{i:03d}")
            for tag, rgb in (("src", prepared.rgb), ("out", rendered))
        ]
        texts[i] = (_read_lines(runs[0].result()), _read_lines(runs[1].result()))
    return texts


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
    folder, truths = synth_set(args.pages, args.regen, args.seed)
    files = [folder / t.file for t in truths]
    work = OUT / ("run" if args.seed == 4 else f"run-seed{args.seed}")
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    ours_pdf, theirs_pdf = work / "sohoa.pdf", work / "ocrmypdf.pdf"

    print(f"[ours] sohoa pipeline on {len(files)} pages ...", flush=True)
    t_ours, report = run_ours(files, ours_pdf)
    print(
        f"[anchor] ocrmypdf {' '.join(OCRMYPDF_ARGS + OCRMYPDF_FAIRNESS)} on the same {len(files)} pages ...",
        flush=True,
    )
    t_theirs, notices = run_ocrmypdf(files, theirs_pdf)
    print(f"[anchor] ocrmypdf log: {len(notices)} timeout/warning/error lines")
    for line in notices:
        print(f"  ocrmypdf: {line}")

    text_pages = [i for i, t in enumerate(truths) if t.kind == "text"]
    skew_err = [abs(report.pages[i].skew_deg - truths[i].skew_deg) for i in text_pages]
    upright = [report.pages[i].orientation == truths[i].orientation for i in text_pages]
    blank_ok = [report.pages[i].blank == (t.kind == "blank") for i, t in enumerate(truths)]

    text_idx = [i for i, t in enumerate(truths) if t.kind == "text"]
    print("[check] OCR of source image vs OCR of our output image (same function, same Tesseract) ...")
    img_text = image_ocr_pairs(
        files, ours_pdf, text_idx, [report.pages[i].color_mode for i in text_idx], work / "imgocr"
    )
    print(
        "\npage          kind  skew(true/ours)   orient(true/ours) blank  mode   ours CER  ocrmypdf CER"
        "   src-img CER  out-img CER  delta"
    )
    ours_cer, theirs_cer, img_cer, worse, empty_anchor = [], [], [], [], []
    for i, t in enumerate(truths):
        p = report.pages[i]
        line = f"{t.file:13s} {t.kind:5s} {t.skew_deg:7.2f}/{p.skew_deg:7.2f}   {t.orientation:4d}/{p.orientation:4d}        {p.blank!s:5s}  {p.color_mode:5s}"
        if t.kind == "text":
            theirs_text = page_text(theirs_pdf, i + 1)
            if not theirs_text.strip():
                empty_anchor.append(t.file)
            c_ours = cer(t.text, page_text(ours_pdf, i + 1))
            c_theirs = cer(t.text, theirs_text)
            ours_cer.append(c_ours)
            theirs_cer.append(c_theirs)
            if c_ours > c_theirs:
                worse.append(t.file)
            c_src, c_out = (cer(t.text, x) for x in img_text[i])
            img_cer.append((c_src, c_out))
            line += f"  {c_ours * 100:6.2f}%   {c_theirs * 100:6.2f}%"
            line += f"       {c_src * 100:6.2f}%      {c_out * 100:6.2f}%   {(c_out - c_src) * 100:+.2f}"
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
        delta = [(co - cs) * 100 for cs, co in img_cer]
        print(
            f"output image OCR vs source image OCR (like for like, {len(delta)} text pages): mean {np.mean(delta):+.2f} pp, "
            f"worst {np.max(delta):+.2f} pp, best {np.min(delta):+.2f} pp [within 0.2 pp]"
        )
    if empty_anchor:
        # Not a timeout (those would be in the log above, and the anchor runs with a 2-hour limit): with the
        # issue's flags, OCRmyPDF's --deskew leaves these strongly skewed pages crooked and Tesseract's default
        # layout analysis finds no words. That is the anchor's real result; it is reported, and the comparison
        # is also shown on the pages where the anchor produced text.
        kept = [k for k, i in enumerate(text_idx) if truths[i].file not in empty_anchor]
        sub_ours = [ours_cer[k] for k in kept]
        sub_theirs = [theirs_cer[k] for k in kept]
        print(
            f"anchor note: OCRmyPDF produced no text on {len(empty_anchor)} text pages {empty_anchor} "
            "(skewed beyond what its --deskew corrected; no timeout in its log)"
        )
        if kept:
            print(
                f"OCR CER on the {len(kept)} pages where OCRmyPDF produced text: ours mean "
                f"{np.mean(sub_ours) * 100:.2f}% (max {np.max(sub_ours) * 100:.2f}%), OCRmyPDF mean "
                f"{np.mean(sub_theirs) * 100:.2f}% (max {np.max(sub_theirs) * 100:.2f}%)"
            )
    if any("timed out" in line.lower() or "timeoutexpired" in line.lower() for line in notices):
        raise SystemExit("ANCHOR INVALID: OCRmyPDF's Tesseract timed out (see its log above)")
    if CORPUS.is_dir() and not args.no_corpus:
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
        "--seed", type=int, default=4, help="seed of the synthetic set (another set: another seed)"
    )
    parser.add_argument("--no-corpus", action="store_true", help="skip the corpus orientation check")
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
