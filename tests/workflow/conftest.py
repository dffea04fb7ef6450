"""What the workflow tests share: the reference server on loopback, trusting the module's own
SoftHSM2 token (each module defines its fixture ``token``, with its own label and PIN); the
configuration that points SoHoa at both; the CLI as a real subprocess; a drawn result page."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import tomli_w
from PIL import Image, ImageDraw

from reference_repository.testing import RunningServer, run_server
from sohoa.signing.softhsm import SoftHsmToken


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory, token: SoftHsmToken) -> Iterator[RunningServer]:
    with run_server(tmp_path_factory.mktemp("repo"), trust_roots=[token.ca_pem]) as srv:
        yield srv


def write_config(home: Path, token: SoftHsmToken, server: RunningServer, **repository: Any) -> None:
    """``config.toml`` in ``home``: sign with ``token`` (revocation off: its CA runs no OCSP) and
    upload to ``server`` with short retries; ``repository`` adds or changes repository settings."""
    config = {
        "signing": {
            "pkcs11_module": str(token.module),
            "token_label": token.label,
            "trust_roots": [str(token.ca_pem)],
            "check_revocation": False,
        },
        "repository": {"url": server.url, "retry_base_s": 0.05, "retry_max_s": 1.0, **repository},
    }
    (home / "config").mkdir(parents=True, exist_ok=True)
    (home / "config" / "config.toml").write_text(tomli_w.dumps(config))


def sohoa(
    env: dict[str, str], *args: str, ok: bool = True, lang: str = "en"
) -> subprocess.CompletedProcess[str]:
    """``sohoa --lang LANG ARGS`` as a subprocess; with ``ok``, it must exit 0."""
    proc = subprocess.run(
        [sys.executable, "-m", "sohoa", "--lang", lang, *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    if ok:
        assert proc.returncode == 0, proc.stdout + proc.stderr
    return proc


def as_json(proc: subprocess.CompletedProcess[str]) -> Any:
    return json.loads(proc.stdout)


def result_page(folder: Path, name: str = "p.png") -> Path:
    """A 150 dpi A4 page with one black bar: enough for a document, read in a second."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    im = Image.new("RGB", (1240, 1754), "white")
    ImageDraw.Draw(im).rectangle((200, 300, 1000, 340), fill="black")
    im.save(path, dpi=(150, 150))
    return path
