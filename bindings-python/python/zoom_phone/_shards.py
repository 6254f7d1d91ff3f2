"""A listing spread over the workers of a fleet (``zp.shards(...)``).

The core's ``ShardJob`` cuts a date range into shards and owns the Redis
scripts that register them, let a worker claim one with a lease, and save
where it stands after every page: a worker that stops leaves its shard for
another to continue where it stopped. Here the client runs those scripts
(through the same fleet runner as the session's own) and walks each claimed
shard with the core's pager, resumed from the shard's checkpoint.

The walk is written once, as an async generator: the asyncio client awaits
it; the sync client's IO never suspends, so each of its steps ends at its
first ``send`` (as ``_client._sync`` does for calls)."""

from __future__ import annotations

import datetime
import logging
from collections.abc import AsyncGenerator, Awaitable, Mapping
from typing import Any, AsyncIterator, Callable, Iterator, Optional, TypeVar, Union

from . import _core
from .exceptions import TransportError

__all__ = ["AsyncShardWalk", "ShardWalk", "Span"]

_T = TypeVar("_T")
_LOGGER = logging.getLogger("zoom_phone")

#: How long each shard is: ``{"months": n}`` or ``{"days": n}`` (n from 1 to 1000).
Span = Mapping[str, int]
#: A date as ``YYYY-MM-DD`` or a :class:`datetime.date`.
DateLike = Union[str, datetime.date]

#: The next page of a listing through the client: ``(items, page, response)``, or ``None`` at its end.
PageFetch = Callable[[_core.Pager, tuple[Any, Any]], Awaitable[Optional[tuple[list[Any], Any, Any]]]]
#: Runs one fleet script: the runner's ``(outcome, value, cause)``.
ScriptRun = Callable[[Mapping[str, Any]], Awaitable[tuple[str, Any, Optional[BaseException]]]]


def _day(value: Any) -> Any:
    # A datetime is a date too, but its time of day would be dropped
    # silently: handed on as is for the core to refuse by name.
    if isinstance(value, datetime.date) and not isinstance(value, datetime.datetime):
        return value.isoformat()
    return value


class _ShardState:
    """What the sync and asyncio walks share: the job, the shard being
    walked, and the generator doing it."""

    def __init__(
        self,
        session: _core.Session,
        operation: str,
        params: Optional[Mapping[str, Any]],
        job: str,
        worker: str,
        from_: DateLike,
        to: DateLike,
        span: Optional[Span],
        fetch: PageFetch,
        run: ScriptRun,
    ) -> None:
        # Made now, so a bad operation, range or name is refused here, by the core.
        _core.Pager(operation, params)
        self._job = session.shard_job(job, worker, _day(from_), _day(to), None if span is None else dict(span))
        self._operation = operation
        self._params = dict(params) if params is not None else None
        self._fetch = fetch
        self._run = run
        self._shard: Optional[str] = None
        self._pager: Optional[_core.Pager] = None
        self._handed = 0
        self._items = self._walk()

    @property
    def shard(self) -> Optional[str]:
        """The shard being walked (``2026-01-01..2026-01-31``), or ``None``."""
        return self._shard

    @property
    def shards(self) -> list[str]:
        """Every shard of the job, in order."""
        return self._job.shards

    async def _script(self, op: Mapping[str, Any]) -> Any:
        """The reply of one of the job's scripts; a Redis that failed is a
        :class:`TransportError` naming the script (its arguments never)."""
        outcome, value, cause = await self._run(op)
        if outcome == "shared":
            return value
        error = TransportError(
            f"the fleet's Redis failed running {op['script']}: {value}", error_class="transport", code="transport_error"
        )
        if cause is not None:
            raise error from cause
        raise error

    async def _walk(self) -> AsyncGenerator[Any, None]:
        job = self._job
        try:
            await self._script(job.plan_op())
            while True:
                claim = job.claimed(await self._script(job.claim_op()), self._params)
                if claim is None:
                    return
                self._shard = claim["shard"]
                pager = _core.Pager(self._operation, claim["params"], resume=claim["resume"])
                fields = (pager.items_field, pager.token_field)
                self._pager = pager
                kept = True
                while True:
                    fetched = await self._fetch(pager, fields)
                    if fetched is None:
                        break
                    self._handed = 0
                    for item in fetched[0]:
                        # Counted before the yield: a consumer that stops after
                        # taking this item leaves the generator at the yield.
                        self._handed += 1
                        yield item
                    # After the last page nothing is left to resume: the
                    # shard is saved as done below.
                    point = pager.resume_point(self._handed)
                    if point is not None and not (kept := await self._save(point)):
                        break
                self._pager = None
                if kept:
                    await self._save(None)
                self._shard = None
        finally:
            # Stopped inside a shard (closed, or a call failed): save exactly
            # how far it got, best effort (without it, whoever claims the
            # shard next repeats at most this page).
            stopped, self._pager = self._pager, None
            if stopped is not None:
                try:
                    await self._save(stopped.resume_point(self._handed))
                except Exception:
                    pass

    async def _save(self, point: Optional[Mapping[str, Any]]) -> bool:
        """Saves the shard's position (``None``: done); ``False`` when
        another worker took the shard over (its lease ran out)."""
        assert self._shard is not None
        kept = _core.ShardJob.checkpointed(await self._script(self._job.checkpoint_op(self._shard, point)))
        if not kept:
            _LOGGER.warning(
                "the lease of shard %s was lost to another worker; moving on",
                self._shard,
                extra={"zoom_phone_event": "fleet.lease_lost", "zoom_phone_fields": {"shard": self._shard}},
            )
        return kept


def _drive(step: Awaitable[_T]) -> _T:
    """A step of the walk for the sync client: its IO never suspends."""
    it = step.__await__()
    try:
        next(it)
    except StopIteration as done:
        result: _T = done.value
        return result
    raise RuntimeError("the sync client's IO suspended (a bug)")


class ShardWalk(_ShardState, Iterator[_T]):
    """Every item of the shards this worker claims, shard after shard, until
    no shard is free; :attr:`shard` names the one being walked. Each
    shard's position is saved in Redis after every page. Stop early with
    :meth:`close` (or use it as a context manager): that saves the exact
    position, so whoever claims the shard next repeats nothing."""

    def __iter__(self) -> ShardWalk[_T]:
        return self

    def __next__(self) -> _T:
        try:
            item: _T = _drive(self._items.__anext__())
        except StopAsyncIteration:
            raise StopIteration from None
        return item

    def close(self) -> None:
        """Stops: the position in the current shard is saved first."""
        _drive(self._items.aclose())

    def __enter__(self) -> ShardWalk[_T]:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class AsyncShardWalk(_ShardState, AsyncIterator[_T]):
    """The asyncio form of :class:`ShardWalk`: stop early with
    :meth:`aclose` (or ``async with``)."""

    def __aiter__(self) -> AsyncShardWalk[_T]:
        return self

    async def __anext__(self) -> _T:
        item: _T = await self._items.__anext__()
        return item

    async def aclose(self) -> None:
        """Stops: the position in the current shard is saved first."""
        await self._items.aclose()

    async def __aenter__(self) -> AsyncShardWalk[_T]:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()
