"""Queue test fixtures: a test CA, signed PDF/A-2b samples, the real reference server, a keyring."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import keyring
import pytest

from reference_repository.samples import TestPKI, make_pdfa, make_signed_pdfa, make_test_pki, sign_pdf
from reference_repository.testing import RunningServer, run_server
from sohoa.core.config import Repository
from sohoa.core.model import DocumentKind
from sohoa.outbox.metadata import DocumentMetadata
from tests.queue.keyring_backend import FileKeyring

OWNER_ID = "001099012345"
SAMPLE_COUNT = 40
SAMPLE_SIZE = 120_000


def dossier_code(n: int) -> str:
    return f"H15.50.05.13-261008-{n:04d}"


def metadata(n: int = 1, kind: DocumentKind = DocumentKind.COMPONENT, **kw: object) -> DocumentMetadata:
    values: dict[str, object] = {
        "dossier_code": dossier_code(n),
        "kind": kind,
        "title": f"Giấy tờ số {n}",
        "owner_id": OWNER_ID,
        "procedure_code": "1.001757",
    }
    if kind in (DocumentKind.RESULT, DocumentKind.COMPONENT_RESULT):
        values["result_code"] = f"KQ.H15-2026-{n:06d}"
    values.update(kw)
    return DocumentMetadata(**values).validated()  # type: ignore[arg-type]


@pytest.fixture(scope="session")
def pki(tmp_path_factory: pytest.TempPathFactory) -> TestPKI:
    return make_test_pki(tmp_path_factory.mktemp("pki"))


@pytest.fixture(scope="session")
def samples(pki: TestPKI, tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    """40 distinct signed PDF/A-2b files of about 120 KB."""
    folder = tmp_path_factory.mktemp("samples")
    out = []
    for n in range(SAMPLE_COUNT):
        path = folder / f"doc-{n:02d}.pdf"
        path.write_bytes(make_signed_pdfa(pki, SAMPLE_SIZE, title=f"Tài liệu {n}"))
        out.append(path)
    return out


@pytest.fixture(scope="session")
def untrusted_sample(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A valid signed PDF/A whose signer chains to a CA the server does not trust."""
    folder = tmp_path_factory.mktemp("untrusted")
    other = make_test_pki(folder / "pki")
    path = folder / "untrusted.pdf"
    path.write_bytes(make_signed_pdfa(other, 30_000))
    return path


@pytest.fixture(scope="session")
def make_sample(pki: TestPKI, tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    folder = tmp_path_factory.mktemp("extra")
    counter = iter(range(10**6))

    def make(size: int = 30_000, signed: bool = True) -> Path:
        path = folder / f"extra-{next(counter)}.pdf"
        data = make_pdfa(size)
        path.write_bytes(sign_pdf(data, pki) if signed else data)
        return path

    return make


@pytest.fixture(scope="session")
def shared_server(pki: TestPKI, tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningServer]:
    with run_server(tmp_path_factory.mktemp("repo"), trust_roots=[pki.ca_cert]) as server:
        yield server


@pytest.fixture
def repo(shared_server: RunningServer) -> Iterator[RunningServer]:
    """The shared reference server with its faults cleared before and after the test."""
    shared_server.set_faults()
    yield shared_server
    shared_server.set_faults()


@pytest.fixture(autouse=True)
def test_keyring(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[FileKeyring]:
    monkeypatch.setenv("SOHOA_TEST_KEYRING", str(tmp_path / "keyring.json"))
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "tests.queue.keyring_backend.FileKeyring")
    previous = keyring.get_keyring()
    backend = FileKeyring()
    keyring.set_keyring(backend)
    yield backend
    keyring.set_keyring(previous)


def repo_settings(url: str, **kw: object) -> Repository:
    values: dict[str, object] = {
        "url": url,
        "chunk_size_kb": 16,
        "retry_base_s": 0.05,
        "retry_max_s": 1.0,
        "timeout_s": 10.0,
        "parallel_uploads": 2,
    }
    values.update(kw)
    return Repository(**values)  # type: ignore[arg-type]


def repo_root() -> str:
    return str(Path(__file__).resolve().parents[2])


def subprocess_env(extra: dict[str, str] | None = None) -> dict[str, str]:
    env = {**os.environ, "PYTHONPATH": repo_root()}
    env.update(extra or {})
    return env
