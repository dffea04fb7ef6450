"""The TWAIN driver (Windows) through pytwain, behind the same interface as SANE.

pytwain is imported only when a TWAIN call is made, so Linux never needs it; when it
is missing the error says how to install it. Device names are ``twain:<product name>``.
Pages come through TWAIN's file transfer as BMP, are rewritten as PNG with their
resolution (atomically), and the BMP is removed. TWAIN sources need the thread that
owns the app's window and message loop, so this driver runs in-process; the UI calls
it from its main thread with the window handle as ``parent_window``.

Tests drive it with a fake ``twain`` module (no TWAIN source runs on Linux).
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
from pathlib import Path
from typing import Any

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
)
from sohoa.capture.settings import PAPER_MM, ScanSettings
from sohoa.core.fsutil import atomic_output
from sohoa.core.progress import Progress

log = logging.getLogger(__name__)

PREFIX = "twain:"
_MM_PER_INCH = 25.4


def is_twain_device(name: str) -> bool:
    return name.startswith(PREFIX)


class TwainDriver(ScanDriver):
    name = "twain"

    def __init__(self, twain_module: Any | None = None, parent_window: Any | None = None) -> None:
        """``twain_module``: the pytwain module (None: import ``twain`` on first use)."""
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
        """Map a pytwain exception to SoHoa's typed error."""
        exc = self.tw.exceptions
        table: list[tuple[Any, type[ScanError]]] = [
            ((exc.PaperJam, exc.PaperDoubleFeedError), PaperJamError),
            (exc.DSTransferCancelled, ScanCancelledError),
            (exc.CheckDeviceOnlineError, DisconnectedError),
            (exc.MaxConnectionsError, DeviceBusyError),
            (exc.NoDataSourceError, NoDeviceError),
            (exc.DeniedError, AccessDeniedError),
        ]
        for kinds, cls in table:
            if isinstance(e, kinds):
                return cls(device=device, detail=type(e).__name__)
        if isinstance(e, (exc.CapUnsupported, exc.BadCapability, exc.CapBadOperation, ValueError)):
            return SettingRefusedError(device=device, setting="?", value="?", allowed=type(e).__name__)
        return DeviceIOError(device=device, detail=f"{type(e).__name__} {e}".strip())

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

    def _values(self, src: Any, cap: int) -> list[Any]:
        """Allowed values of a capability (enumeration or range), [] if unsupported."""
        try:
            got = src.get_capability(cap)
        except self.tw.exceptions.TwainError:
            return []
        if isinstance(got, dict):  # a range
            step = got.get("StepSize") or 1
            return list(range(int(got["MinValue"]), int(got["MaxValue"]) + 1, int(step)))
        _type, value = got
        if isinstance(value, tuple) and len(value) == 3:  # enumeration: (current, default, values)
            return list(value[2])
        return list(value) if isinstance(value, list) else [value]

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
                dpis = sorted({int(v) for v in self._values(src, tw.ICAP_XRESOLUTION)})
                feeder = self._values(src, tw.CAP_FEEDERENABLED)
                sources = ["flatbed"] if not feeder or False in feeder else []
                if True in feeder:
                    sources.append("adf")
                    if self._values(src, tw.CAP_DUPLEXENABLED):
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
            dpi_values=tuple(dpis),
            max_width_mm=max_w,
            max_height_mm=max_h,
            papers=papers,
        )

    def _set(self, src: Any, device: str, cap: int, type_id: int, value: Any, setting: str) -> None:
        try:
            src.set_capability(cap, type_id, value)
        except self.tw.exceptions.CheckStatus:
            pass  # accepted, rounded to the nearest supported value
        except (self.tw.exceptions.TwainError, ValueError) as e:
            raise SettingRefusedError(
                device=device, setting=setting, value=value, allowed=type(e).__name__
            ) from None

    def _apply(self, src: Any, device: str, s: ScanSettings) -> None:
        tw = self.tw
        feeder = s.uses_feeder
        feeder_values = self._values(src, tw.CAP_FEEDERENABLED)
        if feeder and True not in feeder_values:
            raise SettingRefusedError(device=device, setting="source", value=s.source, allowed="flatbed")
        if not feeder and feeder_values and False not in feeder_values:
            raise SettingRefusedError(device=device, setting="source", value=s.source, allowed="adf")
        if s.source == "adf-duplex" and not self._values(src, tw.CAP_DUPLEXENABLED):
            raise SettingRefusedError(device=device, setting="source", value=s.source, allowed="flatbed, adf")
        if feeder_values:
            self._set(src, device, tw.CAP_FEEDERENABLED, tw.TWTY_BOOL, feeder, "source")
        if s.source == "adf-duplex":
            self._set(src, device, tw.CAP_DUPLEXENABLED, tw.TWTY_BOOL, True, "source")
        pixel = {"color": tw.TWPT_RGB, "gray": tw.TWPT_GRAY, "bw": tw.TWPT_BW}[s.mode]
        allowed_pixel = self._values(src, tw.ICAP_PIXELTYPE)
        if allowed_pixel and pixel not in allowed_pixel:
            raise SettingRefusedError(device=device, setting="mode", value=s.mode, allowed=str(allowed_pixel))
        self._set(src, device, tw.ICAP_PIXELTYPE, tw.TWTY_UINT16, pixel, "mode")
        dpis = self._values(src, tw.ICAP_XRESOLUTION)
        if dpis and s.dpi not in [int(v) for v in dpis]:
            raise SettingRefusedError(
                device=device, setting="dpi", value=s.dpi, allowed=", ".join(str(int(v)) for v in dpis)
            )
        self._set(src, device, tw.ICAP_XRESOLUTION, tw.TWTY_FIX32, float(s.dpi), "dpi")
        self._set(src, device, tw.ICAP_YRESOLUTION, tw.TWTY_FIX32, float(s.dpi), "dpi")
        if s.paper == "auto":
            if not self._values(src, tw.ICAP_AUTOMATICBORDERDETECTION):
                raise SettingRefusedError(
                    device=device, setting="paper", value="auto", allowed="A4, A3, Letter"
                )
            self._set(src, device, tw.ICAP_AUTOMATICBORDERDETECTION, tw.TWTY_BOOL, True, "paper")
        else:
            w, h = PAPER_MM[s.paper]
            self._set(src, device, tw.ICAP_UNITS, tw.TWTY_UINT16, tw.TWUN_INCHES, "paper")
            try:
                src.set_image_layout((0.0, 0.0, w / _MM_PER_INCH, h / _MM_PER_INCH))
            except tw.exceptions.CheckStatus:
                pass
            except (tw.exceptions.TwainError, ValueError):
                raise SettingRefusedError(
                    device=device, setting="paper", value=s.paper, allowed="?"
                ) from None
        if feeder:
            count = s.max_pages if s.max_pages else -1
            self._set(src, device, tw.CAP_XFERCOUNT, tw.TWTY_INT16, count, "pages")
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
        state = {"index": first_index, "bmp": None, "cancelled": False}
        limit = settings.max_pages or (None if settings.uses_feeder else 1)

        def before(_info: dict[str, Any]) -> str:
            if cancel is not None and cancel.is_cancelled():
                state["cancelled"] = True
                raise tw.exceptions.CancelAll
            bmp = out_dir / f".{page_name(state['index'])}.bmp"
            state["bmp"] = bmp
            return str(bmp)

        def after(more: int) -> None:
            bmp = Path(state["bmp"])  # type: ignore[arg-type]
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

        sm = self._manager()
        try:
            src = self._open(sm, device)
            try:
                self._apply(src, device, settings)
                src.acquire_file(before=before, after=after, show_ui=False, modal=False)
            finally:
                with contextlib.suppress(Exception):
                    src.close()
        except ScanError as e:
            raise e.keep_pages(pages) from None
        except tw.exceptions.TwainError as e:
            raise self._error(e, device).keep_pages(pages) from None
        finally:
            sm.close()
            if state["bmp"] is not None:
                Path(state["bmp"]).unlink(missing_ok=True)  # type: ignore[arg-type]
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


def _bmp_to_page(bmp: Path, target: Path, index: int, s: ScanSettings) -> ScannedPage:
    from PIL import Image

    with Image.open(bmp) as im:
        image = (
            im.convert("1") if s.mode == "bw" else im.convert("L") if s.mode == "gray" else im.convert("RGB")
        )
    with atomic_output(target) as tmp:
        image.save(tmp, "PNG", dpi=(s.dpi, s.dpi), compress_level=1)
    bmp.unlink(missing_ok=True)
    digest = hashlib.sha256(target.read_bytes()).hexdigest()
    return ScannedPage(
        index=index,
        path=target,
        width=image.width,
        height=image.height,
        dpi=s.dpi,
        mode=s.mode,
        bytes=target.stat().st_size,
        sha256=digest,
        source=s.source,
    )
