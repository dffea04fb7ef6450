"""Identifier validators: good values pass normalised; bad ones get a message a clerk can act on."""

from __future__ import annotations

from datetime import date

import pytest

from sohoa.core import i18n
from sohoa.core.errors import ValidationError
from sohoa.core.identifiers import (
    mask_id,
    normalize_text,
    parse_day,
    validate_component_code,
    validate_dossier_code,
    validate_owner_id,
    validate_personal_id,
    validate_procedure_code,
    validate_result_code,
    validate_tax_code,
)
from sohoa.core.province import load_profile

TODAY = date(2026, 11, 24)


@pytest.mark.parametrize("value", ["001099012345", "079203001234", "096301000001", " 0010 9901 2345 "])
def test_personal_id_accepts_valid_numbers(value: str) -> None:
    assert validate_personal_id(value, TODAY) == value.replace(" ", "")


@pytest.mark.parametrize(
    ("value", "fragment"),
    [
        ("00109901234", "12 chữ số"),  # 11 digits
        ("0010990123456", "12 chữ số"),  # 13 digits
        ("00109901234A", "chỉ được chứa chữ số"),
        ("003099012345", "'003'"),  # 003 is not a province code
        ("099099012345", "'099'"),
        ("001330012345", "2030"),  # century digit 3 (2000s) + year 30 = 2030, in the future
        ("123456789", "CMND 9 số"),
    ],
)
def test_personal_id_rejects_with_a_clear_reason(value: str, fragment: str) -> None:
    with pytest.raises(ValidationError) as err:
        validate_personal_id(value, TODAY)
    assert fragment in err.value.message("vi")
    assert err.value.message("en") != err.value.message("vi")


@pytest.mark.parametrize("value", ["0100233488", "0314409058", "0314409058-002", "0314409058002"])
def test_tax_code_accepts_valid_check_digits(value: str) -> None:
    assert validate_tax_code(value).replace("-", "") == value.replace("-", "")


def test_tax_code_thirteen_digits_is_normalised_with_dash() -> None:
    assert validate_tax_code("0314409058002") == "0314409058-002"


@pytest.mark.parametrize("value", ["0100233489", "0314409057", "0314409050-001"])
def test_tax_code_wrong_check_digit(value: str) -> None:
    with pytest.raises(ValidationError) as err:
        validate_tax_code(value)
    assert "chữ số kiểm tra" in err.value.message("vi")
    assert "check digit" in err.value.message("en")


@pytest.mark.parametrize("value", ["123", "01002334881", "0100233488-1", "abcdefghij", "0314409058-000"])
def test_tax_code_malformed(value: str) -> None:
    with pytest.raises(ValidationError):
        validate_tax_code(value)


def test_personal_id_is_a_tax_code_since_2025() -> None:
    assert validate_tax_code("001099012345") == "001099012345"


def test_owner_id_depends_on_owner_type() -> None:
    assert validate_owner_id("001099012345", "person") == "001099012345"
    assert validate_owner_id("0100233488", "organisation") == "0100233488"
    with pytest.raises(ValidationError):
        validate_owner_id("0100233488", "person")


@pytest.mark.parametrize(
    "value", ["H15.50.05.13-261008-0975", "000.00.26.H15-231010-0001", "h15.50-261124-12345"]
)
def test_dossier_code_accepts_portal_codes(value: str) -> None:
    assert validate_dossier_code(value, today=TODAY) == value.upper()


@pytest.mark.parametrize(
    ("value", "fragment"),
    [
        ("H15.50.05.13-261308-0975", "không phải ngày có thật"),  # month 13
        ("H15.50.05.13-261231-0975", "sau ngày hôm nay"),  # after today
        ("H15.50.05.13-2610080975", "không đúng mẫu"),
        ("H15.50.05.13-261008-97", "không đúng mẫu"),  # counter too short
        ("H15 50 05 13-261008-0975", "không đúng mẫu"),
        ("", "không đúng mẫu"),
    ],
)
def test_dossier_code_rejects_malformed(value: str, fragment: str) -> None:
    with pytest.raises(ValidationError) as err:
        validate_dossier_code(value, today=TODAY)
    assert fragment in err.value.message("vi")


def test_province_profile_changes_the_accepted_formats() -> None:
    h15 = load_profile("H15")
    assert validate_result_code("KQ.H15.2026.000123", h15) == "KQ.H15.2026.000123"
    with pytest.raises(ValidationError) as err:
        validate_result_code("KQ-2026-1", h15)
    assert "KQ.H15.2026.000123" in err.value.message("vi")  # the example shown to the clerk
    assert validate_result_code("KQ-2026-1") == "KQ-2026-1"  # the national default is looser
    with pytest.raises(ValidationError):
        validate_dossier_code("000.00.26.H16-231010-0001", h15, today=TODAY)


def test_procedure_and_component_codes() -> None:
    assert validate_procedure_code("1.001757") == "1.001757"
    assert validate_procedure_code("2.000884.000.00.00.H15") == "2.000884.000.00.00.H15"
    with pytest.raises(ValidationError):
        validate_procedure_code("4.001757")
    assert validate_component_code("TP01") == "TP01"
    with pytest.raises(ValidationError):
        validate_component_code("TP 01")


def test_messages_follow_the_language() -> None:
    i18n.set_language("en")
    with pytest.raises(ValidationError) as err:
        validate_personal_id("12")
    assert "exactly 12 digits" in str(err.value)
    assert "exactly 12 digits" in err.value.message()


def test_normalize_text_nfc_and_spaces() -> None:
    nfd = "Nguye\u0302\u0303n  Va\u0306n\u00a0An "
    assert normalize_text(nfd) == "Nguyễn Văn An"
    assert mask_id("001099012345") == "********2345"


@pytest.mark.parametrize(
    ("typed", "day"),
    [
        ("15/03/2019", date(2019, 3, 15)),
        (" 2/7/2018 ", date(2018, 7, 2)),
        ("02.07.2018", date(2018, 7, 2)),
        ("29-02-2024", date(2024, 2, 29)),
        ("2019-03-15", date(2019, 3, 15)),
    ],
)
def test_a_typed_day_is_read_as_on_paper_or_iso(typed: str, day: date) -> None:
    assert parse_day(typed) == day


@pytest.mark.parametrize(
    ("typed", "words"),
    [
        ("31/02/2019", "không phải ngày có thật"),
        ("29/02/2023", "không phải ngày có thật"),
        ("2019-13-01", "không phải ngày có thật"),
        ("03/15/2019x", "không đúng dạng ngày"),
        ("2019/03/15", "không đúng dạng ngày"),
        ("15/03/19", "không đúng dạng ngày"),
        ("", "không đúng dạng ngày"),
    ],
)
def test_a_wrong_day_says_which_field_and_how_to_type_it(typed: str, words: str) -> None:
    with pytest.raises(ValidationError) as e:
        parse_day(typed, "Ngày cấp", "The issue date")
    assert words in e.value.message("vi") and e.value.message("vi").startswith("Ngày cấp")
    assert e.value.message("en").startswith("The issue date")
