"""``sohoa gui``: the desktop app; ``--screenshot FILE --view NAME`` renders one view and exits.

Qt is imported inside the handler only: the rest of the CLI (and the core tests) never load it.
"""

from __future__ import annotations

import argparse
from pathlib import Path

VIEWS = ("counter", "batch-sign", "queue", "backlog", "statistics", "settings", "report")


def window_size(text: str) -> tuple[int, int]:
    """``WxH`` (e.g. 1366x768) as a pair of pixels."""
    try:
        w, h = (int(v) for v in text.lower().replace("×", "x").split("x"))
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected WIDTHxHEIGHT such as 1366x768, got {text!r}") from None
    if not (320 <= w <= 7680 and 240 <= h <= 4320):
        raise argparse.ArgumentTypeError(f"window size {text!r} is out of range (320x240 to 7680x4320)")
    return w, h


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("gui", help="start the desktop app")
    p.add_argument(
        "--screenshot", type=Path, metavar="FILE", help="render a view with demo data to a PNG and exit"
    )
    p.add_argument("--view", choices=VIEWS, default="counter", help="the view to render (with --screenshot)")
    p.add_argument(
        "--size",
        type=window_size,
        default=(1366, 768),
        metavar="WxH",
        help="window size for --screenshot (default 1366x768, the commonest office laptop)",
    )
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

        try:
            path = take_screenshot(args.screenshot, args.view, lang=args.lang or language(), size=args.size)
        except ValueError as e:  # the report view ships with its own issue
            print(f"sohoa gui: {e}")
            return 2
        print(path)
        return 0
    from sohoa.gui.app import run_gui

    return run_gui(lang=args.lang, first_run=True if args.first_run else None)
