"""Every error the SDK raises, rooted at :class:`ZoomPhoneError`.

The compiled core picks the class by the kind of error (the same names the
JavaScript package uses as ``error.name``); ``code`` is a stable snake_case
string, ``status`` the HTTP status where a response failed, ``zoom_code``
Zoom's own error number (``ApiError``) and ``tracking_id`` Zoom's
``x-zm-trackingid`` for support requests.
"""

from __future__ import annotations

import builtins
from typing import Optional

__all__ = [
    "ZoomPhoneError",
    "BuildError",
    "ApiError",
    "DecodeError",
    "OAuthError",
    "WebhookError",
    "TransportError",
    "TimeoutError",
    "DailyLimitExceededError",
    "PageTokenExpiredError",
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
    ) -> None:
        super().__init__(message)
        self.message = message
        self.code = code
        self.status = status
        self.zoom_code = zoom_code
        self.tracking_id = tracking_id


class BuildError(ZoomPhoneError, ValueError):
    """The request could not be built (unknown operation, bad parameter). Nothing was sent."""


class ApiError(ZoomPhoneError):
    """Zoom answered with an error; ``status`` is the HTTP status, ``zoom_code`` Zoom's number."""


class DecodeError(ZoomPhoneError):
    """A success response whose body does not match what the operation returns."""


class OAuthError(ZoomPhoneError):
    """An OAuth flow failed."""


class WebhookError(ZoomPhoneError):
    """A webhook request is not genuine or cannot be read."""


class TransportError(ZoomPhoneError):
    """The HTTP client failed after all the retries the policy allows."""


class TimeoutError(ZoomPhoneError, builtins.TimeoutError):
    """The call did not complete within its deadline."""


class DailyLimitExceededError(ZoomPhoneError):
    """Zoom's daily rate limit for the account is spent."""


class PageTokenExpiredError(ZoomPhoneError):
    """A ``next_page_token`` older than Zoom's 15 minutes was used."""
