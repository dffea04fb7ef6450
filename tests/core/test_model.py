"""Dossier validation normalises fields and lists every problem at once."""

from __future__ import annotations

import pytest

from sohoa.core.errors import ValidationError
from sohoa.core.model import Document, DocumentKind, Dossier, OwnerType
from sohoa.core.province import load_profile


def test_valid_dossier_is_normalised() -> None:
    d = Dossier(
        code="h15.50.05.13-261008-0975",
        owner_type=OwnerType.ORGANISATION,
        owner_id="0314409058002",
        owner_name="Công ty  TNHH\u00a0Ánh Dương",
        documents=[Document(kind=DocumentKind.RESULT, title="Giấy phép", result_code="kq-2026-1")],
    ).validated(load_profile())
    assert d.code == "H15.50.05.13-261008-0975"
    assert d.owner_id == "0314409058-002"
    assert d.owner_name == "Công ty TNHH Ánh Dương"
    assert d.documents[0].result_code == "KQ-2026-1"


def test_every_problem_is_reported() -> None:
    d = Dossier(
        code="bad code",
        owner_type=OwnerType.PERSON,
        owner_id="12345",
        documents=[Document(kind=DocumentKind.RESULT, title="Quyết định")],
    )
    with pytest.raises(ValidationError) as err:
        d.validated(load_profile())
    text = err.value.message("vi")
    assert "Mã hồ sơ" in text
    assert "12 chữ số" in text
    assert "phải có mã kết quả" in text


def test_only_results_need_a_result_code() -> None:
    assert DocumentKind.RESULT.needs_result_code
    assert DocumentKind.COMPONENT_RESULT.needs_result_code
    assert not DocumentKind.COMPONENT.needs_result_code
    assert not DocumentKind.REJECTION.needs_result_code
