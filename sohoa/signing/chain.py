"""The signer's certificate chain, assembled once and embedded in the CMS, each certificate once.

A verifier (pdfsig, Adobe, the repository) that only trusts the root needs every issuing CA in the
signature. The chain comes from, in order: the CA certificates on the token, the intermediates
named in the config, the trust anchors, and (online) the path pyhanko-certvalidator built through
AIA while checking revocation.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from asn1crypto import x509 as asn1_x509
from pyhanko.sign.pkcs11 import PKCS11Signer
from pyhanko_certvalidator.registry import SimpleCertificateStore

from sohoa.signing.trust import fingerprint, unique_certs

MAX_DEPTH = 8


def _issued_by(cert: asn1_x509.Certificate, issuer: asn1_x509.Certificate) -> bool:
    if cert.issuer != issuer.subject:
        return False
    aki, ski = cert.authority_key_identifier, issuer.key_identifier
    return aki is None or ski is None or aki == ski


def build_chain(
    leaf: asn1_x509.Certificate, candidates: Iterable[asn1_x509.Certificate]
) -> list[asn1_x509.Certificate]:
    """Issuers of ``leaf`` up to a self-signed one (or as far as ``candidates`` go), leaf excluded."""
    pool = [c for c in unique_certs(candidates) if fingerprint(c) != fingerprint(leaf)]
    chain: list[asn1_x509.Certificate] = []
    current = leaf
    while len(chain) < MAX_DEPTH and current.self_signed == "no":
        issuer = next((c for c in pool if _issued_by(current, c) and c not in chain), None)
        if issuer is None:
            break
        chain.append(issuer)
        current = issuer
    return chain


class ChainSigner(PKCS11Signer):
    """pyHanko's PKCS#11 signer with an explicit chain: the signer's certificate is not repeated in it."""

    def __init__(self, *args: Any, chain: Sequence[asn1_x509.Certificate] = (), **kwargs: Any) -> None:
        kwargs["other_certs_to_pull"] = ()
        kwargs.setdefault("embed_roots", False)  # a verifier must hold the root anyway
        super().__init__(*args, **kwargs)
        self._chain = list(chain)

    @property
    def cert_registry(self) -> SimpleCertificateStore:
        leaf = self._signing_cert
        certs = [c for c in unique_certs(self._chain) if leaf is None or fingerprint(c) != fingerprint(leaf)]
        return SimpleCertificateStore.from_certs(certs)
