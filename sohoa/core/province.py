"""Per-province profiles: the identifier formats that no national law fixes.

A profile is a small TOML file (see ``app/province_profiles/default.toml``). The
bundled ones are found by name; any other is given by path.
"""

from __future__ import annotations

import dataclasses
import re
import tomllib
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from sohoa.core.errors import ConfigError

_FIELDS = ("dossier_code", "result_code", "procedure_code", "component_code")
CONNECTORS = ("reference", "portal")  # sohoa.outbox.connectors: the repository's API, or the portal's
_PORTAL_KEYS = {"unit_code", "channel", "id_type_person", "id_type_organisation", "path_prefix"}


@dataclass(frozen=True)
class CodeFormat:
    pattern: re.Pattern[str]
    example: str


@dataclass(frozen=True)
class ProvinceProfile:
    name: str
    dossier_code: CodeFormat
    result_code: CodeFormat
    procedure_code: CodeFormat
    component_code: CodeFormat
    source: str
    connector: str = "reference"  # which repository connector this province speaks (CONNECTORS)
    # the portal connector's per-province words ([portal] in the profile)
    portal: dict[str, str] = dataclasses.field(default_factory=dict)

    def unit_of(self, dossier_code: str) -> str:
        """The receiving unit: the dossier code's ``unit`` part (named group), else what precedes "-"."""
        code = dossier_code.strip().upper()
        m = self.dossier_code.pattern.fullmatch(code)
        if m and "unit" in m.groupdict() and m["unit"]:
            return str(m["unit"])
        head = code.split("-", 1)[0]
        return head if head != code else ""


def bundled_profiles() -> list[str]:
    folder = resources.files("sohoa.core") / "province_profiles"
    return sorted(p.name.removesuffix(".toml") for p in folder.iterdir() if p.name.endswith(".toml"))


def load_profile(name_or_path: str = "default") -> ProvinceProfile:
    """Load a bundled profile by name, or a profile file by path."""
    if name_or_path.endswith(".toml") or "/" in name_or_path or "\\" in name_or_path:
        path = Path(name_or_path)
        try:
            raw = path.read_bytes()
        except OSError as e:
            raise ConfigError(
                path=str(path), detail=f"cannot read the province profile ({e.strerror})"
            ) from e
        source = str(path)
    else:
        res = resources.files("sohoa.core") / "province_profiles" / f"{name_or_path}.toml"
        if not res.is_file():
            raise ConfigError(
                path=name_or_path,
                detail=f"no bundled province profile of that name (have: {', '.join(bundled_profiles())})",
            )
        raw = res.read_bytes()
        source = f"bundled:{name_or_path}"
    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as e:
        raise ConfigError(path=source, detail=f"not valid TOML ({e})") from e
    unknown = set(data) - {"name", "connector", "portal", *_FIELDS}
    if unknown:
        raise ConfigError(path=source, detail=f"unknown key '{sorted(unknown)[0]}' in the province profile")
    formats = {}
    for field in _FIELDS:
        section = data.get(field)
        if not isinstance(section, dict) or "pattern" not in section:
            raise ConfigError(path=source, detail=f"section [{field}] with a 'pattern' is missing")
        try:
            pattern = re.compile(section["pattern"])
        except re.error as e:
            raise ConfigError(
                path=source, detail=f"[{field}] pattern is not a valid regular expression: {e}"
            ) from e
        example = str(section.get("example", ""))
        if example and not pattern.fullmatch(example):
            raise ConfigError(
                path=source, detail=f"[{field}] example '{example}' does not match its own pattern"
            )
        formats[field] = CodeFormat(pattern, example)
    connector = str(data.get("connector", "reference"))
    if connector not in CONNECTORS:
        raise ConfigError(
            path=source, detail=f"connector '{connector}' is not one of {', '.join(CONNECTORS)}"
        )
    portal = data.get("portal", {})
    if not isinstance(portal, dict) or set(portal) - _PORTAL_KEYS:
        bad = sorted(set(portal) - _PORTAL_KEYS) if isinstance(portal, dict) else ["portal"]
        raise ConfigError(path=source, detail=f"unknown key '{bad[0]}' in [portal]")
    return ProvinceProfile(
        name=str(data.get("name", name_or_path)),
        source=source,
        connector=connector,
        portal={k: str(v) for k, v in portal.items()},
        **formats,
    )
