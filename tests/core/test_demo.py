"""`sohoa demo` runs the main job end to end on embedded defaults."""

from __future__ import annotations

import json
from pathlib import Path

from app.cli import main


def test_demo_writes_pages_and_manifest(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "demo"
    assert main(["--lang", "en", "demo", "--out", str(out)]) == 0
    assert str(out) in capsys.readouterr().out  # it names the folder when done
    manifest = json.loads((out / "manifest.json").read_text())
    pages = sorted(out.glob("page-*.png"))
    assert len(pages) == 10
    assert [p["file"] for p in manifest["pages"]] == [p.name for p in pages]
    assert manifest["dossier"]["code"] == "H15.50.05.13-261008-0975"
    assert all(len(p["sha256"]) == 64 for p in manifest["pages"])
