#!/usr/bin/env bash
# Builds dist/sohoa_VERSION_amd64.deb: a PyInstaller one-folder app in /opt/sohoa, `sohoa` on the
# PATH, a desktop entry and an icon. Prints the package's size.
set -euo pipefail
cd "$(dirname "$0")/../.."
say() { printf '\033[1m[package]\033[0m %s\n' "$*"; }

VERSION=$(.venv/bin/python -c "import app; print(app.__version__)")
say "installing PyInstaller into .venv"
.venv/bin/python -m pip install -q -r installer/requirements-package.txt 2> >(grep -v "is ignored" >&2)
say "freezing the app with PyInstaller (a few minutes)"
.venv/bin/pyinstaller --noconfirm --clean --log-level WARN \
  --distpath build/pyinstaller/dist --workpath build/pyinstaller/work installer/sohoa.spec

STAGE="build/deb/sohoa_${VERSION}_amd64"
say "staging $STAGE"
rm -rf "$STAGE"
install -d "$STAGE/DEBIAN" "$STAGE/opt" "$STAGE/usr/bin" "$STAGE/usr/share/applications" \
  "$STAGE/usr/share/icons/hicolor/scalable/apps" "$STAGE/usr/share/icons/hicolor/256x256/apps" \
  "$STAGE/usr/share/doc/sohoa" "$STAGE/etc/sohoa"
cp -a build/pyinstaller/dist/sohoa "$STAGE/opt/sohoa"
ln -s /opt/sohoa/sohoa "$STAGE/usr/bin/sohoa"
install -m 644 installer/linux/sohoa.desktop "$STAGE/usr/share/applications/sohoa.desktop"
install -m 644 installer/icons/sohoa.svg "$STAGE/usr/share/icons/hicolor/scalable/apps/sohoa.svg"
install -m 644 installer/icons/sohoa.png "$STAGE/usr/share/icons/hicolor/256x256/apps/sohoa.png"
install -m 644 installer/linux/config.toml.example "$STAGE/etc/sohoa/config.toml.example"
install -m 644 README.md "$STAGE/usr/share/doc/sohoa/README.md"
install -m 755 installer/linux/postinst installer/linux/postrm "$STAGE/DEBIAN/"
INSTALLED_KB=$(du -sk --exclude=DEBIAN "$STAGE" | cut -f1)
cat > "$STAGE/DEBIAN/control" <<CONTROL
Package: sohoa
Version: ${VERSION}
Architecture: amd64
Maintainer: SoHoa team <sohoa@example.gov.vn>
Section: misc
Priority: optional
Installed-Size: ${INSTALLED_KB}
Depends: tesseract-ocr, tesseract-ocr-vie, tesseract-ocr-eng, libsane1, fonts-noto-core | fonts-liberation2,
 libgl1, libegl1, libxkbcommon-x11-0, libxcb-cursor0, libxcb-icccm4, libxcb-image0, libxcb-keysyms1,
 libxcb-randr0, libxcb-render-util0, libxcb-shape0, libxcb-xkb1, libfontconfig1, libdbus-1-3
Recommends: sane-utils, opensc, sane-airscan
Suggests: softhsm2, poppler-utils
Description: scanning workstation for one-stop counters
 SoHoa scans paper dossiers (SANE), cleans and OCRs them in Vietnamese (Tesseract), builds
 searchable PDF/A-2b files, signs them with the clerk's PKCS#11 token (PAdES) and uploads
 them durably to the provincial electronic data repository.
CONTROL
mkdir -p dist
DEB="dist/sohoa_${VERSION}_amd64.deb"
say "building $DEB"
dpkg-deb --root-owner-group -Zxz --build "$STAGE" "$DEB" >/dev/null
SIZE=$(du -h "$DEB" | cut -f1)
say "package: $DEB, $(stat -c %s "$DEB") bytes ($SIZE); installed size ${INSTALLED_KB} KB"
