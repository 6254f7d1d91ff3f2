"""Every error the SDK raises, rooted at :class:`ZoomPhoneError`.

The compiled core picks the class by the kind of error (the same names the
JavaScript package uses as ``error.name``); ``code`` is a stable snake_case
string and ``status`` the HTTP status where there is one.
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

    def __init__(self, message: str, *, code: str = "error", status: Optional[int] = None) -> None:
        super().__init__(message)
        self.message = message
        self.code = code
        self.status = status


class BuildError(ZoomPhoneError, ValueError):
    """The request could not be built (unknown operation, bad parameter). Nothing was sent."""


class ApiError(ZoomPhoneError):
    """Zoom answered with an error; ``status`` is the HTTP status."""


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
