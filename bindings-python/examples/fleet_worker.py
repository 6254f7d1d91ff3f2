"""The Python worker of the fleet test (tools/fleet/run.py; the contract is
tools/fleet/README.md): works against the mock as fast as the client allows
for --seconds, four calls in flight (two walking the call history, two
reading users), sharing the account's budget and tokens with the other
workers through Redis, then prints one JSON line. Only the package's
public API and redis-py, as a user would write it; ``--asyncio`` runs the
same work on :class:`~zoom_phone.AsyncZoomPhone` with ``redis.asyncio``.

    python fleet_worker.py --mock URL --redis URL|none --auth s2s|user
        [--tokens FILE] --seconds N --id NAME [--share F] [--asyncio] [--log LEVEL] [--ready]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import sys
import threading
import time
from collections import Counter
from pathlib import Path
from typing import Any, Optional

import redis
import redis.asyncio

from zoom_phone import AsyncZoomPhone, FleetOptions, ZoomPhone, ZoomPhoneError

CLIENT = {"client_id": "mock-client-id", "client_secret": "mock-client-secret"}


class Tally(logging.Handler):
    """Prints the client's log records to stderr and counts the fleet's
    outages (``fleet.degraded``)."""

    def __init__(self, name: str) -> None:
        super().__init__(logging.DEBUG)
        self.name = name
        self.degraded = 0

    def emit(self, record: logging.LogRecord) -> None:
        event = getattr(record, "zoom_phone_event", "")
        if event == "fleet.degraded":
            self.degraded += 1
        # Epoch ms first: the orchestrator lines records up with the mock's log.
        stamp = int(record.created * 1000)
        sys.stderr.write(f"{stamp} [{self.name}] {record.levelname.lower()} {event}: {record.getMessage()}\n")


class Work:
    """What the worker did: calls answered, and failed ones by error class."""

    def __init__(self, seconds: float, ready: bool) -> None:
        self.seconds = seconds
        self.ready = ready
        self.end = time.monotonic() + seconds
        self.ok = 0
        self.failed: Counter[str] = Counter()
        self._lock = threading.Lock()

    def start(self) -> None:
        """The work's clock starts now; with ``--ready`` at the orchestrator's
        go (a line on stdin), so that every worker starts at once, after all
        have started."""
        if self.ready:
            print("ready", flush=True)
            sys.stdin.readline()
        self.end = time.monotonic() + self.seconds

    def going(self) -> bool:
        return time.monotonic() < self.end

    def done(self) -> None:
        with self._lock:
            self.ok += 1

    def fail(self, error: ZoomPhoneError) -> None:
        with self._lock:
            self.failed[error.error_class] += 1


def arguments() -> argparse.Namespace:
    p = argparse.ArgumentParser(description="The Python worker of the fleet test (tools/fleet/README.md).")
    p.add_argument("--mock", required=True, help="the mock's root URL")
    p.add_argument("--redis", required=True, help="redis://HOST:PORT, or none (no fleet: the in-process limiter)")
    p.add_argument("--auth", required=True, choices=["s2s", "user"])
    p.add_argument("--tokens", help="with --auth user: a user's tokens (token-store JSON)")
    p.add_argument("--seconds", required=True, type=float)
    p.add_argument("--id", required=True)
    p.add_argument("--share", type=float)
    p.add_argument("--asyncio", action="store_true", help="AsyncZoomPhone with redis.asyncio")
    p.add_argument("--ready", action="store_true", help="print ready once the client is built, start at a line on stdin")
    p.add_argument("--log", default="warn", choices=["debug", "info", "warn", "error"], help="the client's log level")
    args = p.parse_args()
    if args.auth == "user" and not args.tokens:
        p.error("--auth user needs --tokens FILE")
    if not args.seconds > 0:
        p.error("--seconds must be a positive number")
    if args.share is not None and not 0 < args.share <= 1:
        p.error("--share must be in (0, 1]")
    return args


def settings(args: argparse.Namespace, redis_client: Any) -> dict[str, Any]:
    """The client's keyword arguments, the same for both clients."""
    credentials: dict[str, Any] = dict(CLIENT)
    if args.auth == "s2s":
        credentials["account_id"] = "mock-account"
    else:
        credentials["tokens"] = Path(args.tokens).read_bytes()
    out: dict[str, Any] = {
        **credentials,
        "base_url": f"{args.mock}/v2",
        "oauth_base": args.mock,
        "rate_limits": "pro",
        "log": args.log,
    }
    if redis_client is not None:
        fleet: FleetOptions = {"redis": redis_client, "account": "mock-account"}
        if args.share is not None:
            fleet["share"] = args.share
        if args.auth == "user":
            fleet["tokens"] = "user-1"
        out["fleet"] = fleet
    return out


def run_threads(args: argparse.Namespace, work: Work) -> None:
    # No retries inside redis-py: while Redis is away a command fails at once
    # (the client then works alone) instead of being tried again late.
    client = None if args.redis == "none" else redis.Redis.from_url(args.redis, socket_timeout=2, retry=None)
    zp = ZoomPhone(**settings(args, client))
    work.start()

    def walker() -> None:
        while work.going():
            token: Optional[str] = None
            try:
                while work.going():
                    page = zp.call_logs.account_call_history(page_size=300, next_page_token=token)
                    work.done()
                    token = page.get("next_page_token") or None
                    if token is None:
                        break
            except ZoomPhoneError as e:
                work.fail(e)

    def reader() -> None:
        ids: list[str] = []
        while work.going():
            try:
                if not ids:
                    ids = [u["id"] for u in zp.users.list_phone_users(page_size=100).get("users", [])]
                else:
                    zp.users.phone_user(user_id=ids.pop())
                work.done()
            except ZoomPhoneError as e:
                work.fail(e)

    threads = [threading.Thread(target=f) for f in (walker, walker, reader, reader)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    zp.close()
    if client is not None:
        client.close()


async def run_tasks(args: argparse.Namespace, work: Work) -> None:
    client = None if args.redis == "none" else redis.asyncio.Redis.from_url(args.redis, socket_timeout=2, retry=None)
    async with AsyncZoomPhone(**settings(args, client)) as zp:
        work.start()

        async def walker() -> None:
            while work.going():
                token: Optional[str] = None
                try:
                    while work.going():
                        page = await zp.call_logs.account_call_history(page_size=300, next_page_token=token)
                        work.done()
                        token = page.get("next_page_token") or None
                        if token is None:
                            break
                except ZoomPhoneError as e:
                    work.fail(e)

        async def reader() -> None:
            ids: list[str] = []
            while work.going():
                try:
                    if not ids:
                        ids = [u["id"] for u in (await zp.users.list_phone_users(page_size=100)).get("users", [])]
                    else:
                        await zp.users.phone_user(user_id=ids.pop())
                    work.done()
                except ZoomPhoneError as e:
                    work.fail(e)

        await asyncio.gather(walker(), walker(), reader(), reader())
    if client is not None:
        await client.aclose()


def main() -> int:
    args = arguments()
    tally = Tally(args.id)
    logger = logging.getLogger("zoom_phone")
    logger.setLevel({"debug": logging.DEBUG, "info": logging.INFO, "warn": logging.WARNING, "error": logging.ERROR}[args.log])
    logger.addHandler(tally)
    work = Work(args.seconds, args.ready)
    if args.asyncio:
        asyncio.run(run_tasks(args, work))
    else:
        run_threads(args, work)
    host = "python-async" if args.asyncio else "python-sync"
    report = {"worker": args.id, "host": host, "ok": work.ok, "failed": dict(work.failed), "degraded_events": tally.degraded}
    print(json.dumps(report), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
