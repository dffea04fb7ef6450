"""Start the reference server as a real process on loopback, for tests, benchmarks and the demo.

with run_server(data_dir, trust_roots=[ca_pem]) as server:
    server.url            # "http://127.0.0.1:PORT"
    server.set_faults(status=503, status_count=3, retry_after=1)
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import requests


@dataclass
class RunningServer:
    url: str
    process: subprocess.Popen[bytes]
    data_dir: Path
    verify: str | bool = True

    @property
    def _admin_headers(self) -> dict[str, str]:
        token_file = self.data_dir / "admin-token"
        return {"Authorization": f"Bearer {token_file.read_text().strip()}"} if token_file.exists() else {}

    def set_faults(self, **faults: Any) -> dict[str, Any]:
        """Replace the fault settings (see :class:`reference_repository.faults.Faults`); {} clears them."""
        r = requests.put(
            f"{self.url}/_admin/faults",
            json=faults,
            timeout=10,
            verify=self.verify,
            headers=self._admin_headers,
        )
        r.raise_for_status()
        return r.json()

    def fault_counters(self) -> dict[str, int]:
        r = requests.get(
            f"{self.url}/_admin/faults", timeout=10, verify=self.verify, headers=self._admin_headers
        )
        r.raise_for_status()
        return r.json()["counters"]

    def documents(self) -> list[dict[str, Any]]:
        """Every committed document, read from the server's database (no API for "all")."""
        from reference_repository.storage import Storage

        return Storage(self.data_dir).all_documents()


@contextlib.contextmanager
def run_server(
    data_dir: Path,
    port: int = 0,
    trust_roots: list[Path] | None = None,
    users_file: Path | None = None,
    tls: tuple[Path, Path] | None = None,
    admin: bool = True,
    extra_args: list[str] | None = None,
    startup_timeout: float = 120.0,  # a loaded machine: the check workers import pyHanko before "ready"
) -> Iterator[RunningServer]:
    """Run ``sohoa-repository serve`` in a subprocess; yield once it answers; stop it on exit."""
    data_dir = Path(data_dir)
    data_dir.mkdir(parents=True, exist_ok=True)
    ready = data_dir / f".ready-{os.getpid()}-{time.monotonic_ns()}"
    cmd = [sys.executable, "-m", "reference_repository.cli", "serve", "--port", str(port)]
    cmd += ["--data", str(data_dir), "--ready-file", str(ready)]
    for root in trust_roots or []:
        cmd += ["--trust", str(root)]
    if users_file:
        cmd += ["--users", str(users_file)]
    if tls:
        cmd += ["--tls-cert", str(tls[0]), "--tls-key", str(tls[1])]
    if admin:
        cmd.append("--admin")
    cmd += extra_args or []
    log_file = open(data_dir / "server.log", "ab")
    root_dir = str(Path(__file__).resolve().parents[1])
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(filter(None, [root_dir, os.environ.get("PYTHONPATH")])),
    }
    proc = subprocess.Popen(cmd, stdout=log_file, stderr=subprocess.STDOUT, env=env)
    try:
        url = _wait_ready(proc, ready, startup_timeout, data_dir / "server.log")
        verify: str | bool = str(tls[0]) if tls else True
        yield RunningServer(url=url, process=proc, data_dir=data_dir, verify=verify)
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(5)
        log_file.close()
        with contextlib.suppress(FileNotFoundError):
            ready.unlink()


def _wait_ready(proc: subprocess.Popen[bytes], ready: Path, timeout: float, log_path: Path) -> str:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(
                f"the reference server exited ({proc.returncode}): {log_path.read_text()[-2000:]}"
            )
        if ready.exists():
            return ready.read_text().strip()
        time.sleep(0.05)
    proc.kill()
    raise RuntimeError(
        f"the reference server did not start within {timeout} s: {log_path.read_text()[-2000:]}"
    )


class RestartableServer:
    """The server as a process that tests kill (SIGKILL) and start again on the same port and data.

    with RestartableServer(data_dir, trust_roots=[ca]) as server:
        server.kill(); ...; server.start()   # a crash, an outage, a restart
    """

    def __init__(
        self, data_dir: Path, trust_roots: list[Path] | None = None, extra_args: list[str] | None = None
    ):
        self.data_dir = Path(data_dir)
        self.data_dir.mkdir(parents=True, exist_ok=True)
        self.trust_roots = trust_roots or []
        self.extra_args = extra_args or []
        self.port = 0
        self.url = ""
        self.process: subprocess.Popen[bytes] | None = None
        self.starts = 0

    def start(self, timeout: float = 120.0) -> str:
        ready = self.data_dir / f".ready-{os.getpid()}-{time.monotonic_ns()}"
        cmd = [sys.executable, "-m", "reference_repository.cli", "serve", "--port", str(self.port)]
        cmd += ["--data", str(self.data_dir), "--ready-file", str(ready), "--admin"]
        for root in self.trust_roots:
            cmd += ["--trust", str(root)]
        cmd += self.extra_args
        root_dir = str(Path(__file__).resolve().parents[1])
        env = {
            **os.environ,
            "PYTHONPATH": os.pathsep.join(filter(None, [root_dir, os.environ.get("PYTHONPATH")])),
        }
        with open(self.data_dir / "server.log", "ab") as log_file:
            self.process = subprocess.Popen(cmd, stdout=log_file, stderr=subprocess.STDOUT, env=env)
        try:
            self.url = _wait_ready(self.process, ready, timeout, self.data_dir / "server.log")
        finally:
            with contextlib.suppress(FileNotFoundError):
                ready.unlink()
        self.port = int(self.url.rsplit(":", 1)[1])
        self.starts += 1
        return self.url

    def kill(self) -> None:
        """SIGKILL: no cleanup of any kind (the check workers follow it, see check_pool)."""
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait(10)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(5)

    def documents(self) -> list[dict[str, Any]]:
        from reference_repository.storage import Storage

        return Storage(self.data_dir).all_documents()

    def __enter__(self) -> RestartableServer:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()
