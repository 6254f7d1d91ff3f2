"""What the sync and the asyncio client share: the constructor (written once,
typed by the client's IO), its translation into the core's one host
configuration, per-call options, results and errors.

A client is a small interpreter of the core's session (``_core.Session``):
it asks the core what to do, performs exactly that (``_client.py``: send with
httpx, sleep, ask the token source, use the token store; ``_fleet.py``: run
a fleet script on Redis) and reports exactly its outcome. Which credentials,
when to renew, whether and when to retry, deadlines, redirects and error
classes are all the core's decisions.
"""

from __future__ import annotations

import json
import logging
import os
import threading
import time
from collections.abc import Mapping
from typing import Any, Callable, Generic, Literal, Optional, Protocol, TypeVar, Union, cast, runtime_checkable

import httpx

from . import _core, _fleet
from ._response import RawResponse
from .exceptions import BuildError
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
_C = TypeVar("_C", bound="BaseClient[Any, Any, Any]")
_SourceT = TypeVar("_SourceT", bound=Callable[..., Any])
_StoreT = TypeVar("_StoreT")
_W = TypeVar("_W")

RateLimits = Union[Literal["off", "pro", "business"], Mapping[str, Any]]
LogLevel = Literal["off", "error", "warn", "info", "debug"]

_LOGGER = logging.getLogger("zoom_phone")
_LEVELS = {"error": logging.ERROR, "warn": logging.WARNING, "info": logging.INFO, "debug": logging.DEBUG}


Step = tuple[Any, ...]


def _now_ms() -> int:
    return int(time.time() * 1000)


def _transport_kind(error: httpx.RequestError) -> str:
    if isinstance(error, (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)):
        return "connect"
    if isinstance(error, httpx.TimeoutException):
        return "timeout"
    if isinstance(error, (httpx.RemoteProtocolError, httpx.ReadError, httpx.WriteError)):
        return "reset"
    return "other"


def _describe(error: BaseException) -> str:
    """The host's words for a failure: its class and message."""
    text = str(error)
    return f"{type(error).__name__}: {text}" if text else type(error).__name__


def _detached(step: Step) -> bool:
    """Whether the core says this step is finished even when its call is
    given up (a token renewal's); ``done`` and ``error`` have nothing to do."""
    return step[0] not in ("done", "error") and bool(step[3])


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
    given = {
        "timeout_ms": _ms(call_timeout),
        "max_attempts": max_attempts,
        "retry_non_idempotent": retry_non_idempotent,
        "headers": None if headers is None else dict(headers),
    }
    return {k: v for k, v in given.items() if v is not None} or None


#: The keyword options every typed method takes beside its parameters (the
#: generator gives a Zoom parameter of the same name a trailing underscore).
CALL_OPTIONS = ("call_timeout", "max_attempts", "retry_non_idempotent", "extra_headers")
_CALL_OPTIONS = frozenset(CALL_OPTIONS)


def _split_options(kwargs: dict[str, Any]) -> Optional[dict[str, Any]]:
    """Takes a method's call options out of its keywords, in the core's shape."""
    if _CALL_OPTIONS.isdisjoint(kwargs):
        return None
    return _options(*(kwargs.pop(k, None) for k in CALL_OPTIONS))


def _merge(defaults: Optional[dict[str, Any]], options: Optional[dict[str, Any]]) -> Optional[dict[str, Any]]:
    """A call's options over a copy's defaults: the call's win, headers merged."""
    if defaults is None:
        return options
    if options is None:
        return defaults
    merged = {**defaults, **options}
    if "headers" in defaults and "headers" in options:
        merged["headers"] = {**defaults["headers"], **options["headers"]}
    return merged


def _log(events: list[dict[str, Any]]) -> None:
    for e in events:
        _LOGGER.log(
            _LEVELS.get(e["level"], logging.INFO),
            "%s",
            e["message"],
            extra={"zoom_phone_event": e["name"], "zoom_phone_fields": e["fields"]},
        )


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
    OAuth server's root URL, default ``https://zoom.us``; the client appends
    ``/oauth/token`` itself) point the client elsewhere, e.g. at a test
    server. An ``oauth_base`` ending in ``/oauth/token`` raises
    :class:`~zoom_phone.exceptions.BuildError`; a token endpoint answering
    404 raises an authentication error (code ``not_an_oauth_endpoint``)
    naming the URL it tried. ``token_store`` keeps tokens across
    processes (read at the first call, written whenever they change; several
    clients may share one). ``http_client`` is your own httpx client (it is
    used without following redirects and not closed by ``close()``); without
    one, the clients of a process share one verifying TLS context, made by
    the first https request.
    Times are seconds: ``timeout`` bounds each HTTP attempt (default 120),
    ``connect_timeout`` its connection (default 10), ``call_timeout`` a whole
    call, retries and waits included (off by default). ``max_attempts`` and
    ``retry_non_idempotent`` tune retries; ``rate_limits`` (``"pro"``,
    ``"business"``) paces calls by that plan's limits; ``max_response_bytes``
    (32 MiB) and ``max_download_bytes`` (1 GiB) bound bodies; ``log`` picks
    which events go to the ``zoom_phone`` logger (by default what it lets
    through). Bad values raise :class:`~zoom_phone.exceptions.BuildError`.

    ``fleet`` (:class:`~zoom_phone.FleetOptions`) shares the account's
    rate-limit budget and tokens with the other workers of a fleet through
    Redis: ``{"redis": client, "account": ..., "share": ...}`` with your
    connected redis-py client (``redis.Redis`` for :class:`ZoomPhone`,
    ``redis.asyncio.Redis`` for :class:`AsyncZoomPhone`; a wrong one raises
    ``TypeError``). The fleet keeps the tokens (not with ``token_store``).
    When Redis is away, calls go on alone and rejoin when it is back.
    """

    _session: _core.Session
    _http: _HttpT
    _http_class: type[Any]
    _fleet_runner: type[Union[_fleet.ThreadedRunner, _fleet.AsyncRunner]]
    #: The client whose session a ``with_options`` copy's calls run on (itself
    #: for a client made by the constructor), and the copy's defaults.
    _root: Any
    _defaults: Optional[dict[str, Any]] = None

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
        fleet: Optional[_fleet.FleetOptions] = None,
    ) -> None:
        super().__init__()
        if http_client is not None and not isinstance(http_client, self._http_class):
            raise BuildError(f"`http_client` must be an {self._http_class.__module__}.{self._http_class.__name__}", code="invalid_config")
        if token_source is not None and not callable(token_source):
            raise BuildError("`token_source` must be a callable that returns a token", code="invalid_config")
        if token_store is not None and not all(callable(getattr(token_store, m, None)) for m in ("load", "save")):
            raise BuildError("`token_store` must have load() and save(tokens)", code="invalid_config")
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
        self._fleet: Optional[Union[_fleet.ThreadedRunner, _fleet.AsyncRunner]] = None
        if fleet is not None:
            redis, config["fleet"] = _fleet.split(fleet)
            self._fleet = self._fleet_runner(redis)
        retry = {"max_attempts": max_attempts, "retry_non_idempotent": retry_non_idempotent}
        if any(v is not None for v in retry.values()):
            config["retry"] = {k: v for k, v in retry.items() if v is not None}
        config.update(sdk="python", seed=int.from_bytes(os.urandom(8), "little"), log=log or _log_level())
        self._session = _core.Session(config)
        self._token_source = token_source
        self._store = token_store
        _, self._connect_s, _ = self._session.timeouts()
        self._timeouts: dict[float, dict[str, Optional[float]]] = {}
        self._merged: dict[tuple[tuple[str, str], ...], httpx.Headers] = {}
        self._owns_http = http_client is None
        self._http = http_client if http_client is not None else self._new_http()
        self._closed = False
        # Wake-ups so far (see `_settle`), counted under `_lock`.
        self._lock = threading.Lock()
        self._wakes = 0
        # The token store's lock, per call holding it.
        self._held: dict[int, StoreLock] = {}
        self._root = self
        self._init_io()

    def _init_io(self) -> None:
        """The IO adapter's own state (how waiting calls are woken)."""

    def _new_http(self) -> _HttpT:
        raise NotImplementedError

    def _wake_all(self) -> None:
        """Counts a wake-up and wakes every waiting call."""
        raise NotImplementedError

    def __repr__(self) -> str:
        return f"<{type(self).__name__}>"

    def with_options(
        self: _C,
        *,
        call_timeout: Optional[float] = None,
        max_attempts: Optional[int] = None,
        retry_non_idempotent: Optional[bool] = None,
        extra_headers: Optional[Mapping[str, str]] = None,
    ) -> _C:
        """A copy of this client whose every call takes these options (a
        call's own options win; headers are merged). The copy shares this
        client's session: its tokens and token store, rate limiter, HTTP
        connection pool; it costs nothing to make, and closing it closes
        nothing. Bad values are refused by name at the copy's first call."""
        copy: _C = self._copy(_options(call_timeout, max_attempts, retry_non_idempotent, extra_headers))
        return copy

    def _copy(self, options: Optional[dict[str, Any]]) -> Any:
        """A copy whose calls run on this client's session with these defaults."""
        copy = object.__new__(type(self))
        copy._root = self._root
        copy._defaults = _merge(self._defaults, options)
        return copy

    def _call_options(self, options: Optional[dict[str, Any]]) -> Optional[dict[str, Any]]:
        return _merge(self._defaults, options)

    def _shard_walk(
        self,
        walk: Callable[..., _W],
        operation: str,
        params: Optional[Mapping[str, Any]],
        job: str,
        worker: Optional[str],
        from_: Any,
        to: Any,
        span: Any,
        options: Optional[dict[str, Any]],
    ) -> _W:
        """A sharded walk (``_shards.py``) run on this client's session and fleet."""
        root = self._root
        root._check_open()
        if root._fleet is None:
            raise TypeError("shards() needs a fleet: give the client the `fleet={'redis': <redis-py client>, ...}` option")
        options = self._call_options(options)
        return walk(
            root._session,
            operation,
            params,
            job,
            # Any name no other worker has: a worker's own name matters only
            # to tell its lease from the others'.
            worker if worker is not None else f"w{os.urandom(6).hex()}",
            from_,
            to,
            span,
            lambda pager, fields: root._page(pager, operation, fields, options),
            root._fleet.run,
        )

    def _check_open(self) -> None:
        if self._closed:
            raise BuildError(f"this {type(self).__name__} is closed: make a new client", code="client_closed")

    # -- the host loop, written once: crossings and actions ------------------

    # No lock is taken around a crossing: the binding serializes them. A wait
    # carries the count of wake-ups read *before* the crossing that handed
    # it out: one that comes after differs from it, so the wait never sleeps
    # through it (at worst it returns at once, and the core says wait again).

    def _settle(self, step: Step, seen: int) -> Step:
        if step[1]:
            self._wake_all()
        if step[2] is not None:
            _log(step[2])
        return step + (seen,) if step[0] == "wait" else step

    def _cross(self, fn: Callable[..., Step], *args: Any) -> Step:
        seen = self._wakes
        return self._settle(fn(*args, _now_ms()), seen)

    def _begin(self, fn: Callable[..., Optional[tuple[int, Step]]], *args: Any) -> Optional[tuple[int, Step]]:
        """A call started: ``(id, first step)``, or ``None`` (a listing is over)."""
        self._check_open()
        seen = self._wakes
        started = fn(*args, _now_ms())
        return None if started is None else (started[0], self._settle(started[1], seen))

    def _report(self, call: int, outcome: str, value: Any) -> Step:
        if outcome == "respond":
            return self._cross(self._session.respond, call, *value)
        return self._cross(self._session.report, call, outcome, value)

    def _give_up(self, call: int, can_finish: bool) -> tuple[bool, Optional[Step]]:
        """The caller is gone: whether the detached action out must still be
        finished and reported, and the step the session needs performed
        next (the store's lock released, ...), if any. A host that cannot
        finish the action out (``can_finish`` false) abandons it instead."""
        seen = self._wakes
        state, step = self._session.cancel(call, _now_ms())
        if state == "finishing" and not can_finish:
            state, step = "gone", self._session.abandon(call, _now_ms())
        return state == "finishing", None if step is None else self._settle(step, seen)

    # The loop itself is `async def`, written once: the asyncio client awaits
    # it; the sync client's IO primitives never suspend, so it runs each
    # coroutine to its end in one `send(None)` (`_client._sync`).

    async def _acall(self, operation: str, params: Any, options: Optional[dict[str, Any]], raw: bool = False) -> Any:
        started = self._begin(self._session.start, operation, params, options)
        assert started is not None
        return await self._run(*started, operation, raw)

    async def _adownload(self, url: str, options: Optional[dict[str, Any]], raw: bool = False) -> Any:
        started = self._begin(self._session.start_download, url, options)
        assert started is not None
        return await self._run(*started, "download", raw)

    async def _page(
        self, pager: _core.Pager, operation: str, fields: tuple[Any, Any], options: Optional[dict[str, Any]]
    ) -> Optional[tuple[list[Any], Any, RawResponse[Any]]]:
        """A listing's next page: the items to hand out, the page as parsed
        and its response; ``None`` at the listing's end."""
        started = self._begin(self._session.start_page, pager, operation, options)
        if started is None:
            return None
        response: RawResponse[Any] = await self._run(*started, operation, True)
        page = response.parse()
        items, token = (page.get(fields[0]), page.get(fields[1])) if isinstance(page, dict) else (None, None)
        items = items if isinstance(items, list) else []
        start, stop = pager.accept_page(token, len(items), _now_ms())
        return (items if start == 0 and stop == len(items) else items[start:stop]), page, response

    async def _run(self, call: int, step: Step, operation: str, raw: bool = False) -> Any:
        """Performs each step's action and reports its outcome, until the end;
        the result, or with ``raw`` the :class:`RawResponse` of the last answer."""
        cause: Optional[BaseException] = None
        headers: Any = None
        while True:
            if step[0] == "done":
                return RawResponse(step, operation, headers) if raw else _result(step, operation)
            if step[0] == "error":
                # The host's own exception behind it (httpx's, the token
                # source's, the store's) is the error's `__cause__`.
                raise step[3] from cause
            try:
                if _detached(step):
                    outcome, value, cause = await self._perform_detached(call, step)
                else:
                    outcome, value, cause = await self._perform(call, step)
            except BaseException:
                self._abandoned(call, step)
                raise
            if outcome == "respond":
                headers = value[1]
            step = self._report(call, outcome, value)

    async def _finish(self, call: int, step: Optional[Step]) -> None:
        """The rest of a call nobody waits for any more, until its end."""
        while step is not None and step[0] not in ("done", "error"):
            step = self._report(call, *(await self._perform(call, step))[:2])

    async def _perform(self, call: int, step: Step) -> tuple[str, Any, Optional[BaseException]]:
        """Does what the step says (the IO is the client's: ``_send_io``,
        ``_call_io``, ``_wait_io``) and returns the outcome to
        report, with the exception behind a failure."""
        kind = step[0]
        if kind == "shared":
            assert self._fleet is not None  # the core runs scripts only for a fleet
            return await self._fleet.run(step[5])
        if kind == "send":
            try:
                request = httpx.Request(
                    step[5], step[6], headers=self._headers(step[7]), content=step[8],
                    extensions={"timeout": self._attempt_timeout(step[10])},
                )
                answer = await self._send_io(request, step[9])
            except httpx.RequestError as e:
                return "failed", (_transport_kind(e), _describe(e)), e
            return ("respond", answer, None) if answer[2] is not None else ("too_large", None, None)
        if kind == "wait":
            await self._wait_io(step[5], step[6])
            return "woken", None, None
        store: Any = self._store
        try:
            if kind == "fetch_token":
                return "token", await self._call_io(cast(Any, self._token_source)), None
            if kind == "lock_store":
                # A store without `try_lock` is this client's alone: nothing to take.
                if hasattr(store, "try_lock"):
                    if (lock := store.try_lock()) is None:
                        return "lock_busy", None, None  # the core waits and asks again
                    self._held[call] = lock
                return "locked", None, None
            if kind == "read_store":
                return "stored", await self._call_io(store.load), None
            if kind == "write_store":
                await self._call_io(store.save, step[5])
                return "written", None, None
            held = self._held.pop(call, None)
            if held is not None:
                held.release()
            return "unlocked", None, None
        except Exception as e:  # the source's or the store's failure is the call's outcome
            if kind == "fetch_token":
                # A token source's message may quote what it handles: only
                # its class is told; the exception is the error's cause.
                return "token_error", type(e).__name__, e
            return "store_failed", _describe(e), e

    # -- what each client's IO adapter provides -------------------------------

    async def _perform_detached(self, call: int, step: Step) -> tuple[str, Any, Optional[BaseException]]:
        """A token renewal's step (other calls may wait for it)."""
        return await self._perform(call, step)

    def _abandoned(self, call: int, step: Step) -> None:
        """The caller gave up (an interrupt, a cancelled task) during ``step``."""
        raise NotImplementedError

    async def _send_io(self, request: httpx.Request, limit: int) -> tuple[int, Any, Optional[bytes]]:
        """Sends without following redirects; ``(status, raw headers, body)``,
        the body ``None`` when it is longer than ``limit``."""
        raise NotImplementedError

    async def _call_io(self, fn: Callable[..., Any], *args: Any) -> Any:
        raise NotImplementedError

    async def _wait_io(self, until_ms: int, seen: int) -> None:
        """Until ``until_ms``, or a wake-up after the ``seen``-th."""
        raise NotImplementedError

    def _attempt_timeout(self, seconds: float) -> dict[str, Optional[float]]:
        """httpx's timeouts for one attempt: every phase bounded by the
        attempt's time (already cut to the call's deadline by the core), the
        connection also by ``connect_timeout``."""
        t = self._timeouts.get(seconds)
        if t is None:
            if len(self._timeouts) > 32:
                self._timeouts.clear()
            t = self._timeouts[seconds] = httpx.Timeout(seconds, connect=min(seconds, self._connect_s)).as_dict()
        return t

    def _headers(self, headers: tuple[tuple[str, str], ...]) -> httpx.Headers:
        """The request's headers over the HTTP client's defaults, kept per
        distinct set: merging them is most of what httpx spends building a
        request, and they repeat until the token changes. (The request is
        built whole by the core: the client's base URL, params and cookies
        do not apply.)"""
        merged = self._merged.get(headers)
        if merged is None:
            if len(self._merged) > 16:
                self._merged.clear()
            merged = self._merged[headers] = httpx.Headers(self._http.headers)
            merged.update(headers)
        return merged

