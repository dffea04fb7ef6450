"""The uploader: claims items from the outbox and brings each to "acknowledged" (or "failed").

For each item: resume or create its tus upload (the URL is kept in the outbox, so a
restart continues from the offset the server reports), send the missing chunks,
then commit the metadata under the item's idempotency key (a replayed commit returns
the first document: never a duplicate). Passing failures wait an exponential
backoff with jitter, or the server's ``Retry-After`` if longer; a refusal (4xx) marks
the item failed with the server's reason and the others go on. While the repository
is unreachable the workers sleep on an Event (woken early by :meth:`Uploader.wake`),
so an offline workstation does not spin.
"""

from __future__ import annotations

import logging
import random
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from sohoa.core.errors import SoHoaError
from sohoa.core.paths import app_paths
from sohoa.core.progress import Progress
from sohoa.outbox.client import Permanent, RepositoryClient, Transient, UploadGone
from sohoa.outbox.errors import RepositoryOffline
from sohoa.outbox.outbox import ItemState, Outbox, QueueItem
from sohoa.outbox.stats import record_acknowledgement, record_rejection

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class SyncEvent:
    """What the UI shows: kind is claimed, progress, acknowledged, retry, failed or offline."""

    kind: str
    item_id: int = 0
    detail: str = ""
    done_bytes: int = 0
    total_bytes: int = 0


@dataclass
class SyncReport:
    acknowledged: list[int] = field(default_factory=list)
    failed: list[int] = field(default_factory=list)
    left: int = 0  # items not acknowledged nor failed when the run ended
    offline: bool = False
    last_error: str = ""


@dataclass(frozen=True)
class Backoff:
    """Exponential backoff with "equal jitter": half fixed, half random, so clients spread out."""

    base: float = 1.0
    cap: float = 300.0

    def delay(self, failures: int, retry_after: float | None = None) -> float:
        step = min(self.cap, self.base * 2 ** min(failures, 30))
        delay = step / 2 + random.uniform(0, step / 2)  # noqa: S311  (jitter, not a secret)
        return max(delay, min(retry_after, self.cap)) if retry_after is not None else delay


class Uploader:
    """Drains an outbox into the repository with ``workers`` parallel uploads."""

    def __init__(
        self,
        outbox: Outbox,
        client_factory: Callable[[], RepositoryClient],
        workers: int = 1,
        backoff: Backoff | None = None,
        progress: Progress | None = None,
        max_failures_per_run: int = 8,
        store_file: Path | None = None,
        clerk: str = "",
    ) -> None:
        """``progress.item`` receives every :class:`SyncEvent`; cancelling it stops the uploader.

        ``store_file`` is the local store whose documents the acknowledgements move (default:
        this workstation's).
        """
        self.outbox = outbox
        self.client_factory = client_factory
        self.workers = max(1, workers)
        self.backoff = backoff or Backoff()
        self.progress = progress
        self.store_file = store_file
        self.clerk = clerk
        self.max_failures_per_run = max_failures_per_run
        self._stop = threading.Event()
        self._wake = threading.Event()
        self._lock = threading.Lock()
        self._offline_until = 0.0
        self._offline_failures = 0
        self._fatal: BaseException | None = None
        self._given_up: set[int] = set()
        self._run_failures: dict[int, int] = {}
        self.report = SyncReport()

    def on_event(self, event: SyncEvent) -> None:
        if self.progress is None:
            return
        if event.kind == "progress":
            self.progress(event.done_bytes, event.total_bytes, str(event.item_id))
        self.progress.item(event)

    def _cancelled(self) -> bool:
        if self.progress is not None and self.progress.is_cancelled():
            self.stop()
        return self._stop.is_set()

    # -- control --------------------------------------------------------------------
    def wake(self) -> None:
        """Try again now (new item queued, network back, clerk pressed "send")."""
        with self._lock:
            self._offline_until = 0.0
        self._wake.set()

    def stop(self) -> None:
        self._stop.set()
        self._wake.set()  # every waiting worker returns; none clears _stop

    def run(self, once: bool = False) -> SyncReport:
        """Upload until stopped or, with ``once``, until nothing is left that can go now.

        ``once`` ends early (``report.offline``) when the repository cannot be reached.
        Raises :class:`sohoa.outbox.errors.UploaderBusy` if another uploader holds the queue.
        """
        with self.outbox.uploader_lock():
            recovered = self.outbox.recover()
            if recovered:
                log.info("recovered %d items claimed by an uploader that stopped", recovered)
            threads = [
                threading.Thread(target=self._worker, args=(once,), name=f"uploader-{n}", daemon=True)
                for n in range(self.workers)
            ]
            for t in threads:
                t.start()
            try:
                for t in threads:
                    while t.is_alive():
                        t.join(0.5)
            except BaseException:
                self.stop()
                for t in threads:
                    t.join(5)
                raise
        self.report.left = self.outbox.outstanding()
        if self._fatal is not None:
            raise self._fatal
        return self.report

    # -- the worker loop --------------------------------------------------------------
    def _worker(self, once: bool) -> None:
        token = uuid.uuid4().hex
        client = self.client_factory()
        try:
            while not self._cancelled():
                if self._wait_while_offline(once):
                    return
                item = self.outbox.claim(token)
                if item is None:
                    if self._idle(once):
                        return
                    continue
                try:
                    self._process(client, item)
                    self._wake.set()  # others may be idle-waiting on this item
                except SoHoaError as e:  # bad credentials, TLS: no item can go, stop everything
                    self.outbox.unclaim(item.id)
                    self._fatal = self._fatal or e
                    self.stop()
                except BaseException:
                    self.outbox.unclaim(item.id)
                    raise
        finally:
            client.close()

    def _wait_while_offline(self, once: bool) -> bool:
        """Sleep until the offline backoff ends; True when this worker should end."""
        with self._lock:
            wait = self._offline_until - time.time()
        if wait <= 0:
            return False
        if once:
            self.report.offline = True
            self.stop()
            return True
        self._wake.wait(wait)
        self._wake.clear()  # after waiting, so a wake() that came just before is not lost
        return self._stop.is_set()

    def _idle(self, once: bool) -> bool:
        """Nothing is due: end (once, nothing left that may still go) or sleep until something is."""
        due = self.outbox.next_due()
        if once:
            waiting = self._waiting_ids()
            if not waiting or waiting <= self._given_up:
                return True
        longest = 1.0 if once else 30.0  # a --once run re-checks often so it ends promptly
        delay = longest if due is None else min(longest, max(0.05, due - time.time()))
        self._wake.wait(delay)
        self._wake.clear()
        return self._stop.is_set()

    def _waiting_ids(self) -> set[int]:
        rows = self.outbox._conn().execute(
            "SELECT id FROM items WHERE state IN ('pending', 'uploading', 'uploaded')"
        )
        return {r[0] for r in rows}

    # -- one item ---------------------------------------------------------------------
    def _process(self, client: RepositoryClient, item: QueueItem) -> None:
        self.on_event(SyncEvent("claimed", item.id, total_bytes=item.size))
        try:
            url = item.upload_url
            if item.state == ItemState.UPLOADING or url is None:
                url = self._send_bytes(client, item)
                self.outbox.mark_uploaded(item.id, url)  # one transaction records the URL and the state
            doc = client.commit(item.key, url, item.metadata.to_wire())
        except UploadGone:
            log.info("item %d: the server lost its upload; sending it again", item.id)
            self.outbox.restart_upload(item.id)
            return
        except Transient as e:
            self._transient(item, e)
            return
        except Permanent as e:
            log.warning("item %d refused by the repository: %s (%s)", item.id, e.code, e.en)
            self.outbox.mark_failed(item.id, e.en, e.vi)
            record_rejection(self._store_file(), item, e.en)
            self.report.failed.append(item.id)
            self.on_event(SyncEvent("failed", item.id, e.vi))
            return
        self.outbox.mark_acknowledged(item.id, str(doc["id"]))
        record_acknowledgement(self._store_file(), item, str(doc["id"]), self.clerk)
        with self._lock:
            self._offline_failures = 0
        self.report.acknowledged.append(item.id)
        log.info("item %d acknowledged as %s", item.id, doc["id"])
        self.on_event(SyncEvent("acknowledged", item.id, str(doc["id"]), item.size, item.size))

    def _store_file(self) -> Path:
        return self.store_file or app_paths().store_file

    def _send_bytes(self, client: RepositoryClient, item: QueueItem) -> str:
        url = item.upload_url
        offset = 0
        if url:
            try:
                offset = client.get_offset(url)
            except UploadGone:
                url = None
        if not url:
            tus_meta = {"key": item.key, "sha256": item.sha256}
            if item.size <= client.chunk_size:  # one request creates the upload and carries the file
                url, offset = client.create_upload_with_body(
                    self.outbox.file_path(item.sha256), item.size, tus_meta
                )
                if offset >= item.size:
                    # a crash before mark_uploaded only leaves an orphan upload on the server: the
                    # item is still "uploading" without a URL, so it is sent again (and committed once)
                    self.on_event(SyncEvent("progress", item.id, "", offset, item.size))
                    return url
            else:
                url, offset = client.create_upload(item.size, tus_meta), 0
            self.outbox.set_upload_url(item.id, url)
        if offset < item.size:
            client.upload(
                url,
                self.outbox.file_path(item.sha256),
                offset,
                item.size,
                should_stop=self._cancelled,
                on_progress=lambda done: self.on_event(SyncEvent("progress", item.id, "", done, item.size)),
            )
        return url

    def _transient(self, item: QueueItem, e: Transient) -> None:
        if self._stop.is_set():
            self.outbox.unclaim(item.id)
            return
        delay = self.backoff.delay(item.failures, e.retry_after)
        self.outbox.release(item.id, delay, e.en, e.vi)
        with self._lock:
            self._run_failures[item.id] = self._run_failures.get(item.id, 0) + 1
            if self._run_failures[item.id] >= self.max_failures_per_run:
                self._given_up.add(item.id)  # a --once run leaves it for the next run
        self.report.last_error = e.en
        if e.offline:
            with self._lock:
                self._offline_failures += 1
                pause = self.backoff.delay(self._offline_failures)
                self._offline_until = time.time() + pause
            log.info("repository unreachable; waiting %.1f s", pause)
            self.on_event(SyncEvent("offline", item.id, e.vi))
        else:
            log.info("item %d: passing failure (%s); retry in %.1f s", item.id, e.en, delay)
            self.on_event(SyncEvent("retry", item.id, e.vi))


def raise_if_offline(report: SyncReport) -> None:
    """For ``sohoa sync --once``: turn an offline run into the NETWORK exit code."""
    if report.offline:
        raise RepositoryOffline(detail=report.last_error, left=report.left)
