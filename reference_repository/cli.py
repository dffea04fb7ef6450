"""``sohoa-repository``: run the reference repository server, or export its OpenAPI description.

``sohoa-repository serve --port N --data DIR [--trust CA.pem]... [--users FILE]
[--tls-cert C --tls-key K] [--admin] [--fault-...]`` serves on loopback by default.
``--port 0`` picks a free port; ``--ready-file F`` receives the base URL once the
socket listens (how :mod:`reference_repository.testing` finds it).
``sohoa-repository openapi OUT.json`` writes the OpenAPI description.
``sohoa-repository add-user FILE NAME [--role clerk|agency|admin] [--agency A]`` stores a
hashed password (read from stdin, or asked) in the users file.
With ``--admin`` a random admin token is written 0600 to ``--admin-token-file`` (default
``DATA/admin-token``); ``/_admin`` answers only to it (``Authorization: Bearer``) or an admin user.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import re
import secrets
import socket
import sys
from collections.abc import Sequence
from pathlib import Path

log = logging.getLogger("reference_repository")


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="sohoa-repository", description="SoHoa reference repository server")
    sub = p.add_subparsers(dest="command", required=True)
    s = sub.add_parser("serve", help="run the server")
    s.add_argument("--host", default="127.0.0.1", help="address to listen on (default: loopback only)")
    s.add_argument("--port", type=int, default=8600, help="port (0: any free port)")
    s.add_argument("--data", type=Path, required=True, help="folder for the database and files")
    s.add_argument("--trust", type=Path, action="append", default=[], help="trusted root CA (PEM); repeat")
    s.add_argument(
        "--users", type=Path, help="users file (hashed passwords; see add-user); without it no login is asked"
    )
    s.add_argument("--tls-cert", type=Path, help="serve HTTPS with this certificate (PEM)")
    s.add_argument("--tls-key", type=Path, help="the certificate's private key (PEM)")
    s.add_argument("--admin", action="store_true", help="serve PUT /_admin/faults (tests only; needs admin)")
    s.add_argument(
        "--admin-token-file", type=Path, help="where to write the admin token (default DATA/admin-token)"
    )
    s.add_argument("--quota-mb", type=int, default=2048, help="declared MB of one user's unfinished uploads")
    s.add_argument("--max-open-uploads", type=int, default=200, help="unfinished uploads per user")
    s.add_argument(
        "--upload-expiry-hours", type=float, default=24.0, help="unfinished uploads expire after this (tus)"
    )
    s.add_argument(
        "--check-workers",
        type=int,
        default=None,
        help="processes for the commit checks (default: one per core)",
    )
    s.add_argument(
        "--no-content-checks",
        dest="content_checks",
        action="store_false",
        help="BENCHMARKS AND LOAD TESTS ONLY: accept any file whose SHA-256 matches, without the PDF/A,"
        " signature and trust checks (measures the uploader, not the checks); never the default",
    )
    s.add_argument("--ready-file", type=Path, help="write the base URL here once listening")
    s.add_argument("--access-log", action="store_true", help="log every request (URLs may hold ID numbers)")
    f = s.add_argument_group("fault injection")
    f.add_argument(
        "--fault-drop-after", type=int, metavar="BYTES", help="drop connections after BYTES of body"
    )
    f.add_argument("--fault-drop-count", type=int, default=-1, metavar="N", help="drop only N connections")
    f.add_argument("--fault-status", type=int, choices=[500, 502, 503, 504], help="answer this status")
    f.add_argument("--fault-status-count", type=int, default=-1, metavar="N", help="only for N requests")
    f.add_argument("--fault-retry-after", type=float, metavar="S", help="send Retry-After: S with the status")
    f.add_argument("--fault-delay", type=float, default=0.0, metavar="S", help="answer every request S late")
    o = sub.add_parser("openapi", help="write the OpenAPI description as JSON")
    o.add_argument("out", type=Path)
    u = sub.add_parser("add-user", help="add a user (password from stdin, or asked) to a users file")
    u.add_argument("file", type=Path)
    u.add_argument("name")
    u.add_argument("--role", choices=["clerk", "agency", "admin"], default="clerk")
    u.add_argument("--agency", default="", help="the user's agency (role agency reads its documents)")
    return p


class _MaskIds(logging.Filter):
    """Access-log lines carry query strings (owner_id=...): mask ID-like digit runs."""

    _RUN = re.compile(r"(?<![0-9A-Za-z])(\d{5})(\d{4,8})(?![0-9A-Za-z])")

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        record.msg = self._RUN.sub(lambda m: "*" * (len(m.group(0)) - 4) + m.group(0)[-4:], message)
        record.args = None
        return True


def _access_log() -> None:
    access = logging.getLogger("uvicorn.access")
    access.setLevel(logging.INFO)
    access.propagate = False
    handler = logging.StreamHandler(sys.stdout)
    handler.setFormatter(logging.Formatter("%(asctime)s access: %(message)s"))
    handler.addFilter(_MaskIds())
    access.handlers[:] = [handler]


def add_user_command(args: argparse.Namespace) -> int:
    import getpass

    from reference_repository.users import UsersFileError, add_user

    password = sys.stdin.readline().rstrip("\n") if not sys.stdin.isatty() else getpass.getpass("Password: ")
    if not password:
        print("sohoa-repository: an empty password is not allowed", file=sys.stderr)
        return 2
    try:
        add_user(args.file, args.name, password, args.role, args.agency)
    except UsersFileError as e:
        print(f"sohoa-repository: {e}", file=sys.stderr)
        return 2
    print(f"sohoa-repository: {args.name} ({args.role}) stored in {args.file}")
    return 0


def serve(args: argparse.Namespace) -> int:
    import uvicorn

    from reference_repository.app import create_app
    from reference_repository.checks import load_trust_roots
    from reference_repository.faults import Faults
    from reference_repository.users import load_users

    os.umask(0o077)  # the database and the documents: the server's account alone
    users = load_users(args.users) if args.users else None
    token = ""
    if args.admin:
        token = secrets.token_urlsafe(24)
        token_file = args.admin_token_file or args.data / "admin-token"
        token_file.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd = os.open(token_file, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as fh:
            fh.write(token)

    faults = Faults(
        drop_after_bytes=args.fault_drop_after,
        drop_count=args.fault_drop_count,
        status=args.fault_status,
        status_count=args.fault_status_count,
        retry_after=args.fault_retry_after,
        delay_s=args.fault_delay,
    )
    app = create_app(
        args.data,
        load_trust_roots(args.trust),
        users,
        faults,
        args.admin,
        args.check_workers,
        content_checks=args.content_checks,
        admin_token=token,
        quota_bytes=args.quota_mb * 1024 * 1024,
        max_open_uploads=args.max_open_uploads,
        expiry_s=args.upload_expiry_hours * 3600,
    )
    family = socket.AF_INET6 if ":" in args.host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((args.host, args.port))
    tls = bool(args.tls_cert and args.tls_key)
    config = uvicorn.Config(
        app,
        http="h11",  # the fault switch aborts connections through h11's transport
        log_level="info" if args.access_log else "warning",
        access_log=args.access_log,
        ssl_certfile=str(args.tls_cert) if tls else None,
        ssl_keyfile=str(args.tls_key) if tls else None,
        timeout_keep_alive=30,
    )
    server = uvicorn.Server(config)
    if args.access_log:
        config.load()  # uvicorn configures its loggers here; ours replaces the access handler after
        _access_log()
    port = sock.getsockname()[1]
    host = f"[{args.host}]" if family == socket.AF_INET6 else args.host
    url = f"{'https' if tls else 'http'}://{host}:{port}"
    sock.listen(128)
    if args.ready_file:
        tmp = args.ready_file.with_suffix(".tmp")
        tmp.write_text(url)
        os.replace(tmp, args.ready_file)
    print(f"sohoa-repository: serving {url} (data in {args.data})", flush=True)
    try:
        server.run(sockets=[sock])
    finally:
        app.api.state.checks.close()  # also when the lifespan did not run (startup failed)
    return 0


def export_openapi(out: Path) -> int:
    import tempfile

    from reference_repository.app import create_app

    with tempfile.TemporaryDirectory() as tmp:
        app = create_app(Path(tmp), [], check_workers=0)
        spec = app.api.openapi()
    out.write_text(json.dumps(spec, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    if args.command == "openapi":
        return export_openapi(args.out)
    if args.command == "add-user":
        return add_user_command(args)
    try:
        return serve(args)
    except ValueError as e:  # a users file that cannot be used
        print(f"sohoa-repository: cannot start: {e}", file=sys.stderr)
        return 2
    except OSError as e:
        print(f"sohoa-repository: cannot start: {e}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
