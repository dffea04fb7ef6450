"""Logs never carry ID numbers or PINs; atomic writes never leave half a file."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from sohoa.core.fsutil import atomic_output, atomic_write_bytes
from sohoa.core.logging_setup import redact, setup_logging


def test_redact_masks_ids_and_pins() -> None:
    assert redact("owner 001099012345 paid") == "owner ********2345 paid"
    assert redact("tax 0314409058") == "tax ******9058"
    assert redact("login pin=123456 ok") == "login pin=*** ok"
    assert redact("page 12 of 300 at 2026") == "page 12 of 300 at 2026"


def test_log_file_is_private_and_redacted(tmp_path: Path) -> None:
    log_file = setup_logging(tmp_path / "logs")
    logging.getLogger("sohoa.test").info("queued document for %s with PIN: 9999", "079203001234")
    for h in logging.getLogger().handlers:
        h.flush()
    text = log_file.read_text()
    assert "079203001234" not in text and "9999" not in text
    assert "********1234" in text
    assert log_file.stat().st_mode & 0o077 == 0
    assert (tmp_path / "logs").stat().st_mode & 0o077 == 0


def test_atomic_output_keeps_the_old_file_on_failure(tmp_path: Path) -> None:
    target = tmp_path / "out.pdf"
    target.write_bytes(b"old")
    with pytest.raises(RuntimeError), atomic_output(target) as tmp:
        tmp.write_bytes(b"half")
        raise RuntimeError("crash in the middle")
    assert target.read_bytes() == b"old"
    assert list(tmp_path.iterdir()) == [target]  # no temporary left behind


def test_atomic_write_replaces_and_is_private(tmp_path: Path) -> None:
    target = tmp_path / "sub" / "manifest.json"
    atomic_write_bytes(target, b"{}")
    assert target.read_bytes() == b"{}"
    assert target.stat().st_mode & 0o777 == 0o600
