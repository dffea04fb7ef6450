"""Backlog results through the scriptable CLI, as real subprocesses against the reference server on loopback.

``dossier new --legacy`` (the paper's own code, or none) -> ``dossier add --issue-date/--valid-until``
(dd/mm/yyyy or ISO) -> ``finish`` (SoftHSM2) -> ``sync`` -> the repository holds the code and both dates.
A wrong date is one line in the user's language and exit 10, and leaves nothing behind.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from reference_repository.testing import RunningServer
from sohoa.outbox.client import RepositoryClient
from sohoa.signing.softhsm import SoftHsmToken, create_token
from tests.workflow.conftest import as_json, result_page, sohoa, write_config

PROJECT = Path(__file__).resolve().parents[2]
OWNER = "001099054321"
NEW = [
    "--procedure",
    "1.001757",
    "--owner-type",
    "person",
    "--owner-id",
    OWNER,
    "--owner-name",
    "Trần Thị Bình",
]


@pytest.fixture(scope="module")
def token(tmp_path_factory: pytest.TempPathFactory) -> SoftHsmToken:
    return create_token(tmp_path_factory.mktemp("hsm"), label="SoHoa Backlog", pin="864200")


@pytest.fixture
def env(sohoa_home: Path, token: SoftHsmToken, server: RunningServer) -> dict[str, str]:
    write_config(sohoa_home, token, server)
    return {
        **os.environ,
        "SOHOA_HOME": str(sohoa_home),
        "SOFTHSM2_CONF": str(token.conf),
        "PYTHONPATH": str(PROJECT),
        "SUPERVISOR_PIN": token.pin,
    }


def test_old_results_from_the_command_line_reach_the_repository_with_code_and_dates(
    env: dict[str, str], server: RunningServer, tmp_path: Path
) -> None:
    scan = result_page(tmp_path, "old-result.png")
    made = as_json(sohoa(env, "dossier", "new", "--legacy", "--code", "125/HS-UBND", *NEW, "--json"))
    assert (made["code"], made["legacy"]) == ("125/HS-UBND", True)
    first = as_json(
        sohoa(
            env, "dossier", "add", made["id"], str(scan), "--kind", "result", "--title", "Giấy phép cũ",
            "--result-code", "KQ.G07.000122", "--issue-date", "15/03/2019", "--valid-until", "2024-03-15", "--json",
        )
    )  # fmt: skip
    assert (first["issue_date"], first["valid_until"]) == ("2019-03-15", "2024-03-15")
    none = sohoa(env, "dossier", "new", "--legacy", *NEW).stdout.split()[-1]  # an old result with no code
    sohoa(
        env, "dossier", "add", none, str(scan), "--kind", "result", "--result-code", "KQ.G07.000123",
        "--issue-date", "2.7.2018",
    )  # fmt: skip

    for dossier in (made["id"], none):
        out = as_json(sohoa(env, "dossier", "finish", dossier, "--pin-env", "SUPERVISOR_PIN", "--json"))
        assert [d["state"] for d in out["documents"]] == ["queued"], out
    sohoa(env, "sync", "--once")

    docs = RepositoryClient(server.url).lookup(owner_id=OWNER)
    by_result = {d["metadata"]["MaGiayToKetQua"]: d["metadata"] for d in docs}
    old, bare = by_result["KQ.G07.000122"], by_result["KQ.G07.000123"]
    assert (old["MaHoSo"], old["NgayCap"], old["ThoiHanHieuLuc"], old["legacy"]) == (
        "125/HS-UBND",
        "2019-03-15",
        "2024-03-15",
        True,
    )
    assert (bare["MaHoSo"], bare["NgayCap"], bare["ThoiHanHieuLuc"], bare["legacy"]) == (
        "",
        "2018-07-02",
        "",
        True,
    )

    shown = as_json(sohoa(env, "dossier", "show", made["id"], "--json"))
    assert shown["legacy"] is True
    assert [(d["issue_date"], d["valid_until"], d["state"]) for d in shown["documents"]] == [
        ("2019-03-15", "2024-03-15", "acknowledged")
    ]
    text = sohoa(env, "dossier", "show", none, lang="vi").stdout
    assert "(không có mã)" in text and "cấp 02/07/2018" in text and "hiệu lực đến" not in text


@pytest.mark.parametrize(
    ("options", "vi", "en"),
    [
        (["--issue-date", "31/02/2019"], "không phải ngày có thật", "is not a real day"),
        (["--issue-date", "2019/03/15"], "không đúng dạng ngày", "is not a date"),
        (["--valid-until", "15-03-19"], "không đúng dạng ngày", "is not a date"),
        (
            ["--issue-date", "15/03/2019", "--valid-until", "14/03/2019"],
            "trước --issue-date",
            "is before --issue-date",
        ),
    ],
)
def test_a_wrong_date_is_one_clear_line_exit_10_and_leaves_nothing_behind(
    env: dict[str, str], sohoa_home: Path, tmp_path: Path, options: list[str], vi: str, en: str
) -> None:
    dossier = sohoa(env, "dossier", "new", "--legacy", "--code", "7/GP", *NEW).stdout.split()[-1]
    add = [
        "dossier",
        "add",
        dossier,
        str(result_page(tmp_path, "old-result.png")),
        "--kind",
        "result",
        "--result-code",
        "KQ.G07.000124",
    ]
    for lang, words in (("vi", vi), ("en", en)):
        proc = sohoa(env, *add, *options, ok=False, lang=lang)
        assert proc.returncode == 10, proc.stderr
        assert words in proc.stderr and "Traceback" not in proc.stderr and "Error" not in proc.stderr
        assert len(proc.stderr.strip().splitlines()) == 1 and proc.stdout == ""
    assert as_json(sohoa(env, "dossier", "show", dossier, "--json"))["documents"] == []
    assert not list((sohoa_home).rglob("old-result*")), "no page was copied for a refused document"


def test_codes_and_other_dates_say_what_to_do(env: dict[str, str]) -> None:
    proc = sohoa(env, "dossier", "new", *NEW, ok=False, lang="vi")  # neither a code nor --legacy
    assert proc.returncode == 10 and "--legacy" in proc.stderr and "Thiếu mã hồ sơ" in proc.stderr
    proc = sohoa(env, "dossier", "new", "--code", "125/HS-UBND", *NEW, ok=False)  # not a portal code
    assert proc.returncode == 10 and "dossier code" in proc.stderr
    proc = sohoa(env, "dossier", "new", "--legacy", *NEW, "--received", "32/01/2019", ok=False)
    assert proc.returncode == 10 and "--received '32/01/2019' is not a real day" in proc.stderr
    made = as_json(sohoa(env, "dossier", "new", "--legacy", *NEW, "--received", "01/02/2019", "--json"))
    assert as_json(sohoa(env, "dossier", "show", made["id"], "--json"))["received"] == "2019-02-01"
    proc = sohoa(env, "sign-pending", "--from", "10/09/2026", "--to", "01/10/2026", "--json")
    assert as_json(proc)["signed"] == 0  # dd/mm/yyyy there too, and 10 September is before 1 October
    proc = sohoa(env, "sign-pending", "--from", "1/10/2026", "--to", "10/09/2026", ok=False)
    assert proc.returncode == 3
