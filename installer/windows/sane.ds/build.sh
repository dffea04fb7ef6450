#!/bin/bash
# Build Wine 8.0's sane.ds (TWAIN data source over SANE) with SoHoa's fixes and install it.
#
# Debian builds Wine --without-sane, so it ships no sane.ds. This script takes Debian's own Wine
# source (apt-get source wine, from a deb-src line for deb.debian.org), extracts only dlls/sane.ds and
# include, applies sohoa-fixes.patch (file transfer; fixed-point resolution; the scan source
# really set; CAP_FEEDERENABLED honoured and not reset to "Auto" on open), and builds:
#   sane.ds  the PE side, with x86_64-w64-mingw32-gcc and Wine's headers, marked builtin by winebuild;
#   sane.so  the Unix side, with gcc against libsane and Wine's ntdll.so.
# Then installs both into Wine's DLL folders (needs root). Usage: build.sh WORKDIR
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
WORK=${1:?usage: build.sh WORKDIR}
WINELIB=/usr/lib/x86_64-linux-gnu/wine
mkdir -p "$WORK"
cd "$WORK"
if [ ! -f src/wine_8.0~repack.orig.tar.xz ]; then
  SRCLIST=/etc/apt/sources.list.d/sohoa-debian-src.sources
  if [ ! -f "$SRCLIST" ]; then
    printf 'Types: deb-src\nURIs: http://deb.debian.org/debian\nSuites: bookworm\nComponents: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n' > "$SRCLIST"
  fi
  apt-get update -qq -o Dir::Etc::sourcelist="$SRCLIST" -o Dir::Etc::sourceparts=- -o APT::Get::List-Cleanup=0
  mkdir -p src
  (cd src && apt-get source --download-only -qq wine=8.0~repack-4)
fi
# apt-get source checked the tarball against the .dsc (signed by the Debian archive key); check it again.
grep -q "$(sha256sum src/wine_8.0~repack.orig.tar.xz | cut -d' ' -f1)" src/wine_8.0~repack-4.dsc
rm -rf tree build && mkdir -p tree build
tar xJf src/wine_8.0~repack.orig.tar.xz -C tree --strip-components=1 --wildcards '*/dlls/sane.ds/*' '*/include/*'
(cd tree && patch -p1 -s < "$HERE/sohoa-fixes.patch")
S=$WORK/tree
D=$S/dlls/sane.ds
cd build
echo '/* config.h for building sane.ds out of Wine'"'"'s tree: nothing is needed */' > config.h
# Unix side
gcc -c -fPIC -O2 -D__WINESRC__ -DWINE_UNIX_LIB -D_REENTRANT -I. -I"$D" -I"$S/include" -o unixlib.o "$D/unixlib.c"
gcc -shared -o sane.so unixlib.o "$WINELIB/x86_64-unix/ntdll.so" -lsane
# PE side
CC=x86_64-w64-mingw32-gcc
CFLAGS=(-O2 -nostdinc -D__WINESRC__ -D_UCRT -D__WINE_PE_BUILD -DWINE_NO_LONG_TYPES -I. -I"$D" -I"$S/include"
        -I"$S/include/msvcrt" -fno-builtin -fno-strict-aliasing)
OBJS=()
for f in capability ds_ctrl ds_image options sane_main ui; do
  $CC -c "${CFLAGS[@]}" -o $f.o "$D/$f.c"
  OBJS+=($f.o)
done
/usr/lib/wine/wrc --nostdinc -I. -I"$D" -I"$S/include" -D__WINESRC__ -o sane.res "$D/sane.rc"
x86_64-w64-mingw32-windres -i sane.res -o sane_res.o 2>/dev/null
/usr/lib/wine/winebuild -w --def -o sane.def --export "$D/sane.ds.spec" -m64
$CC -shared -nostdlib -o sane.ds sane.def "${OBJS[@]}" sane_res.o -L"$WINELIB/x86_64-windows" -lwinecrt0 \
  -lcomctl32 -luser32 -lgdi32 -lkernel32 -lntdll -lucrtbase -Wl,--entry,DllMainCRTStartup -Wl,--subsystem,windows \
  -Wl,--no-insert-timestamp
/usr/lib/wine/winebuild --builtin sane.ds
install -m644 sane.ds "$WINELIB/x86_64-windows/sane.ds"
install -m644 sane.so "$WINELIB/x86_64-unix/sane.so"
sha256sum sane.ds sane.so
