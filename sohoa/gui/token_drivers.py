"""Token drivers (PKCS#11 modules) as a clerk knows them: by the vendor's name, the file's path on hover.

The wizard and the Settings view list them the same way, through :func:`fill_driver_box`: one line
per driver (symlinks to one file merged), the vendor's words in the user's language, the file name
only where it tells apart two drivers of one vendor.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox

from sohoa.core.i18n import Text, tr

# the driver list's few English descriptions (sohoa.signing.modules), in the clerk's language
VENDOR_WORDS = {
    "SoftHSM2 (tests, demo)": Text(vi="SoftHSM2 (thử nghiệm, trình diễn)", en="SoftHSM2 (tests, demo)"),
    "OpenSC (ePass2003 and most CA tokens)": Text(
        vi="OpenSC (ePass2003 và phần lớn token của các CA)", en="OpenSC (ePass2003 and most CA tokens)"
    ),
    "FPT-CA (fptca-4.0 package, 32-bit)": Text(
        vi="FPT-CA (gói fptca-4.0, 32-bit)", en="FPT-CA (fptca-4.0 package, 32-bit)"
    ),
}
OTHER_DRIVER = Text(vi="Trình điều khiển token khác", en="Other token driver")


def driver_items(modules: Iterable[str]) -> list[tuple[str, str]]:
    """(path, what the list shows) for each driver; the first path of several to one file is kept."""
    from sohoa.signing.modules import vendor_of

    paths, seen = [], set()
    for m in modules:
        real = os.path.realpath(m)
        if real not in seen:
            seen.add(real)
            paths.append(str(m))
    vendors = [tr(VENDOR_WORDS[v]) if v in VENDOR_WORDS else v for v in map(vendor_of, paths)]
    items = []
    for path, vendor in zip(paths, vendors, strict=True):
        # clerks know the CA, not the file: the file only tells apart two drivers of one vendor
        text = (
            vendor
            if vendor and vendors.count(vendor) == 1
            else f"{vendor or tr(OTHER_DRIVER)} ({Path(path).name})"
        )
        items.append((path, text))
    return items


def installed_drivers(configured: str = "") -> list[str]:
    """The configured driver (when it exists) first, then every known driver installed here."""
    from sohoa.signing.modules import find_modules

    return [str(p) for p in find_modules(configured)]


def fill_driver_box(box: QComboBox, modules: Iterable[str]) -> None:
    """Add one item per driver (data: its path); the path shows on hover, on the item and the box."""
    for path, text in driver_items(modules):
        box.addItem(text, path)
        box.setItemData(box.count() - 1, path, Qt.ItemDataRole.ToolTipRole)

    def hover(_index: int = 0) -> None:
        data = box.currentData()
        path = str(data) if data and box.currentText() == box.itemText(box.currentIndex()) else ""
        box.setProperty("hint", path)  # what the Settings view restores after its lock check
        if box.isEnabled():  # a locked (disabled) box keeps saying so
            box.setToolTip(path)

    box.currentIndexChanged.connect(hover)
    box.editTextChanged.connect(hover)
    hover()
