"""Every refusal is a typed error with an actionable Vietnamese + English message, raised before signing."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pikepdf
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

from sohoa.cli import main
from sohoa.core.errors import ExitCode
from sohoa.signing import errors
from sohoa.signing.batch import sign_documents
from sohoa.signing.pades import open_pdf
from sohoa.signing.softhsm import SoftHsmToken, TestCa, create_token, store_certificate
from sohoa.signing.tokens import PinState, pin_state


def _sign(token: SoftHsmToken, paths: list[Path], out: Path, **kw: object):
    params = {"module": token.module, "token_label": token.label, "pin": token.pin, **kw}
    return sign_documents(paths, out, **params)  # type: ignore[arg-type]


def test_wrong_pin_shows_the_pin_state_and_is_not_retried(
    fresh_token: SoftHsmToken, plain_pdf: Path, tmp_path: Path
) -> None:
    assert pin_state(fresh_token.module, fresh_token.label).key == "ok"
    with pytest.raises(errors.WrongPin) as info:
        _sign(fresh_token, [plain_pdf], tmp_path, pin="000000")
    err = info.value
    assert err.exit_code == ExitCode.DEVICE
    assert err.pin_state == "count_low"  # SoftHSM sets CKF_USER_PIN_COUNT_LOW after one failure
    assert "Mã PIN không đúng" in err.message("vi") and "số lần thử còn lại đã giảm" in err.message("vi")
    assert "fewer attempts remain" in str(err)
    assert "000000" not in err.message("vi") + str(err)
    # exactly one attempt was spent: the state is shown before the next login, and the right PIN works
    assert pin_state(fresh_token.module, fresh_token.label).count_low
    assert _sign(fresh_token, [plain_pdf], tmp_path).ok
    assert pin_state(fresh_token.module, fresh_token.label).key == "ok"  # a good login resets it
    assert not list(tmp_path.glob("*.part"))


def test_wrong_pin_through_the_cli(
    fresh_token: SoftHsmToken,
    plain_pdf: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("BAD_PIN", "999999")
    code = main(
        [
            "sign",
            str(plain_pdf),
            "--module",
            fresh_token.module,
            "--token",
            fresh_token.label,
            "--pin-env",
            "BAD_PIN",
        ]
    )
    assert code == ExitCode.DEVICE
    err = capsys.readouterr().err
    assert "Mã PIN không đúng" in err and "999999" not in err
    assert not plain_pdf.with_name("giay-to.signed.pdf").exists()


@pytest.mark.parametrize(
    "flags,key",
    [(0, "ok"), (0x10000, "count_low"), (0x10000 | 0x20000, "final_try"), (0x40000 | 0x10000, "locked")],
)
def test_pin_state_from_token_flags(flags: int, key: str) -> None:
    state = PinState.from_flags(flags)
    assert state.key == key
    if key != "ok":
        assert state.text.vi and state.text.en


def test_missing_pin_env_var(token: SoftHsmToken, plain_pdf: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NO_SUCH_PIN", raising=False)
    code = main(
        ["sign", str(plain_pdf), "--module", token.module, "--token", token.label, "--pin-env", "NO_SUCH_PIN"]
    )
    assert code == ExitCode.DEVICE


def test_no_token(token: SoftHsmToken, plain_pdf: Path, tmp_path: Path) -> None:
    with pytest.raises(errors.NoToken) as info:
        sign_documents([plain_pdf], tmp_path, module=token.module, token_label="Không có", pin="1")
    assert token.label in info.value.message("vi")  # lists the tokens that are there
    assert "Hãy cắm token" in info.value.message("vi")


def test_missing_module(plain_pdf: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(errors.ModuleNotFound):
        sign_documents([plain_pdf], tmp_path, module=str(tmp_path / "nope.so"), token_label="x", pin="1")
    code = main(
        ["sign", str(plain_pdf), "--module", str(tmp_path / "nope.so"), "--token", "x", "--pin-env", "X"]
    )
    assert code == ExitCode.MISSING_DEPENDENCY


def test_not_a_module(plain_pdf: Path, tmp_path: Path) -> None:
    fake = tmp_path / "fake.so"
    fake.write_bytes(b"not a shared library")
    with pytest.raises(errors.ModuleLoadFailed):
        sign_documents([plain_pdf], tmp_path, module=str(fake), token_label="x", pin="1")


def test_certificate_without_private_key(
    fresh_token: SoftHsmToken, test_ca: TestCa, plain_pdf: Path, tmp_path: Path
) -> None:
    elsewhere = rsa.generate_private_key(
        public_exponent=65537, key_size=2048
    )  # its key never reaches the token
    cert = test_ca.issue(elsewhere.public_key(), "Chứng thư không có khóa")
    store_certificate(fresh_token, cert, b"\x02", label="no-key")
    with pytest.raises(errors.NoPrivateKey) as info:
        _sign(fresh_token, [plain_pdf], tmp_path, cert_id=b"\x02")
    assert "Chứng thư không có khóa" in info.value.message("vi")
    with pytest.raises(errors.CertificateNotFound):
        _sign(fresh_token, [plain_pdf], tmp_path, cert_id=b"\x07")
    assert _sign(fresh_token, [plain_pdf], tmp_path).ok  # without --cert-id: the one with a key


@pytest.mark.parametrize(
    "kwargs,error",
    [
        (
            {
                "not_before": dt.datetime(2020, 1, 1, tzinfo=dt.UTC),
                "not_after": dt.datetime(2021, 1, 1, tzinfo=dt.UTC),
            },
            errors.CertificateExpired,
        ),
        ({"not_before": dt.datetime.now(dt.UTC) + dt.timedelta(days=30)}, errors.CertificateNotYetValid),
        ({"key_usage": ("key_encipherment",)}, errors.KeyUsageNotAllowed),
    ],
)
def test_unusable_certificates_are_refused(
    tmp_path: Path, test_ca: TestCa, plain_pdf: Path, kwargs: dict, error: type
) -> None:
    tok = create_token(tmp_path / "bad", ca=test_ca, label="Bad Cert", **kwargs)
    tok.activate()
    with pytest.raises(error) as info:
        _sign(tok, [plain_pdf], tmp_path / "out")
    assert info.value.exit_code == ExitCode.SIGNATURE
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())


def test_encrypted_pdf(tmp_path: Path) -> None:
    path = tmp_path / "locked.pdf"
    pdf = pikepdf.new()
    pdf.add_blank_page()
    pdf.save(path, encryption=pikepdf.Encryption(owner="chu", user="doc", R=6))
    with pytest.raises(errors.EncryptedPdf) as info:
        open_pdf(path)
    assert "mã hóa" in info.value.message("vi")


@pytest.mark.parametrize(
    "content", [b"", b"hello, not a pdf", b"%PDF-1.7\n garbage without xref", b"\x89PNG\r\n\x1a\n"]
)
def test_not_a_pdf(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "x.pdf"
    path.write_bytes(content)
    with pytest.raises(errors.NotAPdf):
        open_pdf(path)


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(errors.NotAPdf):
        open_pdf(tmp_path / "absent.pdf")


def test_messages_are_nfc_vietnamese_and_english() -> None:
    import unicodedata

    samples = [
        errors.WrongPin("final_try"),
        errors.NoToken(label="A", present="-"),
        errors.TokenRemoved(pending=3),
        errors.CertificateExpired(subject="S", not_after="01/01/2021"),
        errors.EncryptedPdf(path="a.pdf"),
    ]
    for err in samples:
        vi, en = err.message("vi"), err.message("en")
        assert vi == unicodedata.normalize("NFC", vi) and vi != en and "{" not in vi + en
