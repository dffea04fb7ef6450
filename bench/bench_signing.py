"""Benchmark: 200 small PDFs signed in one SoftHSM session (target: at least 30 documents per second).

Prints documents/second for SoHoa's batch signing (pyHanko over PKCS#11, PAdES B-B, invisible) and,
in the same run, the anchor: the raw token speed (RSA-2048 PKCS#1 v1.5 signatures per second on the
same session, no PDF work), so the PDF overhead is visible. Run: ``.venv/bin/python bench/bench_signing.py``.
"""

from __future__ import annotations

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


def main() -> int:
    with tempfile.TemporaryDirectory(prefix="sohoa-bench-sign-") as tmp:
        root = Path(tmp)
        token = create_token(root / "hsm", label="Bench Token")
        token.activate()
        src = root / "in"
        src.mkdir()
        for i in range(DOCS):
            pdf = pikepdf.new()
            pdf.add_blank_page(page_size=(595, 842))
            pdf.docinfo["/Title"] = f"Ho so {i}"
            pdf.save(src / f"doc{i:03d}.pdf")
        paths = sorted(src.glob("*.pdf"))

        start = time.perf_counter()
        result = sign_documents(
            paths, root / "out", module=token.module, token_label=token.label, pin=token.pin
        )
        elapsed = time.perf_counter() - start
        if not result.ok:
            print(f"FAILED: {len(result.failed)} failed, {len(result.pending)} pending")
            return 1
        rate = DOCS / elapsed

        with open_session(token.module, token.label, token.pin) as session:
            key = session.session.get_key(object_class=ObjectClass.PRIVATE_KEY, id=token.cert_id)
            start = time.perf_counter()
            for i in range(DOCS):
                key.sign(f"digest {i}".encode(), mechanism=Mechanism.SHA256_RSA_PKCS)
            raw = DOCS / (time.perf_counter() - start)

    print(
        f"sohoa sign_documents: {DOCS} PDFs in one SoftHSM session: {elapsed:.2f} s = {rate:.1f} documents/s "
        f"(target >= {TARGET:.0f}/s: {'OK' if rate >= TARGET else 'BELOW TARGET'})"
    )
    print(f"anchor, raw token RSA-2048 signatures on the same kind of session: {raw:.1f} signatures/s")
    print(f"PDF + CMS overhead per document: {1000 / rate - 1000 / raw:.1f} ms")
    return 0 if rate >= TARGET else 1


if __name__ == "__main__":
    raise SystemExit(main())
