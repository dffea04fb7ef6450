#!/usr/bin/env bash
# Build sohoa-crt-math-fix.dll for the numpy in SITE (a Windows site-packages), into OUT.
# The .def exports every name numpy imports from api-ms-win-crt-math: the stubbed ones from
# crtfix.c, the others forwarded to ucrtbase. Usage: build.sh SITE OUT.dll
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
SITE=${1:?site-packages}
OUT=${2:?out.dll}
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
for f in "$SITE"/numpy/*/*.pyd; do
  x86_64-w64-mingw32-objdump -p "$f" | awk '/DLL Name: (api-ms-win-crt-math|sohoa-crt-math-fix)/{on=1; n=0; next}
    on && /DLL Name/{on=0} on && ++n > 1 && NF >= 3 {print $NF}'
done | grep -v '^0' | sort -u > "$TMP/need"
# what crtfix.c implements (the UNARY macro makes name, namef and namel)
{
  printf '%s\n' crealf cimagf cimag creall cimagl cabsf cabsl carg cargf cargl cpow cpowf cpowl
  for n in ccos ccosh cexp csin csinh ctan ctanh; do printf '%s\n' $n ${n}f ${n}l; done
} | sort -u > "$TMP/have"
{
  echo "LIBRARY sohoa-crt-math-fix.dll"
  echo "EXPORTS"
  while read -r name; do
    if grep -qx "$name" "$TMP/have"; then echo "  $name=fix_$name"; else echo "  $name=ucrtbase.$name"; fi
  done < "$TMP/need"
} > "$TMP/crtfix.def"
x86_64-w64-mingw32-gcc -shared -O2 -s -static -static-libgcc -o "$OUT" "$HERE/crtfix.c" "$TMP/crtfix.def"
