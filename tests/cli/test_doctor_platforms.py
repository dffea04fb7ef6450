"""``sohoa doctor`` per platform: the Windows list runs here with the platform as a parameter.

What a Windows check looks at is given to it (folders, the environment, the TWAIN module), so
these tests use real files (the system's Tesseract copied as ``tesseract.exe``, real fonts)
and the fake pytwain in the real worker process; the same checks run in the installed
``sohoa.exe doctor`` under Wine (tests/windows/test_installer.py).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from sohoa.cli import doctor_windows as win
from sohoa.cli.doctor_checks import check_pkcs11, check_store, checks_for, run_checks
from sohoa.core import i18n
from sohoa.core.windows_install import DEFAULT_TESSERACT_DIR, find_tesseract_dir, tesseract_folders
from sohoa.processing.errors import MissingLanguage, TesseractMissing

FONTS = Path("/usr/share/fonts/truetype")
REAL_TESSERACT = shutil.which("tesseract")  # before a test replaces shutil.which
DEBIAN_WORDS = ("apt", "SANE", "chmod", "make setup", "0o7")


def _names(platform: str) -> list[str]:
    return [getattr(c, "__name__", None) or c.func.__name__ for c in checks_for(platform)]  # type: ignore[attr-defined]


def test_the_check_lists_differ_by_platform() -> None:
    linux, windows = _names("linux"), _names("win32")
    assert "check_sane" in linux and "check_poppler" in linux and "check_twain" not in linux
    assert "check_twain" in windows and "check_sane" not in windows and "check_poppler" not in windows
    assert [c.__module__ for c in checks_for("win32") if getattr(c, "__name__", "") == "check_tesseract"] == [
        "sohoa.cli.doctor_windows"
    ]


@pytest.mark.parametrize("platform", ["linux", "win32"])
def test_store_check_reads_posix_modes_only_on_posix(platform: str, sohoa_home: Path) -> None:
    result = check_store(platform)
    assert result.ok
    if platform == "win32":  # os.stat reads 0o777 for every folder there: no mode is reported
        assert "ACL" in result.detail and "0o" not in result.detail
    else:
        assert "0o700" in result.detail


@pytest.mark.parametrize("platform", ["linux", "win32"])
def test_token_advice_per_platform(platform: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("sohoa.signing.modules.find_modules", lambda configured: [])
    result = check_pkcs11(platform)
    assert not result.ok
    assert ("apt" in result.fix) is (platform == "linux")
    if platform == "win32":
        assert "VNPT-CA" in result.fix and "trình điều khiển" in result.fix


def test_tesseract_folders_recorded_first_then_registry_then_usual(tmp_path: Path) -> None:
    app = tmp_path / "SoHoa"
    app.mkdir()
    (app / "tesseract-path.txt").write_text("\ufeffD:\\OCR\\Tesseract\n", encoding="utf-8")
    env = {"ProgramFiles": str(tmp_path / "pf"), "LOCALAPPDATA": str(tmp_path / "local")}
    folders = tesseract_folders(env, app, registry="E:\\Tess")
    assert folders[:2] == ["D:\\OCR\\Tesseract", "E:\\Tess"]
    assert folders[2:] == [
        str(tmp_path / "pf" / "Tesseract-OCR"),
        str(tmp_path / "local" / "Programs" / "Tesseract-OCR"),
    ]
    assert tesseract_folders({}, None, registry="") == [DEFAULT_TESSERACT_DIR]
    assert tesseract_folders({}, None, registry=DEFAULT_TESSERACT_DIR + "\\") == [
        DEFAULT_TESSERACT_DIR + "\\"
    ]


def _windows_tesseract(folder: Path) -> Path:
    """The real Tesseract of this machine, under the Windows file name."""
    assert REAL_TESSERACT, "Tesseract is installed by make setup"
    folder.mkdir(parents=True)
    exe = folder / "tesseract.exe"
    shutil.copy(REAL_TESSERACT, exe)
    return exe


def test_windows_tesseract_found_on_path_runs_and_reports_its_version(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "Tesseract-OCR"
    exe = _windows_tesseract(folder)
    monkeypatch.setattr(win.shutil, "which", lambda name: str(exe) if name == "tesseract" else None)
    result = win.check_tesseract([str(folder)], library=False)  # ocr_engine = cli, or no tesserocr
    assert result.ok and result.detail.startswith("tesseract 5") and str(exe) in result.detail
    # where the bundled library loads, auto reads through it (the faster engine): the doctor says so
    result = win.check_tesseract([str(folder)], library=True)
    assert result.ok and "đi kèm SoHoa" in result.detail and str(exe) not in result.detail


def test_windows_tesseract_missing_names_the_folders_and_the_windows_fix(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(win.shutil, "which", lambda name: None)
    folders = [str(tmp_path / "recorded"), DEFAULT_TESSERACT_DIR]
    result = win.check_tesseract(folders, library=False)
    assert not result.ok and result.required
    assert str(tmp_path / "recorded") in result.detail and DEFAULT_TESSERACT_DIR in result.fix
    assert "UB Mannheim" in result.fix and not any(w in result.fix + result.detail for w in DEBIAN_WORDS)
    assert "không tìm thấy" in result.detail  # Vietnamese by default
    # installed, but not on PATH (SoHoa run from source): found, and told how to reach it
    _windows_tesseract(tmp_path / "recorded")
    assert find_tesseract_dir(folders) == str(tmp_path / "recorded")
    result = win.check_tesseract(folders, library=False)
    assert not result.ok and "PATH" in result.detail and str(tmp_path / "recorded") in result.fix


def test_windows_vie_data_from_the_bundled_folder_when_tesseract_is_missing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(win.shutil, "which", lambda name: None)
    tessdata = tmp_path / "SoHoa" / "_internal" / "tessdata"
    tessdata.mkdir(parents=True)
    result = win.check_tesseract_vie(env={}, app=tmp_path / "SoHoa", library=False)
    assert not result.ok and result.fix == "cài lại SoHoa"
    shutil.copy("/usr/share/tesseract-ocr/5/tessdata/vie.traineddata", tessdata)
    result = win.check_tesseract_vie(env={}, app=tmp_path / "SoHoa", library=False)
    assert result.ok and str(tessdata) in result.detail
    assert win.check_tesseract_vie(env={"TESSDATA_PREFIX": str(tessdata)}, app=None, library=False).ok


def test_windows_vie_data_listed_by_a_present_tesseract(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    exe = _windows_tesseract(tmp_path / "Tesseract-OCR")
    monkeypatch.setattr(win.shutil, "which", lambda name: str(exe) if name == "tesseract" else None)
    result = win.check_tesseract_vie(env={}, app=None, library=False)
    assert result.ok and "vie" in result.detail


def test_windows_fonts_from_the_bundled_folder_or_the_windows_fonts_folder(tmp_path: Path) -> None:
    bundled, windows_fonts = tmp_path / "fonts", tmp_path / "Windows" / "Fonts"
    bundled.mkdir()
    windows_fonts.mkdir(parents=True)
    result = win.check_fonts([bundled, windows_fonts])
    assert (
        not result.ok and "Liberation Serif" in result.fix and not any(w in result.fix for w in DEBIAN_WORDS)
    )
    # Windows' own names: times.ttf and arial.ttf (here: fonts with every Vietnamese glyph)
    shutil.copy(FONTS / "liberation2" / "LiberationSerif-Regular.ttf", windows_fonts / "times.ttf")
    shutil.copy(FONTS / "noto" / "NotoSans-Regular.ttf", windows_fonts / "arial.ttf")
    assert win.check_fonts([bundled, windows_fonts]).ok
    # the bundled ones come first
    shutil.copy(FONTS / "noto" / "NotoSans-Regular.ttf", bundled / "NotoSans-Regular.ttf")
    result = win.check_fonts([bundled, windows_fonts])
    assert result.ok and str(bundled / "NotoSans-Regular.ttf") in result.detail


def test_windows_fonts_reject_a_font_without_the_vietnamese_glyphs(tmp_path: Path) -> None:
    shutil.copy(FONTS / "noto" / "NotoSans-Regular.ttf", tmp_path / "times.ttf")
    bad = tmp_path / "arial.ttf"
    bad.write_bytes(b"not a font")
    result = win.check_fonts([tmp_path])
    assert not result.ok


def test_twain_through_the_worker_lists_the_sources(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOHOA_FAKE_TWAIN", "Counter Scanner:2")
    result = win.check_twain(twain_module="tests.capture.fake_twain", timeout_s=60)
    assert result.ok and "Counter Scanner" in result.detail and "1 nguồn TWAIN" in result.detail


def test_twain_missing_pytwain_says_reinstall() -> None:
    result = win.check_twain(timeout_s=60)  # pytwain is not installed on Linux
    assert not result.ok and result.required and result.fix == "cài lại SoHoa"


@pytest.mark.parametrize("platform", ["linux", "win32"])
def test_tesseract_missing_error_names_the_right_install(platform: str) -> None:
    for error in (
        TesseractMissing(platform=platform),
        MissingLanguage(platform=platform, language="vie", available="eng"),
    ):
        vi, en = error.message("vi"), error.message("en")
        if platform == "win32":
            assert "apt" not in vi + en and ("UB Mannheim" in vi or "cài lại SoHoa" in vi)
        else:
            assert "apt install tesseract-ocr" in vi
    from sohoa.core.errors import from_wire, to_wire

    again = from_wire(to_wire(TesseractMissing(platform=platform)))  # crosses worker processes whole
    assert again.message("vi") == TesseractMissing(platform=platform).message("vi")


def test_windows_doctor_in_english_and_never_crashes(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(i18n, "_current", "en")
    results = run_checks("win32")
    assert [r.name for r in results][:4] == [
        "Python packages",
        "Tesseract OCR",
        "Tesseract Vietnamese data (vie)",
        "TWAIN scanning",
    ]
    assert not any("check failed" in r.detail for r in results)
    assert not any("apt" in r.fix for r in results)
