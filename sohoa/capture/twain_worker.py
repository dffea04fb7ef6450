"""The TWAIN worker process: the only place pytwain and a vendor's data source run.

A TWAIN data source is a vendor's DLL loaded into the calling process; when it crashes or
hangs it takes that process with it. As NAPS2 does, SoHoa loads it in a worker of its own
(:mod:`sohoa.capture.twain_driver` is the parent side, sharing the SANE driver's pipe
protocol: ``result``, ``page``, ``progress``, ``end``, ``error``, ``idle``). The worker owns
the TWAIN session and its message loop (no UI is shown, so it needs no window of the app's).

:class:`TwainEngine` is the TWAIN logic itself, a ScanDriver that runs in the calling
process: the worker uses it, and the tests use it directly against the fake ``twain``
module (the fake's state cannot cross a process boundary).
"""

from __future__ import annotations

import contextlib
import faulthandler
import importlib
import io
import logging
import multiprocessing.connection
import os
import sys
from pathlib import Path
from typing import Any, TextIO

from sohoa.capture.driver import (
    Capabilities,
    DeviceInfo,
    NoticeCallback,
    PageCallback,
    ProgressCallback,
    ScanDriver,
    ScannedPage,
    ScanOutcome,
    page_name,
)
from sohoa.capture.errors import (
    AccessDeniedError,
    DeviceBusyError,
    DeviceIOError,
    DisconnectedError,
    FeederEmptyError,
    NoDeviceError,
    PaperJamError,
    ScanCancelledError,
    ScanError,
    SettingRefusedError,
    TwainMissingError,
    to_wire,
)
from sohoa.capture.settings import PAPER_MM, ScanSettings
from sohoa.core.fsutil import atomic_output, sha256_file
from sohoa.core.progress import Progress

log = logging.getLogger(__name__)

PREFIX = "twain:"
_MM_PER_INCH = 25.4
TWSX_NATIVE, TWSX_FILE = 0, 1


def is_twain_device(name: str) -> bool:
    return name.startswith(PREFIX)


class TwainEngine(ScanDriver):
    """TWAIN through pytwain, in this process. ``twain_module``: None imports ``twain``."""

    name = "twain"

    def __init__(self, twain_module: Any | None = None, parent_window: Any | None = None) -> None:
        self._tw = twain_module
        self.parent_window = parent_window

    # --- plumbing ---------------------------------------------------------------
    @property
    def tw(self) -> Any:
        if self._tw is None:
            try:
                import twain  # type: ignore[import-not-found]
            except ImportError as e:
                raise TwainMissingError(what="pytwain (TWAIN)", install="pip install pytwain") from e
            self._tw = twain
        return self._tw

    def _manager(self) -> Any:
        exc = self.tw.exceptions
        try:
            return self.tw.SourceManager(self.parent_window)
        except (exc.SMLoadFileFailed, exc.SMGetProcAddressFailed) as e:
            raise TwainMissingError(
                what="TWAIN Data Source Manager (twaindsm.dll)", install="the scanner maker's TWAIN driver"
            ) from e

    def _error(self, e: BaseException, device: str) -> ScanError:
        """Map a pytwain exception to SoHoa's typed error (its class name goes to the log only)."""
        exc = self.tw.exceptions
        table: list[tuple[Any, type[ScanError]]] = [
            ((exc.PaperJam, exc.PaperDoubleFeedError), PaperJamError),
            (exc.DSTransferCancelled, ScanCancelledError),
            (exc.CheckDeviceOnlineError, DisconnectedError),
            (exc.MaxConnectionsError, DeviceBusyError),
            (exc.NoDataSourceError, NoDeviceError),
            (exc.DeniedError, AccessDeniedError),
        ]
        log.warning("TWAIN error on %s: %s %s", device, type(e).__name__, e)
        for kinds, cls in table:
            if isinstance(e, kinds):
                return cls(device=device, detail=type(e).__name__)
        return DeviceIOError(device=device, detail=f"TWAIN {type(e).__name__}")

    def _open(self, sm: Any, device: str) -> Any:
        product = device[len(PREFIX) :] if is_twain_device(device) else device
        try:
            src = sm.open_source(product)
        except self.tw.exceptions.TwainError as e:
            err = self._error(e, device)
            raise (NoDeviceError(device=device) if isinstance(err, DeviceIOError) else err) from None
        if src is None:
            raise NoDeviceError(device=device)
        return src

    def _get(self, src: Any, cap: int) -> Any:
        """The raw answer of MSG_GET, or None when the source does not support ``cap``."""
        try:
            return src.get_capability(cap)
        except self.tw.exceptions.TwainError:
            return None

    def _values(self, src: Any, cap: int) -> list[Any]:
        """Allowed values of an enumeration, or the one current value; [] if unsupported.

        A range gives its (min, max) only through :meth:`_range`, never as a list of values."""
        got = self._get(src, cap)
        if got is None or isinstance(got, dict):
            return []
        _type, value = got
        if isinstance(value, tuple) and len(value) == 3:  # enumeration: (current, default, values)
            return list(value[2])
        return list(value) if isinstance(value, list) else [value]

    def _range(self, src: Any, cap: int) -> tuple[int, int] | None:
        got = self._get(src, cap)
        if isinstance(got, dict):
            return round(float(got["MinValue"])), round(float(got["MaxValue"]))
        return None

    def _try_set(self, src: Any, cap: int, type_id: int, value: Any) -> bool:
        try:
            src.set_capability(cap, type_id, value)
        except self.tw.exceptions.CheckStatus:
            return True
        except (self.tw.exceptions.TwainError, ValueError):
            return False
        return True

    def _feeder_modes(self, src: Any) -> tuple[bool, bool]:
        """(flatbed possible, feeder possible), by setting CAP_FEEDERENABLED both ways.

        Its MSG_GET answers the current value only: taking that for the allowed values made a
        source with the feeder on refuse flatbed, and one with it off refuse the feeder."""
        tw = self.tw
        got = self._get(src, tw.CAP_FEEDERENABLED)
        if got is None:
            return True, False
        listed = self._values(src, tw.CAP_FEEDERENABLED)
        current = listed[0] if len(listed) == 1 else None
        flatbed = self._try_set(src, tw.CAP_FEEDERENABLED, tw.TWTY_BOOL, False)
        feeder = self._try_set(src, tw.CAP_FEEDERENABLED, tw.TWTY_BOOL, True)
        if current is not None:
            self._try_set(src, tw.CAP_FEEDERENABLED, tw.TWTY_BOOL, bool(current))
        return flatbed, feeder

    # --- interface --------------------------------------------------------------
    def list_devices(self) -> list[DeviceInfo]:
        sm = self._manager()
        try:
            names = sm.source_list
        finally:
            sm.close()
        return [
            DeviceInfo(name=PREFIX + n, vendor="", model=n, type="TWAIN source", driver="twain")
            for n in names
        ]

    def capabilities(self, device: str) -> Capabilities:
        tw = self.tw
        sm = self._manager()
        try:
            src = self._open(sm, device)
            try:
                pixel = self._values(src, tw.ICAP_PIXELTYPE)
                dpis = tuple(sorted({int(v) for v in self._values(src, tw.ICAP_XRESOLUTION)}))
                dpi_range = None if dpis else self._range(src, tw.ICAP_XRESOLUTION)
                flatbed, feeder = self._feeder_modes(src)
                sources = ["flatbed"] if flatbed else []
                if feeder:
                    sources.append("adf")
                    if self._get(src, tw.CAP_DUPLEXENABLED) is not None:
                        sources.append("adf-duplex")
                width = self._values(src, tw.ICAP_PHYSICALWIDTH)
                height = self._values(src, tw.ICAP_PHYSICALHEIGHT)
            finally:
                src.close()
        finally:
            sm.close()
        modes = [
            m for m, t in (("color", tw.TWPT_RGB), ("gray", tw.TWPT_GRAY), ("bw", tw.TWPT_BW)) if t in pixel
        ]
        max_w = float(width[0]) * _MM_PER_INCH if width else None
        max_h = float(height[0]) * _MM_PER_INCH if height else None
        papers = tuple(
            p for p, (w, h) in PAPER_MM.items() if max_w is None or (w <= max_w + 1 and h <= (max_h or 0) + 1)
        )
        return Capabilities(
            device=device,
            sources=tuple(sources),
            modes=tuple(modes),
            dpi_values=dpis,
            dpi_range=dpi_range,
            max_width_mm=max_w,
            max_height_mm=max_h,
            papers=papers,
        )

    def _set(
        self, src: Any, device: str, cap: int, type_id: int, value: Any, setting: str, allowed: str
    ) -> None:
        try:
            src.set_capability(cap, type_id, value)
        except self.tw.exceptions.CheckStatus:
            pass  # accepted, rounded to the nearest supported value
        except (self.tw.exceptions.TwainError, ValueError) as e:
            log.warning("TWAIN source %s refused %s=%r: %s", device, setting, value, type(e).__name__)
            raise SettingRefusedError(device=device, setting=setting, value=value, allowed=allowed) from None

    def _apply(self, src: Any, device: str, s: ScanSettings) -> None:
        tw = self.tw
        feeder = s.uses_feeder
        if self._get(src, tw.CAP_FEEDERENABLED) is not None:
            self._set(
                src, device, tw.CAP_FEEDERENABLED, tw.TWTY_BOOL, feeder, "source", _sources_text(feeder)
            )
        elif feeder:
            raise SettingRefusedError(device=device, setting="source", value=s.source, allowed="flatbed")
        if s.source == "adf-duplex":
            if self._get(src, tw.CAP_DUPLEXENABLED) is None:
                raise SettingRefusedError(
                    device=device, setting="source", value=s.source, allowed="flatbed, adf"
                )
            self._set(src, device, tw.CAP_DUPLEXENABLED, tw.TWTY_BOOL, True, "source", "flatbed, adf")
        pixel = {"color": tw.TWPT_RGB, "gray": tw.TWPT_GRAY, "bw": tw.TWPT_BW}[s.mode]
        allowed_pixel = self._values(src, tw.ICAP_PIXELTYPE)
        names = {tw.TWPT_RGB: "color", tw.TWPT_GRAY: "gray", tw.TWPT_BW: "bw"}
        mode_text = ", ".join(names[p] for p in allowed_pixel if p in names) or "?"
        if allowed_pixel and pixel not in allowed_pixel:
            raise SettingRefusedError(device=device, setting="mode", value=s.mode, allowed=mode_text)
        self._set(src, device, tw.ICAP_PIXELTYPE, tw.TWTY_UINT16, pixel, "mode", mode_text)
        dpis = [int(v) for v in self._values(src, tw.ICAP_XRESOLUTION)]
        dpi_range = None if dpis else self._range(src, tw.ICAP_XRESOLUTION)
        dpi_text = (
            ", ".join(str(v) for v in dpis)
            if dpis
            else (f"{dpi_range[0]}-{dpi_range[1]}" if dpi_range else "?")
        )
        if (dpis and s.dpi not in dpis) or (dpi_range and not dpi_range[0] <= s.dpi <= dpi_range[1]):
            raise SettingRefusedError(device=device, setting="dpi", value=s.dpi, allowed=dpi_text)
        self._set(src, device, tw.ICAP_XRESOLUTION, tw.TWTY_FIX32, float(s.dpi), "dpi", dpi_text)
        self._set(src, device, tw.ICAP_YRESOLUTION, tw.TWTY_FIX32, float(s.dpi), "dpi", dpi_text)
        if s.paper == "auto":
            if not self._values(src, tw.ICAP_AUTOMATICBORDERDETECTION):
                raise SettingRefusedError(
                    device=device, setting="paper", value="auto", allowed="A4, A3, Letter"
                )
            self._set(
                src, device, tw.ICAP_AUTOMATICBORDERDETECTION, tw.TWTY_BOOL, True, "paper", "A4, A3, Letter"
            )
        else:
            w, h = PAPER_MM[s.paper]
            self._set(src, device, tw.ICAP_UNITS, tw.TWTY_UINT16, tw.TWUN_INCHES, "paper", "?")
            try:
                src.set_image_layout((0.0, 0.0, w / _MM_PER_INCH, h / _MM_PER_INCH))
            except tw.exceptions.CheckStatus:
                pass
            except (tw.exceptions.TwainError, ValueError) as e:
                log.warning("TWAIN source %s refused the %s frame: %s", device, s.paper, type(e).__name__)
                raise SettingRefusedError(
                    device=device, setting="paper", value=s.paper, allowed=_papers_text(src, self)
                ) from None
        if feeder:
            count = s.max_pages if s.max_pages else -1
            self._try_set(src, tw.CAP_XFERCOUNT, tw.TWTY_INT16, count)
            loaded = self._values(src, tw.CAP_FEEDERLOADED)
            if loaded and loaded[0] is False:
                raise FeederEmptyError(device=device)

    def scan(
        self,
        device: str,
        settings: ScanSettings,
        out_dir: Path,
        *,
        first_index: int = 1,
        on_page: PageCallback | None = None,
        on_progress: ProgressCallback | None = None,
        on_notice: NoticeCallback | None = None,
        cancel: Progress | None = None,
    ) -> ScanOutcome:
        settings.validated()
        tw = self.tw
        out_dir = Path(out_dir)
        out_dir.mkdir(parents=True, exist_ok=True)
        pages: list[ScannedPage] = []
        state: dict[str, Any] = {"index": first_index, "bmp": None, "cancelled": False}
        limit = settings.max_pages or (None if settings.uses_feeder else 1)

        def before(_info: dict[str, Any]) -> str:
            if cancel is not None and cancel.is_cancelled():
                state["cancelled"] = True
                raise tw.exceptions.CancelAll
            bmp = out_dir / f".{page_name(state['index'])}.bmp"
            state["bmp"] = bmp
            return str(bmp)

        def after(more: int) -> None:
            bmp = Path(state["bmp"])
            page = _bmp_to_page(bmp, out_dir / page_name(state["index"]), state["index"], settings)
            pages.append(page)
            if on_progress:
                on_progress(page.index, 1.0)
            if on_page:
                on_page(page)
            state["index"] += 1
            if cancel is not None and cancel.is_cancelled():
                state["cancelled"] = True
                raise tw.exceptions.CancelAll
            if limit is not None and len(pages) >= limit and more:
                raise tw.exceptions.CancelAll

        def after_native(image: Any, more: int) -> None:
            try:
                image.save(before({}))
            finally:
                with contextlib.suppress(Exception):
                    image.close()
            after(more)

        sm = self._manager()
        try:
            src = self._open(sm, device)
            try:
                self._apply(src, device, settings)
                mechs = self._values(src, tw.ICAP_XFERMECH)
                if TWSX_FILE in mechs:
                    src.acquire_file(before=before, after=after, show_ui=False, modal=False)
                elif TWSX_NATIVE in mechs or not mechs:
                    # No file transfer (pytwain would raise a bare Exception): take native DIBs.
                    log.info("TWAIN source %s offers no file transfer; using the native transfer", device)
                    src.acquire_natively(after=after_native, show_ui=False, modal=False)
                else:
                    raise DeviceIOError(device=device, detail="no usable TWAIN transfer mode")
            finally:
                with contextlib.suppress(Exception):
                    src.close()
        except ScanError as e:
            raise e.keep_pages(pages) from None
        except tw.exceptions.TwainError as e:
            raise self._error(e, device).keep_pages(pages) from None
        except OSError as e:
            log.error("TWAIN page file error on %s: %s", device, e)
            raise DeviceIOError(device=device, detail=f"page file: {e.strerror or e}").keep_pages(
                pages
            ) from None
        finally:
            sm.close()
            if state["bmp"] is not None:
                _remove_quietly(Path(state["bmp"]))
        if state["cancelled"]:
            raise ScanCancelledError(device=device).keep_pages(pages)
        if not pages and settings.uses_feeder:
            raise FeederEmptyError(device=device)
        reason = (
            "flatbed"
            if not settings.uses_feeder
            else ("max-pages" if limit and len(pages) >= limit else "feeder-empty")
        )
        return ScanOutcome(pages=pages, reason=reason)


def _sources_text(feeder: bool) -> str:
    return "flatbed" if feeder else "adf"


def _papers_text(src: Any, engine: TwainEngine) -> str:
    width = engine._values(src, engine.tw.ICAP_PHYSICALWIDTH)
    height = engine._values(src, engine.tw.ICAP_PHYSICALHEIGHT)
    if not width or not height:
        return "?"
    w, h = float(width[0]) * _MM_PER_INCH, float(height[0]) * _MM_PER_INCH
    return ", ".join(p for p, (pw, ph) in PAPER_MM.items() if pw <= w + 1 and ph <= h + 1) or "?"


def _remove_quietly(path: Path) -> None:
    """Remove a temporary BMP; on Windows a file still open elsewhere cannot be deleted (sharing
    violation): that must not hide the scan's own error, so it is logged and left."""
    try:
        path.unlink(missing_ok=True)
    except OSError as e:
        log.warning("could not remove %s: %s", path, e)


def _bmp_to_page(bmp: Path, target: Path, index: int, s: ScanSettings) -> ScannedPage:
    from PIL import Image

    # Read from memory: PIL maps an uncompressed BMP file, and on Windows a mapped file cannot
    # be deleted until the image object is collected (a sharing violation).
    with Image.open(io.BytesIO(bmp.read_bytes())) as im:
        image = (
            im.convert("1") if s.mode == "bw" else im.convert("L") if s.mode == "gray" else im.convert("RGB")
        )
    with atomic_output(target) as tmp:
        image.save(tmp, "PNG", dpi=(s.dpi, s.dpi), compress_level=1)
    _remove_quietly(bmp)
    return ScannedPage(
        index=index,
        path=target,
        width=image.width,
        height=image.height,
        dpi=s.dpi,
        mode=s.mode,
        bytes=target.stat().st_size,
        sha256=sha256_file(target),
        source=s.source,
    )


# --- the worker process -----------------------------------------------------------
class _EventCancel:
    """The core cancel contract over the multiprocessing Event the parent sets."""

    def __init__(self, event: Any) -> None:
        self._event = event

    def is_cancelled(self) -> bool:
        return bool(self._event.is_set())


class _Watchdog:
    """Where a hung data source hangs, on Windows too. There is no SIGUSR1 there for the parent to
    ask before it kills a silent worker, so while a request runs, a worker that has sent nothing
    for ``seconds`` (the parent waits longer) writes every thread's stack to the fault log."""

    def __init__(self, file: TextIO | None, seconds: float) -> None:
        self.file, self.seconds = file, seconds

    def arm(self) -> None:
        if self.file is not None and self.seconds > 0:
            faulthandler.dump_traceback_later(self.seconds, file=self.file)

    def disarm(self) -> None:
        if self.file is not None and self.seconds > 0:
            faulthandler.cancel_dump_traceback_later()


def _serve(
    conn: multiprocessing.connection.Connection,
    cancel: Any,
    engine: TwainEngine,
    watchdog: _Watchdog | None = None,
) -> None:
    watchdog = watchdog or _Watchdog(None, 0)

    def send(event: str, **data: Any) -> None:
        conn.send({"ev": event, **data})
        watchdog.arm()  # a sign of life: the silence is counted again from here

    while True:
        try:
            req = conn.recv()
        except (EOFError, OSError):
            return
        op = req.get("op")
        if op == "quit":
            return
        watchdog.arm()
        try:
            if op == "list":
                send("result", value=[d.to_dict() for d in engine.list_devices()])
            elif op == "caps":
                send("result", value=engine.capabilities(req["device"]).to_dict())
            elif op == "ping":
                send("result", value=os.getpid())
            elif op == "crash":  # tests: a data source that takes its process down
                os._exit(int(req.get("code", 70)))
            elif op == "scan":
                _scan(req, send, cancel, engine)
                send("idle")
            else:
                send("error", cls="ScanError", params={"detail": f"unknown request {op!r}"})
        except ScanError as e:
            send("error", **to_wire(e))
        except (BrokenPipeError, EOFError):
            return
        except Exception as e:  # report and keep serving: the parent decides
            log.exception("TWAIN worker request %s failed", op)
            send(
                "error",
                **to_wire(DeviceIOError(device=req.get("device", "?"), detail=f"TWAIN {type(e).__name__}")),
            )
        finally:
            watchdog.disarm()


def _scan(req: dict[str, Any], send: Any, cancel: Any, engine: TwainEngine) -> None:
    settings = ScanSettings.from_dict(req["settings"])

    def on_page(page: ScannedPage) -> None:
        send("page", page=page.to_dict())

    def on_progress(index: int, fraction: float) -> None:
        send("progress", page=index, fraction=fraction)

    try:
        outcome = engine.scan(
            req["device"],
            settings,
            Path(req["out_dir"]),
            first_index=int(req.get("first_index", 1)),
            on_page=on_page,
            on_progress=on_progress,
            cancel=_EventCancel(cancel),  # type: ignore[arg-type]
        )
    except ScanCancelledError:
        send("end", reason="cancelled")
        return
    except ScanError as e:
        send("error", **to_wire(e))
        return
    send("end", reason=outcome.reason)


def worker_main(
    conn: multiprocessing.connection.Connection,
    cancel: Any,
    fault_log: str | None = None,
    twain_module: str | None = None,
    watchdog_s: float = 0.0,
) -> None:
    """Entry point of the worker process (spawned). ``twain_module``: import name of pytwain;
    ``watchdog_s``: silence after which the stacks go to the fault log (0: never)."""
    from sohoa.capture.sane_worker import _enable_fault_dumps, _exit_with_parent

    fault_file = _enable_fault_dumps(fault_log)
    _exit_with_parent()
    logging.basicConfig(
        level=logging.WARNING, stream=sys.stderr, format="twain-worker %(levelname)s %(message)s"
    )
    try:
        module = importlib.import_module(twain_module or "twain")
    except ImportError as e:
        conn.send({"ev": "fatal", "detail": f"pytwain missing: {e}"})
        sys.exit(2)
    conn.send({"ev": "ready"})
    _serve(conn, cancel, TwainEngine(twain_module=module), _Watchdog(fault_file, watchdog_s))
