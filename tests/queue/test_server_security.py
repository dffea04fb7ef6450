# ruff: noqa: S113  (requests to the loopback test server)
"""The reference server is safe to put in front of a pilot (issue 16): per-user access, per-user
idempotency, admin only for admins, hashed passwords, capped bodies and quotas, private files,
expiring uploads, a working access log, and a SIGTERM that ends its check processes."""

from __future__ import annotations

import base64
import hashlib
import http.client
import io
import stat
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlparse

import pytest
import requests

from reference_repository.testing import run_server
from reference_repository.users import add_user
from tests.queue.conftest import OWNER_ID, repo_root, subprocess_env

TUS = {"Tus-Resumable": "1.0.0"}
MIB = 1024 * 1024
USERS = {
    "alice": ("mật-khẩu-a", "clerk", "UBND-An-Phu"),
    "bob": ("mật-khẩu-b", "clerk", "UBND-An-Phu"),
    "carol": ("mật-khẩu-c", "agency", "UBND-An-Phu"),
    "dave": ("mật-khẩu-d", "agency", "UBND-Binh-Minh"),
    "root": ("mật-khẩu-r", "admin", ""),
}


def _auth(name: str) -> tuple[bytes, bytes]:
    return name.encode(), USERS[name][0].encode()


@pytest.fixture(scope="module")
def secure(pki, tmp_path_factory):  # type: ignore[no-untyped-def]
    folder = tmp_path_factory.mktemp("secure")
    users = folder / "users"
    for name, (password, role, agency) in USERS.items():
        add_user(users, name, password, role, agency)
    with run_server(folder / "repo", trust_roots=[pki.ca_cert], users_file=users) as server:
        yield server


def _upload(url: str, user: str, data: bytes) -> str:
    r = requests.post(
        f"{url}/files",
        data=data,
        auth=_auth(user),
        headers={**TUS, "Upload-Length": str(len(data)), "Content-Type": "application/offset+octet-stream"},
    )
    assert r.status_code == 201 and r.headers["Upload-Offset"] == str(len(data)), r.text
    return r.headers["Location"]


def _commit(url: str, user: str, loc: str, data: bytes, key: str) -> requests.Response:
    meta = {
        "MaHoSo": "H15.50.05.13-261008-0900",
        "kind": "component",
        "owner_id": OWNER_ID,
        "sha256": hashlib.sha256(data).hexdigest(),
        "size": len(data),
    }
    return requests.post(
        f"{url}/api/v1/documents",
        json={"upload_url": loc, "metadata": meta},
        auth=_auth(user),
        headers={"Idempotency-Key": key},
    )


def test_each_user_sees_and_commits_only_their_own(secure, samples) -> None:
    data = samples[30].read_bytes()
    loc = _upload(secure.url, "alice", data)
    r = _commit(secure.url, "alice", loc, data, "alice-key-0001")
    assert r.status_code == 201, r.text
    doc = r.json()
    assert "_owner" not in doc and "_agency" not in doc
    lookup = f"{secure.url}/api/v1/documents"
    # bob, same agency but a clerk: alice's citizens and documents do not exist for him
    assert requests.get(lookup, params={"owner_id": OWNER_ID}, auth=_auth("bob")).json()["documents"] == []
    for path in (f"/api/v1/documents/{doc['id']}", f"/api/v1/documents/{doc['id']}/content"):
        assert requests.get(secure.url + path, auth=_auth("bob")).status_code == 404
    # nor her upload: no HEAD, no PATCH, no commit under a new key (a second document) ...
    assert requests.head(loc, auth=_auth("bob"), headers=TUS).status_code == 404
    stolen = _commit(secure.url, "bob", loc, data, "bob-key-0000001")
    assert stolen.status_code == 404 and stolen.json()["error"] == "upload_not_found"
    # ... and replaying her idempotency key gives him nothing of hers
    replay = _commit(secure.url, "bob", loc, data, "alice-key-0001")
    assert replay.status_code == 404 and "id" not in replay.json()
    # alice replays her own key: the same document, not a second one
    again = _commit(secure.url, "alice", loc, data, "alice-key-0001")
    assert again.status_code == 200 and again.json()["id"] == doc["id"]
    # an agency role reads its agency's documents, not another agency's; the admin reads all
    found = requests.get(lookup, params={"owner_id": OWNER_ID}, auth=_auth("carol")).json()["documents"]
    assert [d["id"] for d in found] == [doc["id"]]
    assert requests.get(f"{lookup}/{doc['id']}/content", auth=_auth("carol")).content == data
    assert requests.get(lookup, params={"owner_id": OWNER_ID}, auth=_auth("dave")).json()["documents"] == []
    assert requests.get(f"{lookup}/{doc['id']}", auth=_auth("dave")).status_code == 404
    assert requests.get(f"{lookup}/{doc['id']}", auth=_auth("root")).status_code == 200
    assert len(secure.documents()) == 1


def test_idempotency_keys_are_per_user(secure, samples) -> None:
    """bob may use the same key as alice for his own document: two documents, one each."""
    a, b = samples[31].read_bytes(), samples[32].read_bytes()
    ra = _commit(secure.url, "alice", _upload(secure.url, "alice", a), a, "shared-key-0001")
    rb = _commit(secure.url, "bob", _upload(secure.url, "bob", b), b, "shared-key-0001")
    assert ra.status_code == 201 and rb.status_code == 201 and ra.json()["id"] != rb.json()["id"]
    assert rb.json()["sha256"] == hashlib.sha256(b).hexdigest()


def test_admin_endpoints_need_an_admin(secure) -> None:
    admin = f"{secure.url}/_admin/faults"
    assert requests.get(admin).status_code == 401
    assert requests.put(admin, json={"status": 503}, auth=_auth("alice")).status_code == 401
    assert requests.put(admin, json={"status": 503}, auth=(b"root", b"wrong")).status_code == 401
    assert requests.put(admin, json={}, auth=_auth("root")).status_code == 200
    token = (secure.data_dir / "admin-token").read_text().strip()
    assert stat.S_IMODE((secure.data_dir / "admin-token").stat().st_mode) == 0o600
    assert requests.get(admin, headers={"Authorization": f"Bearer {token}"}).status_code == 200
    assert requests.get(admin, headers={"Authorization": "Bearer not-the-token"}).status_code == 401
    assert requests.get(f"{secure.url}/api/v1/health").status_code == 200  # the API still works


def test_passwords_are_stored_hashed_and_plain_text_is_refused(tmp_path) -> None:
    users = tmp_path / "users"
    add_user(users, "xa", "mật-khẩu-rất-dài")
    text = users.read_text(encoding="utf-8")
    assert "mật-khẩu-rất-dài" not in text and text.startswith("xa:scrypt$")
    assert stat.S_IMODE(users.stat().st_mode) == 0o600
    plain = tmp_path / "plain"
    plain.write_text("xa:mật-khẩu\n", encoding="utf-8")
    r = subprocess.run(
        [
            sys.executable,
            "-m",
            "reference_repository.cli",
            "serve",
            "--port",
            "0",
            "--data",
            str(tmp_path / "d"),
            "--users",
            str(plain),
        ],
        env=subprocess_env(),
        cwd=repo_root(),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert r.returncode == 2 and "not hashed" in r.stderr and "add-user" in r.stderr


def _peak_rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    raise AssertionError("no VmHWM")


def _send_body(url: str, path: str, headers: dict[str, str], total: int, chunked: bool) -> int:
    """Stream ``total`` bytes of body; return the status the server answered (0: it hung up)."""
    parsed = urlparse(url)
    conn = http.client.HTTPConnection(parsed.hostname, parsed.port, timeout=30)
    block = b"\0" * MIB

    def body():  # type: ignore[no-untyped-def]
        for _ in range(total // MIB):
            yield block

    if not chunked:
        headers = {**headers, "Content-Length": str(total)}
    try:
        conn.request(
            "POST" if path == "/files" else "PATCH",
            path,
            body=body(),
            headers=headers,
            encode_chunked=chunked,
        )
    except OSError:
        pass  # the server stopped reading and closed: what it should do
    try:
        return conn.getresponse().status
    except (OSError, http.client.HTTPException):
        return 0
    finally:
        conn.close()


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_a_600_mib_body_keeps_the_server_under_250_mb(secure) -> None:
    auth = "Basic " + base64.b64encode("alice:mật-khẩu-a".encode()).decode()
    headers = {
        **TUS,
        "Upload-Length": "1",
        "Content-Type": "application/offset+octet-stream",
        "Authorization": auth,
    }
    before = _peak_rss_mb(secure.process.pid)
    t = time.monotonic()
    declared = _send_body(secure.url, "/files", headers, 600 * MIB, chunked=False)
    streamed = _send_body(secure.url, "/files", headers, 600 * MIB, chunked=True)  # no length: capped as read
    elapsed = time.monotonic() - t
    peak = _peak_rss_mb(secure.process.pid)
    assert declared in (0, 413) and streamed in (0, 413)
    assert peak < 250, f"server peak RSS {peak:.0f} MB (was {before:.0f} MB before)"
    assert elapsed < 60
    assert requests.get(f"{secure.url}/api/v1/health").status_code == 200
    # a real 64 MiB chunk is streamed to disk, not held in memory
    loc = requests.post(
        f"{secure.url}/files", auth=_auth("alice"), headers={**TUS, "Upload-Length": str(64 * MIB)}
    ).headers["Location"]
    status = _send_body(
        secure.url,
        urlparse(loc).path,
        {
            **TUS,
            "Upload-Offset": "0",
            "Content-Type": "application/offset+octet-stream",
            "Authorization": auth,
        },
        64 * MIB,
        chunked=False,
    )
    assert status == 204
    assert requests.head(loc, auth=_auth("alice"), headers=TUS).headers["Upload-Offset"] == str(64 * MIB)
    assert _peak_rss_mb(secure.process.pid) < 250
    # a JSON body is capped too
    big = requests.post(
        f"{secure.url}/api/v1/documents", data=b"{" + b" " * (2 * MIB) + b"}", auth=_auth("alice"),
        headers={"Content-Type": "application/json", "Idempotency-Key": "big-body-0001"},
    )  # fmt: skip
    assert big.status_code == 413


def test_unfinished_uploads_are_held_to_a_quota(secure) -> None:
    accepted = refused = 0
    for _ in range(50):
        r = requests.post(
            f"{secure.url}/files", auth=_auth("dave"), headers={**TUS, "Upload-Length": str(512 * MIB)}
        )
        if r.status_code == 201:
            accepted += 1
        else:
            assert r.status_code == 413 and r.json()["error"] == "quota_exceeded"
            assert r.json()["reason"] and r.json()["reason_vi"]
            refused += 1
    assert accepted == 4 and refused == 46  # 2 GiB of reservations per user, not 25 GiB
    ok = requests.post(f"{secure.url}/files", auth=_auth("bob"), headers={**TUS, "Upload-Length": "10"})
    assert ok.status_code == 201  # another user's quota is their own


def test_database_and_files_are_private(secure) -> None:
    root = secure.data_dir
    for folder in (root, root / "uploads", root / "documents"):
        assert stat.S_IMODE(folder.stat().st_mode) == 0o700, folder
    for f in [root / "repository.db", *root.glob("repository.db-*"), *(root / "uploads").iterdir()]:
        assert stat.S_IMODE(f.stat().st_mode) == 0o600, f
    for f in (root / "documents").iterdir():
        assert stat.S_IMODE(f.stat().st_mode) == 0o600, f


def test_unfinished_uploads_expire_and_the_access_log_works(pki, tmp_path) -> None:
    from tusclient import client as tus
    from tusclient.exceptions import TusCommunicationError

    extra = ["--upload-expiry-hours", str(2 / 3600), "--access-log"]  # 2 s
    with run_server(tmp_path / "repo", trust_roots=[pki.ca_cert], admin=False, extra_args=extra) as server:
        r = requests.post(f"{server.url}/files", headers={**TUS, "Upload-Length": "100"})
        assert r.status_code == 201 and "GMT" in r.headers["Upload-Expires"]
        assert "expiration" in requests.options(f"{server.url}/files").headers["Tus-Extension"]
        loc = r.headers["Location"]
        head = requests.head(loc, headers=TUS)
        assert head.status_code == 200 and head.headers["Upload-Expires"] == r.headers["Upload-Expires"]
        upload_file = server.data_dir / "uploads" / loc.rsplit("/", 1)[1]
        assert upload_file.exists()
        time.sleep(2.5)
        assert requests.head(loc, headers=TUS).status_code == 404
        late = requests.patch(
            loc,
            data=b"x",
            headers={**TUS, "Upload-Offset": "0", "Content-Type": "application/offset+octet-stream"},
        )
        assert late.status_code == 404
        requests.post(f"{server.url}/files", headers={**TUS, "Upload-Length": "1"})  # sweeps expired ones
        assert not upload_file.exists()
        # a third-party client (tuspy) sees an expired upload as gone too
        uploader = tus.TusClient(f"{server.url}/files").uploader(
            file_stream=io.BytesIO(b"y" * 40_000), chunk_size=16_384
        )
        uploader.upload_chunk()
        assert uploader.get_offset() == 16_384
        time.sleep(2.5)
        with pytest.raises(TusCommunicationError) as gone:
            uploader.get_offset()
        assert gone.value.status_code == 404
        requests.get(f"{server.url}/api/v1/documents", params={"owner_id": OWNER_ID})
    log_text = (tmp_path / "repo" / "server.log").read_text(encoding="utf-8")
    assert "GET /api/v1/documents" in log_text and "POST /files" in log_text
    assert OWNER_ID not in log_text and OWNER_ID[-4:] in log_text  # the citizen's number is masked


def test_server_ids_must_look_like_server_ids(secure) -> None:
    for bad in ("..%2F..%2Frepository.db", "x" * 40, "ABCDEF"):
        assert requests.head(f"{secure.url}/files/{bad}", auth=_auth("alice"), headers=TUS).status_code == 404
