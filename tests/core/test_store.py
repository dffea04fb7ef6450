"""The local store: round trips, private permissions, and migrations from older schemas."""

from __future__ import annotations

import sqlite3
from datetime import date
from pathlib import Path

import pytest
import sqlite_utils

from sohoa.core.errors import StoreError
from sohoa.core.model import ColorMode, Document, DocumentKind, Dossier, OwnerType, Page, PageFlag
from sohoa.core.paths import app_paths
from sohoa.core.store import MIGRATIONS, SCHEMA_VERSION, Store


def _dossier(tmp: Path) -> Dossier:
    return Dossier(
        code="H15.50.05.13-261008-0975",
        procedure_code="1.001757",
        procedure_name="Chứng thực bản sao",
        owner_type=OwnerType.PERSON,
        owner_id="001099012345",
        owner_name="Nguyễn Văn An",
        received_date=date(2026, 10, 8),
        documents=[
            Document(
                kind=DocumentKind.RESULT,
                title="Giấy chứng nhận",
                result_code="KQ-1",
                issue_date=date(2026, 10, 9),
                pages=[Page(tmp / "p1.png", 300, ColorMode.COLOR, {PageFlag.ROTATED}), Page(tmp / "p2.png")],
            ),
            Document(kind=DocumentKind.COMPONENT, title="Đơn đề nghị", component_code="TP01"),
        ],
    )


def test_round_trip(tmp_path: Path) -> None:
    paths = app_paths().ensure()
    dossier = _dossier(tmp_path)
    with Store(paths.store_file) as store:
        store.save_dossier(dossier)
        loaded = store.load_dossier(dossier.id)
        assert loaded == dossier
        dossier.documents.pop()  # saving again replaces, never duplicates
        store.save_dossier(dossier)
        assert len(store.load_dossier(dossier.id).documents) == 1
        assert store.db["pages"].count == 2
        assert [r["id"] for r in store.find_dossiers(owner_id="001099012345")] == [dossier.id]


def test_store_folder_and_file_are_private() -> None:
    paths = app_paths().ensure()
    with Store(paths.store_file):
        pass
    assert paths.data.stat().st_mode & 0o077 == 0
    assert paths.store_file.stat().st_mode & 0o077 == 0


def test_wal_and_full_sync() -> None:
    with Store(app_paths().ensure().store_file) as store:
        assert store.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert store.conn.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL


def _make_v1(path: Path) -> None:
    conn = sqlite3.connect(path)
    db = sqlite_utils.Database(conn)
    MIGRATIONS[0](db)
    conn.execute("PRAGMA user_version = 1")
    db["dossiers"].insert(
        {
            "id": "d1",
            "code": "H15.50-261008-0001",
            "procedure_code": "",
            "procedure_name": "",
            "owner_type": "person",
            "owner_id": "001099012345",
            "owner_name": "Trần Thị B",
            "received_date": "2026-10-08",
            "created_at": "2026-10-08T01:00:00+00:00",
        }
    )
    db["documents"].insert(
        {
            "id": "doc1",
            "dossier_id": "d1",
            "position": 0,
            "kind": "component",
            "title": "Đơn",
            "component_code": "",
            "result_code": "",
            "issuing_agency": "",
        }
    )
    conn.commit()
    conn.close()


def test_opens_an_older_schema_and_keeps_its_data(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    _make_v1(path)
    with Store(path) as store:
        assert store.version == SCHEMA_VERSION
        dossier = store.load_dossier("d1")
        assert dossier.owner_name == "Trần Thị B"
        assert dossier.documents[0].issue_date is None
        assert store.document("doc1").state == "scanned"
        store.record_event("digitized", dossier_id="d1", pages=3)
        assert store.db["events"].count == 1


def test_failed_migration_leaves_the_file_as_it_was(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "old.db"
    _make_v1(path)

    def broken(db: sqlite_utils.Database) -> None:
        db["events"].create({"id": int}, pk="id")
        raise sqlite3.OperationalError("disk I/O error")

    monkeypatch.setattr("sohoa.core.store.MIGRATIONS", [MIGRATIONS[0], broken])
    monkeypatch.setattr("sohoa.core.store.SCHEMA_VERSION", 2)
    with pytest.raises(StoreError):
        Store(path)
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == 1
    assert "events" not in {r[0] for r in conn.execute("select name from sqlite_master")}


def test_newer_schema_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "new.db"
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 5}")
    conn.close()
    with pytest.raises(StoreError, match="newer than this SoHoa"):
        Store(path)


def test_not_a_database(tmp_path: Path) -> None:
    path = tmp_path / "junk.db"
    path.write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(StoreError):
        Store(path)


def test_concurrent_first_open_migrates_once(tmp_path: Path) -> None:
    """Several threads opening a brand-new store at once (parallel uploads counting statistics)."""
    import threading

    path = tmp_path / "new.db"
    barrier = threading.Barrier(6)
    errors: list[BaseException] = []

    def open_it() -> None:
        barrier.wait()
        try:
            with Store(path) as store:
                store.record_event("uploaded", pages=1)
        except BaseException as e:  # collected and asserted below
            errors.append(e)

    threads = [threading.Thread(target=open_it) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    with Store(path) as store:
        assert store.version == SCHEMA_VERSION
        assert store.db["events"].count == 6
