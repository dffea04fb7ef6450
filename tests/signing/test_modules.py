"""PKCS#11 module discovery: the vendors' real file names, vendors by name, 32-bit modules detected."""

from __future__ import annotations

import struct
import sys
from pathlib import Path

import pytest

from sohoa.signing import errors, modules
from sohoa.signing.modules import SOFTHSM_MODULE, module_bits, vendor_of
from sohoa.signing.tokens import load_module

ISSUE_NAMES = {
    "VNPT-CA": ["vnptca_p11_v5.dll", "vnptca_p11_v7.dll", "vnptca_p11_v9.dll", "vnptca_p11_v81.dll",
                "vnptcav2_p11_v8.dll", "VNPTCACardv8csp11.dll"],
    "Viettel-CA": ["viettel-ca.dll", "viettel-ca_v1.dll", "viettel-ca_v3.dll", "viettel-ca_v2_s.x64.dll"],
    "FPT-CA": ["fptca_v4.dll", "fptca_v5.dll", "fptca_v6.dll", "fpt-ca_v4.dll", "fpt-ca_v5.dll", "fpt-ca-stx.dll"],
    "BkavCA": ["BkavCAv25.dll", "BkavCAv2T.dll"],
    "CA2 (Nacencomm)": [f"nca_v{n}.dll" for n in range(4, 10)] + ["nca_eps2k2a.dll", "nca_eps2k3a.dll"],
    "NewCA (Newtel)": ["newca_v4.dll"],
    "MISA-CA": ["misaca_csp11_v2.dll"],
    "FastCA": ["fca_v1.dll"],
    "EFY-CA (ECA)": ["eca_csp11_v1.dll"],
}  # fmt: skip


def test_windows_names_from_public_integrations_are_known_by_vendor(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "platform", "win32")
    for vendor, names in ISSUE_NAMES.items():
        for name in names:
            assert vendor_of(rf"C:\Windows\System32\{name}") == vendor, name
    assert vendor_of(r"C:\Program Files\Bkav Corporation\BkavCA Token Manager\st3csp11.dll") == "BkavCA"
    paths = [str(p).replace("\\", "/") for _, p in modules.known_modules()]
    assert any(p.endswith("VNPT-CA/VNPT-CA PKI Token CSP/wdpkcs.dll") for p in paths)
    assert vendor_of("gclib.dll") == "Gemalto/Thales Classic Client"  # not the Government CA's driver
    assert "Ban Cơ yếu Chính phủ" in vendor_of("eTPKCS11.dll") and "Ban Cơ yếu Chính phủ" in vendor_of(
        "bit4xpki.dll"
    )


def _elf(path: Path, elf_class: int) -> Path:
    path.write_bytes(b"\x7fELF" + bytes([elf_class, 1, 1]) + b"\0" * 200)
    return path


def _pe(path: Path, machine: int) -> Path:
    header = bytearray(512)
    header[:2] = b"MZ"
    header[0x3C:0x40] = struct.pack("<I", 0x80)
    header[0x80:0x84] = b"PE\0\0"
    header[0x84:0x86] = struct.pack("<H", machine)
    path.write_bytes(bytes(header))
    return path


def test_module_bits_reads_elf_and_pe_headers(tmp_path: Path) -> None:
    if Path(SOFTHSM_MODULE).is_file():
        assert module_bits(SOFTHSM_MODULE) == 64
    assert module_bits(_elf(tmp_path / "fptca_v4.so", 1)) == 32
    assert module_bits(_elf(tmp_path / "x64.so", 2)) == 64
    assert module_bits(_pe(tmp_path / "vnptca_p11_v5.dll", 0x14C)) == 32
    assert module_bits(_pe(tmp_path / "viettel-ca_v2_s.x64.dll", 0x8664)) == 64
    (tmp_path / "junk").write_bytes(b"not a module")
    assert module_bits(tmp_path / "junk") is None and module_bits(tmp_path / "missing") is None


def test_a_32_bit_module_is_refused_with_a_clear_message(tmp_path: Path) -> None:
    module = _elf(tmp_path / "fptca_v4.so", 1)
    with pytest.raises(errors.Module32Bit) as caught:
        load_module(module)
    assert "32-bit" in caught.value.message() and "fptca_v4.so" in caught.value.message()
    assert "Module32Bit" not in caught.value.message()
