"""Where SoHoa keeps its files: the user's data, config, log and recovery folders.

Personal data (citizen IDs, names, scans) lives only under the data folder, which
is created readable by the user alone (0700). ``SOHOA_HOME`` moves every folder
under one root; tests and the demo use it to stay out of the user's real folders.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from pathlib import Path

import platformdirs

APP_NAME = "sohoa"
APP_AUTHOR = "SoHoa"


@dataclass(frozen=True)
class AppPaths:
    data: Path  # the local store, page files, queue files, logs
    config: Path  # the user's config.toml and profiles
    cache: Path  # work folders that may be deleted at any time

    @property
    def config_file(self) -> Path:
        return self.config / "config.toml"

    @property
    def store_file(self) -> Path:
        return self.data / "sohoa.db"

    @property
    def pages(self) -> Path:
        return self.data / "pages"

    @property
    def recovery(self) -> Path:
        return self.data / "recovery"

    @property
    def logs(self) -> Path:
        return self.data / "logs"

    @property
    def work(self) -> Path:
        return self.data / "work"

    def ensure(self) -> AppPaths:
        """Create the folders (private to the user) and return self."""
        for folder in (self.data, self.config, self.cache, self.pages, self.recovery, self.logs, self.work):
            private_dir(folder)
        return self


def app_paths() -> AppPaths:
    """The folders of the current user (or under ``$SOHOA_HOME`` when it is set)."""
    home = os.environ.get("SOHOA_HOME")
    if home:
        root = Path(home).expanduser().resolve()
        return AppPaths(data=root / "data", config=root / "config", cache=root / "cache")
    return AppPaths(
        data=Path(platformdirs.user_data_dir(APP_NAME, APP_AUTHOR)),
        config=Path(platformdirs.user_config_dir(APP_NAME, APP_AUTHOR)),
        cache=Path(platformdirs.user_cache_dir(APP_NAME, APP_AUTHOR)),
    )


def system_config_file() -> Path:
    """The administrator's system-wide config (values and locks), read-only for users."""
    override = os.environ.get("SOHOA_SYSTEM_CONFIG")
    if override:
        return Path(override)
    if sys.platform == "win32":
        return Path(os.environ.get("PROGRAMDATA", r"C:\ProgramData")) / "SoHoa" / "config.toml"
    return Path("/etc/sohoa/config.toml")


def private_dir(path: Path) -> Path:
    """Create ``path`` (and parents) and make it accessible to the owner alone."""
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    if sys.platform != "win32":
        os.chmod(path, 0o700)
    return path
