"""``sohoa-repository``: run the reference repository server, or export its OpenAPI description.

``sohoa-repository serve --port N --data DIR [--trust CA.pem]... [--users FILE]
[--tls-cert C --tls-key K] [--admin] [--fault-...]`` serves on loopback by default.
``--port 0`` picks a free port; ``--ready-file F`` receives the base URL once the
socket listens (how :mod:`reference_repository.testing` finds it).
``sohoa-repository openapi OUT.json`` writes the OpenAPI description.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
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
    s.add_argument("--users", type=Path, help="file of 'name:password' lines; without it no login is asked")
    s.add_argument("--tls-cert", type=Path, help="serve HTTPS with this certificate (PEM)")
    s.add_argument("--tls-key", type=Path, help="the certificate's private key (PEM)")
    s.add_argument("--admin", action="store_true", help="serve PUT /_admin/faults (tests only)")
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
    return p


def _read_users(path: Path | None) -> dict[str, str] | None:
    if path is None:
        return None
    users = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            name, _, password = line.partition(":")
            users[name.strip()] = password.rstrip("\n")
    return users


def serve(args: argparse.Namespace) -> int:
    import uvicorn

    from reference_repository.app import create_app
    from reference_repository.checks import load_trust_roots
    from reference_repository.faults import Faults

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
        _read_users(args.users),
        faults,
        args.admin,
        args.check_workers,
        content_checks=args.content_checks,
    )
    family = socket.AF_INET6 if ":" in args.host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((args.host, args.port))
    tls = bool(args.tls_cert and args.tls_key)
    config = uvicorn.Config(
        app,
        http="h11",  # the fault switch aborts connections through h11's transport
        log_level="warning",
        access_log=args.access_log,
        ssl_certfile=str(args.tls_cert) if tls else None,
        ssl_keyfile=str(args.tls_key) if tls else None,
        timeout_keep_alive=30,
    )
    server = uvicorn.Server(config)
    port = sock.getsockname()[1]
    host = f"[{args.host}]" if family == socket.AF_INET6 else args.host
    url = f"{'https' if tls else 'http'}://{host}:{port}"
    sock.listen(128)
    if args.ready_file:
        tmp = args.ready_file.with_suffix(".tmp")
        tmp.write_text(url)
        os.replace(tmp, args.ready_file)
    print(f"sohoa-repository: serving {url} (data in {args.data})", flush=True)
    server.run(sockets=[sock])
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
    try:
        return serve(args)
    except OSError as e:
        print(f"sohoa-repository: cannot start: {e}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
