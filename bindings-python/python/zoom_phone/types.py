"""The shapes of what the functions of :mod:`zoom_phone` return."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal, Optional, TypedDict

__all__ = ["BuiltRequest", "CallOptions", "ParsedResponse", "RateLimit", "ResumePoint", "SyncCheckpoint"]


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


class CallOptions(TypedDict, total=False):
    """The options every method takes beside its parameters (and
    ``with_options`` as defaults); each overrides the client's for the call."""

    #: Seconds for the whole call, retries and waits included.
    call_timeout: float
    #: Attempts at most, the first included.
    max_attempts: int
    #: Retry a write (POST, PATCH, PUT, DELETE) after a failure that may have reached Zoom.
    retry_non_idempotent: bool
    #: Headers added to the call's requests.
    extra_headers: Mapping[str, str]


class ResumePoint(TypedDict):
    """Where a walk continues (``walk.resume_point``, ``iter(resume=...)``)."""

    #: The next page's token (``None``: the first page).
    token: Optional[str]
    #: When the token was received (ms since the epoch): Zoom keeps it 15 minutes.
    issued_at_ms: Optional[int]
    #: Items of that page already handed out.
    skip: int


class SyncCheckpoint(TypedDict):
    """Where an incremental sync stands (``run.checkpoint``, ``sync(checkpoint=...)``)."""

    #: The token asking for what changed since the newest record seen.
    forward: Optional[str]
    #: The token asking for records older than the oldest seen.
    backward: Optional[str]
    #: The history before the first sync is complete.
    backfilled: bool
