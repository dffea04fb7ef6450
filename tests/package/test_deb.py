"""The Debian package: install into a fresh root, run the installed app, upgrade, remove.

Slow (it needs a built package): run by `make test-package`, which builds it first and sets
SOHOA_DEB. Without SOHOA_DEB the test builds the package itself.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
from pathlib import Path

import numpy as np
import pikepdf
import pytest
import sqlite_utils
from PIL import Image, ImageDraw, ImageFont

from sohoa.core.fonts import find_font
from sohoa.core.store import MIGRATIONS, SCHEMA_VERSION

pytestmark = pytest.mark.package
ROOT = Path(__file__).resolve().parents[2]


def _run(cmd: list[str], **kw: object) -> subprocess.CompletedProcess[str]:
    return subprocess.run(cmd, capture_output=True, text=True, timeout=900, check=False, **kw)  # type: ignore[call-overload]


@pytest.fixture(scope="module")
def deb() -> Path:
    given = os.environ.get("SOHOA_DEB")
    if given:
        return Path(given).resolve()
    out = _run([str(ROOT / "installer" / "linux" / "build_deb.sh")], cwd=ROOT)
    assert out.returncode == 0, out.stderr[-3000:]
    return sorted((ROOT / "dist").glob("sohoa_*_amd64.deb"), key=lambda p: p.stat().st_mtime)[-1]


def _fresh_root(path: Path) -> Path:
    for sub in ("var/lib/dpkg/info", "var/lib/dpkg/updates", "etc", "usr/bin"):
        (path / sub).mkdir(parents=True, exist_ok=True)
    (path / "var/lib/dpkg/status").touch()
    (path / "var/lib/dpkg/available").touch()
    return path


def _dpkg(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return _run(
        ["dpkg", f"--root={root}", "--force-depends", "--force-script-chrootless", "--log=/dev/null", *args]
    )


def _sample_page(path: Path) -> Path:
    img = Image.new("RGB", (1240, 1754), "white")  # A4 at 150 dpi keeps the test quick
    draw = ImageDraw.Draw(img)
    font = ImageFont.truetype(str(find_font("serif")), 40)
    for i, line in enumerate(
        [
            "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
            "Độc lập - Tự do - Hạnh phúc",
            "GIẤY XÁC NHẬN",
            "Ủy ban nhân dân xã xác nhận ông Nguyễn Văn An",
        ]
    ):
        draw.text((120, 200 + 80 * i), line, fill="black", font=font)
    img.save(path, dpi=(150, 150))
    return path


def test_install_run_upgrade_remove(deb: Path, tmp_path: Path) -> None:
    root = _fresh_root(tmp_path / "root")
    out = _dpkg(root, "-i", str(deb))
    assert out.returncode == 0, out.stderr
    exe = root / "opt" / "sohoa" / "sohoa"
    assert exe.is_file()
    assert os.readlink(root / "usr/bin/sohoa") == "/opt/sohoa/sohoa"
    assert (root / "usr/share/applications/sohoa.desktop").is_file()
    assert (root / "usr/share/icons/hicolor/scalable/apps/sohoa.svg").is_file()

    home = tmp_path / "home"
    env = {**os.environ, "SOHOA_HOME": str(home), "PYTHONPATH": "", "PATH": "/usr/bin:/bin"}
    version = _run([str(exe), "--version"], env=env)
    assert version.returncode == 0 and version.stdout.startswith("sohoa "), version.stderr

    doctor = _run([str(exe), "--lang", "en", "doctor"], env=env)
    assert doctor.returncode == 0, doctor.stdout + doctor.stderr

    page = _sample_page(tmp_path / "page.png")
    pdf = tmp_path / "out.pdf"
    processed = _run(
        [str(exe), "--lang", "en", "process", str(page), "--out", str(pdf)], env=env, cwd=tmp_path
    )
    assert processed.returncode == 0, processed.stdout + processed.stderr
    with pikepdf.open(pdf) as doc:
        assert len(doc.pages) == 1
        assert doc.open_metadata().pdfa_status == "2B"
    text = _run(["pdftotext", str(pdf), "-"]).stdout
    assert "Nguyễn" in text or "GIẤY" in text

    # User data of an older release: a genuine schema-1 store holding a dossier, a config and a queued file.
    store = home / "data" / "sohoa.db"
    store.unlink()
    for extra in ("-wal", "-shm"):
        store.with_name(store.name + extra).unlink(missing_ok=True)
    conn = sqlite3.connect(store)
    MIGRATIONS[0](sqlite_utils.Database(conn))
    conn.execute("PRAGMA user_version = 1")
    conn.execute(
        "INSERT INTO dossiers (id, code, owner_type, received_date) VALUES ('d1', 'H15-1', 'person', '2026-01-02')"
    )
    conn.commit()
    conn.close()
    (home / "config" / "config.toml").write_text('[general]\nlanguage = "en"\n')
    queued = home / "data" / "queued-marker"
    queued.write_bytes(b"queued document")

    upgraded = _repack_with_version(deb, tmp_path, "99.0.0")
    out = _dpkg(root, "-i", str(upgraded))
    assert out.returncode == 0, out.stderr
    listed = _run(["dpkg-query", f"--root={root}", "-W", "-f=${Version}", "sohoa"])
    assert listed.stdout == "99.0.0"
    assert queued.read_bytes() == b"queued document"
    assert 'language = "en"' in (home / "config" / "config.toml").read_text()

    _run([str(exe), "doctor"], env=env)  # the first start after the upgrade migrates the schema
    conn = sqlite3.connect(store)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    assert conn.execute("SELECT code FROM dossiers").fetchall() == [("H15-1",)]  # the data survived
    conn.close()

    (root / "etc/sohoa/config.toml").write_text("# the administrator's own settings\n")
    assert _dpkg(root, "-r", "sohoa").returncode == 0
    assert not exe.exists()
    assert queued.exists() and store.exists()
    assert _dpkg(root, "-P", "sohoa").returncode == 0
    assert not (root / "etc/sohoa/config.toml.example").exists()
    assert (root / "etc/sohoa/config.toml").exists()
    assert queued.exists()


def _repack_with_version(deb: Path, tmp: Path, version: str) -> Path:
    tree = tmp / "repack"
    assert _run(["dpkg-deb", "-R", str(deb), str(tree)]).returncode == 0
    control = tree / "DEBIAN" / "control"
    lines = [
        f"Version: {version}" if ln.startswith("Version:") else ln for ln in control.read_text().splitlines()
    ]
    control.write_text("\n".join(lines) + "\n")
    out = tmp / f"sohoa_{version}_amd64.deb"
    done = _run(["dpkg-deb", "--root-owner-group", "-Znone", "--build", str(tree), str(out)])
    assert done.returncode == 0, done.stderr
    return out


def test_sample_page_generator_has_vietnamese(tmp_path: Path) -> None:
    arr = np.asarray(Image.open(_sample_page(tmp_path / "p.png")).convert("L"))
    assert (arr < 128).mean() > 0.005  # text was drawn
