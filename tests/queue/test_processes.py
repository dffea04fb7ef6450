"""Every process the product starts ends with it: the server's SIGTERM, the demo, the fixture."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from reference_repository.testing import run_server
from tests.conftest import _descendants
from tests.queue.conftest import repo_root, subprocess_env


def _tree(pid: int) -> set[int]:
    """pid's live descendants, read from /proc."""
    out: set[int] = set()
    pending = [pid]
    while pending:
        parent = pending.pop()
        for entry in os.listdir("/proc"):
            if not entry.isdigit():
                continue
            try:
                stat = Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()
            except (OSError, IndexError):
                continue
            if int(stat[1]) == parent and stat[0] != "Z":
                out.add(int(entry))
                pending.append(int(entry))
    return out


def _alive(pids: set[int]) -> set[int]:
    left = set()
    for pid in pids:
        try:
            state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except (OSError, IndexError):
            continue
        if state != "Z":
            left.add(pid)
    return left


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
@pytest.mark.parametrize("how", [signal.SIGTERM, signal.SIGKILL])
def test_the_servers_check_pool_ends_with_the_server(pki, tmp_path, how) -> None:
    with run_server(tmp_path / "repo", trust_roots=[pki.ca_cert], extra_args=["--check-workers", "2"]) as s:
        deadline = time.monotonic() + 20
        while len(_tree(s.process.pid)) < 2 and time.monotonic() < deadline:
            time.sleep(0.1)
        helpers = _tree(s.process.pid)
        assert len(helpers) >= 2  # the check workers (and multiprocessing's resource tracker)
        s.process.send_signal(how)
        s.process.wait(15)
    deadline = time.monotonic() + 40  # a worker still importing notices when its imports end
    while _alive(helpers) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not _alive(helpers), f"left running after {how.name}: {_alive(helpers)}"


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_the_session_fixture_fails_a_test_that_leaves_an_orphan(tmp_path) -> None:
    test = tmp_path / "test_orphan.py"
    test.write_text(
        textwrap.dedent(
            """
            import subprocess, sys
            import pytest

            class Worker:  # started lazily, by the first test that needs it, like a scanner worker
                def __init__(self):
                    self.proc = None
                def use(self):
                    self.proc = self.proc or subprocess.Popen(["sleep", "61"])
                def close(self):
                    if self.proc:
                        self.proc.kill()
                        self.proc.wait()

            @pytest.fixture(scope="module")
            def shared_worker():
                w = Worker()
                yield w
                w.close()

            @pytest.fixture(scope="module")
            def leaky_worker():
                w = Worker()
                yield w  # never closed: its process outlives the module

            def test_leaves_a_grandchild():
                # the child starts a sleeper and exits: the sleeper is an orphan
                subprocess.run([sys.executable, "-c",
                    "import subprocess; subprocess.Popen(['sleep', '60'])"], check=True)
            def test_clean():
                subprocess.run(["true"], check=True)
            def test_uses_the_shared_worker(shared_worker):
                shared_worker.use()  # outlives this test, but belongs to the fixture: fine
            def test_uses_it_again(shared_worker):
                shared_worker.use()
            def test_uses_the_leaky_worker(leaky_worker):
                leaky_worker.use()
            """
        )
    )
    r = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "tests.conftest", "-p", "no:cacheprovider", str(test)],
        cwd=repo_root(),
        env=subprocess_env({"PYTEST_ADDOPTS": "", "SOHOA_CHILD_GRACE_S": "1"}),
        capture_output=True,
        text=True,
        timeout=120,
    )
    out = r.stdout + r.stderr
    assert r.returncode != 0, out
    assert "processes outlived the test" in out and "'sleep 60'" in out
    assert "processes outlived fixture 'leaky_worker'" in out and "'sleep 61'" in out
    assert "shared_worker" not in out  # a fixture's own worker, ended with it, is not flagged
    assert "5 passed, 2 errors" in out, out  # each leak is an error; every test itself passed
    assert not [cmd for cmd in _descendants().values() if cmd.startswith("sleep 6")]
