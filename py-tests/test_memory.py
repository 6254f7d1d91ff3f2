"""What a client holds on to: a walk keeps no page it has handed out while
the next one arrives, and clients the package makes share one TLS context,
built by the first https request rather than by each constructor."""

from __future__ import annotations

import gc
import ssl
from typing import Any

import httpx
import pytest

from zoom_phone import AsyncZoomPhone, ZoomPhone, _transport, exceptions

from conftest import Mock


def _lists_holding(item: Any) -> int:
    return sum(isinstance(r, list) for r in gc.get_referrers(item))


class _Watch:
    """An item of the last page handed out, and for each later page's
    request, how many lists still held it when that request left (an
    httpx request hook, sync or async)."""

    def __init__(self) -> None:
        self.item: Any = None
        self.holding: list[int] = []

    def on_request(self, request: httpx.Request) -> None:
        if "next_page_token" in request.url.params and self.item is not None:
            self.holding.append(_lists_holding(self.item))

    async def on_async_request(self, request: httpx.Request) -> None:
        self.on_request(request)


HELD = "the walk kept a page it had handed out while fetching the next"


def test_a_walk_holds_no_handed_out_page_while_it_fetches_the_next(mock: Mock) -> None:
    watch = _Watch()
    http = httpx.Client(event_hooks={"request": [watch.on_request]})
    with ZoomPhone(**mock.client_kwargs(), http_client=http) as zp:
        for n, item in enumerate(zp.call_logs.account_call_history.iter(page_size=100, limit=350), 1):
            watch.item = item
    http.close()
    assert n == 350
    assert watch.holding == [0, 0, 0], HELD


async def test_an_async_walk_holds_no_handed_out_page_while_it_fetches_the_next(mock: Mock) -> None:
    watch = _Watch()
    http = httpx.AsyncClient(event_hooks={"request": [watch.on_async_request]})
    async with AsyncZoomPhone(**mock.client_kwargs(), http_client=http) as zp:
        n = 0
        async for item in zp.call_logs.account_call_history.iter(page_size=100, limit=350):
            watch.item = item
            n += 1
    await http.aclose()
    assert n == 350
    assert watch.holding == [0, 0, 0], HELD


# A caller of pages() that drops each page: the walk must not hold it either.


def test_a_page_walk_holds_no_page_its_caller_dropped_while_it_fetches_the_next(mock: Mock) -> None:
    watch = _Watch()
    http = httpx.Client(event_hooks={"request": [watch.on_request]})
    with ZoomPhone(**mock.client_kwargs(), http_client=http) as zp:
        sizes = []
        for page in zp.call_logs.account_call_history.iter(page_size=100, limit=350).pages():
            sizes.append(len(page.items))
            watch.item = page.items[0]
            del page
    http.close()
    assert sizes == [100, 100, 100, 50]
    assert watch.holding == [0, 0, 0], HELD


async def test_an_async_page_walk_holds_no_page_its_caller_dropped_while_it_fetches_the_next(mock: Mock) -> None:
    watch = _Watch()
    http = httpx.AsyncClient(event_hooks={"request": [watch.on_async_request]})
    async with AsyncZoomPhone(**mock.client_kwargs(), http_client=http) as zp:
        sizes = []
        async for page in zp.call_logs.account_call_history.iter(page_size=100, limit=350).pages():
            sizes.append(len(page.items))
            watch.item = page.items[0]
            del page
    await http.aclose()
    assert sizes == [100, 100, 100, 50]
    assert watch.holding == [0, 0, 0], HELD


def test_a_page_walk_still_hands_each_page_whole(mock: Mock) -> None:
    with ZoomPhone(**mock.client_kwargs()) as zp:
        pages = list(zp.call_logs.account_call_history.iter(page_size=100, limit=250).pages())
    assert [len(p.items) for p in pages] == [100, 100, 50]
    assert len({r["call_history_uuid"] for p in pages for r in p.items}) == 250


@pytest.fixture
def made_contexts(monkeypatch: pytest.MonkeyPatch) -> list[ssl.SSLContext]:
    """Every verifying TLS context (the CA bundle loaded) made from now on,
    by the package or by httpx for a client's transport; none made before."""
    made: list[ssl.SSLContext] = []
    real = httpx.create_ssl_context

    def counted(*args: Any, **kwargs: Any) -> ssl.SSLContext:
        ctx = real(*args, **kwargs)
        # httpx hands a context it is given back as is: count each once.
        if ctx.verify_mode == ssl.CERT_REQUIRED and all(c is not ctx for c in made):
            made.append(ctx)
        return ctx

    monkeypatch.setattr(httpx, "create_ssl_context", counted)
    # Where httpx's own transports look it up.
    monkeypatch.setattr(httpx._transports.default, "create_ssl_context", counted)
    monkeypatch.setattr(_transport, "_context", None)
    return made


def _unreachable_https(mock: Mock) -> dict[str, Any]:
    # A port nothing listens on: the request fails at connect, after its
    # transport (and so its TLS context) was chosen.
    return {**mock.client_kwargs(), "base_url": "https://127.0.0.1:9/v2", "max_attempts": 1}


def test_clients_speaking_only_http_make_no_tls_context(mock: Mock, made_contexts: list[ssl.SSLContext]) -> None:
    with ZoomPhone(**mock.client_kwargs()) as a, ZoomPhone(**mock.client_kwargs()) as b:
        for zp in (a, b):
            assert zp.call_logs.account_call_history(page_size=1)["call_history"]
    assert made_contexts == []


def test_every_client_shares_one_verifying_tls_context_made_by_the_first_https_request(
    mock: Mock, made_contexts: list[ssl.SSLContext]
) -> None:
    clients = [ZoomPhone(**_unreachable_https(mock)) for _ in range(3)]
    assert made_contexts == [], "a constructor loaded the CA bundle"
    for zp in clients:
        with pytest.raises(exceptions.TransportError):
            zp.users.phone_user(user_id="u1")
        zp.close()
    assert len(made_contexts) == 1
    assert made_contexts[0].check_hostname


async def test_async_clients_share_the_same_tls_context(mock: Mock, made_contexts: list[ssl.SSLContext]) -> None:
    with ZoomPhone(**_unreachable_https(mock)) as zp:
        with pytest.raises(exceptions.TransportError):
            zp.users.phone_user(user_id="u1")
    async with AsyncZoomPhone(**_unreachable_https(mock)) as azp:
        with pytest.raises(exceptions.TransportError):
            await azp.users.phone_user(user_id="u1")
    assert len(made_contexts) == 1
