"""Entry point of the frozen SoHoa on Windows.

Before the CLI starts, it puts the Tesseract the installer recorded (``tesseract-path.txt``
beside ``sohoa.exe``, else an install found in the usual places: sohoa.core.windows_install)
on the PATH, and points Tesseract at the language data installed with
the app (``tessdata``: vie, eng, osd) unless TESSDATA_PREFIX is already set. Otherwise it is
the Linux entry point (worker processes come back here through ``freeze_support``).
"""

import os
import sys
from pathlib import Path


def _tesseract_setup() -> None:
    from sohoa.core.windows_install import find_tesseract_dir, installed_tesseract_folders

    here = Path(sys.executable).resolve().parent
    # The recorded folder, else UB Mannheim's registry value, else its default folders: the first
    # that holds tesseract.exe (a clerk may install Tesseract after SoHoa, or move it).
    folders = installed_tesseract_folders()
    folder = find_tesseract_dir(folders) or (folders[0] if folders else "")
    if folder:
        os.environ["PATH"] = folder + os.pathsep + os.environ.get("PATH", "")
    tessdata = here / "_internal" / "tessdata"
    if "TESSDATA_PREFIX" not in os.environ and tessdata.is_dir():
        os.environ["TESSDATA_PREFIX"] = str(tessdata)


def _utf8_streams() -> None:
    """A piped or redirected stdout on Windows uses the ANSI code page (cp1252), which cannot
    encode Vietnamese: `sohoa doctor | more` failed with UnicodeEncodeError (seen under Wine)."""
    for stream in (sys.stdout, sys.stderr):
        if stream is not None and hasattr(stream, "reconfigure"):
            stream.reconfigure(encoding="utf-8", errors="replace")


if __name__ == "__main__":
    _utf8_streams()
    if getattr(sys, "frozen", False):
        _tesseract_setup()
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    from entry import _main  # installer/entry.py: freeze_support, -m and -c for workers

    sys.exit(_main())
