"""The scriptable workflow CLI end to end, as real subprocesses: SANE test scanner -> ``dossier add``
-> processed -> signed (SoftHSM2) -> queued -> ``sohoa sync`` -> acknowledged by the reference server.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from reference_repository.testing import RunningServer
from sohoa.capture.sane_config import write_test_backend_config
from sohoa.signing.softhsm import SoftHsmToken, create_token
from tests.workflow.conftest import as_json, sohoa, write_config

PROJECT = Path(__file__).resolve().parents[2]
CODE = "H15.50.05.13-261008-0042"
OWNER = "001099012345"


@pytest.fixture(scope="module")
def token(tmp_path_factory: pytest.TempPathFactory) -> SoftHsmToken:
    return create_token(tmp_path_factory.mktemp("hsm"), label="SoHoa Clerk", pin="246810")


@pytest.fixture
def env(sohoa_home: Path, tmp_path: Path, token: SoftHsmToken, server: RunningServer) -> dict[str, str]:
    write_config(sohoa_home, token, server, chunk_size_kb=16)
    return {
        **os.environ,
        "SOHOA_HOME": str(sohoa_home),
        "SOFTHSM2_CONF": str(token.conf),
        "SANE_CONFIG_DIR": str(write_test_backend_config(tmp_path / "sane")),
        "PYTHONPATH": str(PROJECT),
        "CLERK_PIN": token.pin,
    }


def new_dossier(env: dict[str, str], code: str = CODE) -> str:
    proc = sohoa(
        env,
        "dossier",
        "new",
        "--code",
        code,
        "--procedure",
        "1.001757",
        "--procedure-name",
        "Chứng thực bản sao",
        "--owner-type",
        "person",
        "--owner-id",
        OWNER,
        "--owner-name",
        "Nguyễn Văn An",
        "--received",
        "2026-10-08",
    )
    return proc.stdout.strip().splitlines()[-1]


def test_scan_add_finish_sign_pending_sync_acknowledged(env: dict[str, str], tmp_path: Path) -> None:
    scans = tmp_path / "scans"
    sohoa(
        env,
        "scan",
        "--device",
        "test:0",
        "--mode",
        "gray",
        "--dpi",
        "150",
        "--pages",
        "3",
        "--out",
        str(scans),
    )
    pages = sorted(scans.glob("page-*.png"))
    assert len(pages) == 3

    dossier = new_dossier(env)
    assert len(dossier) == 32
    component = sohoa(
        env, "dossier", "add", dossier, str(pages[0]), str(pages[1]), "--kind", "component", "--title", "Đơn",
        "--component-code", "TP01",
    ).stdout.strip().splitlines()[-1]  # fmt: skip
    added = as_json(
        sohoa(
            env, "dossier", "add", dossier, str(pages[2]), "--kind", "result", "--title", "Giấy chứng nhận",
            "--result-code", "KQ.H15-2026-000042", "--json",
        )
    )  # fmt: skip
    result = added["id"]
    assert added["pages"] == 1 and added["kind"] == "result"

    finished = as_json(
        sohoa(env, "dossier", "finish", dossier, "--pin-env", "CLERK_PIN", "--no-sign-results", "--json")
    )
    states = {d["id"]: d["state"] for d in finished["documents"]}
    assert states == {component: "queued", result: "processed"}  # the result waits for the supervisor

    first = as_json(sohoa(env, "sign-pending", "--pin-env", "CLERK_PIN", "--procedure", "1.001757", "--json"))
    assert (first["signed"], first["failed"]) == (1, 0)
    assert [d["id"] for d in first["documents"]] == [result]
    second = as_json(sohoa(env, "sign-pending", "--pin-env", "CLERK_PIN", "--json"))
    assert second == {"signed": 0, "failed": 0, "documents": []}  # a second run signs nothing

    sohoa(env, "sync", "--once")
    shown = as_json(sohoa(env, "dossier", "show", dossier, "--json"))
    assert shown["id"] == dossier and shown["code"] == CODE
    docs = {d["id"]: d for d in shown["documents"]}
    assert [d["state"] for d in shown["documents"]] == ["acknowledged", "acknowledged"]
    assert {d["kind"] for d in docs.values()} == {"component", "result"}
    for d in docs.values():
        signed = Path(d["signed_file"])
        assert signed.read_bytes().startswith(Path(d["file"]).read_bytes())  # signing only appended
        assert d["remote_id"]
    assert len({d["remote_id"] for d in docs.values()}) == 2

    found = as_json(sohoa(env, "lookup", "--owner-id", OWNER, "--json"))
    assert len(found) == 2  # exactly one copy of each in the repository
    assert "acknowledged" in sohoa(env, "dossier", "show", dossier).stdout


def test_no_sign_leaves_every_document_waiting_and_needs_no_pin(env: dict[str, str], tmp_path: Path) -> None:
    from tests.signing.conftest import make_pdf

    pdf = make_pdf(tmp_path / "in.pdf", pages=2)
    env = {k: v for k, v in env.items() if k != "CLERK_PIN"}
    dossier = new_dossier(env, "H15.50.05.13-261008-0043")
    doc = sohoa(env, "dossier", "add", dossier, str(pdf), "--kind", "component").stdout.split()[-1]
    out = as_json(sohoa(env, "dossier", "finish", dossier, "--no-sign", "--json"))
    assert [(d["id"], d["state"]) for d in out["documents"]] == [(doc, "processed")]
    shown = as_json(sohoa(env, "dossier", "show", dossier, "--json"))
    assert shown["documents"][0]["pages"] == 2 and shown["documents"][0]["signed_file"] is None


def test_bad_input_is_one_clear_line_and_a_stable_exit_code(env: dict[str, str], tmp_path: Path) -> None:
    proc = sohoa(env, "dossier", "show", "no-such-dossier", "--json", ok=False)
    assert proc.returncode == 3 and "no-such-dossier" in proc.stderr and "Traceback" not in proc.stderr
    proc = sohoa(
        env, "dossier", "new", "--code", "bad code", "--procedure", "1.001757", "--owner-type", "person",
        "--owner-id", "12", "--owner-name", "A", ok=False,
    )  # fmt: skip
    assert proc.returncode == 10 and proc.stdout == ""
    dossier = new_dossier(env, "H15.50.05.13-261008-0044")
    proc = sohoa(
        env, "dossier", "add", dossier, str(tmp_path / "missing.png"), "--kind", "component", ok=False
    )
    assert proc.returncode == 3 and "missing.png" in proc.stderr
    proc = sohoa(env, "dossier", "add", dossier, str(tmp_path), "--kind", "result", ok=False)
    assert proc.returncode != 0
    proc = sohoa(env, "sign-pending", "--from", "2026-10-09", "--to", "2026-10-01", ok=False)
    assert proc.returncode == 3
