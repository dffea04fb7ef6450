"""An independent test PKI on 127.0.0.1: certomancer serving OCSP, CRLs, a certificate repository and a TSA.

Three levels (root -> issuing CA -> signers), one signer per case the signing and verification code
must tell apart: good, revoked (OCSP), revoked on a CRL only, revoked later, expired, not yet
valid and wrong key usage; :meth:`TestPki.stop` makes every responder unreachable. Keys are made here
(RSA 2048) and certificates by certomancer (``certomancer`` is a development dependency: tests, the
signing benchmark). :meth:`TestPki.revoke` rewrites the configuration and restarts the server on the
same port: certomancer's output is deterministic, so the certificates stay the same.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from asn1crypto import x509 as asn1_x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from sohoa.core.errors import MissingDependencyError

ARCH = "sohoa"
START_TIMEOUT_S = 60.0
SIGNERS = {
    # label: common name (the case is in the label)
    "good": "Nguyễn Văn Tốt",
    "revoked": "Trần Thị Thu Hồi",
    "crlrevoked": "Lê Văn Danh Sách",
    "later": "Phạm Thị Sau Này",
    "expired": "Hoàng Văn Hết Hạn",
    "future": "Đỗ Thị Chưa Tới",
    "wrongku": "Vũ Văn Sai Mục Đích",
}
VALID = {"valid-from": "2020-01-01T00:00:00+0000", "valid-to": "2045-01-01T00:00:00+0000"}
SPECIAL_VALIDITY = {
    "expired": {"valid-from": "2020-01-01T00:00:00+0000", "valid-to": "2021-01-01T00:00:00+0000"},
    "future": {"valid-from": "2040-01-01T00:00:00+0000", "valid-to": "2045-01-01T00:00:00+0000"},
}
REVOKED = {
    "revoked": {"revoked-since": "2024-01-01T00:00:00+0000", "reason": "key_compromise"},
    "crlrevoked": {"revoked-since": "2024-01-01T00:00:00+0000", "reason": "cessation_of_operation"},
}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class TestPki:
    """A running certomancer. Use :func:`running_pki`; read certificates and keys from it."""

    __test__ = False

    folder: Path
    port: int
    revocations: dict[str, dict[str, str]] = field(default_factory=lambda: dict(REVOKED))
    _proc: subprocess.Popen[bytes] | None = None
    _certs: dict[str, asn1_x509.Certificate] = field(default_factory=dict)
    _arch_obj: Any = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def tsa_url(self) -> str:
        return f"{self.url}/{ARCH}/tsa/tsa"

    @property
    def config(self) -> Path:
        return self.folder / "certomancer.yml"

    def key_pem(self, label: str) -> Path:
        return self.folder / "keys" / f"{label}.key.pem"

    def cert(self, label: str) -> asn1_x509.Certificate:
        if label not in self._certs:
            from certomancer.registry import ArchLabel, CertLabel, CertomancerConfig

            if self._arch_obj is None:
                cfg = CertomancerConfig.from_file(str(self.config), key_search_dir=str(self.folder))
                self._arch_obj = cfg.get_pki_arch(ArchLabel(ARCH))
            self._certs[label] = self._arch_obj.get_cert(CertLabel(label))
        return self._certs[label]

    def cert_pem(self, label: str) -> Path:
        path = self.folder / f"{label}.cert.pem"
        if not path.exists():
            from asn1crypto import pem

            path.write_bytes(pem.armor("CERTIFICATE", self.cert(label).dump()))
        return path

    @property
    def root_pem(self) -> Path:
        return self.cert_pem("root")

    def write_config(self) -> None:
        import yaml

        (self.folder / "keys").mkdir(parents=True, exist_ok=True)
        labels = ["root", "interm", "ocsp", "tsa", *SIGNERS]
        for label in labels:
            path = self.key_pem(label)
            if not path.exists():
                key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
                path.write_bytes(
                    key.private_bytes(
                        serialization.Encoding.PEM,
                        serialization.PrivateFormat.PKCS8,
                        serialization.NoEncryption(),
                    )
                )
        config = {
            "external-url-prefix": self.url,
            "keysets": {
                ARCH: {"path-prefix": "keys", "keys": {lb: {"path": f"{lb}.key.pem"} for lb in labels}}
            },
            "pki-architectures": {ARCH: self._arch()},
        }
        self.config.write_text(yaml.safe_dump(config, allow_unicode=True, sort_keys=False), encoding="utf-8")
        self._certs.clear()
        self._arch_obj = None
        for path in self.folder.glob("*.cert.pem"):
            path.unlink()

    def _arch(self) -> dict[str, Any]:
        entities: dict[str, Any] = {
            "root": {"common-name": "SoHoa Test PKI Root"},
            "interm": {"common-name": "SoHoa Test Issuing CA"},
            "ocsp": {"common-name": "SoHoa Test OCSP Responder"},
            "tsa": {"common-name": "SoHoa Test TSA"},
        }
        entities.update({label: {"common-name": name} for label, name in SIGNERS.items()})

        def ku(*usages: str) -> dict[str, Any]:
            return {
                "id": "key_usage",
                "critical": True,
                "smart-value": {"schema": "key-usage", "params": list(usages)},
            }

        def cdp(repo: str) -> dict[str, Any]:
            return {
                "id": "crl_distribution_points",
                "smart-value": {"schema": "crl-dist-url", "params": {"crl-repo-names": [repo]}},
            }

        def aia(ocsp: bool, issuer: str | None) -> dict[str, Any]:
            params: dict[str, Any] = {"ocsp-responder-names": ["interm"] if ocsp else []}
            if issuer:
                params["ca-issuer-links"] = [
                    {"repo": "root", "cert-labels": [issuer], "include-repo-authority": False}
                ]
            return {
                "id": "authority_information_access",
                "smart-value": {"schema": "aia-urls", "params": params},
            }

        ca = {"id": "basic_constraints", "critical": True, "value": {"ca": True}}
        certs: dict[str, Any] = {
            "root": {
                "subject": "root",
                "issuer": "root",
                "validity": {
                    "valid-from": "2019-01-01T00:00:00+0000",
                    "valid-to": "2050-01-01T00:00:00+0000",
                },
                "extensions": [ca, ku("digital_signature", "key_cert_sign", "crl_sign")],
            },
            "interm": {
                "issuer": "root",
                "validity": {
                    "valid-from": "2019-06-01T00:00:00+0000",
                    "valid-to": "2049-01-01T00:00:00+0000",
                },
                "extensions": [ca, ku("digital_signature", "key_cert_sign", "crl_sign"), cdp("root")],
            },
            "ocsp": {
                "issuer": "interm",
                "validity": VALID,
                "extensions": [
                    ku("digital_signature"),
                    {"id": "extended_key_usage", "critical": True, "value": ["ocsp_signing"]},
                    {"id": "ocsp_no_check"},
                ],
            },
            "tsa": {
                "issuer": "root",
                "validity": VALID,
                "extensions": [
                    ku("digital_signature"),
                    {"id": "extended_key_usage", "critical": True, "value": ["time_stamping"]},
                    cdp("root"),
                ],
            },
        }
        for label in SIGNERS:
            usage = (
                ku("key_encipherment") if label == "wrongku" else ku("digital_signature", "non_repudiation")
            )
            pointers = [cdp("interm"), aia(label != "crlrevoked", "interm")]
            # pdfsig (NSS, e-mail signer usage) wants this EKU, as real Vietnamese signing certificates carry
            eku = {"id": "extended_key_usage", "value": ["email_protection", "client_auth"]}
            spec: dict[str, Any] = {
                "subject": label,
                "issuer": "interm",
                "validity": SPECIAL_VALIDITY.get(label, VALID),
                "extensions": [usage, eku, *pointers],
            }
            if label in self.revocations:
                spec["revocation"] = self.revocations[label]
            certs[label] = spec
        return {
            "keyset": ARCH,
            "entity-defaults": {"country-name": "VN", "organization-name": "SoHoa Thử Nghiệm"},
            "entities": entities,
            "certs": certs,
            "services": {
                "ocsp": {"interm": {"for-issuer": "interm", "responder-cert": "ocsp", "signing-key": "ocsp"}},
                "crl-repo": {
                    "root": {
                        "for-issuer": "root",
                        "signing-key": "root",
                        "simulated-update-schedule": "P90D",
                    },
                    "interm": {
                        "for-issuer": "interm",
                        "signing-key": "interm",
                        "simulated-update-schedule": "P7D",
                    },
                },
                "cert-repo": {
                    "root": {"for-issuer": "root", "publish-issued-certs": True},
                    "interm": {"for-issuer": "interm", "publish-issued-certs": True},
                },
                "time-stamping": {"tsa": {"signing-key": "tsa", "signing-cert": "tsa"}},
            },
        }

    def start(self) -> None:
        try:
            import certomancer  # noqa: F401
            import werkzeug  # noqa: F401
        except ImportError as e:
            raise MissingDependencyError(
                what="certomancer", install="pip install certomancer[web-api]"
            ) from e
        log = open(self.folder / "certomancer.log", "ab")
        self._proc = subprocess.Popen(
            [sys.executable, "-m", "sohoa.signing.testpki", str(self.config), str(self.port)],
            stdout=log,
            stderr=subprocess.STDOUT,
            cwd=self.folder,
        )
        log.close()
        deadline = time.monotonic() + START_TIMEOUT_S
        while time.monotonic() < deadline:
            if self._proc.poll() is not None:
                raise RuntimeError(
                    f"certomancer exited: {(self.folder / 'certomancer.log').read_text()[-2000:]}"
                )
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", self.port), timeout=1):
                return
            time.sleep(0.1)
        self.stop()
        raise RuntimeError("certomancer did not start")

    def stop(self) -> None:
        if self._proc is not None:
            self._proc.terminate()
            try:
                self._proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self._proc.kill()
                self._proc.wait(timeout=20)
            self._proc = None

    def revoke(self, label: str, since: dt.datetime, reason: str = "key_compromise") -> None:
        """Revoke ``label`` from ``since`` on: new configuration, same certificates, server restarted."""
        self.revocations[label] = {
            "revoked-since": since.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S+0000"),
            "reason": reason,
        }
        self.stop()
        self.write_config()
        self.start()


@contextlib.contextmanager
def running_pki(folder: Path) -> Iterator[TestPki]:
    """Start the test PKI on a free loopback port; stop it on exit."""
    folder.mkdir(parents=True, exist_ok=True)
    pki = TestPki(folder=folder.resolve(), port=free_port())
    pki.write_config()
    pki.start()
    try:
        yield pki
    finally:
        pki.stop()


def _ocsp_get_to_post(app: Any) -> Any:
    """RFC 6960 A.1 OCSP over GET (NSS, hence pdfsig, tries it first); certomancer only serves POST."""
    import base64
    import io
    import urllib.parse

    def wrapped(environ: dict[str, Any], start_response: Any) -> Any:
        parts = environ.get("PATH_INFO", "").split("/")
        if environ.get("REQUEST_METHOD") == "GET" and len(parts) >= 5 and parts[2] == "ocsp":
            # PATH_INFO arrives URL-decoded, so the base64 text may contain "/"
            body = base64.b64decode(urllib.parse.unquote("/".join(parts[4:])))
            environ = {
                **environ,
                "REQUEST_METHOD": "POST",
                "PATH_INFO": "/".join(parts[:4]),
                "CONTENT_TYPE": "application/ocsp-request",
                "CONTENT_LENGTH": str(len(body)),
                "wsgi.input": io.BytesIO(body),
            }
        return app(environ, start_response)

    return wrapped


def serve(config: Path, port: int) -> None:
    """certomancer's Animator (as ``certomancer animate``) on 127.0.0.1, with OCSP over GET too."""
    from certomancer.integrations.animator import Animator, AnimatorArchStore
    from certomancer.registry import CertomancerConfig
    from werkzeug.serving import run_simple

    class WholeSeconds(Animator):  # type: ignore[misc]
        """Times without fractions: NSS (pdfsig) rejects an OCSP response whose producedAt has them."""

        def at_time(self, request: Any) -> dt.datetime:
            return super().at_time(request).replace(microsecond=0)  # type: ignore[no-any-return]

    cfg = CertomancerConfig.from_file(str(config), key_search_dir=str(config.parent))
    app = WholeSeconds(AnimatorArchStore(cfg.pki_archs), with_web_ui=False, allow_time_override=False)
    run_simple("127.0.0.1", port, _ocsp_get_to_post(app))


if __name__ == "__main__":
    serve(Path(sys.argv[1]), int(sys.argv[2]))
