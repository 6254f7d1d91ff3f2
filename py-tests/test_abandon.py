"""A call given up while its token renewal is out (issue 13 item 8): an
asyncio task cancelled during a slow refresh still applies and saves the
rotated refresh token, so the next renewal works; a sync call interrupted
mid-renewal abandons it, so the next call renews at once and the store's
lock is free. Against the mock, whose refresh tokens rotate (a used one is
dead)."""

from __future__ import annotations

import asyncio
import json
import time
from typing import Any, Optional

import pytest

from zoom_phone import AsyncZoomPhone, MemoryTokenStore, ZoomPhone, exceptions

from conftest import Mock
from test_oauth import _code_flow_tokens
from test_shared_store import _check_refreshes, _check_stored_is_live

SLOW_MS = 600


def _user(mock: Mock, tokens: bytes, store: Any) -> dict[str, Any]:
    return {
        "client_id": "mock-client-id",
        "client_secret": "mock-client-secret",
        "tokens": tokens,
        "token_store": store,
        "base_url": mock.api,
        "oauth_base": mock.url,
    }


def _refresh_token(blob: Optional[bytes]) -> str:
    assert blob is not None
    token: str = json.loads(blob)["refresh_token"]
    return token


@pytest.mark.parametrize("how", ["cancelled", "deadline"])
def test_a_call_given_up_during_its_refresh_keeps_the_rotated_token(mock: Mock, how: str) -> None:
    tokens = _code_flow_tokens(mock)
    store = MemoryTokenStore(tokens)

    async def main() -> None:
        async with AsyncZoomPhone(**_user(mock, tokens, store)) as zp:
            await zp.sites.list_phone_sites()
            mock.post("/tokens/expire")
            mock.fault(kind="latency", ms=SLOW_MS, path="/oauth/token")
            if how == "cancelled":
                task = asyncio.ensure_future(zp.sites.list_phone_sites())
                await asyncio.sleep(SLOW_MS / 3000)  # the refresh is on the wire now
                task.cancel()
                with pytest.raises(asyncio.CancelledError):
                    await task
            else:
                # The deadline ends the call (with its last attempt's error,
                # the 401 that started the renewal) while the refresh is out.
                with pytest.raises(exceptions.AuthenticationError):
                    await zp.call("listPhoneSites", call_timeout=SLOW_MS / 3000)
            # The caller is gone at once; the refresh finishes in the background.
            assert _refresh_token(store.load()) == _refresh_token(tokens)
            await asyncio.sleep(SLOW_MS / 1000 + 0.3)
            assert _refresh_token(store.load()) != _refresh_token(tokens)
            # The session took the renewed token too, and the next renewal
            # sends the rotated refresh token, which Zoom takes.
            assert "sites" in await zp.sites.list_phone_sites()
            mock.post("/tokens/expire")
            assert "sites" in await zp.sites.list_phone_sites()

    asyncio.run(main())
    assert _check_refreshes(mock) == 2
    _check_stored_is_live(mock, store)


def test_an_interrupted_sync_renewal_is_abandoned_and_the_next_call_renews_at_once(mock: Mock) -> None:
    minted: list[str] = []

    def source() -> str:
        if not minted:
            minted.append("interrupted")
            raise KeyboardInterrupt
        minted.append(mock.post("/tokens", {})["access_token"])
        return minted[-1]

    with ZoomPhone(token_source=source, base_url=mock.api) as zp:
        with pytest.raises(KeyboardInterrupt):
            zp.sites.list_phone_sites()
        started = time.monotonic()
        assert "sites" in zp.sites.list_phone_sites()
        # Not held up by a renewal that nobody will finish (renewal_timeout is 30 s).
        assert time.monotonic() - started < 5
        assert zp._session.active_calls() == 0


def test_an_interrupt_while_the_store_is_locked_releases_the_lock(mock: Mock) -> None:
    tokens = _code_flow_tokens(mock)

    class InterruptedStore(MemoryTokenStore):
        interrupt = False

        def load(self) -> Optional[bytes]:
            if self.interrupt:
                self.interrupt = False
                raise KeyboardInterrupt
            return super().load()

    store = InterruptedStore(tokens)
    with ZoomPhone(**_user(mock, tokens, store)) as zp:
        zp.sites.list_phone_sites()
        mock.post("/tokens/expire")
        store.interrupt = True  # the renewal's re-read, under the store's lock
        with pytest.raises(KeyboardInterrupt):
            zp.sites.list_phone_sites()
        lock = store.try_lock()
        assert lock is not None, "the store's lock was left held"
        lock.release()
        assert "sites" in zp.sites.list_phone_sites()
