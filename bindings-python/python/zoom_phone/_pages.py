"""Walks over a listing (``method.iter(...)``) and incremental syncs
(``method.sync(...)``), sync and asyncio.

The core decides: its ``Pager`` says which page to ask for next, which items
of each page to hand out and where to resume later (a page token and how
many of its items were already handed out, valid for the 15 minutes Zoom
keeps a token; an older one raises
:class:`~zoom_phone.exceptions.PageTokenExpiredError` before anything is
sent); its ``Syncer`` says which sync to ask for next (full, backward,
incremental) and where the sync stands. These classes fetch, through the
client, and hand out."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, AsyncIterator, Awaitable, Callable, Generic, Iterator, Optional, TypeVar

from . import _core
from ._response import RawResponse
from .exceptions import BuildError
from .types import ResumePoint, SyncCheckpoint

__all__ = ["AsyncSyncRun", "AsyncWalk", "Page", "SyncBatch", "SyncRun", "Walk"]

_T = TypeVar("_T")
_P = TypeVar("_P")

#: One page as the client fetched it: the items to hand out, the page, its response.
_Fetched = Optional[tuple[list[Any], Any, RawResponse[Any]]]


class Page(Generic[_T]):
    """One page of a walk (:meth:`Walk.pages`)."""

    __slots__ = ("items", "data", "response")

    def __init__(self, items: list[_T], data: Any, response: RawResponse[Any]) -> None:
        #: The items the walk hands out of this page (after ``limit``/``resume``).
        self.items = items
        #: The page as parsed, whole.
        self.data = data
        #: Its response: status, headers, tracking id, rate-limit headers.
        self.response = response

    def __repr__(self) -> str:
        return f"<Page {len(self.items)} items, {self.response!r}>"


class SyncBatch(Generic[_P]):
    """One answer of a sync run: save ``checkpoint`` once its records are handled."""

    __slots__ = ("phase", "page", "records", "checkpoint", "response")

    def __init__(
        self, phase: str, page: _P, records: int, checkpoint: SyncCheckpoint, response: RawResponse[_P]
    ) -> None:
        #: ``"full"``, ``"backward"`` (older records) or ``"incremental"`` (changes since).
        self.phase = phase
        #: The answer as parsed.
        self.page = page
        #: How many records it held.
        self.records = records
        #: Where the sync stands after it (a later run resumes from it).
        self.checkpoint = checkpoint
        self.response = response

    def __repr__(self) -> str:
        return f"<SyncBatch {self.phase} {self.records} records>"


class _WalkState:
    """What the sync and asyncio walks share: the pager, the current page's
    items to hand out and how many of them were."""

    def __init__(self, operation: str, params: Any, limit: Optional[int], resume: Optional[ResumePoint]) -> None:
        if resume is not None and not isinstance(resume, Mapping):
            raise BuildError(
                f"`resume` must be a walk's resume_point ({{token, issued_at_ms, skip}}), not {type(resume).__name__}",
                code="invalid_option",
            )
        self._pager = _core.Pager(operation, params, limit=limit, resume=dict(resume) if resume is not None else None)
        self._fields = (self._pager.items_field, self._pager.token_field)
        self._items: list[Any] = []
        self._index = 0
        self._finished = False
        self._mode: Optional[str] = None

    @property
    def resume_point(self) -> Optional[ResumePoint]:
        """Where to continue later (``{token, issued_at_ms, skip}``, JSON to
        keep anywhere) after the items handed out so far, or ``None`` when
        nothing is left; pass it as ``resume=`` of a walk with the same
        parameters, in this process or another, within 15 minutes."""
        point: Optional[ResumePoint] = self._pager.resume_point(self._index)  # type: ignore[assignment]
        return point

    def _use(self, mode: str) -> None:
        if self._mode is not None and self._mode != mode:
            raise TypeError("a walk is consumed either by item or with pages(), not both")
        self._mode = mode

    def _release(self) -> None:
        # Its items are all handed out: the page is the caller's to keep or
        # drop, not ours to hold while the next one arrives (which, held,
        # doubled a walk's memory).
        self._items = []

    def _took(self, fetched: _Fetched) -> Optional[Page[Any]]:
        if fetched is None:
            # The last page's items stay counted as handed out: the resume
            # point is after them.
            self._finished = True
            return None
        items, data, response = fetched
        self._items, self._index = items, 0
        return Page(items, data, response)


class Walk(_WalkState, Iterator[_T]):
    """Every item of every page of a listing, fetched page by page as they
    are consumed; :meth:`pages` walks page by page instead, and
    :attr:`resume_point` says where to continue later."""

    def __init__(
        self,
        operation: str,
        params: Any,
        limit: Optional[int],
        resume: Optional[ResumePoint],
        fetch: Callable[[_core.Pager, tuple[Any, Any]], _Fetched],
    ) -> None:
        super().__init__(operation, params, limit, resume)
        self._fetch = fetch

    def __iter__(self) -> Walk[_T]:
        return self

    def __next__(self) -> _T:
        if self._mode != "items":
            self._use("items")
        while self._index >= len(self._items):
            if self._finished:
                raise StopIteration
            self._next_page()
        item: _T = self._items[self._index]
        self._index += 1
        return item

    def _next_page(self) -> Optional[Page[Any]]:
        self._release()
        try:
            return self._took(self._fetch(self._pager, self._fields))
        except BaseException:
            self._finished = True
            raise

    def pages(self) -> Iterator[Page[_T]]:
        """The walk page by page (each page's items counted as handed out)."""
        self._use("pages")
        while not self._finished:
            page = self._next_page()
            if page is None:
                return
            self._index = len(self._items)
            yield page
            # Dropped before the next fetch, as `_next_page` drops the items.
            del page


class AsyncWalk(_WalkState, AsyncIterator[_T]):
    """The asyncio form of :class:`Walk`."""

    def __init__(
        self,
        operation: str,
        params: Any,
        limit: Optional[int],
        resume: Optional[ResumePoint],
        fetch: Callable[[_core.Pager, tuple[Any, Any]], Awaitable[_Fetched]],
    ) -> None:
        super().__init__(operation, params, limit, resume)
        self._fetch = fetch

    def __aiter__(self) -> AsyncWalk[_T]:
        return self

    async def __anext__(self) -> _T:
        if self._mode != "items":
            self._use("items")
        while self._index >= len(self._items):
            if self._finished:
                raise StopAsyncIteration
            await self._next_page()
        item: _T = self._items[self._index]
        self._index += 1
        return item

    async def _next_page(self) -> Optional[Page[Any]]:
        self._release()
        try:
            return self._took(await self._fetch(self._pager, self._fields))
        except BaseException:
            self._finished = True
            raise

    async def pages(self) -> AsyncIterator[Page[_T]]:
        """The walk page by page (each page's items counted as handed out)."""
        self._use("pages")
        while not self._finished:
            page = await self._next_page()
            if page is None:
                return
            self._index = len(self._items)
            yield page
            # Dropped before the next fetch, as `_next_page` drops the items.
            del page


class _SyncState:
    def __init__(self, operation: str, params: Any, checkpoint: Optional[SyncCheckpoint]) -> None:
        # Whatever it is, the core reads it and names what is wrong with it.
        self._syncer = _core.Syncer(operation, params, checkpoint)
        self._record_fields = self._syncer.record_fields
        self._token_field = self._syncer.token_field
        self._checkpoint: SyncCheckpoint = self._syncer.checkpoint  # type: ignore[assignment]
        self._finished = False

    @property
    def checkpoint(self) -> SyncCheckpoint:
        """Where the sync stands after the batches handed out so far:
        ``{forward, backward, backfilled}``, JSON to keep; a later run given
        it asks only for what changed since."""
        return self._checkpoint

    def _next_params(self) -> Any:
        if self._finished:
            return None
        batch = self._syncer.next_batch()
        if batch is None:
            self._finished = True
            return None
        return batch[0]

    def _batch(self, response: RawResponse[Any]) -> SyncBatch[Any]:
        page = response.parse()
        records = 0
        token = None
        if isinstance(page, dict):
            for field in self._record_fields:
                found = page.get(field)
                if isinstance(found, list):
                    records += len(found)
            token = page.get(self._token_field)
        phase = self._syncer.accept(token if isinstance(token, str) else None, records)
        self._checkpoint = self._syncer.checkpoint  # type: ignore[assignment]
        return SyncBatch(phase, page, records, self._checkpoint, response)


class SyncRun(_SyncState, Iterator[SyncBatch[_P]]):
    """The batches of one incremental sync (the full sync, the backfill of
    older records, then the changes since the newest seen), one call each,
    until caught up; see :attr:`checkpoint`."""

    def __init__(
        self,
        operation: str,
        params: Any,
        checkpoint: Optional[SyncCheckpoint],
        fetch: Callable[[Any], RawResponse[Any]],
    ) -> None:
        super().__init__(operation, params, checkpoint)
        self._fetch = fetch

    def __iter__(self) -> SyncRun[_P]:
        return self

    def __next__(self) -> SyncBatch[_P]:
        params = self._next_params()
        if params is None:
            raise StopIteration
        try:
            return self._batch(self._fetch(params))
        except BaseException:
            self._finished = True
            raise


class AsyncSyncRun(_SyncState, AsyncIterator[SyncBatch[_P]]):
    """The asyncio form of :class:`SyncRun`."""

    def __init__(
        self,
        operation: str,
        params: Any,
        checkpoint: Optional[SyncCheckpoint],
        fetch: Callable[[Any], Awaitable[RawResponse[Any]]],
    ) -> None:
        super().__init__(operation, params, checkpoint)
        self._fetch = fetch

    def __aiter__(self) -> AsyncSyncRun[_P]:
        return self

    async def __anext__(self) -> SyncBatch[_P]:
        params = self._next_params()
        if params is None:
            raise StopAsyncIteration
        try:
            return self._batch(await self._fetch(params))
        except BaseException:
            self._finished = True
            raise
