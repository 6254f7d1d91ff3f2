"""Errors keep Zoom's evidence and the host's cause (issue 14 items 3, 5, 6,
7), and a call with a valid token costs two crossings into the core (issue
13): both against the mock, sync and async."""

from __future__ import annotations

import asyncio
import socket
from datetime import datetime, timezone
from typing import Any

import httpx
import pytest

from zoom_phone import AsyncZoomPhone, ZoomPhone, exceptions

from conftest import Mock


def test_a_call_with_a_valid_token_is_two_crossings(mock: Mock) -> None:
    with ZoomPhone(**mock.client_kwargs()) as zp:
        zp.sites.list_phone_sites()  # the token request happens here
        before = zp._session.entries
        zp.sites.list_phone_sites()
        assert zp._session.entries - before == 2
        pages_before = zp._session.entries
        users = list(zp.users.list_phone_users.iter(page_size=100, limit=200))
        assert len(users) == 200
        assert zp._session.entries - pages_before == 2 * 2


def test_an_async_call_with_a_valid_token_is_two_crossings(mock: Mock) -> None:
    async def go() -> None:
        async with AsyncZoomPhone(**mock.client_kwargs()) as zp:
            await zp.sites.list_phone_sites()
            before = zp._session.entries
            await zp.sites.list_phone_sites()
            assert zp._session.entries - before == 2

    asyncio.run(go())


def test_a_refused_fixed_token_is_zooms_authentication_error(mock: Mock) -> None:
    with ZoomPhone(access_token="bogus", base_url=mock.api) as zp:
        with pytest.raises(exceptions.AuthenticationError) as info:
            zp.sites.list_phone_sites()
    e = info.value
    assert (e.status, e.zoom_code, e.code) == (401, 124, "invalid_access_token")
    assert e.zoom_message and "access token" in e.zoom_message.lower()
    assert e.tracking_id


def test_a_token_source_token_zoom_refuses_keeps_the_evidence(mock: Mock) -> None:
    with ZoomPhone(token_source=lambda: "bogus", base_url=mock.api) as zp:
        with pytest.raises(exceptions.AuthenticationError) as info:
            zp.sites.list_phone_sites()
    e = info.value
    assert (e.status, e.zoom_code) == (401, 124)
    assert e.tracking_id


def test_rate_limit_evidence_is_the_documented_shape(mock: Mock) -> None:
    mock.admin.put("/rate_limits", json="pro").raise_for_status()
    mock.fault(kind="429", count=5, path="/v2/phone/sites", retry_after="3")
    with ZoomPhone(**mock.client_kwargs(), max_attempts=1) as zp:
        with pytest.raises(exceptions.RateLimitError) as info:
            zp.sites.list_phone_sites()
    e = info.value
    assert e.status == 429 and e.retry_after == 3.0
    assert isinstance(e.retry_at, datetime) and e.retry_at.tzinfo is timezone.utc
    assert e.rate_limit is not None and set(e.rate_limit) <= {"category", "type", "limit", "remaining"}
    assert e.tracking_id


def test_the_daily_limit_has_status_code_tracking_id_and_a_reset_time(mock: Mock) -> None:
    limits = {"enabled": True, "light": 1000, "medium": 1000, "heavy": 1000, "resource_intensive_per_minute": 1000}
    mock.admin.put("/rate_limits", json={**limits, "daily": 1}).raise_for_status()
    with ZoomPhone(**mock.client_kwargs()) as zp:
        zp.call_logs.account_call_history(page_size=1)
        with pytest.raises(exceptions.DailyLimitExceededError) as info:
            zp.call_logs.account_call_history(page_size=1)
    e = info.value
    assert isinstance(e, exceptions.RateLimitError)
    assert e.status == 429 and e.zoom_code is not None and e.tracking_id
    assert e.retry_at is not None and e.retry_at > datetime.now(timezone.utc)
    assert e.rate_limit is not None and e.rate_limit.get("type") == "daily"
    assert "ms since epoch" not in str(e)


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def test_a_transport_failure_names_the_target_and_keeps_httpx_error_as_cause() -> None:
    port = _closed_port()
    with ZoomPhone(access_token="tok-abc", base_url=f"http://127.0.0.1:{port}/v2", max_attempts=1) as zp:
        with pytest.raises(exceptions.TransportError) as info:
            zp.sites.list_phone_sites()
    e = info.value
    assert f"127.0.0.1:{port}" in str(e) and "ConnectError" in str(e)
    assert e.transport == {"kind": "connect", "target": f"http://127.0.0.1:{port}"}
    assert isinstance(e.__cause__, httpx.ConnectError)
    assert "tok-abc" not in str(e)


def test_an_async_transport_failure_keeps_its_cause() -> None:
    port = _closed_port()

    async def go() -> BaseException:
        async with AsyncZoomPhone(access_token="t", base_url=f"http://127.0.0.1:{port}/v2", max_attempts=1) as zp:
            with pytest.raises(exceptions.TransportError) as info:
                await zp.sites.list_phone_sites()
        return info.value

    e = asyncio.run(go())
    assert isinstance(e.__cause__, httpx.ConnectError)


class VaultError(Exception):
    pass


def test_a_failing_token_source_is_the_cause(mock: Mock) -> None:
    def source() -> Any:
        raise VaultError("sealed: secret-in-message")

    with ZoomPhone(token_source=source, base_url=mock.api) as zp:
        with pytest.raises(exceptions.AuthenticationError) as info:
            zp.sites.list_phone_sites()
    e = info.value
    assert isinstance(e.__cause__, VaultError)
    assert "VaultError" in str(e)
    # What the source was handling stays out of the message; it is in the cause.
    assert "secret-in-message" not in str(e)


def test_a_failing_store_is_a_token_store_error_with_its_cause(mock: Mock) -> None:
    class BrokenStore:
        def load(self) -> bytes:
            raise OSError("disk on fire")

        def save(self, tokens: bytes) -> None:
            pass

    with ZoomPhone(**mock.client_kwargs(), token_store=BrokenStore()) as zp:
        with pytest.raises(exceptions.TokenStoreError) as info:
            zp.sites.list_phone_sites()
    assert isinstance(info.value.__cause__, OSError)
    assert "disk on fire" in str(info.value)
