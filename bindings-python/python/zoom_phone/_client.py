"""The clients: :class:`ZoomPhone` (threads, ``httpx.Client``) and
:class:`AsyncZoomPhone` (asyncio, ``httpx.AsyncClient``).

Both only move bytes and time for the core's driver (``_core.Session``):
they send the requests it hands out, feed back the answers, sleep when told
and wake waiting calls when another call progressed. Retries, token
renewal, redirects and rate limits are the core's decisions.
"""

from __future__ import annotations

import asyncio
import inspect
import json
import os
import threading
import time
from typing import (
    Any,
    AsyncIterator,
    Awaitable,
    Callable,
    Iterator,
    Literal,
    Mapping,
    Optional,
    Protocol,
    Union,
    runtime_checkable,
)

import httpx

from . import _core
from ._generated.api import AsyncZoomPhoneApi, ZoomPhoneApi
from .exceptions import BuildError, TransportError

__all__ = ["AsyncZoomPhone", "AsyncTokenStore", "Token", "TokenStore", "ZoomPhone"]

#: What a token source returns: the access token, or a mapping with
#: ``access_token`` and ``expires_in`` (seconds) or ``expires_at`` (ms since
#: the epoch).
Token = Union[str, Mapping[str, Any]]

#: Upper bound of one wait for another call's progress: a safety net only,
#: every progress wakes the waiters at once.
_IDLE_WAIT_S = 1.0

#: How often a client waiting for another one's store lock looks again.
_LOCK_RETRY_S = 0.005


@runtime_checkable
class TokenStore(Protocol):
    """Where tokens live between processes (a file, a database row, a
    secret manager). ``load`` returns what ``save`` was last given, or
    ``None``; the bytes are JSON and hold secrets: store them as such."""

    def load(self) -> Optional[bytes]: ...

    def save(self, tokens: bytes) -> None: ...


class StoreLock(Protocol):
    """A held token-store lock (see :func:`TokenStore` ``try_lock``)."""

    def release(self) -> None: ...


def _try_lock(store: Any) -> Optional[StoreLock]:
    """The store's lock if it has one and it is free; a stand-in that locks
    nothing for a store without ``try_lock`` (one only this client uses).
    ``None``: another client holds it.

    A store shared by several clients or processes should have
    ``try_lock() -> Optional[StoreLock]`` that never blocks: a client takes
    it before reading the store to renew a token and releases it once the
    renewed tokens are saved, so no client refreshes with a refresh token
    another one already rotated away (:class:`zoom_phone.stores.FileTokenStore`
    and :class:`zoom_phone.stores.MemoryTokenStore` have one)."""
    try_lock = getattr(store, "try_lock", None)
    if try_lock is None:
        return _NoLock()
    lock: Optional[StoreLock] = try_lock()
    return lock


class _NoLock:
    def release(self) -> None:
        pass


def _declared_too_large(headers: httpx.Headers, limit: int) -> bool:
    length = headers.get("content-length")
    try:
        return length is not None and int(length) > limit
    except ValueError:
        return False


@runtime_checkable
class AsyncTokenStore(Protocol):
    """The asyncio form of :class:`TokenStore`."""

    async def load(self) -> Optional[bytes]: ...

    async def save(self, tokens: bytes) -> None: ...


def _now_ms() -> int:
    return int(time.time() * 1000)


def _token_json(token: Token) -> bytes:
    if isinstance(token, str):
        return json.dumps({"access_token": token}).encode()
    out: dict[str, Any] = {"access_token": token["access_token"]}
    if token.get("expires_at") is not None:
        out["expires_at"] = int(token["expires_at"])
    elif token.get("expires_in") is not None:
        out["expires_at"] = _now_ms() + int(float(token["expires_in"]) * 1000)
    for key in ("refresh_token", "api_url", "scopes", "token_type"):
        if token.get(key) is not None:
            out[key] = token[key]
    return json.dumps(out).encode()


def _transport_kind(error: httpx.TransportError) -> str:
    if isinstance(error, (httpx.ConnectError, httpx.ConnectTimeout)):
        return "connect"
    if isinstance(error, httpx.TimeoutException):
        return "timeout"
    if isinstance(error, (httpx.RemoteProtocolError, httpx.ReadError, httpx.WriteError)):
        return "reset"
    return "other"


def _session(
    *,
    account_id: Optional[str],
    client_id: Optional[str],
    client_secret: Optional[str],
    access_token: Optional[str],
    tokens: Optional[bytes],
    has_token_source: bool,
    base_url: Optional[str],
    oauth_base: Optional[str],
    file_base_url: Optional[str],
    user_agent: Optional[str],
    max_attempts: Optional[int],
    retry_non_idempotent: bool,
    rate_limits: Optional[Literal["pro", "business"]],
    shared_store: bool,
    max_response_bytes: Optional[int],
    max_download_bytes: Optional[int],
) -> _core.Session:
    if access_token is not None:
        auth = "fixed"
    elif has_token_source:
        auth = "external"
    elif tokens is not None and client_id is not None and account_id is None:
        auth = "refresh_token"
    elif account_id is not None:
        auth = "server_to_server"
    elif client_id is not None and client_secret is not None:
        auth = "client_credentials"
    else:
        raise ValueError(
            "give account_id, client_id and client_secret (server-to-server), "
            "access_token, token_source, or client_id with a user's tokens"
        )
    return _core.Session(
        auth=auth,
        client_id=client_id,
        client_secret=client_secret,
        account_id=account_id,
        access_token=access_token,
        tokens=tokens if auth == "refresh_token" else None,
        oauth_base=oauth_base,
        base_url=base_url,
        file_base_url=file_base_url,
        user_agent=user_agent,
        max_attempts=max_attempts,
        retry_non_idempotent=retry_non_idempotent,
        rate_limits=rate_limits,
        seed=int.from_bytes(os.urandom(8), "little"),
        shared_store=shared_store,
        max_response_bytes=max_response_bytes,
        max_download_bytes=max_download_bytes,
    )


def _check_open(client: Any) -> None:
    if client._closed:
        raise BuildError(f"this {type(client).__name__} is closed: make a new client", code="client_closed")


def _result(output: dict[str, Any]) -> Any:
    kind = output["kind"]
    if kind == "redirect":
        return output["location"]
    return output["body"]


class ZoomPhone(ZoomPhoneApi):
    """A Zoom Phone client for threads. Safe to share between threads.

    Credentials, one of: ``account_id`` + ``client_id`` + ``client_secret``
    (server-to-server OAuth); ``client_id`` + ``client_secret`` (client
    credentials); ``access_token`` (used as is, never renewed);
    ``token_source`` (a callable returning a :data:`Token` whenever one is
    needed); ``client_id`` (+ ``client_secret``) with a user's ``tokens``
    (token-store JSON, renewed with the refresh grant).

    ``token_store`` keeps tokens across processes: loaded at start, saved
    whenever the core renews them. Clients and processes may share one
    store: before renewing, a client takes the store's lock (``try_lock``),
    reads it, adopts tokens another client saved, refreshes only if those
    are stale too, and saves before unlocking. A refresh token Zoom refused
    with nothing newer stored raises :class:`~zoom_phone.exceptions.OAuthError`
    with ``code == "reauthorization_required"`` until new tokens arrive. ``http_client`` is your own
    ``httpx.Client`` (proxies, timeouts, HTTP/2); it must not follow
    redirects and is not closed by :meth:`close`.

    ``max_attempts`` bounds retries; ``retry_non_idempotent`` lets POST and
    PATCH be retried after a 5xx or timeout (risking a double write);
    ``rate_limits`` (``"pro"``/``"business"``) paces calls client-side by
    that plan's per-category limits. ``max_response_bytes`` (default 32 MiB)
    and ``max_download_bytes`` (default 1 GiB) bound response bodies: a
    longer one raises :class:`~zoom_phone.exceptions.ResponseTooLargeError`
    after reading at most that much. ``timeout`` bounds each HTTP attempt;
    ``call_timeout`` (seconds, off by default) bounds a whole call, retries
    and waits included, and raises :class:`~zoom_phone.exceptions.TimeoutError`
    when it passes; ``call(..., call_timeout=...)`` overrides it per call.
    """

    def __init__(
        self,
        *,
        account_id: Optional[str] = None,
        client_id: Optional[str] = None,
        client_secret: Optional[str] = None,
        access_token: Optional[str] = None,
        token_source: Optional[Callable[[], Token]] = None,
        tokens: Optional[bytes] = None,
        token_store: Optional[TokenStore] = None,
        base_url: Optional[str] = None,
        oauth_base: Optional[str] = None,
        file_base_url: Optional[str] = None,
        user_agent: Optional[str] = None,
        http_client: Optional[httpx.Client] = None,
        timeout: float = 30.0,
        max_attempts: Optional[int] = None,
        retry_non_idempotent: bool = False,
        rate_limits: Optional[Literal["pro", "business"]] = None,
        max_response_bytes: Optional[int] = None,
        max_download_bytes: Optional[int] = None,
        call_timeout: Optional[float] = None,
    ) -> None:
        super().__init__()
        self._session = _session(
            account_id=account_id,
            client_id=client_id,
            client_secret=client_secret,
            access_token=access_token,
            tokens=tokens,
            has_token_source=token_source is not None,
            base_url=base_url,
            oauth_base=oauth_base,
            file_base_url=file_base_url,
            user_agent=user_agent,
            max_attempts=max_attempts,
            retry_non_idempotent=retry_non_idempotent,
            rate_limits=rate_limits,
            shared_store=token_store is not None,
            max_response_bytes=max_response_bytes,
            max_download_bytes=max_download_bytes,
        )
        self._token_source = token_source
        self._store = token_store
        self._deadlines = _Deadlines(call_timeout)
        if token_store is not None:
            stored = token_store.load()
            if stored:
                self._session.load_tokens(stored)
        self._owns_http = http_client is None
        self._closed = False
        self._http = http_client or httpx.Client(follow_redirects=False, timeout=timeout)
        # Held only around the core's poll/receive; waiting calls sleep on it.
        self._progress = threading.Condition(threading.Lock())

    def __repr__(self) -> str:
        return "<ZoomPhone>"

    def __enter__(self) -> ZoomPhone:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Closes the HTTP client if this client created it; later calls raise
        :class:`~zoom_phone.exceptions.BuildError`."""
        self._closed = True
        if self._owns_http:
            self._http.close()

    def call(
        self,
        operation: str,
        params: Optional[dict[str, Any]] = None,
        *,
        call_timeout: Optional[float] = None,
        retry_non_idempotent: Optional[bool] = None,
    ) -> Any:
        """Calls an operation by operationId or snake_case name, with
        parameters by their spec names (the body under ``"body"``).
        ``call_timeout`` and ``retry_non_idempotent`` override the client's
        for this call."""
        return self._call(operation, params or {}, call_timeout=call_timeout, retry_non_idempotent=retry_non_idempotent)

    def download(self, url: str) -> bytes:
        """Downloads a ``download_url`` from an earlier answer."""
        _check_open(self)
        call = self._session.start_download(url, _now_ms())
        body: bytes = self._run(call, None)["body"]
        return body

    def _call(self, operation: str, params: dict[str, Any], **options: Any) -> Any:
        _check_open(self)
        call = self._deadlines.start(self._session, operation, params, options)
        return _result(self._run(call, None))

    def _iterate(self, operation: str, params: dict[str, Any], limit: Optional[int]) -> Iterator[Any]:
        _check_open(self)
        pager = _core.Pager(operation, params, limit=limit)
        while True:
            page_params = pager.next_params(_now_ms())
            if page_params is None:
                return
            call = self._deadlines.start(self._session, operation, page_params, {})
            yield from self._run(call, pager)

    def _run(self, call: int, pager: Optional[_core.Pager]) -> Any:
        done = False
        # The store's lock while this call renews the session's token.
        lock: Optional[StoreLock] = None
        try:
            while True:
                if lock is not None and not self._session.renewing(call):
                    lock.release()
                    lock = None
                with self._progress:
                    action = self._session.poll(call, _now_ms(), pager)
                    if action[0] == "wait":
                        until = action[1]
                        timeout = _IDLE_WAIT_S if until is None else max(0.0, (until - _now_ms()) / 1000)
                        self._progress.wait(timeout)
                        continue
                if action[0] in ("done", "page"):
                    done = True
                    return action[1]
                if action[0] == "send":
                    self._send(call, action[1], action[2])
                elif action[0] == "load_tokens":
                    if lock is None:
                        lock = self._lock_store()
                    self._load_stored(call, action[1])
                else:
                    self._fetch_token(call, action[1])
        except BaseException:
            # poll raising means the call is over; anything else (Ctrl-C,
            # a store failure) abandons it, which frees its token ticket.
            if not done:
                self._session.cancel(call)
            raise
        finally:
            self._deadlines.forget(call)
            if lock is not None:
                lock.release()

    def _lock_store(self) -> StoreLock:
        while True:
            lock = _try_lock(self._store)
            if lock is not None:
                return lock
            time.sleep(_LOCK_RETRY_S)

    def _load_stored(self, call: int, attempt: int) -> None:
        try:
            stored = self._store.load() if self._store is not None else None
            error = None
        except Exception as e:
            stored, error = None, f"the token store could not be read: {type(e).__name__}"
        with self._progress:
            self._session.receive_stored(call, attempt, stored or None, _now_ms(), error)
            self._progress.notify_all()

    def _send(self, call: int, attempt: int, request: dict[str, Any]) -> None:
        limit = self._session.response_limit(call)
        try:
            with self._http.stream(
                request["method"],
                request["url"],
                headers=request["headers"],
                content=request["body"],
                **_request_timeout(self._http.timeout, self._deadlines.bound(call)),
            ) as response:
                body: Optional[bytes] = None
                if not _declared_too_large(response.headers, limit):
                    chunks, size = [], 0
                    for chunk in response.iter_bytes():
                        size += len(chunk)
                        if size > limit:
                            break
                        chunks.append(chunk)
                    else:
                        body = b"".join(chunks)
        except httpx.TransportError as e:
            with self._progress:
                self._session.receive_error(
                    call, attempt, _transport_kind(e), type(e).__name__, self._deadlines.failed_at(call)
                )
                self._progress.notify_all()
            return
        if body is None:
            with self._progress:
                self._session.receive_too_large(call, attempt)
                self._progress.notify_all()
            return
        with self._progress:
            self._session.receive(call, attempt, response.status_code, response.headers, body, _now_ms())
            persist = self._session.take_persist()
            self._progress.notify_all()
        if persist is not None and self._store is not None:
            self._store.save(persist)

    def _fetch_token(self, call: int, attempt: int) -> None:
        source = self._token_source
        try:
            if source is None:
                raise TransportError("no token_source is configured")
            tokens: Optional[bytes] = _token_json(source())
            error = None
        except Exception as e:  # the source's failure fails the waiting calls
            tokens, error = None, f"the token source failed: {type(e).__name__}"
        with self._progress:
            self._session.receive_token(call, attempt, tokens, _now_ms(), error)
            self._progress.notify_all()


class AsyncZoomPhone(AsyncZoomPhoneApi):
    """A Zoom Phone client for asyncio; the arguments are those of
    :class:`ZoomPhone`, with ``httpx.AsyncClient``, and a token source or
    token store that may be sync or async."""

    def __init__(
        self,
        *,
        account_id: Optional[str] = None,
        client_id: Optional[str] = None,
        client_secret: Optional[str] = None,
        access_token: Optional[str] = None,
        token_source: Optional[Callable[[], Union[Token, Awaitable[Token]]]] = None,
        tokens: Optional[bytes] = None,
        token_store: Optional[Union[TokenStore, AsyncTokenStore]] = None,
        base_url: Optional[str] = None,
        oauth_base: Optional[str] = None,
        file_base_url: Optional[str] = None,
        user_agent: Optional[str] = None,
        http_client: Optional[httpx.AsyncClient] = None,
        timeout: float = 30.0,
        max_attempts: Optional[int] = None,
        retry_non_idempotent: bool = False,
        rate_limits: Optional[Literal["pro", "business"]] = None,
        max_response_bytes: Optional[int] = None,
        max_download_bytes: Optional[int] = None,
        call_timeout: Optional[float] = None,
    ) -> None:
        super().__init__()
        self._session = _session(
            account_id=account_id,
            client_id=client_id,
            client_secret=client_secret,
            access_token=access_token,
            tokens=tokens,
            has_token_source=token_source is not None,
            base_url=base_url,
            oauth_base=oauth_base,
            file_base_url=file_base_url,
            user_agent=user_agent,
            max_attempts=max_attempts,
            retry_non_idempotent=retry_non_idempotent,
            rate_limits=rate_limits,
            shared_store=token_store is not None,
            max_response_bytes=max_response_bytes,
            max_download_bytes=max_download_bytes,
        )
        self._token_source = token_source
        self._store = token_store
        self._deadlines = _Deadlines(call_timeout)
        self._store_loaded = token_store is None
        self._owns_http = http_client is None
        self._closed = False
        self._http = http_client or httpx.AsyncClient(follow_redirects=False, timeout=timeout)
        # Replaced on every progress; a waiting call holds the one current
        # when it polled, so no wake-up is lost between poll and wait.
        self._progress: Optional[asyncio.Event] = None

    def __repr__(self) -> str:
        return "<AsyncZoomPhone>"

    async def __aenter__(self) -> AsyncZoomPhone:
        await self._load_store()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        """Closes the HTTP client if this client created it; later calls raise
        :class:`~zoom_phone.exceptions.BuildError`."""
        self._closed = True
        if self._owns_http:
            await self._http.aclose()

    async def call(
        self,
        operation: str,
        params: Optional[dict[str, Any]] = None,
        *,
        call_timeout: Optional[float] = None,
        retry_non_idempotent: Optional[bool] = None,
    ) -> Any:
        """Calls an operation by operationId or snake_case name, with
        parameters by their spec names (the body under ``"body"``).
        ``call_timeout`` and ``retry_non_idempotent`` override the client's
        for this call."""
        return await self._call(
            operation, params or {}, call_timeout=call_timeout, retry_non_idempotent=retry_non_idempotent
        )

    async def download(self, url: str) -> bytes:
        """Downloads a ``download_url`` from an earlier answer."""
        _check_open(self)
        await self._load_store()
        call = self._session.start_download(url, _now_ms())
        body: bytes = (await self._run(call, None))["body"]
        return body

    async def _load_store(self) -> None:
        if self._store_loaded:
            return
        self._store_loaded = True
        assert self._store is not None
        stored = await _maybe_await(self._store.load())
        if stored:
            self._session.load_tokens(stored)

    async def _call(self, operation: str, params: dict[str, Any], **options: Any) -> Any:
        _check_open(self)
        await self._load_store()
        call = self._deadlines.start(self._session, operation, params, options)
        return _result(await self._run(call, None))

    async def _iterate(self, operation: str, params: dict[str, Any], limit: Optional[int]) -> AsyncIterator[Any]:
        _check_open(self)
        await self._load_store()
        pager = _core.Pager(operation, params, limit=limit)
        while True:
            page_params = pager.next_params(_now_ms())
            if page_params is None:
                return
            call = self._deadlines.start(self._session, operation, page_params, {})
            for item in await self._run(call, pager):
                yield item

    def _notify(self) -> None:
        if self._progress is not None:
            self._progress.set()
            self._progress = None

    async def _run(self, call: int, pager: Optional[_core.Pager]) -> Any:
        done = False
        # The store's lock while this call renews the session's token.
        lock: Optional[StoreLock] = None
        try:
            while True:
                if lock is not None and not self._session.renewing(call):
                    lock.release()
                    lock = None
                action = self._session.poll(call, _now_ms(), pager)
                kind = action[0]
                if kind in ("done", "page"):
                    done = True
                    return action[1]
                if kind == "wait":
                    if self._progress is None:
                        self._progress = asyncio.Event()
                    event = self._progress
                    until = action[1]
                    timeout = _IDLE_WAIT_S if until is None else max(0.0, (until - _now_ms()) / 1000)
                    try:
                        await asyncio.wait_for(event.wait(), timeout)
                    except asyncio.TimeoutError:
                        pass
                elif kind == "send":
                    await self._send(call, action[1], action[2])
                elif kind == "load_tokens":
                    if lock is None:
                        lock = await self._lock_store()
                    await self._load_stored(call, action[1])
                else:
                    await self._fetch_token(call, action[1])
        except BaseException:
            if not done:
                self._session.cancel(call)
                self._notify()
            raise
        finally:
            self._deadlines.forget(call)
            if lock is not None:
                lock.release()

    async def _lock_store(self) -> StoreLock:
        while True:
            lock = _try_lock(self._store)
            if lock is not None:
                return lock
            await asyncio.sleep(_LOCK_RETRY_S)

    async def _load_stored(self, call: int, attempt: int) -> None:
        try:
            stored = await _maybe_await(self._store.load()) if self._store is not None else None
            error = None
        except Exception as e:
            stored, error = None, f"the token store could not be read: {type(e).__name__}"
        self._session.receive_stored(call, attempt, stored or None, _now_ms(), error)
        self._notify()

    async def _send(self, call: int, attempt: int, request: dict[str, Any]) -> None:
        limit = self._session.response_limit(call)
        try:
            async with self._http.stream(
                request["method"],
                request["url"],
                headers=request["headers"],
                content=request["body"],
                **_request_timeout(self._http.timeout, self._deadlines.bound(call)),
            ) as response:
                body: Optional[bytes] = None
                if not _declared_too_large(response.headers, limit):
                    chunks, size = [], 0
                    async for chunk in response.aiter_bytes():
                        size += len(chunk)
                        if size > limit:
                            break
                        chunks.append(chunk)
                    else:
                        body = b"".join(chunks)
        except httpx.TransportError as e:
            self._session.receive_error(
                call, attempt, _transport_kind(e), type(e).__name__, self._deadlines.failed_at(call)
            )
            self._notify()
            return
        if body is None:
            self._session.receive_too_large(call, attempt)
            self._notify()
            return
        self._session.receive(call, attempt, response.status_code, response.headers, body, _now_ms())
        persist = self._session.take_persist()
        self._notify()
        if persist is not None and self._store is not None:
            await _maybe_await(self._store.save(persist))

    async def _fetch_token(self, call: int, attempt: int) -> None:
        source = self._token_source
        try:
            if source is None:
                raise TransportError("no token_source is configured")
            tokens: Optional[bytes] = _token_json(await _maybe_await(source()))
            error = None
        except Exception as e:
            tokens, error = None, f"the token source failed: {type(e).__name__}"
        self._session.receive_token(call, attempt, tokens, _now_ms(), error)
        self._notify()


def _request_timeout(client: httpx.Timeout, bound: Optional[float]) -> dict[str, Any]:
    """httpx's per-request timeout when the call's deadline is nearer than
    the client's own timeouts (each phase is capped by the time left)."""
    if bound is None:
        return {}
    phases = (client.connect, client.read, client.write, client.pool)
    if all(t is not None and t <= bound for t in phases):
        return {}
    connect, read, write, pool = (bound if t is None else min(t, bound) for t in phases)
    return {"timeout": httpx.Timeout(connect=connect, read=read, write=write, pool=pool)}


class _Deadlines:
    """Each call's deadline (``call_timeout`` seconds from its start, or an
    absolute ``deadline_ms`` given to ``call()``): the core decides what
    happens at it; the host bounds the request in flight by it."""

    def __init__(self, call_timeout: Optional[float]) -> None:
        if call_timeout is not None and not call_timeout > 0:
            raise ValueError("call_timeout must be a positive number of seconds")
        self._timeout = call_timeout
        self._by_call: dict[int, int] = {}

    def start(self, session: _core.Session, operation: str, params: dict[str, Any], options: dict[str, Any]) -> int:
        options = {k: v for k, v in options.items() if v is not None}
        timeout = options.pop("call_timeout", self._timeout)
        now = _now_ms()
        if timeout is not None and options.get("deadline_ms") is None:
            options["deadline_ms"] = now + max(1, int(timeout * 1000))
        call: int = session.start(operation, params, now, **options)
        deadline = options.get("deadline_ms")
        if deadline is not None:
            self._by_call[call] = int(deadline)
        return call

    def bound(self, call: int) -> Optional[float]:
        """Seconds the request in flight may take, when the deadline is nearer
        than the HTTP client's own timeout would be."""
        deadline = self._by_call.get(call)
        return None if deadline is None else max(0.001, (deadline - _now_ms()) / 1000)

    def failed_at(self, call: int) -> int:
        """The time to report a transport failure at: a request cut short by
        the deadline failed at the deadline, even if the clock reads a hair
        earlier, so every host reports it as the call's timeout."""
        now = _now_ms()
        deadline = self._by_call.get(call)
        return now if deadline is None or now < deadline - 50 else max(now, deadline)

    def forget(self, call: int) -> None:
        self._by_call.pop(call, None)


async def _maybe_await(value: Any) -> Any:
    if inspect.isawaitable(value):
        return await value
    return value
