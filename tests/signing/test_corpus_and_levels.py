"""sohoa verify on the shared corpus of signed/tampered files; PAdES B-T with a loopback TSA; extending a B-B file."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from sohoa.cli import main
from sohoa.signing.batch import sign_documents
from sohoa.signing.certs import load_trust_roots, validation_context
from sohoa.signing.loopback_tsa import serve_tsa
from sohoa.signing.pades import SignOptions, extend_pdf
from sohoa.signing.softhsm import SoftHsmToken, TestCa
from sohoa.signing.verify import verify_pdf

SIG = "signatures"
ROOT = f"{SIG}/trust/pyhanko-test-root-ca.pem"
# Tampered or malformed (MANIFEST section 5): never valid.
NEGATIVE = [
    "pyhanko/pdf-sig-with-econtent.pdf",
    "pyhanko/form-update-override-appearance-stream-sneaky.pdf",
    "pyhanko/coverage-anomalies/base.pdf",
    "pyhanko/coverage-anomalies/tail-uncovered.pdf",
    "pyhanko/coverage-anomalies/signature-gap-too-big.pdf",
    "pyhanko/coverage-anomalies/one-byterange.pdf",
    "pyhanko/coverage-anomalies/weird-byterange.pdf",
]
# Intact signatures (trusted or not): every signature reported intact.
INTACT = [
    "pyhanko/certified-with-indirect-refs-in-dir.pdf",
    "pyhanko/minimal-two-fields-signed-twice.pdf",
    "pyhanko/pades-lta-dss-indirect-arrs-test.pdf",
    "pyhanko/pades-with-old-style-signing-cert-attr.pdf",
    "pyhanko/sig-no-signed-attrs.pdf",
    "pyhanko/form-update-override-appearance-stream.pdf",
    "endesive/pdf-acrobat.pdf",
    "endesive/pdf-linearized.pdf",
    "endesive/test-SHA256_RSA-signed-cms.pdf",
]


@pytest.mark.parametrize("name", NEGATIVE)
def test_tampered_and_malformed_corpus_files_are_not_valid(corpus: Path, name: str, capsys) -> None:
    code = main(
        [
            "verify",
            str(corpus / SIG / name),
            "--trust",
            str(corpus / ROOT),
            "--at",
            "2020-11-01T00:00:00+00:00",
            "--json",
        ]
    )
    assert code == 7
    [entry] = json.loads(capsys.readouterr().out)
    assert entry["signatures"], "the broken signature is reported, not skipped"
    assert not entry["ok"]
    assert not all(s["intact"] and s["covers_whole_file"] for s in entry["signatures"])


@pytest.mark.parametrize("name", INTACT)
def test_intact_corpus_signatures_are_intact(corpus: Path, name: str) -> None:
    reports = verify_pdf(corpus / SIG / name, load_trust_roots([corpus / ROOT]))
    assert reports and all(r.intact and r.valid for r in reports), reports


def test_corpus_certified_file_is_trusted_at_its_time_but_never_valid_without_revocation_data(
    corpus: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Its OCSP responder and CRL (pyhanko.tests) cannot be reached and the file holds no DSS."""
    path = corpus / SIG / "pyhanko/certified-with-indirect-refs-in-dir.pdf"
    args = ["verify", str(path), "--trust", str(corpus / ROOT), "--json"]
    assert main([*args, "--at", "2020-11-01T00:00:00+00:00"]) == 7
    [sig] = json.loads(capsys.readouterr().out)[0]["signatures"]
    assert sig["intact"] and sig["trusted"] and sig["root"] == "Root CA"
    assert sig["revocation"] == "unknown" and not sig["ok"]
    assert main(args) == 7  # its certificate has expired since
    [sig] = json.loads(capsys.readouterr().out)[0]["signatures"]
    assert not sig["trusted"] and sig["problem"] == "out_of_bounds_no_poe"


@pytest.mark.parametrize("name", ["pyhanko/minimal.pdf", "pyhanko/minimal-with-field.pdf"])
def test_unsigned_files_do_not_pass(corpus: Path, name: str) -> None:
    assert verify_pdf(corpus / SIG / name) == []
    assert main(["verify", str(corpus / SIG / name)]) == 7


def test_b_t_timestamp_and_extension_of_a_b_b_file(
    token: SoftHsmToken, test_ca: TestCa, plain_pdf: Path, tmp_path: Path
) -> None:
    roots = load_trust_roots([test_ca.cert_pem])
    with serve_tsa(test_ca) as url:
        bt = sign_documents(
            [plain_pdf],
            tmp_path / "bt",
            module=token.module,
            token_label=token.label,
            pin=token.pin,
            options=SignOptions(timestamp_url=url),
        )
        [report] = verify_pdf(bt.signed[0].output, roots)  # type: ignore[arg-type]
        assert report.ok and report.timestamp_time, "B-T: a trusted signature timestamp"

        bb = sign_documents(
            [plain_pdf], tmp_path / "bb", module=token.module, token_label=token.label, pin=token.pin
        )
        signed = bb.signed[0].output
        assert signed is not None
        before = signed.read_bytes()
        extended = extend_pdf(
            signed, tmp_path / "lta.pdf", timestamp_url=url, validation_context=validation_context(roots)
        )
    data = extended.read_bytes()
    assert data[: len(before)] == before, "extension appends only"
    sig, ts = verify_pdf(extended, roots)
    assert sig.kind == "signature" and sig.ok and sig.changes_after == "validation_data"
    assert ts.kind == "timestamp" and ts.ok


def test_unreachable_tsa_is_a_clear_error(token: SoftHsmToken, plain_pdf: Path, tmp_path: Path) -> None:
    from sohoa.signing import errors

    result = sign_documents(
        [plain_pdf],
        tmp_path,
        module=token.module,
        token_label=token.label,
        pin=token.pin,
        options=SignOptions(timestamp_url="http://127.0.0.1:9/tsa"),
    )
    [doc] = result.documents
    assert doc.status == "failed" and isinstance(doc.error, errors.TimestampFailed)
    assert not list(tmp_path.glob("*.signed.pdf"))
