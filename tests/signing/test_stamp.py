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
    assert "Serif" in fonts and " yes " in fonts
    if appearance == "signature":
        red = image.crop((w // 2, 0, w, h // 8)).convert("RGB")
        assert any(r > 150 and g < 80 and b < 80 for r, g, b in red.get_flattened_data()), (
            "the red seal is drawn"
        )
