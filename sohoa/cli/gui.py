"""``sohoa gui``: the desktop app; ``--screenshot FILE --view NAME`` renders one view and exits.

Qt is imported inside the handler only: the rest of the CLI (and the core tests) never load it.
"""

from __future__ import annotations

import argparse
from pathlib import Path

VIEWS = ("counter", "batch-sign", "queue", "backlog", "statistics", "settings", "report")


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("gui", help="start the desktop app")
    p.add_argument(
        "--screenshot", type=Path, metavar="FILE", help="render a view with demo data to a PNG and exit"
    )
    p.add_argument("--view", choices=VIEWS, default="counter", help="the view to render (with --screenshot)")
    p.add_argument(
        "--first-run", action="store_true", help="show the first-run wizard even if a config exists"
    )
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    import os

    if args.screenshot and not os.environ.get("DISPLAY") and not os.environ.get("WAYLAND_DISPLAY"):
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # no screen: render offscreen
    from sohoa.core.i18n import language

    if args.screenshot:
        from sohoa.gui.app import take_screenshot

        path = take_screenshot(args.screenshot, args.view, lang=args.lang or language())
        print(path)
        return 0
    from sohoa.gui.app import run_gui

    return run_gui(lang=args.lang, first_run=True if args.first_run else None)
