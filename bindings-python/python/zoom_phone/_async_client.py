"""The asyncio client, :class:`AsyncZoomPhone` (``httpx.AsyncClient``): the
IO of the one host loop of ``_base_client.py`` for asyncio. Imported on
first use of ``zoom_phone.AsyncZoomPhone``, so that importing the package
does not load asyncio.
"""

from __future__ import annotations

import asyncio
import inspect
from collections.abc import Awaitable, Coroutine, Mapping
from typing import Any, Callable, Optional, Union

import httpx

from . import _fleet
from ._base_client import AsyncTokenStore, BaseClient, Step, Token, TokenStore, _detached, _now_ms, _options
from ._client import _Outcome, _too_large
from ._generated.api import AsyncZoomPhoneApi
from ._pages import AsyncSyncRun, AsyncWalk
from ._response import RawResponse
from ._transport import AsyncTransport
from ._shards import AsyncShardWalk, DateLike, Span
from .types import ResumePoint, SyncCheckpoint

__all__ = ["AsyncZoomPhone"]


class AsyncZoomPhone(
    BaseClient[httpx.AsyncClient, Callable[[], Union[Token, Awaitable[Token]]], Union[TokenStore, AsyncTokenStore]],
    AsyncZoomPhoneApi,
):
    __doc__ = (
        "A Zoom Phone client for asyncio: the arguments of :class:`ZoomPhone`, with an ``httpx.AsyncClient``, "
        "and a token source or store that may be sync or async. A cancelled call never loses a renewal in "
        "flight: its steps finish in the background. " + (BaseClient.__doc__ or "")
    )
    _http_class = httpx.AsyncClient
    _fleet_runner = _fleet.AsyncRunner

    def _init_io(self) -> None:
        # Set and replaced at each wake-up.
        self._progress: Optional[asyncio.Event] = None
        # The rest of calls given up while a renewal step was out.
        self._background: set[asyncio.Future[Any]] = set()

    def _new_http(self) -> httpx.AsyncClient:
        return httpx.AsyncClient(follow_redirects=False, transport=AsyncTransport())

    def _wake_all(self) -> None:
        self._wakes += 1
        if self._progress is not None:
            self._progress.set()
            self._progress = None

    async def __aenter__(self) -> AsyncZoomPhone:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        """Lets renewal steps still out finish, then closes the HTTP client if
        this client created it; later calls raise
        :class:`~zoom_phone.exceptions.BuildError`."""
        if self._root is not self:
            return
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
        extra_headers: Optional[Mapping[str, str]] = None,
    ) -> Any:
        """Calls an operation by operationId or snake_case name, with
        parameters by their spec names (the body under ``"body"``); the
        options override the client's for this call."""
        options = _options(call_timeout, max_attempts, retry_non_idempotent, extra_headers)
        return await self._call(operation, params, options)

    async def request(
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
        response: RawResponse[Any] = await self._call(operation, params, options, True)
        return response

    async def download(self, url: str, *, call_timeout: Optional[float] = None) -> Union[bytes, str]:
        """Downloads a ``download_url`` from an earlier answer (the
        transcript's text for a transcript)."""
        options = self._call_options(_options(call_timeout, None, None, None))
        result: Union[bytes, str] = await self._root._adownload(url, options)
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
    ) -> AsyncSyncRun[Any]:
        """An incremental sync of one of the four sync operations
        (``syncUserCallLogs``, ...) by operationId, parameters by spec name:
        see :class:`~zoom_phone.AsyncSyncRun`."""
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
    ) -> AsyncShardWalk[Any]:
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
        it stopped. See :class:`~zoom_phone.AsyncShardWalk`."""
        options = _options(call_timeout, max_attempts, retry_non_idempotent, extra_headers)
        walk: AsyncShardWalk[Any] = self._shard_walk(AsyncShardWalk, operation, params, job, worker, from_, to, span, options)
        return walk

    async def _call(
        self, operation: str, params: Any, options: Optional[dict[str, Any]] = None, raw: bool = False
    ) -> Any:
        return await self._root._acall(operation, params, self._call_options(options), raw)

    def _iterate(
        self,
        operation: str,
        params: dict[str, Any],
        limit: Optional[int],
        resume: Optional[ResumePoint] = None,
        options: Optional[dict[str, Any]] = None,
    ) -> AsyncWalk[Any]:
        root = self._root
        root._check_open()
        options = self._call_options(options)
        return AsyncWalk(
            operation, params, limit, resume, lambda pager, fields: root._page(pager, operation, fields, options)
        )

    def _syncer(
        self, operation: str, params: Any, checkpoint: Optional[SyncCheckpoint], options: Optional[dict[str, Any]]
    ) -> AsyncSyncRun[Any]:
        root = self._root
        root._check_open()
        options = self._call_options(options)
        return AsyncSyncRun(operation, params, checkpoint, lambda p: root._acall(operation, p, options, True))

    def _abandoned(self, call: int, step: Step) -> None:
        if not _detached(step):  # a detached step saw to it (`_perform_detached`)
            self._spawn(self._finish(call, self._give_up(call, can_finish=True)[1]))

    async def _perform_detached(self, call: int, step: Step) -> _Outcome:
        # Its own task: neither this call's cancellation nor its deadline
        # (`expires_at`) stops it; what follows it runs in the background.
        task = asyncio.ensure_future(self._perform(call, step))
        expires = step[4]
        try:
            await asyncio.wait({task}, timeout=None if expires is None else max(0.0, (expires - _now_ms()) / 1000))
        except asyncio.CancelledError:
            finishing, then = self._give_up(call, can_finish=True)
            self._spawn(self._finish_after(call, task) if finishing else self._finish(call, then))
            raise
        if task.done():
            return task.result()
        self._spawn(self._finish_after(call, task))
        return "expired", None, None

    async def _finish_after(self, call: int, task: asyncio.Future[_Outcome]) -> None:
        await self._finish(call, self._report(call, *(await task)[:2]))

    def _spawn(self, work: Coroutine[Any, Any, None]) -> None:
        task = asyncio.ensure_future(work)
        self._background.add(task)
        task.add_done_callback(self._background.discard)

    async def _send_io(self, request: httpx.Request, limit: int) -> tuple[int, Any, Optional[bytes]]:
        response = await self._http.send(request, stream=True, follow_redirects=False)
        try:
            if _too_large(response, limit):
                return response.status_code, None, None
            chunks, size = [], 0
            async for chunk in response.aiter_bytes():
                size += len(chunk)
                if size > limit:
                    return response.status_code, None, None
                chunks.append(chunk)
            return response.status_code, response.headers.raw, b"".join(chunks)
        finally:
            await response.aclose()

    async def _call_io(self, fn: Callable[..., Any], *args: Any) -> Any:
        value = fn(*args)
        return await value if inspect.isawaitable(value) else value

    async def _wait_io(self, until_ms: int, seen: int) -> None:
        if self._wakes == seen:
            if self._progress is None:
                self._progress = asyncio.Event()
            try:
                await asyncio.wait_for(self._progress.wait(), max(0.0, (until_ms - _now_ms()) / 1000))
            except asyncio.TimeoutError:
                pass
