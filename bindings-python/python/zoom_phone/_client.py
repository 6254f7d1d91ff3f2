"""The thread client, :class:`ZoomPhone` (``httpx.Client``); the asyncio one,
:class:`AsyncZoomPhone`, is in ``_async_client.py`` (imported on first use:
a program of threads never loads asyncio for it).

Both run the one host loop of ``_base_client.py``; each only provides IO:
sending a request and reading its body (capped), calling the token source
and the store, sleeping and being woken, and what to do when the caller
gives up. A call with a valid token is two crossings into the core.
"""

from __future__ import annotations

import threading
from collections.abc import Coroutine, Mapping
from typing import Any, Callable, Optional, TypeVar, Union

import httpx

from . import _fleet
from ._base_client import BaseClient, Step, Token, TokenStore, _detached, _now_ms, _options
from ._generated.api import ZoomPhoneApi
from ._pages import SyncRun, Walk
from ._response import RawResponse
from ._transport import Transport
from ._shards import DateLike, ShardWalk, Span
from .types import ResumePoint, SyncCheckpoint

__all__ = ["ZoomPhone"]

_T = TypeVar("_T")
_Outcome = tuple[str, Any, Optional[BaseException]]


def _sync(coro: Coroutine[Any, Any, _T]) -> _T:
    """Runs a coroutine of the shared loop for the sync client: its IO never
    suspends, so the coroutine ends at its first step."""
    try:
        coro.send(None)
    except StopIteration as done:
        result: _T = done.value
        return result
    coro.close()
    raise RuntimeError("the sync client's IO suspended (a bug)")


def _too_large(response: httpx.Response, limit: int) -> bool:
    length = response.headers.get("content-length")
    return length is not None and length.isdigit() and int(length) > limit


class ZoomPhone(BaseClient[httpx.Client, Callable[[], Token], TokenStore], ZoomPhoneApi):
    __doc__ = "A Zoom Phone client for threads (safe to share between them). " + (BaseClient.__doc__ or "")
    _http_class = httpx.Client
    _fleet_runner = _fleet.ThreadedRunner

    def _init_io(self) -> None:
        # A call waiting for another's progress (a renewal, the rate limiter) sleeps on it.
        self._progress = threading.Condition(self._lock)

    def _new_http(self) -> httpx.Client:
        return httpx.Client(follow_redirects=False, transport=Transport())

    def _wake_all(self) -> None:
        with self._lock:
            self._wakes += 1
            self._progress.notify_all()

    def __enter__(self) -> ZoomPhone:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Closes the HTTP client if this client created it; later calls
        raise :class:`~zoom_phone.exceptions.BuildError`. A ``with_options``
        copy owns nothing: closing it does nothing (close the client)."""
        if self._root is not self:
            return
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
        extra_headers: Optional[Mapping[str, str]] = None,
    ) -> Any:
        """Calls an operation by operationId or snake_case name, with
        parameters by their spec names (the body under ``"body"``); the
        options override the client's for this call."""
        options = _options(call_timeout, max_attempts, retry_non_idempotent, extra_headers)
        return self._call(operation, params, options)

    def request(
        self,
        operation: str,
        params: Optional[dict[str, Any]] = None,
        *,
        call_timeout: Optional[float] = None,
        max_attempts: Optional[int] = None,
        retry_non_idempotent: Optional[bool] = None,
        extra_headers: Optional[Mapping[str, str]] = None,
    ) -> RawResponse[Any]:
        """:meth:`call`, answering the :class:`~zoom_phone.RawResponse`
        (status, headers, tracking id, rate-limit headers; ``parse()``)."""
        options = _options(call_timeout, max_attempts, retry_non_idempotent, extra_headers)
        response: RawResponse[Any] = self._call(operation, params, options, True)
        return response

    def download(self, url: str, *, call_timeout: Optional[float] = None) -> Union[bytes, str]:
        """Downloads a ``download_url`` from an earlier answer (the
        transcript's text for a transcript)."""
        options = self._call_options(_options(call_timeout, None, None, None))
        result: Union[bytes, str] = _sync(self._root._adownload(url, options))
        return result

    def sync(
        self,
        operation: str,
        params: Optional[dict[str, Any]] = None,
        *,
        checkpoint: Optional[SyncCheckpoint] = None,
        call_timeout: Optional[float] = None,
        max_attempts: Optional[int] = None,
        retry_non_idempotent: Optional[bool] = None,
        extra_headers: Optional[Mapping[str, str]] = None,
    ) -> SyncRun[Any]:
        """An incremental sync of one of the four sync operations
        (``syncUserCallLogs``, ...) by operationId, parameters by spec name:
        see :class:`~zoom_phone.SyncRun`."""
        options = _options(call_timeout, max_attempts, retry_non_idempotent, extra_headers)
        return self._syncer(operation, params, checkpoint, options)


    def shards(
        self,
        operation: str,
        params: Optional[dict[str, Any]] = None,
        *,
        job: str,
        from_: DateLike,
        to: DateLike,
        span: Optional[Span] = None,
        worker: Optional[str] = None,
        call_timeout: Optional[float] = None,
        max_attempts: Optional[int] = None,
        retry_non_idempotent: Optional[bool] = None,
        extra_headers: Optional[Mapping[str, str]] = None,
    ) -> ShardWalk[Any]:
        """A listing spread over the workers of the fleet (the client needs
        the ``fleet`` option, else ``TypeError``): the dates ``from_`` to
        ``to`` (``YYYY-MM-DD`` or :class:`datetime.date`, inclusive) cut
        into shards of ``span`` (``{"months": n}`` or ``{"days": n}``,
        default a month: Zoom's call history takes about a month per call)
        that every worker of the job (same ``job`` name, same range, its own
        ``worker`` name, no colons) claims in turn, with the fleet's
        ``lease_ms``. Iterates every item of the shards this worker claims
        (each call with the shard's ``from``/``to`` over ``params``), saving
        the shard's position in Redis after every page: a worker that stops
        leaves the shard to another after the lease, which continues where
        it stopped. See :class:`~zoom_phone.ShardWalk`."""
        options = _options(call_timeout, max_attempts, retry_non_idempotent, extra_headers)
        walk: ShardWalk[Any] = self._shard_walk(ShardWalk, operation, params, job, worker, from_, to, span, options)
        return walk

    def _call(self, operation: str, params: Any, options: Optional[dict[str, Any]] = None, raw: bool = False) -> Any:
        return _sync(self._root._acall(operation, params, self._call_options(options), raw))

    def _iterate(
        self,
        operation: str,
        params: dict[str, Any],
        limit: Optional[int],
        resume: Optional[ResumePoint] = None,
        options: Optional[dict[str, Any]] = None,
    ) -> Walk[Any]:
        root = self._root
        root._check_open()
        options = self._call_options(options)
        return Walk(
            operation, params, limit, resume, lambda pager, fields: _sync(root._page(pager, operation, fields, options))
        )

    def _syncer(
        self, operation: str, params: Any, checkpoint: Optional[SyncCheckpoint], options: Optional[dict[str, Any]]
    ) -> SyncRun[Any]:
        root = self._root
        root._check_open()
        options = self._call_options(options)
        return SyncRun(operation, params, checkpoint, lambda p: _sync(root._acall(operation, p, options, True)))

    def _abandoned(self, call: int, step: Step) -> None:
        # Interrupted (Ctrl-C, an exit): a detached action cut off cannot be
        # finished, so its renewal is abandoned; what else the session needs
        # (the store's lock released) is done here, best effort.
        try:
            _sync(self._finish(call, self._give_up(call, can_finish=False)[1]))
        except Exception:  # the interrupt is what the caller sees
            pass

    async def _send_io(self, request: httpx.Request, limit: int) -> tuple[int, Any, Optional[bytes]]:
        response = self._http.send(request, stream=True, follow_redirects=False)
        try:
            if _too_large(response, limit):
                return response.status_code, None, None
            chunks, size = [], 0
            for chunk in response.iter_bytes():
                size += len(chunk)
                if size > limit:
                    return response.status_code, None, None
                chunks.append(chunk)
            return response.status_code, response.headers.raw, b"".join(chunks)
        finally:
            response.close()

    async def _call_io(self, fn: Callable[..., Any], *args: Any) -> Any:
        return fn(*args)

    async def _wait_io(self, until_ms: int, seen: int) -> None:
        with self._lock:
            while self._wakes == seen and (left := (until_ms - _now_ms()) / 1000) > 0:
                self._progress.wait(left)
