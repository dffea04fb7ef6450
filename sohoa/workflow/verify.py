"""Checking a signed document against the configured trust roots (the demo, ``sohoa dossier show``)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sohoa.workflow.context import Workspace


def verify_file(ws: Workspace, path: Path) -> list[Any]:
    """Every signature of ``path`` checked against ``[signing] trust_roots`` (``SignatureReport`` list)."""
    from sohoa.signing.trust import read_cert_files, trust_roots
    from sohoa.signing.verify import verify_pdf

    cfg = ws.settings.signing  # the same anchors as `sohoa verify`: the national roots plus the config's
    roots = trust_roots(cfg.trust_roots, defaults=cfg.default_trust_anchors)
    return verify_pdf(path, roots, intermediates=read_cert_files(cfg.intermediates))
