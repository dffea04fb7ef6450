"""The workspace every use case runs in: folders, settings, the province profile, the local store.

The CLI opens one per command, the desktop app one per window (and a copy per worker thread, see
:meth:`Workspace.for_worker`), the demo one in its own output folder.
"""

from __future__ import annotations

import contextlib
import dataclasses
import logging
import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from sohoa.core.config import LoadedConfig, Settings, load_config
from sohoa.core.errors import SoHoaError
from sohoa.core.paths import AppPaths, app_paths, private_dir
from sohoa.core.province import ProvinceProfile, load_profile
from sohoa.core.store import Store

if TYPE_CHECKING:
    from sohoa.outbox.outbox import Outbox

log = logging.getLogger(__name__)


@dataclass
class Workspace:
    """What every use case shares: folders, settings, the province profile and the local store."""

    paths: AppPaths
    config: LoadedConfig
    store: Store
    clerk: str = field(default_factory=lambda: os.environ.get("USER", "") or "clerk")
    _profile: ProvinceProfile | None = None

    @classmethod
    def open(cls, paths: AppPaths | None = None) -> Workspace:
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

    def outbox(self) -> Outbox:
        """The durable outbox of this workstation (one per data folder); close it after use."""
        from sohoa.outbox.outbox import Outbox

        return Outbox(self.paths.data / "outbox")

    def documents_dir(self, dossier_id: str) -> Path:
        """Where a dossier's PDF/A and signed files go (private to the user)."""
        return private_dir(self.paths.data / "documents" / dossier_id)

    def close(self) -> None:
        self.store.close()

    def __enter__(self) -> Workspace:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextlib.contextmanager
    def for_worker(self) -> Iterator[Workspace]:
        """A copy with its own store connection: workers never share the UI thread's transaction."""
        store = Store(self.paths.store_file)
        try:
            yield dataclasses.replace(self, store=store)
        finally:
            store.close()


AppContext = Workspace
