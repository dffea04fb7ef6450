"""Against an independent test PKI (certomancer on 127.0.0.1: OCSP, CRLs, AIA, TSA), three levels deep.

Each case is signed (or refused) by SoHoa, and the files are judged by ``sohoa verify``, by pyHanko's
own validator and by poppler's pdfsig (NSS, OCSP online). pdfsig judges validity *now* and has no
notion of validation data in the file, and NSS never fetches CRLs: so for a certificate revoked after
a B-LT signature pdfsig says "revoked" (true today) while SoHoa and pyHanko say "valid at its signing
time" from the DSS; there pdfsig is asked with ``-no-ocsp`` whether the rest (integrity, chain) holds.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from sohoa.cli import main
from sohoa.signing import errors
from sohoa.signing.batch import sign_documents
from sohoa.signing.pades import SignOptions
from sohoa.signing.testpki import TestPki, running_pki
from sohoa.signing.verify import verify_pdf
from tests.signing.conftest import make_pdf
from tests.signing.pki_helpers import (
    make_nss,
    pdfsig_verdict,
    pki_token,
    pyhanko_opinion,
    sign_directly,
)

pytestmark = pytest.mark.skipif(shutil.which("pdfsig") is None, reason="poppler-utils not installed")


@pytest.fixture(scope="module")
def pki(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestPki]:
    with running_pki(tmp_path_factory.mktemp("pki")) as running:
        yield running


@pytest.fixture(scope="module")
def pki_nss(pki: TestPki, tmp_path_factory: pytest.TempPathFactory) -> str:
    return make_nss(tmp_path_factory.mktemp("pki-nss"), pki.root_pem)


def _options(pki: TestPki, **kwargs: object) -> SignOptions:
    return SignOptions(check_revocation=True, trust_roots=(pki.cert("root"),), **kwargs)  # type: ignore[arg-type]


def _sign(pki: TestPki, label: str, tmp_path: Path, **kwargs: object) -> tuple[Path, list[str]]:
    token = pki_token(pki, label, tmp_path)
    source = make_pdf(tmp_path / f"{label}.pdf")
    result = sign_documents(
        [source], tmp_path / "out", module=token.module, token_label=token.label, pin=token.pin,
        options=_options(pki, **kwargs),
    )  # fmt: skip
    assert result.ok, [d.message for d in result.documents]
    return result.signed[0].output, result.warnings  # type: ignore[return-value]


@pytest.mark.parametrize("level", ["B-T", "B-LT"])
def test_good_certificate_signs_and_all_three_verifiers_accept(
    pki: TestPki, pki_nss: str, tmp_path: Path, level: str
) -> None:
    signed, warnings = _sign(pki, "good", tmp_path, timestamp_url=pki.tsa_url, online=level == "B-LT")
    assert warnings == []
    [report] = verify_pdf(signed, [pki.cert("root")])
    assert report.ok and report.revocation == "good" and report.timestamp_time
    assert report.chain == ("SoHoa Test Issuing CA", "SoHoa Test PKI Root")
    assert report.root == "SoHoa Test PKI Root"
    assert report.revocation_source == ("embedded" if level == "B-LT" else "online")
    assert pyhanko_opinion(signed, pki.cert("root"), use_dss=level == "B-LT")["bottom_line"] is True
    assert pdfsig_verdict(signed, pki_nss) == ("Signature is Valid.", "Certificate is Trusted.")


def test_chain_is_embedded_once_each_without_the_token_holding_it(pki: TestPki, tmp_path: Path) -> None:
    from pyhanko.pdf_utils.reader import PdfFileReader

    signed, _ = _sign(pki, "good", tmp_path)
    with open(signed, "rb") as fh:
        [sig] = PdfFileReader(fh).embedded_signatures
        names = [c.chosen.subject.native["common_name"] for c in sig.signed_data["certificates"]]
    assert sorted(names) == sorted(["Nguyễn Văn Tốt", "SoHoa Test Issuing CA"])


def test_revoked_certificate_is_refused_before_signing_naming_it_and_the_reason(
    pki: TestPki, tmp_path: Path
) -> None:
    with pytest.raises(errors.CertificateRevoked) as caught:
        _sign(pki, "revoked", tmp_path)
    message = caught.value.message()
    assert "Trần Thị Thu Hồi" in message and "lộ khóa bí mật" in message and "01/01/2024" in message
    assert not (tmp_path / "out" / "revoked.pdf").exists()


def test_revoked_signature_is_reported_revoked_by_sohoa_and_pyhanko(
    pki: TestPki, pki_nss: str, tmp_path: Path
) -> None:
    signed = sign_directly(pki, "revoked", make_pdf(tmp_path / "in.pdf"), tmp_path / "revoked.pdf", tsa=True)
    [report] = verify_pdf(signed, [pki.cert("root")])
    assert not report.ok and report.intact and report.revocation == "revoked"
    assert "key_compromise" in report.revocation_detail
    opinion = pyhanko_opinion(signed, pki.cert("root"))
    assert opinion["revoked"] is True and opinion["bottom_line"] is False
    assert pdfsig_verdict(signed, pki_nss) == ("Signature is Valid.", "Certificate has been Revoked.")


def test_sign_cli_refuses_a_certificate_revoked_on_a_crl_served_over_loopback(
    pki: TestPki, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    assert not pki.cert("crlrevoked").ocsp_urls, "this case has a CRL and no OCSP responder"
    token = pki_token(pki, "crlrevoked", tmp_path)
    source = make_pdf(tmp_path / "don.pdf")
    monkeypatch.setenv("TEST_PIN", token.pin)
    code = main(
        ["sign", str(source), "--module", token.module, "--token", token.label, "--pin-env", "TEST_PIN",
         "--trust", str(pki.root_pem)]
    )  # fmt: skip
    err = capsys.readouterr().err
    assert code == 7
    assert "Lê Văn Danh Sách" in err and "thu hồi" in err and "ngừng hoạt động" in err
    assert not source.with_name("don.signed.pdf").exists()


def test_revoked_after_signing_b_lt_stays_valid_for_its_signing_time(
    pki: TestPki, pki_nss: str, tmp_path: Path
) -> None:
    signed, _ = _sign(pki, "later", tmp_path, timestamp_url=pki.tsa_url, online=True)
    [before] = verify_pdf(signed, [pki.cert("root")])
    assert before.ok
    signed_at = dt.datetime.fromisoformat(before.timestamp_time)
    revoked_at = signed_at + dt.timedelta(seconds=1)  # timestamp_time has whole seconds: this is later
    pki.revoke("later", revoked_at)
    # the responder answers in whole seconds: wait until its clock is past the revocation
    while dt.datetime.now(dt.UTC) < revoked_at + dt.timedelta(seconds=1):
        time.sleep(0.05)

    with pytest.raises(errors.CertificateRevoked):  # revoked now: no new signature
        _sign(pki, "later", tmp_path / "again")
    [after] = verify_pdf(signed, [pki.cert("root")])
    assert after.ok and after.revocation == "good" and after.revocation_source == "embedded"
    assert pyhanko_opinion(signed, pki.cert("root"), use_dss=True)["bottom_line"] is True
    assert pdfsig_verdict(signed, pki_nss)[1] == "Certificate has been Revoked."  # now, which is true
    assert pdfsig_verdict(signed, pki_nss, ocsp=False) == ("Signature is Valid.", "Certificate is Trusted.")


@pytest.mark.parametrize(
    ("label", "refusal", "problem", "pdfsig_cert"),
    [
        ("expired", errors.CertificateExpired, "out_of_bounds_no_poe", "Certificate has Expired"),
        (
            "future",
            errors.CertificateNotYetValid,
            "certificate_chain_general_failure",
            "Certificate has Expired",
        ),
        ("wrongku", errors.KeyUsageNotAllowed, "chain_constraints_failure", "Unknown issue"),
    ],
)
def test_unusable_certificates_are_refused_and_their_signatures_invalid_everywhere(
    pki: TestPki,
    pki_nss: str,
    tmp_path: Path,
    label: str,
    refusal: type[Exception],
    problem: str,
    pdfsig_cert: str,
) -> None:
    with pytest.raises(refusal):
        _sign(pki, label, tmp_path)
    signed = sign_directly(pki, label, make_pdf(tmp_path / "in.pdf"), tmp_path / f"{label}.pdf")
    [report] = verify_pdf(signed, [pki.cert("root")])
    assert report.intact and not report.trusted and not report.ok and report.problem == problem
    opinion = pyhanko_opinion(signed, pki.cert("root"))
    assert opinion["intact"] is True and opinion["bottom_line"] is False and opinion["problem"] == problem
    sig_line, cert_line = pdfsig_verdict(signed, pki_nss)
    assert sig_line == "Signature is Valid." and cert_line.startswith(pdfsig_cert)


def test_responder_unreachable_signs_with_a_warning_and_never_claims_valid(
    pki: TestPki, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    good, _ = _sign(pki, "good", tmp_path / "online")
    pki.stop()
    try:
        signed, warnings = _sign(pki, "good", tmp_path / "offline")
        assert warnings and "chưa kiểm tra được tình trạng thu hồi" in warnings[0]
        # the reason in the clerk's words: no pyhanko exception name, no English detail
        assert "Error" not in warnings[0] and "revocation" not in warnings[0], warnings[0]
        from sohoa.signing.certs import _WHY

        assert any(f"({why.vi})" in warnings[0] for why in _WHY.values()), warnings[0]
        for path in (signed, good):
            [report] = verify_pdf(path, [pki.cert("root")])
            assert report.intact and report.revocation == "unknown" and not report.ok
        assert main(["verify", str(signed), "--trust", str(pki.root_pem), "--json"]) == 7
        [entry] = json.loads(capsys.readouterr().out)
        assert entry["ok"] is False and entry["signatures"][0]["revocation"] == "unknown"
    finally:
        pki.start()


def test_b_lt_without_a_timestamp_server_is_refused(pki: TestPki, tmp_path: Path) -> None:
    with pytest.raises(errors.LtvNeedsTimestamp):
        _sign(pki, "good", tmp_path, online=True)
    assert SignOptions(online=True, timestamp_url="http://tsa").level == "B-LT"
    assert SignOptions(online=True).level != "B-LT"


def test_verify_cli_reports_chain_root_and_revocation(
    pki: TestPki, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    signed, _ = _sign(pki, "good", tmp_path, timestamp_url=pki.tsa_url, online=True)
    assert main(["verify", str(signed), "--trust", str(pki.root_pem)]) == 0
    out = capsys.readouterr().out
    assert "SoHoa Test Issuing CA -> SoHoa Test PKI Root" in out
    assert "chưa bị thu hồi" in out and "theo dữ liệu xác thực trong tệp" in out


def test_configured_intermediates_complete_the_chain_offline(
    pki: TestPki, pki_nss: str, tmp_path: Path
) -> None:
    from pyhanko.pdf_utils.reader import PdfFileReader

    token = pki_token(pki, "good", tmp_path)
    options = SignOptions(
        trust_roots=(pki.cert("root"),), intermediates=(pki.cert("interm"), pki.cert("interm"))
    )
    result = sign_documents(
        [make_pdf(tmp_path / "in.pdf")], tmp_path / "out", module=token.module, token_label=token.label,
        pin=token.pin, options=options,
    )  # fmt: skip
    signed = result.signed[0].output
    assert signed is not None
    with open(signed, "rb") as fh:
        [sig] = PdfFileReader(fh).embedded_signatures
        names = sorted(c.chosen.subject.native["common_name"] for c in sig.signed_data["certificates"])
    assert names == ["Nguyễn Văn Tốt", "SoHoa Test Issuing CA"]
    assert pdfsig_verdict(signed, pki_nss)[1] == "Certificate is Trusted."
