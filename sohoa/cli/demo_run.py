"""``sohoa demo`` / ``make demo``: the main job on embedded defaults, end to end, through the workflow.

1. capture: scan a 10-page dossier from SANE's ``test`` scanner (through the app's own SANE
   config folder) into the output folder;
2. process: a new dossier, one document made of those pages, finished without a PIN: one
   validated PDF/A-2b, waiting for a signature;
3. sign: with a demo SoftHSM2 token (a real PKCS#11 module; key generated on the token,
   certificate from a demo CA), as ``[signing]`` says (visible Decree 30 "SAO Y" stamp), queued;
4. upload: start the reference repository server on loopback, send the queue (tus + commit),
   check the document is ``acknowledged`` in the store, and look it up by owner ID.

The demo is an entry point: it only calls :mod:`sohoa.workflow`. Everything it makes (token,
store, outbox, server data) stays in the output folder.
"""

from __future__ import annotations

import json
import logging
import secrets
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from sohoa import __version__
from sohoa.core.config import load_config, save_setting
from sohoa.core.fsutil import atomic_write_text, sha256_file
from sohoa.core.lifecycle import DocState
from sohoa.core.paths import AppPaths, private_dir
from sohoa.core.progress import Reporter
from sohoa.workflow import dossiers, finish
from sohoa.workflow.capture import scan_batch
from sohoa.workflow.context import Workspace
from sohoa.workflow.samples import DEMO_AGENCY, DEMO_DEVICE, DEMO_DOSSIER, DEMO_PAGES, make_demo_token
from sohoa.workflow.upload import sync_once
from sohoa.workflow.verify import verify_file

log = logging.getLogger(__name__)


@dataclass
class DemoResult:
    out_dir: Path
    pages: list[Path] = field(default_factory=list)
    manifest: Path | None = None
    steps: list[str] = field(default_factory=list)
    pdf: Path | None = None
    signed_pdf: Path | None = None
    ca_pem: Path | None = None
    dossier_id: str = ""
    document_id: str = ""
    queue_id: int | None = None
    repository_documents: list[dict[str, Any]] = field(default_factory=list)
    summary: dict[str, Any] = field(default_factory=dict)


def _workspace(out_dir: Path) -> Workspace:
    home = out_dir / "home"
    paths = AppPaths(data=home / "data", config=home / "config", cache=home / "cache").ensure()
    config = load_config(paths)
    for key, value in (
        ("general.agency_name", DEMO_AGENCY),
        ("signing.visible", True),
        ("signing.stamp", "copy"),
    ):
        config = save_setting(config, key, value)
    return Workspace.open(paths)


def scan_step(result: DemoResult, say: Callable[[str], None]) -> None:
    """Scan the demo dossier from the test scanner's feeder, page by page, to PNG files."""

    def landed(page: Any) -> None:
        result.pages.append(page.path)
        say(f"  page {page.index}/{DEMO_PAGES} -> {page.path.name}")

    scan_batch(
        DEMO_DEVICE,
        result.out_dir,
        max_pages=DEMO_PAGES,
        device_options={"test_picture": "Grid"},
        test_scanner=True,
        progress=Reporter(on_item=landed),
    )
    result.steps.append("scan")


def process_step(ws: Workspace, result: DemoResult, say: Callable[[str], None]) -> None:
    """A new dossier with one document made of the pages; finished without a PIN: PDF/A, waiting."""
    dossier = dossiers.new_dossier(
        ws,
        code=DEMO_DOSSIER["code"],
        procedure_code=DEMO_DOSSIER["procedure_code"],
        procedure_name=DEMO_DOSSIER["procedure_name"],
        owner_type=DEMO_DOSSIER["owner_type"],
        owner_id=DEMO_DOSSIER["owner_id"],
        owner_name=DEMO_DOSSIER["owner_name"],
    )
    doc = dossiers.add_document(
        ws,
        dossier.id,
        result.pages,
        kind="component",
        title="Bản sao điện tử hồ sơ chứng thực",
        component_code="TP01",
    )
    result.dossier_id, result.document_id = dossier.id, doc.id
    outcome = finish.finish(ws, dossier.id, pin=None)[0]
    rec = ws.store.document(doc.id)
    if rec.state != DocState.PROCESSED or rec.file is None:
        raise RuntimeError(f"the demo document was not processed: {outcome.message}")
    result.pdf = result.out_dir / "dossier.pdf"
    shutil.copyfile(rec.file, result.pdf)
    atomic_write_text(
        result.out_dir / "report.json",
        json.dumps({"document": rec.to_json(), "flags": outcome.flags}, ensure_ascii=False, indent=2),
    )
    result.summary["process"] = {
        "pages": rec.pages,
        "bytes": result.pdf.stat().st_size,
        "state": rec.state.value,
    }
    say(f"  {result.pdf.name}: {rec.pages} pages, {result.pdf.stat().st_size // 1024} KB, PDF/A-2b valid")
    result.steps.append("process")


def sign_step(ws: Workspace, result: DemoResult, say: Callable[[str], None]) -> Workspace:
    """Sign with a demo SoftHSM2 token, as [signing] says (visible copy stamp), queue, then verify."""
    pin = f"{secrets.randbelow(10**8):08d}"  # a fresh PIN for a throwaway token: never stored, printed or logged
    token = make_demo_token(result.out_dir / "token", pin)
    result.ca_pem = token.ca_pem
    for key, value in (
        ("signing.pkcs11_module", str(token.module)),
        ("signing.token_label", token.label),
        ("signing.trust_roots", [str(token.ca_pem)]),
        ("signing.check_revocation", False),  # the demo CA publishes no OCSP/CRL
    ):
        ws.config = save_setting(ws.config, key, value)
    outcome = next(
        o
        for o in finish.sign_pending(ws, finish.pending_results(ws), token.pin)
        if o.document_id == result.document_id
    )
    rec = ws.store.document(result.document_id)
    if rec.state != DocState.QUEUED or rec.signed_file is None:
        raise RuntimeError(f"the demo document was not signed: {outcome.message}")
    reports = verify_file(ws, rec.signed_file)
    if not reports or not all(r.ok for r in reports):
        raise RuntimeError("the demo signature does not verify")
    result.signed_pdf = result.out_dir / "dossier.signed.pdf"
    shutil.copyfile(rec.signed_file, result.signed_pdf)
    result.queue_id = rec.outbox_item
    result.summary["sign"] = {
        "signer": reports[0].signer,
        "intact": reports[0].intact,
        "trusted": reports[0].trusted,
    }
    say(
        f"  {result.signed_pdf.name}: signed by {reports[0].signer}; intact, trusted; queued as item {rec.outbox_item}"
    )
    result.steps.append("sign")
    return ws


def upload_step(ws: Workspace, result: DemoResult, say: Callable[[str], None]) -> None:
    """Start a reference repository on loopback, send the queue, look the citizen up."""
    import dataclasses

    from reference_repository.testing import run_server
    from sohoa.workflow.reuse import lookup_owner

    assert result.ca_pem is not None
    with run_server(result.out_dir / "repository", trust_roots=[result.ca_pem]) as server:
        say(f"  reference repository running at {server.url}")
        ws.config = save_setting(ws.config, "repository.url", server.url)
        sync_once(ws)
        state = ws.store.document(result.document_id).state
        if state != DocState.ACKNOWLEDGED:
            raise RuntimeError(f"the demo upload did not finish: the document is {state}")
        found = lookup_owner(ws, DEMO_DOSSIER["owner_id"])
        result.repository_documents = [dataclasses.asdict(h.raw) for h in found]
    say(f"  uploaded and acknowledged; the repository holds {len(found)} document(s) for this citizen")
    result.summary["upload"] = {"state": state.value, "found_by_owner_id": len(found)}
    result.steps.append("upload")


def write_manifest(result: DemoResult) -> Path:
    """The demo's record: the dossier, every page with its SHA-256, and what each step produced."""
    manifest = {
        "producer": f"SoHoa {__version__}",
        "created": datetime.now().astimezone().isoformat(timespec="seconds"),
        "device": DEMO_DEVICE,
        "dossier": DEMO_DOSSIER,
        "dossier_id": result.dossier_id,
        "document_id": result.document_id,
        "steps": result.steps,
        "pdf": result.pdf.name if result.pdf else None,
        "signed_pdf": result.signed_pdf.name if result.signed_pdf else None,
        "queue_id": result.queue_id,
        "summary": result.summary,
        "pages": [
            {
                "file": p.name,
                "dpi": 300,
                "color_mode": "color",
                "sha256": sha256_file(p),
                "bytes": p.stat().st_size,
            }
            for p in result.pages
        ],
    }
    path = result.out_dir / "manifest.json"
    atomic_write_text(path, json.dumps(manifest, ensure_ascii=False, indent=2))
    result.manifest = path
    return path


def run_demo(out_dir: Path, say: Callable[[str], None] = print) -> DemoResult:
    result = DemoResult(out_dir=private_dir(out_dir))
    say(f"[1/4] scanning {DEMO_PAGES} pages from SANE '{DEMO_DEVICE}' (feeder, colour, 300 dpi)")
    scan_step(result, say)
    write_manifest(result)
    with _workspace(result.out_dir) as ws:
        say("[2/4] processing: orientation, deskew, cleanup, OCR (vie+eng), PDF/A-2b")
        process_step(ws, result, say)
        write_manifest(result)
        say("[3/4] signing with a demo SoftHSM2 token (PAdES, visible Decree 30 stamp) and queueing")
        sign_step(ws, result, say)
        write_manifest(result)
        say("[4/4] uploading to a reference repository on loopback")
        upload_step(ws, result, say)
        write_manifest(result)
    return result
