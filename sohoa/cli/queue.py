"""``sohoa queue add|list|retry|login``, ``sohoa sync [--once]`` and ``sohoa lookup --owner-id ID``."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

from sohoa.core.i18n import Text, tr

KINDS = ["result", "processing-result", "component-result", "component", "rejection"]


def register(sub: argparse._SubParsersAction) -> None:
    q = sub.add_parser("queue", help="the outbox of signed documents waiting to be uploaded")
    qs = q.add_subparsers(dest="queue_command", metavar="ACTION", required=True)
    add = qs.add_parser("add", help="queue a signed PDF/A document")
    add.add_argument("pdf", type=Path)
    add.add_argument("--dossier", required=True, help="dossier code (MaHoSo)")
    add.add_argument("--kind", required=True, choices=KINDS)
    add.add_argument("--result-code", default="", help="result code (MaGiayToKetQua); required for results")
    add.add_argument("--owner-id", default="", help="owner's 12-digit personal ID or tax code")
    add.add_argument("--owner-type", choices=["person", "organisation"], default="person")
    add.add_argument("--title", default="", help="document title (TenGiayTo)")
    add.add_argument("--procedure", default="", help="procedure code (MaTTHC)")
    add.add_argument("--component", default="", help="component code (MaThanhPhanHoSo)")
    add.set_defaults(func=run_add)
    ls = qs.add_parser("list", help="list the queued documents and their state")
    ls.add_argument("--json", action="store_true")
    ls.add_argument("--state", choices=["pending", "uploading", "uploaded", "acknowledged", "failed"])
    ls.set_defaults(func=run_list)
    rt = qs.add_parser("retry", help="queue a failed document again")
    rt.add_argument("id", type=int)
    rt.set_defaults(func=run_retry)
    lg = qs.add_parser("login", help="store the repository password in the system keyring")
    lg.add_argument("--username", help="user name (default: repository.username)")
    lg.set_defaults(func=run_login)

    s = sub.add_parser("sync", help="upload the queue to the provincial repository")
    s.add_argument(
        "--once", action="store_true", help="stop when the queue is empty or the server unreachable"
    )
    s.set_defaults(func=run_sync)

    lk = sub.add_parser("lookup", help="find a citizen's documents already in the repository (reuse)")
    lk.add_argument("--owner-id", required=True, help="12-digit personal ID or tax code")
    lk.add_argument("--json", action="store_true")
    lk.add_argument("--attach", action="append", default=[], metavar="DOC_ID", help="attach this document")
    lk.add_argument("--to", metavar="DOSSIER_CODE", help="the local dossier that receives --attach")
    lk.set_defaults(func=run_lookup)


def _settings():  # type: ignore[no-untyped-def]
    from sohoa.core.config import load_config

    return load_config().settings


def run_add(args: argparse.Namespace) -> int:
    from sohoa.core.province import load_profile
    from sohoa.outbox.metadata import DocumentMetadata
    from sohoa.outbox.outbox import Outbox

    settings = _settings()
    meta = DocumentMetadata(
        dossier_code=args.dossier,
        kind=args.kind,
        title=args.title,
        procedure_code=args.procedure,
        component_code=args.component,
        result_code=args.result_code,
        owner_id=args.owner_id,
        owner_type=args.owner_type,
    ).validated(load_profile(settings.general.province_profile))
    box = Outbox()
    item_id = box.enqueue(args.pdf, meta)
    print(tr(Text(vi="Đã đưa vào hàng đợi: mục số {id}", en="Queued as item {id}"), id=item_id))
    return 0


_STATE_WORDS = {
    "pending": Text(vi="chờ gửi", en="pending"),
    "uploading": Text(vi="đang gửi", en="uploading"),
    "uploaded": Text(vi="đã gửi, chờ xác nhận", en="uploaded"),
    "acknowledged": Text(vi="đã xác nhận", en="acknowledged"),
    "failed": Text(vi="bị từ chối", en="failed"),
}


def run_list(args: argparse.Namespace) -> int:
    """Print the queue line by line from a lazy snapshot (100,000 items start printing at once)."""
    from sohoa.core.i18n import language
    from sohoa.outbox.outbox import Outbox

    with Outbox().list(state=args.state) as entries:
        if args.json:
            _write_json_array(e._asdict() for e in entries)
            return 0
        vi = language() == "vi"
        for e in entries:
            when = datetime.fromtimestamp(e.updated_at).strftime("%Y-%m-%d %H:%M")
            reason = (e.last_error_vi if vi else e.last_error) or ""
            line = f"{e.id:>6}  {tr(_STATE_WORDS[e.state]):<22} {e.dossier_code:<28} {e.kind:<18} {when}"
            sys.stdout.write(line + (f"  {reason}" if reason and e.state != "acknowledged" else "") + "\n")
        if not entries:
            print(tr(Text(vi="Hàng đợi trống.", en="The queue is empty.")))
    return 0


def _write_json_array(items: Iterator[dict[str, Any]]) -> None:
    """Stream exactly what ``print(json.dumps(list(items), ensure_ascii=False, indent=2))`` prints."""
    out = sys.stdout
    first = True
    for item in items:
        text = json.dumps(item, ensure_ascii=False, indent=2).replace(
            "\n", "\n  "
        )  # JSON escapes "\n" in strings
        out.write(("[\n  " if first else ",\n  ") + text)
        first = False
    out.write("[]\n" if first else "\n]\n")


def run_retry(args: argparse.Namespace) -> int:
    from sohoa.outbox.outbox import Outbox

    Outbox().retry(args.id)
    print(tr(Text(vi="Mục số {id} sẽ được gửi lại.", en="Item {id} will be sent again."), id=args.id))
    return 0


def run_login(args: argparse.Namespace) -> int:
    import getpass

    from sohoa.outbox.credentials import store_password
    from sohoa.outbox.errors import RepositoryNotConfigured

    repo = _settings().repository
    user = args.username or repo.username
    if not repo.url or not user:
        from sohoa.core.paths import app_paths

        raise RepositoryNotConfigured(path=str(app_paths().config_file))
    password = getpass.getpass(tr(Text(vi="Mật khẩu cho {user}: ", en="Password for {user}: "), user=user))
    store_password(repo.url, user, password)
    print(
        tr(
            Text(
                vi="Đã lưu mật khẩu vào kho khóa của hệ điều hành.",
                en="Password stored in the system keyring.",
            )
        )
    )
    return 0


def run_sync(args: argparse.Namespace) -> int:
    from sohoa.core.paths import app_paths
    from sohoa.core.progress import Reporter
    from sohoa.outbox.outbox import Outbox
    from sohoa.outbox.sync import run_sync as sync
    from sohoa.outbox.uploader import SyncEvent, raise_if_offline

    box = Outbox()
    store_file = app_paths().ensure().store_file

    def show(event: object) -> None:
        assert isinstance(event, SyncEvent)
        if event.kind == "acknowledged":
            print(
                tr(Text(vi="mục {id}: đã được kho xác nhận", en="item {id}: acknowledged"), id=event.item_id)
            )
        elif event.kind == "failed":
            print(
                tr(
                    Text(vi="mục {id}: bị từ chối: {why}", en="item {id}: refused: {why}"),
                    id=event.item_id,
                    why=event.detail,
                )
            )
        sys.stdout.flush()

    try:
        report = sync(
            _settings().repository,
            once=args.once,
            outbox=box,
            progress=Reporter(on_item=show),
            store_file=store_file,
        )
    finally:
        box.close()
    print(
        tr(
            Text(
                vi="Đã gửi {ok} tài liệu, {failed} bị từ chối, còn {left} trong hàng đợi.",
                en="{ok} documents sent, {failed} refused, {left} left in the queue.",
            ),
            ok=len(report.acknowledged),
            failed=len(report.failed),
            left=report.left,
        )
    )
    raise_if_offline(report)
    return 0


def run_lookup(args: argparse.Namespace) -> int:
    from sohoa.outbox.lookup import attach_to_dossier, lookup_owner
    from sohoa.outbox.sync import client_factory

    repo = _settings().repository
    client = client_factory(repo)()
    docs = lookup_owner(repo, args.owner_id, client=client)
    if args.attach:
        _attach(args, docs, client, attach_to_dossier)
    if args.json:
        print(json.dumps([d.__dict__ for d in docs], ensure_ascii=False, indent=2))
        return 0
    for d in docs:
        print(f"{d.remote_id}  {d.stored_at[:10]}  {d.kind:<18} {d.result_code or '-':<20} {d.title}")
    if not docs:
        print(
            tr(
                Text(
                    vi="Kho chưa có tài liệu nào của người này.",
                    en="The repository holds no document of this owner.",
                )
            )
        )
    return 0


def _attach(args, docs, client, attach_to_dossier) -> None:  # type: ignore[no-untyped-def]
    from sohoa.core.errors import ValidationError
    from sohoa.core.paths import app_paths
    from sohoa.core.store import Store

    if not args.to:
        raise ValidationError(
            Text(
                vi="Hãy cho biết hồ sơ nhận bằng --to MÃ_HỒ_SƠ",
                en="Name the receiving dossier with --to CODE",
            )
        )
    by_id = {d.remote_id: d for d in docs}
    with Store(app_paths().store_file) as store:
        found = store.find_dossiers(code=args.to)
        if not found:
            raise ValidationError(
                Text(
                    vi="Không có hồ sơ {code} trên máy này",
                    en="There is no dossier {code} on this workstation",
                ),
                code=args.to,
            )
        for doc_id in args.attach:
            if doc_id not in by_id:
                raise ValidationError(
                    Text(
                        vi="Tài liệu {doc} không thuộc người này", en="The document {doc} is not this owner's"
                    ),
                    doc=doc_id,
                )
            attach_to_dossier(store, found[-1]["id"], by_id[doc_id], client)
            print(
                tr(
                    Text(vi="Đã đính kèm {doc} vào hồ sơ {code}", en="Attached {doc} to dossier {code}"),
                    doc=doc_id,
                    code=args.to,
                )
            )
