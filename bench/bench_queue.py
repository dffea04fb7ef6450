"""Benchmark of the offline queue (issue 6). Run: .venv/bin/python bench/bench_queue.py [--docs 1000]

Prints, in one run:
- enqueue time per item (target <= 20 ms), and its anchor: a bare copy + fsync of the same file;
- upload throughput of N queued 200 KB signed PDF/A documents over loopback, twice:
  (1) end to end into the reference server with every content check on (the product path);
  (2) the uploader's own throughput (outbox + tus + commit) against the same server started with
  ``--no-content-checks`` (SHA-256 only): the figure the 20 MB/s target is judged against
  (docs/notes/issue-6.md says why); and the anchor: the same bytes sent with bare tus requests
  (POST + one PATCH, no outbox, no commit, no checks);
- listing a 100,000-item queue (target <= 100 ms): the lazy listing ready, its first page of 100
  entries, and iterating and materialising all 100,000 (the honest full cost);
- outage recovery time (issue 16, target <= 10 s): 6 documents queued, the repository SIGKILLed
  for 6 s, then started again; seconds from "the repository answers again" to "the queue is
  drained", with the product's backoff (base 2 s); and its anchor: the same 6 documents drained
  with no outage. ``--only-outage`` runs this line alone.
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

from reference_repository.samples import TestPKI, make_signed_pdfa, make_test_pki
from reference_repository.testing import RestartableServer, run_server
from sohoa.core.config import Repository
from sohoa.core.model import DocumentKind
from sohoa.outbox.metadata import DocumentMetadata
from sohoa.outbox.outbox import Outbox
from sohoa.outbox.sync import BackgroundSync, run_sync

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


def fill_queue(box: Outbox, rows: int) -> None:
    """``rows`` pending items straight into the database (the listing does not read files)."""
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


def bench_listing(folder: Path, rows: int = 100_000) -> dict[str, float]:
    """Best of 5, in ms: the lazy listing ready (len() == rows), its first page of 100 entries
    materialised, every entry iterated and materialised; a page by limit/offset; counts."""
    box = Outbox(folder)
    fill_queue(box, rows)
    runs: dict[str, list[float]] = {k: [] for k in ("ready", "first_page", "iterate_all", "page", "counts")}
    for _ in range(5):
        t = time.perf_counter()
        listing = box.list()
        assert len(listing) == rows
        runs["ready"].append(time.perf_counter() - t)
        t = time.perf_counter()
        first = listing[:100]
        runs["first_page"].append(time.perf_counter() - t)
        assert len(first) == 100 and first[0].title == "Tài liệu 0"
        t = time.perf_counter()
        n = sum(1 for _ in listing)
        runs["iterate_all"].append(time.perf_counter() - t)
        assert n == rows
        listing.close()
        t = time.perf_counter()
        box.list(limit=100, offset=rows // 2)
        runs["page"].append(time.perf_counter() - t)
        t = time.perf_counter()
        box.counts()
        runs["counts"].append(time.perf_counter() - t)
    return {k: min(v) * 1000 for k, v in runs.items()}


def upload(box: Outbox, url: str, workers: int) -> float:
    """Seconds for the uploader to send and commit every queued item (fails loudly otherwise)."""
    settings = Repository(url=url, parallel_uploads=workers, chunk_size_kb=1024)
    t = time.perf_counter()
    report = run_sync(settings, outbox=box)
    elapsed = time.perf_counter() - t
    assert len(report.acknowledged) == box.counts()["acknowledged"] and not report.failed, report
    assert box.outstanding() == 0
    return elapsed


def _drain(box: Outbox, timeout: float = 120.0) -> float:
    t = time.perf_counter()
    while box.outstanding() and time.perf_counter() - t < timeout:
        time.sleep(0.02)
    assert box.outstanding() == 0, box.counts()
    return time.perf_counter() - t


def bench_outage(pki: TestPKI, files: list[Path], folder: Path, trials: int, outage_s: float = 6.0) -> None:
    """Recovery after an outage: restart -> drained, per trial; and the no-outage anchor."""
    recoveries, anchors, probes, outages = [], [], [], []
    with RestartableServer(folder / "repo", trust_roots=[pki.ca_cert]) as server:
        settings = Repository(url=server.url)  # the product's defaults: base 2 s, cap 300 s, 2 uploads
        for trial in range(trials):
            box = Outbox(folder / f"outage-{trial}")
            for i in range(6):
                box.enqueue(files[(trial * 6 + i) % len(files)], meta(50_000 + trial * 6 + i))
            server.kill()
            down = time.perf_counter()
            bg = BackgroundSync(settings, outbox=box)
            bg.start()
            time.sleep(outage_s)
            server.start()  # returns once the restarted server answers (its start-up is in the outage)
            outages.append(time.perf_counter() - down)
            recoveries.append(_drain(box))
            probes.append(bg.uploader.requests_while_down)
            bg.stop()
            anchor = Outbox(folder / f"anchor-{trial}")
            for i in range(6):
                anchor.enqueue(files[(trial * 6 + i + 3) % len(files)], meta(60_000 + trial * 6 + i))
            bg = BackgroundSync(settings, outbox=anchor)
            bg.start()
            anchors.append(_drain(anchor))
            bg.stop()
    print(
        f"outage recovery: 6 documents, outage of {statistics.median(outages):.1f} s (server SIGKILLed, {outage_s:.0f} s"
        f" down, then its restart), {trials} trials:"
        f" queue drained {statistics.median(recoveries):.1f} s (median; max {max(recoveries):.1f} s) after the"
        f" repository answered again (target <= 10 s; issue 16 measured 78 s before the fix);"
        f" probes during the outage: {statistics.median(probes):.0f} (one per backoff period, <= 3 s apart)"
    )
    print(
        f"  anchor: the same 6 documents drained with no outage: {statistics.median(anchors):.1f} s (median)"
    )


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--docs", type=int, default=1000)
    parser.add_argument("--outage-trials", type=int, default=3)
    parser.add_argument("--only-outage", action="store_true", help="only the outage recovery line")
    parser.add_argument(
        "--workers",
        type=int,
        default=8,
        help="parallel uploads (Repository.parallel_uploads: 1-8, default 2 in the config); more"
        " uploads in flight than the server's 2 check workers keep both sides busy",
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        os.environ["SOHOA_HOME"] = str(tmp / "home")
        pki = make_test_pki(tmp / "pki")
        if args.only_outage:
            bench_outage(pki, make_samples(pki, tmp, 24), tmp / "outage", args.outage_trials)
            return 0
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

        total = args.docs * mean_size
        with run_server(tmp / "repo", trust_roots=[pki.ca_cert], admin=False) as server:
            elapsed = upload(box, server.url, args.workers)
            print(
                f"upload (1) end to end, product path: {args.docs} distinct documents, {total / 1e6:.1f} MB in"
                f" {elapsed:.2f} s = {total / elapsed / 1e6:.1f} MB/s, {args.docs / elapsed:.0f} docs/s"
                f" ({args.workers} parallel uploads, parallel_uploads={args.workers}; the reference server checks SHA-256 + PDF/A + PAdES"
                " on each commit)"
            )
            print(f"  load average during the run: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")

        second = Outbox(tmp / "outbox2")  # the same files queued again, for a server that only hashes
        for i, path in enumerate(files):
            second.enqueue(path, meta(i))
        with run_server(
            tmp / "repo2", trust_roots=[pki.ca_cert], admin=False, extra_args=["--no-content-checks"]
        ) as server:
            elapsed = upload(second, server.url, args.workers)
            print(
                f"upload (2) the uploader's own throughput: {total / elapsed / 1e6:.1f} MB/s,"
                f" {args.docs / elapsed:.0f} docs/s, {elapsed:.2f} s ({args.workers} parallel uploads; outbox claim + tus + commit with"
                " idempotency key, fsyncs included; server started with --no-content-checks: SHA-256 only;"
                " target >= 20 MB/s)"
            )
            print(f"  load average during the run: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
            print(
                f"  anchor: bare tus POST + PATCH of the same bytes, one connection: {bare_tus(server.url, files, args.docs):.1f} MB/s"
            )

        ms = bench_listing(tmp / "big")
        print(
            f"listing 100,000 items: lazy listing ready (len() == 100,000) {ms['ready']:.1f} ms (target <= 100 ms);"
            f" first page of 100 entries materialised {ms['first_page']:.2f} ms"
        )
        print(
            f"  iterating and materialising all 100,000 entries: {ms['iterate_all']:.1f} ms;"
            f" a page of 100 by limit/offset {ms['page']:.2f} ms; counts by state {ms['counts']:.1f} ms"
        )
        bench_outage(pki, files, tmp / "outage", args.outage_trials)
    return 0


if __name__ == "__main__":
    sys.exit(main())
