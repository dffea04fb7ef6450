"""Signing with the clerk's PKCS#11 token: PAdES through pyHanko and python-pkcs11.

The high-level API (see docs/signing.md):

- :func:`signing.batch.sign_documents` signs many PDFs with one PIN in one token session;
- :func:`signing.verify.verify_pdf` reports on every signature of a PDF;
- :func:`signing.tokens.list_tokens` / :func:`signing.tokens.pin_state` feed the token picker;
- :mod:`signing.trust` holds the trust anchors (the national roots shipped in :mod:`signing.roots`);
- :mod:`signing.softhsm` and :mod:`signing.loopback_tsa` give tests and the demo a real token and TSA,
  :mod:`signing.testpki` a whole test PKI (certomancer: OCSP, CRL, AIA, TSA) on 127.0.0.1.

Submodules are imported lazily (``from sohoa.signing.batch import sign_documents``) so importing
``signing`` stays cheap for the CLI.
"""
