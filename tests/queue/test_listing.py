"""The lazy queue listing: agrees with a plain query, indexes like a list, and is a snapshot."""

from __future__ import annotations

import hashlib
import json
import time
import uuid
from pathlib import Path

import pytest

from sohoa.outbox.listing import EAGER_ROWS, PAGE_ROWS, ListingClosed, QueueEntry, QueueListing
from sohoa.outbox.outbox import Outbox

ROWS = EAGER_ROWS + 3 * PAGE_ROWS + 37  # large enough to stay lazy, not a whole number of pages
COLUMNS = ", ".join(QueueEntry._fields)


def _fill(box: Outbox, rows: int, first: int = 0) -> None:
    """Rows straight into the database, every fifth failed with a reason, floats with full precision."""
    conn = box._conn()
    conn.execute("BEGIN")
    for i in range(first, first + rows):
        failed = i % 5 == 0
        conn.execute(
            "INSERT INTO items (key, state, sha256, size, dossier_code, kind, title, metadata, last_error,"
            " last_error_vi, created_at, updated_at) VALUES (?, ?, ?, ?, ?, 'component', ?, '{}', ?, ?, ?, ?)",
            (
                uuid.uuid4().hex,
                "failed" if failed else "pending",
                hashlib.sha256(str(i).encode()).hexdigest(),
                1000 + i,
                f"H15-{i}",
                f"Tài liệu {i}\nhai dòng",
                "bad" if failed else None,
                "hỏng" if failed else None,
                time.time() + i / 7,
                time.time() + i / 3,
            ),
        )
    conn.execute("COMMIT")


def _plain(box: Outbox, where: str = "", args: tuple[object, ...] = ()) -> list[QueueEntry]:
    sql = f"SELECT {COLUMNS} FROM items {where} ORDER BY id"  # noqa: S608
    return [QueueEntry(*row) for row in box._conn().execute(sql, args)]


@pytest.fixture
def big(tmp_path: Path) -> Outbox:
    box = Outbox(tmp_path / "ob")
    _fill(box, ROWS)
    return box


def test_listing_agrees_with_a_plain_query(big: Outbox) -> None:
    expected = _plain(big)
    with big.list() as listing:
        assert isinstance(listing, QueueListing) and len(listing) == ROWS
        assert listing[0] == expected[0] and listing[ROWS - 1] == expected[-1]
        assert (
            listing[-1] == expected[-1] and listing[-ROWS] == expected[0] and listing[-250] == expected[-250]
        )
        for i in (1, PAGE_ROWS - 1, PAGE_ROWS, 777, ROWS - 2):
            assert listing[i] == expected[i]
        assert listing[95:230] == expected[95:230]
        assert listing[-120:] == expected[-120:]
        assert listing[::97] == expected[::97]
        assert listing[500:10:-33] == expected[500:10:-33]
        assert listing[ROWS:] == [] and listing[5:5] == []
        assert list(listing) == expected and listing == expected
        assert sum(1 for _ in listing) == ROWS  # iterating twice works
        for bad in (ROWS, ROWS + 5, -ROWS - 1):
            with pytest.raises(IndexError):
                listing[bad]
        with pytest.raises(TypeError):
            listing["1"]  # type: ignore[call-overload]


def test_state_limit_and_offset_filter_like_the_plain_query(big: Outbox) -> None:
    failed = _plain(big, "WHERE state = ?", ("failed",))
    with big.list(state="failed") as listing:
        assert len(listing) == len(failed) and list(listing) == failed
        assert listing[-1] == failed[-1] and all(e.last_error == "bad" for e in listing)
    everything = _plain(big)
    page = big.list(limit=100, offset=1000)
    assert list(page) == everything[1000:1100] and page[-1] == everything[1099]
    assert (
        list(big.list(state="pending", limit=3, offset=2))
        == [e for e in everything if e.state == "pending"][2:5]
    )
    assert len(big.list(offset=ROWS + 10)) == 0 and big.list(state="uploaded") == []


def test_a_large_listing_is_a_snapshot_until_closed(big: Outbox) -> None:
    before = _plain(big)
    listing = big.list()
    big.mark_failed(before[-1].id, "changed after the listing")  # a page nobody has read yet
    big._conn().execute("DELETE FROM items WHERE id = ?", (before[-300].id,))
    _fill(big, 50, first=ROWS)
    assert len(_plain(big)) == ROWS + 49
    assert len(listing) == ROWS
    assert listing[-1] == before[-1] and listing[-300] == before[-300]
    assert list(listing) == before
    first_page = listing[:PAGE_ROWS]
    listing.close()
    listing.close()  # idempotent
    assert listing[:PAGE_ROWS] == first_page  # cached rows stay readable
    with pytest.raises(ListingClosed):
        listing[PAGE_ROWS * 5]
    fresh = big.list()
    assert len(fresh) == ROWS + 49 and fresh[-1].title.startswith(f"Tài liệu {ROWS + 49}")
    fresh.close()


def test_a_small_listing_is_read_at_once_and_holds_no_transaction(big: Outbox) -> None:
    expected = _plain(big)[:EAGER_ROWS]
    listing = big.list(limit=EAGER_ROWS)
    assert listing._conn is None  # nothing keeps a WAL snapshot open (the UI's pages)
    big.mark_failed(expected[0].id, "later")
    assert list(listing) == expected and listing[EAGER_ROWS - 1] == expected[-1]
    assert listing[::-1] == expected[::-1]


def test_writers_are_not_blocked_by_an_open_listing(big: Outbox) -> None:
    with big.list() as listing:
        listing[0]
        big.retry(listing[0].id)  # a write transaction on the outbox's own connection
        big._conn().execute("PRAGMA wal_checkpoint(PASSIVE)")
    assert _plain(big, "WHERE id = ?", (listing[0].id,))[0].state == "pending"
    assert listing[0].state == "failed"  # the listing keeps what it saw


def test_cli_json_streams_the_same_content(
    big: Outbox, capsys: pytest.CaptureFixture[str], monkeypatch
) -> None:
    from sohoa.cli import main

    monkeypatch.setattr("sohoa.outbox.outbox.Outbox.__init__.__defaults__", (big.root,))
    assert main(["queue", "list", "--json", "--state", "failed"]) == 0
    out = capsys.readouterr().out
    expected = [e._asdict() for e in _plain(big, "WHERE state = ?", ("failed",))]
    assert out == json.dumps(expected, ensure_ascii=False, indent=2) + "\n"
    assert json.loads(out) == expected
    assert main(["queue", "list", "--json", "--state", "uploaded"]) == 0
    assert capsys.readouterr().out == "[]\n"
    assert main(["--lang", "en", "queue", "list"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == ROWS and lines[0].split()[0] == "1" and "bad" in lines[0]
