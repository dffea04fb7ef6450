"""Logging to a rotating file in the data folder, in English, without personal data.

A filter masks anything that looks like a personal ID or tax code (9 to 13 digits)
and any ``pin=...`` value in every record, so a careless log line cannot leak them.
Names are never passed to the logger at INFO level or above (a convention the
code follows; the filter cannot recognise names).
"""

from __future__ import annotations

import logging
import logging.handlers
import re
from pathlib import Path

# a run of digits standing alone: inside a letter-and-digit token (a server's document id, a
# hash) it is part of an identifier, not a citizen's number, and masking it mangles the id
_ID_RUN = re.compile(r"(?<![0-9A-Za-z])(\d{5})(\d{4,8})(?![0-9A-Za-z])")
_PIN = re.compile(r"(?i)(pin\s*[=:]\s*)\S+")


def redact(text: str) -> str:
    text = _ID_RUN.sub(lambda m: "*" * len(m.group(0)[:-4]) + m.group(0)[-4:], text)
    return _PIN.sub(r"\1***", text)


class RedactingFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        record.msg = redact(message)
        record.args = None
        return True


class _QuietRotatingFileHandler(logging.handlers.RotatingFileHandler):
    """A log that cannot be written (a full disk) must not print tracebacks over the real message."""

    def handleError(self, record: logging.LogRecord) -> None:
        import sys

        if isinstance(sys.exc_info()[1], OSError):
            return
        super().handleError(record)

    def close(self) -> None:
        try:
            super().close()
        except OSError:
            pass


def setup_logging(log_dir: Path, verbose: bool = False) -> Path:
    """Log INFO+ (DEBUG with ``verbose``) to ``log_dir/sohoa.log``, rotating at 2 MB x 5."""
    log_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
    log_file = log_dir / "sohoa.log"
    handler = _QuietRotatingFileHandler(log_file, maxBytes=2_000_000, backupCount=5, encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.addFilter(RedactingFilter())
    root = logging.getLogger()
    for old in [h for h in root.handlers if getattr(h, "_sohoa", False)]:
        root.removeHandler(old)
        old.close()
    handler._sohoa = True  # type: ignore[attr-defined]
    root.addHandler(handler)
    root.setLevel(logging.DEBUG if verbose else logging.INFO)
    if log_file.exists():
        log_file.chmod(0o600)
    return log_file
