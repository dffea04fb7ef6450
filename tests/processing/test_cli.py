"""The ``sohoa process`` command: its contract, its REPORT.json and its exit codes."""

from __future__ import annotations

import json
from pathlib import Path

from sohoa.cli import main
from sohoa.core.errors import ExitCode
from tests.processing.conftest import LINES, leftovers


def test_process_command_writes_pdf_and_report(page, out_dir: Path, capsys) -> None:
    a = page("page-001.png", lines=LINES, skew=1.25)
    b = page("page-002.png", specks=40, bleed=True)
    out, report = out_dir / "OUT.pdf", out_dir / "REPORT.json"
    code = main(["process", str(a), str(b), "--out", str(out), "--report", str(report), "--lang", "vie"])
    assert code == 0
    assert out.is_file() and out.read_bytes().startswith(b"%PDF-")
    data = json.loads(report.read_text(encoding="utf-8"))
    pages = data["pages"]
    assert [p["source"] for p in pages] == ["page-001.png", "page-002.png"]
    assert list(pages[0])[:7] == [
        "source",
        "skew_deg",
        "orientation",
        "blank",
        "included",
        "color_mode",
        "flags",
    ]
    assert abs(pages[0]["skew_deg"] - 1.25) < 0.1 and pages[0]["orientation"] == 0
    assert pages[1]["blank"] is True and pages[1]["included"] is True and "blank" in pages[1]["flags"]
    assert "OUT.pdf" in capsys.readouterr().out


def test_drop_blank_flag(page, out_dir: Path) -> None:
    a = page(lines=LINES[:3])
    b = page(specks=20)
    report = out_dir / "r.json"
    assert (
        main(
            [
                "process",
                str(a),
                str(b),
                "--out",
                str(out_dir / "o.pdf"),
                "--report",
                str(report),
                "--drop-blank",
            ]
        )
        == 0
    )
    pages = json.loads(report.read_text(encoding="utf-8"))["pages"]
    assert [(p["blank"], p["included"]) for p in pages] == [(False, True), (True, False)]


def test_bad_input_exit_code_and_message(out_dir: Path, tmp_path: Path, capsys) -> None:
    empty = tmp_path / "scan.png"
    empty.write_bytes(b"")
    code = main(
        [
            "--lang",
            "en",
            "process",
            str(empty),
            "--out",
            str(out_dir / "o.pdf"),
            "--report",
            str(out_dir / "r.json"),
        ]
    )
    assert code == ExitCode.INPUT
    assert "scan.png is empty" in capsys.readouterr().err
    assert leftovers(out_dir) == []
