"""A lazy, read-only view of the queue for large lists (the queue view, ``sohoa queue list``).

Why lazy: a list of 100,000 items used to fetch 12 columns per row, i.e. 1.2 M Python
values (~250 ms), although a list view shows ~30 rows at a time and the CLI prints one
line after another. :class:`QueueListing` fetches only the ordered item ids in one
query (~30 ms for 100,000) and materialises a :class:`QueueEntry` when an index is
asked for, a page of rows at a time, keeping a few pages in a small cache.

Snapshot: the ids are read inside a read transaction on the listing's own connection,
and that transaction stays open while rows remain to be read, so ``len()``, the order
and every field are those of the moment :meth:`Outbox.list` was called, whatever is
enqueued, updated or purged afterwards (SQLite WAL: a reader never blocks writers).
Because an open snapshot keeps WAL checkpoints from passing it, a listing small enough
(<= ``EAGER_ROWS``) is read whole at once and ends its transaction immediately; a larger
one ends it on :meth:`close`, on leaving a ``with`` block, or when garbage-collected.
After close, entries already in the cache stay readable; others raise ``ListingClosed``.
"""

from __future__ import annotations

import contextlib
import operator
import sqlite3
import threading
from collections import OrderedDict
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any, NamedTuple, overload

PAGE_ROWS = 100  # rows materialised per query (a list view's screenful, a few times over)
CACHE_PAGES = 8
EAGER_ROWS = 1000  # at most this many rows: read them all now and keep no transaction open


class QueueEntry(NamedTuple):
    """One line of the queue list (cheap: no JSON is parsed)."""

    id: int
    state: str
    dossier_code: str
    kind: str
    title: str
    size: int
    failures: int
    last_error: str | None
    last_error_vi: str | None
    created_at: float
    updated_at: float
    remote_id: str | None


ENTRY_COLUMNS = ", ".join(QueueEntry._fields)


class ListingClosed(RuntimeError):
    """A row was asked of a closed listing that had not read it yet (a programming error)."""


class QueueListing(Sequence[QueueEntry]):
    """The items of one :meth:`Outbox.list` call, oldest first, as a read-only sequence."""

    def __init__(
        self, db_path: Path, state: str | None = None, limit: int | None = None, offset: int = 0
    ) -> None:
        self._state = state
        self._lock = threading.Lock()
        self._pages: OrderedDict[int, list[QueueEntry]] = OrderedDict()
        self._conn: sqlite3.Connection | None = sqlite3.connect(
            db_path, isolation_level=None, timeout=30, check_same_thread=False
        )
        try:
            self._conn.execute("BEGIN")  # deferred: the SELECT below takes the snapshot
            where, args = self._filter()
            sql = f"SELECT id FROM items{where} ORDER BY id LIMIT ? OFFSET ?"  # noqa: S608
            cursor = self._conn.execute(sql, (*args, -1 if limit is None else limit, offset))
            self._ids: list[int] = [row_id for (row_id,) in cursor]
            if len(self._ids) <= EAGER_ROWS:
                for start in range(0, len(self._ids), PAGE_ROWS):
                    self._pages[start // PAGE_ROWS] = self._fetch(start // PAGE_ROWS)
                self.close()
        except BaseException:
            self.close()
            raise

    # -- Sequence ---------------------------------------------------------------------
    def __len__(self) -> int:
        return len(self._ids)

    @overload
    def __getitem__(self, index: int) -> QueueEntry: ...
    @overload
    def __getitem__(self, index: slice) -> list[QueueEntry]: ...
    def __getitem__(self, index: int | slice) -> QueueEntry | list[QueueEntry]:
        if isinstance(index, slice):
            return [self._entry(i) for i in range(*index.indices(len(self._ids)))]
        n = len(self._ids)
        i = operator.index(index)  # TypeError for a non-integer, as list does
        if i < 0:
            i += n
        if not 0 <= i < n:
            raise IndexError("queue listing index out of range")
        return self._entry(i)

    def __iter__(self) -> Iterator[QueueEntry]:
        """Stream the rows a page at a time (without filling the cache with all of them)."""
        for page in range((len(self._ids) + PAGE_ROWS - 1) // PAGE_ROWS):
            with self._lock:
                rows = self._pages.get(page)
                if rows is None:
                    rows = self._fetch(page)
            yield from rows

    def __eq__(self, other: object) -> bool:
        if isinstance(other, (list, tuple, QueueListing)):
            return len(self) == len(other) and all(a == b for a, b in zip(self, other, strict=True))
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]  (mutable-looking sequence: like list)

    def __repr__(self) -> str:
        return f"<QueueListing {len(self._ids)} items{' ' + self._state if self._state else ''}>"

    # -- the snapshot's lifetime ---------------------------------------------------------
    def close(self) -> None:
        """End the snapshot (idempotent). Cached entries stay readable."""
        conn, self._conn = self._conn, None
        if conn is not None:
            try:
                if conn.in_transaction:
                    conn.execute("COMMIT")
            finally:
                conn.close()

    def __enter__(self) -> QueueListing:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    def __del__(self) -> None:
        with contextlib.suppress(Exception):  # at interpreter shutdown there is nothing to do
            self.close()

    # -- reading rows -------------------------------------------------------------------
    def _filter(self) -> tuple[str, tuple[Any, ...]]:
        return (" WHERE state = ?", (self._state,)) if self._state else ("", ())

    def _entry(self, i: int) -> QueueEntry:
        page, at = divmod(i, PAGE_ROWS)
        with self._lock:
            rows = self._pages.get(page)
            if rows is None:
                rows = self._fetch(page)
                self._pages[page] = rows
                if len(self._pages) > CACHE_PAGES and self._conn is not None:
                    self._pages.popitem(last=False)  # only while it can be read again
            else:
                self._pages.move_to_end(page)
        return rows[at]

    def _fetch(self, page: int) -> list[QueueEntry]:
        """One page of rows from the snapshot: the ids between its first and last, same filter."""
        if self._conn is None:
            raise ListingClosed("the queue listing was closed before this row was read")
        ids = self._ids[page * PAGE_ROWS : (page + 1) * PAGE_ROWS]
        where, args = self._filter()
        where = (where + " AND" if where else " WHERE") + " id BETWEEN ? AND ?"
        sql = f"SELECT {ENTRY_COLUMNS} FROM items{where} ORDER BY id"  # noqa: S608  (constant columns)
        rows = list(map(QueueEntry._make, self._conn.execute(sql, (*args, ids[0], ids[-1]))))
        if [r.id for r in rows] != ids:  # cannot happen inside one snapshot; never answer wrong rows
            raise ListingClosed("the queue listing's snapshot was lost")
        return rows
