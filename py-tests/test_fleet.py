"""The fleet (issue 17) in the Python host, against a real redis-server and
the mock, whose request log is the referee: a sync and an asyncio client on
one Redis share one token and Zoom's Pro budget (no 429); a user's rotating
refresh token is renewed once per expiry across clients, never sent spent;
Redis killed and restarted (calls go on, the outage said once per client,
the fleet rejoined); scripts flushed from Redis loaded again; a Redis
client that never answers bounded by the fleet's timeout; what the fleet
option refuses. The same properties as js-examples/fleet.test.mjs."""

from __future__ import annotations

import asyncio
import itertools
import logging
import json
import os
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from typing import Any, Callable, Union, cast
from urllib.parse import parse_qs

import pytest
import redis
import redis.asyncio

from zoom_phone import AsyncZoomPhone, BuildError, FleetOptions, MemoryTokenStore, ZoomPhone
from zoom_phone import _fleet

from conftest import ROOT, Mock, RedisServer
from test_oauth import _code_flow_tokens

_prefixes = itertools.count()


def _prefix() -> str:
    """Keys of their own per test: the session's Redis is shared."""
    return f"py{next(_prefixes)}-{os.getpid()}"


def _options(client: Any, settings: dict[str, Any]) -> FleetOptions:
    return cast(FleetOptions, {"redis": client, **settings})


def _sync_redis(url: str) -> redis.Redis:
    # Short socket timeouts: a command to a server that is gone fails soon
    # (the fleet's own timeout bounds what a call waits anyway).
    return redis.Redis.from_url(url, socket_timeout=1, socket_connect_timeout=1)


def _async_redis(url: str) -> redis.asyncio.Redis:
    return redis.asyncio.Redis.from_url(url, socket_timeout=1, socket_connect_timeout=1)


class _Events(logging.Handler):
    """The names of the zoom_phone logger's records, per thread: the sync
    client's calls run on worker threads, the asyncio client's on the main one."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.names: dict[str, list[str]] = {}
        self._guard = threading.Lock()

    def emit(self, record: logging.LogRecord) -> None:
        name = getattr(record, "zoom_phone_event", None)
        if name is not None:
            with self._guard:
                self.names.setdefault(record.threadName or "", []).append(name)

    def of(self, prefix: str) -> list[str]:
        return [n for thread, names in self.names.items() if thread.startswith(prefix) for n in names]


@pytest.fixture
def events() -> Iterator[_Events]:
    handler = _Events()
    logger = logging.getLogger("zoom_phone")
    level = logger.level
    logger.setLevel(logging.DEBUG)
    logger.addHandler(handler)
    try:
        yield handler
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)


def _api(mock: Mock) -> list[dict[str, Any]]:
    return mock.requests("/v2/")


def _run_both(
    sync_work: Callable[[], None], async_work: Callable[[], Any], threads: int = 2, name: str = "sync-client"
) -> None:
    """The sync client's work on `threads` threads beside the asyncio
    client's work on this thread's event loop, all at once."""
    errors: list[BaseException] = []

    def guarded() -> None:
        try:
            sync_work()
        except BaseException as e:  # reported below, on the test's thread
            errors.append(e)

    workers = [threading.Thread(target=guarded, name=f"{name}-{i}") for i in range(threads)]
    for w in workers:
        w.start()
    try:
        asyncio.run(async_work())
    finally:
        for w in workers:
            w.join()
    if errors:
        raise errors[0]


# Pass/fail here are properties that hold however fast the machine is: no
# 429, one token for the fleet, every call answered. How much of the budget
# the fleet uses is throughput: tools/fleet/run.py measures it.
def test_a_sync_and_an_async_client_share_one_token_and_the_pro_budget(mock: Mock, redis_url: str) -> None:
    mock.admin.put("/rate_limits", json="pro").raise_for_status()
    # Share 0.7 (as in the Node test): the fleet's spacing stays clear of the
    # mock's window edges on a busy machine.
    fleet_of: dict[str, Any] = {"account": "mock-account", "prefix": _prefix(), "share": 0.7}
    sync_redis, async_redis = _sync_redis(redis_url), _async_redis(redis_url)
    sync_client = ZoomPhone(**mock.client_kwargs(), rate_limits="pro", fleet=_options(sync_redis, fleet_of))
    ok = {"sync": 0, "async": 0}
    guard = threading.Lock()
    end = time.monotonic() + 3

    def sync_work() -> None:
        users: list[str] = []
        while time.monotonic() < end:
            if not users:
                users = [u["id"] for u in sync_client.users.list_phone_users(page_size=100)["users"]]
            else:
                sync_client.users.phone_user(user_id=users.pop())
            with guard:
                ok["sync"] += 1

    async def async_work() -> None:
        async with AsyncZoomPhone(
            **mock.client_kwargs(), rate_limits="pro", fleet=_options(async_redis, fleet_of)
        ) as zp:

            async def loop() -> None:
                while time.monotonic() < end:
                    await zp.sites.list_phone_sites(page_size=1)
                    ok["async"] += 1

            await asyncio.gather(loop(), loop())
        await async_redis.aclose()

    try:
        _run_both(sync_work, async_work)
    finally:
        sync_client.close()
        sync_redis.close()
    api = _api(mock)
    assert [r for r in api if r["status"] == 429] == [], "no 429 with the fleet"
    assert len(mock.token_requests()) == 1, "one token request for the two clients"
    assert ok["sync"] > 0 and ok["async"] > 0, ok
    assert ok["sync"] + ok["async"] == len(api), "every call answered, none repeated"


def test_without_the_fleet_the_same_clients_fetch_a_token_each(mock: Mock) -> None:
    """The baseline beside the test above: its one token is the fleet's doing."""

    async def both() -> None:
        with ZoomPhone(**mock.client_kwargs()) as a:
            a.sites.list_phone_sites(page_size=1)
        async with AsyncZoomPhone(**mock.client_kwargs()) as b:
            await b.sites.list_phone_sites(page_size=1)

    asyncio.run(both())
    assert len(mock.token_requests()) == 2


def test_the_example_worker_sync_and_asyncio_processes_share_the_budget_and_one_token(mock: Mock, redis_url: str) -> None:
    """bindings-python/examples/fleet_worker.py as tools/fleet/run.py starts it."""
    mock.admin.put("/rate_limits", json="pro").raise_for_status()
    # A Redis of its own for this test's keys: the worker uses the default prefix.
    _sync_redis(redis_url).flushall()
    worker = str(ROOT / "bindings-python" / "examples" / "fleet_worker.py")
    common = ["--mock", mock.url, "--redis", redis_url, "--auth", "s2s", "--seconds", "2", "--share", "0.7"]
    procs = [
        subprocess.Popen([sys.executable, worker, *common, "--id", name, *extra], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for name, extra in (("w-sync", []), ("w-async", ["--asyncio"]))
    ]
    reports = []
    for p in procs:
        out, err = p.communicate(timeout=60)
        assert p.returncode == 0, err
        lines = out.splitlines()
        assert len(lines) == 1, out
        reports.append(json.loads(lines[0]))
    assert [(r["worker"], r["host"]) for r in reports] == [("w-sync", "python-sync"), ("w-async", "python-async")]
    for r in reports:
        assert r["failed"] == {} and r["degraded_events"] == 0 and r["ok"] > 0, r
    api = _api(mock)
    assert [r for r in api if r["status"] == 429] == []
    assert len(mock.token_requests()) == 1, "one token request for the two processes"
    assert sum(r["ok"] for r in reports) == len(api)


def _refreshes(mock: Mock) -> list[dict[str, Any]]:
    return [r for r in mock.token_requests() if "grant_type=refresh_token" in (r["body"] or "")]


def test_a_users_rotating_refresh_token_is_renewed_once_per_expiry_across_clients(mock: Mock, redis_url: str) -> None:
    tokens = _code_flow_tokens(mock)
    fleet_of: dict[str, Any] = {"account": "mock-account", "tokens": "user-1", "prefix": _prefix()}
    user: dict[str, Any] = {
        "client_id": "mock-client-id",
        "client_secret": "mock-client-secret",
        "tokens": tokens,
        "base_url": mock.api,
        "oauth_base": mock.url,
    }
    sync_redis = [_sync_redis(redis_url), _sync_redis(redis_url)]
    sync_clients = [ZoomPhone(**user, fleet=_options(r, fleet_of)) for r in sync_redis]
    rounds = 3

    async def main() -> None:
        async_redis = _async_redis(redis_url)
        async with AsyncZoomPhone(**user, fleet=_options(async_redis, fleet_of)) as zp:
            for _ in range(rounds):
                mock.post("/tokens/expire")
                await asyncio.gather(
                    *(asyncio.to_thread(c.users.list_phone_users, page_size=1) for c in sync_clients for _ in range(3)),
                    *(zp.users.list_phone_users(page_size=1) for _ in range(3)),
                )
        await async_redis.aclose()

    try:
        asyncio.run(main())
    finally:
        for c in sync_clients:
            c.close()
        for r in sync_redis:
            r.close()
    refreshes = _refreshes(mock)
    assert [r["status"] for r in refreshes] == [200] * rounds, "one refresh per expiry for the three clients, each accepted"
    sent = [parse_qs(r["body"])["refresh_token"][0] for r in refreshes]
    assert len(set(sent)) == rounds, "no refresh token sent twice"


def test_redis_killed_and_restarted_calls_go_on_and_the_fleet_is_rejoined(
    mock: Mock, redis_server: RedisServer, redis_url: str, events: _Events
) -> None:
    fleet_of: dict[str, Any] = {"prefix": _prefix(), "probe_ms": 200, "share": 0.7}
    sync_redis, async_redis = _sync_redis(redis_url), _async_redis(redis_url)
    kwargs: dict[str, Any] = {**mock.client_kwargs(), "rate_limits": "pro", "log": "info"}
    sync_client = ZoomPhone(**kwargs, fleet=_options(sync_redis, fleet_of))
    ok = {"sync": 0, "async": 0}
    failures: list[str] = []
    stop = threading.Event()
    marks: list[int] = []

    def sync_work() -> None:
        while not stop.is_set():
            try:
                sync_client.sites.list_phone_sites(page_size=1)
                ok["sync"] += 1
            except Exception as e:
                failures.append(f"sync: {e!r}")

    async def async_work() -> None:
        async with AsyncZoomPhone(**kwargs, fleet=_options(async_redis, fleet_of)) as zp:

            async def loop() -> None:
                while not stop.is_set():
                    try:
                        await zp.sites.list_phone_sites(page_size=1)
                        ok["async"] += 1
                    except Exception as e:
                        failures.append(f"async: {e!r}")

            async def outage() -> None:
                try:
                    await asyncio.sleep(0.5)
                    marks.append(sum(ok.values()))
                    redis_server.kill()
                    await asyncio.sleep(1.5)
                    marks.append(sum(ok.values()))
                    redis_server.start()
                    await asyncio.sleep(2)
                finally:
                    stop.set()

            await asyncio.gather(loop(), outage())
        await async_redis.aclose()

    try:
        _run_both(sync_work, async_work, threads=1, name="sync-client")
    finally:
        sync_client.close()
        sync_redis.close()
    assert failures == []
    before, during = marks
    assert 0 < before < during < sum(ok.values()), (marks, ok)
    assert ok["sync"] > 0 and ok["async"] > 0, ok
    for seen in (events.of("sync-client"), events.of("MainThread")):
        assert seen.count("fleet.degraded") == 1, seen
        assert "fleet.rejoined" in seen, seen
        assert seen.index("fleet.degraded") < seen.index("fleet.rejoined")
    assert [r for r in _api(mock) if r["status"] == 429] == []


def _cached_scripts(client: redis.Redis) -> int:
    return int(client.info("memory")["number_of_cached_scripts"])


@pytest.mark.parametrize("kind", ["sync", "async"])
def test_scripts_flushed_from_redis_are_loaded_again(mock: Mock, redis_url: str, events: _Events, kind: str) -> None:
    admin = _sync_redis(redis_url)
    admin.script_flush()
    fleet_of: dict[str, Any] = {"prefix": _prefix()}
    kwargs: dict[str, Any] = {**mock.client_kwargs(), "rate_limits": "pro", "log": "info"}
    try:
        if kind == "sync":
            with ZoomPhone(**kwargs, fleet=_options((r := _sync_redis(redis_url)), fleet_of)) as zp:
                zp.sites.list_phone_sites()
                assert _cached_scripts(admin) > 0
                admin.script_flush()
                assert _cached_scripts(admin) == 0
                zp.sites.list_phone_sites()
            r.close()
        else:

            async def main() -> None:
                ar = _async_redis(redis_url)
                async with AsyncZoomPhone(**kwargs, fleet=_options(ar, fleet_of)) as zp:
                    await zp.sites.list_phone_sites()
                    assert _cached_scripts(admin) > 0
                    admin.script_flush()
                    assert _cached_scripts(admin) == 0
                    await zp.sites.list_phone_sites()
                await ar.aclose()

            asyncio.run(main())
        assert _cached_scripts(admin) > 0, "the client loaded its script again"
    finally:
        admin.close()
    assert "fleet.degraded" not in sum(events.names.values(), [])


class _Silent:
    """A Redis client whose commands do not answer until released (what a
    client does while its server is away and it holds commands for later)."""

    def __init__(self) -> None:
        self.release = threading.Event()
        self.sent = 0
        self.answered = 0

    def evalsha(self, sha: str, numkeys: int, /, *keys_and_args: Any) -> Any:
        self.sent += 1
        self.release.wait(30)
        self.answered += 1
        return None

    eval = evalsha


class _AsyncSilent:
    def __init__(self) -> None:
        self.release = asyncio.Event()
        self.sent = 0

    async def execute_command(self, *args: Any) -> Any:
        self.sent += 1
        await self.release.wait()

    def evalsha(self, sha: str, numkeys: int, /, *keys_and_args: Any) -> Any:
        return self.execute_command("EVALSHA", sha, numkeys, *keys_and_args)

    def eval(self, script: str, numkeys: int, /, *keys_and_args: Any) -> Any:
        return self.execute_command("EVAL", script, numkeys, *keys_and_args)


def test_a_redis_client_that_never_answers_is_cut_off_by_the_fleets_timeout(mock: Mock, events: _Events) -> None:
    kwargs: dict[str, Any] = {**mock.client_kwargs(), "rate_limits": "pro", "log": "info"}
    silent = _Silent()
    fleet_of: dict[str, Any] = {"account": "mock-account", "timeout_ms": 100, "probe_ms": 60_000}
    try:
        with ZoomPhone(**kwargs, fleet=_options(silent, fleet_of)) as zp:
            assert isinstance(zp.sites.list_phone_sites(page_size=1)["sites"], list)
        # The call was answered while the script it sent still hung.
        assert silent.sent > 0 and silent.answered == 0
    finally:
        silent.release.set()
    quiet = _AsyncSilent()

    async def main() -> None:
        async with AsyncZoomPhone(**kwargs, fleet=_options(quiet, fleet_of)) as zp:
            assert isinstance((await zp.sites.list_phone_sites(page_size=1))["sites"], list)

    asyncio.run(main())
    assert quiet.sent > 0 and not quiet.release.is_set()
    degraded = [n for n in sum(events.names.values(), []) if n == "fleet.degraded"]
    assert degraded == ["fleet.degraded"] * 2, "said once by each client"
    assert len(_api(mock)) == 2


def test_the_fleet_option_takes_a_redis_py_client_and_refuses_what_it_cannot_use() -> None:
    base: dict[str, Any] = {
        "account_id": "a",
        "client_id": "c",
        "client_secret": "s",
        "base_url": "http://127.0.0.1:9/v2",
    }
    sync_client, async_client = redis.Redis(port=9), redis.asyncio.Redis(port=9)
    # Accepted (nothing is sent before a call).
    ZoomPhone(**base, fleet={"redis": sync_client}).close()
    asyncio.run(AsyncZoomPhone(**base, fleet={"redis": async_client, "share": 0.5}).aclose())

    with pytest.raises(TypeError, match=r"fleet\['redis'\] must be a connected redis-py client.*got object"):
        ZoomPhone(**base, fleet=cast(Any, {"redis": object()}))
    with pytest.raises(TypeError, match=r"fleet\['redis'\] must be a connected redis-py client.*got NoneType"):
        ZoomPhone(**base, fleet=cast(Any, {"account": "a"}))
    with pytest.raises(TypeError, match=r"AsyncZoomPhone's fleet\['redis'\] must be an asyncio client.*redis.Redis would block"):
        AsyncZoomPhone(**base, fleet={"redis": sync_client})
    with pytest.raises(TypeError, match=r"ZoomPhone's fleet\['redis'\] must be a sync client.*redis.asyncio.Redis goes with AsyncZoomPhone"):
        ZoomPhone(**base, fleet={"redis": async_client})
    with pytest.raises(TypeError, match="`fleet` must be a dict"):
        ZoomPhone(**base, fleet=cast(Any, "redis://127.0.0.1"))
    # The rest is the core's to check, by name.
    with pytest.raises(BuildError, match="token_store") as info:
        ZoomPhone(**base, fleet={"redis": sync_client}, token_store=MemoryTokenStore())
    assert "fleet" in str(info.value)
    with pytest.raises(BuildError, match="fleet.account"):
        ZoomPhone(access_token="t", fleet={"redis": sync_client})
    with pytest.raises(BuildError, match="fleet.share"):
        ZoomPhone(**base, fleet={"redis": sync_client, "share": 2})
    with pytest.raises(BuildError, match="fleet"):
        ZoomPhone(**base, fleet=cast(Any, {"redis": sync_client, "lease": 30}))


def test_a_redis_failure_is_described_without_the_scripts_arguments() -> None:
    token_set = '{"access_token":"eyJ-secret-access","refresh_token":"eyJ-secret-refresh"}'
    text = _fleet._describe(RuntimeError(f"Command EVALSHA abc 1 k {token_set} failed"), ["1733", token_set])
    assert token_set not in text and "secret" not in text
    assert text.startswith("RuntimeError: Command EVALSHA abc 1 k")


Replies = Union[None, int, str, list[Any]]


@pytest.mark.parametrize(
    ("reply", "plain"),
    [(None, None), (3, 3), (b"ok", "ok"), ([b"a", 1, None, [b"b"]], ["a", 1, None, ["b"]]), ("text", "text")],
)
def test_replies_reach_the_core_as_text_lists_ints_and_none(reply: Any, plain: Replies) -> None:
    assert _fleet._plain(reply) == plain


class _Quoting:
    """A real Redis client that fails the scripts carrying a token set (the
    shared write) with an error quoting its whole command, as a careless
    client library might."""

    def __init__(self, client: redis.Redis) -> None:
        self._client = client
        self.quoted: list[str] = []

    def _run(self, command: Callable[..., Any], head: str, numkeys: int, keys_and_args: tuple[Any, ...]) -> Any:
        args = [str(a) for a in keys_and_args[numkeys:]]
        if any("refresh_token" in a for a in args):
            self.quoted += [a for a in args if "refresh_token" in a]
            raise RuntimeError(f"command failed: {' '.join([head, str(numkeys), *map(str, keys_and_args)])}")
        return command(head, numkeys, *keys_and_args)

    def evalsha(self, sha: str, numkeys: int, /, *keys_and_args: Any) -> Any:
        return self._run(self._client.evalsha, sha, numkeys, keys_and_args)

    def eval(self, script: str, numkeys: int, /, *keys_and_args: Any) -> Any:
        return self._run(self._client.eval, script, numkeys, keys_and_args)


def test_a_failed_token_write_is_logged_without_the_token_set(
    mock: Mock, redis_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    tokens = _code_flow_tokens(mock)
    client = _sync_redis(redis_url)
    quoting = _Quoting(client)
    fleet = _options(quoting, {"account": "mock-account", "tokens": "user-1", "prefix": _prefix()})
    with ZoomPhone(
        client_id="mock-client-id", client_secret="mock-client-secret", tokens=tokens,
        base_url=mock.api, oauth_base=mock.url, log="debug", fleet=fleet,
    ) as zp:
        mock.post("/tokens/expire")
        zp.users.list_phone_users(page_size=1)
    client.close()
    assert quoting.quoted, "the fleet wrote a token set"
    secrets = [json.loads(t)[k] for t in quoting.quoted for k in ("access_token", "refresh_token")]
    secrets += [json.loads(tokens)[k] for k in ("access_token", "refresh_token")]
    logged = [r.getMessage() + json.dumps(getattr(r, "zoom_phone_fields", None), default=repr) for r in caplog.records]
    assert any("command failed" in text for text in logged), "the failure was logged"
    assert [s for s in secrets if any(s in text for text in logged)] == []
