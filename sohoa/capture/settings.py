"""Scan settings: what one scan session asks of a device, and how profiles become settings.

Settings are plain data (a frozen dataclass) so they cross the worker-process
boundary as a dict and can be journaled for crash recovery. The low-resolution rule
lives here, in one place: colour below 200 dpi is refused unless the profile allows it.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, replace
from typing import Any, Literal

from sohoa.capture.errors import LowResolutionError, UnknownProfileError

Source = Literal["flatbed", "adf", "adf-duplex"]
Mode = Literal["color", "gray", "bw"]
Paper = Literal["A4", "A3", "Letter", "auto"]

SOURCES: tuple[str, ...] = ("flatbed", "adf", "adf-duplex")
MODES: tuple[str, ...] = ("color", "gray", "bw")
PAPERS: tuple[str, ...] = ("A4", "A3", "Letter", "auto")
MIN_COLOR_DPI = 200

# Paper sizes in millimetres (width, height), portrait.
PAPER_MM: dict[str, tuple[float, float]] = {
    "A4": (210.0, 297.0),
    "A3": (297.0, 420.0),
    "Letter": (215.9, 279.4),
}

OptionValue = str | int | float | bool


@dataclass(frozen=True)
class ScanSettings:
    """One scan session's settings. ``device_options`` are raw driver options (advanced)."""

    source: Source = "adf"
    mode: Mode = "color"
    dpi: int = 300
    paper: Paper = "A4"
    allow_low_dpi_color: bool = False
    max_pages: int | None = None  # stop after this many pages (None: until the feeder is empty)
    device_options: dict[str, OptionValue] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.source not in SOURCES:
            raise ValueError(f"source must be one of {SOURCES}, not {self.source!r}")
        if self.mode not in MODES:
            raise ValueError(f"mode must be one of {MODES}, not {self.mode!r}")
        if self.paper not in PAPERS:
            raise ValueError(f"paper must be one of {PAPERS}, not {self.paper!r}")
        if self.max_pages is not None and self.max_pages < 1:
            raise ValueError("max_pages must be at least 1")

    def validated(self) -> ScanSettings:
        """Apply the rules that do not depend on the device; return self."""
        if self.dpi < 1:
            raise LowResolutionError(dpi=self.dpi)
        if self.mode == "color" and self.dpi < MIN_COLOR_DPI and not self.allow_low_dpi_color:
            raise LowResolutionError(dpi=self.dpi)
        return self

    @property
    def uses_feeder(self) -> bool:
        return self.source != "flatbed"

    def with_(self, **changes: Any) -> ScanSettings:
        return replace(self, **changes)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ScanSettings:
        known = {k: v for k, v in data.items() if k in cls.__dataclass_fields__}
        return cls(**known)


def settings_from_profile(profile: Any, **overrides: Any) -> ScanSettings:
    """Settings from an ``sohoa.core.config.ScanProfile`` (or any object with the same fields)."""
    base = ScanSettings(
        source=profile.source,
        mode=profile.mode,
        dpi=profile.dpi,
        paper=profile.paper,
        allow_low_dpi_color=profile.allow_low_dpi_color,
        device_options=dict(getattr(profile, "device_options", {}) or {}),
    )
    clean = {k: v for k, v in overrides.items() if v is not None}
    return base.with_(**clean).validated()


def profile_settings(name: str | None = None, **overrides: Any) -> ScanSettings:
    """Settings from the named profile in the user's config (default: the scanner's profile)."""
    from sohoa.core.config import ScanProfile, load_config

    settings = load_config().settings
    name = name or settings.scanner.profile
    profiles = {"default": ScanProfile(), **settings.profiles}  # "default" exists even if a file omits it
    if name not in profiles:
        raise UnknownProfileError(name=name, names=", ".join(sorted(profiles)))
    return settings_from_profile(profiles[name], **overrides)
