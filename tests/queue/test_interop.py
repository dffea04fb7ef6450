# ruff: noqa: S113  (loopback servers; known programs)
"""tus interoperability (issue 16): a misreading of the spec shared by our client and our server
would pass every other test, so each side is tried against another implementation.

- third-party clients against the reference server: ``tuspy`` (PyPI) and ``tus-js-client``
  (npm, run by node): upload, resume after a dropped connection, checksum (tuspy's expiration
  is in test_server_security.py, on the short-expiry server started there);
- our client against a third-party server, ``tuspyserver`` (PyPI): upload, creation-with-upload,
  resume, expiration. (``@tus/server`` needs Node >= 20.19; Debian 12 ships Node 18.)
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

from sohoa.outbox.client import RepositoryClient, UploadGone
from tests.queue.conftest import OWNER_ID, repo_root, subprocess_env

INTEROP = Path(__file__).resolve().parent / "interop"
TUS = {"Tus-Resumable": "1.0.0"}


def _commit(url: str, upload_url: str, data: bytes, key: str) -> requests.Response:
    meta = {
        "MaHoSo": "H15.50.05.13-261008-0990",
        "kind": "component",
        "owner_id": OWNER_ID,
        "sha256": hashlib.sha256(data).hexdigest(),
        "size": len(data),
    }
    return requests.post(
        f"{url}/api/v1/documents",
        json={"upload_url": upload_url, "metadata": meta},
        headers={"Idempotency-Key": key},
    )


def _stored(server, upload_url: str) -> bytes:  # type: ignore[no-untyped-def]
    return (server.data_dir / "uploads" / upload_url.rstrip("/").rsplit("/", 1)[1]).read_bytes()


# -- tuspy against the reference server --------------------------------------------------------
def test_tuspy_uploads_with_checksums_and_the_document_commits(repo, samples) -> None:
    from tusclient import client as tus

    data = samples[33].read_bytes()
    uploader = tus.TusClient(f"{repo.url}/files").uploader(
        str(samples[33]), chunk_size=16 * 1024, metadata={"filename": "a.pdf"}, upload_checksum=True
    )
    uploader.upload()
    assert _stored(repo, uploader.url) == data
    r = _commit(repo.url, uploader.url, data, "tuspy-key-0001")
    assert r.status_code == 201, r.text
    assert requests.get(f"{repo.url}/api/v1/documents/{r.json()['id']}/content").content == data


def test_tuspy_resumes_after_a_dropped_connection(repo, samples) -> None:
    from tusclient import client as tus

    data = samples[34].read_bytes()
    repo.set_faults(drop_after_bytes=20_000, drop_count=2, path_prefix="/files/")
    uploader = tus.TusClient(f"{repo.url}/files").uploader(
        str(samples[34]), chunk_size=32 * 1024, retries=5, retry_delay=0, upload_checksum=True
    )
    uploader.upload()
    assert repo.fault_counters()["dropped"] == 2
    assert _stored(repo, uploader.url) == data


def test_a_chunk_whose_checksum_does_not_match_is_refused(repo, samples) -> None:
    """tuspy's checksum made over other bytes (the chunk damaged on the way): 460, nothing kept."""
    from tusclient import client as tus
    from tusclient.exceptions import TusCommunicationError

    uploader = tus.TusClient(f"{repo.url}/files").uploader(
        str(samples[35]), chunk_size=16 * 1024, upload_checksum=True
    )
    uploader._BaseUploader__checksum_algorithm = lambda chunk: hashlib.sha1(chunk + b"damaged")  # noqa: S324
    with pytest.raises(TusCommunicationError) as e:
        uploader.upload_chunk()
    assert e.value.status_code == 460
    assert uploader.get_offset() == 0  # nothing of the damaged chunk was kept


# -- tus-js-client (node) against the reference server ----------------------------------------
def _node() -> str:
    node = shutil.which("node")
    if node is None or not (INTEROP / "node_modules" / "tus-js-client").is_dir():
        pytest.skip("node or tus-js-client missing: run 'make setup' (installer/setup.sh installs them)")
    return node


def _js_upload(url: str, path: Path, chunk: int) -> dict[str, object]:
    r = subprocess.run(
        [_node(), str(INTEROP / "upload.mjs"), f"{url}/files", str(path), str(chunk)],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=INTEROP,
    )
    assert r.returncode == 0, r.stderr + r.stdout
    return dict(json.loads(r.stdout.strip().splitlines()[-1]))


def test_tus_js_client_uploads_and_the_document_commits(repo, samples) -> None:
    data = samples[37].read_bytes()
    result = _js_upload(repo.url, samples[37], 16 * 1024)
    assert result["bytes"] == len(data) and result["retries"] == 0
    assert _stored(repo, str(result["url"])) == data
    r = _commit(repo.url, str(result["url"]), data, "tus-js-key-0001")
    assert r.status_code == 201, r.text


def test_tus_js_client_resumes_after_a_dropped_connection(repo, samples) -> None:
    data = samples[38].read_bytes()
    repo.set_faults(drop_after_bytes=20_000, drop_count=2, path_prefix="/files/")
    result = _js_upload(repo.url, samples[38], 48 * 1024)
    assert repo.fault_counters()["dropped"] == 2 and result["retries"] >= 1
    assert _stored(repo, str(result["url"])) == data


# -- our client against tuspyserver -----------------------------------------------------------
@pytest.fixture
def tuspyserver(tmp_path):  # type: ignore[no-untyped-def]
    pytest.importorskip("tuspyserver")
    ready = tmp_path / "ready"
    files = tmp_path / "files"
    proc = subprocess.Popen(
        [sys.executable, str(INTEROP / "tuspy_server.py"), str(files), str(ready)],
        env=subprocess_env(),
        cwd=repo_root(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 30
        while not ready.exists():
            assert proc.poll() is None and time.monotonic() < deadline, (
                proc.stderr.read() if proc.stderr else ""
            )
            time.sleep(0.05)
        yield ready.read_text().strip(), files
    finally:
        proc.terminate()
        proc.wait(10)


def test_our_client_uploads_and_resumes_against_tuspyserver(tuspyserver, samples) -> None:
    url, files = tuspyserver
    data = samples[39].read_bytes()
    meta = {"key": "k1", "filename": "k1.pdf", "filetype": "application/pdf"}
    client = RepositoryClient(url, chunk_size=16 * 1024)
    upload_url = client.create_upload(len(data), meta)
    half = 3 * 16 * 1024
    client.upload(upload_url, samples[39], 0, half)  # then the connection (and the client) is gone
    client.close()
    again = RepositoryClient(url, chunk_size=16 * 1024)
    offset = again.get_offset(upload_url)
    assert offset == half
    again.upload(upload_url, samples[39], offset, len(data))
    assert (files / upload_url.rsplit("/", 1)[1]).read_bytes() == data
    # creation-with-upload: the whole (small) file in the creating request
    small = samples[0].read_bytes()[:20_000]
    small_path = files.parent / "small.bin"
    small_path.write_bytes(small)
    with_body, sent = again.create_upload_with_body(small_path, len(small), {**meta, "key": "k2"})
    if sent < len(small):  # a server may ignore the body; then it is PATCHed as usual
        again.upload(with_body, small_path, sent, len(small))
    assert again.get_offset(with_body) == len(small)
    assert (files / with_body.rsplit("/", 1)[1]).read_bytes() == small


def test_our_client_sees_an_expired_upload_on_tuspyserver_as_gone(tuspyserver, samples) -> None:
    url, files = tuspyserver
    client = RepositoryClient(url, chunk_size=16 * 1024)
    size = samples[1].stat().st_size
    upload_url = client.create_upload(
        size, {"key": "k3", "filename": "k3.pdf", "filetype": "application/pdf"}
    )
    client.upload(upload_url, samples[1], 0, 16 * 1024)
    info_path = files / (upload_url.rsplit("/", 1)[1] + ".info")
    info = json.loads(info_path.read_text())
    info["expires"] = "Mon, 01 Jan 2024 00:00:00 GMT"  # time passes on the other server
    info_path.write_text(json.dumps(info))
    with pytest.raises(UploadGone):
        client.get_offset(upload_url)
    assert os.path.exists(info_path)
