"""`sohoa demo` runs the main job end to end on embedded defaults: scan, process, sign, queue, upload."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pikepdf

from sohoa.cli import main


def test_demo_runs_the_whole_chain(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "demo"
    assert main(["--lang", "en", "demo", "--out", str(out)]) == 0
    assert str(out) in capsys.readouterr().out  # it names the folder when done

    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["steps"] == ["scan", "process", "sign", "upload"]
    pages = sorted(out.glob("page-*.png"))
    assert len(pages) == 10
    assert [p["file"] for p in manifest["pages"]] == [p.name for p in pages]
    assert all(
        p["sha256"] == hashlib.sha256(f.read_bytes()).hexdigest()
        for p, f in zip(manifest["pages"], pages, strict=True)
    )

    unsigned, signed = out / manifest["pdf"], out / manifest["signed_pdf"]
    with pikepdf.open(unsigned) as pdf:
        assert len(pdf.pages) == 10
        assert pdf.open_metadata().pdfa_status == "2B"
    assert signed.read_bytes().startswith(unsigned.read_bytes())  # signing only appended

    assert manifest["summary"]["sign"]["trusted"] is True
    assert manifest["summary"]["upload"] == {"state": "acknowledged", "found_by_owner_id": 1}
    stored = [
        p
        for p in (out / "repository").rglob("*")
        if p.is_file() and p.stat().st_size == signed.stat().st_size
    ]
    assert any(p.read_bytes() == signed.read_bytes() for p in stored)  # the server holds the exact bytes
