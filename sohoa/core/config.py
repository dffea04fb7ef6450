"""Settings: a TOML file in the user's config folder, validated on load.

An administrator may put a system-wide file (see :func:`sohoa.core.paths.system_config_file`)
holding values and a top-level ``locked = ["section.key", ...]`` list. Locked values
win over the user's file, and trying to change one raises :class:`SettingLockedError`.
Unknown keys are rejected with the key named, so a typo never passes silently.
"""

from __future__ import annotations

import logging
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import tomli_w
from pydantic import BaseModel, ConfigDict, Field
from pydantic import ValidationError as PydanticValidationError

from sohoa.core.errors import ConfigError, SettingLockedError
from sohoa.core.fsutil import atomic_write_text
from sohoa.core.paths import AppPaths, app_paths, system_config_file

log = logging.getLogger(__name__)


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", validate_assignment=True)


class General(_Section):
    language: Literal["vi", "en"] = "vi"
    province_profile: str = "default"  # a bundled profile name, or a path to a .toml file
    agency_name: str = ""  # the agency this workstation belongs to (stamps, metadata)
    clerk_name: str = ""  # the clerk at this workstation, asked once by the wizard (events, statistics)
    support_contact: str = ""  # whom a clerk calls when an upload is refused (name and phone)


class ScanProfile(_Section):
    source: Literal["flatbed", "adf", "adf-duplex"] = "adf"
    mode: Literal["color", "gray", "bw"] = "color"
    dpi: int = Field(300, ge=75, le=1200)
    paper: Literal["A4", "A3", "Letter", "auto"] = "A4"
    allow_low_dpi_color: bool = False  # below 200 dpi in colour only when the profile says so
    drop_blank: bool = False  # blank pages are flagged; dropped only when this is true
    split_on_separator: bool = True
    # raw driver options for this profile (advanced), e.g. {"test_picture" = "Color pattern"}
    device_options: dict[str, str | int | float | bool] = {}


class Scanner(_Section):
    device: str = ""  # e.g. "test:0", "airscan:e0:Office", a TWAIN source name
    profile: str = "default"
    sane_config_dir: str = ""  # a private SANE config folder (the demo uses one)
    timeout_s: float = Field(60.0, gt=0)  # a scanner silent this long is stopped (pages kept)
    test_device: bool = False  # also offer SANE's "test" scanner (training, demos)
    watch_folder: str = ""  # a shared folder a network scanner saves into, imported as it fills
    separator_pattern: str = r"^(?:SOHOA[-_ ]?SEP|PATCH[-_ ]?T)(?:[:=/ ](?P<label>.+))?$"


class Processing(_Section):
    languages: str = "vie+eng"
    jobs: int = Field(0, ge=0)  # 0: one worker per core
    allowed_color_modes: list[Literal["color", "gray", "bw"]] = ["color", "gray", "bw"]
    jpeg_quality: int = Field(60, ge=20, le=95)
    remove_punch_holes: bool = False
    tesseract_timeout_s: float = Field(180.0, gt=0)
    max_page_kb: int = Field(200, ge=50)  # a colour page is re-encoded at lower quality above this
    min_ocr_confidence: float = Field(60.0, ge=0, le=100)  # below: the page is flagged for rescan
    ocr_model: Literal["fast", "best", "full"] = "best"  # Tesseract vie model (docs/processing.md)
    ocr_engine: Literal["auto", "cli", "library"] = (
        "auto"  # auto: tesserocr if it loads (faster), else tesseract
    )


class Signing(_Section):
    pkcs11_module: str = ""  # empty: the first known module installed here (signing.modules)
    token_label: str = ""
    token_serial: str = ""  # picks one token when two carry the same label
    cert_id: str = ""  # hex CKA_ID; empty: the only certificate with a private key
    timestamp_url: str = ""  # RFC 3161 server: PAdES B-T; off until set (agencies: http://tsa.ca.gov.vn)
    visible: bool = False  # False: invisible signature (results); True: a stamp on page 1
    stamp: Literal["copy", "signature"] = "copy"  # Decree 30 "SAO Y" copy stamp, or agency signature
    seal_image: str = ""  # red seal PNG, for "signature" stamps only
    trust_roots: list[str] = []  # CA certificates (PEM/DER) that verification trusts
    check_revocation: bool = True  # OCSP, then CRL, before signing (a warning when it cannot)
    embed_validation_info: bool = False  # PAdES B-LT: embed OCSP/CRL data (needs the network)
    prefer_pss: bool = False  # RSA-PSS instead of PKCS#1 v1.5
    intermediates: list[str] = []  # issuing-CA certificates (PEM/DER) embedded with the chain
    default_trust_anchors: bool = True  # the national roots shipped with SoHoa (+ the system trust folder)


class Repository(_Section):
    url: str = ""
    username: str = ""
    ca_bundle: str = ""  # extra CA bundle; TLS verification is always on
    bandwidth_limit_kbps: int = Field(0, ge=0)  # 0: no limit
    chunk_size_kb: int = Field(1024, ge=16)
    keep_days: int = Field(30, ge=0)  # keep acknowledged files this long
    timeout_s: float = Field(30.0, gt=0)  # per request; a slower answer counts as a passing failure
    parallel_uploads: int = Field(2, ge=1, le=8)  # documents sent at the same time
    retry_base_s: float = Field(2.0, gt=0)  # first backoff step; doubles up to retry_max_s, with jitter
    retry_max_s: float = Field(300.0, gt=0)


class Settings(_Section):
    general: General = General()
    scanner: Scanner = Scanner()
    profiles: dict[str, ScanProfile] = {"default": ScanProfile()}
    processing: Processing = Processing()
    signing: Signing = Signing()
    repository: Repository = Repository()


@dataclass
class LoadedConfig:
    settings: Settings
    user_file: Path
    locked: frozenset[str] = frozenset()
    ignored: list[str] = field(default_factory=list)  # user values a lock overrode

    def is_locked(self, key: str) -> bool:
        return _is_under_lock(key, self.locked)


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        with open(path, "rb") as fh:
            return tomllib.load(fh)
    except FileNotFoundError:
        return {}
    except tomllib.TOMLDecodeError as e:
        raise ConfigError(path=str(path), detail=f"not valid TOML ({e})") from e
    except OSError as e:
        raise ConfigError(path=str(path), detail=e.strerror or str(e)) from e


def _describe(error: PydanticValidationError) -> str:
    parts = []
    for err in error.errors():
        key = ".".join(str(p) for p in err["loc"])
        if err["type"] == "extra_forbidden":
            parts.append(f"unknown setting '{key}'")
        else:
            parts.append(f"'{key}': {err['msg']}")
    return "; ".join(parts)


def _validate(data: dict[str, Any], path: Path) -> Settings:
    try:
        return Settings.model_validate(data)
    except PydanticValidationError as e:
        raise ConfigError(path=str(path), detail=_describe(e)) from e


def _set(data: dict[str, Any], key: str, value: Any) -> None:
    parts = key.split(".")
    node = data
    for part in parts[:-1]:
        node = node.setdefault(part, {})
    node[parts[-1]] = value


def _is_under_lock(key: str, locked: frozenset[str]) -> bool:
    return any(key == lk or key.startswith(lk + ".") for lk in locked)


def _remove(data: dict[str, Any], key: str) -> None:
    parts = key.split(".")
    node = data
    for part in parts[:-1]:
        node = node[part]
    del node[parts[-1]]


def _merge(base: dict[str, Any], over: dict[str, Any]) -> dict[str, Any]:
    out = dict(base)
    for k, v in over.items():
        out[k] = _merge(out[k], v) if isinstance(v, dict) and isinstance(out.get(k), dict) else v
    return out


def _flatten(data: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    flat: dict[str, Any] = {}
    for k, v in data.items():
        key = f"{prefix}{k}"
        if isinstance(v, dict):
            flat.update(_flatten(v, key + "."))
        else:
            flat[key] = v
    return flat


def load_config(paths: AppPaths | None = None, system_file: Path | None = None) -> LoadedConfig:
    """Load defaults, then the system file, then the user's file (locked keys excepted)."""
    paths = paths or app_paths()
    system_file = system_file or system_config_file()
    system = _read_toml(system_file)
    locked_list = system.pop("locked", [])
    if not isinstance(locked_list, list) or not all(isinstance(k, str) for k in locked_list):
        raise ConfigError(path=str(system_file), detail="'locked' must be a list of setting names")
    _validate(system, system_file)
    locked = frozenset(locked_list)

    user = _read_toml(paths.config_file)
    _validate(user, paths.config_file)
    ignored = [key for key in _flatten(user) if _is_under_lock(key, locked)]
    for key in ignored:
        log.warning("setting %s in %s is locked by the administrator; ignored", key, paths.config_file)
        _remove(user, key)
    # System values are the defaults; the user's (unlocked) values override them.
    merged = _merge(system, user)
    settings = _validate(merged, paths.config_file)
    settings.profiles.setdefault("default", ScanProfile())  # a user's own profiles add to the default one
    return LoadedConfig(settings=settings, user_file=paths.config_file, locked=locked, ignored=ignored)


def save_setting(config: LoadedConfig, key: str, value: Any) -> LoadedConfig:
    """Change one setting in the user's file (validated) and return the reloaded config."""
    if config.is_locked(key):
        raise SettingLockedError(key=key)
    data = _read_toml(config.user_file)
    _set(data, key, value)
    _validate(data, config.user_file)
    config.user_file.parent.mkdir(parents=True, exist_ok=True)
    atomic_write_text(config.user_file, tomli_w.dumps(data))
    config.settings = _validate(_merge(config.settings.model_dump(), _nested(key, value)), config.user_file)
    return config


def _nested(key: str, value: Any) -> dict[str, Any]:
    out: dict[str, Any] = {}
    _set(out, key, value)
    return out
