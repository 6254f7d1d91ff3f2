"""Paged walks, retries after 429 and 5xx, downloads, and the one-token-
request guarantee under concurrency."""

from __future__ import annotations

import asyncio
import hashlib
import threading

import pytest

from zoom_phone import AsyncZoomPhone, ZoomPhone, exceptions

from conftest import Mock

CALL_HISTORY = 20_000


def test_sync_walk_over_all_call_history(mock: Mock) -> None:
    with ZoomPhone(**mock.client_kwargs()) as zp:
        ids = [r["call_history_uuid"] for r in zp.call_logs.account_call_history.iter(page_size=300)]
    assert len(ids) == CALL_HISTORY
    assert len(set(ids)) == CALL_HISTORY
    assert len(mock.requests("/v2")) == CALL_HISTORY // 300 + 1


async def test_async_walk_over_all_call_history(mock: Mock) -> None:
    async with AsyncZoomPhone(**mock.client_kwargs()) as zp:
        ids = [r["call_history_uuid"] async for r in zp.call_logs.account_call_history.iter(page_size=300)]
    assert len(ids) == CALL_HISTORY
    assert len(set(ids)) == CALL_HISTORY


def test_iter_limit_stops_mid_page(mock: Mock) -> None:
    with ZoomPhone(**mock.client_kwargs()) as zp:
        items = list(zp.call_queues.list_call_queues.iter(page_size=10, limit=25))
    assert len(items) == 25
    assert len(mock.requests("/v2")) == 3


def test_429_is_waited_out(mock: Mock) -> None:
    mock.fault(kind="429", count=1, path="/v2/phone/sites", retry_after="1")
    with ZoomPhone(**mock.client_kwargs()) as zp:
        assert "sites" in zp.sites.list_phone_sites()
    assert [r["status"] for r in mock.requests("/v2")] == [429, 200]


def test_5xx_are_retried_for_reads(mock: Mock) -> None:
    mock.fault(kind="503", count=2, path="/v2/phone/sites")
    with ZoomPhone(**mock.client_kwargs()) as zp:
        assert "sites" in zp.sites.list_phone_sites()
    assert [r["status"] for r in mock.requests("/v2")] == [503, 503, 200]


def test_5xx_beyond_the_attempts_is_an_api_error(mock: Mock) -> None:
    mock.fault(kind="500", count=10, path="/v2/phone/sites")
    with ZoomPhone(**mock.client_kwargs(), max_attempts=2) as zp:
        with pytest.raises(exceptions.ApiError) as info:
            zp.sites.list_phone_sites()
    assert info.value.status == 500
    assert len(mock.requests("/v2")) == 2


def test_writes_are_not_retried_after_5xx(mock: Mock) -> None:
    mock.fault(kind="503", count=1, path="/v2/phone/call_queues")
    with ZoomPhone(**mock.client_kwargs()) as zp:
        queue = zp.call_queues.list_call_queues(page_size=1)
        assert queue is not None
    mock.clear_log()
    mock.fault(kind="503", count=1, path="/v2/phone/call_queues")
    with ZoomPhone(**mock.client_kwargs()) as zp:
        with pytest.raises(exceptions.ApiError):
            zp.call_queues.update_call_queue(call_queue_id=queue["call_queues"][0]["id"], body={"name": "x"})
    assert [r["method"] for r in mock.requests("/v2")] == ["PATCH"]


def test_reset_connection_is_retried(mock: Mock) -> None:
    mock.fault(kind="reset", count=1, path="/v2/phone/sites")
    with ZoomPhone(**mock.client_kwargs()) as zp:
        assert "sites" in zp.sites.list_phone_sites()


def _expected_download(file_id: str) -> bytes:
    # The mock's documented deterministic bytes (tools/mock-server api.rs).
    h = 0xCBF29CE484222325
    for b in file_id.encode():
        h ^= b
        h = (h * 0x100000001B3) % 2**64
    length = 4096 + h % 1024
    out = bytearray([0xFF, 0xFE, 0x00, 0x80])
    block = hashlib.sha256(file_id.encode()).digest()
    while len(out) < length:
        out += block
        block = hashlib.sha256(block).digest()
    return bytes(out[:length])


def test_recording_download_is_byte_exact(mock: Mock) -> None:
    with ZoomPhone(**mock.client_kwargs()) as zp:
        data = zp.recordings.phone_download_recording_file(file_id="rec-123")
    assert isinstance(data, bytes)
    assert data == _expected_download("rec-123")


async def test_async_download_by_url(mock: Mock) -> None:
    async with AsyncZoomPhone(**mock.client_kwargs()) as zp:
        data = await zp.download(f"{mock.api}/phone/recording/download/abc")
    assert data == _expected_download("abc")


async def test_100_concurrent_calls_with_an_expired_token_make_one_token_request(mock: Mock) -> None:
    async with AsyncZoomPhone(**mock.client_kwargs()) as zp:
        await zp.sites.list_phone_sites()
        mock.post("/tokens/expire")
        mock.clear_log()
        results = await asyncio.gather(*[zp.sites.list_phone_sites() for _ in range(100)])
    assert len(results) == 100
    assert len(mock.token_requests()) == 1


def test_threads_share_one_token_request(mock: Mock) -> None:
    errors: list[BaseException] = []
    with ZoomPhone(**mock.client_kwargs()) as zp:

        def work() -> None:
            try:
                zp.sites.list_phone_sites()
            except BaseException as e:  # reported below
                errors.append(e)

        threads = [threading.Thread(target=work) for _ in range(16)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    assert errors == []
    assert len(mock.token_requests()) == 1
    assert len(mock.requests("/v2")) == 16


async def test_client_side_rate_limits_pace_a_burst(mock: Mock) -> None:
    async with AsyncZoomPhone(**mock.client_kwargs(), rate_limits="pro") as zp:
        await zp.sites.list_phone_sites()  # the token, so the burst is not held up by it
        await asyncio.sleep(1.1)  # the warm-up call's slot leaves the window
        mock.clear_log()
        results = await asyncio.gather(*[zp.sites.list_phone_sites() for _ in range(15)])
    assert len(results) == 15
    arrivals = sorted(r["timestamp_ms"] for r in mock.requests("/v2"))
    assert len(arrivals) == 15
    # Pro allows 10 Medium calls a second: the 11th waits a window after the
    # 1st (less however late the 1st was sent).
    assert arrivals[10] - arrivals[0] >= 700


async def test_unpaced_burst_is_refused_then_retried(mock: Mock) -> None:
    mock.admin.put("/rate_limits", json="pro").raise_for_status()
    async with AsyncZoomPhone(**mock.client_kwargs()) as zp:
        # 25 at once: however the mock's one-second windows split them, one
        # window gets more than Pro's 10 Medium calls; the refused ones are
        # retried after Retry-After, within the default 4 attempts.
        results = await asyncio.gather(*[zp.sites.list_phone_sites() for _ in range(25)])
    assert len(results) == 25
    statuses = [r["status"] for r in mock.requests("/v2")]
    assert statuses.count(429) >= 3
    assert statuses.count(200) == 25


def test_429_beyond_the_attempts_is_a_rate_limit_error(mock: Mock) -> None:
    mock.fault(kind="429", count=5, path="/v2/phone/sites", retry_after="2")
    with ZoomPhone(**mock.client_kwargs(), max_attempts=1) as zp:
        with pytest.raises(exceptions.RateLimitError) as info:
            zp.sites.list_phone_sites()
    err = info.value
    assert err.status == 429 and err.retry_after == 2.0
    assert err.retry_at is not None and err.retry_at.tzinfo is not None
    assert isinstance(err, exceptions.ApiError)


def test_expired_page_token_is_page_token_expired_error(mock: Mock) -> None:
    mock.admin.patch("/config", json={"page_token_ttl_secs": 0}).raise_for_status()
    with ZoomPhone(**mock.client_kwargs()) as zp:
        walk = zp.call_logs.account_call_history.iter(page_size=300)
        first_page = [next(walk) for _ in range(300)]
        with pytest.raises(exceptions.PageTokenExpiredError):
            next(walk)
    assert len(first_page) == 300


async def test_cancelling_the_task_fetching_the_token_does_not_strand_the_others(mock: Mock) -> None:
    mock.fault(kind="latency", ms=400, path="/oauth/token", count=1)
    async with AsyncZoomPhone(**mock.client_kwargs()) as zp:
        fetcher = asyncio.ensure_future(zp.sites.list_phone_sites())
        await asyncio.sleep(0.1)  # the first call is now waiting on the slow token request
        others = [asyncio.ensure_future(zp.sites.list_phone_sites()) for _ in range(4)]
        await asyncio.sleep(0.05)
        fetcher.cancel()
        results = await asyncio.gather(*others)
        with pytest.raises(asyncio.CancelledError):
            await fetcher
    assert len(results) == 4
    assert all("sites" in r for r in results)
    assert zp._http.is_closed
