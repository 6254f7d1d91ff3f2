"""Every error the SDK raises, rooted at :class:`ZoomPhoneError`.

The compiled core picks the class by the kind of error (the same names the
JavaScript package uses as ``error.name``); ``code`` is a stable snake_case
string, ``status`` the HTTP status where a response failed, ``zoom_code``
Zoom's own error number (``ApiError``) and ``tracking_id`` Zoom's
``x-zm-trackingid`` for support requests.
"""

from __future__ import annotations

import builtins
from typing import Any, Optional

__all__ = [
    "ZoomPhoneError",
    "BuildError",
    "ApiError",
    "AuthenticationError",
    "PermissionDeniedError",
    "NotFoundError",
    "RateLimitError",
    "ValidationError",
    "WebhookVerificationError",
    "DecodeError",
    "OAuthError",
    "WebhookError",
    "TransportError",
    "TimeoutError",
    "DailyLimitExceededError",
    "PageTokenExpiredError",
    "ResponseTooLargeError",
]


class ZoomPhoneError(Exception):
    """Base class of every error raised by zoom_phone."""

    code: str
    status: Optional[int]
    zoom_code: Optional[int]
    tracking_id: Optional[str]

    def __init__(
        self,
        message: str,
        *,
        code: str = "error",
        status: Optional[int] = None,
        zoom_code: Optional[int] = None,
        tracking_id: Optional[str] = None,
        retry_after: Optional[float] = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.code = code
        self.status = status
        self.zoom_code = zoom_code
        self.tracking_id = tracking_id
        #: Seconds to wait before trying again, when the server said so.
        self.retry_after = retry_after


class BuildError(ZoomPhoneError, ValueError):
    """The request could not be built (unknown operation, bad parameter). Nothing was sent."""


class ApiError(ZoomPhoneError):
    """Zoom answered with an error; ``status`` is the HTTP status, ``zoom_code`` Zoom's number.

    ``message`` is Zoom's own message when it sent one (``str(error)`` is the
    full description), ``errors`` the per-field problems of a validation
    error (``[{"field", "message"}]``), ``rate_limit`` the rate-limit headers
    of the answer and ``retry_after`` the seconds ``Retry-After`` asked for.
    """

    errors: list[dict[str, str]]
    rate_limit: dict[str, Any]

    def __init__(
        self,
        message: str,
        *,
        errors: Optional[list[dict[str, str]]] = None,
        rate_limit: Optional[dict[str, Any]] = None,
        zoom_message: Optional[str] = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(message, **kwargs)
        self.errors = errors or []
        self.rate_limit = rate_limit or {}
        if zoom_message:
            self.message = zoom_message


class AuthenticationError(ApiError):
    """HTTP 401: the token was missing, invalid or expired even after renewal."""


class PermissionDeniedError(ApiError):
    """HTTP 403: the token lacks a scope, or Zoom Phone is not enabled."""


class NotFoundError(ApiError):
    """HTTP 404: the resource does not exist."""


class RateLimitError(ApiError):
    """HTTP 429 that outlasted the retries; ``retry_after`` says how long to wait."""


class ValidationError(ApiError, ValueError):
    """Zoom refused the request's fields (HTTP 400 code 300); see ``errors``."""


class DecodeError(ZoomPhoneError):
    """A success response whose body does not match what the operation returns."""


class OAuthError(ZoomPhoneError):
    """An OAuth flow failed."""


class WebhookError(ZoomPhoneError):
    """A webhook request is not genuine or cannot be read."""


class WebhookVerificationError(WebhookError):
    """The webhook request failed verification (signature, timestamp, body).

    Answer it with ``status`` (401 or 400) and do not act on its content.
    """


class TransportError(ZoomPhoneError):
    """The HTTP client failed after all the retries the policy allows."""


class TimeoutError(ZoomPhoneError, builtins.TimeoutError):
    """The call did not complete within its deadline."""


class DailyLimitExceededError(ZoomPhoneError):
    """Zoom's daily rate limit for the account is spent."""


class PageTokenExpiredError(ZoomPhoneError):
    """A ``next_page_token`` older than Zoom's 15 minutes was used."""


class ResponseTooLargeError(ZoomPhoneError):
    """A response body exceeded the client's limit (``max_response_bytes`` for
    API answers, ``max_download_bytes`` for downloads); the message names it.
    Reading stopped at the limit; the call is not retried."""
