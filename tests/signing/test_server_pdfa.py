"""The reference server checks the signed (final) revision as PDF/A too, not only the one before it."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from pyhanko.keys import load_cert_from_pemder
from pyhanko.sign import fields, signers
from pyhanko.sign.pkcs11 import PKCS11Signer

from reference_repository.checks import Rejected, check_document
from sohoa.signing.batch import sign_documents
from sohoa.signing.certs import load_trust_roots
from sohoa.signing.pades import SignOptions
from sohoa.signing.softhsm import SoftHsmToken
from sohoa.signing.tokens import open_session
from sohoa.signing.xmp_after import PdfaIncrementalWriter, updated_xmp


def test_server_accepts_sohoa_signed_pdfa_and_rejects_a_non_pdfa_signed_revision(
    token: SoftHsmToken, pdfa_pdf: Path, tmp_path: Path
) -> None:
    roots = load_trust_roots([token.ca_pem])
    result = sign_documents(
        [pdfa_pdf], tmp_path / "out", module=token.module, token_label=token.label, pin=token.pin,
        options=SignOptions(appearance="copy", agency_name="UBND phường Bến Nghé"),
    )  # fmt: skip
    assert check_document(result.signed[0].output.read_bytes(), roots).page_count == 1  # type: ignore[union-attr]

    # a signing revision whose XMP uses a namespace no extension schema declares: not PDF/A any more
    source = pdfa_pdf.read_bytes()
    xmp, producer = updated_xmp(source, dt.datetime.now(dt.UTC))  # type: ignore[misc]
    xmp = xmp.replace(
        b"</rdf:RDF>",
        b'<rdf:Description xmlns:foo="http://example.com/foo/" rdf:about="" foo:bar="x"/></rdf:RDF>',
    )
    bad = tmp_path / "bad.pdf"
    with open_session(token.module, token.label, token.pin) as session:
        signer = PKCS11Signer(
            session.session, cert_id=token.cert_id, signing_cert=load_cert_from_pemder(str(token.cert_pem))
        )
        with open(pdfa_pdf, "rb") as fh, open(bad, "wb") as out:
            writer = PdfaIncrementalWriter(fh, xmp=xmp, producer=producer, moment=dt.datetime.now(dt.UTC))
            signers.sign_pdf(
                writer,
                signers.PdfSignatureMetadata(field_name="S", subfilter=fields.SigSeedSubFilter.PADES),
                signer=signer,
                output=out,
            )
    with pytest.raises(Rejected) as caught:
        check_document(bad.read_bytes(), roots)
    assert caught.value.code == "not_pdfa" and "signed document" in caught.value.en
