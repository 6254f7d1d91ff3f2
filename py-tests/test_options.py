"""Per-call options on every typed method (issue 16 item 3): extra headers,
the number of attempts, a deadline, retrying a write; a bad option is
refused by name before anything is sent; asyncio cancellation of a typed
call; and ``with_options()`` copies that share the client's session (one
token, one pool) while adding defaults to each of their calls."""

from __future__ import annotations

import asyncio
import time
from typing import Any

import pytest

from zoom_phone import AsyncZoomPhone, BuildError, ZoomPhone, exceptions

from conftest import Mock

def _logged(mock: Mock, path: str, n: int) -> None:
    """Until the mock has logged ``n`` requests to ``path``: one the client
    gave up on is logged when the mock answers it, which must happen before
    the next test resets the log."""
    for _ in range(200):
        if len(mock.requests(path)) >= n:
            return
        time.sleep(0.05)
    raise AssertionError(f"the mock never logged {n} requests to {path}")


def _posts(mock: Mock) -> int:
    return sum(1 for r in mock.requests("/v2") if r["method"] == "POST")


def test_extra_headers_reach_zoom_on_that_call_only(mock: Mock) -> None:
    with ZoomPhone(**mock.client_kwargs()) as zp:
        zp.call_queues.list_call_queues(page_size=1, extra_headers={"x-request-id": "req-42"})
        zp.call_queues.list_call_queues(page_size=1)
        list(zp.call_queues.list_call_queues.iter(page_size=100, extra_headers={"x-request-id": "walk"}))
    first, second, *walk = mock.requests("/v2")
    assert first["headers"].get("x-request-id") == "req-42"
    assert "x-request-id" not in second["headers"]
    assert walk and all(r["headers"].get("x-request-id") == "walk" for r in walk)


def test_max_attempts_bounds_one_call_and_call_timeout_ends_it(mock: Mock) -> None:
    with ZoomPhone(**mock.client_kwargs()) as zp:
        zp.sites.list_phone_sites()  # the token
        mock.clear_log()
        mock.fault(kind="503", count=10, path="/v2/phone/sites", retry_after="0")
        with pytest.raises(exceptions.ServerError):
            zp.sites.list_phone_sites(max_attempts=2)
        assert len(mock.requests("/v2")) == 2
        mock.post("/reset")
        mock.fault(kind="latency", ms=1000, count=1, path="/v2/phone/sites")
        with pytest.raises(exceptions.TimeoutError):
            zp.sites.list_phone_sites(call_timeout=0.15)
        _logged(mock, "/v2/phone/sites", 1)


def test_a_write_is_resent_after_a_503_only_when_the_call_allows_it(mock: Mock) -> None:
    with ZoomPhone(**mock.client_kwargs()) as zp:
        mock.fault(kind="503", count=1, path="/v2/phone/blocked_list", retry_after="0")
        with pytest.raises(exceptions.ServerError):
            zp.blocked_list.add_anumber_to_blocked_list(body={"phone_number": "+15550177", "match_type": "phoneNumber"})
        assert _posts(mock) == 1
        mock.fault(kind="503", count=1, path="/v2/phone/blocked_list", retry_after="0")
        created = zp.blocked_list.add_anumber_to_blocked_list(
            body={"phone_number": "+15550177", "match_type": "phoneNumber"}, retry_non_idempotent=True
        )
        assert isinstance(created["id"], str)
        assert _posts(mock) == 3


def test_a_bad_option_is_refused_by_name_and_nothing_is_sent(mock: Mock) -> None:
    with ZoomPhone(**mock.client_kwargs()) as zp:
        bad: dict[str, Any] = {"timeout": 5}
        with pytest.raises(BuildError, match="has no parameter `timeout`"):
            zp.sites.list_phone_sites(**bad)
        with pytest.raises(BuildError, match="max_attempts"):
            zp.sites.list_phone_sites(max_attempts=0)
        with pytest.raises(BuildError, match="max_attempts"):
            zp.with_options(max_attempts=0).sites.list_phone_sites()
    assert mock.requests("/v2") == []
    assert mock.token_requests() == []


def test_with_options_copies_share_the_session_and_add_their_defaults(mock: Mock) -> None:
    with ZoomPhone(**mock.client_kwargs()) as zp:
        team = zp.with_options(extra_headers={"x-team": "billing", "x-trace": "default"}, max_attempts=1)
        traced = team.with_options(extra_headers={"x-trace": "t-1"})
        assert isinstance(team, ZoomPhone)
        team.sites.list_phone_sites()
        traced.sites.list_phone_sites()
        zp.sites.list_phone_sites()
        assert len(mock.token_requests()) == 1, "one token for the client and its copies"
        seen = [(r["headers"].get("x-team"), r["headers"].get("x-trace")) for r in mock.requests("/v2")]
        assert seen == [("billing", "default"), ("billing", "t-1"), (None, None)]
        # A call's own options win over the copy's; headers merge.
        mock.clear_log()
        team.sites.list_phone_sites(extra_headers={"x-trace": "mine"})
        assert [(r["headers"].get("x-team"), r["headers"].get("x-trace")) for r in mock.requests("/v2")] == [
            ("billing", "mine")
        ]
        # The copy's max_attempts=1 holds for its calls, not for the client's.
        mock.clear_log()
        mock.fault(kind="503", count=1, path="/v2/phone/sites", retry_after="0")
        with pytest.raises(exceptions.ServerError):
            team.sites.list_phone_sites()
        mock.fault(kind="503", count=1, path="/v2/phone/sites", retry_after="0")
        zp.sites.list_phone_sites()
        assert len(mock.requests("/v2")) == 3
        # One core session: the copy's calls are counted by the client's.
        before = zp._session.entries
        team.call("listPhoneSites")
        assert zp._session.entries - before == 2
        # Closing a copy closes nothing; closing the client ends the copies too.
        team.close()
        assert "sites" in zp.sites.list_phone_sites()
    with pytest.raises(BuildError, match="closed"):
        team.sites.list_phone_sites()


async def test_asyncio_typed_calls_take_the_options_and_copies(mock: Mock) -> None:
    async with AsyncZoomPhone(**mock.client_kwargs()) as zp:
        copy = zp.with_options(extra_headers={"x-team": "async"})
        await copy.sites.list_phone_sites(extra_headers={"x-one": "1"})
        assert isinstance(copy, AsyncZoomPhone)
        items = [q async for q in copy.call_queues.list_call_queues.iter(page_size=100, max_attempts=1)]
        assert items
        headers = [r["headers"] for r in mock.requests("/v2")]
        assert headers[0].get("x-team") == "async" and headers[0].get("x-one") == "1"
        assert all(h.get("x-team") == "async" for h in headers) and "x-one" not in headers[1]
        assert len(mock.token_requests()) == 1
        mock.fault(kind="503", count=10, path="/v2/phone/sites", retry_after="0")
        mock.clear_log()
        with pytest.raises(exceptions.ServerError):
            await zp.sites.list_phone_sites(max_attempts=2)
        assert len(mock.requests("/v2")) == 2


async def test_a_cancelled_asyncio_call_ends_at_once_and_the_client_goes_on(mock: Mock) -> None:
    async with AsyncZoomPhone(**mock.client_kwargs()) as zp:
        await zp.sites.list_phone_sites()
        mock.fault(kind="latency", ms=1000, count=1, path="/v2/phone/sites")
        task = asyncio.ensure_future(zp.sites.list_phone_sites())
        await asyncio.sleep(0.1)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        assert zp._session.active_calls() == 0
        assert "sites" in await zp.sites.list_phone_sites(call_timeout=30)
    await asyncio.get_running_loop().run_in_executor(None, _logged, mock, "/v2/phone/sites", 3)
