"""The CSV and XLSX exports read back, and the ``sohoa report`` command exactly as the issue writes it."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest

from sohoa.cli import main
from sohoa.core.store import Store
from sohoa.workflow.report import DEFINITIONS, compute
from sohoa.workflow.report_export import write_csv, write_xlsx
from tests.report.test_rates import UNIT, known_register

ROOT = Path(__file__).resolve().parents[2]


def test_csv_reads_back_with_the_definitions(store: Store, tmp_path: Path) -> None:
    known_register(store)
    out = write_csv(compute(store), tmp_path / "bao-cao.csv")
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # Excel reads the Vietnamese letters right
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert rows[0][:4] == ["Tháng", "Đơn vị tiếp nhận", "Mã thủ tục", "Số hồ sơ tiếp nhận"]
    jan_a = next(r for r in rows if r[:3] == ["2026-01", UNIT, "1.001757"])
    assert jan_a[3:] == ["5", "2", "40.0", "9", "3", "33.33"]
    total = next(r for r in rows if r and r[0].startswith("Tổng cộng"))
    assert total[1:6] == ["Tất cả", "Tất cả", "9", "5", "55.56"]
    start = rows.index(["Định nghĩa"])
    keys = [r[0] for r in rows[start + 1 : start + 1 + len(DEFINITIONS)]]
    assert keys == [k for k, _ in DEFINITIONS]
    assert any("ít nhất một giấy tờ được số hóa" in r[1] for r in rows[start + 1 :] if len(r) > 1)


def test_xlsx_reads_back_with_the_definitions_beside(store: Store, tmp_path: Path) -> None:
    known_register(store)
    out = write_xlsx(compute(store), tmp_path / "bao-cao.xlsx")
    wb = openpyxl.load_workbook(out)
    ws = wb.worksheets[0]
    header = [c.value for c in ws[1]][:9]
    assert header[0] == "Tháng" and header[5] == "Tỷ lệ số hóa hồ sơ (%)"
    values = [[c.value for c in row][:9] for row in ws.iter_rows(min_row=2)]
    jan_a = next(v for v in values if v[:3] == ["2026-01", UNIT, "1.001757"])
    assert (
        jan_a[3:5] == [5, 2] and jan_a[5] == pytest.approx(0.4) and jan_a[8] == pytest.approx(1 / 3, abs=1e-4)
    )
    assert ws.cell(row=2, column=6).number_format == "0.00%"
    # the definitions sit beside the table: column K (one empty column after the nine)
    assert ws.cell(row=1, column=11).value == "Định nghĩa"
    beside = {
        ws.cell(row=r, column=11).value: ws.cell(row=r, column=12).value
        for r in range(2, 2 + len(DEFINITIONS))
    }
    assert set(beside) == {k for k, _ in DEFINITIONS} and "PDF/A" in beside["dossiers_digitized"]
    assert wb.worksheets[1].cell(row=1, column=4).value == "Năm cấp kết quả"


def test_cli_json_is_the_contract(store: Store, capsys: pytest.CaptureFixture[str]) -> None:
    known_register(store)
    assert (
        main(
            ["report", "--from", "2026-01", "--to", "2026-02", "--procedure", "1.001757", "--format", "json"]
        )
        == 0
    )
    data = json.loads(capsys.readouterr().out)
    assert set(data) == {"rows", "total"}
    assert [(r["month"], r["dossiers_received"], r["dossiers_digitized"]) for r in data["rows"]] == [
        ("2026-01", 5, 2),
        ("2026-02", 2, 1),
    ]
    assert data["total"]["digitization_rate"] == pytest.approx(3 / 7, abs=1e-6)
    assert data["total"]["reuse_rate"] == pytest.approx(3 / 11, abs=1e-6)
    assert main(["report", "--unit", "NOWHERE"]) == 0
    empty = json.loads(capsys.readouterr().out)
    assert (
        empty["rows"] == [] and empty["total"]["dossiers_received"] == 0 and empty["total"]["reuse_rate"] == 0
    )


def test_cli_files(store: Store, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    known_register(store)
    for fmt in ("csv", "xlsx", "json"):
        target = tmp_path / f"r.{fmt}"
        assert main(["report", "--format", fmt, "--out", str(target)]) == 0
        assert target.stat().st_size > 0
    assert json.loads((tmp_path / "r.json").read_text())["total"]["dossiers_received"] == 9
    assert openpyxl.load_workbook(tmp_path / "r.xlsx").worksheets[0].cell(row=1, column=1).value == "Tháng"
    assert main(["report", "--format", "csv"]) == 0
    assert capsys.readouterr().out.startswith("Tháng,")


@pytest.mark.parametrize(
    ("argv", "needle"),
    [
        (["report", "--from", "2026-13"], "YYYY-MM"),
        (["report", "--from", "2026-03", "--to", "2026-01"], "--from"),
        (["report", "--format", "xlsx"], "--out"),
    ],
)
def test_cli_bad_input_is_one_vietnamese_line(
    argv: list[str], needle: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(argv) == 10  # ExitCode.VALIDATION
    err = capsys.readouterr().err
    assert needle in err and "Traceback" not in err and "Error" not in err


def test_cli_as_a_process(sohoa_home: Path) -> None:
    """The installed entry point, as later checks run it."""
    done = subprocess.run(
        [sys.executable, "-m", "sohoa", "report", "--format", "json"],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["rows"] == []


def test_dossiers_made_with_the_dossier_command_are_reported(capsys: pytest.CaptureFixture[str]) -> None:
    """``sohoa dossier new`` (the workflow's "new dossier") records the dossier; ``sohoa report`` counts it."""
    argv = ["dossier", "new", "--code", "H15.50.05.13-260115-0001", "--procedure", "1.001757"]
    argv += ["--owner-type", "person", "--owner-id", "001099012345", "--owner-name", "Lê Thị Thử"]
    assert main([*argv, "--received", "2026-01-15"]) == 0
    capsys.readouterr()
    assert main(["report", "--from", "2026-01", "--to", "2026-01"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert [
        (r["unit"], r["procedure"], r["dossiers_received"], r["dossiers_digitized"]) for r in data["rows"]
    ] == [("H15.50.05.13", "1.001757", 1, 0)]
