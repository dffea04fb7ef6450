"""The code shapes seen in the portal's vocabulary, accepted by the validators through the province profile."""

from __future__ import annotations

from datetime import date

import pytest

from sohoa.core.errors import ConfigError, ValidationError
from sohoa.core.identifiers import validate_component_code, validate_dossier_code, validate_result_code
from sohoa.core.province import load_profile

TODAY = date(2026, 12, 1)


@pytest.mark.parametrize("profile", ["default", "G09"])
def test_portal_shapes_are_accepted(profile: str) -> None:
    p = load_profile(profile)
    assert validate_dossier_code("G09.20-20260609-0092637", p, TODAY) == "G09.20-20260609-0092637"
    assert validate_result_code("KQ.G07.000122", p) == "KQ.G07.000122"
    assert validate_component_code("000.00.00.G09-KQ002269", p) == "000.00.00.G09-KQ002269"


def test_both_date_shapes_and_the_unit() -> None:
    p = load_profile()
    assert validate_dossier_code("H15.50.05.13-261008-0975", p, TODAY)
    assert p.unit_of("G09.20-20260609-0092637") == "G09.20"
    assert load_profile("G09").unit_of("000.00.20.G09-261008-0975") == "000.00.20.G09"


@pytest.mark.parametrize(
    ("code", "needle"),
    [
        ("G09.20-20261309-0092637", "không phải ngày có thật"),  # month 13
        ("G09.20-20270101-0092637", "sau ngày hôm nay"),
        ("G09.20-2026060-0092637", "không đúng mẫu"),  # 7-digit date
    ],
)
def test_bad_dossier_codes_say_why(code: str, needle: str) -> None:
    with pytest.raises(ValidationError) as e:
        validate_dossier_code(code, load_profile(), TODAY)
    assert needle in e.value.message("vi")


def test_the_strict_profile_refuses_other_shapes() -> None:
    g09 = load_profile("G09")
    assert g09.connector == "portal" and g09.portal["unit_code"] == "000.00.00.G09"
    with pytest.raises(ValidationError):
        validate_result_code("KQ.H15-2026-000123", g09)
    with pytest.raises(ValidationError):
        validate_dossier_code("H15.50.05.13-261008-0975", g09, TODAY)


def test_a_profile_with_an_unknown_connector_or_portal_key_is_refused(tmp_path) -> None:  # type: ignore[no-untyped-def]
    base = (tmp_path / "p.toml", tmp_path / "q.toml")
    text = load_profile_text()
    base[0].write_text(text.replace('connector = "reference"', 'connector = "ftp"'), encoding="utf-8")
    base[1].write_text(text + '\n[portal]\nunit = "x"\n', encoding="utf-8")
    for path, needle in zip(base, ("connector 'ftp'", "unknown key 'unit'"), strict=True):
        with pytest.raises(ConfigError) as e:
            load_profile(str(path))
        assert needle in str(e.value)


def load_profile_text() -> str:
    from importlib import resources

    return (resources.files("sohoa.core") / "province_profiles" / "default.toml").read_text(encoding="utf-8")
