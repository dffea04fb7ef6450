"""A fake of pytwain's ``twain`` module: the one fake allowed, since no TWAIN source runs on Linux.

It mirrors the parts of pytwain 2.x the driver uses (SourceManager, Source,
get/set_capability, set_image_layout, acquire_file with before/after callbacks,
CancelAll and the exception classes), and behaves like a TWAIN scanner with a
feeder: it writes BMP files for each sheet loaded, can jam after N sheets, and
rejects capability values it does not list.
"""

from __future__ import annotations

import os
import types
from pathlib import Path
from typing import Any, ClassVar

from PIL import Image

ICAP_PIXELTYPE, ICAP_UNITS, ICAP_XRESOLUTION, ICAP_YRESOLUTION = 0x0101, 0x0102, 0x1118, 0x1119
ICAP_PHYSICALWIDTH, ICAP_PHYSICALHEIGHT, ICAP_AUTOMATICBORDERDETECTION = 0x1111, 0x1112, 0x1150
CAP_XFERCOUNT, CAP_FEEDERENABLED, CAP_FEEDERLOADED, CAP_DUPLEXENABLED = 0x0001, 0x1002, 0x1003, 0x1013
ICAP_XFERMECH = 0x0103
TWTY_INT16, TWTY_UINT16, TWTY_BOOL, TWTY_FIX32 = 1, 4, 6, 7
TWPT_BW, TWPT_GRAY, TWPT_RGB = 0, 1, 2
TWUN_INCHES = 0


class TwainError(Exception):
    pass


_names = [
    "CapabilityFormatNotSupported",
    "DSTransferCancelled",
    "SMGetProcAddressFailed",
    "SMLoadFileFailed",
    "SMOpenFailed",
    "BadCapability",
    "GeneralFailure",
    "CapBadOperation",
    "CapUnsupported",
    "CheckDeviceOnlineError",
    "DeniedError",
    "MaxConnectionsError",
    "NoDataSourceError",
    "OperationError",
    "PaperDoubleFeedError",
    "PaperJam",
    "SequenceError",
]
exceptions = types.SimpleNamespace(TwainError=TwainError, **{n: type(n, (TwainError,), {}) for n in _names})
exceptions.CancelAll = type("CancelAll", (Exception,), {})
exceptions.CheckStatus = type("CheckStatus", (Exception,), {})


class FakeScanner:
    """What is 'in' the device: sheets in the feeder, faults to inject."""

    def __init__(
        self,
        name: str = "Fake Scanner",
        sheets: int = 5,
        jam_after: int | None = None,
        duplex: bool = True,
        offline_after: int | None = None,
        file_transfer: bool = True,
        hang_after: int | None = None,
    ) -> None:
        self.file_transfer = file_transfer
        self.hang_after = hang_after  # a data source that stops answering after N sheets
        self.name, self.sheets, self.jam_after, self.duplex = name, sheets, jam_after, duplex
        self.offline_after = offline_after
        self.caps: dict[int, Any] = {}
        self.layout: tuple[float, ...] | None = None
        self.opened = 0
        self.closed = 0


class Source:
    def __init__(self, scanner: FakeScanner) -> None:
        self.s = scanner
        scanner.opened += 1

    def close(self) -> None:
        self.s.closed += 1

    def get_capability(self, cap: int) -> Any:
        table = {
            ICAP_PIXELTYPE: (TWTY_UINT16, (0, 0, [TWPT_BW, TWPT_GRAY, TWPT_RGB])),
            ICAP_XRESOLUTION: (TWTY_FIX32, (0, 0, [100.0, 150.0, 200.0, 300.0, 600.0])),
            CAP_FEEDERENABLED: (TWTY_BOOL, (0, 0, [False, True])),
            ICAP_PHYSICALWIDTH: (TWTY_FIX32, 8.5),
            ICAP_PHYSICALHEIGHT: (TWTY_FIX32, 14.0),
            CAP_FEEDERLOADED: (TWTY_BOOL, self.s.sheets > 0),
            ICAP_XFERMECH: (TWTY_UINT16, (0, 0, [0, 1] if self.s.file_transfer else [0])),
        }
        if self.s.duplex:
            table[CAP_DUPLEXENABLED] = (TWTY_BOOL, (0, 0, [False, True]))
        if cap not in table:
            raise exceptions.CapUnsupported()
        return table[cap]

    def set_capability(self, cap: int, type_id: int, value: Any) -> None:
        if cap in (ICAP_XRESOLUTION, ICAP_YRESOLUTION) and value not in (100.0, 150.0, 200.0, 300.0, 600.0):
            raise exceptions.CheckStatus()  # like a real source: rounds and says so
        if cap == CAP_DUPLEXENABLED and not self.s.duplex:
            raise exceptions.CapUnsupported()
        self.s.caps[cap] = value

    def set_image_layout(self, frame: tuple[float, float, float, float], *a: Any) -> None:
        if frame[2] > 8.5 + 0.01 or frame[3] > 14.0 + 0.01:
            raise ValueError("frame outside the scan area")
        self.s.layout = frame

    def acquire_natively(
        self, after: Any, before: Any = lambda info: None, show_ui: bool = True, modal: bool = False
    ) -> None:
        """Native transfer: each page is an in-memory image the caller saves as BMP."""

        class _Image:
            def __init__(self, path: str) -> None:
                self.tmp = path

            def save(self, path: str) -> None:
                Path(self.tmp).replace(path)

            def close(self) -> None:
                pass

        import tempfile

        holder: dict[str, Any] = {}

        def fake_before(info: dict[str, Any]) -> str:
            fd, name = tempfile.mkstemp(suffix=".bmp")
            os.close(fd)
            holder["path"] = name
            return name

        def fake_after(more: int) -> None:
            after(_Image(holder["path"]), more)

        self.acquire_file(fake_before, fake_after, show_ui, modal, _native=True)

    def acquire_file(
        self,
        before: Any,
        after: Any = lambda more: None,
        show_ui: bool = True,
        modal: bool = False,
        _native: bool = False,
    ) -> None:
        if not self.s.file_transfer and not _native:
            raise Exception("File transfer is not supported")  # what pytwain raises
        dpi = int(self.s.caps.get(ICAP_XRESOLUTION, 300))
        feeder = self.s.caps.get(CAP_FEEDERENABLED, False)
        count = self.s.caps.get(CAP_XFERCOUNT, -1)
        mode = {TWPT_BW: "1", TWPT_GRAY: "L", TWPT_RGB: "RGB"}[self.s.caps.get(ICAP_PIXELTYPE, TWPT_RGB)]
        w, h = (self.s.layout or (0, 0, 8.27, 11.69))[2:]
        n = 0
        while True:
            if feeder and self.s.sheets == 0:
                return
            if self.s.jam_after is not None and n == self.s.jam_after:
                raise exceptions.PaperJam()
            if self.s.offline_after is not None and n == self.s.offline_after:
                raise exceptions.CheckDeviceOnlineError()
            if self.s.hang_after is not None and n == self.s.hang_after:
                import time

                time.sleep(3600)  # until the parent kills the worker
            try:
                path = before({"XResolution": dpi})
            except exceptions.CancelAll:
                return
            Image.new(mode, (round(w * dpi / 10), round(h * dpi / 10)), 128 if mode != "1" else 1).save(
                path, "BMP"
            )
            n += 1
            if feeder:
                self.s.sheets -= 1
            more = (self.s.sheets if feeder else 0) if count in (-1, None) else min(count - n, self.s.sheets)
            try:
                after(max(more, 0))
            except exceptions.CancelAll:
                return
            if not feeder or more <= 0:
                return


class SourceManager:
    scanners: ClassVar[list[FakeScanner]] = []
    fail_load = False

    def __init__(self, parent_window: Any = None, **kw: Any) -> None:
        if SourceManager.fail_load:
            raise exceptions.SMLoadFileFailed("twaindsm.dll not found")

    @property
    def source_list(self) -> list[str]:
        return [s.name for s in SourceManager.scanners]

    def open_source(self, product_name: str | None = None) -> Source | None:
        for s in SourceManager.scanners:
            if s.name == product_name:
                return Source(s)
        raise exceptions.NoDataSourceError()

    def close(self) -> None:
        pass


def _from_environment() -> None:
    """A worker process imports this module afresh: SOHOA_FAKE_TWAIN="name:sheets[:hang_after],..." fills it."""
    spec = os.environ.get("SOHOA_FAKE_TWAIN")
    if spec:
        for item in spec.split(","):
            name, sheets, *hang = item.split(":")
            hang_after = int(hang[0]) if hang else None
            SourceManager.scanners.append(
                FakeScanner(name=name, sheets=int(sheets or 0), hang_after=hang_after)
            )


_from_environment()
