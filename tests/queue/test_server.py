# ruff: noqa: S113, S324  (loopback test server; SHA-1 is the tus checksum under test)
"""The reference server over real HTTP: tus 1.0 conformance, commit checks, look-up, auth, TLS."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import io
import ipaddress
import json
import uuid
from pathlib import Path

import pikepdf
import pytest
import requests
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from reference_repository.cli import export_openapi
from reference_repository.samples import sign_pdf
from reference_repository.testing import run_server
from sohoa.outbox.client import RepositoryClient
from sohoa.outbox.errors import CredentialsRejected, InsecureRepositoryUrl, TlsFailure
from sohoa.outbox.outbox import ItemState, Outbox
from sohoa.outbox.sync import run_sync
from tests.queue.conftest import OWNER_ID, metadata, repo_settings

TUS = {"Tus-Resumable": "1.0.0"}


def _upload(url: str, data: bytes) -> str:
    r = requests.post(f"{url}/files", headers={**TUS, "Upload-Length": str(len(data))}, timeout=10)
    assert r.status_code == 201
    loc = r.headers["Location"]
    r = requests.patch(
        loc,
        data=data,
        headers={**TUS, "Upload-Offset": "0", "Content-Type": "application/offset+octet-stream"},
        timeout=10,
    )
    assert r.status_code == 204 and r.headers["Upload-Offset"] == str(len(data))
    return loc


def _commit(url: str, loc: str, data: bytes, key: str | None = None, **meta: object) -> requests.Response:
    body = {
        "MaHoSo": "H15.50.05.13-261008-0500",
        "kind": "component",
        "owner_id": OWNER_ID,
        "sha256": hashlib.sha256(data).hexdigest(),
        "size": len(data),
    }
    body.update(meta)
    return requests.post(
        f"{url}/api/v1/documents",
        json={"upload_url": loc, "metadata": body},
        headers={"Idempotency-Key": key or uuid.uuid4().hex},
        timeout=30,
    )


def test_tus_options_and_protocol_errors(repo) -> None:
    r = requests.options(f"{repo.url}/files", timeout=10)
    assert r.status_code == 204 and r.headers["Tus-Version"] == "1.0.0"
    assert set(r.headers["Tus-Extension"].split(",")) == {
        "creation",
        "creation-with-upload",
        "checksum",
        "expiration",
    }
    assert "sha1" in r.headers["Tus-Checksum-Algorithm"]
    r = requests.post(f"{repo.url}/files", headers={"Upload-Length": "10"}, timeout=10)
    assert r.status_code == 412 and r.json()["error"] == "tus_version"
    r = requests.post(f"{repo.url}/files", headers=TUS, timeout=10)
    assert r.status_code == 400
    loc = requests.post(f"{repo.url}/files", headers={**TUS, "Upload-Length": "10"}, timeout=10).headers[
        "Location"
    ]
    head = requests.head(loc, headers=TUS, timeout=10)
    assert head.headers["Upload-Offset"] == "0" and head.headers["Upload-Length"] == "10"
    assert head.headers["Cache-Control"] == "no-store"
    patch = {**TUS, "Upload-Offset": "0", "Content-Type": "application/offset+octet-stream"}
    assert (
        requests.patch(loc, data=b"12345", headers={**patch, "Content-Type": "text/plain"}).status_code == 415
    )
    bad_sum = "sha1 " + base64.b64encode(hashlib.sha1(b"other").digest()).decode()
    r = requests.patch(loc, data=b"12345", headers={**patch, "Upload-Checksum": bad_sum}, timeout=10)
    assert r.status_code == 460
    assert requests.head(loc, headers=TUS, timeout=10).headers["Upload-Offset"] == "0"  # nothing kept
    good = "sha256 " + base64.b64encode(hashlib.sha256(b"12345").digest()).decode()
    assert requests.patch(loc, data=b"12345", headers={**patch, "Upload-Checksum": good}).status_code == 204
    r = requests.patch(loc, data=b"67890", headers=patch, timeout=10)
    assert r.status_code == 409 and r.headers["Upload-Offset"] == "5"
    r = requests.patch(loc, data=b"6789012", headers={**patch, "Upload-Offset": "5"}, timeout=10)
    assert r.status_code == 413
    assert requests.head(f"{repo.url}/files/nope", headers=TUS, timeout=10).status_code == 404


def test_creation_with_upload(repo) -> None:
    """POST with the body (tus creation-with-upload): one request creates and fills the upload."""
    chunk = {**TUS, "Upload-Length": "10", "Content-Type": "application/offset+octet-stream"}
    bad_sum = "sha1 " + base64.b64encode(hashlib.sha1(b"other").digest()).decode()
    r = requests.post(f"{repo.url}/files", data=b"0123456789", headers={**chunk, "Upload-Checksum": bad_sum})
    assert r.status_code == 460
    r = requests.post(f"{repo.url}/files", data=b"0123456789ab", headers=chunk, timeout=10)
    assert r.status_code == 413
    good = "sha1 " + base64.b64encode(hashlib.sha1(b"01234").digest()).decode()
    r = requests.post(
        f"{repo.url}/files", data=b"01234", headers={**chunk, "Upload-Checksum": good}, timeout=10
    )
    assert r.status_code == 201 and r.headers["Upload-Offset"] == "5"
    head = requests.head(r.headers["Location"], headers=TUS, timeout=10)
    assert head.headers["Upload-Offset"] == "5" and head.headers["Upload-Length"] == "10"
    patch = {**TUS, "Upload-Offset": "5", "Content-Type": "application/offset+octet-stream"}
    assert requests.patch(r.headers["Location"], data=b"56789", headers=patch, timeout=10).status_code == 204


def test_fast_hex_reader_matches_pyhanko() -> None:
    """The check workers' hex-string reader accepts and rejects exactly what pyHanko's does."""
    import io

    from pyhanko.pdf_utils.misc import PdfStreamError

    from reference_repository import fast_hex

    cases = [b"<48656c6c6f>rest", b"<4 8 6\n5\r6c6c6f0>x", b"<abc>", b"<>", b"<a%c>\n b>z", b"<12zz>", b"<12"]
    cases.append(b"<" + b"30" * 40_000 + b"00" * 9000 + b">>")
    for case in cases:
        outcomes = []
        for read in (fast_hex._ORIGINAL, fast_hex.read_hex_string_from_stream):
            stream = io.BytesIO(case)
            try:
                outcomes.append((bytes(read(stream).original_bytes), stream.read()))
            except PdfStreamError:
                outcomes.append(("error", b""))
        assert outcomes[0] == outcomes[1], case


def test_commit_is_idempotent_and_lookup_finds_it(repo, samples) -> None:
    data = samples[20].read_bytes()
    loc = _upload(repo.url, data)
    key = uuid.uuid4().hex
    first = _commit(repo.url, loc, data, key, MaHoSo="H15.50.05.13-261008-0501")
    assert first.status_code == 201, first.text
    replay = _commit(repo.url, loc, data, key, MaHoSo="H15.50.05.13-261008-0501")
    assert replay.status_code == 200 and replay.json()["id"] == first.json()["id"]
    other = samples[21].read_bytes()
    clash = _commit(repo.url, _upload(repo.url, other), other, key)
    assert clash.status_code == 409 and clash.json()["error"] == "key_reused"
    found = requests.get(
        f"{repo.url}/api/v1/documents", params={"dossier_code": "H15.50.05.13-261008-0501"}
    ).json()
    assert [d["id"] for d in found["documents"]] == [first.json()["id"]]
    by_owner = requests.get(f"{repo.url}/api/v1/documents", params={"owner_id": OWNER_ID}).json()["documents"]
    assert first.json()["id"] in {d["id"] for d in by_owner}
    assert requests.get(f"{repo.url}/api/v1/documents", timeout=10).json()["error"] == "no_filter"
    assert requests.get(f"{repo.url}/api/v1/documents/none", timeout=10).status_code == 404


@pytest.mark.parametrize(
    ("case", "status", "code"),
    [
        ("checksum", 422, "checksum_mismatch"),
        ("result_without_code", 422, "result_code_missing"),
        ("unsigned", 422, "not_signed"),
        ("not_pdfa", 422, "not_pdfa"),
        ("tampered", 422, "signature_invalid"),
        ("untrusted", 422, "signature_untrusted"),
        ("bad_metadata", 422, "invalid_metadata"),
        ("incomplete", 409, "upload_incomplete"),
    ],
)
def test_commit_refuses_with_a_clear_reason(
    repo, samples, make_sample, untrusted_sample, pki, case, status, code
):  # type: ignore[no-untyped-def]
    data = samples[22].read_bytes()
    meta: dict[str, object] = {}
    if case == "checksum":
        meta["sha256"] = "0" * 64
    elif case == "result_without_code":
        meta["kind"] = "result"
    elif case == "unsigned":
        data = make_sample(signed=False).read_bytes()
    elif case == "not_pdfa":
        plain = pikepdf.new()
        plain.add_blank_page()
        buf = io.BytesIO()
        plain.save(buf)
        data = sign_pdf(buf.getvalue(), pki)
    elif case == "tampered":
        raw = bytearray(data)
        raw[len(raw) // 3] ^= 0xFF  # inside the image stream, covered by the signature
        data = bytes(raw)
    elif case == "untrusted":
        data = untrusted_sample.read_bytes()
    elif case == "bad_metadata":
        meta["kind"] = "poem"
    if case == "incomplete":
        loc = requests.post(f"{repo.url}/files", headers={**TUS, "Upload-Length": "100"}).headers["Location"]
    else:
        loc = _upload(repo.url, data)
    r = _commit(repo.url, loc, data, **meta)
    assert r.status_code == status, r.text
    body = r.json()
    assert body["error"] == code and body["reason"] and body["reason_vi"]


def _users_file(tmp_path: Path) -> Path:
    from reference_repository.users import add_user

    users = tmp_path / "users"
    add_user(users, "xa-an-phu", "đúng-mật-khẩu")
    assert "đúng-mật-khẩu" not in users.read_text(encoding="utf-8")  # stored hashed
    return users


def test_credentials_come_from_the_keyring(pki, samples, tmp_path) -> None:
    from sohoa.outbox.credentials import store_password
    from sohoa.outbox.errors import CredentialsMissing

    with run_server(tmp_path / "repo", trust_roots=[pki.ca_cert], users_file=_users_file(tmp_path)) as server:
        assert (
            requests.get(f"{server.url}/api/v1/documents", params={"owner_id": OWNER_ID}).status_code == 401
        )
        box = Outbox(tmp_path / "ob")
        item_id = box.enqueue(samples[23], metadata(510))
        settings = repo_settings(server.url, username="xa-an-phu")
        with pytest.raises(CredentialsMissing):
            run_sync(settings, outbox=box)
        store_password(server.url, "xa-an-phu", "sai")
        with pytest.raises(CredentialsRejected):
            run_sync(settings, outbox=box)
        assert box.get(item_id).state == ItemState.PENDING  # a login problem never fails a document
        store_password(server.url, "xa-an-phu", "đúng-mật-khẩu")
        assert run_sync(settings, outbox=box).acknowledged == [item_id]
    assert "đúng-mật-khẩu" not in (tmp_path / "ob" / "outbox.db").read_bytes().decode("utf-8", "replace")


def _tls_files(folder: Path) -> tuple[Path, Path, Path]:
    now = dt.datetime.now(dt.UTC) - dt.timedelta(days=1)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "TLS test CA")])
    ca = (
        x509.CertificateBuilder().subject_name(ca_name).issuer_name(ca_name).public_key(ca_key.public_key())
        .serial_number(1).not_valid_before(now).not_valid_after(now + dt.timedelta(days=30))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(ca_key, hashes.SHA256())
    )  # fmt: skip
    key = ec.generate_private_key(ec.SECP256R1())
    cert = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")]))
        .issuer_name(ca_name).public_key(key.public_key()).serial_number(2)
        .not_valid_before(now).not_valid_after(now + dt.timedelta(days=30))
        .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), False)
        .sign(ca_key, hashes.SHA256())
    )  # fmt: skip
    paths = folder / "tls-ca.pem", folder / "tls-cert.pem", folder / "tls-key.pem"
    paths[0].write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    paths[1].write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    paths[2].write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    return paths


def test_tls_is_always_verified_and_a_ca_bundle_adds_trust(pki, samples, tmp_path) -> None:
    ca, cert, key = _tls_files(tmp_path)
    box = Outbox(tmp_path / "ob")
    item_id = box.enqueue(samples[24], metadata(520))
    with run_server(tmp_path / "repo", trust_roots=[pki.ca_cert], tls=(cert, key), admin=False) as server:
        assert server.url.startswith("https://")
        with pytest.raises(TlsFailure) as e:
            run_sync(repo_settings(server.url), outbox=box)
        assert "chứng thư TLS" in e.value.message("vi")
        assert box.get(item_id).state == ItemState.PENDING
        report = run_sync(repo_settings(server.url, ca_bundle=str(ca)), outbox=box)
        assert report.acknowledged == [item_id]


def test_plain_http_only_to_this_machine() -> None:
    with pytest.raises(InsecureRepositoryUrl):
        RepositoryClient("http://kho.example.gov.vn")
    with pytest.raises(InsecureRepositoryUrl):
        RepositoryClient("ftp://127.0.0.1")
    assert RepositoryClient("http://localhost:8600/").base == "http://localhost:8600"
    assert RepositoryClient("https://kho.example.gov.vn").session.verify is True


def test_openapi_document_is_exported_and_current(tmp_path) -> None:
    out = tmp_path / "openapi.json"
    export_openapi(out)
    spec = json.loads(out.read_text())
    assert {"/files", "/files/{upload_id}", "/api/v1/documents", "/api/v1/documents/{doc_id}"} <= set(
        spec["paths"]
    )
    committed = Path(__file__).resolve().parents[2] / "docs" / "openapi.json"
    assert json.loads(committed.read_text()) == spec, "run: sohoa-repository openapi docs/openapi.json"


def test_content_checks_are_off_only_when_asked_and_say_so(repo, tmp_path) -> None:
    """``--no-content-checks`` (benchmarks only): SHA-256 still checked, nothing else; logged loudly."""
    data = b"not a PDF at all " * 100
    r = _commit(repo.url, _upload(repo.url, data), data)
    assert r.status_code == 422 and r.json()["error"] == "not_pdf"  # the default checks everything
    with run_server(tmp_path / "bench-repo", admin=False, extra_args=["--no-content-checks"]) as server:
        r = _commit(server.url, _upload(server.url, data), data, page_count=3, signer="Nguyễn Văn A")
        assert r.status_code == 201, r.text
        meta = r.json()["metadata"]
        assert "not checked" in meta["pdfa"] and meta["page_count"] == 3 and meta["signer"] == "Nguyễn Văn A"
        wrong = _commit(server.url, _upload(server.url, data), data, sha256=hashlib.sha256(b"x").hexdigest())
        assert wrong.status_code == 422 and wrong.json()["error"] == "checksum_mismatch"
    log_text = (tmp_path / "bench-repo" / "server.log").read_text(encoding="utf-8")
    assert "CONTENT CHECKS ARE OFF" in log_text
