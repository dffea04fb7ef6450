"""Entry point of the frozen SoHoa on Windows.

Before the CLI starts, it puts the Tesseract the installer recorded (``tesseract-path.txt``
beside ``sohoa.exe``) on the PATH, and points Tesseract at the language data installed with
the app (``tessdata``: vie, eng, osd) unless TESSDATA_PREFIX is already set. Otherwise it is
the Linux entry point (worker processes come back here through ``freeze_support``).
"""

import os
import sys
from pathlib import Path


def _tesseract_setup() -> None:
    here = Path(sys.executable).resolve().parent
    recorded = here / "tesseract-path.txt"
    if recorded.is_file():
        folder = recorded.read_text(encoding="utf-8-sig").strip()
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
