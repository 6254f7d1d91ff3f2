"""Hostile input on the wire: path parameters that try to leave their
segment, and CR/LF in every value that reaches a header (a fixed access
token, a token source's token, stored tokens, the user agent). Verdicts come
from the mock's request log: the raw path each request hit and the operation
the mock matched."""

from __future__ import annotations

import asyncio
import json
from typing import Any
from urllib.parse import unquote_to_bytes

import pytest

from zoom_phone import AsyncZoomPhone, ZoomPhone, exceptions

from conftest import Mock

# The same values as core/tests/it/hostile.rs and js-examples/hostile.test.mjs.
HOSTILE = [
    "a/b", "../users", "../../oauth/token", "..", ".", "%2E%2E", "%2e", "a?b=c", "a#frag", "%2F", "a%2Fb",
    "é🙂", "a\r\nX-Injected: 1", "\x00", "\t", "a b", "\\..\\", ";x=y", "%00", "\u202e",
]
INJECTIONS = ["tok\r\nX-Injected: 1", "tok\nX-Injected: 1", "tok\r"]


def _check(mock: Mock, value: str, error: BaseException | None) -> int:
    api = mock.requests("/v2")
    if isinstance(error, exceptions.BuildError):
        assert api == [], f"{value!r} refused, so nothing sent"
        return 0
    assert isinstance(error, exceptions.NotFoundError), f"{value!r}: {error!r}"
    assert len(api) == 1, value
    r = api[0]
    assert r["operation"] == "getASite", f"{value!r} hit {r['path']}"
    assert r["path"].startswith("/v2/phone/sites/")
    rest = r["path"][len("/v2/phone/sites/") :]
    assert "/" not in rest, r["path"]
    assert unquote_to_bytes(rest) == value.encode(), f"{value!r} round-trips"
    assert r["query"] is None
    assert "x-injected" not in r["headers"]
    return 1


def test_sync_path_parameters_stay_one_segment(mock: Mock, capsys: pytest.CaptureFixture[str]) -> None:
    checked = 0
    with ZoomPhone(**mock.client_kwargs()) as zp:
        zp.sites.list_phone_sites()
        for value in HOSTILE:
            mock.clear_log()
            error: BaseException | None = None
            try:
                zp.sites.get_a_site(site_id=value)
            except exceptions.ZoomPhoneError as e:
                error = e
            checked += _check(mock, value, error)
    with capsys.disabled():
        print(f"hostile input (python sync): {len(HOSTILE)} path values, {checked} requests checked on the wire")


def test_async_path_parameters_stay_one_segment(mock: Mock) -> None:
    async def go() -> None:
        async with AsyncZoomPhone(**mock.client_kwargs()) as zp:
            await zp.sites.list_phone_sites()
            for value in HOSTILE:
                mock.clear_log()
                error: BaseException | None = None
                try:
                    await zp.sites.get_a_site(site_id=value)
                except exceptions.ZoomPhoneError as e:
                    error = e
                _check(mock, value, error)

    asyncio.run(go())


def _refused(mock: Mock, what: str, error: BaseException | None) -> None:
    # A token with a line break is refused before any request carries it: a
    # BuildError for a configured value, the renewal's failure for what a
    # token source or a store answered (the core's verdict in every host).
    assert isinstance(error, (exceptions.BuildError, exceptions.AuthenticationError)), f"{what}: {error!r}"
    log = mock.requests()
    assert all("x-injected" not in r["headers"] for r in log), what
    assert [r for r in log if r["path"].startswith("/v2")] == [], f"{what}: nothing sent"


def test_line_breaks_never_reach_a_header(mock: Mock, capsys: pytest.CaptureFixture[str]) -> None:
    api: dict[str, Any] = {"base_url": mock.api}
    refused = 0
    for bad in INJECTIONS:
        stored = json.dumps({"access_token": bad, "token_type": "bearer"}).encode()

        async def source(bad: str = bad) -> str:
            return bad

        cases: list[tuple[str, dict[str, Any], dict[str, Any]]] = [
            ("access token", dict(api, access_token=bad), dict(api, access_token=bad)),
            ("token source", dict(api, token_source=lambda bad=bad: bad), dict(api, token_source=source)),
            (
                "stored tokens",
                dict(api, client_id="mock-client-id", client_secret="x", tokens=stored),
                dict(api, client_id="mock-client-id", client_secret="x", tokens=stored),
            ),
            ("user agent", dict(api, access_token="fine", user_agent=bad), dict(api, access_token="fine", user_agent=bad)),
        ]
        for what, sync_kwargs, async_kwargs in cases:
            mock.clear_log()
            error: BaseException | None = None
            try:
                with ZoomPhone(**sync_kwargs) as zp:
                    zp.sites.list_phone_sites()
            except exceptions.ZoomPhoneError as e:
                error = e
            _refused(mock, f"sync {what}", error)

            async def go(kwargs: dict[str, Any]) -> BaseException | None:
                try:
                    async with AsyncZoomPhone(**kwargs) as zp:
                        await zp.sites.list_phone_sites()
                except exceptions.ZoomPhoneError as e:
                    return e
                return None

            mock.clear_log()
            _refused(mock, f"async {what}", asyncio.run(go(async_kwargs)))
            refused += 2
    with capsys.disabled():
        print(f"hostile input (python): {refused} header injections refused")
