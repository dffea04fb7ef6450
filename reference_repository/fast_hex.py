"""A faster reader for PDF hex strings, installed into pyHanko's parser in the check workers.

Why: pyHanko reads ``<...>`` hex strings one byte at a time in Python, and a PAdES
signature's ``/Contents`` is a hex string of ~16,000 digits (mostly the zero padding
the signer reserved), so parsing one signature dictionary cost ~5 ms, a fifth of a
commit's checks. This reader finds the closing ``>`` with ``bytes.find`` and decodes
with ``binascii``; it accepts and rejects exactly what pyHanko's does (hex digits and
PDF whitespace; an odd digit count padded with ``0``) and hands anything unusual (a
``%`` comment inside the string) back to pyHanko's own reader.
"""

from __future__ import annotations

import binascii
import os
from typing import Any

from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.misc import PDF_WHITESPACE, PdfStreamError

_ORIGINAL = generic.read_hex_string_from_stream
_BLOCK = 1 << 16


def read_hex_string_from_stream(stream: Any) -> Any:
    """Same contract as :func:`pyhanko.pdf_utils.generic.read_hex_string_from_stream`."""
    start = stream.tell()
    stream.read(1)  # the "<"
    pieces: list[bytes] = []
    while True:
        block = stream.read(_BLOCK)
        if not block:
            stream.seek(start)
            return _ORIGINAL(stream)  # truncated: let pyHanko raise its own error
        end = block.find(b">")
        if end >= 0:
            pieces.append(block[:end])
            stream.seek(end + 1 - len(block), os.SEEK_CUR)
            break
        pieces.append(block)
    digits = b"".join(pieces).translate(None, PDF_WHITESPACE)
    if b"%" in digits:
        stream.seek(start)
        return _ORIGINAL(stream)  # a comment inside the string: rare, leave it to pyHanko
    if digits.translate(None, generic.HEX_DIGITS):
        raise PdfStreamError("Unexpected token in hex string")
    if len(digits) % 2:
        digits += b"0"
    return generic.pdf_string(binascii.unhexlify(digits))


def install() -> None:
    """Make pyHanko's object reader use this function (idempotent; per process)."""
    generic.read_hex_string_from_stream = read_hex_string_from_stream
