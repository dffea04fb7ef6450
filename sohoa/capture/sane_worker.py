"""The SANE worker process: the only place python-sane runs.

A scanner backend is native code that can crash, hang or leak; running it in its own
process keeps the app alive whatever it does. The parent (:mod:`scanners.sane_driver`)
sends small dict requests over a multiprocessing pipe; the worker answers with events
(``result``, ``progress``, ``page``, ``end``, ``error``). Each page is written to disk
(temp file, fsync, rename) before its ``page`` event, so the parent only handles paths
and never holds an image. Typed errors travel as ``(class name, params)``.
"""

from __future__ import annotations

import contextlib
import faulthandler
import multiprocessing
import multiprocessing.connection
import os
import signal
import sys
import threading
from pathlib import Path
from typing import Any, TextIO

from sohoa.capture.driver import page_name
from sohoa.capture.errors import (
    DeviceIOError,
    FeederEmptyError,
    ScanCancelledError,
    ScanError,
    SettingRefusedError,
    from_sane_message,
    to_wire,
)
from sohoa.capture.settings import PAPER_MM, ScanSettings

PNG_COMPRESS_LEVEL = 1  # fast: processing re-encodes pages anyway
PROGRESS_STEP = 0.05  # send a progress event every 5 % of a page

# Option names some backends use for automatic page-length detection.
AUTO_SIZE_OPTIONS = ("ald", "auto_size", "autosize", "page_auto_size", "adf_auto_scan", "length_detection")

_SOURCE_WORDS = {
    "flatbed": ("flatbed", "platen", "normal"),
    "adf": ("adf", "feeder", "automatic"),
    "adf-duplex": ("duplex",),
}
_MODE_WORDS = {
    "color": ("color", "colour", "rgb"),
    "gray": ("gray", "grey"),
    "bw": ("lineart", "binary", "black"),
}


def _match(values: list[str], words: tuple[str, ...], exclude: tuple[str, ...] = ()) -> str | None:
    for v in values:
        low = str(v).lower()
        if any(w in low for w in words) and not any(x in low for x in exclude):
            return v
    return None


def match_source(values: list[str], want: str) -> str | None:
    """The device's source string for SoHoa's ``want`` (flatbed, adf, adf-duplex)."""
    if want == "adf":
        return _match(values, _SOURCE_WORDS["adf"], exclude=("duplex", "back", "rear"))
    return _match(values, _SOURCE_WORDS[want])


def match_mode(values: list[str], want: str) -> str | None:
    return _match(values, _MODE_WORDS[want], exclude=("halftone",) if want == "bw" else ())


class _Worker:
    def __init__(self, conn: multiprocessing.connection.Connection, cancel: Any) -> None:
        self.conn = conn
        self.cancel = cancel
        import _sane
        import sane

        self.sane = sane
        self.sane_error = _sane.error
        self._originals: dict[str, dict[str, Any]] = {}  # device -> raw option -> value before SoHoa set it

    def send(self, event: str, **data: Any) -> None:
        self.conn.send({"ev": event, **data})

    # --- requests -------------------------------------------------------------
    def list_devices(self) -> list[dict[str, str]]:
        return [
            {"name": n, "vendor": v, "model": m, "type": t, "driver": "sane"}
            for n, v, m, t in self.sane.get_devices()
        ]

    def open(self, device: str) -> Any:
        try:
            return self.sane.open(device)
        except self.sane_error as e:
            raise from_sane_message(str(e), device, opening=True) from None

    def capabilities(self, device: str) -> dict[str, Any]:
        dev = self.open(device)
        try:
            return describe(dev, device)
        finally:
            dev.close()

    def scan(self, req: dict[str, Any]) -> None:
        """One session. The outcome (end or error) is sent before the device is released,
        then ``idle`` after it: a backend that hangs while closing cannot hide the outcome."""
        try:
            self._scan(req)
        except ScanError as e:
            self.send("error", **to_wire(e))
        finally:
            self._release()
        self.send("idle")

    def _restore_raw_options(self, dev: Any, device: str, s: ScanSettings) -> None:
        """Undo raw options an earlier session set and this one does not.

        Some backends keep option values across close and open; a raw option (say, a
        test status code) must not leak from one profile's session into the next.
        """
        originals = self._originals.setdefault(device, {})
        for name in s.device_options:
            option = name.replace("-", "_")
            if option not in originals and option in dev.opt and dev.opt[option].is_active():
                with contextlib.suppress(Exception):
                    originals[option] = getattr(dev, option)
        wanted = {n.replace("-", "_") for n in s.device_options}
        for option, value in originals.items():
            if option not in wanted:
                with contextlib.suppress(Exception):
                    setattr(dev, option, value)

    def _release(self) -> None:
        dev, self._dev = getattr(self, "_dev", None), None
        if dev is not None:
            with contextlib.suppress(Exception):
                dev.cancel()
            with contextlib.suppress(Exception):
                dev.close()

    def _scan(self, req: dict[str, Any]) -> None:
        device = req["device"]
        settings = ScanSettings.from_dict(req["settings"])
        out_dir = Path(req["out_dir"])
        index = int(req["first_index"])
        dev = self._dev = self.open(device)
        scanning = threading.Event()
        stop_watch = threading.Event()

        def watch_cancel() -> None:
            # sane_cancel may be called from another thread while sane_read blocks.
            while not stop_watch.is_set():
                if self.cancel.wait(0.1):
                    if scanning.is_set():
                        with contextlib.suppress(Exception):
                            dev.cancel()
                    return

        watcher = threading.Thread(target=watch_cancel, daemon=True)
        watcher.start()
        try:
            self._restore_raw_options(dev, device, settings)
            apply_settings(dev, device, settings)  # bw from gray: save_page thresholds
            limit = settings.max_pages or (None if settings.uses_feeder else 1)
            count = 0
            while limit is None or count < limit:
                if self.cancel.is_set():
                    self.send("end", reason="cancelled")
                    return
                try:
                    scanning.set()
                    image = self._read_page(dev, index, keep_session=settings.uses_feeder)
                except ScanError as err:
                    if isinstance(err, FeederEmptyError) and count > 0:
                        self.send("end", reason="feeder-empty")
                        return
                    if isinstance(err, ScanCancelledError) or self.cancel.is_set():
                        self.send("end", reason="cancelled")
                        return
                    raise
                finally:
                    scanning.clear()
                if self.cancel.is_set():  # a cancelled page may come back truncated: drop it
                    self.send("end", reason="cancelled")
                    return
                page = save_page(image, out_dir / page_name(index), settings)
                del image
                page.update(index=index, source=settings.source)
                self.send("page", page=page)
                index += 1
                count += 1
            self.send("end", reason="max-pages" if settings.uses_feeder else "flatbed")
        finally:
            stop_watch.set()

    def _read_page(self, dev: Any, index: int, keep_session: bool) -> Any:
        sent = [0.0]

        def progress(done: int, total: int) -> None:
            # Called from inside native code: it must never raise (python-sane would crash).
            try:
                fraction = done / total if total > 0 else 0.0
                if fraction - sent[0] >= PROGRESS_STEP:
                    sent[0] = fraction
                    self.send("progress", page=index, fraction=round(fraction, 3))
            except Exception:  # noqa: S110 - a lost progress event is harmless
                pass

        try:
            dev.start()
            return dev.snap(no_cancel=keep_session, progress=progress)
        except self.sane_error as e:
            raise from_sane_message(str(e), dev.devname) from None
        except RuntimeError as e:  # python-sane: "Scanner returned no data"
            raise DeviceIOError(device=dev.devname, detail=str(e)) from None


def _constraint_values(opt: Any) -> list[Any]:
    return list(opt.constraint) if isinstance(opt.constraint, list) else []


def describe(dev: Any, device: str) -> dict[str, Any]:
    """The device's capabilities as a plain dict (see ``scanners.driver.Capabilities``)."""
    opts = dev.opt
    sources: list[str] = []
    if "source" in opts:
        values = _constraint_values(opts["source"])
        sources = [s for s in ("flatbed", "adf", "adf-duplex") if match_source(values, s)]
    else:
        sources = ["flatbed"]
    modes: list[str] = []
    if "mode" in opts:
        values = _constraint_values(opts["mode"])
        modes = [m for m in ("color", "gray", "bw") if match_mode(values, m)]
        if "gray" in modes and "bw" not in modes:
            modes.append("bw")  # made from gray by thresholding
    dpi_values: list[int] = []
    dpi_range = None
    if "resolution" in opts:
        c = opts["resolution"].constraint
        if isinstance(c, tuple):
            dpi_range = (int(c[0]), int(c[1]))
        elif isinstance(c, list):
            dpi_values = [int(v) for v in c]
    max_w = max_h = None
    if "br_x" in opts and isinstance(opts["br_x"].constraint, tuple):
        max_w = float(opts["br_x"].constraint[1])
    if "br_y" in opts and isinstance(opts["br_y"].constraint, tuple):
        max_h = float(opts["br_y"].constraint[1])
    papers = [
        p for p, (w, h) in PAPER_MM.items() if max_w is None or (w <= max_w + 1.0 and h <= (max_h or 0) + 1.0)
    ]
    if any(name in opts for name in AUTO_SIZE_OPTIONS):
        papers.append("auto")
    raw = {
        name: {"constraint": o.constraint if not isinstance(o.constraint, tuple) else list(o.constraint)}
        for name, o in opts.items()
        if o.is_active()
    }
    return {
        "device": device,
        "sources": sources,
        "modes": modes,
        "dpi_values": dpi_values,
        "dpi_range": dpi_range,
        "max_width_mm": max_w,
        "max_height_mm": max_h,
        "papers": papers,
        "raw": raw,
    }


def _set(dev: Any, device: str, option: str, value: Any, setting: str, allowed: str) -> None:
    try:
        setattr(dev, option, value)
    except Exception as e:  # _sane.error, AttributeError (inactive option), TypeError
        raise SettingRefusedError(
            device=device, setting=setting, value=value, allowed=allowed, detail=str(e)
        ) from None


def apply_settings(dev: Any, device: str, s: ScanSettings) -> bool:
    """Set the device's options from ``s``; refuse what it cannot do. True: threshold gray to bw."""
    opts = dev.opt
    if "source" in opts:
        values = _constraint_values(opts["source"])
        chosen = match_source(values, s.source)
        if chosen is None:
            offered = [x for x in ("flatbed", "adf", "adf-duplex") if match_source(values, x)]
            raise SettingRefusedError(
                device=device, setting="source", value=s.source, allowed=", ".join(offered) or "-"
            )
        _set(dev, device, "source", chosen, "source", ", ".join(values))
    threshold = False
    if "mode" in opts:
        values = _constraint_values(opts["mode"])
        chosen = match_mode(values, s.mode)
        if chosen is None and s.mode == "bw":
            chosen, threshold = match_mode(values, "gray"), True
        if chosen is None:
            raise SettingRefusedError(device=device, setting="mode", value=s.mode, allowed=", ".join(values))
        _set(dev, device, "mode", chosen, "mode", ", ".join(values))
    if "depth" in opts and opts["depth"].is_active() and s.mode != "bw":
        if 8 in _constraint_values(opts["depth"]):
            _set(dev, device, "depth", 8, "depth", "8")
    if "resolution" in opts:
        c = opts["resolution"].constraint
        ok = (isinstance(c, tuple) and c[0] <= s.dpi <= c[1]) or (isinstance(c, list) and s.dpi in c)
        allowed = f"{int(c[0])}-{int(c[1])}" if isinstance(c, tuple) else ", ".join(map(str, c or []))
        if not ok and c is not None:
            raise SettingRefusedError(device=device, setting="dpi", value=s.dpi, allowed=allowed)
        _set(dev, device, "resolution", s.dpi, "dpi", allowed)
    _apply_paper(dev, device, s)
    for name, value in s.device_options.items():
        option = name.replace("-", "_")
        if option not in opts:
            raise SettingRefusedError(device=device, setting=name, value=value, allowed="(no such option)")
        _set(dev, device, option, value, name, repr(opts[option].constraint))
    return threshold


def _apply_paper(dev: Any, device: str, s: ScanSettings) -> None:
    opts = dev.opt
    if s.paper == "auto":
        for name in AUTO_SIZE_OPTIONS:
            if name in opts and opts[name].is_settable():
                _set(dev, device, name, True, "paper", "auto")
                return
        raise SettingRefusedError(device=device, setting="paper", value="auto", allowed="A4, A3, Letter")
    if "br_x" not in opts or "br_y" not in opts:
        return  # a device without a scan area (sheet-fed, camera): it scans what it gets
    width, height = PAPER_MM[s.paper]
    cx, cy = opts["br_x"].constraint, opts["br_y"].constraint
    if isinstance(cx, tuple) and isinstance(cy, tuple) and (cx[1] + 1.0 < width or cy[1] + 1.0 < height):
        fits = [p for p, (w, h) in PAPER_MM.items() if w <= cx[1] + 1.0 and h <= cy[1] + 1.0]
        raise SettingRefusedError(
            device=device, setting="paper", value=s.paper, allowed=", ".join(fits) or "-"
        )
    for name in ("tl_x", "tl_y"):
        if name in opts and isinstance(opts[name].constraint, tuple):
            _set(dev, device, name, float(opts[name].constraint[0]), "paper", s.paper)
    _set(dev, device, "br_x", min(width, cx[1]) if isinstance(cx, tuple) else width, "paper", s.paper)
    _set(dev, device, "br_y", min(height, cy[1]) if isinstance(cy, tuple) else height, "paper", s.paper)
    for name, value in (("page_width", width), ("page_height", height)):
        if name in opts and opts[name].is_active() and opts[name].is_settable():
            with contextlib.suppress(Exception):  # a hint for feeders; the scan area above is what counts
                setattr(dev, name, value)


def save_page(image: Any, path: Path, s: ScanSettings) -> dict[str, Any]:
    """Write one page as PNG (atomically, fsynced) and describe it."""
    from sohoa.core.fsutil import atomic_output, sha256_file

    if s.mode == "bw":
        image = image.convert("L").point(lambda v: 255 if v >= 128 else 0).convert("1")
    elif s.mode == "gray" and image.mode != "L":
        image = image.convert("L")
    with atomic_output(path) as tmp:
        image.save(tmp, "PNG", dpi=(s.dpi, s.dpi), compress_level=PNG_COMPRESS_LEVEL)
    digest = sha256_file(path)
    return {
        "path": str(path),
        "width": image.width,
        "height": image.height,
        "dpi": s.dpi,
        "mode": s.mode,
        "bytes": path.stat().st_size,
        "sha256": digest,
    }


def _exit_with_parent() -> None:
    """If the app dies (even by SIGKILL), stop too: never keep a scanner open for nobody."""
    parent = multiprocessing.parent_process()
    if parent is None:
        return

    def watch() -> None:
        multiprocessing.connection.wait([parent.sentinel])
        os._exit(3)

    threading.Thread(target=watch, daemon=True).start()


def _enable_fault_dumps(fault_log: str | None) -> TextIO | None:
    """On a crash, or on SIGUSR1 from the parent before it kills a hung worker, write the stack.
    Returns the open fault log (None without one), for the TWAIN worker's watchdog."""
    if not fault_log:
        return None
    try:
        fh = open(fault_log, "a")  # stays open for the life of the process
    except OSError:
        return None
    faulthandler.enable(fh)
    if hasattr(signal, "SIGUSR1"):
        faulthandler.register(signal.SIGUSR1, fh, all_threads=True)
    return fh


def worker_main(
    conn: multiprocessing.connection.Connection,
    cancel: Any,
    sane_config_dir: str | None,
    fault_log: str | None = None,
) -> None:
    """Entry point of the worker process (started with the ``spawn`` method)."""
    if hasattr(signal, "SIGINT"):
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl+C is the app's to handle
    _enable_fault_dumps(fault_log)
    if sane_config_dir is not None:
        os.environ["SANE_CONFIG_DIR"] = sane_config_dir  # read by sane.init(), so set first
    _exit_with_parent()
    try:
        worker = _Worker(conn, cancel)
        worker.sane.init()
    except Exception as e:
        conn.send({"ev": "fatal", "detail": f"{type(e).__name__}: {e}"})
        sys.exit(2)
    conn.send({"ev": "ready"})
    while True:
        try:
            req = conn.recv()
        except (EOFError, OSError):
            break
        op = req.get("op")
        if op == "quit":
            break
        try:
            if op == "list":
                worker.send("result", value=worker.list_devices())
            elif op == "caps":
                worker.send("result", value=worker.capabilities(req["device"]))
            elif op == "scan":
                worker.scan(req)
            elif op == "ping":
                worker.send("result", value=os.getpid())
            else:
                worker.send("error", **to_wire(ScanError(detail=f"unknown request {op!r}")))
        except ScanError as e:
            worker.send("error", **to_wire(e))
        except (BrokenPipeError, EOFError):
            break
        except Exception as e:  # report, keep serving: the parent decides what to do
            worker.send(
                "error",
                **to_wire(ScanError(device=req.get("device", "?"), detail=f"{type(e).__name__}: {e}")),
            )
    with contextlib.suppress(Exception):
        worker.sane.exit()
