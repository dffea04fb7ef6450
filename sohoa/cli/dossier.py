"""The scriptable workflow, for integrators and headless counters (a contract: scripts depend on it).

sohoa dossier new --code CODE --procedure CODE [--procedure-name NAME] --owner-type person|organisation
                  --owner-id ID --owner-name NAME [--received DATE] [--json]
sohoa dossier new --legacy [--code OLD-CODE] ...   (a backlog result: the paper's own numbering, or none)
sohoa dossier add DOSSIER FILE... --kind result|processing-result|earlier-result|component|rejection
                  [--title T] [--result-code C] [--component-code C]
                  [--issue-date DATE] [--valid-until DATE] [--json]
sohoa dossier finish DOSSIER [--pin-env VAR] [--no-sign | --no-sign-results] [--json]
sohoa dossier show DOSSIER [--json]
sohoa sign-pending [--pin-env VAR] [--procedure P] [--from DATE] [--to DATE] [--json]

``new`` and ``add`` print the new id alone on their last line (``--json``: an object with ``id``).
Every command only calls :mod:`sohoa.workflow`; the PIN is read from ``--pin-env`` or the terminal,
never printed, logged or stored. A DATE is dd/mm/yyyy, as on the paper, or ISO yyyy-mm-dd; a wrong
one is a :class:`ValidationError` (exit 10) raised in the handler, so it meets the one error -> exit
code place (:func:`sohoa.cli.run_command`) and reads in the user's language.
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import date
from pathlib import Path
from typing import Any

from sohoa.core.errors import ExitCode, InputError, ValidationError
from sohoa.core.i18n import Text, tr

KINDS = ["result", "processing-result", "earlier-result", "component", "rejection"]

DOC_LINE = Text(vi="{id}: {title} - {state}{why}", en="{id}: {title} - {state}{why}")
FINISH_SUMMARY = Text(
    vi="Hồ sơ {code}: {processed} chờ ký, {queued} đã ký và đưa vào hàng đợi, {failed} lỗi.",
    en="Dossier {code}: {processed} waiting for a signature, {queued} signed and queued, {failed} failed.",
)
PENDING_SUMMARY = Text(
    vi="Đã ký {signed} tài liệu, {failed} lỗi, {left} còn chờ.",
    en="{signed} documents signed, {failed} failed, {left} still waiting.",
)
NOTHING_PENDING = Text(vi="Không có tài liệu nào chờ ký.", en="No document is waiting for a signature.")
NO_CODE = Text(vi="(không có mã)", en="(no code)")
NEEDS_CODE = Text(
    vi="Thiếu mã hồ sơ: hãy cho --code MÃ; kết quả cũ (tồn đọng) không có mã thì dùng --legacy",
    en="The dossier code is missing: give --code CODE; for an old (backlog) result without one, use --legacy",
)
VALIDITY_BEFORE_ISSUE = Text(
    vi="--valid-until {until} trước --issue-date {issued}: ngày hết hiệu lực không thể trước ngày cấp; "
    "hãy kiểm tra lại trên giấy",
    en="--valid-until {until} is before --issue-date {issued}: a result cannot expire before it is issued; "
    "check the paper",
)
ISSUED = Text(vi="cấp {day}", en="issued {day}")
VALID_UNTIL = Text(vi="hiệu lực đến {day}", en="valid until {day}")
DATE_HELP = "dd/mm/yyyy or YYYY-MM-DD"


def _day(value: str | None, option: str) -> date | None:
    """``value`` as a day, or ``None`` when the option was not given (the message names the option)."""
    from sohoa.core.identifiers import parse_day

    return None if value is None else parse_day(value, option, option)


def register(sub: argparse._SubParsersAction) -> None:
    d = sub.add_parser("dossier", help="the dossier workflow: new, add documents, finish, show")
    dsub = d.add_subparsers(dest="dossier_command", metavar="ACTION", required=True)

    n = dsub.add_parser("new", help="create a dossier; prints its id")
    n.add_argument("--code", default="", help="dossier code (MaHoSo); with --legacy the paper's own, or none")
    n.add_argument(
        "--legacy",
        action="store_true",
        help="a backlog result issued before the repository: the code follows no portal format and may be "
        "left out; the register counts it as backlog",
    )
    n.add_argument("--procedure", required=True, help="procedure code (MaTTHC)")
    n.add_argument("--procedure-name", default="", help="procedure name")
    n.add_argument("--owner-type", required=True, choices=["person", "organisation"])
    n.add_argument("--owner-id", required=True, help="citizen ID number or tax code")
    n.add_argument("--owner-name", required=True)
    n.add_argument("--received", metavar="DATE", help=f"date received ({DATE_HELP}; default today)")
    n.add_argument("--json", action="store_true", help="print a JSON object")
    n.set_defaults(func=run_new)

    a = dsub.add_parser("add", help="add one document made of images or PDFs; prints its id")
    a.add_argument("dossier", metavar="DOSSIER")
    a.add_argument("files", nargs="+", type=Path, metavar="FILE")
    a.add_argument("--kind", required=True, choices=KINDS)
    a.add_argument("--title", default="")
    a.add_argument("--result-code", default="")
    a.add_argument("--component-code", default="")
    a.add_argument(
        "--issue-date", metavar="DATE", help=f"the day the result was issued, NgayCap ({DATE_HELP})"
    )
    a.add_argument(
        "--valid-until",
        metavar="DATE",
        help=f"the last day it is valid, ThoiHanHieuLuc ({DATE_HELP}); leave out: no limit",
    )
    a.add_argument("--json", action="store_true")
    a.set_defaults(func=run_add)

    f = dsub.add_parser("finish", help="process, sign (per [signing]) and queue every document")
    f.add_argument("dossier", metavar="DOSSIER")
    f.add_argument("--pin-env", metavar="VAR", help="read the token PIN from this environment variable")
    which = f.add_mutually_exclusive_group()
    which.add_argument("--no-sign", action="store_true", help="leave every document waiting for a signature")
    which.add_argument(
        "--no-sign-results",
        action="store_true",
        help="sign the components only; results wait for the supervisor",
    )
    f.add_argument("--json", action="store_true")
    f.set_defaults(func=run_finish)

    s = dsub.add_parser("show", help="the dossier and the state of each document")
    s.add_argument("dossier", metavar="DOSSIER")
    s.add_argument("--json", action="store_true")
    s.set_defaults(func=run_show)

    p = sub.add_parser(
        "sign-pending", help="batch-sign the documents waiting for a signature, and queue them"
    )
    p.add_argument("--pin-env", metavar="VAR", help="read the token PIN from this environment variable")
    p.add_argument("--procedure", default="", help="only this procedure code")
    p.add_argument("--from", dest="start", metavar="DATE", help=f"digitized on or after ({DATE_HELP})")
    p.add_argument("--to", dest="end", metavar="DATE", help=f"digitized on or before ({DATE_HELP})")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=run_sign_pending)


def _workspace() -> Any:
    from sohoa.workflow.context import Workspace

    return Workspace.open()


def _dossier_id(ws: Any, ref: str) -> str:
    """A dossier id, or a dossier code that names exactly one dossier."""
    from sohoa.core.lifecycle import DocumentNotFound

    if ws.store.db["dossiers"].count_where("id = ?", [ref]):
        return ref
    found = ws.store.find_dossiers(code=ref)
    if len(found) == 1:
        return str(found[0]["id"])
    raise DocumentNotFound(document=ref)


def _print_json(data: Any) -> None:
    print(json.dumps(data, ensure_ascii=False, indent=2))


def _pin(args: argparse.Namespace, ws: Any) -> str:
    from sohoa.cli.sign import _read_pin
    from sohoa.signing.options import TokenChoice

    token = TokenChoice.from_config(ws.settings.signing)
    return _read_pin(args, token.module, token.label, token.serial)


def run_new(args: argparse.Namespace) -> int:
    from sohoa.workflow.dossiers import new_dossier

    received = _day(args.received, "--received")
    if not args.code.strip() and not args.legacy:
        raise ValidationError(NEEDS_CODE)
    with _workspace() as ws:
        dossier = new_dossier(
            ws,
            code=args.code,
            procedure_code=args.procedure,
            procedure_name=args.procedure_name,
            owner_type=args.owner_type,
            owner_id=args.owner_id,
            owner_name=args.owner_name,
            received=received,
            legacy=args.legacy,
        )
    if args.json:
        _print_json({"id": dossier.id, "code": dossier.code, "legacy": dossier.legacy})
    else:
        print(dossier.id)
    return 0


def run_add(args: argparse.Namespace) -> int:
    from sohoa.workflow.dossiers import add_document, kind_name

    issued, until = _day(args.issue_date, "--issue-date"), _day(args.valid_until, "--valid-until")
    if issued and until and until < issued:  # said in the options' own words, before any file is read
        raise ValidationError(
            VALIDITY_BEFORE_ISSUE, until=until.strftime("%d/%m/%Y"), issued=issued.strftime("%d/%m/%Y")
        )
    with _workspace() as ws:
        rec = add_document(
            ws,
            _dossier_id(ws, args.dossier),
            args.files,
            kind=args.kind,
            title=args.title,
            result_code=args.result_code,
            component_code=args.component_code,
            issue_date=issued,
            valid_until=until,
        )
    if args.json:
        _print_json(
            {
                "id": rec.id,
                "dossier": rec.dossier_id,
                "kind": kind_name(rec.kind),
                "pages": rec.pages,
                "issue_date": issued.isoformat() if issued else None,
                "valid_until": until.isoformat() if until else None,
            }
        )
    else:
        print(rec.id)
    return 0


def _doc_line(entry: dict[str, Any]) -> str:
    from sohoa.core.lifecycle import DocState

    try:
        state = tr(DocState(entry["state"]).label)
    except ValueError:
        state = entry["state"]
    why = f" ({entry['message']})" if entry.get("message") else ""
    return tr(DOC_LINE, id=entry["id"], title=entry.get("title") or "-", state=state, why=why)


def run_finish(args: argparse.Namespace) -> int:
    from sohoa.workflow.finish import finish

    sign = "none" if args.no_sign else "components" if args.no_sign_results else "all"
    with _workspace() as ws:
        dossier_id = _dossier_id(ws, args.dossier)
        code = ws.store.load_dossier(dossier_id).code
        pin = None if sign == "none" else _pin(args, ws)
        outcomes = finish(ws, dossier_id, pin, sign=sign)  # type: ignore[arg-type]
        del pin
    entries = [o.to_json() for o in outcomes]
    counts = {k: sum(e["state"] == k for e in entries) for k in ("processed", "queued", "failed")}
    if args.json:
        _print_json({"id": dossier_id, **counts, "documents": entries})
    else:
        for e in entries:
            print(_doc_line(e))
        print(tr(FINISH_SUMMARY, code=code or tr(NO_CODE), **counts))
    return int(ExitCode.SIGNATURE) if counts["failed"] else 0


def run_show(args: argparse.Namespace) -> int:
    from sohoa.workflow.dossiers import show

    with _workspace() as ws:
        data = show(ws, _dossier_id(ws, args.dossier))
    if args.json:
        _print_json(data)
        return 0
    print(f"{data['code'] or tr(NO_CODE)} · {data['procedure_code']} · {data['owner_name']} ({data['id']})")
    for d in data["documents"]:
        print("  " + _doc_line({**d, "message": d.get("reason", "")}) + _dates(d))
    return 0


def _dates(doc: dict[str, Any]) -> str:
    """The dates part of a ``show`` line (", issued 15/03/2019, valid until ..."); empty when none is known."""
    parts = [
        tr(text, day=date.fromisoformat(doc[key]).strftime("%d/%m/%Y"))
        for key, text in (("issue_date", ISSUED), ("valid_until", VALID_UNTIL))
        if doc.get(key)
    ]
    return "".join(", " + p for p in parts)


def run_sign_pending(args: argparse.Namespace) -> int:
    from sohoa.workflow.finish import pending_results, sign_pending

    start, end = _day(args.start, "--from"), _day(args.end, "--to")
    if start and end and start > end:
        raise InputError(path="--from/--to", detail="--from is after --to")
    with _workspace() as ws:
        results = pending_results(ws, start, end, args.procedure)
        outcomes = []
        if results:
            pin = _pin(args, ws)
            outcomes = sign_pending(ws, results, pin)
            del pin
    entries = [o.to_json() for o in outcomes]
    signed = sum(e["state"] in ("signed", "queued") for e in entries)
    failed = sum(e["state"] == "failed" for e in entries)
    left = sum(e["state"] in ("pending", "processed") for e in entries)
    if args.json:
        _print_json({"signed": signed, "failed": failed, "documents": entries})
    else:
        if not results:
            print(tr(NOTHING_PENDING))
        for e in entries:
            print(_doc_line(e))
        print(tr(PENDING_SUMMARY, signed=signed, failed=failed, left=left))
    if failed or left:
        print(f"sohoa: {tr(PENDING_SUMMARY, signed=signed, failed=failed, left=left)}", file=sys.stderr)
        return int(ExitCode.SIGNATURE)
    return 0
