"""Fault injection: the network and server failures an uploader must survive, on demand.

An ASGI middleware in front of the app can drop the connection once a request body
has passed N bytes (a real TCP abort, as when a 3G link dies mid-chunk), answer
500/503 with ``Retry-After``, or answer slowly. Each fault can be limited to a number
of requests. Tests switch faults at run time through ``PUT /_admin/faults`` (only
served when the server runs with ``--admin``, and only to the holder of the admin token
or an ``admin`` user); operators use the ``--fault-*`` options.
"""

from __future__ import annotations

import asyncio
import json
import logging
import threading
from collections.abc import Callable
from dataclasses import asdict, dataclass, fields
from typing import Any

log = logging.getLogger(__name__)

ADMIN_PATH = "/_admin/faults"


@dataclass
class Faults:
    drop_after_bytes: int | None = None  # abort a request's connection once its body passed this
    drop_count: int = -1  # how many connections to drop (-1: every matching request)
    status: int | None = None  # answer this status (500, 503, ...) instead of serving
    status_count: int = -1  # how many requests get it (-1: all)
    retry_after: float | None = None  # seconds, sent with the status
    delay_s: float = 0.0  # wait this long before serving each request
    path_prefix: str = ""  # only requests whose path starts with this (e.g. "/files")

    def update(self, values: dict[str, Any]) -> None:
        names = {f.name for f in fields(self)}
        unknown = set(values) - names
        if unknown:
            raise ValueError(f"unknown fault settings: {', '.join(sorted(unknown))}")
        for key, value in values.items():
            setattr(self, key, value)


class FaultMiddleware:
    """Pure ASGI middleware (no buffering), so a drop happens mid-body, not after it."""

    def __init__(
        self, app: Any, faults: Faults, admin: bool, is_admin: Callable[[dict[str, str]], bool] | None = None
    ) -> None:
        self.app, self.faults, self.admin = app, faults, admin
        self.is_admin = is_admin or (lambda headers: False)
        self._lock = threading.Lock()
        self.counters = {"dropped": 0, "statused": 0, "delayed": 0}

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path = scope.get("path", "")
        if path == ADMIN_PATH:
            await self._admin(scope, receive, send)
            return
        f = self.faults
        if f.path_prefix and not path.startswith(f.path_prefix):
            await self.app(scope, receive, send)
            return
        if f.delay_s > 0:
            self.counters["delayed"] += 1
            await asyncio.sleep(f.delay_s)
        if f.status is not None and self._take("status_count"):
            self.counters["statused"] += 1
            headers = [(b"content-type", b"application/json"), (b"tus-resumable", b"1.0.0")]
            if f.retry_after is not None:
                headers.append((b"retry-after", str(round(f.retry_after)).encode()))
            body = json.dumps(
                {
                    "error": "injected_fault",
                    "reason": f"injected fault {f.status}",
                    "reason_vi": "lỗi giả lập",
                }
            ).encode()
            await send({"type": "http.response.start", "status": f.status, "headers": headers})
            await send({"type": "http.response.body", "body": body})
            return
        if f.drop_after_bytes is not None and scope.get("method") in ("PATCH", "POST", "PUT"):
            receive = self._dropping_receive(receive, f.drop_after_bytes)
        await self.app(scope, receive, send)

    def _take(self, counter: str) -> bool:
        """Use one unit of a limited fault; False when it is used up."""
        with self._lock:
            left = getattr(self.faults, counter)
            if left == 0:
                return False
            if left > 0:
                setattr(self.faults, counter, left - 1)
            return True

    def _dropping_receive(self, receive: Any, limit: int) -> Any:
        seen = 0

        async def wrapped() -> dict[str, Any]:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > limit and self._take("drop_count"):
                    self.counters["dropped"] += 1
                    _abort_connection(receive)
                    return {"type": "http.disconnect"}
            return message

        return wrapped

    async def _admin(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        status, payload = 404, {"error": "not_found", "reason": "admin endpoint disabled"}
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope.get("headers") or []}
        if self.admin and not self.is_admin(headers):
            status, payload = (
                401,
                {"error": "unauthorised", "reason": "the admin endpoints need an admin login"},
            )
        elif self.admin:
            if scope["method"] == "PUT":
                body = b""
                while True:
                    message = await receive()
                    body += message.get("body", b"")
                    if not message.get("more_body"):
                        break
                try:
                    values = json.loads(body or b"{}")
                    self.faults.__init__()  # type: ignore[misc]  # a PUT replaces every setting
                    self.faults.update(values)
                    self.counters = dict.fromkeys(self.counters, 0)
                    status = 200
                except (ValueError, TypeError) as e:
                    status, payload = 400, {"error": "bad_faults", "reason": str(e)}
            else:
                status = 200
            if status == 200:
                payload = {"faults": asdict(self.faults), "counters": self.counters}
        data = json.dumps(payload).encode()
        await send(
            {
                "type": "http.response.start",
                "status": status,
                "headers": [(b"content-type", b"application/json")],
            }
        )
        await send({"type": "http.response.body", "body": data})


def _abort_connection(receive: Any) -> None:
    """Abort the TCP connection under this request (uvicorn's h11 cycle holds the transport)."""
    cycle = getattr(receive, "__self__", None)
    transport = getattr(cycle, "transport", None)
    if transport is None:
        raise RuntimeError("fault injection needs uvicorn's h11 protocol (run with --http h11)")
    log.info("fault: dropping a connection mid-request")
    transport.abort()
