"""A cap on request bodies, enforced before and while they are read.

FastAPI reads a JSON body whole; without a cap, one request could hold any amount of
memory. This ASGI middleware refuses a declared ``Content-Length`` over the limit
without reading a byte, and cuts off a body (chunked or lying) once it passes it. The
tus routes (``exempt_prefix``) stream to disk and enforce their own, tighter caps.
"""

from __future__ import annotations

import json
from typing import Any

MAX_JSON_BODY = 1024 * 1024


class _TooLarge(Exception):
    pass


class BodyLimit:
    def __init__(self, app: Any, limit: int = MAX_JSON_BODY, exempt_prefix: str = "") -> None:
        self.app, self.limit, self.exempt_prefix = app, limit, exempt_prefix

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http" or (self.exempt_prefix and scope["path"].startswith(self.exempt_prefix)):
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers") or [])
        declared = headers.get(b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > self.limit):
            await _refuse(send, self.limit)
            return
        seen = 0
        started = False

        async def limited_receive() -> dict[str, Any]:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.limit:
                    raise _TooLarge
            return message

        async def tracking_send(message: dict[str, Any]) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, limited_receive, tracking_send)
        except _TooLarge:
            if not started:
                await _refuse(send, self.limit)


async def _refuse(send: Any, limit: int) -> None:
    body = json.dumps(
        {
            "error": "body_too_large",
            "reason": f"the request body is larger than {limit} bytes",
            "reason_vi": f"nội dung yêu cầu lớn hơn {limit} byte",
        }
    ).encode()
    await send(
        {
            "type": "http.response.start",
            "status": 413,
            "headers": [(b"content-type", b"application/json"), (b"connection", b"close")],
        }
    )
    await send({"type": "http.response.body", "body": body})
