"""Shared parts of the adapter: the app context, progress, optional areas, statistics, settings tests."""

from __future__ import annotations

import csv
import logging
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from sohoa.core.i18n import Text
from sohoa.core.progress import Progress
from sohoa.core.store import Store
from sohoa.workflow.context import Workspace

log = logging.getLogger(__name__)


ProgressLike = Progress  # the core's one progress/cancel contract (sohoa.core.progress)


AppContext = Workspace  # the workflow's workspace (sohoa.workflow.context), under the UI's old name


# -- statistics ----------------------------------------------------------------------------
EVENT_KINDS = ("digitized", "signed", "uploaded", "reused")


@dataclass(frozen=True)
class StatRow:
    day: str
    procedure: str
    documents: dict[str, int]  # kind -> documents
    pages: int  # pages digitized


def statistics(store: Store, start: date, end: date, procedure: str = "") -> list[StatRow]:
    """Documents digitized, signed, uploaded and reused per day and procedure (local days)."""
    sql = (
        "SELECT date(at, 'localtime') AS day, procedure_code, kind, COUNT(*) AS n, "
        "SUM(CASE WHEN kind = 'digitized' THEN pages ELSE 0 END) AS p FROM events "
        "WHERE date(at, 'localtime') BETWEEN ? AND ?"
    )
    args: list[Any] = [start.isoformat(), end.isoformat()]
    if procedure:
        sql += " AND procedure_code = ?"
        args.append(procedure)
    sql += " GROUP BY day, procedure_code, kind ORDER BY day, procedure_code"
    rows: dict[tuple[str, str], StatRow] = {}
    for day, proc, kind, n, pages in store.conn.execute(sql, args):
        key = (day, proc or "")
        row = rows.setdefault(key, StatRow(day, proc or "", dict.fromkeys(EVENT_KINDS, 0), 0))
        if kind in row.documents:
            row.documents[kind] += n
        rows[key] = StatRow(row.day, row.procedure, row.documents, row.pages + int(pages or 0))
    return list(rows.values())


def procedures_seen(store: Store) -> list[str]:
    cur = store.conn.execute(
        "SELECT DISTINCT procedure_code FROM events WHERE procedure_code != '' ORDER BY 1"
    )
    return [r[0] for r in cur]


def write_statistics_csv(rows: Iterable[StatRow], target: Path, headers: list[str]) -> Path:
    """The monthly digitization report as CSV (UTF-8 with BOM so Excel shows Vietnamese)."""
    from sohoa.core.fsutil import atomic_output

    with atomic_output(target, mode=0o644) as tmp:
        with open(tmp, "w", encoding="utf-8-sig", newline="") as fh:
            writer = csv.writer(fh)
            writer.writerow(headers)
            for r in rows:
                writer.writerow([r.day, r.procedure, r.pages, *(r.documents[k] for k in EVENT_KINDS)])
    return target


# -- settings tests -----------------------------------------------------------------------------
def known_token_modules() -> list[str]:
    """Installed PKCS#11 modules (token drivers) for the settings list."""
    from sohoa.signing.modules import find_modules

    return [str(p) for p in find_modules()]


def list_tokens(module: str) -> list[str]:
    """Labels of the tokens present on ``module`` (no PIN needed)."""
    from sohoa.core.errors import DeviceError

    if not module:
        raise DeviceError(Text(vi="Chưa chọn trình điều khiển token.", en="No token driver is selected."))
    from sohoa.signing.tokens import list_tokens as tokens_on

    return [f"{t.label} ({len(t.certificates)})" for t in tokens_on(module)]


def token_labels(module: str) -> list[str]:
    """The bare labels of the tokens present on ``module`` (what ``signing.token_label`` holds)."""
    from sohoa.signing.tokens import list_tokens as tokens_on

    return [t.label for t in tokens_on(module)] if module else []


def store_password(url: str, username: str, password: str) -> None:
    """Keep the repository password in the system keyring (never in the config file, never logged)."""
    from sohoa.outbox import credentials

    credentials.store_password(url, username, password)


def test_storage(folder: Path) -> int:
    """Write and remove a file in ``folder``; return the free bytes there."""
    import shutil

    from sohoa.core.errors import OutputError
    from sohoa.core.fsutil import atomic_write_bytes

    probe = folder / ".sohoa-write-test"
    try:
        atomic_write_bytes(probe, b"ok")
        probe.unlink()
    except OSError as e:
        raise OutputError(path=str(folder), detail=e.strerror or str(e)) from e
    return shutil.disk_usage(folder).free
