"""The Decree 30/2020 copy stamp: top-right of page 1, SAO Y, agency, ISO 8601 Vietnam time, embedded serif font."""

from __future__ import annotations

import datetime as dt
import subprocess
from pathlib import Path

import pytest
from PIL import Image

from sohoa.signing.appearance import iso_vn, stamp_lines, stamp_spec
from sohoa.signing.batch import sign_documents
from sohoa.signing.certs import load_trust_roots
from sohoa.signing.pades import SignOptions
from sohoa.signing.softhsm import SoftHsmToken
from sohoa.signing.verify import verify_pdf

AGENCY = "Ủy ban nhân dân phường Bến Nghé, thành phố Hồ Chí Minh"


def test_iso_time_is_vietnam_time() -> None:
    moment = dt.datetime(2026, 3, 1, 17, 30, 5, tzinfo=dt.UTC)
    assert iso_vn(moment) == "2026-03-02T00:30:05+07:00"


def test_copy_stamp_lines() -> None:
    moment = dt.datetime(2026, 3, 1, 1, 2, 3, tzinfo=dt.UTC)
    lines = stamp_lines("copy", agency=AGENCY, signer="ignored", moment=moment)
    assert lines[0] == "SAO Y"
    assert " ".join(lines[1:-1]) == AGENCY  # long names wrap at word boundaries, nothing lost
    assert lines[-1].endswith("2026-03-01T08:02:03+07:00")


def test_stamp_box_is_top_right_of_page() -> None:
    spec = stamp_spec("copy", (0, 0, 595, 842), agency=AGENCY, signer="", moment=dt.datetime.now(dt.UTC))
    x0, y0, x1, y1 = spec.box
    assert x1 == 575 and y1 == 822 and x0 > 595 / 2 and y0 > 842 * 3 / 4


def test_seal_image_must_exist(tmp_path: Path) -> None:
    from sohoa.core.errors import InputError

    with pytest.raises(InputError):
        stamp_spec(
            "signature",
            (0, 0, 595, 842),
            agency="A",
            signer="B",
            moment=dt.datetime.now(dt.UTC),
            seal_image=tmp_path / "none.png",
        )


def _dark_fraction(image: Image.Image, box: tuple[int, int, int, int]) -> float:
    region = image.crop(box).convert("L")
    pixels = list(region.get_flattened_data())
    return sum(1 for p in pixels if p < 128) / len(pixels)


@pytest.mark.parametrize("appearance", ["copy", "signature"])
def test_visible_stamp_renders_top_right_and_keeps_signature_valid(
    token: SoftHsmToken, plain_pdf: Path, tmp_path: Path, appearance: str
) -> None:
    seal = None
    if appearance == "signature":
        seal = tmp_path / "seal.png"
        Image.new("RGBA", (120, 120), (200, 0, 0, 255)).save(seal)
    options = SignOptions(appearance=appearance, agency_name=AGENCY, seal_image=seal)  # type: ignore[arg-type]
    result = sign_documents(
        [plain_pdf],
        tmp_path / "out",
        module=token.module,
        token_label=token.label,
        pin=token.pin,
        options=options,
    )
    signed = result.signed[0].output
    assert signed is not None
    assert all(r.ok for r in verify_pdf(signed, load_trust_roots([token.ca_pem])))
    subprocess.run(
        ["pdftoppm", "-r", "72", "-png", "-f", "1", "-l", "1", str(signed), str(tmp_path / "page")],
        check=True,
        timeout=60,
    )
    image = Image.open(next(tmp_path.glob("page*.png")))
    w, h = image.size
    assert _dark_fraction(image, (w // 2, 0, w, h // 8)) > 0.01, "stamp text top-right"
    assert _dark_fraction(image, (0, 0, w // 2, h // 8)) == 0, "nothing top-left"
    assert _dark_fraction(image, (0, h // 4, w, h)) == 0, "nothing else on the page"
    fonts = subprocess.run(["pdffonts", str(signed)], capture_output=True, text=True, timeout=60).stdout
    assert "LiberationSerif" in fonts and " yes " in fonts
    if appearance == "signature":
        red = image.crop((w // 2, 0, w, h // 8)).convert("RGB")
        assert any(r > 150 and g < 80 and b < 80 for r, g, b in red.get_flattened_data()), (
            "the red seal is drawn"
        )


def _sign_stamp(token: SoftHsmToken, source: Path, tmp_path: Path, agency: str = AGENCY) -> Path:
    result = sign_documents(
        [source],
        tmp_path / "out",
        module=token.module,
        token_label=token.label,
        pin=token.pin,
        options=SignOptions(appearance="copy", agency_name=agency),
    )
    assert result.ok, [d.message for d in result.documents]
    return result.signed[0].output  # type: ignore[return-value]


def _render_300(path: Path, tmp_path: Path) -> Image.Image:
    subprocess.run(
        ["pdftoppm", "-r", "300", "-gray", "-f", "1", "-l", "1", str(path), str(tmp_path / "p300")],
        check=True,
        timeout=120,
    )
    return Image.open(next(tmp_path.glob("p300*.pgm")))


def _dark_rows(image: Image.Image) -> list[int]:
    import numpy as np

    dark = np.asarray(image) < 128
    return [int(y) for y in np.nonzero(dark.any(axis=1))[0]]


def test_stamp_is_10_pt_measured_at_300_dpi_and_the_long_line_fits(
    token: SoftHsmToken, plain_pdf: Path, tmp_path: Path
) -> None:
    """The cap height of "SAO Y", measured in pixels, gives the font size: 10 pt +- 0.5 pt."""
    from sohoa.signing.appearance import font_metrics, stamp_font

    long_agency = "Ủy ban nhân dân phường Bến Nghé, thành phố Hồ Chí Minh"  # 54 characters on one line
    signed = _sign_stamp(token, plain_pdf, tmp_path, long_agency)
    page = _render_300(signed, tmp_path)
    px_per_pt = 300 / 72
    spec = stamp_spec("copy", (0, 0, 595, 842), agency=long_agency, signer="", moment=dt.datetime.now(dt.UTC))
    x0, y0, x1, y1 = (round(v * px_per_pt) for v in spec.box)
    height = page.size[1]
    stamp = page.crop((x0, height - y1, x1, height - y0))
    rows = _dark_rows(stamp)
    first = [rows[0]]
    for y in rows[1:]:  # the first run of dark rows is the line "SAO Y": capitals only
        if y != first[-1] + 1:
            break
        first.append(y)
    cap_pt = len(first) / px_per_pt
    metrics = font_metrics(stamp_font())
    size = cap_pt * metrics.units_per_em / metrics.cap_height
    assert 9.5 <= size <= 10.5, f"measured {size:.2f} pt"
    assert "Ủy ban nhân dân phường Bến Nghé, thành phố Hồ Chí Minh" in spec.text.splitlines()
    outside = page.crop((0, 0, page.size[0], height - y1)), page.crop((0, 0, x0, page.size[1]))
    assert all(not _dark_rows(region) for region in outside), "no ink outside the stamp's box"
    import numpy as np

    columns = np.nonzero((np.asarray(stamp) < 128).any(axis=0))[0]
    assert columns[-1] < stamp.size[0] - 2, "the longest line ends inside the box"


def test_stamp_box_is_white_over_the_page_header(token: SoftHsmToken, tmp_path: Path) -> None:
    import pikepdf

    pdf = pikepdf.new()
    pdf.add_blank_page(page_size=(595, 842))
    pdf.pages[0].Contents = pdf.make_stream(b"0 0 0 rg 0 700 595 142 re f")  # a black page header
    source = tmp_path / "header.pdf"
    pdf.save(source)
    signed = _sign_stamp(token, source, tmp_path)
    page = _render_300(signed, tmp_path)
    spec = stamp_spec("copy", (0, 0, 595, 842), agency=AGENCY, signer="", moment=dt.datetime.now(dt.UTC))
    x0, y0, x1, y1 = (round(v * 300 / 72) for v in spec.box)
    height = page.size[1]
    import numpy as np

    stamp = np.asarray(page.crop((x0 + 2, height - y1 + 2, x1 - 2, height - y0 - 2)))
    white = (stamp > 200).mean()
    assert white > 0.7, "the box is white under the text, not the black header"
    assert (stamp < 128).mean() > 0.01, "and the text is drawn on it"


def test_copy_stamp_without_agency_is_refused(token: SoftHsmToken, plain_pdf: Path, tmp_path: Path) -> None:
    from sohoa.signing.errors import StampNeedsAgency

    with pytest.raises(StampNeedsAgency):
        _sign_stamp(token, plain_pdf, tmp_path, agency="  ")
    with pytest.raises(StampNeedsAgency):
        stamp_lines("copy", agency="", signer="x", moment=dt.datetime.now(dt.UTC))
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())


def test_stamp_font_is_times_compatible() -> None:
    from sohoa.signing.appearance import pdf_ready_font, stamp_font

    font = stamp_font()
    assert font.name in {"LiberationSerif-Regular.ttf", "Tinos-Regular.ttf"}
    from fontTools.ttLib import TTFont

    with TTFont(pdf_ready_font(font)) as scaled:
        assert scaled["head"].unitsPerEm == 1000  # the unit of the PDF /W array
