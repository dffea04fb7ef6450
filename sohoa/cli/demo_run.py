"""``sohoa demo`` / ``make demo``: the main job on embedded defaults, end to end.

1. capture: scan a 10-page dossier from SANE's ``test`` scanner (through the app's own SANE
   config folder) into the output folder;
2. process: clean, OCR and assemble the pages into one validated PDF/A-2b;
3. sign: with a demo SoftHSM2 token (a real PKCS#11 module; key generated on the token,
   certificate from a demo CA), PAdES B-B with the Decree 30 "SAO Y" stamp, then verify;
4. queue and upload: enqueue the signed file in the durable outbox, start the reference
   repository server on loopback, upload it (tus + commit), and look it up by owner ID.

Everything the demo makes (token, outbox, server data) stays in the output folder.
"""

from __future__ import annotations

import dataclasses
import json
import logging
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sohoa import __version__
from sohoa.core.fsutil import atomic_write_text, sha256_file
from sohoa.core.paths import private_dir

if TYPE_CHECKING:
    from sohoa.capture.driver import ScannedPage

log = logging.getLogger(__name__)

DEMO_DOSSIER = {
    "code": "H15.50.05.13-261008-0975",
    "procedure_code": "1.001757",
    "procedure_name": "Chứng thực bản sao từ bản chính giấy tờ, văn bản",
    "owner_type": "person",
    "owner_id": "001099012345",
    "owner_name": "Nguyễn Văn An",
}
DEMO_DEVICE = "test:0"
DEMO_PAGES = 10


DEMO_AGENCY = "UBND xã Mẫu Sơn"
DEMO_HSM_LABEL = "SoHoa Demo"


@dataclass
class DemoResult:
    out_dir: Path
    pages: list[Path] = field(default_factory=list)
    manifest: Path | None = None
    steps: list[str] = field(default_factory=list)
    pdf: Path | None = None
    signed_pdf: Path | None = None
    ca_pem: Path | None = None
    queue_id: int | None = None
    repository_documents: list[dict[str, Any]] = field(default_factory=list)
    summary: dict[str, Any] = field(default_factory=dict)


def scan_step(result: DemoResult, say: Callable[[str], None]) -> None:
    """Scan the demo dossier from the test scanner's feeder, page by page, to PNG files.

    Goes through the app's own capture path: the SANE worker process and a journaled batch.
    """
    from sohoa.capture.batch import ScanBatch
    from sohoa.capture.sane_config import write_test_backend_config
    from sohoa.capture.sane_driver import SaneDriver
    from sohoa.capture.settings import ScanSettings

    sane_dir = write_test_backend_config(result.out_dir / ".sane")
    settings = ScanSettings(
        source="adf",
        mode="color",
        dpi=300,
        paper="A4",
        max_pages=DEMO_PAGES,
        device_options={"test_picture": "Grid"},
    )

    def landed(page: ScannedPage) -> None:
        result.pages.append(page.path)
        say(f"  page {page.index}/{DEMO_PAGES} -> {page.path.name}")

    with SaneDriver(sane_dir) as driver:
        batch = ScanBatch(driver, DEMO_DEVICE, settings, result.out_dir)
        try:
            batch.scan(on_page=landed)
        finally:
            batch.finish()
    result.steps.append("scan")


def process_step(result: DemoResult, say: Callable[[str], None]) -> None:
    """Turn the scanned pages into one PDF/A-2b with an OCR text layer (pages in parallel)."""
    from sohoa.processing import PdfMetadata, ProcessOptions, process_document

    out = result.out_dir / "dossier.pdf"
    meta = PdfMetadata(
        title="Bản sao điện tử: hồ sơ " + DEMO_DOSSIER["code"],
        dossier_code=DEMO_DOSSIER["code"],
        document_kind="component",
        author=DEMO_AGENCY,
    )
    report = process_document(list(result.pages), out, ProcessOptions(languages="vie+eng"), meta)
    atomic_write_text(
        result.out_dir / "report.json", json.dumps(report.to_json(), ensure_ascii=False, indent=2)
    )
    result.pdf = out
    result.summary["process"] = {
        "pages": report.included_pages,
        "bytes": report.bytes,
        "seconds": report.seconds,
    }
    say(
        f"  {out.name}: {report.included_pages} pages, {report.bytes // 1024} KB, PDF/A-2b valid, {report.seconds:.1f} s"
    )
    result.steps.append("process")


def sign_step(result: DemoResult, say: Callable[[str], None]) -> None:
    """Sign with a demo SoftHSM2 token: PAdES B-B with the Decree 30 "SAO Y" stamp, then verify."""
    from sohoa.signing.batch import sign_documents
    from sohoa.signing.certs import load_trust_roots
    from sohoa.signing.pades import SignOptions
    from sohoa.signing.softhsm import create_token
    from sohoa.signing.verify import verify_pdf

    assert result.pdf is not None
    pin = f"{secrets.randbelow(10**8):08d}"  # a fresh PIN for a throwaway token: never stored, printed or logged
    token = create_token(
        result.out_dir / "token",
        label=DEMO_HSM_LABEL,
        pin=pin,
        common_name="Cán bộ Một Cửa (demo)",
    )
    token.activate()
    result.ca_pem = token.ca_pem
    trust = tuple(load_trust_roots([token.ca_pem]))
    options = SignOptions(appearance="copy", agency_name=DEMO_AGENCY, trust_roots=trust)
    batch = sign_documents(
        [result.pdf], None, module=token.module, token_label=token.label, pin=token.pin, options=options
    )
    signed = batch.documents[0]
    if signed.status != "signed" or signed.output is None:
        raise RuntimeError(f"the demo document was not signed: {signed.message()}")
    reports = verify_pdf(signed.output, trust)
    if not reports or not all(r.ok for r in reports):
        raise RuntimeError("the demo signature does not verify")
    result.signed_pdf = signed.output
    result.summary["sign"] = {
        "signer": reports[0].signer,
        "intact": reports[0].intact,
        "trusted": reports[0].trusted,
    }
    say(f"  {signed.output.name}: signed by {reports[0].signer}; intact, trusted, covers the whole file")
    result.steps.append("sign")


def upload_step(result: DemoResult, say: Callable[[str], None]) -> None:
    """Queue the signed file, upload it to a reference repository on loopback, and look it up."""
    from reference_repository.testing import run_server
    from sohoa.core.config import Repository
    from sohoa.core.model import DocumentKind
    from sohoa.outbox.lookup import lookup_owner
    from sohoa.outbox.metadata import DocumentMetadata
    from sohoa.outbox.outbox import Outbox
    from sohoa.outbox.sync import run_sync

    assert result.signed_pdf is not None and result.ca_pem is not None
    outbox = Outbox(result.out_dir / "home" / "outbox")
    try:
        meta = DocumentMetadata(
            dossier_code=DEMO_DOSSIER["code"],
            kind=DocumentKind.COMPONENT,
            title="Bản sao điện tử hồ sơ chứng thực",
            procedure_code=DEMO_DOSSIER["procedure_code"],
            component_code="TP01",
            owner_id=DEMO_DOSSIER["owner_id"],
            owner_type=DEMO_DOSSIER["owner_type"],
        )
        result.queue_id = outbox.enqueue(result.signed_pdf, meta)
        say(f"  queued as item {result.queue_id} (durable outbox in {outbox.root})")
        with run_server(result.out_dir / "repository", trust_roots=[result.ca_pem]) as server:
            say(f"  reference repository running at {server.url}")
            settings = Repository(url=server.url)
            sync = run_sync(settings, once=True, outbox=outbox)
            entry = outbox.get(result.queue_id)
            if entry is None or entry.state != "acknowledged":
                raise RuntimeError(f"the demo upload did not finish: {sync}")
            found = lookup_owner(settings, DEMO_DOSSIER["owner_id"])
            result.repository_documents = [dataclasses.asdict(d) for d in found]
        say(f"  uploaded and acknowledged; the repository holds {len(found)} document(s) for this citizen")
        result.summary["upload"] = {"state": entry.state, "found_by_owner_id": len(found)}
    finally:
        outbox.close()
    result.steps.append("upload")


def write_manifest(result: DemoResult) -> Path:
    """The demo's record: the dossier, every page with its SHA-256, and what each step produced."""
    manifest = {
        "producer": f"SoHoa {__version__}",
        "created": datetime.now().astimezone().isoformat(timespec="seconds"),
        "device": DEMO_DEVICE,
        "dossier": DEMO_DOSSIER,
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
    say("[2/4] processing: orientation, deskew, cleanup, OCR (vie+eng), PDF/A-2b")
    process_step(result, say)
    write_manifest(result)
    say("[3/4] signing with a demo SoftHSM2 token (PAdES B-B, Decree 30 stamp)")
    sign_step(result, say)
    write_manifest(result)
    say("[4/4] queueing and uploading to a reference repository on loopback")
    upload_step(result, say)
    write_manifest(result)
    return result
