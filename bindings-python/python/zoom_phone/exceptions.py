"""Every error the SDK raises, rooted at :class:`ZoomPhoneError`.

The core classifies each failure once, for every host (the same classes as
the npm package's error types); this module only maps the class to an
exception type. The evidence is the same everywhere and every field is
optional: ``code`` (a stable snake_case string), ``status`` (the HTTP
status), ``zoom_code`` and ``zoom_message`` (Zoom's own error), ``errors``
(Zoom's per-field problems), ``tracking_id`` (Zoom's ``x-zm-trackingid``,
for support), ``rate_limit`` and ``retry_after`` / ``retry_at``. A transport
or token-source failure keeps the original exception as ``__cause__``.
Messages never contain a secret.
"""

from __future__ import annotations

import builtins
from datetime import datetime, timezone
from typing import Any, Optional

from .types import RateLimit

__all__ = [
    "ZoomPhoneError",
    "ApiError",
    "AuthenticationError",
    "OAuthError",
    "PermissionDeniedError",
    "NotFoundError",
    "ValidationError",
    "ConflictError",
    "RateLimitError",
    "DailyLimitExceededError",
    "ServerError",
    "InternalServerError",
    "TransportError",
    "TimeoutError",
    "DecodeError",
    "BuildError",
    "WebhookError",
    "WebhookVerificationError",
    "TokenStoreError",
    "PageTokenExpiredError",
    "ResponseTooLargeError",
    "CallCancelledError",
    "InternalError",
]


class ZoomPhoneError(Exception):
    """Base class of every error raised by zoom_phone."""

    #: The core's class of the failure (``not_found``, ``transport``, ...).
    error_class: str
    code: str
    message: str
    #: The operationId of the call, when the error is about one.
    operation: Optional[str]
    status: Optional[int]
    zoom_code: Optional[int]
    zoom_message: Optional[str]
    errors: list[dict[str, str]]
    tracking_id: Optional[str]
    rate_limit: Optional[RateLimit]
    #: Seconds to wait before trying again, when Zoom said (``Retry-After``, the daily reset).
    retry_after: Optional[float]
    #: When trying again may succeed (UTC), when Zoom said.
    retry_at: Optional[datetime]
    #: For transport failures: ``{"kind": "connect"|"reset"|"timeout"|"other", "target": "scheme://host:port"}``.
    transport: Optional[dict[str, Any]]
    #: For a body over the limit: the limit, in bytes.
    limit: Optional[int]

    def __init__(
        self,
        message: str,
        *,
        error_class: str = "internal",
        code: str = "error",
        operation: Optional[str] = None,
        status: Optional[int] = None,
        zoom_code: Optional[int] = None,
        zoom_message: Optional[str] = None,
        errors: Optional[list[dict[str, str]]] = None,
        tracking_id: Optional[str] = None,
        rate_limit: Optional[RateLimit] = None,
        retry_after: Optional[float] = None,
        retry_at: Optional[datetime] = None,
        transport: Optional[dict[str, Any]] = None,
        limit: Optional[int] = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.error_class = error_class
        self.code = code
        self.operation = operation
        self.status = status
        self.zoom_code = zoom_code
        self.zoom_message = zoom_message
        self.errors = errors or []
        self.tracking_id = tracking_id
        self.rate_limit = rate_limit
        self.retry_after = retry_after
        self.retry_at = retry_at
        self.transport = transport
        self.limit = limit


class ApiError(ZoomPhoneError):
    """Zoom (or its OAuth server) answered with an error; ``message`` is Zoom's
    own message when it sent one (``str(error)`` is the full description)."""

    def __init__(self, message: str, **kwargs: Any) -> None:
        super().__init__(message, **kwargs)
        if self.zoom_message:
            self.message = self.zoom_message


class AuthenticationError(ApiError):
    """The credentials or the token were refused: HTTP 401, Zoom's code 124, the
    OAuth server refusing the client or the refresh token, or tokens that can
    no longer be renewed (``code == "reauthorization_required"``)."""


#: The name this package's 0.1 gave OAuth failures: they are authentication errors.
OAuthError = AuthenticationError


class PermissionDeniedError(ApiError):
    """HTTP 403: the token lacks a scope, or the account a feature."""


class NotFoundError(ApiError):
    """HTTP 404: the resource does not exist."""


class ValidationError(ApiError, ValueError):
    """HTTP 400 or 422: Zoom refused the request's content; see ``errors``."""


class ConflictError(ApiError):
    """HTTP 409: the request conflicts with the resource's state."""


class RateLimitError(ApiError):
    """HTTP 429 that outlasted the retries; ``retry_after`` says how long to wait."""


class DailyLimitExceededError(RateLimitError):
    """Zoom's daily rate limit for the account is spent; ``retry_at`` is its reset."""


class ServerError(ApiError):
    """HTTP 5xx after the retries the policy allowed."""


InternalServerError = ServerError


class TransportError(ZoomPhoneError):
    """No answer (connection refused or reset, DNS, TLS, an attempt's timeout)
    after the retries the policy allows; ``__cause__`` is httpx's exception."""


class TimeoutError(TransportError, builtins.TimeoutError):
    """The call did not complete within its deadline (``call_timeout``)."""


class DecodeError(ZoomPhoneError):
    """A success response whose body is not what the operation returns."""


class BuildError(ZoomPhoneError, ValueError):
    """Refused before sending: an unknown operation or parameter, a value of
    the wrong type or range, a bad option or client configuration. Nothing
    was sent."""


class WebhookError(ZoomPhoneError):
    """A webhook request is not genuine or cannot be read."""


class WebhookVerificationError(WebhookError):
    """The webhook request failed verification (signature, timestamp, body).

    Answer it with ``status`` (401 or 400) and do not act on its content.
    """


class TokenStoreError(ZoomPhoneError):
    """The token store failed (lock, read, write); ``__cause__`` is its exception."""


class PageTokenExpiredError(ZoomPhoneError):
    """A ``next_page_token`` older than Zoom's 15 minutes: start the walk again."""


class ResponseTooLargeError(ZoomPhoneError):
    """A response body exceeded the client's limit (``max_response_bytes`` for
    API answers, ``max_download_bytes`` for downloads); reading stopped there
    and the call is not retried."""


class CallCancelledError(ZoomPhoneError):
    """The call was given up before it finished."""


class InternalError(ZoomPhoneError):
    """A bug in this package or a broken protocol; the message says which."""


_CLASSES: dict[str, type[ZoomPhoneError]] = {
    "authentication": AuthenticationError,
    "permission_denied": PermissionDeniedError,
    "not_found": NotFoundError,
    "validation": ValidationError,
    "conflict": ConflictError,
    "rate_limit": RateLimitError,
    "daily_limit": DailyLimitExceededError,
    "server": ServerError,
    "api": ApiError,
    "transport": TransportError,
    "timeout": TimeoutError,
    "decode": DecodeError,
    "build": BuildError,
    "webhook": WebhookVerificationError,
    "token_store": TokenStoreError,
    "page_token_expired": PageTokenExpiredError,
    "response_too_large": ResponseTooLargeError,
    "cancelled": CallCancelledError,
    "internal": InternalError,
}


def _from_core(info: dict[str, Any]) -> ZoomPhoneError:
    """The exception for the core's ``Error::to_json()``: its class looked
    up, its evidence shown in Python's units (seconds, ``datetime``)."""
    retry_after_ms = info.get("retry_after_ms")
    retry_at_ms = info.get("retry_at_ms")
    error_class = info.get("class", "internal")
    return _CLASSES.get(error_class, InternalError)(
        info.get("message", "unknown error"),
        error_class=error_class,
        code=info.get("code", "error"),
        operation=info.get("operation"),
        status=info.get("status"),
        zoom_code=info.get("zoom_code"),
        zoom_message=info.get("zoom_message"),
        errors=info.get("errors"),
        tracking_id=info.get("tracking_id"),
        rate_limit=info.get("rate_limit"),
        retry_after=None if retry_after_ms is None else retry_after_ms / 1000,
        retry_at=None if retry_at_ms is None else datetime.fromtimestamp(retry_at_ms / 1000, tz=timezone.utc),
        transport=info.get("transport"),
        limit=info.get("limit"),
    )
