"""Qt-free entry points the CLI and the UI call: build clients from the settings, run a sync.

report = run_sync(settings.repository, once=True)        # sohoa sync --once
bg = BackgroundSync(settings.repository); bg.start()     # the UI: uploads while it runs
bg.wake()                                                # after enqueueing, or "send now"
bg.stop()
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from sohoa.core.config import Repository
from sohoa.core.paths import app_paths
from sohoa.outbox.client import RateLimiter, RepositoryClient
from sohoa.outbox.credentials import load_password
from sohoa.outbox.errors import CredentialsMissing, RepositoryNotConfigured
from sohoa.outbox.outbox import Outbox
from sohoa.outbox.uploader import Backoff, SyncEvent, SyncReport, Uploader

log = logging.getLogger(__name__)


def client_factory(settings: Repository) -> Callable[[], RepositoryClient]:
    """A factory of clients configured from ``settings`` (password from the keyring)."""
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
    settings: Repository,
    once: bool = True,
    outbox: Outbox | None = None,
    on_event: Callable[[SyncEvent], None] | None = None,
    backoff: Backoff | None = None,
) -> SyncReport:
    """Upload the queue (``once``: until empty or offline); then purge old acknowledged files."""
    box = outbox or Outbox()
    backoff = backoff or Backoff(settings.retry_base_s, settings.retry_max_s)
    uploader = Uploader(
        box, client_factory(settings), workers=settings.parallel_uploads, backoff=backoff, on_event=on_event
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
        settings: Repository,
        outbox: Outbox | None = None,
        on_event: Callable[[SyncEvent], None] | None = None,
    ) -> None:
        self.outbox = outbox or Outbox()
        self.uploader = Uploader(
            self.outbox,
            client_factory(settings),
            workers=settings.parallel_uploads,
            backoff=Backoff(settings.retry_base_s, settings.retry_max_s),
            on_event=on_event,
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
