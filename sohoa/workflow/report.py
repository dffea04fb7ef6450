"""The monthly digitization report, computed from the dossier register (no Qt, no network).

Per month, per receiving unit and per procedure: dossiers received and digitized, the
digitization rate; documents required and reused, the reuse rate; and, apart, the backlog
results digitized by year of issue. The definitions below are printed beside every export
and shown in the app, so a number is never read without knowing what it counts.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import asdict, dataclass
from datetime import date
from typing import Any

from sohoa.core.errors import ValidationError
from sohoa.core.i18n import Text, tr
from sohoa.core.store import Store
from sohoa.workflow.register import ComponentState, RegisteredDossier, month_span

# What each figure counts: shown beside the table (app, CSV, XLSX). One place, both languages.
DEFINITIONS: list[tuple[str, Text]] = [
    (
        "dossiers_received",
        Text(
            vi="Hồ sơ tiếp nhận: mọi hồ sơ được tiếp nhận tại quầy trong tháng (theo ngày tiếp nhận), kể cả hồ sơ không có giấy tờ nào cần số hóa.",
            en="Dossiers received: every dossier received at the counter in the month (by its received date), including one with nothing to digitize.",
        ),
    ),
    (
        "dossiers_digitized",
        Text(
            vi="Hồ sơ đã số hóa: hồ sơ mà mọi giấy tờ đã ghi nhận đều đã được xử lý thành PDF/A (đã ký hoặc chưa) hoặc được tái sử dụng từ kho, và có ít nhất một giấy tờ được số hóa. Hồ sơ không có giấy tờ nào được số hóa (kể cả hồ sơ chỉ gồm giấy tờ tái sử dụng, hoặc không có giấy tờ) là chưa số hóa.",
            en="Dossiers digitized: a dossier every registered document of which has been processed into a PDF/A (signed or not) or reused from the repository, with at least one document digitized. A dossier with no digitized document (including one with reused documents only, or with no documents) is not digitized.",
        ),
    ),
    (
        "digitization_rate",
        Text(
            vi="Tỷ lệ số hóa hồ sơ = hồ sơ đã số hóa / hồ sơ tiếp nhận (0 khi không có hồ sơ).",
            en="Digitization rate = dossiers digitized / dossiers received (0 when there is none).",
        ),
    ),
    (
        "components_required",
        Text(
            vi="Giấy tờ phải nộp: các giấy tờ (thành phần hồ sơ) ghi nhận cho các hồ sơ tiếp nhận trong tháng, dù đã số hóa, tái sử dụng hay chưa số hóa. Kết quả do cơ quan cấp không tính.",
            en="Documents required: the documents (dossier components) registered for the dossiers received in the month, whether digitized, reused or not. Results the agency issues are not counted.",
        ),
    ),
    (
        "components_reused",
        Text(
            vi="Giấy tờ tái sử dụng: giấy tờ không phải nộp lại bản giấy vì đã lấy từ kho dữ liệu (DuocTaiSuDung, có MaKetQuaThayThe).",
            en="Documents reused: documents not handed in again on paper because they were taken from the repository (DuocTaiSuDung, with MaKetQuaThayThe).",
        ),
    ),
    (
        "reuse_rate",
        Text(
            vi="Tỷ lệ khai thác, sử dụng lại = giấy tờ tái sử dụng / giấy tờ phải nộp (0 khi không có giấy tờ).",
            en="Reuse rate = documents reused / documents required (0 when there is none).",
        ),
    ),
    (
        "backlog",
        Text(
            vi="Kết quả số hóa tồn đọng: kết quả giải quyết của các năm trước được số hóa trong tháng, theo năm cấp.",
            en="Backlog results digitized: results issued in earlier years and digitized in the month, by year of issue.",
        ),
    ),
    (
        "month",
        Text(
            vi="Tháng: hồ sơ và mọi giấy tờ của nó được tính vào tháng tiếp nhận hồ sơ, dù giấy tờ được số hóa vào tháng sau; số liệu là tình trạng tại lúc lập báo cáo.",
            en="Month: a dossier and all its documents count in the month it was received, even when a document is digitized a month later; figures are as of when the report is made.",
        ),
    ),
]

KEYS = (
    "month",
    "unit",
    "procedure",
    "dossiers_received",
    "dossiers_digitized",
    "digitization_rate",
    "components_required",
    "components_reused",
    "reuse_rate",
)
_MONTH = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")


class BadMonth(ValidationError):
    text = Text(
        vi="Tháng '{value}' không đúng dạng YYYY-MM (ví dụ 2026-01).",
        en="The month '{value}' is not YYYY-MM (for example 2026-01).",
    )


class MonthsReversed(ValidationError):
    text = Text(
        vi="Tháng bắt đầu {start} sau tháng kết thúc {end}. Hãy đổi lại --from và --to.",
        en="The first month {start} is after the last month {end}. Swap --from and --to.",
    )


def parse_month(value: str) -> str:
    if not _MONTH.fullmatch(value.strip()):
        raise BadMonth(value=value)
    return value.strip()


@dataclass
class ReportRow:
    month: str
    unit: str | None
    procedure: str | None
    dossiers_received: int = 0
    dossiers_digitized: int = 0
    components_required: int = 0
    components_reused: int = 0

    @property
    def digitization_rate(self) -> float:
        return self.dossiers_digitized / self.dossiers_received if self.dossiers_received else 0.0

    @property
    def reuse_rate(self) -> float:
        return self.components_reused / self.components_required if self.components_required else 0.0

    def as_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["digitization_rate"] = round(self.digitization_rate, 6)
        d["reuse_rate"] = round(self.reuse_rate, 6)
        return {k: d[k] for k in KEYS}


@dataclass(frozen=True)
class BacklogRow:
    month: str
    unit: str
    procedure: str
    issue_year: int
    results_digitized: int


@dataclass
class Report:
    first_month: str
    last_month: str
    rows: list[ReportRow]
    total: ReportRow
    backlog: list[BacklogRow]

    def as_json(self) -> dict[str, Any]:
        """The CLI's JSON: ``{"rows": [...], "total": {...}}`` with rates as fractions in [0, 1]."""
        return {"rows": [r.as_dict() for r in self.rows], "total": self.total.as_dict()}


def counts_as_digitized(required: int, digitized: int, reused: int) -> bool:
    """The rule (see DEFINITIONS): every document digitized or reused, and at least one digitized."""
    return digitized > 0 and digitized + reused == required


def is_digitized(dossier: RegisteredDossier) -> bool:
    states = [c.state for c in dossier.components]
    return counts_as_digitized(
        len(states), states.count(ComponentState.DIGITIZED), states.count(ComponentState.REUSED)
    )


# one row per dossier with its documents counted by state; the rule is applied in Python.
# INDEXED BY: without statistics SQLite walks every dossier in key order to save a sort.
_PER_DOSSIER = """
SELECT d.received_month, d.unit, d.procedure_code, COUNT(c.id),
       COALESCE(SUM(c.state = 'digitized'), 0), COALESCE(SUM(c.state = 'reused'), 0)
FROM register_dossiers d INDEXED BY idx_register_dossiers_received_month
LEFT JOIN register_components c ON c.dossier_id = d.dossier_id
WHERE d.received_month BETWEEN ? AND ? AND d.channel = 'counter'{filters}
GROUP BY d.dossier_id
"""


def _month_of(day: date) -> str:
    return day.strftime("%Y-%m")


def compute(
    store: Store,
    first_month: str | None = None,
    last_month: str | None = None,
    unit: str | None = None,
    procedure: str | None = None,
) -> Report:
    """The report over ``first_month``..``last_month`` (default: every month the register holds)."""
    span = month_span(store)
    this_month = _month_of(date.today())
    first = parse_month(first_month) if first_month else (span[0] if span else this_month)
    last = parse_month(last_month) if last_month else (span[1] if span else this_month)
    if first_month and not last_month:
        last = max(first, last)
    if last_month and not first_month:
        first = min(first, last)
    if first > last:
        raise MonthsReversed(start=first, end=last)
    groups: dict[tuple[str, str, str], ReportRow] = {}
    total = ReportRow(first if first == last else f"{first}..{last}", unit, procedure)
    filters, args = "", [first, last]
    if unit:
        filters, args = filters + " AND d.unit = ?", [*args, unit]
    if procedure:
        filters, args = filters + " AND d.procedure_code = ?", [*args, procedure]
    counts: dict[tuple[str, str, str], list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    for month, unit_code, procedure_code, required, digitized, reused in store.conn.execute(
        _PER_DOSSIER.format(filters=filters), args
    ):
        c = counts[(month, unit_code or "", procedure_code or "")]
        c[0] += 1
        c[1] += counts_as_digitized(required, digitized, reused)
        c[2] += required
        c[3] += reused
    for key, (received, digitized, required, reused) in counts.items():
        groups[key] = ReportRow(*key, received, digitized, required, reused)
        total.dossiers_received += received
        total.dossiers_digitized += digitized
        total.components_required += required
        total.components_reused += reused
    backlog_counts: dict[tuple[str, str, str, int], int] = defaultdict(int)
    for b in store.db["register_backlog"].rows_where(
        "digitized_month BETWEEN ? AND ?", [first, last], order_by="digitized_month"
    ):
        if (unit and b["unit"] != unit) or (procedure and b["procedure_code"] != procedure):
            continue
        backlog_counts[
            (b["digitized_month"], b["unit"] or "", b["procedure_code"] or "", b["issue_year"])
        ] += 1
    backlog = [BacklogRow(*k, n) for k, n in sorted(backlog_counts.items())]
    return Report(first, last, [groups[k] for k in sorted(groups)], total, backlog)


def definitions() -> list[tuple[str, str]]:
    """The definitions in the current language, as (figure, sentence)."""
    return [(key, tr(text)) for key, text in DEFINITIONS]


def monthly_series(report: Report) -> list[tuple[str, int, int]]:
    """(month, received, digitized) for every month of the report, empty months included (the chart)."""
    per_month: dict[str, list[int]] = {}
    year, month = int(report.first_month[:4]), int(report.first_month[5:])
    while f"{year:04d}-{month:02d}" <= report.last_month:
        per_month[f"{year:04d}-{month:02d}"] = [0, 0]
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    for r in report.rows:
        per_month[r.month][0] += r.dossiers_received
        per_month[r.month][1] += r.dossiers_digitized
    return [(m, v[0], v[1]) for m, v in per_month.items()]
