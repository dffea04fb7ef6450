"""The library OCR backend (tesserocr's libtesseract, the Windows build's engine) against the
tesseract CLI: the same words, a real timeout, and the choice between them."""

from __future__ import annotations

import difflib
import shutil
import sys
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from sohoa.core.config import Processing
from sohoa.processing import ProcessOptions, geometry, ocr, process_document
from sohoa.processing import tesserocr_engine as lib
from sohoa.processing.errors import OcrTimeout, TesseractMissing
from tests.processing.conftest import LINES, render
from tests.processing.test_orientation import letter
from tests.processing.test_process import pdftotext

pytest.importorskip("tesserocr")


@pytest.fixture(autouse=True)
def _engine_reset(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.delenv("SOHOA_OCR_ENGINE", raising=False)
    yield
    ocr.use_model("best", None)


@pytest.fixture
def no_cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A PATH without the tesseract program (as on a Windows PC without UB Mannheim's build)."""
    bare = tmp_path / "bin"
    bare.mkdir()
    for tool in ("pdftotext", "pdffonts"):  # the other programs the tests read the output with
        if shutil.which(tool):
            (bare / tool).symlink_to(shutil.which(tool))  # type: ignore[arg-type]
    monkeypatch.setenv("PATH", str(bare))
    assert shutil.which("tesseract") is None


def _read(engine: str, gray: np.ndarray, work: Path, languages: str = "vie") -> list[ocr.Word]:
    ocr.use_model("best", engine)
    return ocr.start(gray, work, languages, 300, 120, f"p-{engine}").result()


def cer(truth: str, text: str) -> float:
    m = difflib.SequenceMatcher(None, truth, text, autojunk=False)
    edits = sum(max(i2 - i1, j2 - j1) for op, i1, i2, j1, j2 in m.get_opcodes() if op != "equal")
    return edits / max(1, len(truth))


def test_both_backends_give_the_same_words_on_a_vietnamese_page(tmp_path: Path) -> None:
    gray = np.asarray(Image.open(render(tmp_path / "trang.png", LINES)).convert("L"))
    cli, library = _read("cli", gray, tmp_path), _read("library", gray, tmp_path)
    cli_text, lib_text = " ".join(w.text for w in cli), " ".join(w.text for w in library)
    # Tesseract 5.3 (Debian's CLI) beside 5.5 (the wheel's library): same settings, same model
    assert cer(cli_text, lib_text) <= 0.005, (cli_text, lib_text)
    assert cer(" ".join(LINES), lib_text) <= 0.01, lib_text
    same = [(a, b) for a, b in zip(cli, library, strict=False) if a.text == b.text]
    assert len(same) >= 0.95 * len(cli)
    for a, b in same:  # the boxes the text layer is placed by, and the line boxes
        assert (
            max(
                abs(p - q)
                for p, q in zip(
                    (a.left, a.top, a.width, a.height), (b.left, b.top, b.width, b.height), strict=True
                )
            )
            <= 2
        )
        assert max(abs(p - q) for p, q in zip(a.line, b.line, strict=True)) <= 2
        assert abs(a.conf - b.conf) < 10
        # the text layer sits each line on Tesseract's baseline: both backends give it
        assert a.baseline is not None and b.baseline is not None and abs(a.baseline - b.baseline) <= 2


def test_the_corpus_vietnamese_word_is_read_in_nfc_by_the_library(corpus: Path, tmp_path: Path) -> None:
    gray = np.asarray(Image.open(corpus / "ocr/tesseract/viet.tif").convert("L"))
    words = _read("library", gray, tmp_path)
    assert [w.text for w in words] == [(corpus / "ocr/tesseract/viet.gt.txt").read_text("utf-8").strip()]


@pytest.mark.timeout(60)  # the point: a tiny timeout ends the read, it never hangs
def test_a_tiny_timeout_gives_the_typed_timeout_error(corpus: Path, tmp_path: Path) -> None:
    gray = np.asarray(Image.open(corpus / "ocr/tesseract/phototest.tif").convert("L"))
    ocr.use_model("best", "library")
    run = ocr.start(gray, tmp_path, "eng", 300, 0.01, "slow")
    with pytest.raises(OcrTimeout) as err:
        run.result()
    assert "giây" in err.value.message("vi") and "slow" in err.value.message("vi")
    # the cancelled API is not reused: the next page reads normally
    assert [w.text for w in _read("library", gray, tmp_path, "eng")][:3] == ["This", "is", "a"]


def test_auto_takes_the_library_even_where_tesseract_is_installed(tmp_path: Path) -> None:
    """The library is the faster backend (docs/processing.md), so auto prefers it to the program."""
    assert shutil.which("tesseract")
    ocr.use_model("best", "auto")
    assert lib.library_selected()
    assert isinstance(
        ocr.start(np.full((50, 50), 255, np.uint8), tmp_path, "vie", 300, 30, "x"), lib.LibraryRun
    )


def test_the_environment_variable_overrides_auto_but_not_an_explicit_choice(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("SOHOA_OCR_ENGINE", "cli")
    ocr.use_model("best", "auto")  # the configuration's default: the environment decides
    assert not lib.library_selected()
    ocr.use_model("best", "library")  # chosen in the configuration: kept
    assert lib.library_selected()


def test_auto_takes_the_library_when_the_cli_is_missing(no_cli: None, tmp_path: Path) -> None:
    ocr.use_model("best", "auto")
    assert lib.library_selected()
    ocr.check_languages("vie+eng")  # listed by the library, no tesseract --list-langs
    gray = np.asarray(Image.open(render(tmp_path / "t.png", LINES[:2])).convert("L"))
    words = ocr.start(gray, tmp_path, "vie", 300, 120, "t").result()
    assert " ".join(w.text for w in words) == " ".join(LINES[:2])


def test_cli_asked_for_and_missing_is_tesseract_missing(no_cli: None, tmp_path: Path) -> None:
    ocr.use_model("best", "cli")
    with pytest.raises(TesseractMissing):
        ocr.start(np.full((50, 50), 255, np.uint8), tmp_path, "vie", 300, 30, "x")


def test_the_environment_variable_picks_the_library(monkeypatch: pytest.MonkeyPatch) -> None:
    ocr.use_model("best", None)
    monkeypatch.setenv("SOHOA_OCR_ENGINE", "library")
    assert lib.library_selected()
    monkeypatch.setenv("SOHOA_OCR_ENGINE", "cli")
    assert not lib.library_selected()


def test_library_asked_for_and_unloadable_is_a_typed_vietnamese_error(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setitem(sys.modules, "tesserocr", None)  # import tesserocr now raises ImportError
    lib._load.cache_clear()
    try:
        ocr.use_model("best", "library")
        with pytest.raises(lib.OcrLibraryMissing) as err:
            ocr.check_languages("vie")
        assert "cài lại SoHoa" in err.value.message("vi") and "ocr_engine = cli" in err.value.message("vi")
        ocr.use_model("best", "auto")  # auto without the library: the CLI, as before
        assert not lib.library_selected()
    finally:
        lib._load.cache_clear()


def test_unknown_engine_is_refused() -> None:
    with pytest.raises(ValueError):
        ocr.use_model("best", "gpu")


def test_config_setting_reaches_the_options() -> None:
    assert ProcessOptions.from_config(Processing(ocr_engine="library")).ocr_engine == "library"
    assert ProcessOptions.from_config(Processing()).ocr_engine == "auto"


def test_a_document_without_the_cli_gets_its_text_layer_and_orientation_from_the_library(
    no_cli: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """End to end, the Windows situation: no tesseract program. The shape vote is made unsure,
    so the orientation vote (orient.py) also runs through the library."""
    monkeypatch.setattr(geometry, "line_direction", lambda mask: None)
    files = [letter(tmp_path, "u180", orientation=180)]
    out = tmp_path / "out.pdf"
    report = process_document(files, out, ProcessOptions(languages="vie", jobs=1))
    assert [p.orientation for p in report.pages] == [180]
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in pdftotext(out, 1)
