"""Helpers for the certomancer tests: tokens from the test PKI, direct pyHanko signing, second opinions."""

from __future__ import annotations

import asyncio
import subprocess
from pathlib import Path

from asn1crypto import x509 as asn1_x509
from pyhanko.keys import load_private_key_from_pemder
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import fields, signers
from pyhanko.sign.timestamps import HTTPTimeStamper
from pyhanko.sign.validation import DocumentSecurityStore, async_validate_pdf_signature
from pyhanko.sign.validation.errors import NoDSSFoundError
from pyhanko.sign.validation.settings import KeyUsageConstraints
from pyhanko_certvalidator import ValidationContext
from pyhanko_certvalidator.fetchers.requests_fetchers import RequestsFetcherBackend
from pyhanko_certvalidator.registry import SimpleCertificateStore

from sohoa.signing.softhsm import SoftHsmToken, import_token
from sohoa.signing.testpki import TestPki


def pki_token(pki: TestPki, label: str, folder: Path) -> SoftHsmToken:
    """A SoftHSM token holding the test PKI's key and certificate for ``label`` (no CA on it)."""
    token = import_token(
        folder / f"hsm-{label}",
        pki.key_pem(label),
        pki.cert(label).dump(),
        ca_pem=pki.root_pem,
        label=f"PKI {label}",
    )
    token.activate()
    return token


def sign_directly(pki: TestPki, label: str, source: Path, target: Path, *, tsa: bool = False) -> Path:
    """Sign with pyHanko alone (no SoHoa checks), to get a file from a certificate SoHoa refuses."""
    key = load_private_key_from_pemder(str(pki.key_pem(label)), None)
    signer = signers.SimpleSigner(
        signing_cert=pki.cert(label),
        signing_key=key,
        cert_registry=SimpleCertificateStore.from_certs([pki.cert("interm")]),
    )
    meta = signers.PdfSignatureMetadata(field_name="Direct", subfilter=fields.SigSeedSubFilter.PADES)
    stamper = HTTPTimeStamper(pki.tsa_url) if tsa else None
    with open(source, "rb") as fh, open(target, "wb") as out:
        signers.PdfSigner(meta, signer, timestamper=stamper).sign_pdf(
            IncrementalPdfFileWriter(fh), output=out
        )
    return target


def pyhanko_opinion(path: Path, root: asn1_x509.Certificate, *, use_dss: bool = False) -> dict[str, object]:
    """pyHanko's own verdict: its validator, fetching online (or, for B-LT, with the file's DSS only)."""

    async def run() -> dict[str, object]:
        with open(path, "rb") as fh:
            reader = PdfFileReader(fh)
            sig = reader.embedded_signatures[0]
            kwargs: dict[str, object] = {
                "trust_roots": [root],
                "allow_fetching": not use_dss,
                "revocation_mode": "hard-fail",
                "fetcher_backend": RequestsFetcherBackend(),
            }
            context: ValidationContext
            if use_dss:
                try:
                    dss = DocumentSecurityStore.read_dss(reader)
                except NoDSSFoundError:
                    return {"error": "no DSS"}
                tst = sig.signer_info["unsigned_attrs"][0]["values"][0]
                kwargs["moment"] = tst["content"]["encap_content_info"]["content"].parsed["gen_time"].native
                kwargs["retroactive_revinfo"] = True
                context = dss.as_validation_context(kwargs)
            else:
                context = ValidationContext(**kwargs)  # type: ignore[arg-type]
            status = await async_validate_pdf_signature(
                sig,
                signer_validation_context=context,
                key_usage_settings=KeyUsageConstraints(
                    key_usage={"digital_signature", "non_repudiation"}, match_all_key_usages=False
                ),
            )
            indic = status.trust_problem_indic
            return {
                "intact": status.intact,
                "valid": status.valid,
                "trusted": status.trusted,
                "revoked": status.revoked,
                "problem": indic.name.lower() if indic is not None else "",
                "bottom_line": status.bottom_line,
            }

    return asyncio.run(run())


def make_nss(folder: Path, root_pem: Path) -> str:
    folder.mkdir(parents=True, exist_ok=True)
    subprocess.run(["certutil", "-N", "-d", f"sql:{folder}", "--empty-password"], check=True, timeout=60)
    subprocess.run(
        ["certutil", "-A", "-d", f"sql:{folder}", "-n", "pki-root", "-t", "CT,C,C", "-i", str(root_pem)],
        check=True,
        timeout=60,
    )
    return f"sql:{folder}"


def pdfsig_verdict(path: Path, nss: str, *, ocsp: bool = True) -> tuple[str, str]:
    """(signature line, certificate line) of pdfsig's report."""
    args = ["pdfsig", "-nssdir", nss, *([] if ocsp else ["-no-ocsp"]), str(path)]
    out = subprocess.run(args, capture_output=True, text=True, timeout=120).stdout
    sig = next((ln.split(":", 1)[1].strip() for ln in out.splitlines() if "Signature Validation" in ln), "")
    cert = next(
        (ln.split(":", 1)[1].strip() for ln in out.splitlines() if "Certificate Validation" in ln), ""
    )
    return sig, cert
