"""Sample signed PDF/A-2b files and a throw-away CA, for tests, benchmarks and the demo.

Real clerks' files come from the pipeline and a PKCS#11 token; these samples let the
queue and the server be exercised without either. The PDF is a real PDF/A-2b (an sRGB
output intent, XMP identification, one image page, no fonts) signed as PAdES with
pyHanko's software signer, by a key certified by a CA made here with ``cryptography``.
"""

from __future__ import annotations

import datetime as dt
import functools
import io
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pikepdf
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from sohoa.core.icc import srgb_profile


@dataclass(frozen=True)
class TestPKI:
    """A CA and one signer, as PEM files in ``folder``."""

    folder: Path
    ca_cert: Path
    signer_cert: Path
    signer_key: Path


def _name(common_name: str) -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "VN"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "SoHoa test"),
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
        ]
    )


def make_test_pki(folder: Path, signer_name: str = "Cán bộ một cửa (thử nghiệm)") -> TestPKI:
    """Create a CA (EC P-256) and an RSA signing certificate, valid from yesterday for 2 years."""
    folder.mkdir(parents=True, exist_ok=True)
    now = dt.datetime.now(dt.UTC) - dt.timedelta(days=1)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = _name("SoHoa Test CA")
    ca = (
        x509.CertificateBuilder()
        .subject_name(ca_name)
        .issuer_name(ca_name)
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now)
        .not_valid_after(now + dt.timedelta(days=730))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(False, False, False, False, False, True, True, False, False), critical=True
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    # RSA like the tokens in use: an EC key makes pyHanko declare ISO 32002 and bump the
    # file to PDF 2.0, which a PDF/A-2 validator rejects in the signed revision.
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    cert = (
        x509.CertificateBuilder()
        .subject_name(_name(signer_name))
        .issuer_name(ca_name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now)
        .not_valid_after(now + dt.timedelta(days=730))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(True, True, False, False, False, False, False, False, False), critical=True
        )
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.EMAIL_PROTECTION]), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False
        )
        .sign(ca_key, hashes.SHA256())
    )
    pki = TestPKI(folder, folder / "ca.pem", folder / "signer.pem", folder / "signer-key.pem")
    pki.ca_cert.write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    pki.signer_cert.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    pki.signer_key.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    return pki


def make_pdfa(size: int = 20_000, title: str = "Giấy tờ thử nghiệm", seed: bytes | None = None) -> bytes:
    """A one-page PDF/A-2b of about ``size`` bytes (an incompressible RGB image fills it)."""
    pixels = max(1, size // 3)
    side = max(1, int(pixels**0.5))
    raw = (seed or b"") + os.urandom(side * side * 3)
    raw = raw[: side * side * 3]
    pdf = pikepdf.new()
    pdf.add_blank_page(page_size=(595, 842))
    page = pdf.pages[0]
    image = pikepdf.Stream(pdf, raw)
    image.Type, image.Subtype = pikepdf.Name.XObject, pikepdf.Name.Image
    image.Width = image.Height = side
    image.ColorSpace, image.BitsPerComponent = pikepdf.Name.DeviceRGB, 8
    page.Resources = pikepdf.Dictionary(XObject=pikepdf.Dictionary(Im0=image))
    page.Contents = pdf.make_stream(b"q 500 0 0 500 47 171 cm /Im0 Do Q")
    icc = pdf.make_stream(srgb_profile())
    icc.N = 3
    pdf.Root.OutputIntents = pikepdf.Array(
        [
            pikepdf.Dictionary(
                Type=pikepdf.Name.OutputIntent,
                S=pikepdf.Name.GTS_PDFA1,
                OutputConditionIdentifier=pikepdf.String("sRGB"),
                DestOutputProfile=icc,
            )
        ]
    )
    pdf.docinfo.Title = title
    with pdf.open_metadata(set_pikepdf_as_editor=False) as meta:
        meta["pdfaid:part"] = "2"
        meta["pdfaid:conformance"] = "B"
        meta["dc:title"] = title
    out = io.BytesIO()
    pdf.save(out, fix_metadata_version=True, deterministic_id=False)
    return out.getvalue()


@functools.lru_cache(maxsize=8)
def _signer(pki: TestPKI) -> Any:
    """The test signer, its key parsed once per process.

    pyHanko's SimpleSigner re-parses (and so re-checks) the RSA key on every signature,
    ~50 ms each time; a benchmark that signs a thousand distinct files keeps it parsed.
    """
    from asn1crypto import keys
    from cryptography.hazmat.primitives.asymmetric.padding import PKCS1v15
    from pyhanko.keys import load_cert_from_pemder, load_certs_from_pemder
    from pyhanko.sign import signers
    from pyhanko.sign.general import get_pyca_cryptography_hash
    from pyhanko_certvalidator.registry import SimpleCertificateStore

    key = serialization.load_pem_private_key(pki.signer_key.read_bytes(), password=None)
    if not isinstance(key, rsa.RSAPrivateKey):
        raise RuntimeError(f"the test signer in {pki.folder} is not RSA")
    der = key.private_bytes(
        serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )

    class KeptKeySigner(signers.SimpleSigner):
        def sign_raw(self, data: bytes, digest_algorithm: str) -> bytes:
            mechanism = self.get_signature_mechanism_for_digest(digest_algorithm).signature_algo
            if mechanism != "rsassa_pkcs1v15":
                return super().sign_raw(data, digest_algorithm)
            return key.sign(data, PKCS1v15(), get_pyca_cryptography_hash(digest_algorithm))

    registry = SimpleCertificateStore()
    registry.register_multiple(load_certs_from_pemder([str(pki.ca_cert)]))
    return KeptKeySigner(
        signing_cert=load_cert_from_pemder(str(pki.signer_cert)),
        signing_key=keys.PrivateKeyInfo.load(der),
        cert_registry=registry,
    )


def sign_pdf(data: bytes, pki: TestPKI, field_name: str = "Signature1") -> bytes:
    """Sign ``data`` as PAdES (an incremental update, so the PDF/A revision stays intact)."""
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers

    signer = _signer(pki)
    writer = IncrementalPdfFileWriter(io.BytesIO(data))
    meta = signers.PdfSignatureMetadata(field_name=field_name, subfilter=fields.SigSeedSubFilter.PADES)
    out = signers.sign_pdf(writer, meta, signer=signer)
    return out.getvalue()


def make_signed_pdfa(pki: TestPKI, size: int = 20_000, title: str = "Giấy tờ thử nghiệm") -> bytes:
    return sign_pdf(make_pdfa(size, title), pki)
