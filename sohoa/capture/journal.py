"""Crash-recovery journal: every page of a batch is recorded (fsynced) the moment it lands.

Each open batch has a folder in ``app_paths().recovery`` holding ``journal.jsonl``
(a header line, then one line per page) and, unless the batch writes elsewhere, the
page files themselves. Closing a batch removes the folder. Anything left there after
a crash or a kill is an unfinished batch: :func:`find_unfinished` offers it back with
every page that was completely written (a torn last line is ignored; a page whose
file is missing or altered is reported as lost, not silently dropped).
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import shutil
import uuid
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from sohoa.capture.driver import ScannedPage, page_name
from sohoa.capture.errors import RecoveryNotFoundError
from sohoa.core.fsutil import atomic_write_text, fsync_dir, sha256_file
from sohoa.core.paths import app_paths, private_dir

log = logging.getLogger(__name__)

JOURNAL = "journal.jsonl"
STATE = "state.json"  # the dossier being made: form, documents, page order, rotations, splits
VERSION = 1


def recovery_root() -> Path:
    return private_dir(app_paths().recovery)


def _process_started(pid: int) -> float | None:
    try:
        import psutil

        return psutil.Process(pid).create_time()
    except Exception:
        return None


_CLAIMED: set[str] = set()  # journal folders this process is working on (never offered back to it)


class Journal:
    """The open journal of one batch. Append-only; each line is fsynced before returning."""

    def claim(self) -> Journal:
        """This process holds the batch (the app's open dossier): :func:`find_unfinished` skips it."""
        _CLAIMED.add(str(self.folder.resolve()))
        return self

    def release(self) -> None:
        _CLAIMED.discard(str(self.folder.resolve()))

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.path = folder / JOURNAL

    @property
    def batch_id(self) -> str:
        return self.folder.name

    @property
    def pages_dir(self) -> Path:
        return self.folder / "pages"

    @classmethod
    def create(
        cls,
        device: str,
        settings: dict[str, Any],
        out_dir: Path | None,
        root: Path | None = None,
        extra: dict[str, Any] | None = None,
    ) -> Journal:
        root = root or recovery_root()
        batch_id = datetime.now().strftime("%Y%m%d-%H%M%S-") + uuid.uuid4().hex[:8]
        folder = private_dir(root / batch_id)
        journal = cls(folder)
        header = {
            "type": "header",
            "version": VERSION,
            "batch": batch_id,
            "created": datetime.now().astimezone().isoformat(timespec="seconds"),
            "device": device,
            "settings": settings,
            "out_dir": str(out_dir) if out_dir else None,
            "pid": os.getpid(),
            "pid_started": _process_started(os.getpid()),
            **(extra or {}),
        }
        atomic_write_text(journal.path, json.dumps(header, ensure_ascii=False) + "\n")
        fsync_dir(root)
        return journal

    def append(self, record: dict[str, Any]) -> None:
        line = json.dumps(record, ensure_ascii=False) + "\n"
        with open(self.path, "a", encoding="utf-8") as fh:
            fh.write(line)
            fh.flush()
            os.fsync(fh.fileno())

    def add_page(self, page: ScannedPage) -> None:
        self.append({"type": "page", **page.to_dict()})

    def save_state(self, state: dict[str, Any]) -> None:
        """Replace the dossier's editing state (atomically: a crash keeps the old or the new one).

        The pages' lines stay the durable record of what was scanned; the state says what the
        clerk made of them (order, rotations, splits, each page's dpi and mode, the form).
        """
        if self.folder.is_dir():
            atomic_write_text(self.folder / STATE, json.dumps(state, ensure_ascii=False))

    @property
    def exists(self) -> bool:
        return self.path.is_file()

    def remove(self) -> None:
        """The batch is finished (or discarded): forget it."""
        self.release()
        shutil.rmtree(self.folder, ignore_errors=True)
        with contextlib.suppress(OSError):
            fsync_dir(self.folder.parent)


@dataclass
class RecoveredBatch:
    """An unfinished batch found after a crash, with the pages that survived it."""

    batch_id: str
    folder: Path
    created: str
    device: str
    settings: dict[str, Any]
    out_dir: Path | None
    pages: list[ScannedPage] = field(default_factory=list)
    lost: list[int] = field(default_factory=list)  # page indexes journaled but missing or altered
    header: dict[str, Any] = field(default_factory=dict)
    state: dict[str, Any] = field(default_factory=dict)  # the dossier's editing state (save_state)

    @property
    def has_work(self) -> bool:
        """Pages, or a form the clerk typed: something worth offering back."""
        return bool(self.pages or self.state.get("pages") or any((self.state.get("form") or {}).values()))

    def to_dict(self) -> dict[str, Any]:
        return {
            "batch": self.batch_id,
            "created": self.created,
            "device": self.device,
            "settings": self.settings,
            "out_dir": str(self.out_dir) if self.out_dir else None,
            "pages": [p.to_dict() for p in self.pages],
            "lost": self.lost,
            "state": self.state,
        }


def read_journal(folder: Path, verify: bool = True) -> RecoveredBatch | None:
    """Parse one journal folder; None if it has no readable header."""
    path = folder / JOURNAL
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return None
    records = []
    for n, line in enumerate(lines):
        try:
            records.append(json.loads(line))
        except json.JSONDecodeError:
            log.warning("journal %s: line %d is torn (a crash while writing it); ignored", folder.name, n + 1)
    if not records or records[0].get("type") != "header":
        return None
    header = records[0]
    batch = RecoveredBatch(
        batch_id=folder.name,
        folder=folder,
        created=header.get("created", ""),
        device=header.get("device", ""),
        settings=header.get("settings", {}),
        out_dir=Path(header["out_dir"]) if header.get("out_dir") else None,
        header=header,
    )
    seen: dict[int, ScannedPage] = {}
    for rec in records[1:]:
        if rec.get("type") != "page":
            continue
        try:
            page = ScannedPage.from_dict(rec)
        except (KeyError, TypeError, ValueError):
            continue
        ok = page.path.is_file() and page.path.stat().st_size == page.bytes
        if ok and verify:
            ok = sha256_file(page.path) == page.sha256
        if ok:
            seen[page.index] = page
            with contextlib.suppress(ValueError):
                batch.lost.remove(page.index)
        elif page.index not in seen:
            batch.lost.append(page.index)
    batch.pages = [seen[i] for i in sorted(seen)]
    try:
        state = json.loads((folder / STATE).read_text(encoding="utf-8"))
        batch.state = state if isinstance(state, dict) else {}
    except (OSError, UnicodeDecodeError, json.JSONDecodeError):
        batch.state = {}
    return batch


def _owner_alive(header: dict[str, Any]) -> bool:
    """True if the process that opened this batch is still running it (not a crash)."""
    pid = header.get("pid")
    if not isinstance(pid, int) or pid == os.getpid():
        return False
    started = _process_started(pid)
    return (
        started is not None
        and header.get("pid_started") is not None
        and abs(started - header["pid_started"]) < 1.0
    )


def find_unfinished(root: Path | None = None, verify: bool = True) -> list[RecoveredBatch]:
    """Batches left open by a crash or a kill (oldest first); batches still being scanned are skipped."""
    root = root or recovery_root()
    found = []
    for folder in sorted(p for p in root.iterdir() if p.is_dir()) if root.is_dir() else []:
        batch = read_journal(folder, verify=verify)
        if batch is None:
            log.warning("recovery folder %s has no readable journal; left alone", folder.name)
            continue
        if _owner_alive(batch.header) or str(folder.resolve()) in _CLAIMED:
            continue
        found.append(batch)
    return found


def get_unfinished(batch_id: str, root: Path | None = None) -> RecoveredBatch:
    for batch in find_unfinished(root):
        if batch.batch_id == batch_id:
            return batch
    raise RecoveryNotFoundError(batch=batch_id)


def restore(batch: RecoveredBatch, dest: Path) -> list[Path]:
    """Copy the recovered pages to ``dest`` as page-001.png... (renumbered), then forget the batch."""
    from sohoa.core.fsutil import atomic_output

    dest.mkdir(parents=True, exist_ok=True)
    out = []
    for n, page in enumerate(batch.pages, start=1):
        target = dest / page_name(n)
        if target.resolve() != page.path.resolve():
            with atomic_output(target) as tmp:
                shutil.copyfile(page.path, tmp)
        out.append(target)
    Journal(batch.folder).remove()
    return out


def discard(batch: RecoveredBatch) -> None:
    """Forget the batch. Pages stored in the recovery folder go with it; pages in an out folder stay."""
    Journal(batch.folder).remove()
