"""``sohoa queue|sync|lookup`` end to end, and reuse of a citizen's documents in a new dossier."""

from __future__ import annotations

import hashlib
import json
import socket
from pathlib import Path

import pytest
import tomli_w

from sohoa.cli import main
from sohoa.core.errors import ExitCode
from sohoa.core.model import Dossier
from sohoa.core.paths import app_paths
from sohoa.core.store import Store
from sohoa.outbox.lookup import attach_to_dossier, attachments, lookup_owner
from sohoa.outbox.outbox import Outbox
from tests.queue.conftest import OWNER_ID, repo_settings


def _configure(home: Path, url: str) -> None:
    config = home / "config" / "config.toml"
    config.parent.mkdir(parents=True, exist_ok=True)
    config.write_text(tomli_w.dumps({"repository": repo_settings(url).model_dump()}))


def test_queue_add_list_sync_lookup(repo, samples, sohoa_home, capsys) -> None:
    _configure(sohoa_home, repo.url)
    code = "H15.50.05.13-261008-0600"
    args = ["queue", "add", str(samples[30]), "--dossier", code, "--kind", "result"]
    assert main(["--lang", "en", *args]) == ExitCode.VALIDATION  # a result needs its code
    assert "result code" in capsys.readouterr().err
    assert (
        main([*args, "--result-code", "KQ.H15-2026-000600", "--owner-id", OWNER_ID, "--title", "Giấy phép"])
        == 0
    )
    assert main(["queue", "add", str(samples[31]), "--dossier", code, "--kind", "component"]) == 0
    capsys.readouterr()
    assert main(["queue", "list", "--json"]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert [e["state"] for e in listed] == ["pending", "pending"]
    assert main(["sync", "--once"]) == 0
    assert "Đã gửi 2 tài liệu" in capsys.readouterr().out
    with Store(app_paths().store_file) as store:  # uploads count in the statistics, whoever sends them
        events = list(store.db["events"].rows_where("kind = 'uploaded'"))
    assert sorted(int(e["document_id"]) for e in events) == [1, 2]
    assert all(e["pages"] >= 1 for e in events)
    assert main(["--lang", "en", "queue", "list"]) == 0
    assert capsys.readouterr().out.count("acknowledged") == 2
    assert main(["queue", "retry", "1"]) == ExitCode.INPUT  # only failed items
    assert main(["lookup", "--owner-id", OWNER_ID, "--json"]) == 0
    found = json.loads(capsys.readouterr().out)
    assert any(d["dossier_code"] == code and d["result_code"] == "KQ.H15-2026-000600" for d in found)
    assert main(["lookup", "--owner-id", "123"]) == ExitCode.VALIDATION


def test_sync_offline_exits_with_network_code(samples, sohoa_home, capsys) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    _configure(sohoa_home, f"http://127.0.0.1:{port}")
    assert (
        main(
            ["queue", "add", str(samples[32]), "--dossier", "H15.50.05.13-261008-0601", "--kind", "component"]
        )
        == 0
    )
    assert main(["sync", "--once"]) == ExitCode.NETWORK
    assert "sẽ được gửi khi có mạng" in capsys.readouterr().err
    assert Outbox().counts()["pending"] == 1


def test_unconfigured_repository_is_a_config_error(sohoa_home, capsys) -> None:
    assert main(["sync", "--once"]) == ExitCode.CONFIG
    assert "repository.url" in capsys.readouterr().err


def test_reuse_attaches_a_verified_copy_to_a_new_dossier(repo, samples, tmp_path) -> None:
    from sohoa.outbox.client import RepositoryClient
    from sohoa.outbox.sync import run_sync
    from tests.queue.conftest import metadata

    box = Outbox(tmp_path / "ob")
    box.enqueue(samples[33], metadata(610, owner_id="079203004567"))
    assert run_sync(repo_settings(repo.url), outbox=box).acknowledged
    hits = lookup_owner(repo_settings(repo.url), "079 203 004 567")
    assert [h.dossier_code for h in hits] == ["H15.50.05.13-261008-0610"]
    with Store(app_paths().store_file) as store:
        dossier = Dossier(code="H15.50.05.13-261008-0611", owner_id="079203004567")
        store.save_dossier(dossier)
        client = RepositoryClient(repo.url)
        attach_to_dossier(store, dossier.id, hits[0], client)
        rows = attachments(store, dossier.id)
        assert len(rows) == 1 and rows[0]["remote_id"] == hits[0].remote_id
        copy = Path(rows[0]["file"]).read_bytes()
        assert hashlib.sha256(copy).hexdigest() == hashlib.sha256(samples[33].read_bytes()).hexdigest()
        assert store.db["events"].count_where("kind = 'reused'") == 1
        from sohoa.outbox.lookup import DownloadMismatch

        forged = hits[0].__class__(**{**hits[0].__dict__, "sha256": "0" * 64})
        with pytest.raises(DownloadMismatch):
            attach_to_dossier(store, dossier.id, forged, client)
        assert len(attachments(store, dossier.id)) == 1
