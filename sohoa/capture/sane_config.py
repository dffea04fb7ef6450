"""A private SANE configuration folder for SANE's ``test`` backend.

Debian ships the ``test`` backend commented out in /etc/sane.d/dll.conf and limits
its page to 200 mm, smaller than A4. Rather than touch /etc, SoHoa writes its own
folder and points ``SANE_CONFIG_DIR`` at it (before ``sane.init()``).
"""

from __future__ import annotations

import os
import re
from pathlib import Path

_DEFAULT_TEST_CONF = """\
number_of_options 0
geometry_max 300.0
"""


def write_test_backend_config(folder: Path, with_system_backends: bool = False) -> Path:
    """Write a SANE config folder enabling the ``test`` backend with A3-sized geometry.

    With ``with_system_backends`` the folder's dll.conf also lists every backend the
    system's dll.conf enables, so real scanners stay visible next to the test device
    (use it with ``SANE_CONFIG_DIR=folder:``, see :func:`sane_env`).
    """
    folder.mkdir(parents=True, exist_ok=True)
    system = Path("/etc/sane.d/test.conf")
    conf = system.read_text() if system.is_file() else _DEFAULT_TEST_CONF
    if re.search(r"(?m)^geometry_max\b", conf):
        conf = re.sub(r"(?m)^geometry_max .*$", "geometry_max 300.0", conf)
    else:
        conf += "\ngeometry_max 300.0\n"
    (folder / "test.conf").write_text(conf)
    backends = ["test"]
    system_dll = Path("/etc/sane.d/dll.conf")
    if with_system_backends and system_dll.is_file():
        for line in system_dll.read_text().splitlines():
            name = line.split("#", 1)[0].strip()
            if name and name not in backends:
                backends.append(name)
    (folder / "dll.conf").write_text("\n".join(backends) + "\n")
    return folder


def sane_env(folder: Path, with_system_backends: bool = False) -> dict[str, str]:
    """Environment that makes SANE read ``folder`` (then the system folders, if asked)."""
    value = str(folder) + (os.pathsep if with_system_backends else "")
    return {**os.environ, "SANE_CONFIG_DIR": value}
