"""The ``sohoa`` command line. Each subcommand lives in its own module under ``sohoa.cli``.

A command module has ``register(subparsers)``, which adds its parser(s) and sets
``func`` to a handler ``(args) -> int``. Modules import their heavy dependencies
inside the handler, so ``sohoa --version`` stays fast. Errors are mapped to exit
codes in one place, :func:`run_command`.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import os
import sys
from collections.abc import Sequence

from sohoa import __version__
from sohoa.core.errors import ExitCode, SoHoaError, exit_code_for
from sohoa.core.i18n import Text, set_language, tr

log = logging.getLogger("sohoa.cli")

# One line per command module; the order is the order of ``sohoa --help``.
COMMAND_MODULES = [
    "sohoa.cli.scan",
    "sohoa.cli.process",
    "sohoa.cli.sign",
    "sohoa.cli.queue",
    "sohoa.cli.doctor",
    "sohoa.cli.demo",
    "sohoa.cli.gui",
    "sohoa.cli.dossier",
]

_UNEXPECTED = Text(
    vi="Lỗi không mong muốn: {detail}. Chạy lại với -v để xem chi tiết, nhật ký ở {log}.",
    en="Unexpected error: {detail}. Run again with -v for details; the log is at {log}.",
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="sohoa",
        description="SoHoa: scan, OCR, PDF/A, sign and upload dossiers to the provincial repository.",
    )
    parser.add_argument("--version", action="version", version=f"sohoa {__version__}")
    parser.add_argument("-v", "--verbose", action="store_true", help="show details and tracebacks")
    parser.add_argument(
        "--lang", choices=["vi", "en"], help="language of messages (default: config, else vi)"
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMAND_MODULES:
        importlib.import_module(name).register(sub)
    return parser


def _configure(args: argparse.Namespace) -> str:
    """Set the language and logging; return the log file path."""
    from sohoa.core.config import load_config
    from sohoa.core.logging_setup import setup_logging
    from sohoa.core.paths import app_paths

    lang = args.lang
    paths = app_paths()
    if not lang:
        try:
            lang = load_config(paths).settings.general.language
        except SoHoaError:
            lang = "vi"  # the command itself reports a broken config
    set_language(lang)
    log_file = setup_logging(paths.ensure().logs, verbose=args.verbose)
    return str(log_file)


def run_command(args: argparse.Namespace) -> int:
    """Run the chosen handler and map any failure to one readable line and an exit code."""
    log_file = "?"
    try:
        log_file = _configure(args)
        log.debug("command %s", args.command)
        return int(args.func(args) or 0)
    except SoHoaError as e:
        log.error("%s: %s", type(e).__name__, e, exc_info=args.verbose)
        print(f"sohoa: {e.message()}", file=sys.stderr)
        if args.verbose:
            raise
        return int(e.exit_code)
    except KeyboardInterrupt:
        print("sohoa: " + tr(Text(vi="đã hủy.", en="cancelled.")), file=sys.stderr)
        return int(ExitCode.CANCELLED)
    except Exception as e:
        log.exception("unexpected error")
        if args.verbose:
            raise
        print(f"sohoa: {tr(_UNEXPECTED, detail=f'{type(e).__name__}: {e}', log=log_file)}", file=sys.stderr)
        return int(exit_code_for(e))


def main(argv: Sequence[str] | None = None) -> int:
    os.environ.setdefault("OMP_THREAD_LIMIT", "1")  # Tesseract: one thread per process, pages in parallel
    if os.name == "posix":
        os.umask(0o077)  # scans and databases hold personal data: readable by the user alone
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return int(ExitCode.BAD_ARGS)
    return run_command(args)
