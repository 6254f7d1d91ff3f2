"""Clients sharing one token store while the mock rotates refresh tokens
(threads, asyncio, two OS processes), and response bodies over the limit."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
import textwrap
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, Union
from urllib.parse import parse_qs

import pytest

from zoom_phone import AsyncZoomPhone, FileTokenStore, MemoryTokenStore, ZoomPhone, exceptions, oauth

from conftest import Mock
from test_oauth import _code_flow_tokens

ROUNDS = 5
CALLS_PER_CLIENT = 3

Store = Union[FileTokenStore, MemoryTokenStore]


def _user_kwargs(mock: Mock, tokens: bytes, store: Store) -> dict[str, Any]:
    return {
        "client_id": "mock-client-id",
        "client_secret": "mock-client-secret",
        "tokens": tokens,
        "token_store": store,
        "base_url": mock.api,
        "oauth_base": mock.url,
    }


def _check_refreshes(mock: Mock) -> int:
    """Every refresh in the mock's log was answered 200 and no refresh token
    (fingerprinted in the log) was sent twice; returns how many there were."""
    refreshes = [r for r in mock.token_requests() if "grant_type=refresh_token" in (r["body"] or "")]
    sent = [parse_qs(r["body"])["refresh_token"][0] for r in refreshes]
    assert [r["status"] for r in refreshes] == [200] * len(refreshes)
    assert len(set(sent)) == len(sent), "a refresh token was sent twice"
    return len(refreshes)


def _check_stored_is_live(mock: Mock, store: Store) -> None:
    """The store holds the refresh token the mock issued last: the mock
    accepts it (rotation leaves exactly one live refresh token)."""
    stored = store.load()
    assert stored is not None
    oauth.refresh("mock-client-id", stored, client_secret="mock-client-secret", oauth_base=mock.url)


@pytest.mark.parametrize("kind", ["file", "memory"])
def test_two_thread_clients_share_one_store(mock: Mock, tmp_path: Path, kind: str) -> None:
    tokens = _code_flow_tokens(mock)
    store: Store = FileTokenStore(tmp_path / "tokens.json") if kind == "file" else MemoryTokenStore()
    store.save(tokens)
    with ZoomPhone(**_user_kwargs(mock, tokens, store)) as a, ZoomPhone(**_user_kwargs(mock, tokens, store)) as b:
        with ThreadPoolExecutor(max_workers=2 * CALLS_PER_CLIENT) as pool:
            for _ in range(ROUNDS):
                mock.post("/tokens/expire")
                calls = [pool.submit(zp.call, "listPhoneUsers") for zp in (a, b) for _ in range(CALLS_PER_CLIENT)]
                for call in calls:
                    call.result()
    # One refresh per expiry: the other client adopts the stored tokens.
    assert _check_refreshes(mock) == ROUNDS
    _check_stored_is_live(mock, store)


def test_two_async_clients_share_one_file(mock: Mock, tmp_path: Path) -> None:
    tokens = _code_flow_tokens(mock)
    store = FileTokenStore(tmp_path / "tokens.json")
    store.save(tokens)

    async def main() -> None:
        async with AsyncZoomPhone(**_user_kwargs(mock, tokens, store)) as a, AsyncZoomPhone(
            **_user_kwargs(mock, tokens, store)
        ) as b:
            for _ in range(ROUNDS):
                mock.post("/tokens/expire")
                await asyncio.gather(*(zp.call("listPhoneUsers") for zp in (a, b) for _ in range(CALLS_PER_CLIENT)))

    asyncio.run(main())
    assert _check_refreshes(mock) == ROUNDS
    _check_stored_is_live(mock, store)


_CHILD = textwrap.dedent(
    """
    import sys
    from zoom_phone import FileTokenStore, ZoomPhone
    path, url = sys.argv[1], sys.argv[2]
    store = FileTokenStore(path)
    with ZoomPhone(client_id="mock-client-id", client_secret="mock-client-secret", tokens=store.load(),
                   token_store=store, base_url=url + "/v2", oauth_base=url) as zp:
        zp.call("listPhoneUsers")
    print("ok")
    """
)


def test_two_processes_share_one_file(mock: Mock, tmp_path: Path) -> None:
    tokens = _code_flow_tokens(mock)
    store = FileTokenStore(tmp_path / "tokens.json")
    store.save(tokens)
    for _ in range(ROUNDS):
        # Every token dies; then two processes start on the same file.
        mock.post("/tokens/expire")
        children = [
            subprocess.Popen(
                [sys.executable, "-c", _CHILD, str(store.path), mock.url],
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
            for _ in range(2)
        ]
        for child in children:
            out, err = child.communicate(timeout=120)
            assert child.returncode == 0, err
            assert out.strip() == "ok"
    # One refresh per expiry: the process that comes second adopts it.
    assert _check_refreshes(mock) == ROUNDS
    _check_stored_is_live(mock, store)


def test_a_refused_refresh_token_asks_for_reauthorization_and_is_not_resent(mock: Mock, tmp_path: Path) -> None:
    tokens = _code_flow_tokens(mock)
    store = FileTokenStore(tmp_path / "tokens.json")
    store.save(tokens)
    # Someone else rotates the token away without saving it.
    oauth.refresh("mock-client-id", tokens, client_secret="mock-client-secret", oauth_base=mock.url)
    mock.clear_log()
    with ZoomPhone(**_user_kwargs(mock, tokens, store)) as zp:
        mock.post("/tokens/expire")
        for _ in range(3):
            with pytest.raises(exceptions.OAuthError) as failed:
                zp.call("listPhoneUsers")
            assert failed.value.code == "reauthorization_required"
            assert json.loads(tokens)["refresh_token"] not in str(failed.value)
    refreshes = [r for r in mock.token_requests() if "grant_type=refresh_token" in (r["body"] or "")]
    assert len(refreshes) == 1, "the dead refresh token was sent once only"


@pytest.mark.parametrize("host", ["sync", "async"])
def test_a_store_lock_held_elsewhere_is_waited_for_within_the_deadline(mock: Mock, tmp_path: Path, host: str) -> None:
    """Another process holds the file's lock (a second open of it, as
    another process would): the renewal tries again until the call's
    deadline, then the call times out; once the lock is free, the next call
    takes it and renews."""
    tokens = _code_flow_tokens(mock)
    store = FileTokenStore(tmp_path / "tokens.json")
    store.save(tokens)
    other = FileTokenStore(tmp_path / "tokens.json").try_lock()
    assert other is not None

    def expire_then_call(call: Any) -> None:
        mock.post("/tokens/expire")
        started = time.monotonic()
        with pytest.raises(exceptions.TimeoutError):
            call(0.3)
        assert time.monotonic() - started < 3, "the deadline was not kept while the lock was held"
        assert store.load() == tokens, "nothing was refreshed without the lock"
        threading.Timer(0.2, other.release).start()
        assert "users" in call(None)

    if host == "sync":
        with ZoomPhone(**_user_kwargs(mock, tokens, store)) as zp:
            expire_then_call(lambda t: zp.call("listPhoneUsers", call_timeout=t))
    else:

        async def main() -> None:
            async with AsyncZoomPhone(**_user_kwargs(mock, tokens, store)) as zp:
                loop = asyncio.get_running_loop()

                def call(t: Any) -> Any:
                    # The async client runs on this loop; the assertions above
                    # block, so each call is run to its end from a worker thread.
                    return asyncio.run_coroutine_threadsafe(zp.call("listPhoneUsers", call_timeout=t), loop).result()

                await loop.run_in_executor(None, expire_then_call, call)

        asyncio.run(main())
    assert _check_refreshes(mock) == 1
    _check_stored_is_live(mock, store)


def _s2s(mock: Mock, **kwargs: Any) -> ZoomPhone:
    return ZoomPhone(**mock.client_kwargs(), max_attempts=1, **kwargs)


@pytest.mark.parametrize("fault", ["oversized", "oversized_length"])
def test_oversized_answers_raise_naming_the_limit(mock: Mock, fault: str) -> None:
    mock.fault(kind=fault, bytes=200_000, path="/v2/phone/users", count=1)
    with _s2s(mock, max_response_bytes=100_000) as zp:
        with pytest.raises(exceptions.ResponseTooLargeError) as failed:
            zp.call("listPhoneUsers")
        assert failed.value.code == "response_too_large"
        assert "100000 bytes" in str(failed.value)
        # Not retried, and the next call is answered normally.
        assert len(mock.requests("/v2/phone/users")) == 1
        zp.call("listPhoneUsers")


def test_oversized_answers_raise_in_asyncio_too(mock: Mock) -> None:
    mock.fault(kind="oversized", bytes=80_000, path="/v2/phone/users", count=1)

    async def main() -> None:
        async with AsyncZoomPhone(**mock.client_kwargs(), max_response_bytes=40_000) as zp:
            with pytest.raises(exceptions.ResponseTooLargeError):
                await zp.call("listPhoneUsers")
            await zp.call("listPhoneUsers")

    asyncio.run(main())


def test_a_body_under_the_limit_is_read_whole(mock: Mock) -> None:
    mock.fault(kind="oversized", bytes=50_000, path="/v2/phone/users", count=1)
    with _s2s(mock, max_response_bytes=60_000) as zp:
        body = zp.call("listPhoneUsers")
    assert len(body["pad"]) == 50_000 - len('{"pad":""}')
