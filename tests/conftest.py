"""Shared test setup: every test runs with its own SoHoa home, headless Qt, one OCR thread."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

os.environ["QT_QPA_PLATFORM"] = "offscreen"  # assigned, never empty: an empty value aborts Python
os.environ["OMP_THREAD_LIMIT"] = "1"


def _find_corpus() -> Path:
    """The shared test corpus: $SOHOA_CORPUS, ../shared/corpus beside the clone, or /work/shared/corpus."""
    candidates = [
        os.environ.get("SOHOA_CORPUS", ""),
        Path(__file__).resolve().parents[2] / "shared" / "corpus",
        "/work/shared/corpus",
    ]
    for candidate in candidates:
        if candidate and Path(candidate).is_dir():
            return Path(candidate).resolve()
    return Path(candidates[1])


CORPUS = _find_corpus()


@pytest.fixture(autouse=True)
def sohoa_home(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A private SOHOA_HOME and no system-wide config for each test."""
    home = tmp_path_factory.mktemp("sohoa-home")
    monkeypatch.setenv("SOHOA_HOME", str(home))
    monkeypatch.setenv("SOHOA_SYSTEM_CONFIG", str(home / "system-config.toml"))
    from sohoa.core import i18n

    monkeypatch.setattr(i18n, "_current", "vi")
    return home


@pytest.fixture
def corpus() -> Path:
    if not CORPUS.is_dir():
        pytest.skip(f"shared corpus not found at {CORPUS}")
    return CORPUS
