"""The uploader: claims items from the outbox and brings each to "acknowledged" (or "failed").

For each item: resume or create its tus upload (the URL is kept in the outbox, so a
restart continues from the offset the server reports), send the missing chunks,
then commit the metadata under the item's idempotency key (a replayed commit returns
the first document: never a duplicate). A refusal (4xx) marks the item failed with
the server's reason and the others go on.

Failures are told apart by whose they are (issue 16):
- the *repository's* (nobody listening, 429/502/503/504, a ``Retry-After``): one
  :class:`_Gate` shared by every worker pauses them all; when the pause ends exactly one
  worker probes with a real item while the others wait for its answer. The pause grows
  once per failed probe (once per outage, never once per item) and resets on the first
  answer; ``Retry-After`` sets the pause itself. So a short outage costs one request per
  backoff period and the queue drains seconds after the repository is back.
- an *item's* (a connection broken mid-chunk, a 500): that item alone waits its own
  backoff; no other worker is woken or paused.
Idle workers look at the queue at least every 0.5 s, so an item queued by another
process (the app, a second CLI) goes within a second. A full disk while syncing stops
every worker with :class:`sohoa.outbox.errors.SyncDiskFull` and frees every claim.
"""

from __future__ import annotations

import contextlib
import logging
import os
import random
import sqlite3
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from sohoa.core.errors import SoHoaError, is_disk_full
from sohoa.core.paths import app_paths
from sohoa.core.progress import Progress
from sohoa.outbox.client import Permanent, RepositoryClient, Transient, UploadGone, validate_remote_id
from sohoa.outbox.errors import QueueWriteError, RepositoryOffline, SyncDiskFull
from sohoa.outbox.outbox import ItemState, Outbox, QueueItem
from sohoa.outbox.stats import record_acknowledgement, record_rejection, record_uploaded

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class SyncEvent:
    """What the UI shows: kind is claimed, progress, acknowledged, retry, failed or offline."""

    kind: str
    item_id: int = 0
    detail: str = ""
    done_bytes: int = 0
    total_bytes: int = 0
    reason_en: str = ""  # the server's reason in English (``detail`` is Vietnamese), for --lang en


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
    probe_cap: float = 3.0  # an outage younger than ``probe_window`` is probed at least this often
    probe_window: float = 120.0

    def delay(self, failures: int, retry_after: float | None = None) -> float:
        step = min(self.cap, self.base * 2 ** min(failures, 30))
        delay = step / 2 + random.uniform(0, step / 2)  # noqa: S311  (jitter, not a secret)
        return max(delay, min(retry_after, self.cap)) if retry_after is not None else delay

    def probe_delay(self, probes: int, outage_age: float) -> float:
        """The pause before the next probe of a repository that failed ``probes`` probes in a row."""
        cap = self.cap if outage_age > self.probe_window else min(self.cap, self.probe_cap)
        step = min(cap, self.base * 2 ** min(max(probes - 1, 0), 30))
        return step / 2 + random.uniform(0, step / 2)  # noqa: S311


class _Gate:
    """The repository's state, shared by every worker: up, paused, or waiting for one probe."""

    def __init__(self, backoff: Backoff) -> None:
        self.backoff = backoff
        self.cond = threading.Condition()
        self.paused_until = 0.0
        self.down = False  # an outage is on: after the pause, one probe goes first
        self.probing = False
        self.probes = 0  # failed probes in this outage
        self.since = 0.0

    def enter(self, should_stop: Callable[[], bool]) -> bool | None:
        """Wait until this worker may send. True: it is the probe; False: go; None: stop."""
        with self.cond:
            while not should_stop():
                wait = self.paused_until - time.time()
                if wait > 0:
                    self.cond.wait(min(wait, 0.5))  # slices: a cancel is seen within half a second
                    continue
                if not self.down:
                    return False
                if not self.probing:
                    self.probing = True
                    return True
                self.cond.wait(0.5)  # another worker probes; its answer wakes us
            return None

    def up(self) -> None:
        """The repository answered (whatever it said): the outage, if any, is over."""
        with self.cond:
            if self.down or self.probing or self.paused_until:
                self.down = self.probing = False
                self.probes, self.paused_until = 0, 0.0
                self.cond.notify_all()

    def failed(self, retry_after: float | None, probe: bool = True) -> float:
        """A repository-level failure (offline, 503...): pause everyone; return the pause.

        ``probe=False``: a request already under way when the outage began; it neither grows
        the backoff nor ends the probe of another worker."""
        with self.cond:
            now = time.time()
            if self.down and not probe:
                if retry_after is not None:
                    self.paused_until = max(self.paused_until, now + min(retry_after, self.backoff.cap))
                return max(0.0, self.paused_until - now)
            if not self.down:
                self.down, self.since, self.probes = True, now, 0
            self.probes += 1
            self.probing = False
            if retry_after is not None:
                pause = min(retry_after, self.backoff.cap)
            else:
                pause = self.backoff.probe_delay(self.probes, now - self.since)
            self.paused_until = max(self.paused_until, now + pause)
            self.cond.notify_all()
            return self.paused_until - now

    def probe_done(self) -> None:
        """The probe found nothing to send: let the next worker try when something comes."""
        with self.cond:
            if self.probing:
                self.probing = False
                self.cond.notify_all()

    def reset(self) -> None:
        with self.cond:
            self.paused_until, self.probing = 0.0, False
            self.cond.notify_all()

    def wake_all(self) -> None:
        with self.cond:
            self.cond.notify_all()


BALLAST_BYTES = 1 << 20
IDLE_POLL_S = 0.5  # how often an idle worker looks for items queued by another process


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

        ``store_file`` is the local store whose documents the acknowledgements move and whose statistics
        count them (default: this workstation's, for items that carry a document id).
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
        self._gate = _Gate(self.backoff)
        self._fatal: BaseException | None = None
        self._given_up: set[int] = set()
        self._run_failures: dict[int, int] = {}
        self._once = False
        self.requests_while_down = 0  # probes sent during outages (for tests and the benchmark)
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
        self._gate.reset()
        self._wake.set()

    def stop(self) -> None:
        self._stop.set()
        self._wake.set()  # every waiting worker returns; none clears _stop
        self._gate.wake_all()

    def run(self, once: bool = False) -> SyncReport:
        """Upload until stopped or, with ``once``, until nothing is left that can go now.

        ``once`` ends early (``report.offline``) when the repository cannot be reached.
        Raises :class:`sohoa.outbox.errors.UploaderBusy` if another uploader holds the queue,
        :class:`sohoa.outbox.errors.SyncDiskFull` if the disk filled up.
        """
        self._once = once
        with self.outbox.uploader_lock():
            ballast = self._reserve_space()
            try:
                recovered = self.outbox.recover()
            except sqlite3.Error as e:
                raise _queue_error(e) from e
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
            finally:
                if self._fatal is not None:
                    ballast.unlink(missing_ok=True)  # the room to free the claims on a full disk
                    try:
                        self.outbox.recover()
                    except sqlite3.Error as e:  # the next run frees them in any case
                        log.warning("could not free the claims: %s", e)
        with contextlib.suppress(sqlite3.Error):
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
                probe = self._gate.enter(self._cancelled)
                if probe is None:
                    return
                try:
                    item = self.outbox.claim(token)
                except sqlite3.Error as e:
                    self._die(_queue_error(e))
                    return
                if item is None:
                    if probe:
                        self._gate.probe_done()
                    if self._idle(once):
                        return
                    continue
                if probe:
                    self.requests_while_down += 1
                try:
                    self._process(client, item, probe)
                except SoHoaError as e:  # bad credentials, TLS, a full disk: stop everything
                    self._safe_unclaim(item.id)
                    self._die(e)
                except (sqlite3.Error, OSError) as e:
                    self._safe_unclaim(item.id)
                    self._die(_queue_error(e))
                except Exception as e:  # a bug: stop every worker; run() raises it
                    self._safe_unclaim(item.id)
                    self._die(e)
                finally:
                    if probe:
                        self._gate.probe_done()
        finally:
            client.close()

    def _reserve_space(self) -> Path:
        """A 1 MiB ballast file: deleted when the disk fills, it leaves room to free every claim."""
        ballast = self.outbox.root / "uploader.reserve"
        try:
            if not ballast.exists() or ballast.stat().st_size < BALLAST_BYTES:
                with open(ballast, "wb") as fh:
                    fh.write(b"\0" * BALLAST_BYTES)
                    fh.flush()
                    os.fsync(fh.fileno())
        except OSError:
            ballast.unlink(missing_ok=True)  # no room even for it: the claims are freed next run
        return ballast

    def _die(self, error: BaseException) -> None:
        with self._lock:
            self._fatal = self._fatal or error
        log.warning("uploader stopping: %s", error)
        self.stop()

    def _safe_unclaim(self, item_id: int) -> None:
        try:
            self.outbox.unclaim(item_id)
        except sqlite3.Error as e:  # the disk is full: run() tries recover(), the next run surely does
            log.warning("item %d: could not give its claim back (%s)", item_id, e)

    def _idle(self, once: bool) -> bool:
        """Nothing is due: end (once, nothing left that may still go) or sleep until something is."""
        try:
            due = self.outbox.next_due()
            waiting = self._waiting_ids() if once else set()
        except sqlite3.Error as e:
            self._die(_queue_error(e))
            return True
        if once and (not waiting or waiting <= self._given_up):
            return True
        delay = IDLE_POLL_S if due is None else min(IDLE_POLL_S, max(0.05, due - time.time()))
        self._wake.wait(delay)
        self._wake.clear()
        return self._stop.is_set()

    def _waiting_ids(self) -> set[int]:
        rows = self.outbox._conn().execute(
            "SELECT id FROM items WHERE state IN ('pending', 'uploading', 'uploaded')"
        )
        return {r[0] for r in rows}

    # -- one item ---------------------------------------------------------------------
    def _process(self, client: RepositoryClient, item: QueueItem, probe: bool = False) -> None:
        self.on_event(SyncEvent("claimed", item.id, total_bytes=item.size))
        try:
            url = item.upload_url
            if item.state == ItemState.UPLOADING or url is None:
                url = self._send_bytes(client, item)
                self.outbox.mark_uploaded(item.id, url)  # one transaction records the URL and the state
                if item.document_id:  # the lifecycle's own step: bytes there, commit due
                    record_uploaded(self.store_file or app_paths().store_file, item)
            doc = client.commit(item.key, url, item.metadata.to_wire())
            remote_id = validate_remote_id(doc.get("id"))
        except UploadGone:
            self._gate.up()
            log.info("item %d: the server lost its upload; sending it again", item.id)
            self.outbox.restart_upload(item.id)
            return
        except Transient as e:
            self._transient(item, e, probe)
            return
        except Permanent as e:
            self._gate.up()
            log.warning("item %d refused by the repository: %s (%s)", item.id, e.code, e.en)
            self.outbox.mark_failed(item.id, e.en, e.vi)
            if item.document_id:
                record_rejection(self.store_file or app_paths().store_file, item, e.en)
            self.report.failed.append(item.id)
            self.on_event(SyncEvent("failed", item.id, e.vi, reason_en=e.en))
            return
        self._gate.up()
        self.outbox.mark_acknowledged(item.id, remote_id)
        store = self.store_file or (app_paths().store_file if item.document_id else None)
        if store is not None:  # no store named and no document: a bare queue (benchmarks) counts nothing
            record_acknowledgement(store, item, remote_id, self.clerk)
        self.report.acknowledged.append(item.id)
        log.info("item %d acknowledged as %s", item.id, remote_id)
        self.on_event(SyncEvent("acknowledged", item.id, remote_id, item.size, item.size))

    def _send_bytes(self, client: RepositoryClient, item: QueueItem) -> str:
        url = item.upload_url
        offset = 0
        if url:
            try:
                offset = client.get_offset(url)
            except UploadGone:
                url = None
        if not url:
            # filename/filetype: what other tus servers expect; a neutral name, never the clerk's
            tus_meta = {
                "key": item.key,
                "sha256": item.sha256,
                "filename": f"{item.key}.pdf",
                "filetype": "application/pdf",
            }
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

    def _transient(self, item: QueueItem, e: Transient, probe: bool = False) -> None:
        if self._stop.is_set():
            self.outbox.unclaim(item.id)
            return
        self.report.last_error = e.en
        if e.offline or e.service or e.retry_after is not None or e.broken:
            # the repository's or the network's failure, not the item's: the item waits with the
            # others, unpenalised. A connection broken mid-request is probed again at once.
            pause = self._gate.failed(0.0 if e.broken and e.retry_after is None else e.retry_after, probe)
            self.outbox.release(item.id, pause, e.en, e.vi, count=False)
            limit = self.max_failures_per_run * self.workers
            if self._once and (e.offline or self._gate.probes >= limit):
                self.report.offline = True  # a --once run does not wait out an outage
                self.stop()
            log.info("repository unavailable (%s); every worker waits %.1f s", e.en, pause)
            self.on_event(SyncEvent("offline" if e.offline else "retry", item.id, e.vi, reason_en=e.en))
            return
        self._gate.up()  # it answered, or the connection broke mid-request: the item's problem
        delay = self.backoff.delay(item.failures)
        self.outbox.release(item.id, delay, e.en, e.vi)
        with self._lock:
            self._run_failures[item.id] = self._run_failures.get(item.id, 0) + 1
            if self._run_failures[item.id] >= self.max_failures_per_run:
                self._given_up.add(item.id)  # a --once run leaves it for the next run
        log.info("item %d: passing failure (%s); retry in %.1f s", item.id, e.en, delay)
        self.on_event(SyncEvent("retry", item.id, e.vi, reason_en=e.en))


def _queue_error(e: sqlite3.Error | OSError) -> SoHoaError:
    if is_disk_full(e):
        return SyncDiskFull()
    if isinstance(e, OSError):
        return QueueWriteError(path=str(e.filename or "?"), detail=e.strerror or str(e))
    return QueueWriteError(path="outbox.db", detail=str(e))


def raise_if_offline(report: SyncReport) -> None:
    """For ``sohoa sync --once``: turn an offline run into the NETWORK exit code."""
    if report.offline:
        raise RepositoryOffline(detail=report.last_error, left=report.left)
