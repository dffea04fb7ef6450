"""What the queue reads from a signed PDF before accepting it: its page count and first signer."""

from __future__ import annotations

from pathlib import Path

from sohoa.outbox.errors import NotASignedPdf

__all__ = ["inspect_signed_pdf"]


def inspect_signed_pdf(path: Path) -> tuple[int, str]:
    """The page count and first signer of a signed PDF; NotASignedPdf if it is not one.

    The parsing is the signing layer's one signature parser (:mod:`sohoa.signing.parse`).
    """
    from sohoa.signing.parse import NotASignedPdfFile
    from sohoa.signing.parse import inspect_signed_pdf as inspect

    try:
        return inspect(path)
    except NotASignedPdfFile as e:
        raise NotASignedPdf(path=str(path), detail=str(e.params.get("detail", ""))) from e
