"""Trust anchors: the Vietnamese national roots shipped with SoHoa, the administrator's folder, the config.

Verification trusts exactly these anchors. The shipped ones (:mod:`sohoa.signing.roots`) are pinned
by SHA-256 so an altered file is refused. An administrator adds anchors by dropping PEM/DER files in
the system trust folder (``/etc/sohoa/trust`` or ``%PROGRAMDATA%\\SoHoa\\trust``, or
``$SOHOA_TRUST_DIR``); a file there with the same name as a shipped one replaces it, and an empty
file of that name removes it. ``signing.trust_roots`` in the config adds more, and
``signing.intermediates`` names issuing-CA certificates that are not anchors but complete chains.
"""

from __future__ import annotations

import hashlib
import logging
import os
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from asn1crypto import pem
from asn1crypto import x509 as asn1_x509

from sohoa.core.errors import ConfigError

log = logging.getLogger(__name__)

# The shipped anchors and their SHA-256 fingerprints (DER), from shared/trust/vn/MANIFEST.md.
SHIPPED = {
    "vnrca256.pem": "bac8bf609ab420a8ee1780d74f4de5c7f7184959d2a7375b0a75e4c29f0908e7",
    "vnpt-ca-sha2.pem": "7d6ba5245317f9ed5d8bc765a4634d26ac6340d36b9f584df3b52d9c4a81a306",
    "rootcag2.pem": "f04ba4b459a7c9a1b971ad9b1cb833e695a80c79aea63b174b66a70edfe2fdb8",
    "cpcag2.pem": "d8cab7a4aef92e6bb2509d7c61cee7b44f3731b2d21074963530277b366fae4b",
}
CERT_SUFFIXES = {".pem", ".crt", ".cer", ".der"}
# Timestamp services an administrator can pick (off until configured).
TIMESTAMP_SERVICES = {
    "Ban Cơ yếu Chính phủ (cơ quan nhà nước)": "http://tsa.ca.gov.vn",
}


@dataclass(frozen=True)
class Anchor:
    """One trusted certificate and where it came from ("shipped", "system" or "config")."""

    name: str
    source: str
    cert: asn1_x509.Certificate

    @property
    def subject(self) -> str:
        return distinguished_name(self.cert.subject)

    @property
    def sha256(self) -> str:
        return fingerprint(self.cert)

    @property
    def not_after(self) -> str:
        return self.cert["tbs_certificate"]["validity"]["not_after"].native.date().isoformat()


SHORT_NAMES = {
    "common_name": "CN",
    "organizational_unit_name": "OU",
    "organization_name": "O",
    "locality_name": "L",
    "state_or_province_name": "ST",
    "country_name": "C",
    "email_address": "E",
}


def distinguished_name(name: asn1_x509.Name) -> str:
    """``CN=..., O=..., C=...`` (most specific first), the way CAs print their subjects."""
    parts = []
    for rdn in reversed(name.chosen):
        for attr in rdn:
            key = attr["type"].native
            parts.append(f"{SHORT_NAMES.get(key, key)}={attr['value'].native}")
    return ", ".join(parts)


def fingerprint(cert: asn1_x509.Certificate) -> str:
    return hashlib.sha256(cert.dump()).hexdigest()


def read_certs(data: bytes, origin: str) -> list[asn1_x509.Certificate]:
    """Every certificate of a PEM (several allowed) or DER file."""
    try:
        if pem.detect(data):
            return [asn1_x509.Certificate.load(der) for _, _, der in pem.unarmor(data, multiple=True)]
        cert = asn1_x509.Certificate.load(data)
        _ = cert.subject  # parse now: garbage fails here
        return [cert]
    except Exception as e:  # asn1crypto raises ValueError/TypeError on garbage
        raise ConfigError(path=origin, detail=f"not a readable certificate ({e})") from e


def read_cert_files(paths: Iterable[str | Path]) -> list[asn1_x509.Certificate]:
    certs: list[asn1_x509.Certificate] = []
    for path in paths:
        try:
            data = Path(path).read_bytes()
        except OSError as e:
            raise ConfigError(path=str(path), detail=f"cannot read the certificate ({e.strerror})") from e
        certs.extend(read_certs(data, str(path)))
    return certs


def system_trust_dir() -> Path:
    override = os.environ.get("SOHOA_TRUST_DIR")
    if override:
        return Path(override)
    if sys.platform == "win32":
        return Path(os.environ.get("PROGRAMDATA", r"C:\ProgramData")) / "SoHoa" / "trust"
    return Path("/etc/sohoa/trust")


def shipped_anchors() -> list[Anchor]:
    """The national roots of the package, each checked against its pinned fingerprint."""
    anchors = []
    folder = resources.files("sohoa.signing.roots")
    for name, expected in SHIPPED.items():
        [cert] = read_certs(folder.joinpath(name).read_bytes(), name)
        if fingerprint(cert) != expected:
            raise ConfigError(path=name, detail="shipped trust anchor does not match its pinned fingerprint")
        anchors.append(Anchor(name, "shipped", cert))
    return anchors


def load_anchors(config_roots: Iterable[str | Path] = (), *, system_dir: Path | None = None) -> list[Anchor]:
    """Shipped anchors, overridden or extended by the system folder, plus the config's; each once."""
    by_name = {a.name: a for a in shipped_anchors()}
    folder = system_dir if system_dir is not None else system_trust_dir()
    if folder.is_dir():
        for path in sorted(folder.iterdir()):
            if path.suffix.lower() not in CERT_SUFFIXES or not path.is_file():
                continue
            data = path.read_bytes()
            if not data.strip():
                by_name.pop(path.name, None)  # an empty file withdraws a shipped anchor
                log.info("trust anchor %s withdrawn by the system folder", path.name)
                continue
            certs = read_certs(data, str(path))
            by_name.pop(path.name, None)
            for i, cert in enumerate(certs):
                by_name[f"{path.name}#{i}" if i else path.name] = Anchor(path.name, "system", cert)
    anchors = list(by_name.values())
    for path in config_roots:
        anchors += [Anchor(Path(path).name, "config", c) for c in read_cert_files([path])]
    return unique(anchors)


def unique(anchors: list[Anchor]) -> list[Anchor]:
    seen: set[str] = set()
    out = []
    for anchor in anchors:
        if anchor.sha256 not in seen:
            seen.add(anchor.sha256)
            out.append(anchor)
    return out


def trust_roots(
    config_roots: Iterable[str | Path] = (), *, defaults: bool = True
) -> list[asn1_x509.Certificate]:
    """The certificates verification trusts: the anchors (unless ``defaults`` is off) and the config's."""
    if defaults:
        return [a.cert for a in load_anchors(config_roots)]
    return unique_certs(read_cert_files(config_roots))


def unique_certs(certs: Iterable[asn1_x509.Certificate]) -> list[asn1_x509.Certificate]:
    """Each certificate once (by fingerprint), in first-seen order."""
    seen: set[str] = set()
    out = []
    for cert in certs:
        fp = fingerprint(cert)
        if fp not in seen:
            seen.add(fp)
            out.append(cert)
    return out
