"""The clients: :class:`ZoomPhone` (threads, ``httpx.Client``) and
:class:`AsyncZoomPhone` (asyncio, ``httpx.AsyncClient``).

Each is the host loop of the core's protocol over its IO: the loop performs
the action of each step (``send``, ``wait``, ``fetch_token``, the token
store's ``lock_store``/``read_store``/``write_store``/``unlock_store``) and
reports its outcome until ``done`` or ``error``. Everything else is shared
(``_base_client.py``) and every decision is the core's. A call with a valid
token is two crossings: ``start`` hands out the request, ``respond`` the
result.
"""

from __future__ import annotations

import asyncio
import inspect
import threading
import time
from collections.abc import Awaitable, Mapping
from typing import Any, AsyncIterator, Callable, Iterator, Optional, Union

import httpx

from . import _core
from ._base_client import AsyncTokenStore, BaseClient, StoreLock, Token, TokenStore, _fail, _log, _options, _result
from ._generated.api import AsyncZoomPhoneApi, ZoomPhoneApi

__all__ = ["AsyncZoomPhone", "ZoomPhone"]

#: How often a client waiting for another one's store lock looks again.
_LOCK_RETRY_S = 0.005

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


def _failure(kind: str, error: Exception) -> tuple[str, str, Exception]:
    """The outcome of a token source or store that raised. A token source's
    message may quote what it handles (credentials), so only its class is
    told; the exception itself becomes the error's ``__cause__``."""
    if kind == "fetch_token":
        return "token_error", type(error).__name__, error
    return "store_failed", _describe(error), error


def _too_large(response: httpx.Response, limit: int) -> bool:
    length = response.headers.get("content-length")
    return length is not None and length.isdigit() and int(length) > limit


def _lock_of(store: Any) -> Optional[StoreLock]:
    """The store's lock when it is free (``None``: held elsewhere); a store
    without ``try_lock`` is used by this client alone and needs none."""
    try_lock = getattr(store, "try_lock", None)
    if try_lock is None:
        return _NoLock()
    lock: Optional[StoreLock] = try_lock()
    return lock


class _NoLock:
    def release(self) -> None:
        pass


class ZoomPhone(BaseClient[httpx.Client, Callable[[], Token], TokenStore], ZoomPhoneApi):
    __doc__ = "A Zoom Phone client for threads (safe to share between them). " + (BaseClient.__doc__ or "")

    def _init_io(self) -> None:
        # Held only around core calls; a call waiting for another's progress
        # (a token renewal, the rate limiter) sleeps on it.
        self._cv = threading.Condition(threading.RLock())
        self._locks: dict[int, StoreLock] = {}

    def _new_http(self) -> httpx.Client:
        return httpx.Client(follow_redirects=False)

    def __enter__(self) -> ZoomPhone:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Closes the HTTP client if this client created it; later calls
        raise :class:`~zoom_phone.exceptions.BuildError`."""
        self._closed = True
        if self._owns_http:
            self._http.close()

    def call(
        self,
        operation: str,
        params: Optional[dict[str, Any]] = None,
        *,
        call_timeout: Optional[float] = None,
        max_attempts: Optional[int] = None,
        retry_non_idempotent: Optional[bool] = None,
        headers: Optional[Mapping[str, str]] = None,
    ) -> Any:
        """Calls an operation by operationId or snake_case name, with
        parameters by their spec names (the body under ``"body"``); the
        options override the client's for this call."""
        return self._call(operation, params, _options(call_timeout, max_attempts, retry_non_idempotent, headers))

    def download(self, url: str, *, call_timeout: Optional[float] = None) -> Union[bytes, str]:
        """Downloads a ``download_url`` from an earlier answer."""
        self._check_open()
        call, step = self._begin(self._session.start_download, url, _options(call_timeout, None, None, None))
        result: Union[bytes, str] = self._run(call, step, "download")
        return result

    def _call(self, operation: str, params: Optional[dict[str, Any]], options: Optional[dict[str, Any]] = None) -> Any:
        self._check_open()
        call, step = self._begin(self._session.start, operation, params, options)
        return self._run(call, step, operation)

    def _iterate(self, operation: str, params: dict[str, Any], limit: Optional[int]) -> Iterator[Any]:
        self._check_open()
        pager = _core.Pager(operation, params, limit=limit)
        items_field, token_field = pager.items_field, pager.token_field
        while True:
            started = self._begin(self._session.start_page, pager, operation, None)
            if started is None:
                return
            page = self._run(started[0], started[1], operation)
            items = page.get(items_field) if isinstance(page, dict) else None
            items = items if isinstance(items, list) else []
            start, stop = pager.accept_page(page.get(token_field) if isinstance(page, dict) else None, len(items), _now_ms())
            yield from items[start:stop]

    # -- the host loop ------------------------------------------------------

    def _begin(self, start: Callable[..., Any], *args: Any) -> Any:
        """A call started (``(id, step)``), its first waits done."""
        with self._cv:
            started = start(*args, _now_ms())
            if started is None:
                return None
            try:
                return started[0], self._settle(started[0], started[1])
            except BaseException:
                self._give_up(started[0])
                raise

    def _settle(self, call: int, step: Step) -> Step:
        """After a crossing, under the lock: wakes the waiters when the step
        says so, logs its events, and sleeps through waits (the lock is let
        go while sleeping, so no wake-up is lost in between)."""
        cv = self._cv
        while True:
            if step[1]:
                cv.notify_all()
            if step[2] is not None:
                _log(step[2])
            if step[0] != "wait":
                return step
            cv.wait(max(0.0, (step[3] - _now_ms()) / 1000))
            step = self._session.report(call, "woken", None, _now_ms())

    def _report(self, call: int, outcome: str, value: Any) -> Step:
        with self._cv:
            return self._settle(call, self._session.report(call, outcome, value, _now_ms()))

    def _run(self, call: int, step: Step, operation: str) -> Any:
        cause: Optional[BaseException] = None
        while True:
            kind = step[0]
            if kind == "done":
                return _result(step, operation)
            if kind == "error":
                _fail(step[3], cause)
            try:
                step, cause = self._perform(call, step)
            except BaseException:
                # Ctrl-C or an exit: nothing of this call can be finished.
                self._give_up(call)
                raise

    def _perform(self, call: int, step: Step) -> tuple[Step, Optional[BaseException]]:
        """Does what the step says and reports it: the next step, and the
        host's exception behind a failed outcome."""
        kind = step[0]
        if kind == "send":
            return self._send(call, step)
        outcome: str = "store_failed"
        value: Any = None
        cause: Optional[BaseException] = None
        try:
            if kind == "fetch_token":
                if self._token_source is None:
                    raise RuntimeError("no token_source is configured")
                outcome, value = "token", self._token_source()
            elif kind == "lock_store":
                lock = _lock_of(self._store)
                while lock is None:
                    time.sleep(_LOCK_RETRY_S)
                    lock = _lock_of(self._store)
                self._locks[call] = lock
                outcome = "locked"
            elif kind == "read_store":
                outcome, value = "stored", self._store.load() if self._store is not None else None
            elif kind == "write_store":
                if self._store is not None:
                    self._store.save(step[3])
                outcome = "written"
            elif kind == "unlock_store":
                held = self._locks.pop(call, None)
                if held is not None:
                    held.release()
                outcome = "unlocked"
        except Exception as e:  # the source's or the store's failure is the call's outcome
            outcome, value, cause = _failure(kind, e)
        return self._report(call, outcome, value), cause

    def _send(self, call: int, step: Step) -> tuple[Step, Optional[BaseException]]:
        _, _, _, method, url, headers, content, limit, timeout, _, _ = step
        http = self._http
        try:
            request = http.build_request(method, url, headers=headers, content=content, timeout=self._attempt_timeout(timeout))
            response = http.send(request, stream=True, follow_redirects=False)
            try:
                body: Optional[bytes] = None
                if not _too_large(response, limit):
                    chunks, size = [], 0
                    for chunk in response.iter_bytes():
                        size += len(chunk)
                        if size > limit:
                            break
                        chunks.append(chunk)
                    else:
                        body = b"".join(chunks)
            finally:
                response.close()
        except httpx.RequestError as e:
            return self._report(call, "failed", (_transport_kind(e), _describe(e))), e
        if body is None:
            return self._report(call, "too_large", None), None
        with self._cv:
            step = self._session.respond(call, response.status_code, response.headers.raw, body, _now_ms())
            return self._settle(call, step), None

    def _give_up(self, call: int) -> None:
        """The caller is gone mid-call (interrupted): what the session needs
        finished is done here, best effort; a detached step that was cut off
        cannot be, so its renewal is abandoned."""
        try:
            with self._cv:
                state, step = self._session.cancel(call, _now_ms())
                if state == "finishing":
                    step = self._session.abandon(call, _now_ms())
                if step is not None:
                    step = self._settle(call, step)
            while step is not None and step[0] not in ("done", "error"):
                step = self._perform(call, step)[0]
        except Exception:  # best effort: the interrupt is what the caller sees
            pass


class AsyncZoomPhone(
    BaseClient[httpx.AsyncClient, Callable[[], Union[Token, Awaitable[Token]]], Union[TokenStore, AsyncTokenStore]],
    AsyncZoomPhoneApi,
):
    __doc__ = (
        "A Zoom Phone client for asyncio: the arguments of :class:`ZoomPhone`, with an ``httpx.AsyncClient``, "
        "and a token source or store that may be sync or async. A cancelled call never loses a renewal in "
        "flight: its steps finish in the background. " + (BaseClient.__doc__ or "")
    )

    def _init_io(self) -> None:
        # Replaced at every wake-up; a waiting call holds the one current
        # when its wait began.
        self._wake: Optional[asyncio.Event] = None
        self._locks: dict[int, StoreLock] = {}
        # Renewal steps finishing after their call was given up.
        self._background: set[asyncio.Future[Any]] = set()

    def _new_http(self) -> httpx.AsyncClient:
        return httpx.AsyncClient(follow_redirects=False)

    async def __aenter__(self) -> AsyncZoomPhone:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        """Waits for renewal steps still finishing in the background, then
        closes the HTTP client if this client created it; later calls raise
        :class:`~zoom_phone.exceptions.BuildError`."""
        self._closed = True
        while self._background:
            await asyncio.gather(*self._background, return_exceptions=True)
        if self._owns_http:
            await self._http.aclose()

    async def call(
        self,
        operation: str,
        params: Optional[dict[str, Any]] = None,
        *,
        call_timeout: Optional[float] = None,
        max_attempts: Optional[int] = None,
        retry_non_idempotent: Optional[bool] = None,
        headers: Optional[Mapping[str, str]] = None,
    ) -> Any:
        """Calls an operation by operationId or snake_case name, with
        parameters by their spec names (the body under ``"body"``); the
        options override the client's for this call."""
        return await self._call(operation, params, _options(call_timeout, max_attempts, retry_non_idempotent, headers))

    async def download(self, url: str, *, call_timeout: Optional[float] = None) -> Union[bytes, str]:
        """Downloads a ``download_url`` from an earlier answer."""
        self._check_open()
        call, step = self._session.start_download(url, _options(call_timeout, None, None, None), _now_ms())
        result: Union[bytes, str] = await self._run(call, self._settle(step), "download")
        return result

    async def _call(self, operation: str, params: Optional[dict[str, Any]], options: Optional[dict[str, Any]] = None) -> Any:
        self._check_open()
        call, step = self._session.start(operation, params, options, _now_ms())
        return await self._run(call, self._settle(step), operation)

    async def _iterate(self, operation: str, params: dict[str, Any], limit: Optional[int]) -> AsyncIterator[Any]:
        self._check_open()
        pager = _core.Pager(operation, params, limit=limit)
        items_field, token_field = pager.items_field, pager.token_field
        while True:
            started = self._session.start_page(pager, operation, None, _now_ms())
            if started is None:
                return
            page = await self._run(started[0], self._settle(started[1]), operation)
            items = page.get(items_field) if isinstance(page, dict) else None
            items = items if isinstance(items, list) else []
            start, stop = pager.accept_page(page.get(token_field) if isinstance(page, dict) else None, len(items), _now_ms())
            for item in items[start:stop]:
                yield item

    # -- the host loop ------------------------------------------------------

    def _settle(self, step: Step) -> Step:
        """After a crossing: wakes the waiting calls when the step says so
        and logs its events."""
        if step[1] and self._wake is not None:
            self._wake.set()
            self._wake = None
        if step[2] is not None:
            _log(step[2])
        return step

    def _report(self, call: int, outcome: str, value: Any) -> Step:
        return self._settle(self._session.report(call, outcome, value, _now_ms()))

    async def _run(self, call: int, step: Step, operation: str) -> Any:
        cause: Optional[BaseException] = None
        while True:
            kind = step[0]
            if kind == "done":
                return _result(step, operation)
            if kind == "error":
                _fail(step[3], cause)
            if kind == "send" and not step[9] or kind == "wait":
                try:
                    step, cause = await self._perform(call, step)
                except asyncio.CancelledError:
                    state, next_step = self._session.cancel(call, _now_ms())
                    if next_step is not None:
                        self._spawn(self._drive(call, self._settle(next_step)))
                    raise
                continue
            # A detached step (a token renewal's): it runs on even if this
            # call is cancelled or its deadline passes first.
            task = asyncio.ensure_future(self._perform(call, step))
            expires = None if kind == "unlock_store" else step[-1]
            try:
                if expires is None:
                    step, cause = await asyncio.shield(task)
                    continue
                await asyncio.wait({task}, timeout=max(0.0, (expires - _now_ms()) / 1000))
            except asyncio.CancelledError:
                state, next_step = self._session.cancel(call, _now_ms())
                self._spawn(self._finish(call, task, state, next_step and self._settle(next_step)))
                raise
            if task.done():
                step, cause = task.result()
            else:
                self._spawn(self._finish(call, task, "finishing", None))
                step = self._report(call, "expired", None)

    def _spawn(self, work: Awaitable[None]) -> None:
        task = asyncio.ensure_future(work)
        self._background.add(task)
        task.add_done_callback(self._background.discard)

    async def _finish(self, call: int, task: asyncio.Future[tuple[Step, Any]], state: str, step: Optional[Step]) -> None:
        """The rest of a call nobody waits for any more: the detached step's
        outcome reported, and what follows performed until the end."""
        outcome = await task
        if state == "finishing":
            step = outcome[0]
        if step is not None:
            await self._drive(call, step)

    async def _drive(self, call: int, step: Step) -> None:
        while step[0] not in ("done", "error"):
            step = (await self._perform(call, step))[0]

    async def _perform(self, call: int, step: Step) -> tuple[Step, Optional[BaseException]]:
        """Does what the step says and reports it: the next step, and the
        host's exception behind a failed outcome."""
        kind = step[0]
        if kind == "send":
            return await self._send(call, step)
        if kind == "wait":
            if self._wake is None:
                self._wake = asyncio.Event()
            wake = self._wake
            try:
                await asyncio.wait_for(wake.wait(), max(0.0, (step[3] - _now_ms()) / 1000))
            except asyncio.TimeoutError:
                pass
            return self._report(call, "woken", None), None
        outcome: str = "store_failed"
        value: Any = None
        cause: Optional[BaseException] = None
        try:
            if kind == "fetch_token":
                if self._token_source is None:
                    raise RuntimeError("no token_source is configured")
                outcome, value = "token", await _maybe_await(self._token_source())
            elif kind == "lock_store":
                lock = _lock_of(self._store)
                while lock is None:
                    await asyncio.sleep(_LOCK_RETRY_S)
                    lock = _lock_of(self._store)
                self._locks[call] = lock
                outcome = "locked"
            elif kind == "read_store":
                outcome, value = "stored", await _maybe_await(self._store.load()) if self._store is not None else None
            elif kind == "write_store":
                if self._store is not None:
                    await _maybe_await(self._store.save(step[3]))
                outcome = "written"
            elif kind == "unlock_store":
                held = self._locks.pop(call, None)
                if held is not None:
                    held.release()
                outcome = "unlocked"
        except Exception as e:  # the source's or the store's failure is the call's outcome
            outcome, value, cause = _failure(kind, e)
        return self._report(call, outcome, value), cause

    async def _send(self, call: int, step: Step) -> tuple[Step, Optional[BaseException]]:
        _, _, _, method, url, headers, content, limit, timeout, _, _ = step
        http = self._http
        try:
            request = http.build_request(method, url, headers=headers, content=content, timeout=self._attempt_timeout(timeout))
            response = await http.send(request, stream=True, follow_redirects=False)
            try:
                body: Optional[bytes] = None
                if not _too_large(response, limit):
                    chunks, size = [], 0
                    async for chunk in response.aiter_bytes():
                        size += len(chunk)
                        if size > limit:
                            break
                        chunks.append(chunk)
                    else:
                        body = b"".join(chunks)
            finally:
                await response.aclose()
        except httpx.RequestError as e:
            return self._report(call, "failed", (_transport_kind(e), _describe(e))), e
        if body is None:
            return self._report(call, "too_large", None), None
        return self._settle(self._session.respond(call, response.status_code, response.headers.raw, body, _now_ms())), None


async def _maybe_await(value: Any) -> Any:
    if inspect.isawaitable(value):
        return await value
    return value
