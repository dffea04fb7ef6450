"""Capture benchmark: a 200-page feeder batch, A4 300 dpi colour, from SANE's test scanner.

Prints pages per second, the resident memory (RSS) of the app process and of its SANE
worker at 50/100/150/200 pages (memory must not grow with the batch), and their peaks
(target: app process under 400 MB). The anchor, in the same run, is SANE's own
``scanimage --batch`` writing PNG files with the same settings, feeder refill by refill.

Run: ``.venv/bin/python bench/bench_capture.py [--pages 200]``
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

MB = 1024 * 1024
FEEDER = 10  # the test device's feeder holds 10 sheets per refill
OPTIONS = {"test_picture": "Color pattern"}


class PeakSampler:
    """Samples the RSS of this process and of the worker every 20 ms, keeping the peaks."""

    def __init__(self, driver) -> None:  # type: ignore[no-untyped-def]
        import psutil

        self.psutil = psutil
        self.driver = driver
        self.me = psutil.Process()
        self.peak_app = self.peak_worker = self.peak_total = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def worker_rss(self) -> int:
        pid = self.driver.worker_pid
        try:
            return self.psutil.Process(pid).memory_info().rss if pid else 0
        except self.psutil.Error:
            return 0

    def _run(self) -> None:
        while not self._stop.wait(0.02):
            app, worker = self.me.memory_info().rss, self.worker_rss()
            self.peak_app = max(self.peak_app, app)
            self.peak_worker = max(self.peak_worker, worker)
            self.peak_total = max(self.peak_total, app + worker)

    def __enter__(self) -> PeakSampler:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


def run_sohoa(pages: int, sane_dir: Path, work: Path) -> None:
    import psutil

    from sohoa.capture.batch import ScanBatch
    from sohoa.capture.sane_driver import SaneDriver
    from sohoa.capture.settings import ScanSettings

    settings = ScanSettings(source="adf", mode="color", dpi=300, paper="A4", device_options=OPTIONS)
    marks = {n for n in (50, 100, 150, 200) if n <= pages} | {pages}
    rows: list[tuple[int, float, float, float]] = []
    with SaneDriver(sane_dir) as driver:
        driver.ping()  # start the worker outside the timed part, as the app does at start-up
        batch = ScanBatch(driver, "test:0", settings, work / "sohoa")
        with PeakSampler(driver) as sampler:

            def on_page(page) -> None:  # type: ignore[no-untyped-def]
                if page.index in marks:
                    app = psutil.Process().memory_info().rss / MB
                    rows.append((page.index, app, sampler.worker_rss() / MB, time.perf_counter() - t0))

            t0 = time.perf_counter()
            batch.scan_until(pages, on_page=on_page)
            elapsed = time.perf_counter() - t0
        batch.finish()
    size = sum(p.stat().st_size for p in (work / "sohoa").glob("page-*.png")) / MB
    print(
        f"SoHoa   : {pages} pages in {elapsed:.1f} s = {pages / elapsed:.2f} pages/s ({size:.0f} MB of PNG)"
    )
    print("          pages | app RSS MB | worker RSS MB | elapsed s")
    for n, app, worker, t in rows:
        print(f"          {n:5d} | {app:10.1f} | {worker:13.1f} | {t:9.1f}")
    print(
        f"          peak RSS: app process {sampler.peak_app / MB:.1f} MB, worker {sampler.peak_worker / MB:.1f} MB,"
        f" together {sampler.peak_total / MB:.1f} MB (target: app < 400 MB)"
    )
    growth = rows[-1][1] - rows[0][1] if len(rows) > 1 else 0.0
    print(f"          app RSS growth from page {rows[0][0]} to {rows[-1][0]}: {growth:+.1f} MB")


def run_anchor(pages: int, sane_dir: Path, work: Path) -> None:
    scanimage = shutil.which("scanimage")
    if not scanimage:
        print("anchor  : scanimage not found (apt install sane-utils)")
        return
    out = work / "scanimage"
    out.mkdir()
    env = {**os.environ, "SANE_CONFIG_DIR": str(sane_dir)}
    t0 = time.perf_counter()
    done = 0
    while done < pages:
        count = min(FEEDER, pages - done)
        subprocess.run(
            [
                scanimage, "-d", "test:0", "--source", "Automatic Document Feeder", "--mode", "Color",
                "--resolution", "300", "-x", "210", "-y", "297", "--test-picture", "Color pattern",
                "--format=png", f"--batch={out}/p%04d.png", f"--batch-start={done + 1}", f"--batch-count={count}",
            ],
            env=env, check=True, capture_output=True, timeout=600,
        )  # fmt: skip
        done += count
    elapsed = time.perf_counter() - t0
    written = len(list(out.glob("p*.png")))
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(
        f"anchor  : scanimage --batch, {written} pages in {elapsed:.1f} s = {written / elapsed:.2f} pages/s,"
        f" peak RSS {peak:.1f} MB"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--pages", type=int, default=200)
    args = parser.parse_args()
    from sohoa.capture.sane_config import write_test_backend_config

    with tempfile.TemporaryDirectory(prefix="bench-capture-") as tmp:
        work = Path(tmp)
        os.environ["SOHOA_HOME"] = str(work / "home")  # the journal goes here, not into the user's folders
        sane_dir = write_test_backend_config(work / "sane")
        print(f"capture benchmark: {args.pages} pages, feeder refilled every {FEEDER}, A4 300 dpi colour")
        run_sohoa(args.pages, sane_dir, work)
        run_anchor(args.pages, sane_dir, work)


if __name__ == "__main__":
    main()
