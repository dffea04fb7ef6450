"""Benchmark: batch signing speed, and what revocation and verification cost (target: >= 30 documents/s).

Prints, in one run, each figure with its anchor:

1. SoHoa's ``sign_documents``: 200 small PDFs, one SoftHSM session, PAdES B-B, invisible. Anchor: the
   raw token speed (RSA-2048 PKCS#1 v1.5 signatures per second on the same kind of session).
2. The revocation check before signing (OCSP then CRL, chain through AIA) against the certomancer
   test PKI on 127.0.0.1. Anchor: one raw OCSP request/response round trip to the same responder.
3. ``verify_pdf`` on B-LT files (validation data from the DSS, no network). Anchor: pyHanko's own
   ``validate_pdf_signature`` with a plain soft-fail context on the same files.

Run: ``.venv/bin/python bench/bench_signing.py`` (``--quick`` for 50 documents; ``--no-pki`` skips 2-3).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import pikepdf
from pkcs11 import Mechanism, ObjectClass

from sohoa.signing.batch import sign_documents
from sohoa.signing.softhsm import create_token
from sohoa.signing.tokens import open_session

DOCS = 200
TARGET = 30.0
REVOCATION_CHECKS = 5
VERIFY_DOCS = 10


def _pdfs(folder: Path, count: int) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(count):
        pdf = pikepdf.new()
        pdf.add_blank_page(page_size=(595, 842))
        pdf.docinfo["/Title"] = f"Ho so {i}"
        pdf.save(folder / f"doc{i:03d}.pdf")
    return sorted(folder.glob("*.pdf"))


def bench_batch(root: Path, docs: int) -> tuple[float, float]:
    token = create_token(root / "hsm", label="Bench Token")
    token.activate()
    paths = _pdfs(root / "in", docs)
    start = time.perf_counter()
    result = sign_documents(paths, root / "out", module=token.module, token_label=token.label, pin=token.pin)
    elapsed = time.perf_counter() - start
    if not result.ok:
        raise SystemExit(f"FAILED: {len(result.failed)} failed, {len(result.pending)} pending")
    with open_session(token.module, token.label, token.pin) as session:
        key = session.session.get_key(object_class=ObjectClass.PRIVATE_KEY, id=token.cert_id)
        start = time.perf_counter()
        for i in range(docs):
            key.sign(f"digest {i}".encode(), mechanism=Mechanism.SHA256_RSA_PKCS)
        raw = docs / (time.perf_counter() - start)
    return docs / elapsed, raw


def bench_pki(root: Path) -> None:
    import requests
    from asn1crypto import ocsp
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko_certvalidator import ValidationContext

    from sohoa.signing.certs import check_revocation
    from sohoa.signing.pades import SignOptions
    from sohoa.signing.softhsm import import_token
    from sohoa.signing.testpki import running_pki
    from sohoa.signing.verify import verify_pdf

    with running_pki(root / "pki") as pki:
        good, interm, anchor = pki.cert("good"), pki.cert("interm"), pki.cert("root")
        start = time.perf_counter()
        for _ in range(REVOCATION_CHECKS):
            assert check_revocation(good, [], [anchor], online=True).status == "good"
        per_check = (time.perf_counter() - start) / REVOCATION_CHECKS
        request = ocsp.OCSPRequest(
            {
                "tbs_request": {
                    "request_list": [
                        {
                            "req_cert": {
                                "hash_algorithm": {"algorithm": "sha1"},
                                "issuer_name_hash": good.issuer.sha1,
                                "issuer_key_hash": interm.public_key.sha1,
                                "serial_number": good.serial_number,
                            }
                        }
                    ]
                }
            }
        ).dump()
        start = time.perf_counter()
        for _ in range(REVOCATION_CHECKS):
            answer = requests.post(
                good.ocsp_urls[0],
                data=request,
                headers={"Content-Type": "application/ocsp-request"},
                timeout=30,
            )
            assert answer.status_code == 200
        per_ocsp = (time.perf_counter() - start) / REVOCATION_CHECKS

        token = import_token(root / "pki-hsm", pki.key_pem("good"), good.dump(), ca_pem=pki.root_pem)
        token.activate()
        options = SignOptions(
            trust_roots=(anchor,), timestamp_url=pki.tsa_url, online=True, check_revocation=True
        )
        paths = _pdfs(root / "lt-in", VERIFY_DOCS)
        start = time.perf_counter()
        result = sign_documents(
            paths,
            root / "lt-out",
            module=token.module,
            token_label=token.label,
            pin=token.pin,
            options=options,
        )
        lt_rate = VERIFY_DOCS / (time.perf_counter() - start)
        signed = [d.output for d in result.signed if d.output is not None]
        assert len(signed) == VERIFY_DOCS
        start = time.perf_counter()
        for path in signed:
            [report] = verify_pdf(path, [anchor], online=False)
            assert report.ok and report.revocation_source == "embedded"
        ours = VERIFY_DOCS / (time.perf_counter() - start)
        start = time.perf_counter()
        for path in signed:
            with open(path, "rb") as fh:
                sig = PdfFileReader(fh).embedded_signatures[0]
                validate_pdf_signature(sig, ValidationContext(trust_roots=[anchor], allow_fetching=False))
        theirs = VERIFY_DOCS / (time.perf_counter() - start)

    print(
        f"revocation check before signing (OCSP + chain, certomancer on loopback): {per_check * 1000:.0f} ms "
        f"per batch; anchor, one raw OCSP round trip: {per_ocsp * 1000:.0f} ms"
    )
    print(f"B-LT signing (TSA + OCSP/CRL per document, loopback): {lt_rate:.1f} documents/s")
    print(
        f"sohoa verify_pdf on B-LT files (DSS, offline): {ours:.1f} documents/s; "
        f"anchor, pyHanko validate_pdf_signature (soft-fail, no revocation verdict): {theirs:.1f} documents/s"
    )


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true", help="50 documents instead of 200")
    parser.add_argument("--no-pki", action="store_true", help="skip the certomancer figures")
    args = parser.parse_args()
    docs = 50 if args.quick else DOCS
    with tempfile.TemporaryDirectory(prefix="sohoa-bench-sign-") as tmp:
        root = Path(tmp)
        rate, raw = bench_batch(root, docs)
        print(
            f"sohoa sign_documents: {docs} PDFs in one SoftHSM session: {docs / rate:.2f} s = {rate:.1f} "
            f"documents/s (target >= {TARGET:.0f}/s: {'OK' if rate >= TARGET else 'BELOW TARGET'})"
        )
        print(f"anchor, raw token RSA-2048 signatures on the same kind of session: {raw:.1f} signatures/s")
        print(f"PDF + CMS overhead per document: {1000 / rate - 1000 / raw:.1f} ms")
        if not args.no_pki:
            bench_pki(root)
    return 0 if rate >= TARGET else 1


if __name__ == "__main__":
    raise SystemExit(main())
