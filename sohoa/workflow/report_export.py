"""The report as CSV and XLSX, laid out to paste into a province's template.

The table comes first, one row per month, unit and procedure, then the total row; rates are
percentages with two decimals (91.31), as provinces write them. The definitions are printed
beside the table (XLSX: in the columns to its right; CSV: below it, after an empty line, since
a CSV has no "beside" a spreadsheet keeps), and the backlog results follow in their own table.
Both files are written atomically (a crash never leaves half a report under the final name).
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

from sohoa.core.errors import OutputError
from sohoa.core.fsutil import atomic_output
from sohoa.core.i18n import Text, tr
from sohoa.workflow.report import Report, ReportRow, definitions

COLUMNS: list[Text] = [
    Text(vi="Tháng", en="Month"),
    Text(vi="Đơn vị tiếp nhận", en="Receiving unit"),
    Text(vi="Mã thủ tục", en="Procedure"),
    Text(vi="Số hồ sơ tiếp nhận", en="Dossiers received"),
    Text(vi="Số hồ sơ đã số hóa", en="Dossiers digitized"),
    Text(vi="Tỷ lệ số hóa hồ sơ (%)", en="Digitization rate (%)"),
    Text(vi="Số giấy tờ phải nộp", en="Documents required"),
    Text(vi="Số giấy tờ tái sử dụng", en="Documents reused"),
    Text(vi="Tỷ lệ khai thác, sử dụng lại (%)", en="Reuse rate (%)"),
]
BACKLOG_COLUMNS: list[Text] = [
    Text(vi="Tháng số hóa", en="Month digitized"),
    Text(vi="Đơn vị", en="Unit"),
    Text(vi="Mã thủ tục", en="Procedure"),
    Text(vi="Năm cấp kết quả", en="Year of issue"),
    Text(vi="Số kết quả đã số hóa", en="Results digitized"),
]
TOTAL = Text(vi="Tổng cộng", en="Total")
ALL = Text(vi="Tất cả", en="All")
DEFINITIONS_TITLE = Text(vi="Định nghĩa", en="Definitions")
BACKLOG_TITLE = Text(vi="Số hóa kết quả tồn đọng", en="Backlog results digitized")


def percent(fraction: float) -> float:
    return round(100.0 * fraction, 2)


def _cells(row: ReportRow, total: bool = False) -> list[object]:
    return [
        tr(TOTAL) + f" ({row.month})" if total else row.month,
        row.unit if row.unit is not None else tr(ALL),
        row.procedure if row.procedure is not None else tr(ALL),
        row.dossiers_received,
        row.dossiers_digitized,
        percent(row.digitization_rate),
        row.components_required,
        row.components_reused,
        percent(row.reuse_rate),
    ]


def table(report: Report) -> list[list[object]]:
    """Header, one line per row, the total line: the block a clerk pastes into the template."""
    return [
        [tr(c) for c in COLUMNS],
        *(_cells(r) for r in report.rows),
        _cells(report.total, total=True),
    ]


def backlog_table(report: Report) -> list[list[object]]:
    return [
        [tr(c) for c in BACKLOG_COLUMNS],
        *([b.month, b.unit, b.procedure, b.issue_year or "?", b.results_digitized] for b in report.backlog),
    ]


def write_csv(report: Report, target: Path) -> Path:
    """UTF-8 with a BOM (Excel then reads the Vietnamese letters right), comma-separated."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerows(table(report))
    w.writerow([])
    w.writerow([tr(DEFINITIONS_TITLE)])
    w.writerows([key, text] for key, text in definitions())
    w.writerow([])
    w.writerow([tr(BACKLOG_TITLE)])
    w.writerows(backlog_table(report))
    try:
        with atomic_output(Path(target)) as tmp:
            tmp.write_text(buf.getvalue(), encoding="utf-8-sig", newline="")
    except OSError as e:
        raise OutputError(path=str(target), detail=e.strerror or str(e)) from e
    return Path(target)


def write_xlsx(report: Report, target: Path) -> Path:
    """Sheet 1: the table at A1 and the definitions beside it; sheet 2: the backlog results."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    wb = Workbook()
    ws = wb.active
    ws.title = "Bao cao" if tr(TOTAL) == "Tổng cộng" else "Report"
    rows = table(report)
    for r, values in enumerate(rows, start=1):
        for c, value in enumerate(values, start=1):
            cell = ws.cell(row=r, column=c, value=value)
            if r == 1 or r == len(rows):
                cell.font = Font(bold=True)
            if r > 1 and c in (6, 9):
                cell.value = round(float(value) / 100.0, 6)  # type: ignore[arg-type]
                cell.number_format = "0.00%"
    for c, width in enumerate((12, 18, 20, 12, 12, 14, 12, 12, 16), start=1):
        ws.column_dimensions[chr(64 + c)].width = width
    first_def_col = len(COLUMNS) + 2  # one empty column, then the definitions beside the table
    ws.cell(row=1, column=first_def_col, value=tr(DEFINITIONS_TITLE)).font = Font(bold=True)
    for r, (key, text) in enumerate(definitions(), start=2):
        ws.cell(row=r, column=first_def_col, value=key)
        cell = ws.cell(row=r, column=first_def_col + 1, value=text)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    ws.column_dimensions[chr(64 + first_def_col)].width = 20
    ws.column_dimensions[chr(64 + first_def_col + 1)].width = 90
    bl = wb.create_sheet("Ton dong" if tr(TOTAL) == "Tổng cộng" else "Backlog")
    for r, values in enumerate(backlog_table(report), start=1):
        for c, value in enumerate(values, start=1):
            bl.cell(row=r, column=c, value=value).font = Font(bold=r == 1)
    try:
        with atomic_output(Path(target)) as tmp:
            wb.save(tmp)
    except OSError as e:
        raise OutputError(path=str(target), detail=e.strerror or str(e)) from e
    return Path(target)
