"""The thin adapter between the widgets and the core APIs (Qt-free, called from workers).

Widgets never import ``scanners``, ``app.pipeline``, ``signing`` or ``offline_queue``
directly: they call the functions here, so when a core API changes it is fixed in one
place. Every function that may take time takes a ``progress`` object (see
:class:`ui.workers.Progress`): ``progress(done, total, note)``, ``progress.item(x)`` and
``progress.is_cancelled()``. Failures are raised as :class:`app.errors.SoHoaError`.
"""

from __future__ import annotations

import contextlib
import csv
import dataclasses
import importlib
import logging
import os
import threading
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, Protocol

from app.config import LoadedConfig, Settings, load_config
from app.errors import CancelledError, MissingDependencyError, SoHoaError
from app.i18n import Text
from app.paths import AppPaths, app_paths
from app.province import ProvinceProfile, load_profile
from app.store import Store

log = logging.getLogger(__name__)


class ProgressLike(Protocol):
    def __call__(self, done: int, total: int, note: str = "") -> None: ...
    def item(self, value: object) -> None: ...
    def is_cancelled(self) -> bool: ...


class NullProgress:
    """A progress sink for callers that do not report (tests, the benchmark)."""

    def __init__(self) -> None:
        self.cancelled = threading.Event()
        self.items: list[object] = []

    def __call__(self, done: int, total: int, note: str = "") -> None:
        pass

    def item(self, value: object) -> None:
        self.items.append(value)

    def is_cancelled(self) -> bool:
        return self.cancelled.is_set()


def check_cancel(progress: ProgressLike) -> None:
    if progress.is_cancelled():
        raise CancelledError()


def optional_module(name: str) -> Any | None:
    """Import a core area that may not be built yet in this checkout."""
    try:
        return importlib.import_module(name)
    except ModuleNotFoundError as e:
        if e.name and name.startswith(e.name):
            return None
        raise


def not_available(what: str) -> MissingDependencyError:
    return MissingDependencyError(
        Text(
            vi="Chức năng {what} chưa có trong bản cài đặt này. Hãy cập nhật SoHoa.",
            en="The {what} feature is not in this installation. Update SoHoa.",
        ),
        what=what,
    )


@dataclass
class AppContext:
    """What every view shares: folders, settings, the province profile and the local store."""

    paths: AppPaths
    config: LoadedConfig
    store: Store
    clerk: str = field(default_factory=lambda: os.environ.get("USER", "") or "clerk")
    _profile: ProvinceProfile | None = None

    @classmethod
    def open(cls, paths: AppPaths | None = None) -> AppContext:
        paths = (paths or app_paths()).ensure()
        config = load_config(paths)
        return cls(paths=paths, config=config, store=Store(paths.store_file))

    @property
    def settings(self) -> Settings:
        return self.config.settings

    @property
    def profile(self) -> ProvinceProfile:
        if self._profile is None:
            try:
                self._profile = load_profile(self.settings.general.province_profile)
            except SoHoaError as e:
                log.warning("province profile: %s; using the default", e)
                self._profile = load_profile()
        return self._profile

    def reload_config(self) -> None:
        self.config = load_config(self.paths)
        self._profile = None

    def close(self) -> None:
        self.store.close()

    @contextlib.contextmanager
    def for_worker(self) -> Iterator[AppContext]:
        """A copy with its own store connection: workers never share the UI thread's transaction."""
        store = Store(self.paths.store_file)
        try:
            yield dataclasses.replace(self, store=store)
        finally:
            store.close()


# -- statistics ----------------------------------------------------------------------------
EVENT_KINDS = ("digitized", "signed", "uploaded", "reused")


@dataclass(frozen=True)
class StatRow:
    day: str
    procedure: str
    documents: dict[str, int]  # kind -> documents
    pages: int  # pages digitized


def statistics(store: Store, start: date, end: date, procedure: str = "") -> list[StatRow]:
    """Documents digitized, signed, uploaded and reused per day and procedure (local days)."""
    sql = (
        "SELECT date(at, 'localtime') AS day, procedure_code, kind, COUNT(*) AS n, "
        "SUM(CASE WHEN kind = 'digitized' THEN pages ELSE 0 END) AS p FROM events "
        "WHERE date(at, 'localtime') BETWEEN ? AND ?"
    )
    args: list[Any] = [start.isoformat(), end.isoformat()]
    if procedure:
        sql += " AND procedure_code = ?"
        args.append(procedure)
    sql += " GROUP BY day, procedure_code, kind ORDER BY day, procedure_code"
    rows: dict[tuple[str, str], StatRow] = {}
    for day, proc, kind, n, pages in store.conn.execute(sql, args):
        key = (day, proc or "")
        row = rows.setdefault(key, StatRow(day, proc or "", dict.fromkeys(EVENT_KINDS, 0), 0))
        if kind in row.documents:
            row.documents[kind] += n
        rows[key] = StatRow(row.day, row.procedure, row.documents, row.pages + int(pages or 0))
    return list(rows.values())


def procedures_seen(store: Store) -> list[str]:
    cur = store.conn.execute(
        "SELECT DISTINCT procedure_code FROM events WHERE procedure_code != '' ORDER BY 1"
    )
    return [r[0] for r in cur]


def write_statistics_csv(rows: Iterable[StatRow], target: Path, headers: list[str]) -> Path:
    """The monthly digitization report as CSV (UTF-8 with BOM so Excel shows Vietnamese)."""
    from app.fsutil import atomic_output

    with atomic_output(target, mode=0o644) as tmp:
        with open(tmp, "w", encoding="utf-8-sig", newline="") as fh:
            writer = csv.writer(fh)
            writer.writerow(headers)
            for r in rows:
                writer.writerow([r.day, r.procedure, r.pages, *(r.documents[k] for k in EVENT_KINDS)])
    return target


# -- queue and connection ---------------------------------------------------------------------
@dataclass
class QueueStatus:
    online: bool | None  # None: no repository configured
    pending: int
    failed_for_good: list[tuple[str, str]] = field(default_factory=list)  # (item id, reason)


@dataclass
class QueueItem:
    id: str
    title: str
    state: str  # pending, uploading, failed, rejected, done
    progress: float  # 0..1
    reason: str
    attempts: int
    updated: str


def queue_status(ctx: AppContext) -> QueueStatus:
    """Pending count and whether the repository answers (a short timeout: this runs every 15 s)."""
    pending, failed = 0, []
    if optional_module("offline_queue.outbox") is not None:
        box = outbox(ctx)
        try:
            pending = box.outstanding()
            failed = [(str(e.id), f"{e.dossier_code} · {e.title}: {_reason(e)}") for e in box.list(state="failed", limit=50)]
        finally:
            box.close()
    url = ctx.settings.repository.url
    if not url:
        return QueueStatus(None, pending, failed)
    return QueueStatus(ping_repository(url, timeout=3.0), pending, failed)


def _reason(entry: Any) -> str:
    from app.i18n import language

    return (entry.last_error_vi if language() == "vi" and entry.last_error_vi else entry.last_error) or ""


def ping_repository(url: str, timeout: float = 5.0) -> bool:
    import requests

    try:
        resp = requests.get(url.rstrip("/") + "/", timeout=timeout)
    except requests.RequestException:
        return False
    return resp.status_code < 500


def outbox(ctx: AppContext) -> Any:
    """The durable outbox of this workstation (one per data folder)."""
    mod = optional_module("offline_queue.outbox")
    if mod is None:
        raise not_available("queue")
    return mod.Outbox(ctx.paths.data / "outbox")


_STATE_MAP = {"pending": "pending", "uploading": "uploading", "uploaded": "uploading",
              "acknowledged": "done", "failed": "rejected"}


def queue_items(ctx: AppContext, limit: int = 500) -> list[QueueItem]:
    """The newest ``limit`` items of the outbox, oldest first, with the server's reason in the user's language."""
    from datetime import datetime

    if optional_module("offline_queue.outbox") is None:
        return []
    box = outbox(ctx)
    try:
        total = sum(box.counts().values())
        entries = box.list(limit=limit, offset=max(0, total - limit))  # a page, never 100,000 rows
    finally:
        box.close()
    out = []
    for e in entries:
        state = _STATE_MAP.get(e.state, e.state)
        progress = {"done": 1.0, "uploading": 0.5}.get(state, 0.0)
        updated = datetime.fromtimestamp(e.updated_at).strftime("%d/%m %H:%M") if e.updated_at else ""
        out.append(QueueItem(str(e.id), f"{e.dossier_code} · {e.title}", state, progress, _reason(e),
                             e.failures, updated))
    return out


def retry_item(ctx: AppContext, item_id: str) -> None:
    box = outbox(ctx)
    try:
        box.retry(int(item_id))
    finally:
        box.close()


# -- crash recovery -----------------------------------------------------------------------------
@dataclass
class UnfinishedBatch:
    id: str
    dossier_code: str
    pages: list[Path]
    raw: Any = None


def unfinished_batches(ctx: AppContext) -> list[UnfinishedBatch]:
    return []


def discard_batch(ctx: AppContext, batch: UnfinishedBatch) -> None:
    return None


# -- scanning ---------------------------------------------------------------------------------
THUMB_PX = 220
PREVIEW_PX = 1400


@dataclass
class ScannerInfo:
    name: str  # what the driver opens, e.g. "test:0"
    label: str  # what the clerk reads


@dataclass
class ScannedPage:
    """One page on disk with the small images the UI shows (made in the worker, not the UI thread)."""

    file: Path
    thumb: Path
    preview: Path
    dpi: int = 300
    color_mode: str = "color"
    flags: set[str] = field(default_factory=set)
    rotation: int = 0  # clockwise degrees the clerk asked for, applied before processing
    new_document: bool = False  # the clerk split the dossier here
    separator_code: str = ""  # a separator sheet's barcode (it is not part of any document)


_scanner_cache: list[ScannerInfo] = []


def cached_scanners() -> list[ScannerInfo]:
    return list(_scanner_cache)


def _sane_env(ctx: AppContext) -> None:
    folder = ctx.settings.scanner.sane_config_dir
    if folder:
        os.environ["SANE_CONFIG_DIR"] = folder


_sane_lock = threading.Lock()  # libsane is not re-entrant: one scanner call at a time


def list_scanners(ctx: AppContext) -> list[ScannerInfo]:
    """Scanners the drivers find (slow on networks: call from a worker)."""
    _sane_env(ctx)
    try:
        import sane
    except ImportError as e:
        raise not_available("SANE") from e
    with _sane_lock:
        sane.init()
        try:
            found = [ScannerInfo(d[0], f"{d[1]} {d[2]} ({d[0]})") for d in sane.get_devices()]
        finally:
            sane.exit()
    configured = ctx.settings.scanner.device
    if configured and configured not in {s.name for s in found}:
        found.insert(0, ScannerInfo(configured, configured))
    _scanner_cache[:] = found
    return found


def make_previews(image: Any, target: Path) -> tuple[Path, Path]:
    """Write the thumbnail and preview JPEGs for a page image (a PIL image)."""
    thumb = target.with_suffix(".thumb.jpg")
    preview = target.with_suffix(".preview.jpg")
    small = image.convert("RGB") if image.mode not in ("RGB", "L") else image
    big = small.copy()
    big.thumbnail((PREVIEW_PX, PREVIEW_PX))
    big.save(preview, "JPEG", quality=80)
    big.thumbnail((THUMB_PX, THUMB_PX))
    big.save(thumb, "JPEG", quality=80)
    return thumb, preview


def import_page(path: Path, out_dir: Path, n: int) -> ScannedPage:
    """Bring an image file in as a page (insert pages, file import)."""
    from PIL import Image

    from app.errors import InputError

    try:
        with Image.open(path) as im:
            im.load()
            dpi = int(im.info.get("dpi", (300, 300))[0] or 300)
            target = out_dir / f"page-{n:04d}.png"
            im.save(target, compress_level=1, dpi=(dpi, dpi))
            thumb, preview = make_previews(im, target)
            mode = "bw" if im.mode == "1" else "gray" if im.mode == "L" else "color"
    except (OSError, ValueError) as e:
        raise InputError(path=str(path), detail=str(e)) from e
    return ScannedPage(target, thumb, preview, dpi=dpi, color_mode=mode)


def scan_pages(
    ctx: AppContext,
    out_dir: Path,
    progress: ProgressLike,
    *,
    device: str | None = None,
    profile: str | None = None,
    first_number: int = 1,
    max_pages: int = 0,
) -> list[ScannedPage]:
    """Scan from the feeder until it is empty (or one page from the flatbed), page by page.

    Each page is handed to ``progress.item`` as soon as it is on disk, so thumbnails appear
    while the feeder runs. Cancel stops after the current page; pages already scanned stay.
    """
    from app.errors import DeviceError

    settings = ctx.settings
    device = device or settings.scanner.device
    prof = settings.profiles.get(profile or settings.scanner.profile) or next(iter(settings.profiles.values()))
    if not device:
        raise DeviceError(
            Text(
                vi="Chưa chọn máy quét. Hãy chọn máy quét trong Cài đặt.",
                en="No scanner is selected. Choose one in Settings.",
            )
        )
    out_dir.mkdir(parents=True, exist_ok=True)
    _sane_env(ctx)
    import sane

    pages: list[ScannedPage] = []
    with _sane_lock:
        sane.init()
        try:
            try:
                dev = sane.open(device)
            except Exception as e:  # _sane.error: no such device, busy
                raise DeviceError(detail=f"{device}: {e}") from e
            try:
                _apply_profile(dev, prof)
                feeder = prof.source.startswith("adf")
                total = max_pages or 0
                n = first_number
                while not progress.is_cancelled():
                    progress(len(pages), total, "")
                    try:
                        image = dev.scan()
                    except Exception as e:
                        if "no more" in str(e).lower() or "document feeder out" in str(e).lower():
                            break  # the feeder is empty: the batch is complete
                        if "jammed" in str(e).lower():
                            raise DeviceError(detail=str(e)) from e
                        if pages:
                            break
                        raise DeviceError(detail=str(e)) from e
                    target = out_dir / f"page-{n:04d}.png"
                    image.save(target, compress_level=1, dpi=(prof.dpi, prof.dpi))
                    thumb, preview = make_previews(image, target)
                    page = ScannedPage(target, thumb, preview, dpi=prof.dpi, color_mode=prof.mode)
                    if is_blank(image):
                        page.flags.add("blank")
                    pages.append(page)
                    progress.item(page)
                    n += 1
                    if not feeder or (max_pages and len(pages) >= max_pages):
                        break
            finally:
                dev.close()
        finally:
            sane.exit()
    progress(len(pages), len(pages), "")
    return pages


def _apply_profile(dev: Any, prof: Any) -> None:
    options = {o[1]: o for o in dev.get_options()}
    sources = {"adf": "Automatic Document Feeder", "adf-duplex": "Automatic Document Feeder", "flatbed": "Flatbed"}
    modes = {"color": "Color", "gray": "Gray", "bw": "Lineart"}
    if "source" in options:
        try:
            dev.source = sources[prof.source]
        except Exception:  # a device without that source keeps its own
            log.warning("scanner has no source %s", prof.source)
    if "mode" in options:
        try:
            dev.mode = modes[prof.mode]
        except Exception:
            log.warning("scanner has no mode %s", prof.mode)
    if "resolution" in options:
        dev.resolution = prof.dpi
    if "br-x" in options and prof.paper == "A4":
        try:
            dev.br_x, dev.br_y = 210.0, 297.0
        except Exception:
            log.warning("scanner area smaller than A4")


def is_blank(image: Any) -> bool:
    """A quick blank check for the flag shown on the thumbnail (the pipeline decides for real)."""
    import numpy as np

    gray = np.asarray(image.convert("L").resize((200, 280)))
    return bool((gray < 160).mean() < 0.002)


# -- settings tests -----------------------------------------------------------------------------
def known_token_modules() -> list[str]:
    """Installed PKCS#11 modules (token drivers) for the settings list."""
    mod = optional_module("signing.modules")
    if mod is None:
        return []
    return [str(p) for p in mod.find_modules()]


def list_tokens(module: str) -> list[str]:
    """Labels of the tokens present on ``module`` (no PIN needed)."""
    from app.errors import DeviceError

    if not module:
        raise DeviceError(
            Text(vi="Chưa chọn trình điều khiển token.", en="No token driver is selected.")
        )
    tokens = optional_module("signing.tokens")
    if tokens is None:
        raise not_available("token")
    return [f"{t.label} ({len(t.certificates)})" for t in tokens.list_tokens(module)]


def store_password(url: str, username: str, password: str) -> None:
    """Keep the repository password in the system keyring (never in the config file, never logged)."""
    creds = optional_module("offline_queue.credentials")
    if creds is None:
        raise not_available("keyring")
    creds.store_password(url, username, password)


def test_storage(folder: Path) -> int:
    """Write and remove a file in ``folder``; return the free bytes there."""
    import shutil

    from app.errors import OutputError
    from app.fsutil import atomic_write_bytes

    probe = folder / ".sohoa-write-test"
    try:
        atomic_write_bytes(probe, b"ok")
        probe.unlink()
    except OSError as e:
        raise OutputError(path=str(folder), detail=e.strerror or str(e)) from e
    return shutil.disk_usage(folder).free


# -- finishing: process, sign, queue ----------------------------------------------------------
@dataclass
class DocOutcome:
    """What happened to one document of a dossier or of a signing batch."""

    document_id: str
    title: str
    status: str  # processed, signed, queued, failed, pending
    message: str = ""
    pdf: Path | None = None
    flags: dict[int, list[str]] = field(default_factory=dict)  # page index -> flags from processing


def documents_dir(ctx: AppContext, dossier_id: str) -> Path:
    from app.paths import private_dir

    return private_dir(ctx.paths.data / "documents" / dossier_id)


def _upright_inputs(pages: list[ScannedPage], work: Path) -> list[Path]:
    """The page files with the clerk's rotations applied (copies; the scans stay as they were)."""
    from PIL import Image

    out = []
    for page in pages:
        if not page.rotation:
            out.append(page.file)
            continue
        target = work / f"{page.file.stem}.r{page.rotation}.png"
        with Image.open(page.file) as im:
            dpi = im.info.get("dpi", (page.dpi, page.dpi))
            im.rotate(-page.rotation, expand=True).save(target, compress_level=1, dpi=dpi)
        out.append(target)
    return out


def process_pages(
    ctx: AppContext, inputs: list[Path], out_pdf: Path, metadata: dict[str, Any], progress: ProgressLike
) -> dict[int, list[str]]:
    """Build the PDF/A of one document with the processing pipeline; return page flags by index."""
    pipeline = optional_module("app.pipeline")
    if pipeline is None or not hasattr(pipeline, "process_document"):
        raise not_available("PDF/A")
    from app.pipeline.options import PdfMetadata, ProcessOptions

    options = ProcessOptions.from_config(ctx.settings.processing)
    meta = PdfMetadata(**{k: v for k, v in metadata.items() if k in PdfMetadata.__dataclass_fields__})
    report = pipeline.process_document(
        inputs,
        out_pdf,
        options,
        meta,
        progress=lambda done, total, *a: progress(done, total, ""),
        cancel=progress.is_cancelled,
    )
    return {i: list(p.flags) for i, p in enumerate(report.pages)}


def sign_files(
    ctx: AppContext, pdfs: list[Path], out_dir: Path, pin: str, progress: ProgressLike
) -> list[tuple[Path, Path | None, str]]:
    """Sign every PDF in one token session; return (source, signed file or None, reason)."""
    batch = optional_module("signing.batch")
    if batch is None:
        raise not_available("signing")
    from signing.pades import SignOptions

    s = ctx.settings.signing
    options = SignOptions(
        appearance="invisible",
        agency_name=ctx.settings.general.agency_name,
        timestamp_url=s.timestamp_url,
    )
    total = len(pdfs)
    result = batch.sign_documents(
        pdfs,
        out_dir,
        module=s.pkcs11_module,
        token_label=s.token_label,
        pin=pin,
        cert_id=bytes.fromhex(s.cert_id) if s.cert_id else None,
        options=options,
        progress=lambda done, _total, doc: (progress(done, total, doc.source.name), progress.item(doc)),
        should_stop=progress.is_cancelled,
    )
    out = [(d.source, d.output if d.status == "signed" else None, d.message) for d in result.documents]
    if result.stopped is not None:
        stopped = result.stopped.message()
        out = [(src, dst, reason or (stopped if dst is None else "")) for src, dst, reason in out]
    return out


def enqueue(ctx: AppContext, pdf: Path, dossier: Any, doc: Any, pages: int) -> int:
    from offline_queue.metadata import DocumentMetadata

    meta = DocumentMetadata(
        dossier_code=dossier.code,
        kind=doc.kind,
        title=doc.title,
        procedure_code=dossier.procedure_code,
        component_code=doc.component_code,
        result_code=doc.result_code,
        owner_id=dossier.owner_id,
        owner_type=dossier.owner_type.value,
        page_count=pages,
        filename=pdf.name,
    )
    box = outbox(ctx)
    try:
        return int(box.enqueue(pdf, meta.validated(ctx.profile)))
    finally:
        box.close()


class _Offset:
    """Progress of one document reported as progress over the whole dossier."""

    def __init__(self, progress: ProgressLike, base: int, total: int) -> None:
        self.progress, self.base, self.total = progress, base, total

    def __call__(self, done: int, total: int, note: str = "") -> None:
        self.progress(self.base + done, self.total, note)

    def item(self, value: object) -> None:
        self.progress.item(value)

    def is_cancelled(self) -> bool:
        return self.progress.is_cancelled()


def finish_dossier(
    ctx: AppContext,
    dossier: Any,
    documents: list[tuple[Any, list[ScannedPage]]],
    pin: str | None,
    progress: ProgressLike,
) -> list[DocOutcome]:
    """Save, build each document's PDF/A, sign them all with one PIN, and queue them.

    Without a PIN the documents stop at "processed" and wait for a supervisor's batch signing.
    """
    with ctx.for_worker() as wctx:
        return _finish(wctx, dossier, documents, pin, progress)


def _finish(
    ctx: AppContext,
    dossier: Any,
    documents: list[tuple[Any, list[ScannedPage]]],
    pin: str | None,
    progress: ProgressLike,
) -> list[DocOutcome]:
    from app.model import Page

    dossier.documents = []
    for doc, pages in documents:
        doc.pages = [Page(file=p.file, dpi=p.dpi) for p in pages]
        dossier.documents.append(doc)
    ctx.store.save_dossier(dossier)
    out_dir = documents_dir(ctx, dossier.id)
    work = out_dir / "work"
    work.mkdir(exist_ok=True)
    outcomes: list[DocOutcome] = []
    total_pages = sum(len(p) for _, p in documents)
    done_pages = 0
    for n, (doc, pages) in enumerate(documents, start=1):
        check_cancel(progress)
        pdf = out_dir / f"{n:02d}-{doc.kind.value}.pdf"
        flags = process_pages(
            ctx,
            _upright_inputs(pages, work),
            pdf,
            {"title": doc.title, "dossier_code": dossier.code, "document_kind": doc.kind.value,
             "result_code": doc.result_code, "author": ctx.settings.general.agency_name},
            _Offset(progress, done_pages, total_pages),
        )
        done_pages += len(pages)
        ctx.store.set_document_status(doc.id, "processed", pdf)
        ctx.store.record_event("digitized", dossier_id=dossier.id, document_id=doc.id,
                               procedure_code=dossier.procedure_code, pages=len(pages), clerk=ctx.clerk)
        outcomes.append(DocOutcome(doc.id, doc.title, "processed", pdf=pdf, flags=flags))
    if pin is None:
        return outcomes
    check_cancel(progress)
    signed = sign_files(ctx, [o.pdf for o in outcomes if o.pdf], out_dir / "signed", pin, progress)
    for outcome, (_src, dst, reason) in zip(outcomes, signed, strict=True):
        doc = next(d for d in dossier.documents if d.id == outcome.document_id)
        _after_signing(ctx, dossier, doc, outcome, dst, reason)
    return outcomes


def _after_signing(ctx: AppContext, dossier: Any, doc: Any, outcome: DocOutcome, signed: Path | None,
                   reason: str) -> None:
    if signed is None:
        outcome.status, outcome.message = "failed", reason
        return
    ctx.store.set_document_status(doc.id, "signed", signed)
    ctx.store.record_event("signed", dossier_id=dossier.id, document_id=doc.id,
                           procedure_code=dossier.procedure_code, clerk=ctx.clerk)
    outcome.status, outcome.pdf = "signed", signed
    try:
        enqueue(ctx, signed, dossier, doc, len(doc.pages))
    except SoHoaError as e:
        outcome.message = e.message()
        return
    ctx.store.set_document_status(doc.id, "queued", signed)
    outcome.status = "queued"


# -- reuse --------------------------------------------------------------------------------------
@dataclass
class ReuseHit:
    """A document the repository already holds for this owner (reused instead of rescanned)."""

    remote_id: str
    title: str
    result_code: str
    issued: str
    kind: str = ""
    attached: bool = False
    raw: Any = None  # the queue area's RemoteDocument


def lookup_owner(ctx: AppContext, owner_id: str) -> list[ReuseHit]:
    """The owner's documents in the repository, by ID number (network: call from a worker)."""
    lookup = optional_module("offline_queue.lookup")
    if lookup is None:
        raise not_available("lookup")
    hits = lookup.lookup_owner(ctx.settings.repository, owner_id)
    return [ReuseHit(h.remote_id, h.title, h.result_code, h.stored_at[:10], h.kind, raw=h) for h in hits]


def record_reuse(ctx: AppContext, dossier: Any, hit: ReuseHit) -> None:
    """Attach a reused document to the saved dossier (downloaded and checked against its SHA-256)."""
    from offline_queue.lookup import attach_to_dossier
    from offline_queue.sync import client_factory

    client = client_factory(ctx.settings.repository)()
    try:
        with ctx.for_worker() as wctx:
            attach_to_dossier(wctx.store, dossier.id, hit.raw, client)
    finally:
        client.close()


def pages_of_batch(batch: UnfinishedBatch) -> list[ScannedPage]:
    """Pages of an interrupted batch, with previews remade if the crash came before them."""
    from PIL import Image

    out = []
    for path in batch.pages:
        thumb, preview = path.with_suffix(".thumb.jpg"), path.with_suffix(".preview.jpg")
        if not (thumb.exists() and preview.exists()):
            with Image.open(path) as im:
                thumb, preview = make_previews(im, path)
        out.append(ScannedPage(path, thumb, preview))
    return out


def sync_queue(ctx: AppContext, progress: ProgressLike) -> int:
    """Upload every item that is due now; return how many the repository acknowledged."""
    sync = optional_module("offline_queue.sync")
    if sync is None:
        raise not_available("upload")
    box = outbox(ctx)
    try:
        report = sync.run_sync(ctx.settings.repository, once=True, outbox=box,
                               on_event=lambda e: _on_sync_event(ctx, box, e, progress))
    finally:
        box.close()
    if report.offline:
        from app.errors import NetworkError

        raise NetworkError(detail=report.last_error or "offline")
    return len(report.acknowledged)


def _on_sync_event(ctx: AppContext, box: Any, event: Any, progress: ProgressLike | None) -> None:
    """Count an acknowledged upload in the statistics; pass byte progress to the UI."""
    if event.kind == "acknowledged":
        try:
            meta = box.get(event.item_id).metadata
            with Store(ctx.paths.store_file) as store:  # this runs on the uploader's thread
                store.record_event("uploaded", document_id=str(event.item_id),
                                   procedure_code=meta.procedure_code, pages=meta.page_count, clerk=ctx.clerk)
        except SoHoaError as e:
            log.warning("could not count upload %s: %s", event.item_id, e)
    if progress is not None:
        progress.item(event)


class Uploads:
    """The uploader running in the background while the app is open (queue area's BackgroundSync)."""

    def __init__(self, ctx: AppContext, on_event: Any = None) -> None:
        self.ctx = ctx
        self.on_event = on_event
        self.bg: Any = None

    def start(self) -> bool:
        """Start if a repository is configured; False (and no thread) otherwise."""
        sync = optional_module("offline_queue.sync")
        if sync is None or not self.ctx.settings.repository.url or self.bg is not None:
            return False
        box = outbox(self.ctx)

        def event(e: Any) -> None:
            _on_sync_event(self.ctx, box, e, None)
            if self.on_event is not None:
                self.on_event(e)

        self.bg = sync.BackgroundSync(self.ctx.settings.repository, outbox=box, on_event=event)
        self.bg.start()
        return True

    def wake(self) -> None:
        if self.bg is not None:
            self.bg.wake()

    def stop(self) -> None:
        if self.bg is not None:
            self.bg.stop()
            self.bg.outbox.close()
            self.bg = None


# -- batch signing ---------------------------------------------------------------------------------
@dataclass
class PendingResult:
    document_id: str
    dossier_id: str
    dossier_code: str
    procedure_code: str
    title: str
    kind: str
    clerk: str
    day: str
    pdf: Path
    pages: int


def pending_results(ctx: AppContext, start: date, end: date, procedure: str = "", clerk: str = "") -> list[PendingResult]:
    """Documents processed but not yet signed (status "processed"), newest first."""
    sql = (
        "SELECT d.id, d.dossier_id, s.code, s.procedure_code, d.title, d.kind, "
        "COALESCE(e.clerk, ''), date(COALESCE(e.at, s.created_at), 'localtime') AS day, d.pdf_path, "
        "COALESCE(e.pages, 0) FROM documents d JOIN dossiers s ON s.id = d.dossier_id "
        "LEFT JOIN events e ON e.document_id = d.id AND e.kind = 'digitized' "
        "WHERE d.status = 'processed' AND day BETWEEN ? AND ?"
    )
    args: list[Any] = [start.isoformat(), end.isoformat()]
    if procedure:
        sql += " AND s.procedure_code = ?"
        args.append(procedure)
    if clerk:
        sql += " AND e.clerk = ?"
        args.append(clerk)
    sql += " ORDER BY day DESC, s.code, d.position"
    return [PendingResult(r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7], Path(r[8] or ""), r[9])
            for r in ctx.store.conn.execute(sql, args)]


def clerks_seen(ctx: AppContext) -> list[str]:
    return [r[0] for r in ctx.store.conn.execute(
        "SELECT DISTINCT clerk FROM events WHERE clerk != '' ORDER BY 1")]


def sign_pending(ctx: AppContext, results: list[PendingResult], pin: str, progress: ProgressLike) -> list[DocOutcome]:
    """The supervisor's batch: one PIN, one token session, an outcome per document; signed ones queued."""
    with ctx.for_worker() as wctx:
        return _sign_pending(wctx, results, pin, progress)


def _sign_pending(ctx: AppContext, results: list[PendingResult], pin: str, progress: ProgressLike) -> list[DocOutcome]:
    outcomes = [DocOutcome(r.document_id, r.title, "pending", pdf=r.pdf) for r in results]
    by_source = {r.pdf: (r, o) for r, o in zip(results, outcomes, strict=True)}
    missing = [o for r, o in zip(results, outcomes, strict=True) if not r.pdf.is_file()]
    for o in missing:
        o.status, o.message = "failed", FILE_MISSING.render(None, path=str(o.pdf))
    todo = [r.pdf for r in results if r.pdf.is_file()]
    if not todo:
        return outcomes
    out_dir = ctx.paths.data / "documents" / "signed"
    out_dir.mkdir(parents=True, exist_ok=True)
    signed = sign_files(ctx, todo, out_dir, pin, progress)
    dossiers: dict[str, Any] = {}
    for src, dst, reason in signed:
        r, o = by_source[src]
        if r.dossier_id not in dossiers:
            dossiers[r.dossier_id] = ctx.store.load_dossier(r.dossier_id)
        dossier = dossiers[r.dossier_id]
        doc = next(d for d in dossier.documents if d.id == r.document_id)
        if dst is None and not reason:
            o.status = "pending"  # the token went away before this one: untouched
            continue
        _after_signing(ctx, dossier, doc, o, dst, reason)
    return outcomes


FILE_MISSING = Text(
    vi="Không tìm thấy tệp {path}; hãy số hóa lại tài liệu này.",
    en="The file {path} is missing; digitize this document again.",
)
