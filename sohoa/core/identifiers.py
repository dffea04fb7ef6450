"""Validation of the identifiers a clerk types, with messages a clerk understands.

Fixed by law (in code): the 12-digit personal identification number (CCCD,
Circular 59/2021/TT-BCA) and the tax code (10 digits with a mod-11 check digit,
or 13 as ``NNNNNNNNNN-NNN``; since 1 July 2025 a person's tax code is their 12-digit
personal ID). Not fixed by law (from the province profile): dossier, result,
procedure and component codes. Every validator returns the normalised value or
raises :class:`sohoa.core.errors.ValidationError`.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime

from stdnum.vn import mst

from sohoa.core.errors import ValidationError
from sohoa.core.i18n import Text
from sohoa.core.province import ProvinceProfile, load_profile

# Province/city codes of the personal ID (Circular 59/2021/TT-BCA, appendix).
CCCD_PROVINCE_CODES = frozenset(
    "001 002 004 006 008 010 011 012 014 015 017 019 020 022 024 025 026 027 030 031 033 034 035 036 037"
    " 038 040 042 044 045 046 048 049 051 052 054 056 058 060 062 064 066 067 068 070 072 074 075 077"
    " 079 080 082 083 084 086 087 089 091 092 093 094 095 096".split()
)

_SPACES = re.compile(r"[\s\u00a0]+")


def normalize_text(value: str) -> str:
    """NFC, trimmed, inner runs of spaces collapsed: how names are stored and compared."""
    return _SPACES.sub(" ", unicodedata.normalize("NFC", value)).strip()


def _invalid(vi: str, en: str, **params: object) -> ValidationError:
    return ValidationError(Text(vi=vi, en=en), **params)


def _digits(value: str) -> str:
    return re.sub(r"[\s.]", "", value)


def validate_personal_id(value: str, today: date | None = None) -> str:
    """A 12-digit personal ID: province code, century/sex digit, birth year, 6 digits."""
    v = _digits(value)
    if not v.isdigit():
        raise _invalid(
            "Số định danh cá nhân '{value}' chỉ được chứa chữ số",
            "The personal ID '{value}' may contain digits only",
            value=value,
        )
    if len(v) == 9:
        raise _invalid(
            "'{value}' là số CMND 9 số cũ. Hãy nhập số định danh cá nhân 12 số (số CCCD)",
            "'{value}' is an old 9-digit ID card number. Enter the 12-digit personal ID (CCCD)",
            value=value,
        )
    if len(v) != 12:
        raise _invalid(
            "Số định danh cá nhân phải có đúng 12 chữ số; '{value}' có {n} chữ số",
            "A personal ID has exactly 12 digits; '{value}' has {n}",
            value=value,
            n=len(v),
        )
    if v[:3] not in CCCD_PROVINCE_CODES:
        raise _invalid(
            "Ba chữ số đầu '{code}' của số định danh không phải mã tỉnh/thành phố nào. Hãy kiểm tra lại số",
            "The first three digits '{code}' of the personal ID are not a province code. Check the number",
            code=v[:3],
        )
    century = 1900 + 100 * (int(v[3]) // 2)
    birth_year = century + int(v[4:6])
    today = today or date.today()
    if birth_year > today.year:
        raise _invalid(
            "Số định danh '{value}' cho năm sinh {year}, sau năm hiện tại. Hãy kiểm tra chữ số thứ 4 đến 6",
            "The personal ID '{value}' gives birth year {year}, after the current year. Check digits 4 to 6",
            value=value,
            year=birth_year,
        )
    return v


def validate_tax_code(value: str) -> str:
    """A tax code: 10 digits with check digit, 13 as NNNNNNNNNN-NNN, or a 12-digit personal ID."""
    v = value.strip().replace(" ", "")
    if re.fullmatch(r"\d{12}", v):
        return validate_personal_id(v)
    m = re.fullmatch(r"(\d{10})(?:-?(\d{3}))?", v)
    if not m:
        raise _invalid(
            "Mã số thuế '{value}' không đúng dạng: cần 10 chữ số, hoặc 13 chữ số dạng 0123456789-001",
            "The tax code '{value}' is malformed: use 10 digits, or 13 as 0123456789-001",
            value=value,
        )
    base, branch = m.groups()
    if mst.calc_check_digit(base[:9]) != base[9]:
        raise _invalid(
            "Mã số thuế '{value}' sai chữ số kiểm tra (chữ số thứ 10). Hãy đối chiếu lại với giấy tờ",
            "The tax code '{value}' has a wrong check digit (10th digit). Compare it with the document",
            value=value,
        )
    if branch is not None:
        if branch == "000":
            raise _invalid(
                "Ba số cuối của mã số thuế đơn vị phụ thuộc phải từ 001 đến 999",
                "The last three digits of a branch tax code must be 001 to 999",
            )
        return f"{base}-{branch}"
    return base


def validate_owner_id(value: str, owner_type: str) -> str:
    """A person's 12-digit ID, or an organisation's tax code."""
    if owner_type == "person":
        return validate_personal_id(value)
    return validate_tax_code(value)


def _by_profile(value: str, kind: str, profile: ProvinceProfile, vi_name: str, en_name: str) -> str:
    v = value.strip().upper()
    fmt = getattr(profile, kind)
    if not fmt.pattern.fullmatch(v):
        raise _invalid(
            "{vi_name} '{value}' không đúng mẫu của {profile}; ví dụ đúng: {example}",
            "The {en_name} '{value}' does not match the format of {profile}; a correct example: {example}",
            vi_name=vi_name,
            en_name=en_name,
            value=value,
            profile=profile.name,
            example=fmt.example,
        )
    return v


def validate_dossier_code(
    value: str, profile: ProvinceProfile | None = None, today: date | None = None
) -> str:
    """A dossier code as the portal forms it: unit code, received date (yyMMdd or yyyyMMdd), counter."""
    profile = profile or load_profile()
    v = _by_profile(value, "dossier_code", profile, "Mã hồ sơ", "dossier code")
    m = profile.dossier_code.pattern.fullmatch(v)
    if m and "date" in m.groupdict():
        shape = "%Y%m%d" if len(m["date"]) == 8 else "%y%m%d"  # G09.20-20260609-0092637: 8 digits
        try:
            received = datetime.strptime(m["date"], shape).date()
        except ValueError:
            raise _invalid(
                "Phần ngày '{part}' trong mã hồ sơ '{value}' không phải ngày có thật (dạng yyMMdd hoặc yyyyMMdd)",
                "The date part '{part}' of the dossier code '{value}' is not a real date (yyMMdd or yyyyMMdd)",
                part=m["date"],
                value=value,
            ) from None
        if received > (today or date.today()):
            raise _invalid(
                "Mã hồ sơ '{value}' mang ngày tiếp nhận {day}, sau ngày hôm nay",
                "The dossier code '{value}' carries a received date {day} after today",
                value=value,
                day=received.isoformat(),
            )
    return v


LEGACY_CODE_MAX = 100  # what the repository keeps for MaHoSo
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def validate_legacy_code(value: str) -> str:
    """An old result's dossier code as the paper shows it (any numbering, or none): only its size is checked.

    Backlog results were issued before the portal's numbering existed, so their codes follow no
    profile; an empty code is allowed (the result is found by owner and result code instead).
    """
    v = normalize_text(value)
    if _CONTROL.search(v):
        raise _invalid(
            "Mã hồ sơ cũ '{value}' chứa ký tự không in được; hãy gõ lại mã như trên giấy",
            "The old dossier code '{value}' holds unprintable characters; type it again as on paper",
            value=_CONTROL.sub("?", v),
        )
    if len(v) > LEGACY_CODE_MAX:
        raise _invalid(
            "Mã hồ sơ cũ dài {n} ký tự; kho dữ liệu chỉ nhận tối đa {limit} ký tự",
            "The old dossier code is {n} characters long; the repository accepts at most {limit}",
            n=len(v),
            limit=LEGACY_CODE_MAX,
        )
    return v


_DAY = re.compile(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})")
_ISO_DAY = re.compile(r"(\d{4})-(\d{2})-(\d{2})")


def parse_day(value: str, vi_name: str = "Ngày", en_name: str = "The date") -> date:
    """A typed day: dd/mm/yyyy as a clerk writes it (also dd-mm-yyyy, dd.mm.yyyy) or ISO yyyy-mm-dd.

    ``vi_name``/``en_name`` name the field in the message ("Ngày cấp", "--issue-date").
    """
    v = value.strip()
    m = _DAY.fullmatch(v)
    iso = _ISO_DAY.fullmatch(v)
    if not (m or iso):
        raise _invalid(
            "{vi_name} '{value}' không đúng dạng ngày; hãy gõ ngày/tháng/năm, ví dụ 15/03/2019 (hoặc 2019-03-15)",
            "{en_name} '{value}' is not a date; type day/month/year, e.g. 15/03/2019 (or 2019-03-15)",
            vi_name=vi_name,
            en_name=en_name,
            value=value,
        )
    day, month, year = (int(m[1]), int(m[2]), int(m[3])) if m else (int(iso[3]), int(iso[2]), int(iso[1]))  # type: ignore[index]
    try:
        return date(year, month, day)
    except ValueError:
        raise _invalid(
            "{vi_name} '{value}' không phải ngày có thật (ngày {day}, tháng {month}); hãy kiểm tra lại trên giấy",
            "{en_name} '{value}' is not a real day (day {day}, month {month}); check it on the paper",
            vi_name=vi_name,
            en_name=en_name,
            value=value,
            day=day,
            month=month,
        ) from None


def validate_result_code(value: str, profile: ProvinceProfile | None = None) -> str:
    return _by_profile(value, "result_code", profile or load_profile(), "Mã kết quả", "result code")


def validate_procedure_code(value: str, profile: ProvinceProfile | None = None) -> str:
    return _by_profile(value, "procedure_code", profile or load_profile(), "Mã thủ tục", "procedure code")


def validate_component_code(value: str, profile: ProvinceProfile | None = None) -> str:
    v = value.strip()
    fmt = (profile or load_profile()).component_code
    if not fmt.pattern.fullmatch(v):
        raise _invalid(
            "Mã thành phần hồ sơ '{value}' không đúng mẫu; ví dụ đúng: {example}",
            "The component code '{value}' is malformed; a correct example: {example}",
            value=value,
            example=fmt.example,
        )
    return v


def mask_id(value: str) -> str:
    """Show only the last 4 characters of an ID number (for logs and lists)."""
    return "*" * max(0, len(value) - 4) + value[-4:] if value else ""
