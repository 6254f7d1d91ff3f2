"""What the sync and the asyncio client share: the constructor (written once,
typed by the client's IO), its translation into the core's one host
configuration, per-call options, results and errors.

A client is a small interpreter of the core's session (``_core.Session``):
it asks the core what to do, performs exactly that (``_client.py``: send with
httpx, sleep, ask the token source, use the token store) and reports exactly
its outcome. Which credentials, when to renew, whether and when to retry,
deadlines, redirects and error classes are all the core's decisions.
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Mapping
from typing import Any, Generic, Literal, NoReturn, Optional, Protocol, TypeVar, Union, cast, runtime_checkable

import httpx

from . import _core
from .exceptions import BuildError, ZoomPhoneError
from .types import ParsedResponse

__all__ = ["AsyncTokenStore", "BaseClient", "StoreLock", "Token", "TokenStore", "parse_response"]

#: What a token source returns: the access token, or a mapping with
#: ``access_token`` and ``expires_in`` (seconds) or ``expires_at`` (ms since
#: the epoch), and optionally ``refresh_token``, ``api_url``, ``scopes``.
Token = Union[str, Mapping[str, Any]]


@runtime_checkable
class TokenStore(Protocol):
    """Where tokens live between processes (a file, a database row, a secret
    manager). ``load`` returns what ``save`` was last given, or ``None``; the
    bytes are JSON and hold secrets: store them as such.

    A store shared by several clients or processes should also have
    ``try_lock() -> Optional[StoreLock]`` that never blocks (``None``: another
    client holds it): a client takes it before re-reading the store to renew
    a token and releases it once the renewed tokens are saved, so no client
    refreshes with a refresh token another one already rotated away
    (:class:`~zoom_phone.stores.FileTokenStore` and
    :class:`~zoom_phone.stores.MemoryTokenStore` have one)."""

    def load(self) -> Optional[bytes]: ...

    def save(self, tokens: bytes) -> None: ...


@runtime_checkable
class AsyncTokenStore(Protocol):
    """The asyncio form of :class:`TokenStore`."""

    async def load(self) -> Optional[bytes]: ...

    async def save(self, tokens: bytes) -> None: ...


class StoreLock(Protocol):
    """A held token-store lock (see :class:`TokenStore`)."""

    def release(self) -> None: ...


_HttpT = TypeVar("_HttpT", httpx.Client, httpx.AsyncClient)
_SourceT = TypeVar("_SourceT")
_StoreT = TypeVar("_StoreT")

RateLimits = Union[Literal["off", "pro", "business"], Mapping[str, Any]]
LogLevel = Literal["off", "error", "warn", "info", "debug"]

_LOGGER = logging.getLogger("zoom_phone")
_LEVELS = {"error": logging.ERROR, "warn": logging.WARNING, "info": logging.INFO, "debug": logging.DEBUG}


def _ms(seconds: Any) -> Any:
    """Seconds as the core's milliseconds; anything else is handed on for
    the core to refuse by name."""
    if isinstance(seconds, (int, float)) and not isinstance(seconds, bool):
        return seconds * 1000
    return seconds


def _log_level() -> str:
    """The core's event level for what the ``zoom_phone`` logger lets through."""
    for name in ("debug", "info", "warn", "error"):
        if _LOGGER.isEnabledFor(_LEVELS[name]):
            return name
    return "off"


def _options(
    call_timeout: Optional[float],
    max_attempts: Optional[int],
    retry_non_idempotent: Optional[bool],
    headers: Optional[Mapping[str, str]],
) -> Optional[dict[str, Any]]:
    """Per-call options in the core's shape (only those given)."""
    options: dict[str, Any] = {}
    if call_timeout is not None:
        options["timeout_ms"] = _ms(call_timeout)
    if max_attempts is not None:
        options["max_attempts"] = max_attempts
    if retry_non_idempotent is not None:
        options["retry_non_idempotent"] = retry_non_idempotent
    if headers is not None:
        options["headers"] = dict(headers)
    return options or None


def _log(events: list[dict[str, Any]]) -> None:
    for e in events:
        _LOGGER.log(
            _LEVELS.get(e["level"], logging.INFO),
            "%s",
            e["message"],
            extra={"zoom_phone_event": e["name"], "zoom_phone_fields": e["fields"]},
        )


def _fail(error: ZoomPhoneError, cause: Optional[BaseException]) -> NoReturn:
    """Raises the call's error; the host's own exception behind it (httpx's,
    the token source's, the store's) as its ``__cause__``."""
    if cause is not None:
        raise error from cause
    raise error


def _result(step: tuple[Any, ...], operation: str) -> Any:
    """The value of a finished call: JSON parsed once, here, by ``json.loads``
    on the original bytes; bytes for downloads; the text of a transcript."""
    # ("done", wake, events, status, kind, body, content_type, location, tracking_id)
    if step[4] == "json":
        try:
            return json.loads(step[5])
        except (ValueError, RecursionError):
            raise _core.decode_error(operation, step[3], step[8], step[5]) from None
    return step[5]


def parse_response(operation_id: str, status: int, headers: Mapping[str, str], body: bytes) -> ParsedResponse:
    """Reads a response of an operation (without a client): a dict with
    ``status``, ``tracking_id``, ``rate_limit``, ``kind`` (``json``, ``empty``,
    ``binary``, ``text``, ``redirect``) and ``body`` (the JSON value, bytes,
    text or ``None``; ``location`` for a redirect). Raises Zoom's error."""
    out: dict[str, Any] = _core.parse_response(operation_id, status, headers, body)
    if out["kind"] == "json":
        try:
            out["body"] = json.loads(out["body"])
        except (ValueError, RecursionError):
            raise _core.decode_error(operation_id, status, out["tracking_id"], body) from None
    return cast(ParsedResponse, out)


class BaseClient(Generic[_HttpT, _SourceT, _StoreT]):
    """The constructor of both clients. Credentials, one of:
    ``account_id`` + ``client_id`` + ``client_secret`` (server-to-server
    OAuth); ``client_id`` + ``client_secret`` (client credentials);
    ``client_id`` (+ ``client_secret``) with a user's ``refresh_token`` or
    ``tokens`` (token-store JSON; renewed with the refresh grant);
    ``access_token`` (used as is, never renewed); ``token_source`` (a
    callable returning a :data:`Token` whenever one is needed).

    ``base_url`` (default ``https://api.zoom.us/v2``) and ``oauth_base`` (the
    OAuth server's root, default ``https://zoom.us``) point the client
    elsewhere, e.g. at a test server. ``token_store`` keeps tokens across
    processes (read at the first call, written whenever they change; several
    clients may share one). ``http_client`` is your own httpx client (it is
    used without following redirects and not closed by ``close()``).
    Times are seconds: ``timeout`` bounds each HTTP attempt (default 120),
    ``connect_timeout`` its connection (default 10), ``call_timeout`` a whole
    call, retries and waits included (off by default). ``max_attempts`` and
    ``retry_non_idempotent`` tune retries; ``rate_limits`` (``"pro"``,
    ``"business"``) paces calls by that plan's limits; ``max_response_bytes``
    (32 MiB) and ``max_download_bytes`` (1 GiB) bound bodies; ``log`` picks
    which events go to the ``zoom_phone`` logger (by default what it lets
    through). Bad values raise :class:`~zoom_phone.exceptions.BuildError`.
    """

    _session: _core.Session
    _http: _HttpT

    def __init__(
        self,
        *,
        account_id: Optional[str] = None,
        client_id: Optional[str] = None,
        client_secret: Optional[str] = None,
        access_token: Optional[str] = None,
        refresh_token: Optional[str] = None,
        tokens: Optional[Union[bytes, str]] = None,
        token_source: Optional[_SourceT] = None,
        token_store: Optional[_StoreT] = None,
        base_url: Optional[str] = None,
        oauth_base: Optional[str] = None,
        file_base_url: Optional[str] = None,
        user_agent: Optional[str] = None,
        http_client: Optional[_HttpT] = None,
        timeout: Optional[float] = None,
        connect_timeout: Optional[float] = None,
        call_timeout: Optional[float] = None,
        max_attempts: Optional[int] = None,
        retry_non_idempotent: Optional[bool] = None,
        rate_limits: Optional[RateLimits] = None,
        max_response_bytes: Optional[int] = None,
        max_download_bytes: Optional[int] = None,
        log: Optional[LogLevel] = None,
    ) -> None:
        super().__init__()
        if isinstance(tokens, (bytes, bytearray)):
            try:
                tokens = bytes(tokens).decode("utf-8")
            except UnicodeDecodeError:
                raise BuildError("`tokens` is not UTF-8 JSON", code="invalid_config") from None
        given = {
            "account_id": account_id,
            "client_id": client_id,
            "client_secret": client_secret,
            "access_token": access_token,
            "refresh_token": refresh_token,
            "tokens": tokens,
            "token_source": True if token_source is not None else None,
            "token_store": "shared" if token_store is not None else None,
            "base_url": base_url,
            "oauth_base": oauth_base,
            "file_base_url": file_base_url,
            "user_agent": user_agent,
            "attempt_timeout_ms": _ms(timeout),
            "connect_timeout_ms": _ms(connect_timeout),
            "timeout_ms": _ms(call_timeout),
            "rate_limits": rate_limits,
            "max_response_bytes": max_response_bytes,
            "max_download_bytes": max_download_bytes,
        }
        config = {k: v for k, v in given.items() if v is not None}
        retry = {"max_attempts": max_attempts, "retry_non_idempotent": retry_non_idempotent}
        if any(v is not None for v in retry.values()):
            config["retry"] = {k: v for k, v in retry.items() if v is not None}
        config.update(sdk="python", seed=int.from_bytes(os.urandom(8), "little"), log=log or _log_level())
        self._session = _core.Session(config)
        self._token_source = token_source
        self._store = token_store
        _, self._connect_s, _ = self._session.timeouts()
        self._timeouts: dict[float, httpx.Timeout] = {}
        self._owns_http = http_client is None
        self._init_io()
        self._http = http_client if http_client is not None else self._new_http()
        self._closed = False

    def _init_io(self) -> None:
        """The IO adapter's own state (locks, wake-ups)."""

    def _new_http(self) -> _HttpT:
        raise NotImplementedError

    def __repr__(self) -> str:
        return f"<{type(self).__name__}>"

    def _check_open(self) -> None:
        if self._closed:
            raise BuildError(f"this {type(self).__name__} is closed: make a new client", code="client_closed")

    def _attempt_timeout(self, seconds: float) -> httpx.Timeout:
        """httpx's timeouts for one attempt: every phase bounded by the
        attempt's time (already cut to the call's deadline by the core), the
        connection also by ``connect_timeout``."""
        t = self._timeouts.get(seconds)
        if t is None:
            if len(self._timeouts) > 32:
                self._timeouts.clear()
            t = self._timeouts[seconds] = httpx.Timeout(seconds, connect=min(seconds, self._connect_s))
        return t
