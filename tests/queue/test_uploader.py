# ruff: noqa: S113  (requests to the loopback test server)
"""The uploader against the real reference server: happy path, resume, faults, refusals, offline."""

from __future__ import annotations

import hashlib
import socket
import threading
import time
from pathlib import Path

import pytest
import requests

from sohoa.core.model import DocumentKind
from sohoa.core.progress import Reporter
from sohoa.outbox.client import RepositoryClient
from sohoa.outbox.errors import RepositoryOffline, UploaderBusy
from sohoa.outbox.outbox import ItemState, Outbox
from sohoa.outbox.sync import BackgroundSync, client_factory, run_sync
from sohoa.outbox.uploader import Backoff, SyncEvent, Uploader, raise_if_offline
from tests.queue.conftest import metadata, repo_settings


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _server_copy(repo, doc_id: str) -> bytes:  # type: ignore[no-untyped-def]
    r = requests.get(f"{repo.url}/api/v1/documents/{doc_id}/content", timeout=10)
    r.raise_for_status()
    return r.content


def _enqueue(box: Outbox, paths: list[Path], first: int = 1, **kw: object) -> list[int]:
    return [box.enqueue(p, metadata(first + i, **kw)) for i, p in enumerate(paths)]  # type: ignore[arg-type]


def test_documents_arrive_byte_identical_and_acknowledged(repo, samples, tmp_path) -> None:
    box = Outbox(tmp_path / "outbox")
    ids = _enqueue(box, samples[:3], first=100, kind=DocumentKind.RESULT)
    report = run_sync(repo_settings(repo.url), outbox=box)
    assert sorted(report.acknowledged) == ids and report.left == 0 and not report.failed
    for item_id, path in zip(ids, samples[:3], strict=True):
        item = box.get(item_id)
        assert item.state == ItemState.ACKNOWLEDGED
        assert hashlib.sha256(_server_copy(repo, item.remote_id)).hexdigest() == _sha(path)
    found = requests.get(
        f"{repo.url}/api/v1/documents", params={"dossier_code": "H15.50.05.13-261008-0100"}
    ).json()
    meta = found["documents"][0]["metadata"]
    assert meta["MaGiayToKetQua"] == "KQ.H15-2026-000100" and meta["kind"] == "result"
    assert meta["page_count"] == 1 and "SoHoa test" in meta["signer"]


def test_upload_resumes_from_the_servers_offset(repo, samples, tmp_path) -> None:
    box = Outbox(tmp_path / "outbox")
    (item_id,) = _enqueue(box, samples[3:4], first=110)
    item = box.get(item_id)
    client = RepositoryClient(repo.url, chunk_size=16 * 1024)
    url = client.create_upload(item.size, {"key": item.key})
    data = samples[3].read_bytes()
    half = (len(data) // 2 // 16384) * 16384
    client.chunk_size = half  # send the first half only, as if the uploader had been killed
    client.upload(url, box.file_path(item.sha256), 0, half)
    box.set_upload_url(item_id, url)
    sent_before = client.get_offset(url)
    assert sent_before == half
    patches: list[int] = []
    report = run_sync(
        repo_settings(repo.url),
        outbox=box,
        progress=Reporter(on_item=lambda e: patches.append(e.done_bytes) if e.kind == "progress" else None),
    )
    assert report.acknowledged == [item_id]
    assert patches and min(patches) > half  # it went on from the middle, never from byte 0
    assert box.get(item_id).upload_url == url
    assert (
        hashlib.sha256(_server_copy(repo, box.get(item_id).remote_id)).digest()
        == hashlib.sha256(data).digest()
    )


def test_connection_dropped_mid_chunk_is_retried(repo, samples, tmp_path) -> None:
    box = Outbox(tmp_path / "outbox")
    ids = _enqueue(box, samples[4:6], first=120)
    repo.set_faults(drop_after_bytes=6000, drop_count=4, path_prefix="/files/")
    report = run_sync(repo_settings(repo.url, parallel_uploads=1), outbox=box)
    assert repo.fault_counters()["dropped"] == 4
    assert sorted(report.acknowledged) == ids
    for item_id, path in zip(ids, samples[4:6], strict=True):
        assert hashlib.sha256(_server_copy(repo, box.get(item_id).remote_id)).hexdigest() == _sha(path)


def test_503_storm_with_retry_after_is_waited_out(repo, samples, tmp_path) -> None:
    box = Outbox(tmp_path / "outbox")
    ids = _enqueue(box, samples[6:8], first=130)
    repo.set_faults(status=503, status_count=12, retry_after=0)
    report = run_sync(repo_settings(repo.url), outbox=box)
    assert repo.fault_counters()["statused"] == 12
    assert sorted(report.acknowledged) == ids


def test_retry_after_sets_the_next_attempt(repo, samples, tmp_path) -> None:
    """A 503 with Retry-After: 30 makes the item wait at least 30 s, even with a 0.05 s backoff."""
    box = Outbox(tmp_path / "outbox")
    (item_id,) = _enqueue(box, samples[8:9], first=140)
    repo.set_faults(status=503, retry_after=30)
    events: list[SyncEvent] = []
    bg = BackgroundSync(
        repo_settings(repo.url, retry_max_s=60), outbox=box, progress=Reporter(on_item=events.append)
    )
    bg.start()
    deadline = time.monotonic() + 20
    while not any(e.kind == "retry" for e in events) and time.monotonic() < deadline:
        time.sleep(0.05)
    bg.stop()
    row = (
        box._conn()
        .execute("SELECT next_attempt_at, updated_at, state FROM items WHERE id = ?", (item_id,))
        .fetchone()
    )
    assert row["state"] == "pending"
    assert row["next_attempt_at"] - row["updated_at"] >= 29.5
    assert repo.fault_counters()["statused"] == 1  # and it did not hammer the server meanwhile


def test_slow_answers_time_out_then_succeed(repo, samples, tmp_path) -> None:
    box = Outbox(tmp_path / "outbox")
    (item_id,) = _enqueue(box, samples[9:10], first=150)
    repo.set_faults(delay_s=1.5)
    report = run_sync(repo_settings(repo.url, timeout_s=0.5), outbox=box, backoff=Backoff(0.05, 0.2))
    assert report.acknowledged == [] and report.left == 1  # every answer came too late
    assert "broke" in (box.get(item_id).last_error or "")
    repo.set_faults(delay_s=0.05)  # slow but within the timeout
    report = run_sync(repo_settings(repo.url, timeout_s=5), outbox=box)
    assert report.acknowledged == [item_id]


def test_refused_document_fails_with_reason_and_others_go_on(
    repo, samples, untrusted_sample, tmp_path
) -> None:
    box = Outbox(tmp_path / "outbox")
    good = _enqueue(box, samples[10:12], first=160)
    bad = box.enqueue(untrusted_sample, metadata(170))
    report = run_sync(repo_settings(repo.url), outbox=box)
    assert report.failed == [bad]
    assert sorted(report.acknowledged) == good
    item = box.get(bad)
    assert item.state == ItemState.FAILED and "trusted root" in (item.last_error or "")
    entry = box.list(state="failed")[0]
    assert "tin cậy" in (entry.last_error_vi or "")
    assert box.file_path(item.sha256).exists()  # never deleted before acknowledgement


def test_retried_commit_never_duplicates(repo, samples, tmp_path) -> None:
    box = Outbox(tmp_path / "outbox")
    (item_id,) = _enqueue(box, samples[12:13], first=180)
    run_sync(repo_settings(repo.url), outbox=box)
    first = box.get(item_id)
    client = RepositoryClient(repo.url)
    again = client.commit(first.key, first.upload_url or "", first.metadata.to_wire())
    assert again["id"] == first.remote_id
    docs = requests.get(
        f"{repo.url}/api/v1/documents", params={"dossier_code": "H15.50.05.13-261008-0180"}
    ).json()
    assert len(docs["documents"]) == 1


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_offline_once_stops_and_keeps_the_queue(samples, tmp_path) -> None:
    box = Outbox(tmp_path / "outbox")
    (item_id,) = _enqueue(box, samples[13:14], first=190)
    report = run_sync(repo_settings(f"http://127.0.0.1:{_closed_port()}"), outbox=box)
    assert report.offline and report.left == 1
    assert box.get(item_id).state == ItemState.PENDING
    with pytest.raises(RepositoryOffline) as e:
        raise_if_offline(report)
    assert "1" in e.value.message("vi") and "hàng đợi" in e.value.message("vi")


def test_offline_daemon_waits_quietly(samples, tmp_path) -> None:
    """While offline the uploader sleeps on its backoff: a handful of attempts in 2 s, not thousands."""
    box = Outbox(tmp_path / "outbox")
    _enqueue(box, samples[14:15], first=200)
    events: list[SyncEvent] = []
    bg = BackgroundSync(
        repo_settings(f"http://127.0.0.1:{_closed_port()}", retry_base_s=0.5, parallel_uploads=1),
        outbox=box,
        progress=Reporter(on_item=events.append),
    )
    bg.start()
    time.sleep(2.0)
    bg.stop()
    offline = [e for e in events if e.kind == "offline"]
    assert 1 <= len(offline) <= 6
    assert not bg.running


def test_wake_sends_a_new_item_at_once(repo, samples, tmp_path) -> None:
    box = Outbox(tmp_path / "outbox")
    done = threading.Event()
    bg = BackgroundSync(
        repo_settings(repo.url),
        outbox=box,
        progress=Reporter(on_item=lambda e: done.set() if e.kind == "acknowledged" else None),
    )
    bg.start()
    try:
        time.sleep(0.2)
        (item_id,) = _enqueue(box, samples[15:16], first=210)
        bg.wake()
        assert done.wait(20)
    finally:
        bg.stop()
    assert box.get(item_id).state == ItemState.ACKNOWLEDGED


def test_only_one_uploader_per_queue(repo, tmp_path) -> None:
    box = Outbox(tmp_path / "outbox")
    with box.uploader_lock(), pytest.raises(UploaderBusy):
        Uploader(box, client_factory(repo_settings(repo.url))).run(once=True)


def test_server_losing_the_upload_restarts_it(repo, samples, tmp_path) -> None:
    box = Outbox(tmp_path / "outbox")
    (item_id,) = _enqueue(box, samples[16:17], first=220)
    box.set_upload_url(item_id, f"{repo.url}/files/{'0' * 32}")  # an upload the server never had
    report = run_sync(repo_settings(repo.url), outbox=box)
    assert report.acknowledged == [item_id]
    assert not box.get(item_id).upload_url.endswith("0" * 32)  # type: ignore[union-attr]
