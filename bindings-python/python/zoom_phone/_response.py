"""A finished call's raw response (``method.with_raw_response(...)``,
``client.request(...)``, each page of a walk and each batch of a sync): the
evidence of the answer (status, headers, tracking id, rate-limit headers,
where a redirect led) and its body, parsed only when ``parse()`` asks.

Everything here comes from the core's last step of the call and the headers
of the response the client read: building one costs no crossing into the
core."""

from __future__ import annotations

from typing import Any, Generic, Optional, TypeVar

import httpx

from .types import RateLimit

__all__ = ["RawResponse"]

_T = TypeVar("_T")
_UNPARSED: Any = object()


class RawResponse(Generic[_T]):
    """The final answer of one call. ``parse()`` gives what the method
    itself returns (the JSON parsed once, the bytes of a download, the text
    of a transcript, ``None`` for an empty answer); a JSON body that does
    not parse raises :class:`~zoom_phone.exceptions.DecodeError` there, while
    ``content`` still holds the bytes."""

    __slots__ = ("_step", "_raw_headers", "_headers", "_parsed", "operation")

    def __init__(self, step: tuple[Any, ...], operation: str, raw_headers: Any) -> None:
        # ("done", wake, events, status, kind, body, content_type, location, tracking_id, rate_limit)
        self._step = step
        self._raw_headers = raw_headers
        self._headers: Optional[httpx.Headers] = None
        self._parsed: Any = _UNPARSED
        #: The operationId called (``"download"`` for a download).
        self.operation = operation

    @property
    def status_code(self) -> int:
        status: int = self._step[3]
        return status

    @property
    def headers(self) -> httpx.Headers:
        """The response's headers, as httpx read them."""
        if self._headers is None:
            self._headers = httpx.Headers(self._raw_headers or [])
        return self._headers

    @property
    def tracking_id(self) -> Optional[str]:
        """Zoom's ``x-zm-trackingid``: quote it to Zoom's support."""
        tracking: Optional[str] = self._step[8]
        return tracking

    @property
    def rate_limit(self) -> RateLimit:
        """What the ``X-RateLimit-*`` headers said: ``category``, ``type``,
        ``limit``, ``remaining`` (``None`` where Zoom left one out)."""
        category, kind, limit, remaining = self._step[9]
        return {"category": category, "type": kind, "limit": limit, "remaining": remaining}

    @property
    def location(self) -> Optional[str]:
        """Where a redirect the client followed led (a transcript, a download)."""
        location: Optional[str] = self._step[7]
        return location

    @property
    def kind(self) -> str:
        """``json``, ``empty``, ``binary`` or ``text``."""
        kind: str = self._step[4]
        return kind

    @property
    def content_type(self) -> Optional[str]:
        content_type: Optional[str] = self._step[6]
        return content_type if content_type is not None else self.headers.get("content-type")

    @property
    def content(self) -> bytes:
        """The body's bytes as they arrived (a transcript's text encoded as UTF-8)."""
        body = self._step[5]
        if body is None:
            return b""
        return body.encode("utf-8") if isinstance(body, str) else bytes(body)

    def parse(self) -> _T:
        """The call's result, as the method without ``with_raw_response`` returns it."""
        if self._parsed is _UNPARSED:
            from ._base_client import _result

            self._parsed = _result(self._step, self.operation)
        parsed: _T = self._parsed
        return parsed

    def __repr__(self) -> str:
        return f"<RawResponse {self.operation} {self.status_code} {self.kind} tracking_id={self.tracking_id!r}>"
