"""Crash test: ``sohoa sync`` SIGKILLed at random moments, again and again, loses and doubles nothing."""

from __future__ import annotations

import hashlib
import os
import random
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests
import tomli_w

from reference_repository.testing import run_server
from sohoa.outbox.outbox import ItemState, Outbox
from tests.queue.conftest import metadata, subprocess_env

KILLS = 50


@pytest.mark.slow
@pytest.mark.timeout(120)
def test_sigkill_at_random_moments_loses_and_duplicates_nothing(
    pki, samples, sohoa_home: Path, tmp_path
) -> None:
    seed = int(os.environ.get("SOHOA_CRASH_SEED", time.time_ns() % 10**6))
    rng = random.Random(seed)
    # 0.06 s per request keeps the 40 uploads busy for many process lifetimes, so kills land mid-work
    extra = ["--fault-delay", "0.06"]
    with run_server(tmp_path / "repo", trust_roots=[pki.ca_cert], admin=False, extra_args=extra) as server:
        config = sohoa_home / "config" / "config.toml"
        config.parent.mkdir(parents=True, exist_ok=True)
        config.write_text(
            tomli_w.dumps(
                {
                    "repository": {
                        "url": server.url,
                        "chunk_size_kb": 16,
                        "retry_base_s": 0.05,
                        "retry_max_s": 0.5,
                        "parallel_uploads": 2,
                    }
                }
            )
        )
        box = Outbox()  # the data folder under this test's SOHOA_HOME, as the CLI sees it
        expected = {}
        for n, path in enumerate(samples):
            item_id = box.enqueue(path, metadata(300 + n))
            expected[box.get(item_id).key] = hashlib.sha256(path.read_bytes()).hexdigest()
        assert len(expected) == 40

        cmd = [sys.executable, "-m", "sohoa", "sync", "--once"]
        env = subprocess_env()
        kills = busy_kills = 0
        while kills < KILLS:
            proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
            time.sleep(rng.uniform(0.25, 1.1))
            if proc.poll() is None:
                outstanding = box.outstanding()
                proc.kill()  # SIGKILL: no cleanup of any kind
                proc.wait(10)
                kills += 1
                busy_kills += outstanding > 0
            else:
                assert proc.returncode == 0, proc.stderr.read().decode() if proc.stderr else ""
                proc.wait()
        final = subprocess.run(cmd, env=env, capture_output=True, timeout=60)
        assert final.returncode == 0, final.stderr.decode()

        assert busy_kills >= 20, f"only {busy_kills} kills hit a busy uploader (seed {seed})"
        counts = box.counts()
        assert counts[ItemState.ACKNOWLEDGED] == 40, f"{counts} (seed {seed})"
        docs = server.documents()
        assert len(docs) == 40, f"{len(docs)} documents on the server (seed {seed})"
        assert {d["idempotency_key"]: d["sha256"] for d in docs} == expected
        for doc in docs:
            body = requests.get(f"{server.url}/api/v1/documents/{doc['id']}/content", timeout=10).content
            assert hashlib.sha256(body).hexdigest() == expected[doc["idempotency_key"]]
        remote_ids = {e.remote_id for e in box.list()}
        assert remote_ids == {d["id"] for d in docs}
