"""Checking a signed document against the configured trust roots (the demo, ``sohoa dossier show``)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sohoa.workflow.context import Workspace


def verify_file(ws: Workspace, path: Path) -> list[Any]:
    """Every signature of ``path`` checked against ``[signing] trust_roots`` (``SignatureReport`` list)."""
    from sohoa.signing.certs import load_trust_roots
    from sohoa.signing.verify import verify_pdf

    return verify_pdf(path, load_trust_roots(ws.settings.signing.trust_roots))
