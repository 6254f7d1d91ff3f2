"""Python benchmarks against the mock Zoom at $ZOOM_PHONE_MOCK_URL: our
package (zoom_phone) vs zoomus vs raw httpx + json, sync and async.
Writes JSON to $BENCH_OUT (shape read by tools/bench/render.py). Run by
tools/bench/run.sh in its own venv (target/bench/venv), never by the tests.

zoomus takes `base_uri` and `oauth_uri` arguments, so it runs against the
mock unchanged: its constructor fetches an account_credentials token from
the mock's /oauth/token. It has no call-history or single-user method and
no pager, so it is driven through its own request layer
(`client.phone.get_request(path, params)`, which adds its bearer token) and
the walk follows next_page_token by hand. It is sync only (requests, no
session: a new connection per call); the async rows have no zoomus column.
"""

from __future__ import annotations

import asyncio
import json
import os
import statistics
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from importlib import metadata
from typing import Any, Callable

BASE = os.environ.get("ZOOM_PHONE_MOCK_URL", "").rstrip("/")
API = f"{BASE}/v2"
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "7"))
SEQ_CALLS = int(os.environ.get("BENCH_SEQ_CALLS", "1000"))
CONC_CALLS = int(os.environ.get("BENCH_CONC_CALLS", "500"))
CONCURRENCY = 50
CREDS = {"account_id": "mock-account", "client_id": "mock-client-id", "client_secret": "mock-client-secret"}
RECORDS = 20000


def mint_token() -> str:
    import httpx

    r = httpx.post(f"{BASE}/_admin/tokens", json={"ttl_secs": 3600})
    r.raise_for_status()
    token: str = r.json()["access_token"]
    return token


# --- sync clients -------------------------------------------------------------


def raw_sync() -> dict[str, Callable[..., Any]]:
    import httpx

    http = httpx.Client(headers={"authorization": f"Bearer {mint_token()}", "accept": "application/json"})

    def get(url: str, params: dict[str, Any] | None = None) -> Any:
        r = http.get(url, params=params)
        body = json.loads(r.content)
        if r.status_code != 200:
            raise RuntimeError(f"raw: {r.status_code} {body}")
        return body

    def walk() -> int:
        n, token = 0, ""
        while True:
            params: dict[str, Any] = {"page_size": 300}
            if token:
                params["next_page_token"] = token
            page = get(f"{API}/phone/call_history", params)
            n += len(page["call_history"])
            token = page["next_page_token"]
            if not token:
                return n

    return {"get_user": lambda uid: get(f"{API}/phone/users/{uid}"), "walk": walk}


def ours_sync() -> dict[str, Callable[..., Any]]:
    from zoom_phone import ZoomPhone

    zp = ZoomPhone(**CREDS, base_url=API, oauth_base=BASE)
    return {
        "get_user": lambda uid: zp.users.phone_user(user_id=uid),
        "walk": lambda: sum(1 for _ in zp.call_logs.account_call_history.iter(page_size=300)),
    }


def zoomus_sync() -> dict[str, Callable[..., Any]]:
    from zoomus import ZoomClient

    zc = ZoomClient(
        CREDS["client_id"], CREDS["client_secret"], CREDS["account_id"],
        base_uri=API, oauth_uri=f"{BASE}/oauth/token",
    )

    def get(path: str, params: dict[str, Any] | None = None) -> Any:
        r = zc.phone.get_request(path, params=params)
        if r.status_code != 200:
            raise RuntimeError(f"zoomus: {r.status_code} {r.text}")
        return r.json()

    def walk() -> int:
        n, token = 0, ""
        while True:
            params: dict[str, Any] = {"page_size": 300}
            if token:
                params["next_page_token"] = token
            page = get("/phone/call_history", params)
            n += len(page["call_history"])
            token = page["next_page_token"]
            if not token:
                return n

    return {"get_user": lambda uid: get(f"/phone/users/{uid}"), "walk": walk}


# --- async clients ------------------------------------------------------------


def raw_async() -> dict[str, Callable[..., Any]]:
    import httpx

    http = httpx.AsyncClient(
        headers={"authorization": f"Bearer {mint_token()}", "accept": "application/json"},
        limits=httpx.Limits(max_connections=100, max_keepalive_connections=100),
    )

    async def get(url: str, params: dict[str, Any] | None = None) -> Any:
        r = await http.get(url, params=params)
        body = json.loads(r.content)
        if r.status_code != 200:
            raise RuntimeError(f"raw: {r.status_code} {body}")
        return body

    async def walk() -> int:
        n, token = 0, ""
        while True:
            params: dict[str, Any] = {"page_size": 300}
            if token:
                params["next_page_token"] = token
            page = await get(f"{API}/phone/call_history", params)
            n += len(page["call_history"])
            token = page["next_page_token"]
            if not token:
                return n

    async def get_user(uid: str) -> Any:
        return await get(f"{API}/phone/users/{uid}")

    return {"get_user": get_user, "walk": walk}


def ours_async() -> dict[str, Callable[..., Any]]:
    from zoom_phone import AsyncZoomPhone

    zp = AsyncZoomPhone(**CREDS, base_url=API, oauth_base=BASE)

    async def walk() -> int:
        n = 0
        async for _ in zp.call_logs.account_call_history.iter(page_size=300):
            n += 1
        return n

    async def get_user(uid: str) -> Any:
        return await zp.users.phone_user(user_id=uid)

    return {"get_user": get_user, "walk": walk}


# --- workloads ----------------------------------------------------------------


# Each workload returns its samples by key: wall time, and the client
# process's own CPU beside it (the mock shares the machine).


def sync_seq_get(c: dict[str, Callable[..., Any]], user: str) -> dict[str, float]:
    t0, c0 = time.perf_counter(), time.process_time()
    for _ in range(SEQ_CALLS):
        c["get_user"](user)
    return {
        "seq_get": (time.perf_counter() - t0) * 1000 / SEQ_CALLS,
        "seq_get_cpu": (time.process_time() - c0) * 1000 / SEQ_CALLS,
    }


def sync_walk(c: dict[str, Callable[..., Any]], user: str) -> dict[str, float]:
    t0, c0 = time.perf_counter(), time.process_time()
    n = c["walk"]()
    out = {"walk_20000": (time.perf_counter() - t0) * 1000, "walk_20000_cpu": (time.process_time() - c0) * 1000}
    assert n == RECORDS, n
    return out


def sync_concurrent(c: dict[str, Callable[..., Any]], user: str) -> dict[str, float]:
    with ThreadPoolExecutor(CONCURRENCY) as pool:
        t0 = time.perf_counter()
        list(pool.map(lambda _: c["get_user"](user), range(CONC_CALLS)))
        return {"concurrent_50": CONC_CALLS / (time.perf_counter() - t0)}


async def async_seq_get(c: dict[str, Callable[..., Any]], user: str) -> dict[str, float]:
    t0, c0 = time.perf_counter(), time.process_time()
    for _ in range(SEQ_CALLS):
        await c["get_user"](user)
    return {
        "seq_get": (time.perf_counter() - t0) * 1000 / SEQ_CALLS,
        "seq_get_cpu": (time.process_time() - c0) * 1000 / SEQ_CALLS,
    }


async def async_walk(c: dict[str, Callable[..., Any]], user: str) -> dict[str, float]:
    t0, c0 = time.perf_counter(), time.process_time()
    n = await c["walk"]()
    out = {"walk_20000": (time.perf_counter() - t0) * 1000, "walk_20000_cpu": (time.process_time() - c0) * 1000}
    assert n == RECORDS, n
    return out


async def async_concurrent(c: dict[str, Callable[..., Any]], user: str) -> dict[str, float]:
    sem = asyncio.Semaphore(CONCURRENCY)

    async def one() -> None:
        async with sem:
            await c["get_user"](user)

    t0 = time.perf_counter()
    await asyncio.gather(*(one() for _ in range(CONC_CALLS)))
    return {"concurrent_50": CONC_CALLS / (time.perf_counter() - t0)}


SYNC_WORKLOADS = (sync_seq_get, sync_walk, sync_concurrent)
ASYNC_WORKLOADS = (async_seq_get, async_walk, async_concurrent)


def rotate(names: list[str], k: int) -> list[str]:
    k %= len(names)
    return names[k:] + names[:k]


# Rounds run workload by workload, every client back to back in a rotating
# order, so the samples a ratio pairs are taken seconds apart; round -1
# warms every client and workload up (tokens, connections, lazily made
# methods, caches) and is not recorded.


def run_sync(samples: dict[str, dict[str, list[float]]], user: str) -> None:
    clients = {"raw": raw_sync(), "ours": ours_sync(), "zoomus": zoomus_sync()}
    for r in range(-1, ROUNDS):
        for workload in SYNC_WORKLOADS:
            for name in rotate(list(clients), r):
                for key, v in workload(clients[name], user).items():
                    if r >= 0:
                        samples.setdefault(f"sync_{key}", {}).setdefault(name, []).append(v)
        print(f"python sync: round {r + 1}/{ROUNDS}" if r >= 0 else "python sync: warmed up", file=sys.stderr)


async def run_async(samples: dict[str, dict[str, list[float]]], user: str) -> None:
    clients = {"raw": raw_async(), "ours": ours_async()}
    for r in range(-1, ROUNDS):
        for workload in ASYNC_WORKLOADS:
            for name in rotate(list(clients), r):
                for key, v in (await workload(clients[name], user)).items():
                    if r >= 0:
                        samples.setdefault(f"async_{key}", {}).setdefault(name, []).append(v)
        print(f"python async: round {r + 1}/{ROUNDS}" if r >= 0 else "python async: warmed up", file=sys.stderr)


def run_parse(samples: dict[str, dict[str, list[float]]], page_path: str) -> None:
    import zoom_phone

    with open(page_path, "rb") as f:
        body = f.read()
    headers = {"content-type": "application/json;charset=UTF-8", "x-zm-trackingid": "bench"}
    parsers: dict[str, Callable[[], Any]] = {
        "raw": lambda: json.loads(body),
        "ours": lambda: zoom_phone.parse_response("accountCallHistory", 200, headers, body)["body"],
    }
    for name, f in parsers.items():
        assert len(f()["call_history"]) == 300, name
    iters = 20
    out = samples.setdefault("parse_page_300", {})
    for r in range(ROUNDS * 3):
        for name in rotate(list(parsers), r):
            t0 = time.perf_counter()
            for _ in range(iters):
                parsers[name]()
            out.setdefault(name, []).append((time.perf_counter() - t0) * 1000 / iters)


# --- import time and peak memory: fresh interpreters --------------------------

IMPORTS = {"raw": "import httpx, json", "ours": "import zoom_phone", "zoomus": "import zoomus"}


def import_time(name: str) -> float:
    """ms to import in an interpreter that has loaded nothing else (this
    script's own imports, asyncio among them, would be free to it)."""
    code = f"import time\nt0 = time.perf_counter()\n{IMPORTS[name]}\nprint((time.perf_counter() - t0) * 1000)"
    return float(subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True).stdout)


def walk_memory(name: str) -> None:
    """Peak RSS (KiB) of a fresh interpreter walking all records, and its
    growth over the RSS before the walk (imports done, client made)."""
    clients = {"raw": raw_sync, "ours": ours_sync, "zoomus": zoomus_sync}
    c = clients[name]()
    before = status_kib("VmRSS")
    n = c["walk"]()
    assert n == RECORDS, n
    peak = status_kib("VmHWM")
    print(json.dumps({"peak_kib": peak, "growth_kib": peak - before}))


def status_kib(field: str) -> int:
    """A /proc/self/status memory figure. VmHWM (peak RSS) belongs to this
    process image; getrusage's ru_maxrss would carry the parent's peak over
    fork + exec."""
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(f"{field}:"):
                return int(line.split()[1])
    return 0


def child(*args: str) -> str:
    return subprocess.run([sys.executable, __file__, *args], check=True, capture_output=True, text=True).stdout


def main() -> None:
    if len(sys.argv) == 3 and sys.argv[1] == "walk-memory":
        return walk_memory(sys.argv[2])
    if not BASE:
        sys.exit("set ZOOM_PHONE_MOCK_URL (tools/bench/run.sh does)")
    import httpx

    user = httpx.get(f"{API}/phone/users", params={"page_size": 1},
                     headers={"authorization": f"Bearer {mint_token()}"}).json()["users"][0]["id"]
    samples: dict[str, dict[str, list[float]]] = {}
    page = os.environ.get("ZOOM_BENCH_PAGE")
    if page:
        run_parse(samples, page)
    run_sync(samples, user)
    asyncio.run(run_async(samples, user))
    for r in range(max(ROUNDS, 5) * 2):
        for name in rotate(list(IMPORTS), r):
            samples.setdefault("import_ms", {}).setdefault(name, []).append(import_time(name))
    for r in range(2):
        for name in rotate(["raw", "ours", "zoomus"], r):
            m = json.loads(child("walk-memory", name))
            samples.setdefault("walk_peak_rss_kib", {}).setdefault(name, []).append(m["peak_kib"])
            samples.setdefault("walk_rss_growth_kib", {}).setdefault(name, []).append(m["growth_kib"])
    versions = {"python": sys.version.split()[0]}
    for dist in ("zoom-phone", "zoomus", "httpx", "requests"):
        try:
            versions[dist] = metadata.version(dist)
        except metadata.PackageNotFoundError:
            versions[dist] = "?"
    units = {
        "parse_page_300": "ms/page", "import_ms": "ms", "walk_peak_rss_kib": "KiB", "walk_rss_growth_kib": "KiB",
    }
    for mode in ("sync", "async"):
        units |= {
            f"{mode}_seq_get": "ms/call", f"{mode}_seq_get_cpu": "CPU ms/call",
            f"{mode}_walk_20000": "ms", f"{mode}_walk_20000_cpu": "CPU ms", f"{mode}_concurrent_50": "calls/s",
        }
    out = os.environ.get("BENCH_OUT", "python.json")
    with open(out, "w") as f:
        json.dump({"host": "python", "versions": versions, "rounds": ROUNDS,
                   "params": {"seqCalls": SEQ_CALLS, "concCalls": CONC_CALLS, "concurrency": CONCURRENCY},
                   "units": units, "samples": samples}, f, indent=2)
    print(f"python: wrote {out} (median sync walk ours "
          f"{statistics.median(samples['sync_walk_20000']['ours']):.0f} ms)", file=sys.stderr)


if __name__ == "__main__":
    main()
