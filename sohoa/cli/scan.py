"""``sohoa devices``, ``sohoa scan`` and ``sohoa recover``: capture from the command line.

``scan`` journals every page as it lands (crash recovery) and writes page-001.png...
into ``--out``; per-page lines go to stderr, the final count to stdout. After a crash
or a kill, ``sohoa recover`` lists the unfinished batches and gives their pages back.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from sohoa.core.i18n import Text, tr

_NO_DEVICES = Text(
    vi="Không tìm thấy máy quét nào. Hãy bật máy quét và kiểm tra cáp hoặc mạng; máy quét mạng (eSCL/AirScan) cần gói sane-airscan.",
    en="No scanner was found. Switch the scanner on and check the cable or network; network scanners (eSCL/AirScan) need the sane-airscan package.",
)
_NEED_DEVICE = Text(
    vi="Chưa chọn máy quét. Hãy dùng --device TÊN (xem 'sohoa devices') hoặc đặt scanner.device trong cấu hình.",
    en="No scanner chosen. Use --device NAME (see 'sohoa devices') or set scanner.device in the configuration.",
)
_PAGE = Text(vi="  trang {n} -> {file}", en="  page {n} -> {file}")
_DONE = Text(vi="Đã quét {n} trang vào {out}", en="Scanned {n} pages into {out}")
_UNFINISHED = Text(
    vi="Có {n} đợt quét dở dang từ lần trước (mất điện hoặc chương trình bị tắt). Chạy 'sohoa recover' để lấy lại các trang.",
    en="There are {n} unfinished batches from last time (power cut or the program was killed). Run 'sohoa recover' to get the pages back.",
)
_RECOVER_NONE = Text(vi="Không có đợt quét dở dang nào.", en="There are no unfinished batches.")
_RECOVER_LINE = Text(
    vi="{batch}  {created}  máy quét {device}  {n} trang{lost}",
    en="{batch}  {created}  scanner {device}  {n} pages{lost}",
)
_RECOVER_LOST = Text(vi=" (mất {n} trang)", en=" ({n} pages lost)")
_RESTORED = Text(vi="Đã khôi phục {n} trang vào {out}", en="Restored {n} pages into {out}")
_DISCARDED = Text(vi="Đã bỏ đợt quét {batch}.", en="Discarded batch {batch}.")
_BAD_OPTION = Text(
    vi="Tùy chọn thiết bị '{value}' phải có dạng TÊN=GIÁ_TRỊ.",
    en="The device option '{value}' must look like NAME=VALUE.",
)


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("devices", help="list the scanners SoHoa can reach")
    p.add_argument(
        "--json", action="store_true", help="print a JSON list (name, vendor, model, type, driver)"
    )
    p.set_defaults(func=run_devices)

    p = sub.add_parser("scan", help="scan a batch to page-001.png... (journaled for crash recovery)")
    p.add_argument("--device", help="device name from 'sohoa devices' (default: scanner.device)")
    p.add_argument("--profile", help="scan profile from the configuration (default: scanner.profile)")
    p.add_argument("--source", choices=["flatbed", "adf", "adf-duplex"])
    p.add_argument("--mode", choices=["color", "gray", "bw"])
    p.add_argument("--dpi", type=int)
    p.add_argument("--paper", choices=["A4", "A3", "Letter", "auto"])
    p.add_argument("--pages", type=int, help="stop after N pages (the feeder is restarted until then)")
    p.add_argument(
        "--option",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="a raw driver option, e.g. test_picture='Color pattern' (repeatable)",
    )
    p.add_argument("--out", required=True, type=Path, help="output folder")
    p.set_defaults(func=run_scan)

    p = sub.add_parser("recover", help="list or restore batches left unfinished by a crash")
    p.add_argument("batch", nargs="?", help="the batch to restore or discard")
    p.add_argument("--out", type=Path, help="restore the batch's pages into this folder")
    p.add_argument("--discard", action="store_true", help="forget the batch")
    p.add_argument("--json", action="store_true", help="print the list as JSON")
    p.set_defaults(func=run_recover)


def _err(text: Text, **params: Any) -> None:
    print("sohoa: " + tr(text, **params), file=sys.stderr)


def run_devices(args: argparse.Namespace) -> int:
    from sohoa.capture import drivers_from_config, list_all_devices

    drivers = drivers_from_config()
    try:
        devices = list_all_devices(drivers)
    finally:
        for d in drivers:
            d.close()
    if args.json:
        print(json.dumps([d.to_dict() for d in devices], ensure_ascii=False, indent=2))
    else:
        for d in devices:
            print(f"{d.name}\t{d.vendor} {d.model}\t({d.type}, {d.driver})")
    if not devices:
        _err(_NO_DEVICES)
    return 0


def parse_option(text: str) -> tuple[str, str | int | float | bool]:
    """``NAME=VALUE`` with yes/no/true/false, integers and decimals typed."""
    from sohoa.core.errors import InputError

    name, sep, raw = text.partition("=")
    if not sep or not name.strip():
        raise InputError(_BAD_OPTION, value=text)
    raw = raw.strip()
    low = raw.lower()
    value: str | int | float | bool
    if low in ("yes", "true", "on"):
        value = True
    elif low in ("no", "false", "off"):
        value = False
    else:
        try:
            value = int(raw)
        except ValueError:
            try:
                value = float(raw)
            except ValueError:
                value = raw
    return name.strip(), value


def run_scan(args: argparse.Namespace) -> int:
    from sohoa.capture import driver_for, drivers_from_config
    from sohoa.capture.batch import ScanBatch
    from sohoa.capture.errors import DeviceError
    from sohoa.capture.journal import find_unfinished
    from sohoa.capture.settings import profile_settings
    from sohoa.core.config import load_config

    config = load_config().settings
    device = args.device or config.scanner.device
    if not device:
        raise DeviceError(_NEED_DEVICE)
    options = dict(parse_option(o) for o in args.option)
    settings = profile_settings(
        args.profile, source=args.source, mode=args.mode, dpi=args.dpi, paper=args.paper
    )
    if options:
        settings = settings.with_(device_options={**settings.device_options, **options})
    unfinished = find_unfinished(verify=False)
    if unfinished:
        _err(_UNFINISHED, n=len(unfinished))

    def on_page(page: Any) -> None:
        print(tr(_PAGE, n=page.index, file=page.path.name), file=sys.stderr, flush=True)

    drivers = drivers_from_config(config.scanner)
    driver = driver_for(device, drivers)
    try:
        batch = ScanBatch(driver, device, settings, args.out)
        try:
            if args.pages and settings.uses_feeder:
                batch.scan_until(args.pages, on_page=on_page)
            else:
                for n in range(args.pages or 1):
                    if n and sys.stdin.isatty():
                        input(
                            tr(
                                Text(
                                    vi="Đặt trang tiếp theo rồi nhấn Enter... ",
                                    en="Place the next page, then press Enter... ",
                                )
                            )
                        )
                    batch.scan(on_page=on_page)
        finally:
            batch.finish()  # on an error too: the pages are safe in --out, nothing to recover
    finally:
        for d in drivers:
            d.close()
    print(tr(_DONE, n=len(batch.pages), out=args.out))
    return 0


def run_recover(args: argparse.Namespace) -> int:
    from sohoa.capture.journal import discard, find_unfinished, get_unfinished, restore

    if args.batch:
        batch = get_unfinished(args.batch)
        if args.discard:
            discard(batch)
            print(tr(_DISCARDED, batch=batch.batch_id))
            return 0
        out = args.out or batch.out_dir
        if out is None:
            from sohoa.core.errors import InputError

            raise InputError(
                Text(
                    vi="Hãy chọn thư mục nhận các trang: --out THƯ_MỤC.",
                    en="Choose where the pages go: --out FOLDER.",
                )
            )
        paths = restore(batch, out)
        print(tr(_RESTORED, n=len(paths), out=out))
        return 0
    batches = find_unfinished()
    if args.json:
        print(json.dumps([b.to_dict() for b in batches], ensure_ascii=False, indent=2))
        return 0
    if not batches:
        print(tr(_RECOVER_NONE))
    for b in batches:
        lost = tr(_RECOVER_LOST, n=len(b.lost)) if b.lost else ""
        print(
            tr(_RECOVER_LINE, batch=b.batch_id, created=b.created, device=b.device, n=len(b.pages), lost=lost)
        )
    return 0
