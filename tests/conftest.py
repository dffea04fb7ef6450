"""Shared test setup: every test runs with its own SoHoa home, headless Qt, one OCR thread."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

os.environ["QT_QPA_PLATFORM"] = "offscreen"  # assigned, never empty: an empty value aborts Python
os.environ["OMP_THREAD_LIMIT"] = "1"


def _find_corpus() -> Path:
    """The shared test corpus: $SOHOA_CORPUS, ../shared/corpus beside the clone, or /work/shared/corpus."""
    candidates = [
        os.environ.get("SOHOA_CORPUS", ""),
        Path(__file__).resolve().parents[2] / "shared" / "corpus",
        "/work/shared/corpus",
    ]
    for candidate in candidates:
        if candidate and Path(candidate).is_dir():
            return Path(candidate).resolve()
    return Path(candidates[1])


CORPUS = _find_corpus()


@pytest.fixture(autouse=True)
def sohoa_home(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A private SOHOA_HOME and no system-wide config for each test."""
    home = tmp_path_factory.mktemp("sohoa-home")
    monkeypatch.setenv("SOHOA_HOME", str(home))
    monkeypatch.setenv("SOHOA_SYSTEM_CONFIG", str(home / "system-config.toml"))
    from sohoa.core import i18n

    monkeypatch.setattr(i18n, "_current", "vi")
    return home


@pytest.fixture
def corpus() -> Path:
    if not CORPUS.is_dir():
        pytest.skip(f"shared corpus not found at {CORPUS}")
    return CORPUS


# -- every process a test starts ends with it (issue 16) ---------------------------------------
# pytest becomes a "child subreaper" (Linux): a grandchild whose parent died (a server's check
# worker after a SIGKILL, a helper of ``sohoa demo``) is re-parented to pytest instead of init,
# so it is still seen. Processes a session/module/class-scoped fixture started belong to that
# fixture until it is torn down; the multiprocessing helpers of pytest's own process (resource
# tracker, forkserver) live as long as it does.
_OWNED: dict[int, str] = {}  # pid -> the non-function fixture that started it
_CHILD_GRACE_S = float(os.environ.get("SOHOA_CHILD_GRACE_S", "10"))  # time a child gets to end


def _descendants() -> dict[int, str]:
    """pid -> command line of every live (non-zombie) descendant of this process (Linux /proc)."""
    children: dict[int, list[int]] = {}
    info: dict[int, tuple[str, str]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as fh:
                stat = fh.read().decode("utf-8", "replace")
            state, ppid = stat.rsplit(")", 1)[1].split()[:2]
            with open(f"/proc/{entry}/cmdline", "rb") as fh:
                cmd = fh.read().replace(b"\0", b" ").decode("utf-8", "replace").strip()
        except (OSError, ValueError, IndexError):
            continue
        children.setdefault(int(ppid), []).append(int(entry))
        info[int(entry)] = (state, cmd)
    out: dict[int, str] = {}
    pending = [os.getpid()]
    while pending:
        for child in children.get(pending.pop(), []):
            state, cmd = info.get(child, ("?", ""))
            if state != "Z":
                out[child] = cmd
            pending.append(child)
    return out


def _is_own_helper(pid: int, cmd: str) -> bool:
    """pytest's own multiprocessing helpers: they serve this process for its whole life."""
    if "multiprocessing.resource_tracker" not in cmd and "multiprocessing.forkserver" not in cmd:
        return False
    try:
        with open(f"/proc/{pid}/stat", "rb") as fh:
            return int(fh.read().decode().rsplit(")", 1)[1].split()[1]) == os.getpid()
    except (OSError, ValueError, IndexError):
        return False


def _owned_by_fixture(pid: int) -> bool:
    if pid in _OWNED:
        return True
    try:  # a descendant of an owned process (a server's check workers) is owned too
        with open(f"/proc/{pid}/stat", "rb") as fh:
            ppid = int(fh.read().decode().rsplit(")", 1)[1].split()[1])
    except (OSError, ValueError, IndexError):
        return False
    return ppid != os.getpid() and ppid > 1 and _owned_by_fixture(ppid)


def _leftovers(before: set[int]) -> dict[int, str]:
    import time

    deadline = time.monotonic() + _CHILD_GRACE_S
    while True:
        left = {
            pid: cmd
            for pid, cmd in _descendants().items()
            if pid not in before and not _owned_by_fixture(pid) and not _is_own_helper(pid, cmd)
        }
        if not left or time.monotonic() > deadline:
            return left
        time.sleep(0.2)


def _kill(pids: dict[int, str]) -> None:
    import contextlib
    import signal

    for pid in pids:
        with contextlib.suppress(OSError):
            os.kill(pid, signal.SIGKILL)


@pytest.hookimpl(hookwrapper=True)
def pytest_fixture_setup(fixturedef, request):  # type: ignore[no-untyped-def]
    """Processes started while a wider-scoped fixture sets up are that fixture's until it ends."""
    if fixturedef.scope == "function" or not os.path.isdir("/proc"):
        yield
        return
    before = set(_descendants())
    started: set[int] = set()
    name = fixturedef.argname

    def release() -> None:
        for pid in started:
            _OWNED.pop(pid, None)
        if not started:
            return
        left = _leftovers(set(_descendants()) - started)
        if left:
            _kill(left)
            pytest.fail(f"fixture {name!r} left processes running after it ended: {left}", pytrace=False)

    # registered before the fixture runs, so it runs after the fixture's own teardown (LIFO)
    fixturedef.addfinalizer(release)
    yield
    started.update(pid for pid in _descendants() if pid not in before)
    for pid in started:
        _OWNED[pid] = name


@pytest.fixture(scope="session", autouse=True)
def _subreaper() -> None:
    """Make pytest the subreaper of everything it starts (Linux; elsewhere orphans go unseen)."""
    import contextlib
    import ctypes
    import sys

    if sys.platform.startswith("linux"):
        with contextlib.suppress(OSError, AttributeError):
            ctypes.CDLL(None, use_errno=True).prctl(36, 1)  # PR_SET_CHILD_SUBREAPER


@pytest.fixture(autouse=True)
def no_leftover_processes(_subreaper: None):  # type: ignore[no-untyped-def]
    """Fail the test when a process it started (directly or not) outlives it."""
    if not os.path.isdir("/proc"):
        yield
        return
    before = set(_descendants())
    yield
    left = _leftovers(before)
    if left:
        _kill(left)
        pytest.fail(f"processes outlived the test (killed now): {left}", pytrace=False)
