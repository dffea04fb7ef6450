"""Recovery in seconds (issue 16): one probe per backoff period, backoff per outage, Retry-After
pauses every worker, a passing failure stays the item's, work from another process is seen."""

from __future__ import annotations

import socket
import subprocess
import sys
import time

from sohoa.core.progress import Reporter
from sohoa.outbox.outbox import ItemState, Outbox
from sohoa.outbox.sync import BackgroundSync, run_sync
from sohoa.outbox.uploader import Backoff
from tests.queue.conftest import metadata, repo_root, repo_settings, subprocess_env


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait(predicate, timeout: float) -> float:  # type: ignore[no-untyped-def]
    start = time.monotonic()
    while not predicate() and time.monotonic() - start < timeout:
        time.sleep(0.05)
    return time.monotonic() - start


def test_an_outage_costs_one_probe_per_backoff_period_not_one_per_item(samples, tmp_path) -> None:
    box = Outbox(tmp_path / "outbox")
    for n in range(8):
        box.enqueue(samples[n], metadata(800 + n))
    events = []
    url = f"http://127.0.0.1:{_free_port()}"  # nobody listens: the repository is down
    bg = BackgroundSync(
        repo_settings(url, parallel_uploads=4, retry_base_s=1.0, retry_max_s=300),
        outbox=box,
        progress=Reporter(on_item=events.append),
    )
    bg.start()
    time.sleep(4.0)
    bg.stop()
    offline = [e for e in events if e.kind == "offline"]
    # the old uploader: 45 attempts in 0.5 s (every item, every worker). Now: the first request of
    # each of the 4 workers, then one probe per period of >= 0.5 s (base 1 s, equal jitter)
    probes = bg.uploader.requests_while_down
    assert 1 <= probes <= 8, probes
    assert len(offline) <= 4 + probes, len(offline)
    assert all(e.failures == 0 for e in (box.get(i.id) for i in box.list()))  # no item was penalised
    assert box.counts()[ItemState.PENDING] == 8


def test_retry_after_pauses_every_worker(repo, samples, tmp_path) -> None:
    box = Outbox(tmp_path / "outbox")
    ids = [box.enqueue(samples[n], metadata(820 + n)) for n in range(8, 14)]
    repo.set_faults(status=503, retry_after=1)
    bg = BackgroundSync(repo_settings(repo.url, parallel_uploads=4), outbox=box)
    bg.start()
    time.sleep(3.2)
    storm = repo.fault_counters()["statused"]
    repo.set_faults()
    drained = _wait(lambda: box.outstanding() == 0, 30)
    bg.stop()
    # The first wave can hold one request per worker (all sent before the first 503 is back);
    # after it, one probe per Retry-After second. Asking once per item per retry, as the
    # uploader used to, is 6 items x 3-4 retries = 18 asks or more.
    workers, pause, slept = 4, 1, 3.2
    assert 1 <= storm <= workers + int(slept / pause), storm
    assert box.outstanding() == 0 and drained < 30
    assert sorted(i.id for i in box.list(state="acknowledged")) == ids


def test_a_passing_failure_stays_the_items_own(repo, samples, tmp_path) -> None:
    """A 500 on one request: that item waits its backoff; the others neither wait nor wake."""
    box = Outbox(tmp_path / "outbox")
    ids = [box.enqueue(samples[n], metadata(840 + n)) for n in range(14, 18)]
    repo.set_faults(status=500, status_count=1)
    events = []
    report = run_sync(
        repo_settings(repo.url, parallel_uploads=2), outbox=box, progress=Reporter(on_item=events.append)
    )
    assert sorted(report.acknowledged) == ids
    retried = [e.item_id for e in events if e.kind == "retry"]
    assert len(retried) == 1 and not [e for e in events if e.kind == "offline"]
    # the other items went on at once: each was claimed exactly once
    claims = [e.item_id for e in events if e.kind == "claimed"]
    assert sorted(claims) == sorted([*ids, retried[0]])


def test_work_queued_by_another_process_is_noticed_at_once(repo, samples, tmp_path) -> None:
    box = Outbox(tmp_path / "outbox")
    claimed = []
    bg = BackgroundSync(
        repo_settings(repo.url),
        outbox=box,
        progress=Reporter(
            on_item=lambda e: claimed.append(time.monotonic()) if e.kind == "claimed" else None
        ),
    )
    bg.start()
    try:
        time.sleep(1.0)  # the uploader is idle, waiting
        code = (
            "import sys; from pathlib import Path; from sohoa.outbox.outbox import Outbox;"
            "from tests.queue.conftest import metadata;"
            "print(Outbox(Path(sys.argv[1])).enqueue(Path(sys.argv[2]), metadata(860)))"
        )
        subprocess.run(
            [sys.executable, "-c", code, str(tmp_path / "outbox"), str(samples[18])],
            check=True,
            cwd=repo_root(),
            env=subprocess_env(),
            capture_output=True,
        )
        queued = time.monotonic()
        _wait(lambda: bool(claimed), 10)
    finally:
        bg.stop()
    assert claimed, "the item queued by another process was never picked up"
    assert claimed[0] - queued < 3.0  # the old uploader looked every 30 s; now every 0.5 s


def test_backoff_grows_per_outage_and_is_short_while_the_outage_is(tmp_path) -> None:
    b = Backoff(base=2.0, cap=300.0)
    assert all(b.probe_delay(n, outage_age=10) <= 3.0 for n in range(1, 50))  # young outage: <= 3 s
    assert max(b.probe_delay(20, outage_age=600) for _ in range(20)) > 3.0  # an old one backs off
