"""Trust anchors: the national roots ship and load by default, the administrator's folder, unknown roots."""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

import pytest

from sohoa.cli import main
from sohoa.core.errors import ConfigError
from sohoa.signing import trust
from sohoa.signing.batch import sign_documents
from sohoa.signing.softhsm import SoftHsmToken, TestCa, make_test_ca
from sohoa.signing.verify import verify_pdf

MANIFEST = Path("/work/shared/trust/vn/MANIFEST.md")


def test_shipped_national_roots_load_with_the_manifest_fingerprints(tmp_path: Path) -> None:
    anchors = trust.load_anchors(system_dir=tmp_path / "none")
    names = {a.name: a for a in anchors}
    assert set(names) == {"vnrca256.pem", "vnpt-ca-sha2.pem", "rootcag2.pem", "cpcag2.pem"}
    assert "CN=Vietnam National Root CA" in names["vnrca256.pem"].subject
    assert "Ban Cơ yếu Chính phủ" in names["rootcag2.pem"].subject
    for anchor in anchors:
        assert anchor.sha256 == hashlib.sha256(anchor.cert.dump()).hexdigest() == trust.SHIPPED[anchor.name]
    if MANIFEST.is_file():  # the pinned values are the ones the manifest publishes
        published = dict(re.findall(r"`([a-z0-9.-]+\.pem)`.*`([0-9a-f]{64})`", MANIFEST.read_text()))
        assert published == trust.SHIPPED
    assert len(trust.trust_roots()) >= 4


def test_an_altered_shipped_anchor_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(trust.SHIPPED, "vnrca256.pem", "0" * 64)
    with pytest.raises(ConfigError):
        trust.shipped_anchors()


def test_system_folder_adds_replaces_and_withdraws_anchors(tmp_path: Path, test_ca: TestCa) -> None:
    folder = tmp_path / "trust"
    folder.mkdir()
    (folder / "agency-root.pem").write_bytes(test_ca.cert_pem.read_bytes())
    (folder / "vnpt-ca-sha2.pem").write_bytes(b"")  # withdrawn by the administrator
    other = make_test_ca(tmp_path / "other", name="SoHoa Replacement Root")
    (folder / "rootcag2.pem").write_bytes(other.cert_pem.read_bytes())  # replaced (same name)
    (folder / "notes.txt").write_text("ignored")
    anchors = trust.load_anchors(system_dir=folder)
    by_name = {a.name: a for a in anchors}
    assert "vnpt-ca-sha2.pem" not in by_name
    assert by_name["rootcag2.pem"].source == "system"
    assert "SoHoa Replacement Root" in by_name["rootcag2.pem"].subject
    assert len([a for a in anchors if "SoHoa Test Root CA" in a.subject]) == 1, "each certificate once"
    (folder / "broken.pem").write_text("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n")
    with pytest.raises(ConfigError):
        trust.load_anchors(system_dir=folder)


def test_trust_list_prints_subjects_and_fingerprints(
    tmp_path: Path, test_ca: TestCa, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "trust"
    folder.mkdir()
    (folder / "agency.pem").write_bytes(test_ca.cert_pem.read_bytes())
    monkeypatch.setenv("SOHOA_TRUST_DIR", str(folder))
    assert main(["trust", "list"]) == 0
    out = capsys.readouterr().out
    for fp in trust.SHIPPED.values():
        assert fp in out
    assert "CN=Vietnam National Root CA" in out and "thư mục hệ thống" in out
    assert main(["trust", "list", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert len(rows) == 5 and {r["source"] for r in rows} == {"shipped", "system"}


def test_chain_to_an_unknown_root_is_untrusted_with_the_default_anchors(
    token: SoftHsmToken, plain_pdf: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    result = sign_documents(
        [plain_pdf], tmp_path / "out", module=token.module, token_label=token.label, pin=token.pin
    )
    signed = result.signed[0].output
    assert signed is not None
    [report] = verify_pdf(signed, trust.trust_roots())
    assert report.intact and not report.trusted and report.root == "" and not report.ok
    assert main(["verify", str(signed), "--json"]) == 7  # the default anchors: the national roots
    [entry] = json.loads(capsys.readouterr().out)
    assert entry["signatures"][0]["trusted"] is False
    assert main(["verify", str(signed), "--trust", str(token.ca_pem)]) == 0
