"""A Zoom webhook endpoint as a bare ASGI app (no framework): run it with
any ASGI server, e.g. ``uvicorn asgi_webhooks:app``.

Verification (signature, timestamp window, URL validation) is the core's;
the app only reads the body, answers what ``handle_webhook`` says and hands
genuine events on.
"""

from __future__ import annotations

import os
from typing import Any, Awaitable, Callable

from zoom_phone import exceptions, handle_webhook
from zoom_phone.events import Event

Scope = dict[str, Any]
Message = dict[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]

SECRETS = [s for s in os.environ.get("ZOOM_WEBHOOK_SECRETS", "asgi-demo-secret").split(",") if s]

#: Genuine events, newest last (a real app would enqueue them).
received: list[Event] = []


async def _read_body(receive: Receive) -> bytes:
    chunks = []
    while True:
        message = await receive()
        chunks.append(message.get("body", b""))
        if not message.get("more_body"):
            return b"".join(chunks)


async def _answer(send: Send, status: int, headers: dict[str, str], body: bytes) -> None:
    raw = [(k.encode("latin-1"), v.encode("latin-1")) for k, v in headers.items()]
    await send({"type": "http.response.start", "status": status, "headers": raw})
    await send({"type": "http.response.body", "body": body})


async def app(scope: Scope, receive: Receive, send: Send) -> None:
    if scope["type"] != "http" or scope["method"] != "POST":
        await _answer(send, 405, {}, b"")
        return
    body = await _read_body(receive)
    try:
        result = handle_webhook(scope["headers"], body, SECRETS)
    except exceptions.WebhookVerificationError as e:
        await _answer(send, e.status or 401, {"content-type": "text/plain"}, e.code.encode())
        return
    await _answer(send, result.status, result.headers, result.body)
    if result.payload is not None:
        received.append(result.payload)
