"""Point numpy's .pyd files at sohoa-crt-math-fix.dll instead of api-ms-win-crt-math (Wine only).

The DLL name in a PE import table is a NUL-terminated string; the new name is shorter, so it
is written in place, padded with NULs. ``--undo`` puts the original name back.
Usage: patch_numpy.py SITE_OR_APP_DIR [--undo]
"""

import sys
from pathlib import Path

OLD = b"api-ms-win-crt-math-l1-1-0.dll\0"
NEW = b"sohoa-crt-math-fix.dll\0".ljust(len(OLD), b"\0")


def main() -> int:
    root, undo = Path(sys.argv[1]), "--undo" in sys.argv
    src, dst = (NEW, OLD) if undo else (OLD, NEW)
    count = 0
    for pyd in sorted(root.rglob("numpy/*/*.pyd")):
        data = pyd.read_bytes()
        for old in (src, src.replace(b"api-ms-win-crt-math", b"API-MS-WIN-CRT-MATH")):
            if old in data:
                pyd.write_bytes(data.replace(old, dst))
                count += 1
                break
    print(f"{'restored' if undo else 'patched'} {count} numpy modules under {root}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
