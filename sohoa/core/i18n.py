"""The one translation function for user-facing text outside the Qt UI.

Every user-facing sentence is a :class:`Text` holding its Vietnamese and English
forms side by side, so a message and its translation are read (and reviewed)
together. ``tr`` picks the current language; logs always use English.
The Qt UI uses Qt's own translation system for its widgets and calls ``tr`` for
messages that come from the core (errors, doctor lines).
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from typing import Any

LANGUAGES = ("vi", "en")
_current = "vi"


@dataclass(frozen=True)
class Text:
    """A user-facing sentence in both languages, with ``{name}`` placeholders."""

    vi: str
    en: str

    def render(self, lang: str | None = None, **params: Any) -> str:
        template = self.en if (lang or _current) == "en" else self.vi
        try:
            out = template.format(**params) if params else template
        except (KeyError, IndexError):  # a missing parameter must never hide the message
            out = template
        return unicodedata.normalize("NFC", out)


def set_language(lang: str) -> None:
    """Switch the language of ``tr`` ("vi" or "en")."""
    global _current
    if lang not in LANGUAGES:
        raise ValueError(f"unknown language {lang!r}; use one of {', '.join(LANGUAGES)}")
    _current = lang


def language() -> str:
    return _current


def tr(text: Text, **params: Any) -> str:
    """Render ``text`` in the current language."""
    return text.render(None, **params)
