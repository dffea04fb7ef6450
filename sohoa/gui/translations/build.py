"""Refresh ``sohoa_vi.ts`` from the sources (pyside6-lupdate) and compile ``sohoa_vi.qm`` (pyside6-lrelease).

Run after changing any ``tr()`` string: ``.venv/bin/python sohoa/gui/translations/build.py``. Translate the
new entries in the .ts (Qt Linguist: ``pyside6-linguist sohoa/gui/translations/sohoa_vi.ts``), run it
again, and commit both files: the app loads the .qm and never needs the tools at runtime.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
UI = HERE.parent
BIN = Path(sys.executable).parent


def sources() -> list[str]:
    return sorted(str(p.relative_to(UI.parent)) for p in UI.rglob("*.py") if "translations" not in p.parts)


def update(lang: str = "vi") -> Path:
    ts = HERE / f"sohoa_{lang}.ts"
    subprocess.run(
        [
            str(BIN / "pyside6-lupdate"),
            *sources(),
            "-ts",
            str(ts.relative_to(UI.parent)),
            "-no-obsolete",
            "-locations",
            "none",
            "-target-language",
            lang,
        ],
        cwd=UI.parent,
        check=True,
        timeout=120,
    )
    return ts


def release(lang: str = "vi") -> Path:
    qm = HERE / f"sohoa_{lang}.qm"
    subprocess.run(
        [str(BIN / "pyside6-lrelease"), str(HERE / f"sohoa_{lang}.ts"), "-qm", str(qm)],
        check=True,
        timeout=120,
    )
    return qm


if __name__ == "__main__":
    update()
    print(release())
