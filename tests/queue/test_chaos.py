"""Chaos: the repository SIGKILLed and restarted at random during a sync, plus a 3-6 s outage.

Every document must end on the server exactly once and byte-identical, and the queue must
drain within 10 s of the last restart (issue 16: a 3.7 s outage used to cost 285 s). The
uploader runs as the app runs it (:class:`BackgroundSync`, the product's default backoff).
"""

from __future__ import annotations

import hashlib
import os
import random
import threading
import time

import pytest

from reference_repository.testing import RestartableServer
from sohoa.core.config import Repository
from sohoa.core.progress import Reporter
from sohoa.outbox.outbox import ItemState, Outbox
from sohoa.outbox.sync import BackgroundSync
from sohoa.outbox.uploader import SyncEvent
from tests.queue.conftest import metadata

DOCS = 24
DRAIN_TARGET_S = 10.0


@pytest.mark.timeout(120)
def test_random_server_kills_and_an_outage_lose_and_double_nothing(pki, samples, tmp_path) -> None:
    seed = int(os.environ.get("SOHOA_CHAOS_SEED", time.time_ns() % 10**6))
    rng = random.Random(seed)
    box = Outbox(tmp_path / "outbox")
    expected = {}
    for n, path in enumerate(samples[:DOCS]):
        item_id = box.enqueue(path, metadata(700 + n))
        expected[box.get(item_id).key] = path.read_bytes()
    # 0.05 s a request keeps the uploads busy across several server lifetimes
    extra = ["--fault-delay", "0.03", "--check-workers", "1"]
    events: list[tuple[float, SyncEvent]] = []
    with RestartableServer(tmp_path / "repo", trust_roots=[pki.ca_cert], extra_args=extra) as server:
        settings = Repository(url=server.url, chunk_size_kb=256)  # the product's backoff: base 2 s, cap 300 s
        bg = BackgroundSync(
            settings, outbox=box, progress=Reporter(on_item=lambda e: events.append((time.monotonic(), e)))
        )
        bg.start()
        try:
            outage_at = rng.randrange(3)  # which of the interruptions is the long outage
            long_outage = rng.uniform(3.0, 6.0)
            probes_in_outage = -1
            for n in range(3):
                time.sleep(rng.uniform(0.3, 1.2))
                if box.outstanding() == 0:
                    break
                server.kill()
                if n == outage_at:
                    before = bg.uploader.requests_while_down
                    time.sleep(long_outage)
                    probes_in_outage = bg.uploader.requests_while_down - before
                else:
                    time.sleep(rng.uniform(0.0, 0.8))
                server.start()
            back = time.monotonic()
            while box.outstanding() and time.monotonic() - back < 60:
                time.sleep(0.05)
            drained = time.monotonic() - back
        finally:
            bg.stop()
        assert bg.error is None, bg.error
        assert box.outstanding() == 0, f"{box.counts()} (seed {seed})"
        late = [(round(t - back, 2), e.kind, e.item_id, e.detail[:40]) for t, e in events if t >= back]
        late = [x for x in late if x[1] != "progress"]
        assert drained <= DRAIN_TARGET_S, (
            f"drained {drained:.1f} s after the last restart (seed {seed}): {late}"
        )
        if probes_in_outage >= 0:  # one probe per backoff period (>= 1 s), never one per item
            assert probes_in_outage <= long_outage / 1.0 + 2, f"{probes_in_outage} probes (seed {seed})"
        docs = server.documents()
    assert box.counts()[ItemState.ACKNOWLEDGED] == DOCS, f"{box.counts()} (seed {seed})"
    assert len(docs) == DOCS, f"{len(docs)} documents on the server (seed {seed})"
    by_key = {d["idempotency_key"]: d for d in docs}
    assert set(by_key) == set(expected)  # exactly once each
    for key, data in expected.items():
        stored = (server.data_dir / "documents" / f"{by_key[key]['sha256']}.pdf").read_bytes()
        assert stored == data and by_key[key]["sha256"] == hashlib.sha256(data).hexdigest()
    assert {e.remote_id for e in box.list()} == set(d["id"] for d in docs)
    assert not [t for t in threading.enumerate() if t.name.startswith("uploader-")]
