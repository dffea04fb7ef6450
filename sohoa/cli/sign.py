"""``sohoa sign`` (PAdES with the clerk's token) and ``sohoa verify`` (a report per signature).

``sohoa sign PDF... --module PATH --token LABEL [--cert-id HEX] [--pin-env VAR] [--visible] [--out-dir DIR]``
writes ``NAME.signed.pdf`` beside each input (or ``DIR/NAME.pdf``). The PIN is asked on the
terminal, or read from the environment variable named by ``--pin-env``; it is never printed,
logged or stored. ``sohoa verify PDF... [--trust CA.pem]... [--json]`` exits 0 only if every
signature of every file is intact, trusted and covers the whole file.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path
from typing import Any

from sohoa.core.i18n import Text, tr

SIGNED = Text(vi="đã ký", en="signed")
FAILED = Text(vi="KHÔNG ký được", en="NOT signed")
PENDING = Text(vi="chưa ký (đang chờ)", en="not signed (pending)")
SUMMARY = Text(
    vi="Kết quả: {signed} đã ký, {failed} lỗi, {pending} đang chờ. Chứng thư: {subject}.",
    en="Result: {signed} signed, {failed} failed, {pending} pending. Certificate: {subject}.",
)
PIN_PROMPT = Text(vi="Nhập mã PIN của token '{label}': ", en="PIN of token '{label}': ")
PIN_WARNING = Text(vi="Lưu ý: {state}", en="Note: {state}")
VALID = Text(vi="HỢP LỆ", en="VALID")
INVALID = Text(vi="KHÔNG HỢP LỆ", en="NOT VALID")
NO_SIGNATURE = Text(vi="không có chữ ký số", en="no digital signature")
YES, NO = Text(vi="có", en="yes"), Text(vi="không", en="no")
SIG_LINE = Text(
    vi="  [{verdict}] {kind} '{field}': người ký {signer}; thời điểm ký {time}; nguyên vẹn: {intact}; "
    "tin cậy: {trusted}; phủ toàn bộ tệp: {whole}; thay đổi sau khi ký: {changes}{error}",
    en="  [{verdict}] {kind} '{field}': signer {signer}; signed at {time}; intact: {intact}; "
    "trusted: {trusted}; covers the whole file: {whole}; changes after signing: {changes}{error}",
)
KIND = {
    "signature": Text(vi="chữ ký", en="signature"),
    "timestamp": Text(vi="dấu thời gian", en="document timestamp"),
}
TOKEN_LINE = Text(
    vi="Token '{label}' (số sê-ri {serial}, {maker}); trạng thái PIN: {state}",
    en="Token '{label}' (serial {serial}, {maker}); PIN state: {state}",
)
CERT_LINE = Text(
    vi="  chứng thư {cert_id}: {subject} - cấp bởi {issuer} - hiệu lực {nb} đến {na} - mục đích: {usage}",
    en="  certificate {cert_id}: {subject} - issued by {issuer} - valid {nb} to {na} - usage: {usage}",
)
NO_TOKENS = Text(vi="Không có token nào được cắm vào ({module}).", en="No token is plugged in ({module}).")


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("sign", help="sign PDF files with the PKCS#11 token (PAdES)")
    p.add_argument("pdfs", nargs="*", type=Path, metavar="PDF", help="PDF files to sign")
    p.add_argument("--module", help="PKCS#11 module (token driver); default: config, else a known one")
    p.add_argument("--token", help="token label; default: config signing.token_label")
    p.add_argument("--serial", help="token serial, when two tokens share a label")
    p.add_argument("--cert-id", help="CKA_ID (hex) of the certificate; default: the one with a key")
    p.add_argument("--pin-env", metavar="VAR", help="read the PIN from this environment variable")
    p.add_argument("--visible", action="store_true", default=None, help="draw a stamp on page 1")
    p.add_argument(
        "--stamp", choices=["copy", "signature"], help="copy: Decree 30 'SAO Y' stamp; signature: agency"
    )
    p.add_argument("--agency", help="agency name on the stamp; default: config general.agency_name")
    p.add_argument("--seal", type=Path, help="red seal PNG for 'signature' stamps")
    p.add_argument("--tsa", metavar="URL", help="RFC 3161 timestamp server (PAdES B-T)")
    p.add_argument("--ltv", action="store_true", default=None, help="embed validation data (B-LT)")
    p.add_argument("--pss", action="store_true", default=None, help="RSA-PSS instead of PKCS#1 v1.5")
    p.add_argument("--trust", action="append", default=[], metavar="CA.pem", help="extra trust root")
    p.add_argument("--out-dir", type=Path, help="write signed files here (same names)")
    p.add_argument("--list", action="store_true", help="list tokens and their certificates, then exit")
    p.add_argument(
        "--extend", action="store_true", help="extend already-signed files: validation data + timestamp"
    )
    p.set_defaults(func=run_sign)

    v = sub.add_parser("verify", help="check the signatures of PDF files")
    v.add_argument("pdfs", nargs="+", type=Path, metavar="PDF")
    v.add_argument("--trust", action="append", default=[], metavar="CA.pem", help="trust root (repeatable)")
    v.add_argument("--json", action="store_true", help="print the report as JSON")
    v.add_argument("--at", metavar="ISO-TIME", help="validate as of this time (default: now)")
    v.set_defaults(func=run_verify)


def _module(args: argparse.Namespace, configured: str) -> str:
    from sohoa.signing.errors import ModuleNotFound
    from sohoa.signing.modules import find_modules

    if args.module:
        return str(args.module)
    found = find_modules(configured)
    if not found:
        raise ModuleNotFound(module=configured or "?")
    return str(found[0])


def _read_pin(args: argparse.Namespace, module: str, label: str, serial: str) -> str:
    """The PIN, from ``--pin-env`` or the terminal, after the token was found and its PIN state shown."""
    from sohoa.signing.errors import PinRequired
    from sohoa.signing.tokens import pin_state

    state = pin_state(module, label, serial)  # also reports a missing module or token before any PIN
    if state.key != "ok":
        print(tr(PIN_WARNING, state=tr(state.text)), file=sys.stderr)
    if args.pin_env:
        pin = os.environ.get(args.pin_env, "")
        if not pin:
            raise PinRequired(var=args.pin_env)
        return pin
    if not sys.stdin.isatty():
        raise PinRequired(var="--pin-env")
    import getpass

    return getpass.getpass(tr(PIN_PROMPT, label=label))


def _list(module: str) -> int:
    from sohoa.signing.tokens import list_tokens

    tokens = list_tokens(module)
    if not tokens:
        print(tr(NO_TOKENS, module=module))
        return 0
    for t in tokens:
        state = tr(t.pin_state.text) or "OK"
        print(tr(TOKEN_LINE, label=t.label, serial=t.serial, maker=t.manufacturer, state=state))
        for c in t.certificates:
            print(
                tr(
                    CERT_LINE,
                    cert_id=c.cert_id_hex,
                    subject=c.subject,
                    issuer=c.issuer,
                    nb=c.not_before.date().isoformat(),
                    na=c.not_after.date().isoformat(),
                    usage=", ".join(c.key_usage) or "-",
                )
            )
    return 0


def run_sign(args: argparse.Namespace) -> int:
    from sohoa.core.config import load_config
    from sohoa.core.errors import ExitCode, InputError
    from sohoa.core.progress import Reporter
    from sohoa.signing.batch import DocumentResult, sign_documents
    from sohoa.signing.certs import load_trust_roots, validation_context
    from sohoa.signing.options import TokenChoice
    from sohoa.signing.pades import SignOptions, extend_pdf

    settings = load_config().settings
    cfg = settings.signing
    module = _module(args, cfg.pkcs11_module)
    if args.list:
        return _list(module)
    if not args.pdfs:
        raise InputError(path="-", detail="no PDF file given")
    tsa = args.tsa if args.tsa is not None else cfg.timestamp_url
    if args.extend:
        roots = tuple(load_trust_roots([*cfg.trust_roots, *args.trust]))
        context = validation_context(roots, online=True)
        for pdf in args.pdfs:
            target = (args.out_dir / pdf.name) if args.out_dir else pdf.with_name(f"{pdf.stem}.extended.pdf")
            extend_pdf(pdf, target, timestamp_url=tsa, validation_context=context)
            print(f"{pdf} -> {target}")
        return 0
    token = TokenChoice.from_config(
        cfg, module=module, label=args.token, serial=args.serial, cert_id=args.cert_id
    )
    options = SignOptions.from_config(
        cfg,
        settings.general,
        visible=args.visible,
        stamp=args.stamp,
        agency_name=args.agency,
        seal_image=args.seal,
        timestamp_url=tsa,
        online=args.ltv,
        prefer_pss=args.pss,
        extra_trust=args.trust,
    )
    pin = _read_pin(args, token.module, token.label, token.serial)

    def show(doc: object) -> None:
        assert isinstance(doc, DocumentResult)
        word = {"signed": SIGNED, "failed": FAILED}.get(doc.status, PENDING)
        line = f"[{counter[0]}/{counter[1]}] {doc.source} -> {doc.output or '-'}: {tr(word)}"
        print(line + (f" ({doc.message()})" if doc.error else ""), flush=True)

    counter = [0, 0]

    def count(done: int, total: int, _name: str) -> None:
        counter[:] = [done, total]

    result = sign_documents(
        args.pdfs,
        args.out_dir,
        module=token.module,
        token_label=token.label,
        token_serial=token.serial,
        pin=pin,
        cert_id=token.cert_id,
        options=options,
        progress=Reporter(count, show),
    )
    del pin
    for warning in result.warnings:
        print(warning, file=sys.stderr)
    for doc in result.pending:
        print(f"{doc.source}: {tr(PENDING)}", file=sys.stderr)
    subject = result.certificate.subject if result.certificate else "-"
    print(
        tr(
            SUMMARY,
            signed=len(result.signed),
            failed=len(result.failed),
            pending=len(result.pending),
            subject=subject,
        )
    )
    if result.stopped is not None:
        print(f"sohoa: {result.stopped.message()}", file=sys.stderr)
        return int(result.stopped.exit_code)
    if result.failed:
        return int(result.failed[0].error.exit_code if result.failed[0].error else ExitCode.SIGNATURE)
    return 0


def _verify_one(path: Path, roots: list[Any], moment: Any) -> tuple[dict[str, Any], int]:
    from sohoa.core.errors import ExitCode, SoHoaError
    from sohoa.signing.verify import verify_pdf

    try:
        reports = verify_pdf(path, roots, moment=moment)
    except SoHoaError as e:
        return {"file": str(path), "ok": False, "error": e.message(), "signatures": []}, int(e.exit_code)
    ok = bool(reports) and all(r.ok for r in reports)
    entry = {"file": str(path), "ok": ok, "error": "" if reports else tr(NO_SIGNATURE)}
    entry["signatures"] = [r.as_dict() for r in reports]
    return entry, 0 if ok else int(ExitCode.SIGNATURE)


def _print_entry(entry: dict[str, Any]) -> None:
    from sohoa.signing.verify import CHANGE_TEXT

    print(
        f"{entry['file']}: {tr(VALID) if entry['ok'] else tr(INVALID)}"
        + (f" - {entry['error']}" if entry["error"] else "")
    )

    def yn(flag: bool) -> str:
        return tr(YES) if flag else tr(NO)

    for s in entry["signatures"]:
        print(
            tr(
                SIG_LINE,
                verdict=tr(VALID) if s["ok"] else tr(INVALID),
                kind=tr(KIND[s["kind"]]),
                field=s["field_name"],
                signer=s["signer"] or "?",
                time=s["timestamp_time"] or s["signing_time"] or "?",
                intact=yn(s["intact"]),
                trusted=yn(s["trusted"]),
                whole=yn(s["covers_whole_file"]),
                changes=tr(CHANGE_TEXT.get(s["changes_after"], CHANGE_TEXT["unknown"])),
                error=f" ({s['error']})" if s["error"] else "",
            )
        )


def run_verify(args: argparse.Namespace) -> int:
    import datetime as dt

    from sohoa.core.config import load_config
    from sohoa.core.errors import ExitCode, InputError
    from sohoa.signing.certs import load_trust_roots

    cfg = load_config().settings.signing
    roots = load_trust_roots([*cfg.trust_roots, *args.trust])
    moment = None
    if args.at:
        try:
            moment = dt.datetime.fromisoformat(args.at)
        except ValueError as e:
            raise InputError(path="--at", detail=f"not an ISO 8601 time: {args.at!r}") from e
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=dt.timezone(dt.timedelta(hours=7)))
    entries, codes = [], []
    for path in args.pdfs:
        entry, code = _verify_one(path, roots, moment)
        entries.append(entry)
        codes.append(code)
        if not args.json:
            _print_entry(entry)
    if args.json:
        print(json.dumps(entries, ensure_ascii=False, indent=2))
    bad = [c for c in codes if c]
    if not bad:
        return 0
    if not args.json:
        from sohoa.signing.errors import VerificationFailed

        print(f"sohoa: {VerificationFailed(bad=len(bad), total=len(codes)).message()}", file=sys.stderr)
    return int(ExitCode.INPUT) if int(ExitCode.INPUT) in bad else int(ExitCode.SIGNATURE)
