#!/usr/bin/env bash
# Installs what SoHoa needs on Debian 12: system packages (apt) and a venv in .venv (pip).
# Idempotent: a second run only checks, and finishes in a few seconds.
set -euo pipefail
cd "$(dirname "$0")/.."

APT_PACKAGES=(
  # OCR
  tesseract-ocr tesseract-ocr-vie tesseract-ocr-eng
  # scanning (libsane-dev builds python-sane)
  sane-utils libsane-dev
  # token
  softhsm2 opensc
  # PDF tools used by tests and the doctor
  poppler-utils libnss3-tools ghostscript unpaper pngquant qpdf
  # fonts with every Vietnamese glyph
  fonts-noto-core fonts-dejavu fonts-liberation2
  # Qt under a virtual screen
  xvfb xauth libegl1 libgl1 libxkbcommon-x11-0 libxcb-cursor0 libxcb-icccm4 libxcb-image0
  libxcb-keysyms1 libxcb-randr0 libxcb-render-util0 libxcb-shape0 libxcb-xkb1 libfontconfig1
  libdbus-1-3
  # build tools: python-sane compiles; the Debian package is built with dpkg-deb
  gcc libc6-dev dpkg-dev fakeroot make
)
PY=${PYTHON:-python3}
# Debian's own python3 needs its venv and header packages; a pyenv/python.org build has them.
if [ "$(command -v "$PY")" = "/usr/bin/python3" ] || ! command -v "$PY" >/dev/null; then
  APT_PACKAGES+=(python3 python3-venv python3-dev)
fi

# pip warns about optional local mirrors that do not exist on every machine; keep the rest.
quiet_pip() { "$@" 2> >(grep -v -e "is ignored: it is neither a file nor a directory" -e "BuildBackendWarning" >&2); }
say() { printf '\033[1m[setup]\033[0m %s\n' "$*"; }
die() { printf '\033[1;31m[setup] ERROR:\033[0m %s\n' "$*" >&2; exit 1; }
SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"  # root on CI; sudo for a developer

missing=()
for p in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  say "installing ${#missing[@]} system packages with apt: ${missing[*]}"

  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq || die "apt-get update failed: check the network or the apt sources, then run 'make setup' again."
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" \
    || die "apt-get install failed for: ${missing[*]}. Read apt's message above, fix it, then run 'make setup' again."
else
  say "system packages: all ${#APT_PACKAGES[@]} present"
fi

if [ ! -x .venv/bin/python ]; then
  say "creating the virtual environment in .venv"
  $PY -m venv .venv || die "could not create .venv with $PY (is python3-venv installed?)"
fi

# Reinstall only when the dependency lists changed since the last successful install.
stamp=.venv/.sohoa-deps
want=$(cat pyproject.toml requirements.lock | sha256sum | cut -d' ' -f1)
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
  say "python packages: up to date"
else
  say "installing python packages into .venv (pip)"
  quiet_pip .venv/bin/python -m pip install -q --upgrade pip \
    || die "pip could not upgrade itself: check access to the package index."
  quiet_pip .venv/bin/python -m pip install -q -r requirements.lock \
    || die "pip install -r requirements.lock failed: read pip's message above."
  quiet_pip .venv/bin/python -m pip install -q --no-deps -e . \
    || die "pip install -e . failed: read pip's message above."
  echo "$want" > "$stamp"
fi
# Tesseract models (issue 11): Debian ships the "fast" vie model; the integerised "best" one
# (4.0.0_best_int) and the full one (4.0.0) come from the npm package @tesseract.js-data/vie.
# Each model gets a folder of its own with osd and eng beside it: .tessdata/{fast,best,full}.
install_tessdata() {
  local dest=.tessdata sys=/usr/share/tesseract-ocr/5/tessdata
  if [ -s "$dest/best/vie.traineddata" ] && [ -s "$dest/full/vie.traineddata" ] && [ -s "$dest/fast/configs/tsv" ]; then
    say "tesseract models: fast, best_int and full present in $dest"
    return
  fi
  if ! command -v npm >/dev/null; then
    say "installing nodejs and npm with apt (to fetch the better Tesseract models)"
    $SUDO apt-get update -qq || true
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends nodejs npm \
      || die "apt-get install nodejs npm failed; it is needed once to fetch the Tesseract models."
  fi
  local tmp; tmp=$(mktemp -d)
  (cd "$tmp" && npm pack -q @tesseract.js-data/vie@1.0.0 >/dev/null 2>&1) \
    || { rm -rf "$tmp"; die "npm pack @tesseract.js-data/vie failed: check access to the npm registry."; }
  tar -xzf "$tmp"/tesseract.js-data-vie-*.tgz -C "$tmp"
  mkdir -p "$dest/fast" "$dest/best" "$dest/full"
  cp "$sys/vie.traineddata" "$dest/fast/vie.traineddata"
  gunzip -c "$tmp/package/4.0.0_best_int/vie.traineddata.gz" > "$dest/best/vie.traineddata"
  gunzip -c "$tmp/package/4.0.0/vie.traineddata.gz" > "$dest/full/vie.traineddata"
  for d in fast best full; do
    cp "$sys/osd.traineddata" "$sys/eng.traineddata" "$dest/$d/"
    cp -r "$sys/configs" "$sys/tessconfigs" "$dest/$d/"  # "tsv" and other output configs
  done
  rm -rf "$tmp"
  say "tesseract models: fast, best_int and full installed in $dest"
}
install_tessdata
# node + npm: the tus interoperability tests run tus-js-client (tests/queue/interop)
interop=tests/queue/interop
if [ -f "$interop/package-lock.json" ]; then
  if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
    say "installing node and npm with apt (for the tus interoperability tests)"
    $SUDO apt-get update -qq || true
    $SUDO apt-get install -y -qq --no-install-recommends nodejs npm \
      || die "apt-get install nodejs npm failed: read apt's message above, then run 'make setup' again."
  fi
  if [ ! -f "$interop/node_modules/.package-lock.json" ] || [ "$interop/package-lock.json" -nt "$interop/node_modules/.package-lock.json" ]; then
    say "installing the npm packages of $interop (npm ci)"
    npm ci --prefix "$interop" --no-audit --no-fund --loglevel=error >/dev/null \
      || die "npm ci in $interop failed: check access to the npm registry, then run 'make setup' again."
  else
    say "npm packages: up to date"
  fi
fi
say "done"
