"""Sign with the real SoftHSM token; verify with sohoa verify and, independently, with poppler's pdfsig."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pikepdf
import pikepdf.pdfa
import pytest
from cryptography.hazmat.primitives import serialization

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


def _odd_length_ca(folder: Path) -> TestCa:
    """A root CA whose DER encoding has an odd length (a SAN of varying length appears once)."""
    import datetime as dt

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.x509.oid import NameOID

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "SoHoa Odd CA")])
    now = dt.datetime.now(dt.UTC)
    for pad in range(1, 40):
        cert = (
            x509.CertificateBuilder()
            .subject_name(name)
            .issuer_name(name)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(days=1))
            .not_valid_after(now + dt.timedelta(days=365))
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .add_extension(
                x509.SubjectAlternativeName([x509.DNSName("ca" + "x" * pad + ".test")]), critical=False
            )
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
            .sign(key, hashes.SHA256())
        )
        if len(cert.public_bytes(serialization.Encoding.DER)) % 2:
            folder.mkdir(parents=True, exist_ok=True)
            pem = folder / "odd-ca.pem"
            pem.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
            return TestCa(cert=cert, key=key, cert_pem=pem)
    raise AssertionError("no odd-length certificate made")


def test_odd_length_ca_certificate_on_the_token_signs_b_b(tmp_path: Path, plain_pdf: Path) -> None:
    """pyHanko needs an even bytes_reserved; the CMS size bound sums certificate lengths."""
    from sohoa.signing.softhsm import store_certificate

    ca = _odd_length_ca(tmp_path)
    token = create_token(tmp_path / "hsm", ca=ca, label="SoHoa Odd")
    store_certificate(token, ca.cert, b"\xca", label="Odd CA")
    token.activate()
    result = sign_documents(
        [plain_pdf], tmp_path / "out", module=token.module, token_label=token.label, pin=token.pin
    )
    assert result.ok, [d.message for d in result.documents]
    [report] = verify_pdf(result.signed[0].output, load_trust_roots([ca.cert_pem]))  # type: ignore[arg-type]
    assert len(ca.cert.public_bytes(serialization.Encoding.DER)) % 2 == 1
    assert report.ok and report.chain == ("SoHoa Odd CA",)


def test_bytes_reserved_is_always_even(tmp_path: Path, plain_pdf: Path) -> None:
    from sohoa.signing.batch import prepare_signer
    from sohoa.signing.pades import cms_size_bound, sign_pdf
    from sohoa.signing.tokens import open_session

    ca = _odd_length_ca(tmp_path)
    token = create_token(tmp_path / "hsm", ca=ca, label="SoHoa Even")
    token.activate()
    with open_session(token.module, token.label, token.pin) as session:
        _, signer = prepare_signer(session, None, SignOptions())
        bound = cms_size_bound(signer)
        assert bound % 2 == 0
        for reserve in (bound, bound + 1):  # an odd request is rounded up, not refused by pyHanko
            out = tmp_path / f"r{reserve}.pdf"
            sign_pdf(plain_pdf, out, signer, bytes_reserved=reserve)
            [report] = verify_pdf(out, load_trust_roots([ca.cert_pem]))
            assert report.intact


def test_signed_pdfa_keeps_consistent_xmp_and_passes_the_check_after_signing(
    token: SoftHsmToken, pdfa_pdf: Path, tmp_path: Path
) -> None:
    from cryptography.hazmat.primitives.asymmetric import rsa
    from pyhanko.keys import load_cert_from_pemder, load_private_key_from_pemder
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers

    from sohoa.signing.softhsm import make_test_ca
    from sohoa.signing.xmp_after import problems_after_signing

    result = sign_documents(
        [pdfa_pdf], tmp_path / "out", module=token.module, token_label=token.label, pin=token.pin,
        options=SignOptions(appearance="copy", agency_name="UBND phường Bến Nghé"),
    )  # fmt: skip
    signed = result.signed[0].output
    assert signed is not None
    assert problems_after_signing(signed.read_bytes()) == []
    with pikepdf.open(pdfa_pdf) as before, pikepdf.open(signed) as after:
        with before.open_metadata() as m0, after.open_metadata() as m1:
            assert m1["xmpMM:InstanceID"] != m0.get("xmpMM:InstanceID")
            assert m1["xmp:MetadataDate"] == m1["xmp:ModifyDate"]
            assert m1["pdfaid:part"] == "2" and m1.get("pdf:Producer") == m0.get("pdf:Producer")
        xmp = after.Root.Metadata.read_bytes()
    assert b"ns0:" not in xmp and b"xmlns:ns1" not in xmp

    # pyHanko's own writer gets it wrong: the check must notice
    plain = tmp_path / "pyhanko.pdf"
    ca = make_test_ca(tmp_path / "ca2")
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    (tmp_path / "k.pem").write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    (tmp_path / "c.pem").write_bytes(ca.issue(key.public_key(), "X").public_bytes(serialization.Encoding.PEM))
    simple = signers.SimpleSigner(
        signing_cert=load_cert_from_pemder(str(tmp_path / "c.pem")),
        signing_key=load_private_key_from_pemder(str(tmp_path / "k.pem"), None),
        cert_registry=None,
    )
    with open(pdfa_pdf, "rb") as fh, open(plain, "wb") as out:
        signers.sign_pdf(
            IncrementalPdfFileWriter(fh),
            signers.PdfSignatureMetadata(field_name="S", subfilter=fields.SigSeedSubFilter.PADES),
            signer=simple,
            output=out,
        )
    assert problems_after_signing(plain.read_bytes())


def test_verify_opens_a_permissions_only_encrypted_signed_pdf_and_says_so(
    token: SoftHsmToken, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers
    from pyhanko.sign.pkcs11 import PKCS11Signer

    from sohoa.signing.tokens import open_session

    source = tmp_path / "encrypted.pdf"
    pdf = pikepdf.new()
    pdf.add_blank_page(page_size=(595, 842))
    pdf.save(
        source,
        encryption=pikepdf.Encryption(
            owner="chu-so-huu", user="", allow=pikepdf.Permissions(modify_other=False)
        ),
    )
    signed = tmp_path / "encrypted-signed.pdf"
    with (
        open_session(token.module, token.label, token.pin) as session,
        open(source, "rb") as fh,
        open(signed, "wb") as out,
    ):
        writer = IncrementalPdfFileWriter(fh)
        writer.encrypt("")  # the empty user password opens it, as any reader does
        from pyhanko.keys import load_cert_from_pemder

        signer = PKCS11Signer(
            session.session, cert_id=token.cert_id, signing_cert=load_cert_from_pemder(str(token.cert_pem))
        )
        signers.sign_pdf(
            writer,
            signers.PdfSignatureMetadata(field_name="S", subfilter=fields.SigSeedSubFilter.PADES),
            signer=signer,
            output=out,
        )
    [report] = verify_pdf(signed, load_trust_roots([token.ca_pem]))
    assert report.intact and report.ok
    assert main(["verify", str(signed), "--trust", str(token.ca_pem)]) == 0
    out = capsys.readouterr().out
    assert "HỢP LỆ" in out and "mã hóa" in out and "không ký được" not in out
    monkeypatch.setenv("TEST_PIN", token.pin)
    assert _sign_cli(token, monkeypatch, str(source)) != 0  # signing an encrypted file is still refused
