"""Shared test setup: every test runs with its own SoHoa home, headless Qt, one OCR thread."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

# Every test process has one Qt platform: offscreen, on the commonest office-laptop screen (1366x768).
# The QApplication is a process-wide singleton made by the first test that needs it, so the screen
# must not depend on which test module was imported last: it is set here, the one place, and set
# again once collection is over (a module's own assignment at import cannot change it).
QT_PLATFORM = f"offscreen:configfile={Path(__file__).resolve().parent / 'ui' / 'screens' / '1366x768@1.json'}"
os.environ["QT_QPA_PLATFORM"] = QT_PLATFORM  # assigned, never empty: an empty value aborts Python
os.environ["OMP_THREAD_LIMIT"] = "1"


def pytest_collection_finish(session: pytest.Session) -> None:
    os.environ["QT_QPA_PLATFORM"] = QT_PLATFORM


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
# so it is still seen. A process that outlives the test that started it fails the run, unless
# it may belong to a wider-scoped fixture the test used (a module's shared scanner worker, a
# session's server, started lazily or not): then it must end when the last such fixture is torn
# down. The multiprocessing helpers of pytest's own process (resource tracker, forkserver) live
# as long as it does.
_CHILD_GRACE_S = float(os.environ.get("SOHOA_CHILD_GRACE_S", "10"))  # time a child gets to end
_OWNED: dict[int, set[int]] = {}  # pid -> ids of the live wider-scoped fixtures that may own it
_ORIGIN: dict[int, str] = {}  # pid -> the test or fixture that started it (for the message)


def _proc_table() -> tuple[dict[int, list[int]], dict[int, tuple[str, str]]]:
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
    return children, info


def _descendants() -> dict[int, str]:
    """pid -> command line of every live (non-zombie) descendant of this process (Linux /proc)."""
    children, info = _proc_table()
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


def _parent(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/stat", "rb") as fh:
            return int(fh.read().decode().rsplit(")", 1)[1].split()[1])
    except (OSError, ValueError, IndexError):
        return 0


def _owned(pid: int, seen: int = 0) -> bool:
    """Owned by a live fixture, itself or through its parent (a server's check workers)."""
    if _OWNED.get(pid):
        return True
    ppid = _parent(pid)
    return seen < 20 and ppid not in (0, 1, os.getpid()) and _owned(ppid, seen + 1)


def _still_running(candidates: set[int]) -> dict[int, str]:
    """Those of ``candidates`` still alive after the grace period (they may be ending)."""
    import time

    deadline = time.monotonic() + _CHILD_GRACE_S
    while True:
        alive = _descendants()
        left = {pid: alive[pid] for pid in candidates if pid in alive and not _owned(pid)}
        if not left or time.monotonic() > deadline:
            return left
        time.sleep(0.2)


def _kill(pids: dict[int, str]) -> None:
    import contextlib
    import signal

    for pid in pids:
        with contextlib.suppress(OSError):
            os.kill(pid, signal.SIGKILL)


def _may_own_processes(fixturedef) -> bool:  # type: ignore[no-untyped-def]
    """A wider-scoped fixture whose value could hold a process (not a path, a string, a number)."""
    if fixturedef.scope == "function" or fixturedef.argname == "_subreaper":
        return False
    result = getattr(fixturedef, "cached_result", None)
    value = result[0] if result else None
    plain = (str, bytes, int, float, bool, type(None), os.PathLike)
    if isinstance(value, plain) or type(value).__module__.startswith(("_pytest", "pytest")):
        return False
    if isinstance(value, list | tuple | set | frozenset) and all(isinstance(v, plain) for v in value):
        return False
    return True


def _report(left: dict[int, str], where: str) -> None:
    _kill(left)
    lines = "; ".join(
        f"{pid} {cmd[:160]!r} (started by {_ORIGIN.get(pid, '?')})" for pid, cmd in left.items()
    )
    pytest.fail(f"processes outlived {where} (killed now): {lines}", pytrace=False)


class _FixtureOwnership:
    """A plugin, not a conftest hook: pytest calls a conftest's hooks only for nodes inside its
    folder, and a session-scoped fixture's node is the session (the rootdir, above tests/), so as
    a conftest hook this never saw those fixtures and what they owned was never checked."""

    @pytest.hookimpl(hookwrapper=True)
    def pytest_fixture_setup(self, fixturedef, request):  # type: ignore[no-untyped-def]
        yield from _own_processes(fixturedef)


def pytest_configure(config: pytest.Config) -> None:
    config.pluginmanager.register(_FixtureOwnership(), "sohoa-fixture-ownership")


def _own_processes(fixturedef):  # type: ignore[no-untyped-def]
    """A wider-scoped fixture owns what it starts, and what tests using it leave running, until
    it is torn down; then whatever of that is still alive fails the run."""
    if fixturedef.scope == "function" or not os.path.isdir("/proc"):
        yield
        return
    before = set(_descendants())
    me = id(fixturedef)
    name = fixturedef.argname

    def release() -> None:
        mine = {pid for pid, holders in _OWNED.items() if me in holders}
        for pid in mine:
            _OWNED[pid].discard(me)
        orphans = {pid for pid in mine if not _OWNED[pid]}
        for pid in orphans:
            del _OWNED[pid]
        left = _still_running(orphans)
        if left:
            _report(left, f"fixture {name!r}")

    # registered before the fixture runs, so it runs after the fixture's own teardown (LIFO)
    fixturedef.addfinalizer(release)
    yield
    for pid in set(_descendants()) - before:
        _OWNED.setdefault(pid, set()).add(me)
        _ORIGIN.setdefault(pid, f"fixture {name!r}")


def _popen_pids() -> set[int]:
    """The children this process started itself (subprocess, multiprocessing): never reaped here."""
    import gc
    import multiprocessing.process
    import subprocess

    pids = set()
    for obj in gc.get_objects():
        if isinstance(obj, subprocess.Popen | multiprocessing.process.BaseProcess):
            pid = getattr(obj, "pid", None)
            if pid:
                pids.add(pid)
    return pids


def _reap_orphans(stop) -> None:  # type: ignore[no-untyped-def]
    """Reap the zombies of orphans re-parented to pytest (no one else will wait for them), so a
    process that ended is gone, as it would be under init. Children pytest started are left to
    their Popen/Process objects."""
    import contextlib

    known: set[int] = set()
    while not stop.wait(0.3):
        zombies = set()
        for task in os.listdir("/proc/self/task"):
            try:
                with open(f"/proc/self/task/{task}/children") as fh:
                    kids = [int(x) for x in fh.read().split()]
            except OSError:
                continue
            for pid in kids:
                try:
                    with open(f"/proc/{pid}/stat", "rb") as fh:
                        if fh.read().decode().rsplit(")", 1)[1].split()[0] == "Z":
                            zombies.add(pid)
                except (OSError, IndexError):
                    continue
        if not zombies - known:
            continue
        known = _popen_pids()
        for pid in zombies - known:
            with contextlib.suppress(ChildProcessError, OSError):
                os.waitpid(pid, os.WNOHANG)


@pytest.fixture(scope="session", autouse=True)
def _subreaper():  # type: ignore[no-untyped-def]
    """Make pytest the subreaper of everything it starts (Linux; elsewhere orphans go unseen)."""
    import contextlib
    import ctypes
    import sys
    import threading

    if not sys.platform.startswith("linux") or not os.path.exists(f"/proc/self/task/{os.getpid()}/children"):
        yield
        return
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(36, 1)  # PR_SET_CHILD_SUBREAPER
    stop = threading.Event()
    reaper = threading.Thread(target=_reap_orphans, args=(stop,), name="orphan-reaper", daemon=True)
    reaper.start()
    yield
    stop.set()
    reaper.join(2)


@pytest.fixture(autouse=True)
def no_leftover_processes(request, _subreaper: None):  # type: ignore[no-untyped-def]
    """Fail the test when a process it started (directly or not) outlives it and every
    wider-scoped fixture it used."""
    if not os.path.isdir("/proc"):
        yield
        return
    before = set(_descendants())
    yield
    holders = set()
    for defs in request.node._fixtureinfo.name2fixturedefs.values():
        if defs and _may_own_processes(defs[-1]):
            holders.add(id(defs[-1]))
    new = {
        pid: cmd for pid, cmd in _descendants().items() if pid not in before and not _is_own_helper(pid, cmd)
    }
    for pid in new:
        _ORIGIN.setdefault(pid, request.node.nodeid)
        if holders and pid not in _OWNED:
            _OWNED[pid] = set(holders)  # checked when the last of these fixtures ends
    left = _still_running({pid for pid in new if not _owned(pid)})
    if left:
        _report(left, "the test")
