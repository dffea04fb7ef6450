"""Plain Tesseract through the library (libtesseract, as tesserocr bundles it): the bench's
baseline when the pipeline reads through the library, so that both use the same engine build.

    python bench/tess_baseline.py IMAGE OUTBASE TESSDATA_DIR   # writes OUTBASE.pdf

What ``tesseract IMAGE OUTBASE -l vie --psm 3 --tessdata-dir DIR -c textonly_pdf=1 pdf`` does
with the program: leptonica reads the file (its resolution included), psm 3, the default engine
mode, one thread, Tesseract's own PDF renderer.
"""

from __future__ import annotations

import os
import sys

os.environ["OMP_THREAD_LIMIT"] = "1"


def main() -> int:
    import tesserocr

    image, outbase, tessdata = sys.argv[1:4]
    with tesserocr.PyTessBaseAPI(path=tessdata, lang="vie", psm=tesserocr.PSM.AUTO) as api:
        api.SetVariable("tessedit_create_pdf", "1")
        api.SetVariable("textonly_pdf", "1")
        return 0 if api.ProcessPages(outbase, image) else 1


if __name__ == "__main__":
    raise SystemExit(main())
