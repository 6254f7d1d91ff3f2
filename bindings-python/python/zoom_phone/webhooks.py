"""Zoom webhook verification for any framework: give it the request's
headers, its raw body and your secret token(s); get back the event and the
answer to send.

::

    result = handle_webhook(request.headers, raw_body, secret)
    # answer result.status / result.headers / result.body, then act on
    # result.event and result.payload (None for a URL validation)

``secrets`` is one secret token (a ``str``) or, while rotating, a sequence
of them (``[old, new]``); empty entries (an unset environment variable) are
skipped, and with no non-empty secret every request is refused with 500.
Anything else is a ``TypeError``.
"""

from __future__ import annotations

import time
from typing import Any, NamedTuple, Optional, Sequence, Union, cast

from . import _core
from .events import Event

__all__ = ["WebhookResult", "WebhookSecrets", "handle_webhook", "url_validation_response", "verify_webhook"]

#: One secret token, or several while rotating. A ``str`` is never taken as a
#: sequence of one-character secrets.
WebhookSecrets = Union[str, Sequence[str]]


class WebhookResult(NamedTuple):
    """A verified webhook request and the response to send."""

    #: The event name (``phone.callee_ringing``, ``endpoint.url_validation``).
    event: str
    #: The parsed body, typed by ``zoom_phone.events``; ``None`` for a URL validation.
    payload: Optional[Event]
    status: int
    headers: dict[str, str]
    body: bytes


def _headers(headers: Any) -> dict[str, str]:
    # Accept any mapping or list of pairs (ASGI scopes carry bytes pairs).
    items = headers.items() if hasattr(headers, "items") else headers
    out: dict[str, str] = {}
    for name, value in items:
        if isinstance(name, bytes):
            name = name.decode("latin-1")
        if isinstance(value, bytes):
            value = value.decode("latin-1")
        out[str(name).lower()] = str(value)
    return out


def handle_webhook(
    headers: Any,
    body: bytes,
    secrets: WebhookSecrets,
    *,
    window_secs: int = 300,
    now_ms: Optional[int] = None,
) -> WebhookResult:
    """Verifies a webhook request (signature in constant time, timestamp
    within ``window_secs``) and answers URL validation. ``secrets`` is one
    secret token (``str``) or a sequence of them; anything else is a
    ``TypeError``.

    Raises :class:`~zoom_phone.exceptions.WebhookVerificationError` (its
    ``status`` is the HTTP status to answer) for anything not genuine."""
    now = int(time.time() * 1000) if now_ms is None else now_ms
    r = _core.handle_webhook(_headers(headers), bytes(body), secrets, now, window_secs=window_secs)
    return WebhookResult(r["event"], cast(Optional[Event], r["payload"]), r["status"], r["headers"], r["body"])


def verify_webhook(
    headers: Any, body: bytes, secrets: WebhookSecrets, *, window_secs: int = 300, now_ms: Optional[int] = None
) -> Event:
    """The verified event's body (``{"event", "event_ts", "payload"}``),
    typed by ``zoom_phone.events``. Raises
    :class:`~zoom_phone.exceptions.WebhookVerificationError`, also for a URL
    validation request (answer those with :func:`handle_webhook` or
    :func:`url_validation_response`)."""
    result = handle_webhook(headers, body, secrets, window_secs=window_secs, now_ms=now_ms)
    if result.payload is None:
        from .exceptions import WebhookVerificationError

        raise WebhookVerificationError(
            "this is a URL validation request; answer it with url_validation_response", code="url_validation", status=400
        )
    return result.payload


def url_validation_response(
    headers: Any, body: bytes, secrets: WebhookSecrets, *, window_secs: int = 300, now_ms: Optional[int] = None
) -> bytes:
    """The JSON body answering Zoom's ``endpoint.url_validation`` challenge."""
    result = handle_webhook(headers, body, secrets, window_secs=window_secs, now_ms=now_ms)
    if result.payload is not None:
        from .exceptions import WebhookVerificationError

        raise WebhookVerificationError(
            f"the event is `{result.event}`, not endpoint.url_validation", code="not_url_validation", status=400
        )
    return result.body
