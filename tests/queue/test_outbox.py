"""The outbox: atomic enqueue (also on a full disk), exclusive claims, states, retry, purge."""

from __future__ import annotations

import errno
import os
import shutil
import sqlite3
import subprocess
import threading
import time
from pathlib import Path

import pytest

from sohoa.core.errors import InputError, ValidationError
from sohoa.core.model import DocumentKind
from sohoa.outbox.errors import ItemNotFound, ItemNotRetryable, NotASignedPdf, QueueDiskFull
from sohoa.outbox.metadata import DocumentMetadata
from sohoa.outbox.outbox import ItemState, Outbox
from tests.queue.conftest import OWNER_ID, metadata


def _consistent(box: Outbox) -> None:
    """Every row's file exists with its hash, and no temporary file is left behind."""
    import hashlib

    for entry in box.list():
        item = box.get(entry.id)
        data = box.file_path(item.sha256).read_bytes()
        assert hashlib.sha256(data).hexdigest() == item.sha256 and len(data) == item.size
    assert not list(box.files.glob("*.part"))
    assert box._conn().execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_enqueue_stores_by_hash_with_portal_metadata(samples, tmp_path) -> None:
    box = Outbox(tmp_path / "ob")
    item_id = box.enqueue(samples[0], metadata(1, DocumentKind.RESULT))
    item = box.get(item_id)
    assert item.state == ItemState.PENDING and item.failures == 0
    assert box.file_path(item.sha256).read_bytes() == samples[0].read_bytes()
    wire = item.metadata.to_wire()
    assert wire["MaHoSo"] == "H15.50.05.13-261008-0001" and wire["MaGiayToKetQua"] == "KQ.H15-2026-000001"
    assert wire["MaTTHC"] == "1.001757" and wire["owner_id"] == OWNER_ID and wire["page_count"] == 1
    assert "SoHoa test" in wire["signer"] and wire["filename"] == samples[0].name
    assert oct(box.db_path.stat().st_mode & 0o777) == "0o600"
    assert box._conn().execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert box._conn().execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL


def test_same_file_twice_is_two_items_one_file(samples, tmp_path) -> None:
    box = Outbox(tmp_path / "ob")
    a, b = box.enqueue(samples[0], metadata(1)), box.enqueue(samples[0], metadata(2))
    assert a != b and box.get(a).key != box.get(b).key
    assert len(list(box.files.iterdir())) == 1


def test_bad_inputs_are_refused_before_anything_is_stored(make_sample, tmp_path) -> None:
    box = Outbox(tmp_path / "ob")
    with pytest.raises(NotASignedPdf, match="no digital signature"):
        box.enqueue(make_sample(signed=False), metadata(1))
    junk = tmp_path / "junk.pdf"
    junk.write_bytes(b"not a pdf at all")
    with pytest.raises(NotASignedPdf) as e:
        box.enqueue(junk, metadata(1))
    assert "đã ký" in e.value.message("vi")
    with pytest.raises(InputError):
        box.enqueue(tmp_path / "missing.pdf", metadata(1))
    with pytest.raises(ValidationError, match="result code"):
        DocumentMetadata(dossier_code="H15.50.05.13-261008-0001", kind=DocumentKind.RESULT).validated()
    with pytest.raises(ValidationError):
        DocumentMetadata(dossier_code="not a code", kind=DocumentKind.COMPONENT).validated()
    with pytest.raises(ValidationError):
        metadata(1, owner_id="12345")
    assert box.counts()[ItemState.PENDING] == 0 and not list(box.files.iterdir())


def test_enqueue_with_injected_enospc_leaves_the_queue_consistent(samples, tmp_path, monkeypatch) -> None:
    box = Outbox(tmp_path / "ob")
    box.enqueue(samples[0], metadata(1))
    real_fsync = os.fsync

    def full(fd: int) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "fsync", full)
    with pytest.raises(QueueDiskFull) as e:
        box.enqueue(samples[1], metadata(2))
    assert "đầy" in e.value.message("vi")
    monkeypatch.setattr(os, "fsync", real_fsync)
    assert box.counts()[ItemState.PENDING] == 1
    _consistent(box)
    assert len(list(box.files.iterdir())) == 1
    box.enqueue(samples[1], metadata(2))  # space is back: it works
    _consistent(box)


def test_database_full_after_the_file_landed_removes_the_file(samples, tmp_path, monkeypatch) -> None:
    box = Outbox(tmp_path / "ob")
    conn = box._conn()

    class FullConnection:
        def __init__(self, real: sqlite3.Connection) -> None:
            self.real = real

        def execute(self, sql: str, *args: object):  # type: ignore[no-untyped-def]
            if sql.startswith("INSERT"):
                raise sqlite3.OperationalError("database or disk is full")
            return self.real.execute(sql, *args)

        def __getattr__(self, name: str) -> object:
            return getattr(self.real, name)

    monkeypatch.setattr(box, "_conn", lambda: FullConnection(conn))
    with pytest.raises(QueueDiskFull):
        box.enqueue(samples[2], metadata(3))
    monkeypatch.undo()
    assert box.list() == [] and not list(box.files.iterdir())
    assert not conn.in_transaction


@pytest.fixture
def small_disk(tmp_path: Path):  # type: ignore[no-untyped-def]
    """A real 1 MB tmpfs (needs root); skipped where mounting is not allowed."""
    mount = tmp_path / "small"
    mount.mkdir()
    if os.geteuid() != 0 or not shutil.which("mount"):
        pytest.skip("mounting a tmpfs needs root")
    r = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(mount)], capture_output=True)
    if r.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {r.stderr.decode().strip()}")
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


def test_full_disk_while_enqueueing_keeps_the_queue_consistent(samples, small_disk) -> None:
    box = Outbox(small_disk / "outbox")
    queued, refused = 0, 0
    for n, path in enumerate(samples[:12]):  # 12 x 120 KB does not fit in 1 MB
        try:
            box.enqueue(path, metadata(n + 1))
            queued += 1
        except QueueDiskFull:
            refused += 1
    assert queued >= 3 and refused >= 1
    assert box.counts()[ItemState.PENDING] == queued
    _consistent(box)
    assert len(list(box.files.glob("*.pdf"))) == queued
    box.close()
    assert len(Outbox(small_disk / "outbox").list()) == queued  # reopens cleanly


def test_claims_are_exclusive_across_threads(samples, tmp_path) -> None:
    box = Outbox(tmp_path / "ob")
    ids = {box.enqueue(samples[n % 4], metadata(n + 1)) for n in range(30)}
    got: list[int] = []
    lock = threading.Lock()

    def worker() -> None:
        token = os.urandom(8).hex()
        while (item := box.claim(token)) is not None:
            with lock:
                got.append(item.id)

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(got) == sorted(ids)  # each exactly once
    assert box.counts()[ItemState.UPLOADING] == 30


def test_state_transitions_release_fail_retry_recover(samples, tmp_path) -> None:
    box = Outbox(tmp_path / "ob")
    a = box.enqueue(samples[0], metadata(1))
    b = box.enqueue(samples[1], metadata(2))
    item = box.claim("t1")
    assert item is not None and item.id == a and item.state == ItemState.UPLOADING
    box.release(a, delay=60, error="the connection broke", error_vi="kết nối bị ngắt")
    assert box.get(a).state == ItemState.PENDING and box.get(a).failures == 1
    nxt = box.claim("t1")
    assert nxt is not None and nxt.id == b  # a waits its backoff, b goes on
    assert box.claim("t1") is None
    box.mark_failed(b, "refused", "bị từ chối")
    with pytest.raises(ItemNotRetryable):
        box.retry(a)
    with pytest.raises(ItemNotFound):
        box.retry(999)
    box.retry(b)
    assert box.get(b).state == ItemState.PENDING and box.get(b).last_error is None
    claimed = box.claim("dead-uploader")
    assert claimed is not None and claimed.id == b
    box.mark_uploaded(b)
    assert box.recover() == 1  # the dead uploader's claim is freed; the item stays "uploaded"
    again = box.claim("t2")
    assert again is not None and again.id == b and again.state == ItemState.UPLOADED


def test_purge_keeps_files_until_acknowledged_plus_keep_days(samples, tmp_path) -> None:
    box = Outbox(tmp_path / "ob")
    a = box.enqueue(samples[0], metadata(1))
    b = box.enqueue(samples[1], metadata(2))
    box.mark_acknowledged(a, "remote-a")
    later = time.time() + 10 * 86400
    assert box.purge(keep_days=30, now=later) == 0
    assert box.file_path(box.get(a).sha256).exists()
    sha_a, sha_b = box.get(a).sha256, box.get(b).sha256
    assert box.purge(keep_days=5, now=later) == 1
    assert not box.file_path(sha_a).exists()
    assert box.file_path(sha_b).exists()  # b was never acknowledged: kept whatever its age
    (box.files / "tmp-old.part").write_bytes(b"x")
    os.utime(box.files / "tmp-old.part", (0, 0))
    box.purge(keep_days=5)
    assert not (box.files / "tmp-old.part").exists()


def test_listing_pages_and_filters(samples, tmp_path) -> None:
    box = Outbox(tmp_path / "ob")
    ids = [box.enqueue(samples[0], metadata(n + 1)) for n in range(5)]
    box.mark_failed(ids[1], "x")
    assert [e.id for e in box.list(limit=2, offset=1)] == ids[1:3]
    assert [e.id for e in box.list(state="failed")] == [ids[1]]
    assert box.counts() == {"pending": 4, "uploading": 0, "uploaded": 0, "acknowledged": 0, "failed": 1}
    assert box.outstanding() == 4
