"""Sharded jobs (issue 17, "spreading work") in the Python host, against a
real redis-server and a mock of its own whose request log is the referee:
a sync and an asyncio client take disjoint shards of one job and together
see every record once, each in the shard of its day; a worker that stops in a shard leaves it, after its
lease, to another that continues where it stopped. The same properties as
js-examples/fleet.test.mjs; and what ``shards()`` refuses, by name."""

from __future__ import annotations

import asyncio
import datetime
import itertools
import logging
import os
import threading
import time
from collections import Counter
from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qs

import pytest
import redis
import redis.asyncio

from zoom_phone import AsyncZoomPhone, BuildError, TransportError, ZoomPhone

from conftest import Mock, start_mock

#: The mock's call history: this many records spread evenly over the first
#: quarter of 2026 and filtered by `from`/`to`, so the three monthly shards
#: partition it (about a thousand records, 4 pages of 300, each).
RECORDS = 3000
RANGE: dict[str, Any] = {"from_": "2026-01-01", "to": "2026-03-31", "span": {"months": 1}}
SHARDS = ("2026-01-01..2026-01-31", "2026-02-01..2026-02-28", "2026-03-01..2026-03-31")

_prefixes = itertools.count()


def _prefix() -> str:
    """Keys of their own per test: the session's Redis is shared."""
    return f"pyshard{next(_prefixes)}-{os.getpid()}"


@pytest.fixture(scope="module")
def history() -> Iterator[Mock]:
    with start_mock("--call-history", str(RECORDS), "--call-history-dates", "2026-01-01..2026-03-31") as mock:
        yield mock


def _shard_of(day: str) -> str:
    return next(shard for shard in SHARDS if shard[:10] <= day <= shard[12:])


@pytest.fixture(scope="module")
def truth(history: Mock) -> dict[str, set[str]]:
    """The records of each shard, the referee of the sharded walks: one plain
    walk of the whole listing (no `from`/`to`), each record put in the shard
    of the day it started."""
    out: dict[str, set[str]] = {shard: set() for shard in SHARDS}
    with ZoomPhone(**history.client_kwargs()) as zp:
        for record in zp.call_logs.account_call_history.iter(page_size=300):
            out[_shard_of(record["start_time"][:10])].add(record["call_history_uuid"])
    assert sum(map(len, out.values())) == RECORDS and all(out.values())
    return out


def _pages(records: int) -> int:
    return -(-records // 300)


@pytest.fixture
def small(history: Mock) -> Mock:
    history.post("/reset")
    return history


def _fleet(client: Any, prefix: str, lease_ms: int = 30_000) -> Any:
    return {"redis": client, "prefix": prefix, "lease_ms": lease_ms}


def _per_shard(got: list[tuple[str, str]]) -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for shard, uuid in got:
        out.setdefault(shard, set()).add(uuid)
    return out


def _record(shard: Any, record: Any) -> tuple[str, str]:
    assert isinstance(shard, str)
    assert _shard_of(record["start_time"][:10]) == shard, f"{record['start_time']} handed out in {shard}"
    return shard, record["call_history_uuid"]


def test_a_sync_and_an_async_client_take_disjoint_shards_and_see_every_record_once(
    small: Mock, truth: dict[str, set[str]], redis_url: str
) -> None:
    p = _prefix()
    sync_redis, async_redis = redis.Redis.from_url(redis_url), redis.asyncio.Redis.from_url(redis_url)
    # Each worker holds its first shard until the other has one too: the
    # two surely share the job (else one fast worker could take all three).
    started = {"sync": threading.Event(), "async": threading.Event()}
    got: dict[str, list[tuple[str, str]]] = {"sync": [], "async": []}
    errors: list[BaseException] = []

    def sync_worker() -> None:
        try:
            with ZoomPhone(**small.client_kwargs(), fleet=_fleet(sync_redis, p)) as zp:
                shards = zp.shards("accountCallHistory", {"page_size": 300}, job="history", worker="wsync", **RANGE)
                for record in shards:
                    got["sync"].append(_record(shards.shard, record))
                    if len(got["sync"]) == 1:
                        started["sync"].set()
                        assert started["async"].wait(30), "the asyncio worker never got a shard"
        except BaseException as e:  # reported on the test's thread
            started["sync"].set()
            errors.append(e)

    async def async_worker() -> None:
        async with AsyncZoomPhone(**small.client_kwargs(), fleet=_fleet(async_redis, p)) as zp:
            shards = zp.shards("accountCallHistory", {"page_size": 300}, job="history", worker="wasync", **RANGE)
            assert shards.shards == list(SHARDS)
            async for record in shards:
                got["async"].append(_record(shards.shard, record))
                if len(got["async"]) == 1:
                    started["async"].set()
                    assert await asyncio.to_thread(started["sync"].wait, 30), "the sync worker never got a shard"
        await async_redis.aclose()

    thread = threading.Thread(target=sync_worker)
    thread.start()
    try:
        asyncio.run(async_worker())
    finally:
        started["async"].set()
        thread.join()
        sync_redis.close()
    if errors:
        raise errors[0]

    everything = got["sync"] + got["async"]
    assert _per_shard(everything) == truth, "every shard walked whole: the records of its days"
    assert len({uuid for _, uuid in everything}) == len(everything) == RECORDS, "no record twice"
    sync_shards, async_shards = set(_per_shard(got["sync"])), set(_per_shard(got["async"]))
    assert sync_shards and async_shards and not sync_shards & async_shards, "disjoint shards, both workers"
    calls = small.requests("/v2/phone/call_history")
    ranges = Counter(
        f"{q['from'][0]}..{q['to'][0]}" for q in (parse_qs(r["query"] or "") for r in calls) if "from" in q and "to" in q
    )
    assert len(calls) == sum(ranges.values()), "each call carries its shard's range"
    assert ranges == {shard: _pages(len(truth[shard])) for shard in SHARDS}, "each shard's pages, none asked twice"


@pytest.mark.parametrize("stops", ["sync", "async"])
def test_a_worker_that_stops_in_a_shard_leaves_it_to_another_from_where_it_stopped(
    small: Mock, truth: dict[str, set[str]], redis_url: str, stops: str
) -> None:
    p = _prefix()
    lease_ms = 300
    first: list[tuple[str, str]] = []
    rest: list[tuple[str, str]] = []
    sync_redis = redis.Redis.from_url(redis_url)

    def sync_walk(into: list[tuple[str, str]], stop_after: int) -> None:
        with ZoomPhone(**small.client_kwargs(), fleet=_fleet(sync_redis, p, lease_ms)) as zp:
            with zp.shards("accountCallHistory", {"page_size": 300}, job="again", worker="wsync", **RANGE) as shards:
                for record in shards:
                    into.append(_record(shards.shard, record))
                    if len(into) == stop_after:
                        break

    async def async_walk(into: list[tuple[str, str]], stop_after: int) -> None:
        # Its own Redis client: each asyncio.run is a loop of its own.
        async_redis = redis.asyncio.Redis.from_url(redis_url)
        async with AsyncZoomPhone(**small.client_kwargs(), fleet=_fleet(async_redis, p, lease_ms)) as zp:
            async with zp.shards(
                "accountCallHistory", {"page_size": 300}, job="again", worker="wasync", **RANGE
            ) as shards:
                async for record in shards:
                    into.append(_record(shards.shard, record))
                    if len(into) == stop_after:
                        break
        await async_redis.aclose()

    # Stopped in the middle of its first shard's second page.
    if stops == "sync":
        sync_walk(first, 450)
    else:
        asyncio.run(async_walk(first, 450))
    assert len(first) == 450 and list(_per_shard(first)) == [SHARDS[0]]
    time.sleep(lease_ms / 1000 + 0.2)  # the stopped worker's lease runs out
    small.clear_log()
    if stops == "sync":
        asyncio.run(async_walk(rest, -1))
    else:
        sync_walk(rest, -1)
    sync_redis.close()

    everything = first + rest
    assert _per_shard(everything) == truth, "no gap"
    assert len(everything) == RECORDS, "no repeat"
    assert rest[0][0] == "2026-01-01..2026-01-31", "the stopped shard is taken over first"
    calls = small.requests("/v2/phone/call_history")
    first_shard = [parse_qs(r["query"] or "") for r in calls if "from=2026-01-01" in (r["query"] or "")]
    # It went on with the second page (a page token), not from the start.
    assert len(first_shard) == _pages(len(truth[SHARDS[0]])) - 1 and all("next_page_token" in q for q in first_shard), first_shard


def test_a_lost_lease_is_logged_and_the_shard_left_to_its_new_holder(
    small: Mock, truth: dict[str, set[str]], redis_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    p = _prefix()
    sync_redis = redis.Redis.from_url(redis_url)
    try:
        with ZoomPhone(**small.client_kwargs(), fleet=_fleet(sync_redis, p, 200)) as slow, ZoomPhone(
            **small.client_kwargs(), fleet=_fleet(sync_redis, p, 200)
        ) as other:
            # January in one shard.
            whole: dict[str, Any] = {"from_": "2026-01-01", "to": "2026-01-31", "span": {"days": 100}}
            one = slow.shards("accountCallHistory", {"page_size": 300}, job="lost", worker="slow", **whole)
            assert one.shards == [SHARDS[0]]
            took = [next(one)]
            time.sleep(0.4)  # its lease runs out while it holds the first page
            taken = [r["call_history_uuid"] for r in other.shards(
                "accountCallHistory", {"page_size": 300}, job="lost", worker="other", **whole
            )]
            with caplog.at_level(logging.WARNING, logger="zoom_phone"):
                took += list(one)
    finally:
        sync_redis.close()
    assert len(taken) == len(truth[SHARDS[0]]) and set(taken) == truth[SHARDS[0]], "the new holder walked the shard whole"
    # The slow worker finished its page, then learned the shard was no longer its own.
    assert len(took) == 300
    lost = [r for r in caplog.records if getattr(r, "zoom_phone_event", None) == "fleet.lease_lost"]
    assert len(lost) == 1 and SHARDS[0] in lost[0].getMessage()


def test_shards_needs_a_fleet_and_refuses_bad_ranges_by_name(redis_url: str) -> None:
    base: dict[str, Any] = {"account_id": "a", "client_id": "c", "client_secret": "s", "base_url": "http://127.0.0.1:9/v2"}
    with ZoomPhone(**base) as lone:
        with pytest.raises(TypeError, match="shards\\(\\) needs a fleet"):
            lone.shards("accountCallHistory", job="j", from_="2026-01-01", to="2026-01-31")
    client = redis.Redis.from_url(redis_url)
    with ZoomPhone(**base, fleet={"redis": client}) as zp:
        walk = zp.shards("accountCallHistory", job="j", from_=datetime.date(2026, 1, 1), to="2026-02-10", span={"days": 20})
        assert walk.shards == ["2026-01-01..2026-01-20", "2026-01-21..2026-02-09", "2026-02-10..2026-02-10"]
        assert walk.shard is None
        with pytest.raises(BuildError, match="from_"):
            zp.shards("accountCallHistory", job="j", from_="2026-13-01", to="2026-01-31")
        with pytest.raises(BuildError, match="range"):
            zp.shards("accountCallHistory", job="j", from_="2026-02-01", to="2026-01-31")
        for span in ({"weeks": 1}, {"months": 0}, {"days": True}, {"months": 1, "days": 1}):
            with pytest.raises(BuildError, match="span"):
                zp.shards("accountCallHistory", job="j", from_="2026-01-01", to="2026-01-31", span=span)
        with pytest.raises(BuildError, match="worker"):
            zp.shards("accountCallHistory", job="j", worker="a:b", from_="2026-01-01", to="2026-01-31")
        with pytest.raises(BuildError, match="job"):
            zp.shards("accountCallHistory", job="", from_="2026-01-01", to="2026-01-31")
        with pytest.raises(BuildError, match="noSuchOperation"):
            zp.shards("noSuchOperation", job="j", from_="2026-01-01", to="2026-01-31")
    client.close()


def test_a_redis_failure_names_the_script_and_never_its_arguments() -> None:
    base: dict[str, Any] = {"account_id": "a", "client_id": "c", "client_secret": "s", "base_url": "http://127.0.0.1:9/v2"}
    gone = redis.Redis(port=9, socket_connect_timeout=0.2)
    job = "secret-job-name-0123456789"
    with ZoomPhone(**base, fleet={"redis": gone, "prefix": "pfx"}) as zp:
        with pytest.raises(TransportError, match="the fleet's Redis failed running plan_shards") as info:
            next(zp.shards("accountCallHistory", job=job, from_="2026-01-01", to="2026-01-31"))
    assert "2026-01-01..2026-01-31" not in str(info.value) and job not in str(info.value)
