"""Sign with the real SoftHSM token; verify with sohoa verify and, independently, with poppler's pdfsig."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pikepdf
import pikepdf.pdfa
import pytest

from sohoa.cli import main
from sohoa.signing.batch import sign_documents
from sohoa.signing.certs import load_trust_roots
from sohoa.signing.pades import SignOptions
from sohoa.signing.softhsm import SoftHsmToken, TestCa, create_token
from sohoa.signing.verify import verify_pdf
from tests.signing.conftest import make_pdf, pdfsig


def _sign_cli(token: SoftHsmToken, monkeypatch: pytest.MonkeyPatch, *args: str) -> int:
    monkeypatch.setenv("TEST_PIN", token.pin)
    return main(["sign", *args, "--module", token.module, "--token", token.label, "--pin-env", "TEST_PIN"])


def test_signed_output_is_valid_trusted_pades_for_sohoa_and_pdfsig(
    token: SoftHsmToken,
    plain_pdf: Path,
    nss_db: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert _sign_cli(token, monkeypatch, str(plain_pdf)) == 0
    signed = plain_pdf.with_name("giay-to.signed.pdf")
    assert signed.is_file()
    assert main(["verify", str(signed), "--trust", str(token.ca_pem)]) == 0
    assert "HỢP LỆ" in capsys.readouterr().out

    report = pdfsig(signed, nss_db)
    assert "Signature Validation: Signature is Valid." in report
    assert "Certificate Validation: Certificate is Trusted." in report
    assert "Signature Type: ETSI.CAdES.detached" in report
    assert "Total document signed" in report


def test_verify_without_the_trust_root_is_not_ok(
    token: SoftHsmToken, plain_pdf: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    assert _sign_cli(token, monkeypatch, str(plain_pdf)) == 0
    capsys.readouterr()
    assert main(["verify", str(plain_pdf.with_name("giay-to.signed.pdf")), "--json"]) == 7
    [entry] = json.loads(capsys.readouterr().out)
    [sig] = entry["signatures"]
    assert sig["intact"] and not sig["trusted"] and not entry["ok"]


def test_tampered_file_fails_both_verifiers(
    token: SoftHsmToken, plain_pdf: Path, nss_db: str, tmp_path: Path
) -> None:
    result = sign_documents(
        [plain_pdf], tmp_path / "out", module=token.module, token_label=token.label, pin=token.pin
    )
    signed = result.signed[0].output
    assert signed is not None
    data = bytearray(signed.read_bytes())
    pos = data.index(b"/Title")  # inside the signed byte range
    data[pos + 1] = ord("X")
    tampered = tmp_path / "tampered.pdf"
    tampered.write_bytes(bytes(data))
    [report] = verify_pdf(tampered, load_trust_roots([token.ca_pem]))
    assert not report.intact and not report.ok
    assert "Digest Mismatch" in pdfsig(tampered, nss_db)
    assert main(["verify", str(tampered), "--trust", str(token.ca_pem)]) == 7


def test_appended_content_after_signing_is_reported(
    token: SoftHsmToken, plain_pdf: Path, tmp_path: Path
) -> None:
    result = sign_documents(
        [plain_pdf], tmp_path, module=token.module, token_label=token.label, pin=token.pin
    )
    signed = result.signed[0].output
    assert signed is not None
    with pikepdf.open(
        signed, allow_overwriting_input=True
    ) as pdf:  # an edit saved as an incremental-less rewrite
        pdf.pages[0].Contents = pdf.make_stream(b"BT /F1 12 Tf 72 700 Td (sua) Tj ET")
        pdf.save(tmp_path / "edited.pdf")
    reports = verify_pdf(tmp_path / "edited.pdf", load_trust_roots([token.ca_pem]))
    assert reports and not any(r.ok for r in reports)


def test_pdfa_input_stays_byte_identical_and_valid(
    token: SoftHsmToken, pdfa_pdf: Path, tmp_path: Path
) -> None:
    original = pdfa_pdf.read_bytes()
    assert pikepdf.pdfa.validate_written(pdfa_pdf, "2b").passed
    result = sign_documents(
        [pdfa_pdf],
        tmp_path / "out",
        module=token.module,
        token_label=token.label,
        pin=token.pin,
        options=SignOptions(appearance="copy", agency_name="UBND phường Bến Nghé"),
    )
    signed = result.signed[0].output
    assert signed is not None
    data = signed.read_bytes()
    assert data[: len(original)] == original, "signing appends an incremental update only"
    assert len(data) > len(original)
    prefix = tmp_path / "revision1.pdf"
    prefix.write_bytes(data[: len(original)])
    assert pikepdf.pdfa.validate_written(prefix, "2b").passed
    fonts = subprocess.run(["pdffonts", str(signed)], capture_output=True, text=True, timeout=60).stdout
    stamp_fonts = [line for line in fonts.splitlines() if "Serif" in line]
    assert stamp_fonts and all(" yes " in line for line in stamp_fonts), fonts  # embedded (and subset)


def test_second_signature_keeps_the_first_valid(
    token: SoftHsmToken, plain_pdf: Path, tmp_path: Path, test_ca: TestCa, nss_db: str
) -> None:
    first = sign_documents(
        [plain_pdf], tmp_path / "1", module=token.module, token_label=token.label, pin=token.pin
    )
    once = first.signed[0].output
    assert once is not None
    other = create_token(tmp_path / "other", ca=test_ca, label="Second Signer", common_name="Trưởng phòng")
    other.activate()
    second = sign_documents(
        [once], tmp_path / "2", module=other.module, token_label=other.label, pin=other.pin
    )
    twice = second.signed[0].output
    assert twice is not None
    reports = verify_pdf(twice, load_trust_roots([test_ca.cert_pem]))
    assert [r.signer for r in reports] == ["Cán bộ Một Cửa Thử Nghiệm", "Trưởng phòng"]
    assert all(r.ok for r in reports), reports
    assert reports[0].changes_after == "signatures_added"
    assert reports[0].coverage == "ENTIRE_REVISION" and reports[1].coverage == "ENTIRE_FILE"
    assert pdfsig(twice, nss_db).count("Signature is Valid.") == 2


@pytest.mark.parametrize("key_type,pss", [("ec", False), ("rsa", True)])
def test_ecdsa_and_rsa_pss_keys(tmp_path: Path, test_ca: TestCa, key_type: str, pss: bool) -> None:
    tok = create_token(tmp_path / key_type, ca=test_ca, label=f"K-{key_type}", key_type=key_type)  # type: ignore[arg-type]
    tok.activate()
    pdf = make_pdf(tmp_path / "in.pdf")
    result = sign_documents(
        [pdf],
        tmp_path / "out",
        module=tok.module,
        token_label=tok.label,
        pin=tok.pin,
        options=SignOptions(prefer_pss=pss),
    )
    assert result.ok, [d.message() for d in result.documents]
    [report] = verify_pdf(result.signed[0].output, load_trust_roots([test_ca.cert_pem]))  # type: ignore[arg-type]
    assert report.ok and report.subfilter == "ETSI.CAdES.detached"


def test_sohoa_command_runs_as_a_program(token: SoftHsmToken, plain_pdf: Path, tmp_path: Path) -> None:
    """The real entry point in a child process: exit codes and the --out-dir contract."""
    env = {**token.env, "SIGN_PIN": token.pin, "SOHOA_HOME": str(tmp_path / "home")}
    out = tmp_path / "signed"
    cmd = [
        sys.executable,
        "-m",
        "sohoa",
        "sign",
        str(plain_pdf),
        "--module",
        token.module,
        "--token",
        token.label,
    ]
    proc = subprocess.run(
        [*cmd, "--pin-env", "SIGN_PIN", "--out-dir", str(out)],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    assert token.pin not in proc.stdout + proc.stderr
    verify = [
        sys.executable,
        "-m",
        "sohoa",
        "verify",
        str(out / plain_pdf.name),
        "--trust",
        str(token.ca_pem),
    ]
    assert subprocess.run(verify, env=env, capture_output=True, timeout=120).returncode == 0
    unsigned = subprocess.run(
        [sys.executable, "-m", "sohoa", "verify", str(plain_pdf)], env=env, capture_output=True, timeout=120
    )
    assert unsigned.returncode == 7
