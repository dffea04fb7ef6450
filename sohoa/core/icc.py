"""The sRGB ICC profile for PDF/A output intents: one resource for the pipeline and the test samples."""

from __future__ import annotations

import functools
import importlib.resources


@functools.cache
def srgb_profile() -> bytes:
    """The sRGB ICC profile pikepdf ships for PDF/A output intents (Pillow's as a fallback)."""
    try:
        return importlib.resources.files("pikepdf.pdfa").joinpath("data/sRGB.icc").read_bytes()
    except (FileNotFoundError, ModuleNotFoundError):
        from PIL import ImageCms

        return ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
