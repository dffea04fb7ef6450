"""Batch signing: one PIN and session, progress per document, bad documents skipped, a pulled token stops cleanly."""

from __future__ import annotations

from pathlib import Path

from sohoa.cli import main
from sohoa.core.errors import ExitCode
from sohoa.core.progress import Reporter
from sohoa.signing import errors
from sohoa.signing.batch import DocumentResult, output_path, sign_documents
from sohoa.signing.certs import load_trust_roots
from sohoa.signing.softhsm import SoftHsmToken, delete_token
from sohoa.signing.verify import verify_pdf
from tests.signing.conftest import make_pdf


def test_output_names() -> None:
    assert output_path(Path("/a/b/ho-so.pdf")) == Path("/a/b/ho-so.signed.pdf")
    assert output_path(Path("/a/b/ho-so.pdf"), Path("/out")) == Path("/out/ho-so.pdf")


def test_one_bad_document_is_reported_and_the_batch_goes_on(token: SoftHsmToken, tmp_path: Path) -> None:
    good = [make_pdf(tmp_path / f"doc{i}.pdf") for i in range(3)]
    bad = tmp_path / "broken.pdf"
    bad.write_bytes(b"%PDF-1.7 this is not really a pdf")
    seen: list[tuple[int, int, str]] = []
    counts: list[tuple[int, int]] = []

    def item(doc: object) -> None:
        assert isinstance(doc, DocumentResult)
        seen.append((*counts[-1], doc.status))

    progress = Reporter(on_progress=lambda done, total, _name: counts.append((done, total)), on_item=item)

    paths = [good[0], bad, good[1], good[2]]
    result = sign_documents(
        paths,
        tmp_path / "out",
        module=token.module,
        token_label=token.label,
        pin=token.pin,
        progress=progress,
    )
    assert [d.status for d in result.documents] == ["signed", "failed", "signed", "signed"]
    assert isinstance(result.documents[1].error, errors.NotAPdf)
    assert "không phải là tệp PDF" in result.documents[1].message()
    assert seen == [(1, 4, "signed"), (2, 4, "failed"), (3, 4, "signed"), (4, 4, "signed")]
    assert not result.ok and result.stopped is None
    roots = load_trust_roots([token.ca_pem])
    for doc in result.signed:
        assert doc.output is not None and all(r.ok for r in verify_pdf(doc.output, roots))
    assert not (tmp_path / "out" / "broken.pdf").exists()


def test_token_pulled_mid_batch_stops_cleanly_and_keeps_what_was_signed(
    fresh_token: SoftHsmToken, tmp_path: Path
) -> None:
    paths = [make_pdf(tmp_path / f"doc{i}.pdf") for i in range(6)]
    out = tmp_path / "out"

    def pull(done: int, total: int, _name: str) -> None:
        if done == 2:
            delete_token(fresh_token)  # from another process, as the USB token leaving the port

    pull_after_two = Reporter(on_progress=pull)

    result = sign_documents(
        paths,
        out,
        module=fresh_token.module,
        token_label=fresh_token.label,
        pin=fresh_token.pin,
        progress=pull_after_two,
    )
    assert isinstance(result.stopped, errors.TokenRemoved)
    assert result.stopped.exit_code == ExitCode.DEVICE
    assert "4 tài liệu chưa ký vẫn chờ" in result.stopped.message("vi")
    assert [d.status for d in result.documents] == ["signed"] * 2 + ["pending"] * 4
    assert sorted(p.name for p in out.iterdir()) == ["doc0.pdf", "doc1.pdf"]  # no half-written file
    roots = load_trust_roots([fresh_token.ca_pem])
    for doc in result.signed:
        assert doc.output is not None and all(r.ok for r in verify_pdf(doc.output, roots))


def test_cli_batch_exit_codes_and_progress(token: SoftHsmToken, tmp_path: Path, monkeypatch, capsys) -> None:
    monkeypatch.setenv("PIN_VAR", token.pin)
    docs = [make_pdf(tmp_path / f"p{i}.pdf") for i in range(2)]
    code = main(
        ["sign", *map(str, docs), "--module", token.module, "--token", token.label, "--pin-env", "PIN_VAR"]
    )
    out = capsys.readouterr().out
    assert code == 0
    assert "[1/2]" in out and "[2/2]" in out and "2 đã ký" in out
    missing = tmp_path / "missing.pdf"
    code = main(
        ["sign", str(missing), "--module", token.module, "--token", token.label, "--pin-env", "PIN_VAR"]
    )
    assert code == ExitCode.INPUT
