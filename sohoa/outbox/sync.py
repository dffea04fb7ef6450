"""Qt-free entry points the CLI and the UI call: build clients from the settings, run a sync.

report = run_sync(settings.repository, once=True)        # sohoa sync --once
bg = BackgroundSync(settings.repository, progress=p); bg.start()     # the UI: uploads while it runs
bg.wake()                                                # after enqueueing, or "send now"
bg.stop()
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, fields
from pathlib import Path

from sohoa.core.config import Repository
from sohoa.core.paths import app_paths
from sohoa.core.progress import Progress
from sohoa.outbox.client import RateLimiter, RepositoryClient
from sohoa.outbox.credentials import load_password
from sohoa.outbox.errors import CredentialsMissing, RepositoryNotConfigured
from sohoa.outbox.outbox import Outbox
from sohoa.outbox.uploader import Backoff, SyncReport, Uploader

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class UploadOptions:
    """How to upload, mapped once from the ``[repository]`` settings (every entry point uses this)."""

    url: str = ""
    username: str = ""
    ca_bundle: str = ""
    bandwidth_limit_kbps: int = 0
    chunk_size_kb: int = 1024
    keep_days: int = 30
    timeout_s: float = 30.0
    parallel_uploads: int = 2
    retry_base_s: float = 2.0
    retry_max_s: float = 300.0

    @classmethod
    def from_config(cls, repository: Repository) -> UploadOptions:
        return cls(**{f.name: getattr(repository, f.name) for f in fields(cls)})


def _options(settings: Repository | UploadOptions) -> UploadOptions:
    return settings if isinstance(settings, UploadOptions) else UploadOptions.from_config(settings)


def client_factory(settings: Repository | UploadOptions) -> Callable[[], RepositoryClient]:
    """A factory of clients configured from ``settings`` (password from the keyring)."""
    settings = _options(settings)
    if not settings.url:
        raise RepositoryNotConfigured(path=str(app_paths().config_file))
    password = None
    if settings.username:
        password = load_password(settings.url, settings.username)
        if password is None:
            raise CredentialsMissing(user=settings.username)
    limiter = RateLimiter(settings.bandwidth_limit_kbps * 1000 / 8) if settings.bandwidth_limit_kbps else None

    def make() -> RepositoryClient:
        return RepositoryClient(
            settings.url,
            username=settings.username,
            password=password,
            ca_bundle=settings.ca_bundle,
            timeout=settings.timeout_s,
            chunk_size=settings.chunk_size_kb * 1024,
            limiter=limiter,
        )

    make()  # fail now (bad URL) rather than in a worker thread
    return make


def run_sync(
    settings: Repository | UploadOptions,
    once: bool = True,
    outbox: Outbox | None = None,
    progress: Progress | None = None,
    backoff: Backoff | None = None,
    store_file: Path | None = None,
    clerk: str = "",
) -> SyncReport:
    """Upload the queue (``once``: until empty or offline); then purge old acknowledged files.

    Each acknowledgement moves its document to acknowledged in ``store_file`` (default: this
    workstation's store); ``progress.item`` receives every :class:`SyncEvent`.
    """
    settings = _options(settings)
    box = outbox or Outbox()
    backoff = backoff or Backoff(settings.retry_base_s, settings.retry_max_s)
    uploader = Uploader(
        box,
        client_factory(settings),
        workers=settings.parallel_uploads,
        backoff=backoff,
        progress=progress,
        store_file=store_file,
        clerk=clerk,
    )
    try:
        report = uploader.run(once=once)
    finally:
        box.purge(settings.keep_days)
    return report


class BackgroundSync:
    """The uploader on a daemon thread, for the desktop app (stop() before quitting)."""

    def __init__(
        self,
        settings: Repository | UploadOptions,
        outbox: Outbox | None = None,
        progress: Progress | None = None,
        store_file: Path | None = None,
        clerk: str = "",
    ) -> None:
        settings = _options(settings)
        self.outbox = outbox or Outbox()
        self.uploader = Uploader(
            self.outbox,
            client_factory(settings),
            workers=settings.parallel_uploads,
            backoff=Backoff(settings.retry_base_s, settings.retry_max_s),
            progress=progress,
            store_file=store_file,
            clerk=clerk,
        )
        self.error: BaseException | None = None
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="background-sync", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        try:
            self.uploader.run(once=False)
        except BaseException as e:  # reported to the UI through .error
            log.warning("background sync stopped: %s", e)
            self.error = e

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def wake(self) -> None:
        self.uploader.wake()

    def stop(self, timeout: float = 10.0) -> None:
        self.uploader.stop()
        if self._thread is not None:
            self._thread.join(timeout)
