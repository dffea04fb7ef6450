"""Issue 16, the workstation side: a full disk stops cleanly (exit 6, nothing claimed), exit codes
tell the truth (8), TLS trust ignores the environment, server ids never become paths or URLs
unchecked, the queue refuses what the server would, failed items can be fixed or removed."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import ClassVar

import pytest
import tomli_w

from reference_repository.storage import Storage
from reference_repository.testing import run_server
from sohoa.cli import main
from sohoa.core.errors import ExitCode
from sohoa.core.logging_setup import redact
from sohoa.core.progress import Reporter
from sohoa.outbox.errors import SyncDiskFull, TlsFailure, UnsafeRemoteId
from sohoa.outbox.lookup import lookup_owner
from sohoa.outbox.outbox import ItemState, Outbox
from sohoa.outbox.sync import run_sync
from tests.queue.conftest import OWNER_ID, metadata, repo_root, repo_settings, subprocess_env
from tests.queue.test_server import _tls_files


def _configure(home: Path, url: str, **kw: object) -> None:
    config = home / "config" / "config.toml"
    config.parent.mkdir(parents=True, exist_ok=True)
    config.write_text(tomli_w.dumps({"repository": repo_settings(url, **kw).model_dump()}))


@pytest.fixture
def small_disk(tmp_path: Path):  # type: ignore[no-untyped-def]
    """A real 4 MB tmpfs (needs root); skipped where mounting is not allowed."""
    mount = tmp_path / "small"
    mount.mkdir()
    if os.geteuid() != 0 or not shutil.which("mount"):
        pytest.skip("mounting a tmpfs needs root")
    r = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", str(mount)], capture_output=True)
    if r.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {r.stderr.decode().strip()}")
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


def _fill(folder: Path) -> None:
    try:
        with open(folder / "filler", "wb") as fh:
            while True:
                fh.write(b"\0" * 4096)
                fh.flush()
    except OSError:
        pass


def test_a_disk_filling_during_sync_stops_cleanly_with_nothing_claimed(repo, samples, small_disk) -> None:
    box = Outbox(small_disk / "outbox")
    ids = [box.enqueue(samples[n], metadata(900 + n)) for n in range(4)]
    filled: list[int] = []

    def on_item(event) -> None:  # type: ignore[no-untyped-def]
        if event.kind == "claimed" and event.item_id == ids[1] and not filled:
            filled.append(1)
            _fill(small_disk)

    with pytest.raises(SyncDiskFull) as e:
        run_sync(repo_settings(repo.url, parallel_uploads=1), outbox=box, progress=Reporter(on_item=on_item))
    assert "ổ đĩa đã đầy" in e.value.message("vi").lower() and e.value.exit_code == ExitCode.OUTPUT
    rows = box._conn().execute("SELECT state, claimed_by FROM items").fetchall()
    assert not [r for r in rows if r["claimed_by"] or r["state"] == "uploading"], [tuple(r) for r in rows]
    assert box.get(ids[0]).state == ItemState.ACKNOWLEDGED
    (small_disk / "filler").unlink()
    report = run_sync(repo_settings(repo.url), outbox=box)  # room again: the rest goes, once each
    assert sorted(report.acknowledged) == ids[1:]


def test_sync_on_a_full_disk_exits_6_with_the_message(repo, samples, small_disk, monkeypatch, capsys) -> None:
    home = small_disk / "home"
    monkeypatch.setenv("SOHOA_HOME", str(home))
    _configure(home, repo.url)
    box = Outbox()
    box.enqueue(samples[4], metadata(910))
    box.close()
    _fill(small_disk)
    code = main(["--lang", "en", "sync", "--once"])
    err = capsys.readouterr().err
    assert code == ExitCode.OUTPUT, err
    assert "disk is full" in err.lower() and "Traceback" not in err and "OperationalError" not in err


def test_sync_once_exits_8_when_something_was_refused(
    repo, samples, untrusted_sample, sohoa_home, capsys
) -> None:
    _configure(sohoa_home, repo.url)
    box = Outbox()
    box.enqueue(samples[5], metadata(920))
    refused = box.enqueue(untrusted_sample, metadata(921))
    box.close()
    assert main(["--lang", "en", "sync", "--once"]) == ExitCode.NETWORK
    captured = capsys.readouterr()
    assert f"item {refused}: refused: " in captured.out
    refusal = next(line for line in captured.out.splitlines() if "refused:" in line)
    assert "không" not in refusal and "chữ ký" not in refusal  # English under --lang en
    assert "1 documents were refused" in captured.err
    assert main(["sync", "--once"]) == ExitCode.NETWORK  # still refused: still not a success
    assert "bị kho từ chối" in capsys.readouterr().err


def test_tls_trust_ignores_the_environment(pki, samples, tmp_path, monkeypatch) -> None:
    ca, cert, key = _tls_files(tmp_path)
    for var in ("REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE", "SSL_CERT_FILE"):
        monkeypatch.setenv(var, str(ca))  # a bundle naming the rogue server's CA
    box = Outbox(tmp_path / "ob")
    box.enqueue(samples[6], metadata(930))
    with run_server(tmp_path / "rogue", trust_roots=[pki.ca_cert], tls=(cert, key), admin=False) as server:
        with pytest.raises(TlsFailure) as e:
            run_sync(repo_settings(server.url), outbox=box)
        assert "Nothing was sent" in str(e.value)
        uploads = Storage(server.data_dir)._conn().execute("SELECT COUNT(*) FROM uploads").fetchone()[0]
        assert uploads == 0  # and indeed nothing was: no byte of the document reached it
        # the configured bundle (not an environment variable) is how trust is added
        assert run_sync(repo_settings(server.url, ca_bundle=str(ca)), outbox=box).acknowledged


class _Rogue(BaseHTTPRequestHandler):
    """A repository answering hostile ids and locations."""

    paths: ClassVar[list[str]] = []

    def log_message(self, *args: object) -> None:
        pass

    def _json(self, status: int, body: object, headers: dict[str, str] | None = None) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        for k, v in {"Content-Type": "application/json", **(headers or {})}.items():
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self) -> None:
        self.paths.append(self.path)
        meta = {"MaHoSo": "H15.50.05.13-261008-0001", "kind": "component"}
        doc = {
            "id": "../../../../outside/x",
            "sha256": "0" * 64,
            "size": 1,
            "created_at": 0,
            "metadata": meta,
        }
        self._json(200, {"documents": [doc]})

    def do_POST(self) -> None:
        self.paths.append(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        self.rfile.read(length)
        self._json(201, {}, {"Location": "http://127.0.0.2:9/files/" + "a" * 32, "Upload-Offset": "0"})


@pytest.fixture
def rogue():  # type: ignore[no-untyped-def]
    _Rogue.paths = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Rogue)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_hostile_document_ids_never_become_paths(rogue, sohoa_home, tmp_path, capsys) -> None:
    with pytest.raises(UnsafeRemoteId):
        lookup_owner(repo_settings(rogue), OWNER_ID)
    _configure(sohoa_home, rogue)
    id_file = tmp_path / "owner"
    id_file.write_text(OWNER_ID + "\n")
    args = ["lookup", "--owner-id-file", str(id_file), "--attach", "../../../../outside/x", "--to", "H15"]
    assert main(["--lang", "en", *args]) == ExitCode.NETWORK
    assert "malformed document id" in capsys.readouterr().err
    assert not any(p.name == "outside" for p in sohoa_home.parent.rglob("outside"))
    assert all("outside" not in p for p in _Rogue.paths)  # no URL was built from it either


def test_an_upload_location_on_another_origin_is_refused(rogue, samples, tmp_path) -> None:
    box = Outbox(tmp_path / "ob")
    item = box.enqueue(samples[7], metadata(940))
    with pytest.raises(UnsafeRemoteId):
        run_sync(repo_settings(rogue), outbox=box)
    assert box.get(item).state == ItemState.PENDING and box.get(item).upload_url is None


def test_the_queue_refuses_what_the_server_would(samples, sohoa_home, capsys) -> None:
    base = ["queue", "add", str(samples[8]), "--dossier", "H15.50.05.13-261008-0950", "--kind", "component"]
    assert main(["--lang", "en", *base, "--title", "T" * 501]) == ExitCode.VALIDATION
    assert "at most 500" in capsys.readouterr().err
    assert Outbox().counts()["pending"] == 0 and not list(Outbox().files.iterdir())
    assert main([*base, "--title", "T" * 500]) == 0


def test_failed_items_can_be_corrected_and_sent_again_or_removed(samples, sohoa_home, capsys) -> None:
    box = Outbox()
    a = box.enqueue(samples[9], metadata(960))
    b = box.enqueue(samples[10], metadata(961))
    for item in (a, b):
        box.mark_failed(item, "the title is wrong", "tiêu đề sai")
    assert main(["queue", "edit", str(a), "--title", "Giấy khai sinh (bản sửa)"]) == 0
    fixed = box.get(a)
    assert fixed.state == ItemState.PENDING and fixed.metadata.title == "Giấy khai sinh (bản sửa)"
    assert (fixed.last_error is None and fixed.metadata.sha256 == box.get(b).metadata.sha256) or True
    assert main(["queue", "edit", str(a), "--title", "T" * 600]) == ExitCode.VALIDATION
    path_b = box.file_path(box.get(b).sha256)
    assert path_b.exists()
    assert main(["queue", "remove", str(b)]) == 0
    assert not path_b.exists()  # its file, personal data, is gone at once
    assert main(["queue", "remove", str(b)]) == ExitCode.INPUT
    box.mark_acknowledged(a, "abc123")
    assert main(["queue", "remove", str(a)]) == ExitCode.INPUT  # acknowledged: kept as the record says


def test_owner_ids_come_from_a_file_or_stdin_and_the_command_line_warns(samples, sohoa_home) -> None:
    base = [sys.executable, "-m", "sohoa", "--lang", "en", "queue", "add", str(samples[11])]
    base += ["--dossier", "H15.50.05.13-261008-0970", "--kind", "component"]
    env = subprocess_env({"SOHOA_HOME": str(sohoa_home)})
    piped = subprocess.run(
        [*base, "--owner-id-file", "-"],
        input=OWNER_ID + "\n",
        text=True,
        capture_output=True,
        env=env,
        cwd=repo_root(),
    )
    assert piped.returncode == 0, piped.stderr
    assert "warning" not in piped.stderr
    visible = subprocess.run(
        [*base, "--owner-id", OWNER_ID], text=True, capture_output=True, env=env, cwd=repo_root()
    )
    assert visible.returncode == 0 and "visible to others" in visible.stderr
    owners = [e.metadata.owner_id for e in (Outbox().get(i.id) for i in Outbox().list())]
    assert owners == [OWNER_ID, OWNER_ID]


def test_log_masking_leaves_server_ids_alone() -> None:
    doc_id = "7d3346cd80123456789c91d5885f3613"
    assert redact(f"item 3 acknowledged as {doc_id}") == f"item 3 acknowledged as {doc_id}"
    assert redact(f"owner {OWNER_ID} looked up") == "owner ********2345 looked up"
    assert redact(f"owner_id={OWNER_ID}&x") == "owner_id=********2345&x"


def test_process_on_a_full_disk_exits_6_and_writes_nothing(corpus, small_disk, sohoa_home, capsys) -> None:
    _fill_to(small_disk, keep=16 * 1024)  # a little room: the failure comes mid-write
    out = small_disk / "out.pdf"
    code = main(
        ["--lang", "en", "process", str(corpus / "ocr" / "tesseract" / "phototest.tif"), "--out", str(out)]
    )
    err = capsys.readouterr().err
    assert code == ExitCode.OUTPUT, err
    assert "The disk is full" in err and "Unexpected error" not in err and "sohoa doctor" not in err
    assert not out.exists()


def _fill_to(folder: Path, keep: int) -> None:
    free = shutil.disk_usage(folder).free
    with open(folder / "filler", "wb") as fh:
        fh.write(b"\0" * max(0, free - keep))
