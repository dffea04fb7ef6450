"""Where PKCS#11 modules (token drivers) usually live, so the user rarely types a path.

Vietnamese CA tokens ship a vendor-branded build of a few chip makers' drivers (Feitian,
SafeNet, WatchData, SecureMetric, Bit4id...). ``gclib.dll`` is Gemalto/Thales Classic Client, not
a Government CA driver: Government CA tokens come as SafeNet eToken or Bit4id builds. The Windows names below were collected from public
signing plugins and integration code that load them by name; each entry says whether the
name was seen in several independent sources ("seen") or only once / inferred ("unverified").
docs/signing.md repeats the table. A module that is not installed is simply skipped.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class KnownModule:
    vendor: str  # who issues the token, as clerks know it
    name: str  # file name (Windows: in System32 unless ``folder`` says otherwise)
    verified: bool  # seen in several independent public sources
    folder: str = ""  # Windows: a folder under Program Files, when not System32


# Windows: most CA installers drop the driver in %WINDIR%\System32. "seen": named in several public
# integrations (signing plugins, e-invoice and e-tax tools that load the token by file name).
WINDOWS_KNOWN = [
    KnownModule("VNPT-CA", "vnptca_p11_v9.dll", True),
    KnownModule("VNPT-CA", "vnptca_p11_v81.dll", True),
    KnownModule("VNPT-CA", "vnptca_p11_v7.dll", True),
    KnownModule("VNPT-CA", "vnptca_p11_v5.dll", True),
    KnownModule("VNPT-CA", "vnptcav2_p11_v8.dll", True),
    KnownModule("VNPT-CA", "VNPTCACardv8csp11.dll", True),
    KnownModule("VNPT-CA", "wdpkcs.dll", True, folder=r"VNPT-CA\VNPT-CA PKI Token CSP"),
    KnownModule("VNPT-CA", "vnpt-ca_csp11.dll", True),
    KnownModule("VNPT-CA", "vnptca_p11_v10.dll", False),
    KnownModule("VNPT-CA", "vnptca_p11_v8.dll", False),
    KnownModule("VNPT-CA", "vnptca_p11_v6.dll", False),
    KnownModule("VNPT-CA", "VNPT-CA_v34.dll", False),
    KnownModule("VNPT-CA", "vnpt-ca_cl_v1.dll", False),
    KnownModule("Viettel-CA", "viettel-ca.dll", True),
    KnownModule("Viettel-CA", "viettel-ca_v1.dll", True),
    KnownModule("Viettel-CA", "viettel-ca_v3.dll", True),
    KnownModule("Viettel-CA", "viettel-ca_v2_s.x64.dll", True),
    KnownModule("Viettel-CA", "viettel-ca_v6.dll", False),
    KnownModule("Viettel-CA", "viettel-ca_v5.dll", False),
    KnownModule("Viettel-CA", "viettel-ca_v4.dll", False),
    KnownModule("Viettel-CA", "viettel-ca_v2.dll", False),
    KnownModule("FPT-CA", "fptca_v6.dll", True),
    KnownModule("FPT-CA", "fptca_v5.dll", True),
    KnownModule("FPT-CA", "fptca_v4.dll", True),
    KnownModule("FPT-CA", "fpt-ca_v5.dll", True),
    KnownModule("FPT-CA", "fpt-ca_v4.dll", True),
    KnownModule("FPT-CA", "fpt-ca-stx.dll", True),
    KnownModule("FPT-CA", "fpt-ca.dll", False),
    KnownModule("FPT-CA", "fptca_v3.dll", False),
    KnownModule("BkavCA", "BkavCAv25.dll", True),
    KnownModule("BkavCA", "BkavCAv2T.dll", True),
    KnownModule("BkavCA", "st3csp11.dll", True, folder=r"Bkav Corporation\BkavCA Token Manager"),
    KnownModule("BkavCA", "BkavCA.dll", False),
    KnownModule("BkavCA", "BkavCAv2S.dll", False),
    *[KnownModule("CA2 (Nacencomm)", f"nca_v{n}.dll", True) for n in range(9, 3, -1)],
    KnownModule("CA2 (Nacencomm)", "nca_eps2k3a.dll", True),
    KnownModule("CA2 (Nacencomm)", "nca_eps2k2a.dll", True),
    KnownModule("CA2 (Nacencomm)", "CA2_csp11.dll", False),
    KnownModule("CA2 (Nacencomm)", "CA2_v34.dll", False),
    KnownModule("CA2 (Nacencomm)", "ShuttleCsp11_3003.dll", False),
    KnownModule("NewCA (Newtel)", "newca_v4.dll", True),
    KnownModule("MISA-CA", "misaca_csp11_v2.dll", True),
    KnownModule("FastCA", "fca_v1.dll", True),
    KnownModule("EFY-CA (ECA)", "eca_csp11_v1.dll", True),
    # Government CA (Ban Cơ yếu Chính phủ) tokens are SafeNet eToken or Bit4id builds.
    KnownModule("SafeNet eToken (Ban Cơ yếu Chính phủ, others)", "eTPKCS11.dll", True),
    KnownModule("SafeNet eToken (legacy)", "eToken.dll", True),
    KnownModule("Bit4id (Ban Cơ yếu Chính phủ)", "bit4xpki.dll", True),
    KnownModule("Gemalto/Thales Classic Client", "gclib.dll", True),
    KnownModule("Feitian ePass2003", "eps2003csp11.dll", True),
    KnownModule("Feitian ePass2003", "eps2003csp11v2.dll", True),
    KnownModule("WatchData (VNPT-CA, CA2)", "wdpkcs.dll", True),
    KnownModule("OpenSC", "opensc-pkcs11.dll", True, folder=r"OpenSC Project\OpenSC\pkcs11"),
]

# Linux: distribution packages first (OpenSC, SoftHSM for tests), then vendor middleware.
LINUX_KNOWN = [
    KnownModule("OpenSC (ePass2003 and most CA tokens)", "/usr/lib/x86_64-linux-gnu/opensc-pkcs11.so", True),
    KnownModule("OpenSC", "/usr/lib/x86_64-linux-gnu/pkcs11/opensc-pkcs11.so", True),
    KnownModule("OpenSC", "/usr/lib/opensc-pkcs11.so", True),
    KnownModule("OpenSC", "/usr/lib64/opensc-pkcs11.so", True),
    KnownModule("SafeNet eToken (SAC)", "/usr/lib/libeTPkcs11.so", True),
    KnownModule("SafeNet eToken (SAC)", "/usr/lib/libeToken.so", True),
    KnownModule("Bit4id", "/usr/lib/bit4id/libbit4xpki.so", False),
    KnownModule("Gemalto/Thales Classic Client", "/usr/lib/libgclib.so", False),
    KnownModule("Feitian ePass2003", "/usr/lib/libcastle.so.1.0.0", False),
    KnownModule("Feitian ePass2003", "/usr/lib/libeps2003csp11.so", False),
    KnownModule("FPT-CA (fptca-4.0 package, 32-bit)", "/usr/lib/fptca_v4.so", False),
    KnownModule("VNPT-CA", "/usr/lib/vnpt-ca/libcryptoki.so", False),
    KnownModule("Viettel-CA", "/usr/lib/viettel-ca/libpkcs11.so", False),
    KnownModule("FPT-CA", "/usr/lib/fpt-ca/libpkcs11.so", False),
    KnownModule("BkavCA", "/usr/lib/libbkavca.so", False),
    KnownModule("CA2 (Nacencomm)", "/usr/lib/libshuttle_p11v220.so", False),
    KnownModule("SoftHSM2 (tests, demo)", "/usr/lib/softhsm/libsofthsm2.so", True),
    KnownModule("SoftHSM2 (tests, demo)", "/usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so", True),
]

SOFTHSM_MODULE = "/usr/lib/softhsm/libsofthsm2.so"


def _windows_path(module: KnownModule) -> list[Path]:
    windir = Path(os.environ.get("WINDIR", r"C:\Windows"))
    if module.folder:
        roots = [os.environ.get("PROGRAMFILES", r"C:\Program Files")]
        return [Path(root) / module.folder / module.name for root in roots]
    # a 64-bit Python loads 64-bit drivers from System32; 32-bit ones live in SysWOW64
    return [windir / "System32" / module.name]


def known_modules() -> list[tuple[KnownModule, Path]]:
    """Every known module for this platform with its path (installed or not), most likely first."""
    if sys.platform == "win32":
        return [(m, p) for m in WINDOWS_KNOWN for p in _windows_path(m)]
    return [(m, Path(m.name)) for m in LINUX_KNOWN]


def candidate_modules() -> list[Path]:
    """Known module locations for this platform (existing or not), most likely first."""
    return [path for _, path in known_modules()]


def find_modules(configured: str = "") -> list[Path]:
    """The configured module (if it exists) followed by every known module installed here."""
    found: list[Path] = []
    for path in ([Path(configured)] if configured else []) + candidate_modules():
        if path.is_file() and path not in found:
            found.append(path)
    return found


def vendor_of(path: Path | str) -> str:
    """The vendor name for a module path (by file name), or "" when unknown."""
    name = str(path).replace("\\", "/").rsplit("/", 1)[-1].lower()  # a Windows path, even read on Linux
    for module, known in known_modules():
        if known.name.lower() == name:
            return module.vendor
    return ""


def module_bits(path: Path | str) -> int | None:
    """32 or 64 from the module's ELF or PE header; None when it is neither (or unreadable).

    A 32-bit driver (FPT's Linux package ships one) cannot load into a 64-bit Python: say so
    instead of showing the loader's "wrong ELF class" message.
    """
    try:
        with open(path, "rb") as fh:
            head = fh.read(4096)
    except OSError:
        return None
    if head[:4] == b"\x7fELF" and len(head) > 4:
        return {1: 32, 2: 64}.get(head[4])
    if head[:2] == b"MZ" and len(head) >= 0x40:
        pe = int.from_bytes(head[0x3C:0x40], "little")
        if head[pe : pe + 4] == b"PE\0\0":
            machine = int.from_bytes(head[pe + 4 : pe + 6], "little")
            return {0x14C: 32, 0x8664: 64, 0xAA64: 64, 0x1C4: 32}.get(machine)
    return None


def process_bits() -> int:
    return 64 if sys.maxsize > 2**32 else 32


def vendors_installed(configured: str = "") -> list[tuple[str, Path]]:
    """(vendor name, path) of every module found here: what the settings view lists by name."""
    return [(vendor_of(path) or path.name, path) for path in find_modules(configured)]
