"""Text comparison helpers for the benchmarks: normalisation and character error rate."""

from __future__ import annotations

import re
import unicodedata

import numpy as np


def normalise(text: str) -> str:
    """NFC, typographic dashes and quotes folded, whitespace collapsed to single spaces."""
    text = unicodedata.normalize("NFC", text)
    text = text.replace("\u2013", "-").replace("\u2014", "-").replace("\u2019", "'").replace("\u201c", '"')
    text = text.replace("\u201d", '"').replace("\ufb01", "fi").replace("\ufb02", "fl")
    return re.sub(r"\s+", " ", text).strip()


def levenshtein(a: str, b: str) -> int:
    """Edit distance, one numpy row at a time (insertions resolved with a running minimum)."""
    if not a:
        return len(b)
    if not b:
        return len(a)
    bb = np.frombuffer(b.encode("utf-32-le"), dtype=np.uint32)
    idx = np.arange(len(b) + 1)
    prev = idx.copy()
    for i, ch in enumerate(a, start=1):
        cost = (bb != ord(ch)).astype(np.int64)
        cur = np.empty_like(prev)
        cur[0] = i
        cur[1:] = np.minimum(prev[1:] + 1, prev[:-1] + cost)
        cur = np.minimum.accumulate(cur - idx) + idx
        prev = cur
    return int(prev[-1])


def cer(truth: str, ocr: str) -> float:
    """Character error rate of ``ocr`` against ``truth`` after :func:`normalise` (0.0 = perfect)."""
    t, o = normalise(truth), normalise(ocr)
    return levenshtein(t, o) / max(len(t), 1)
