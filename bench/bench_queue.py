"""Benchmark of the offline queue (issue 6). Run: .venv/bin/python bench/bench_queue.py [--docs 1000]

Prints, in one run:
- enqueue time per item (target <= 20 ms), and its anchor: a bare copy + fsync of the same file;
- upload throughput of N queued 200 KB signed PDF/A documents over loopback into the reference
  server, commits and the server's full checks included (target >= 20 MB/s), and its anchor: the
  same bytes sent with bare tus requests (POST + one PATCH, no outbox, no commit, no checks);
- listing a 100,000-item queue (target <= 100 ms).
Every queued document is a distinct file, made and signed here (a pool of one process per
core, the test signer's key parsed once per process): no two commits check the same bytes.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import statistics
import sys
import tempfile
import time
import uuid
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import requests

from app.config import Repository
from app.model import DocumentKind
from offline_queue.metadata import DocumentMetadata
from offline_queue.outbox import Outbox
from offline_queue.sync import run_sync
from reference_repository.samples import TestPKI, make_signed_pdfa, make_test_pki
from reference_repository.testing import run_server

SIZE = 200_000


def make_sample(pki: TestPKI, path: Path, n: int) -> None:
    path.write_bytes(make_signed_pdfa(pki, SIZE, title=f"Tài liệu thử nghiệm {n}"))


def make_samples(pki: TestPKI, folder: Path, n: int) -> list[Path]:
    """``n`` distinct signed PDF/A-2b files, signed in parallel."""
    paths = [folder / f"sample-{i}.pdf" for i in range(n)]
    with ProcessPoolExecutor(len(os.sched_getaffinity(0))) as pool:
        list(pool.map(make_sample, [pki] * n, paths, range(n), chunksize=16))
    return paths


def meta(n: int) -> DocumentMetadata:
    return DocumentMetadata(
        dossier_code=f"H15.50.05.13-261008-{n % 10000:04d}",
        kind=DocumentKind.COMPONENT,
        title=f"Tài liệu {n}",
        owner_id="001099012345",
    )


def bench_enqueue(box: Outbox, files: list[Path], n: int, work: Path) -> tuple[list[float], list[float]]:
    times, anchor = [], []
    for i in range(n):
        src = files[i % len(files)]
        t = time.perf_counter()
        box.enqueue(src, meta(i))
        times.append(time.perf_counter() - t)
        t = time.perf_counter()
        target = work / f"anchor-{i}.pdf"
        with open(src, "rb") as fi, open(target, "wb") as fo:
            fo.write(fi.read())
            fo.flush()
            os.fsync(fo.fileno())
        anchor.append(time.perf_counter() - t)
        target.unlink()
    return times, anchor


def bare_tus(url: str, files: list[Path], n: int) -> float:
    session = requests.Session()
    total = 0
    t = time.perf_counter()
    for i in range(n):
        data = files[i % len(files)].read_bytes()
        r = session.post(f"{url}/files", headers={"Tus-Resumable": "1.0.0", "Upload-Length": str(len(data))})
        session.patch(
            r.headers["Location"],
            data=data,
            headers={
                "Tus-Resumable": "1.0.0",
                "Upload-Offset": "0",
                "Content-Type": "application/offset+octet-stream",
            },
        ).raise_for_status()
        total += len(data)
    return total / (time.perf_counter() - t) / 1e6


def bench_listing(folder: Path, rows: int = 100_000) -> tuple[float, float, float]:
    box = Outbox(folder)
    now = time.time()
    conn = box._conn()
    conn.execute("BEGIN")
    conn.executemany(
        "INSERT INTO items (key, state, sha256, size, dossier_code, kind, title, metadata, created_at, updated_at)"
        " VALUES (?, 'pending', ?, 200000, ?, 'component', ?, '{}', ?, ?)",
        (
            (
                uuid.uuid4().hex,
                hashlib.sha256(str(i).encode()).hexdigest(),
                f"H15-{i}",
                f"Tài liệu {i}",
                now,
                now,
            )
            for i in range(rows)
        ),
    )
    conn.execute("COMMIT")
    full, page, counts = [], [], []
    for _ in range(5):
        t = time.perf_counter()
        entries = box.list()
        full.append(time.perf_counter() - t)
        t = time.perf_counter()
        box.list(limit=100, offset=rows // 2)
        page.append(time.perf_counter() - t)
        t = time.perf_counter()
        box.counts()
        counts.append(time.perf_counter() - t)
    assert len(entries) == rows
    return min(full) * 1000, min(page) * 1000, min(counts) * 1000


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--docs", type=int, default=1000)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        os.environ["SOHOA_HOME"] = str(tmp / "home")
        pki = make_test_pki(tmp / "pki")
        print(
            f"[bench_queue] signing {args.docs} distinct {SIZE // 1000} KB PDF/A-2b samples ...", flush=True
        )
        t = time.perf_counter()
        files = make_samples(pki, tmp, args.docs)
        assert len({hashlib.sha256(p.read_bytes()).hexdigest() for p in files}) == args.docs
        print(f"  made and signed in {time.perf_counter() - t:.1f} s", flush=True)
        mean_size = statistics.mean(p.stat().st_size for p in files)

        box = Outbox(tmp / "outbox")
        times, anchor = bench_enqueue(box, files, args.docs, tmp)
        ms = sorted(t * 1000 for t in times)
        print(
            f"enqueue: {args.docs} items, mean {statistics.mean(ms):.2f} ms/item, median {ms[len(ms) // 2]:.2f},"
            f" p95 {ms[int(len(ms) * 0.95)]:.2f} (target <= 20 ms)"
        )
        print(
            f"  anchor: bare copy + fsync of the same file, mean {statistics.mean(anchor) * 1000:.2f} ms/item"
        )

        with run_server(tmp / "repo", trust_roots=[pki.ca_cert], admin=False) as server:
            settings = Repository(url=server.url, parallel_uploads=args.workers, chunk_size_kb=1024)
            t = time.perf_counter()
            report = run_sync(settings, outbox=box)
            elapsed = time.perf_counter() - t
            assert len(report.acknowledged) == args.docs and not report.failed, report
            total = args.docs * mean_size
            print(
                f"upload: {args.docs} distinct documents, {total / 1e6:.1f} MB in {elapsed:.2f} s ="
                f" {total / elapsed / 1e6:.1f} MB/s, {args.docs / elapsed:.0f} docs/s"
                f" ({args.workers} parallel uploads, server checks SHA-256 + PDF/A + PAdES on each commit;"
                " target >= 20 MB/s)"
            )
            print(f"  load average during the run: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
            print(
                f"  anchor: bare tus POST + PATCH of the same bytes: {bare_tus(server.url, files, args.docs):.1f} MB/s"
            )

        full, page, counts = bench_listing(tmp / "big")
        print(
            f"listing 100,000 items: full list {full:.1f} ms (target <= 100 ms); one page of 100: {page:.2f} ms;"
        )
        print(f"  counts by state: {counts:.1f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
