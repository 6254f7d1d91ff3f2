"""Bad input is the package's own error, never a builtin one (issue 14, items
8 and 9): nothing here reaches the network, so each verdict is the exception
raised before anything is sent."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from zoom_phone import AsyncZoomPhone, ZoomPhone, exceptions, verify_webhook


def _closed_port() -> str:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{s.getsockname()[1]}/v2"


BASE = _closed_port()


def _client(**kwargs: Any) -> ZoomPhone:
    return ZoomPhone(access_token="t", base_url=BASE, max_attempts=1, **kwargs)


def test_iter_exists_only_on_paginated_operations() -> None:
    with _client() as zp:
        assert callable(zp.users.list_phone_users.iter)
        with pytest.raises(AttributeError, match=r"`phone_user` \(phoneUser\) does not page"):
            zp.users.phone_user.iter  # type: ignore[attr-defined]  # noqa: B018
        assert not hasattr(zp.users.phone_user, "iter")


def test_async_iter_exists_only_on_paginated_operations() -> None:
    zp = AsyncZoomPhone(access_token="t", base_url=BASE)
    assert callable(zp.users.list_phone_users.iter)
    with pytest.raises(AttributeError, match="does not page"):
        zp.users.phone_user.iter  # type: ignore[attr-defined]  # noqa: B018


def test_unknown_keyword_suggests_the_documented_keyword() -> None:
    with _client() as zp:
        with pytest.raises(exceptions.BuildError) as info:
            zp.users.phone_user(userid="u")  # type: ignore[call-arg]
        # The spec's own name still works.
        with pytest.raises(exceptions.TransportError):
            zp.users.phone_user(userId="u")  # type: ignore[call-arg]
    assert info.value.code == "unknown_parameter"
    assert "did you mean `user_id`?" in str(info.value)
    assert "userId" not in str(info.value)


def test_call_options_are_the_public_ones() -> None:
    with _client() as zp:
        with pytest.raises(TypeError) as info:
            zp.call("listPhoneSites", {}, timeout=5)  # type: ignore[call-arg]
    assert "call()" in str(info.value) and "timeout" in str(info.value)
    assert "Session" not in str(info.value) and "start" not in str(info.value)


def test_a_call_after_close_is_a_package_error() -> None:
    zp = _client()
    zp.close()
    with pytest.raises(exceptions.ZoomPhoneError, match="closed"):
        zp.sites.list_phone_sites()
    with pytest.raises(exceptions.ZoomPhoneError, match="closed"):
        list(zp.users.list_phone_users.iter())


def test_an_async_call_after_aclose_is_a_package_error() -> None:
    async def go() -> None:
        zp = AsyncZoomPhone(access_token="t", base_url=BASE)
        await zp.aclose()
        with pytest.raises(exceptions.ZoomPhoneError, match="closed"):
            await zp.sites.list_phone_sites()

    asyncio.run(go())


# Values the binding converts: each must be a BuildError naming the
# parameter, not ValueError / TypeError / UnicodeEncodeError / OverflowError.
BAD_CALLS: dict[str, Callable[[ZoomPhone], Any]] = {
    "page_size=2**64": lambda zp: zp.users.list_phone_users(page_size=2**64),
    "user_id=b'x'": lambda zp: zp.users.phone_user(user_id=b"x"),  # type: ignore[arg-type]
    "lone surrogate": lambda zp: zp.users.phone_user(user_id="\udcff"),
    "calling_type=2**63": lambda zp: zp.users.list_phone_users(calling_type=2**63),
    "iter(limit=-1)": lambda zp: list(zp.users.list_phone_users.iter(limit=-1)),
    "call_timeout=1e300 per call": lambda zp: zp.call("listPhoneSites", call_timeout=1e300),
}

BAD_CONFIG: dict[str, dict[str, Any]] = {
    "max_attempts=-1": {"max_attempts": -1},
    "call_timeout=1e300": {"call_timeout": 1e300},
    "call_timeout=-1": {"call_timeout": -1},
    "max_response_bytes=-1": {"max_response_bytes": -1},
    "rate_limits='gold'": {"rate_limits": "gold"},
    "timeout='5'": {"timeout": "5"},
    "connect_timeout=inf": {"connect_timeout": float("inf")},
    "max_download_bytes=2**64": {"max_download_bytes": 2**64},
    "tokens not UTF-8": {"tokens": b"\xff"},
    "http_client of the other kind": {"http_client": httpx.AsyncClient()},
    "token_source not callable": {"token_source": "tok"},
    "token_store without save": {"token_store": object()},
    "log='verbose'": {"log": "verbose"},
}



@pytest.mark.parametrize("case", sorted(BAD_CALLS))
def test_bad_call_input_is_a_build_error(case: str) -> None:
    with _client() as zp:
        with pytest.raises(exceptions.BuildError) as info:
            BAD_CALLS[case](zp)
    assert "expected integer, found integer" not in str(info.value)


@pytest.mark.parametrize("case", sorted(BAD_CONFIG))
def test_bad_configuration_is_a_build_error(case: str) -> None:
    with pytest.raises(exceptions.BuildError) as info:
        ZoomPhone(access_token="t", base_url=BASE, **BAD_CONFIG[case])
    assert info.value.code == "invalid_config"


@pytest.mark.parametrize("window", [-1, 2**64, 86_401, 1.5, True, "300"])
def test_bad_webhook_window_is_a_build_error(window: Any) -> None:
    with pytest.raises(exceptions.BuildError) as info:
        verify_webhook({}, b"{}", ["secret"], window_secs=window)
    assert info.value.code == "invalid_parameter"
    assert "window_secs" in str(info.value)
