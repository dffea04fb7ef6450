"""Signing fixtures: real SoftHSM2 tokens (keys made on the token), a test CA, PDF inputs, pdfsig's NSS store."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pikepdf
import pytest

from sohoa.signing.softhsm import SoftHsmToken, TestCa, create_token, make_test_ca

PDFA_SAMPLE = "pdfa/verapdf/PDF_A-2b/pass/6-1-2-t02-pass-a.pdf"


@pytest.fixture(scope="session")
def test_ca(tmp_path_factory: pytest.TempPathFactory) -> TestCa:
    return make_test_ca(tmp_path_factory.mktemp("ca"))


@pytest.fixture(scope="session")
def _shared_token(tmp_path_factory: pytest.TempPathFactory, test_ca: TestCa) -> SoftHsmToken:
    return create_token(tmp_path_factory.mktemp("hsm"), ca=test_ca, label="SoHoa Shared")


@pytest.fixture
def token(_shared_token: SoftHsmToken) -> SoftHsmToken:
    """The shared RSA token, made current for this process (another test may have switched)."""
    _shared_token.activate()
    return _shared_token


@pytest.fixture
def fresh_token(tmp_path: Path, test_ca: TestCa) -> SoftHsmToken:
    """A token of this test alone (for wrong PINs, pulling it out...)."""
    tok = create_token(tmp_path / "hsm", ca=test_ca, label="SoHoa Fresh")
    tok.activate()
    return tok


def make_pdf(path: Path, pages: int = 1, text: str = "Giấy tờ thử nghiệm") -> Path:
    pdf = pikepdf.new()
    for _ in range(pages):
        pdf.add_blank_page(page_size=(595, 842))
    pdf.docinfo["/Title"] = text
    pdf.save(path)
    return path


@pytest.fixture
def plain_pdf(tmp_path: Path) -> Path:
    return make_pdf(tmp_path / "giay-to.pdf")


@pytest.fixture
def pdfa_pdf(tmp_path: Path, corpus: Path) -> Path:
    """A PDF/A-2b file pikepdf's validator passes (from the veraPDF suite)."""
    target = tmp_path / "pdfa.pdf"
    shutil.copy(corpus / PDFA_SAMPLE, target)
    return target


@pytest.fixture(scope="session")
def nss_db(tmp_path_factory: pytest.TempPathFactory, test_ca: TestCa) -> Iterator[str]:
    """An NSS database holding the test CA, so pdfsig can say "trusted"."""
    if not shutil.which("certutil") or not shutil.which("pdfsig"):
        pytest.skip("certutil/pdfsig not installed (libnss3-tools, poppler-utils)")
    folder = tmp_path_factory.mktemp("nss")
    subprocess.run(["certutil", "-N", "-d", f"sql:{folder}", "--empty-password"], check=True, timeout=60)
    subprocess.run(
        [
            "certutil",
            "-A",
            "-d",
            f"sql:{folder}",
            "-n",
            "sohoa-test-ca",
            "-t",
            "CT,C,C",
            "-i",
            str(test_ca.cert_pem),
        ],
        check=True,
        timeout=60,
    )
    yield f"sql:{folder}"


def pdfsig(path: Path, nss: str) -> str:
    """pdfsig's report (it exits 0 even on a digest mismatch, so callers read the text)."""
    proc = subprocess.run(["pdfsig", "-nssdir", nss, str(path)], capture_output=True, text=True, timeout=60)
    return proc.stdout + proc.stderr
