"""Draws the SoHoa icon as PNG and ICO (the SVG in icons/ is the master; this mirrors it with Pillow)."""

from pathlib import Path

from PIL import Image, ImageDraw

HERE = Path(__file__).parent / "icons"


def draw(size: int = 256) -> Image.Image:
    s = size / 256
    img = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    d = ImageDraw.Draw(img)
    d.rounded_rectangle([8 * s, 8 * s, 248 * s, 248 * s], radius=40 * s, fill="#0b5cad")
    d.polygon(
        [
            (76 * s, 44 * s),
            (152 * s, 44 * s),
            (192 * s, 84 * s),
            (192 * s, 220 * s),
            (68 * s, 220 * s),
            (68 * s, 52 * s),
        ],
        fill="#ffffff",
    )
    d.polygon([(152 * s, 44 * s), (192 * s, 84 * s), (152 * s, 84 * s)], fill="#cfe0f5")
    for y, w in ((104, 84), (126, 84), (148, 52)):
        d.rounded_rectangle([88 * s, y * s, (88 + w) * s, (y + 10) * s], radius=5 * s, fill="#0b5cad")
    d.ellipse([134 * s, 150 * s, 194 * s, 210 * s], fill="#d7261e")
    d.line(
        [(150 * s, 180 * s), (160 * s, 190 * s), (180 * s, 170 * s)], fill="#ffffff", width=max(1, int(8 * s))
    )
    return img


if __name__ == "__main__":
    icon = draw(256)
    icon.save(HERE / "sohoa.png")
    icon.save(
        HERE / "sohoa.ico", sizes=[(16, 16), (24, 24), (32, 32), (48, 48), (64, 64), (128, 128), (256, 256)]
    )
    print(f"wrote {HERE / 'sohoa.png'} and {HERE / 'sohoa.ico'}")
