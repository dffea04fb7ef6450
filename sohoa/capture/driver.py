"""The one small interface every scan driver implements (NAPS2-style), Qt-free.

A driver lists devices, reports what a device can do, and scans with settings into a
folder, one page file at a time: ``on_page`` is called as soon as each page file is
complete on disk (so the processing stage can start at once), ``on_progress`` while a
page is being read, and a ``cancel`` (the core's :class:`~sohoa.core.progress.Progress`) stops the scan from any thread. The UI
calls this from a worker thread (QThread); nothing here touches Qt.
"""

from __future__ import annotations

import abc
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from sohoa.capture.settings import ScanSettings
from sohoa.core.i18n import Text
from sohoa.core.progress import Progress, Reporter


@dataclass(frozen=True)
class DeviceInfo:
    """A scanner as a list shows it. ``name`` is what ``--device`` takes."""

    name: str
    vendor: str
    model: str
    type: str
    driver: str  # "sane", "twain"

    def to_dict(self) -> dict[str, str]:
        return asdict(self)


@dataclass(frozen=True)
class Capabilities:
    """What a device offers, in SoHoa's words (sources, modes, papers)."""

    device: str
    sources: tuple[str, ...]
    modes: tuple[str, ...]
    dpi_values: tuple[int, ...] = ()  # a list of allowed values, or empty when a range
    dpi_range: tuple[int, int] | None = None  # (min, max) when the device takes a range
    max_width_mm: float | None = None
    max_height_mm: float | None = None
    papers: tuple[str, ...] = ()
    raw: dict[str, Any] = field(default_factory=dict)  # driver-specific details (option constraints)

    def allows_dpi(self, dpi: int) -> bool:
        if self.dpi_values:
            return dpi in self.dpi_values
        if self.dpi_range:
            return self.dpi_range[0] <= dpi <= self.dpi_range[1]
        return True

    def describe_dpi(self) -> str:
        if self.dpi_values:
            return ", ".join(str(v) for v in self.dpi_values)
        if self.dpi_range:
            return f"{self.dpi_range[0]}-{self.dpi_range[1]}"
        return "?"

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class ScannedPage:
    """One page file, complete and fsynced on disk. ``index`` counts from 1 in the batch."""

    index: int
    path: Path
    width: int
    height: int
    dpi: int
    mode: str  # "color", "gray", "bw"
    bytes: int
    sha256: str
    source: str = ""  # "flatbed", "adf", "adf-duplex", "import"
    dpi_assumed: bool = False  # an imported file without a resolution: 300 dpi was assumed

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["path"] = str(self.path)
        return d

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ScannedPage:
        known = {k: v for k, v in data.items() if k in cls.__dataclass_fields__}
        known["path"] = Path(known["path"])
        return cls(**known)


class CancelToken(Reporter):
    """The core progress/cancel contract (:mod:`sohoa.core.progress`) as a scan's stop button.

    Drivers accept any :class:`sohoa.core.progress.Progress` as ``cancel``; this class is the
    ready-made one (``cancel()`` from any thread; pages so far are kept).
    """


PageCallback = Callable[[ScannedPage], None]
ProgressCallback = Callable[[int, float], None]  # (page index, fraction 0..1 of that page)
NoticeCallback = Callable[[Text], None]  # something the clerk should know, e.g. a driver restart


@dataclass
class ScanOutcome:
    """How a scan session ended when it did not fail."""

    pages: list[ScannedPage]
    reason: str  # "feeder-empty", "max-pages", "flatbed"


class ScanDriver(abc.ABC):
    """A family of devices (SANE, TWAIN). Implementations must be safe to call from one worker thread."""

    name: str = "?"

    @abc.abstractmethod
    def list_devices(self) -> list[DeviceInfo]:
        """Devices this driver can reach now (may take seconds: network discovery)."""

    @abc.abstractmethod
    def capabilities(self, device: str) -> Capabilities:
        """What ``device`` offers. Raises NoDeviceError, DeviceBusyError..."""

    @abc.abstractmethod
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
        """Scan one session (the feeder until empty or ``max_pages``; one flatbed page).

        Page files are written as ``page-NNN.png`` in ``out_dir`` from ``first_index``.
        Raises a ScanError subclass; its ``pages`` holds the pages completed before it.
        """

    def close(self) -> None:  # noqa: B027 - optional hook, most drivers hold nothing
        """Release the driver's resources (worker process, source manager)."""

    def __enter__(self) -> ScanDriver:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def page_name(index: int) -> str:
    """The file name of page ``index`` (page-001.png ...)."""
    return f"page-{index:03d}.png"
