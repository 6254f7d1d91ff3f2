"""The shapes of what the functions of :mod:`zoom_phone` return."""

from __future__ import annotations

from typing import Any, Literal, Optional, TypedDict

__all__ = ["BuiltRequest", "ParsedResponse", "RateLimit"]


class BuiltRequest(TypedDict):
    """A request ready for an HTTP client; no ``authorization`` header."""

    method: str
    url: str
    headers: dict[str, str]
    #: ``None`` when the request has no body.
    body: Optional[bytes]


class _ParsedResponseFields(TypedDict):
    status: int
    tracking_id: Optional[str]
    rate_limit: dict[str, Any]
    kind: Literal["json", "empty", "binary", "text", "redirect"]
    body: Any


class ParsedResponse(_ParsedResponseFields, total=False):
    """A parsed response. ``body`` is the JSON value (kind ``"json"``), the
    bytes (``"binary"``) or ``None`` (``"empty"``, and ``"redirect"``, whose
    result is ``location``)."""

    #: Kind ``"binary"`` only.
    content_type: Optional[str]
    #: Kind ``"redirect"`` only.
    location: str


class RateLimit(TypedDict, total=False):
    """What the rate-limit headers of a failed answer said (an error's ``rate_limit``)."""

    #: ``"light"``, ``"medium"``, ``"heavy"`` or ``"resource_intensive"``.
    category: Optional[str]
    #: ``"qps"`` (per second) or ``"daily"``.
    type: Optional[str]
    limit: Optional[int]
    remaining: Optional[int]
