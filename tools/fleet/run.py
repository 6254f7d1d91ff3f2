#!/usr/bin/env python3
"""The fleet test: workers of every host sharing one account's budget and
tokens through one Redis, against one mock Zoom whose request log is the
referee.

    tools/fleet/run.py [--seconds 60] [--workers rust:3,node:3,python-sync:2,python-async:1]
                       [--auth s2s|user] [--no-redis] [--kill-at S --kill-for 10]
                       [--share 0.95] [--token-ttl 10] [--json OUT] [--check]

It starts the mock (`--rate-limits pro --token-ttl N`) and a redis-server on
free loopback ports, runs the workers (tools/fleet/README.md says how each
is started) for `--seconds`, kills Redis at `--kill-at` (default: so that
the outage sits in the middle of the run) for `--kill-for` seconds
(restarted empty on the same port), and reads the mock's request log: 429
answers, calls per rate-limit category per second, token and refresh
requests (and refused refreshes: a spent refresh token sent), and the
workers' own failures. While Redis is back it watches the fleet's
heartbeat there to time the recovery. `--check` exits 1 when a target is
missed: no 429, throughput of at least 90 % of the plan outside the outage
in each category the work saturates (SATURATED), one token request per
expiry for the fleet outside the outage, no refused refresh, no failed
call, every worker back on the shared state within a second of Redis.
Without `--check` it only reports (the baseline without Redis is expected
to miss them).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any, Optional

ROOT = Path(__file__).resolve().parents[2]
PRO = {"Light": 20, "Medium": 10, "Heavy": 5}
# The categories the work mix (tools/fleet/README.md) keeps busy: the
# walkers' accountCallHistory (Heavy) and the readers' phoneUser (Light).
# listPhoneUsers (Medium) comes once per 100 phoneUser calls, a few a
# second for the fleet against a limit of 10: its throughput is reported,
# not held to the plan.
SATURATED = ("Light", "Heavy")
# The fleet's heartbeat key (FleetConfig's default prefix, the workers' account).
HEARTBEAT = "zoom-phone:{mock-account}:workers"
CLIENT = ("mock-client-id", "mock-client-secret")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def target_dir() -> Path:
    env = os.environ.get("CARGO_TARGET_DIR")
    return Path(env) if env else ROOT / "target"


def wait_for(check, what: str, timeout: float = 20.0) -> None:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        try:
            if check():
                return
        except OSError:
            pass
        time.sleep(0.05)
    raise SystemExit(f"fleet: {what} did not come up")


class Redis:
    def __init__(self, port: int) -> None:
        self.port = port
        self.dir = tempfile.mkdtemp(prefix="fleet-redis-")
        self.proc: Optional[subprocess.Popen[bytes]] = None

    def start(self) -> None:
        self.proc = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no", "--dir", self.dir],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )

        def up() -> bool:
            with socket.create_connection(("127.0.0.1", self.port), timeout=0.2) as s:
                s.sendall(b"PING\r\n")
                return s.recv(16).startswith(b"+PONG")

        wait_for(up, "redis-server")

    def watch_heartbeat(self, workers: int, since: float, limit: float) -> dict[str, Optional[float]]:
        """Seconds from `since` (Redis back) until the first worker and
        then every worker ran a shared operation on it (each one's acquire
        writes its heartbeat), watching for at most `limit` seconds."""
        first = every = None
        end = time.time() + limit
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=1) as s:
                command = f"*2\r\n$5\r\nZCARD\r\n${len(HEARTBEAT)}\r\n{HEARTBEAT}\r\n".encode()
                while time.time() < end and every is None:
                    s.sendall(command)
                    reply = s.recv(64)
                    now = time.time()
                    seen = int(reply[1:].split(b"\r\n")[0]) if reply.startswith(b":") else 0
                    if seen and first is None:
                        first = now - since
                    if seen >= workers:
                        every = now - since
                    time.sleep(0.005)
        except OSError:
            pass
        return {"first": None if first is None else round(first, 3),
                "every": None if every is None else round(every, 3)}

    def kill(self) -> None:
        if self.proc is not None:
            self.proc.kill()
            self.proc.wait()
            self.proc = None

    def close(self) -> None:
        self.kill()
        shutil.rmtree(self.dir, ignore_errors=True)


class Mock:
    def __init__(self, token_ttl: float) -> None:
        self.work = tempfile.mkdtemp(prefix="fleet-mock-")
        port_file = Path(self.work) / "port"
        binary = target_dir() / "debug" / "zoom-phone-mock"
        self.proc = subprocess.Popen(
            [str(binary), "--port-file", str(port_file), "--rate-limits", "pro",
             "--token-ttl", str(token_ttl), "--log-capacity", "1000000"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        wait_for(lambda: port_file.exists() and port_file.read_text().strip() != "", "the mock")
        self.url = f"http://127.0.0.1:{port_file.read_text().strip()}"
        wait_for(lambda: self.get("/_admin/health") is not None, "the mock's admin API")

    def get(self, path: str) -> Any:
        with urllib.request.urlopen(self.url + path, timeout=30) as r:
            return json.loads(r.read())

    def user_tokens(self) -> dict[str, Any]:
        """A user's tokens from the mock's code flow (it consents at once)."""
        redirect = "http://127.0.0.1:9/callback"
        query = urllib.parse.urlencode({"response_type": "code", "client_id": CLIENT[0],
                                        "redirect_uri": redirect, "state": "fleet"})

        class NoRedirect(urllib.request.HTTPRedirectHandler):
            def redirect_request(self, *args: Any) -> None:
                return None

        opener = urllib.request.build_opener(NoRedirect)
        try:
            opener.open(f"{self.url}/oauth/authorize?{query}", timeout=10)
            raise SystemExit("fleet: the mock's authorize did not redirect")
        except urllib.error.HTTPError as e:
            location = e.headers["location"]
        code = urllib.parse.parse_qs(urllib.parse.urlparse(location).query)["code"][0]
        body = urllib.parse.urlencode({"grant_type": "authorization_code", "code": code,
                                       "redirect_uri": redirect, "client_id": CLIENT[0],
                                       "client_secret": CLIENT[1]}).encode()
        with urllib.request.urlopen(f"{self.url}/oauth/token", data=body, timeout=10) as r:
            t = json.loads(r.read())
        return {"access_token": t["access_token"], "refresh_token": t["refresh_token"],
                "token_type": "bearer", "scopes": [],
                "expires_at": int(time.time() * 1000) + int(t["expires_in"]) * 1000}

    def close(self) -> None:
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.proc.kill()
        shutil.rmtree(self.work, ignore_errors=True)


def worker_command(host: str, i: int, args: argparse.Namespace, redis_url: str,
                   mock: str, tokens_file: Optional[str]) -> list[str]:
    common = ["--mock", mock, "--redis", redis_url, "--auth", args.auth,
              "--seconds", str(args.seconds), "--id", f"{host}-{i}", "--share", str(args.share),
              "--log", args.worker_log, "--ready"]
    if tokens_file:
        common += ["--tokens", tokens_file]
    if host == "rust":
        binary = target_dir() / "debug" / "examples" / "fleet_worker"
        return [str(binary), *common] + (["--blocking"] if i % 2 == 1 else [])
    if host == "node":
        return ["node", str(ROOT / "js-examples" / "fleet" / "worker.mjs"), *common]
    python = os.environ.get("ZOOM_PHONE_PYTHON", str(ROOT / ".venv" / "bin" / "python"))
    script = str(ROOT / "bindings-python" / "examples" / "fleet_worker.py")
    return [python, script, *common] + (["--asyncio"] if host == "python-async" else [])


def build(args: argparse.Namespace) -> None:
    """The mock, and the Rust worker when the run has one: built once here,
    not by each worker (cargo's lock would run them one after another)."""
    cargo = os.environ.get("CARGO", "cargo")
    commands = [[cargo, "build", "-q", "-p", "zoom-phone-mock"]]
    hosts = {spec.partition(":")[0] for spec in args.workers.split(",")}
    if "rust" in hosts:
        commands.append([cargo, "build", "-q", "-p", "zoom-phone-client", "--example", "fleet_worker",
                         "--features", "async,blocking,redis,tracing"])
    for command in commands:
        subprocess.run(command, cwd=ROOT, check=True)


def categories() -> dict[str, str]:
    catalog = json.loads((ROOT / "core" / "src" / "generated" / "catalog.json").read_text())
    return {op["id"]: op.get("rate_limit") or "Light" for op in catalog["operations"]}


def run(args: argparse.Namespace) -> dict[str, Any]:
    if not args.no_build:
        build(args)
    mock = Mock(args.token_ttl)
    redis = Redis(free_port())
    procs: list[tuple[str, subprocess.Popen[str]]] = []
    tokens_file = None
    try:
        if not args.no_redis:
            redis.start()
        if args.auth == "user":
            fd, tokens_file = tempfile.mkstemp(prefix="fleet-tokens-", suffix=".json")
            with os.fdopen(fd, "w") as f:
                json.dump(mock.user_tokens(), f)
        redis_url = "none" if args.no_redis else f"redis://127.0.0.1:{redis.port}"
        for spec in args.workers.split(","):
            host, _, n = spec.partition(":")
            for i in range(int(n or 1)):
                cmd = worker_command(host, i, args, redis_url, mock.url, tokens_file)
                # A file, not a pipe, when the records are kept: a debug log
                # fills a pipe nobody reads until the end and stalls the worker.
                err: Any = subprocess.PIPE
                if args.worker_logs:
                    Path(args.worker_logs).mkdir(parents=True, exist_ok=True)
                    err = open(Path(args.worker_logs) / f"{host}-{i}.log", "w")
                procs.append((host, subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                                     text=True, stderr=err)))
                if err is not subprocess.PIPE:
                    err.close()
        # Every worker starts up (an interpreter, the wasm, imports, its
        # client) before any works: nine starting on the referee's two cores
        # would otherwise starve the ones already sending, and the mock, and
        # the run would measure that instead of the fleet. A worker that
        # dies starting is reported with the others.
        for _, p in procs:
            assert p.stdout is not None
            p.stdout.readline()
        started = time.time()
        for _, p in procs:
            assert p.stdin is not None
            try:
                p.stdin.write("go\n")
                p.stdin.flush()
            except BrokenPipeError:
                pass
        outage: Optional[tuple[float, float]] = None
        rejoin: dict[str, Optional[float]] = {"first": None, "every": None}
        if not args.no_redis and args.kill_for > 0:
            time.sleep(max(0.0, started + args.kill_at - time.time()))
            redis.kill()
            down = time.time()
            time.sleep(args.kill_for)
            redis.start()
            outage = (down, time.time())
            left = started + args.seconds - time.time()
            rejoin = redis.watch_heartbeat(len(procs), outage[1], max(0.0, left))
        reports = []
        for host, p in procs:
            out, err = p.communicate(timeout=args.seconds + 120)
            line = out.strip().splitlines()[-1] if out.strip() else "{}"
            try:
                report = json.loads(line)
            except json.JSONDecodeError:
                report = {"worker": host, "broken": line[-300:]}
            report["exit"] = p.returncode
            if p.returncode != 0:
                report["stderr"] = (err or "")[-2000:]
            reports.append(report)
        ended = time.time()
        log = mock.get("/_admin/requests")
        if args.dump_log:
            Path(args.dump_log).write_text(json.dumps(log))
    finally:
        for _, p in procs:
            if p.poll() is None:
                p.kill()
        redis.close()
        mock.close()
        if tokens_file:
            os.unlink(tokens_file)
    return analyse(args, log, reports, started, ended, outage, rejoin)


def analyse(args: argparse.Namespace, log: list[dict[str, Any]], reports: list[dict[str, Any]],
            started: float, ended: float, outage: Optional[tuple[float, float]],
            rejoin: dict[str, Optional[float]]) -> dict[str, Any]:
    cats = categories()
    per_second: dict[str, Counter[int]] = defaultdict(Counter)
    rejected: list[float] = []
    rejected_in: Counter[str] = Counter()
    statuses: Counter[int] = Counter()
    token_times: list[float] = []
    refreshes, refused_refreshes = 0, 0
    for e in log:
        t = e["timestamp_ms"] / 1000
        if e["path"] == "/oauth/token":
            grant = urllib.parse.parse_qs(e.get("body") or "").get("grant_type", [""])[0]
            if grant == "refresh_token":
                refreshes += 1
                refused_refreshes += e["status"] != 200
            if grant in ("account_credentials", "refresh_token") and e["status"] == 200:
                token_times.append(t)
            continue
        if not e["path"].startswith("/v2/"):
            continue
        statuses[e["status"]] += 1
        if e["status"] == 429:
            rejected.append(t)
            rejected_in[cats.get(e.get("operation") or "", "Light")] += 1
        if e["status"] < 400 and e.get("operation"):
            per_second[cats.get(e["operation"], "Light")][int(t - started)] += 1

    def in_outage(second: int) -> bool:
        if outage is None:
            return False
        t = started + second
        # The second after Redis is back is the recovery allowance.
        return outage[0] - 1 <= t <= outage[1] + 1

    seconds = int(ended - started)
    steady = [s for s in range(2, max(2, seconds - 2)) if not in_outage(s)]
    throughput = {}
    for cat, counts in per_second.items():
        limit = PRO.get(cat)
        if limit is None or not steady:
            continue
        rate = sum(counts[s] for s in steady) / len(steady)
        throughput[cat] = {"per_second": round(rate, 2), "limit": limit,
                           "share_of_limit": round(rate / limit, 3), "saturated": cat in SATURATED}
    # Where the 429s fell: around the outage (from its start to 2 s after
    # Redis is back) or in the steady run.
    near_outage = sum(outage is not None and outage[0] <= t <= outage[1] + 2 for t in rejected)
    token_times.sort()
    outside = [t for t in token_times if outage is None or not (outage[0] <= t <= outage[1] + 1)]
    gaps = [b - a for a, b in zip(outside, outside[1:])]
    # Tokens are renewed halfway through their life (the refresh margin is at
    # most half of it): one fleet renewal per half-life.
    too_close = sum(g < args.token_ttl * 0.4 for g in gaps)
    failed = Counter()
    for r in reports:
        failed.update(r.get("failed", {}))
    result = {
        "workers": args.workers, "auth": args.auth, "redis": not args.no_redis,
        "seconds": round(ended - started, 1), "share": args.share, "token_ttl": args.token_ttl,
        "outage_s": None if outage is None else [round(outage[0] - started, 1), round(outage[1] - started, 1)],
        "responses": sum(statuses.values()), "status_429": statuses.get(429, 0),
        "throughput": throughput,
        "token_requests": len(token_times), "token_requests_outside_outage": len(outside),
        "token_requests_too_close": too_close,
        "refreshes": refreshes, "refused_refreshes": refused_refreshes,
        "failed_calls": dict(failed), "ok_calls": sum(r.get("ok", 0) for r in reports),
        "status_429_near_outage": near_outage, "status_429_by_category": dict(rejected_in),
        "status_429_at_s": [round(t - started, 2) for t in rejected[:20]],
        # From Redis back to every worker on the shared state again (its
        # heartbeat there), and to the first one.
        "recovery_s": rejoin["every"], "first_rejoin_s": rejoin["first"],
        "degraded_events": sum(r.get("degraded_events", 0) for r in reports),
        "broken_workers": [r for r in reports if r.get("exit") != 0 or "broken" in r],
    }
    return result


def verdict(result: dict[str, Any], short: bool) -> list[str]:
    problems = []
    if result["status_429"]:
        problems.append(f"{result['status_429']} answers were 429")
    if not short:
        for cat, t in result["throughput"].items():
            if t["saturated"] and t["share_of_limit"] < 0.9:
                problems.append(f"{cat} ran at {t['share_of_limit']:.0%} of the plan's limit")
    if result["token_requests_too_close"]:
        problems.append(f"{result['token_requests_too_close']} token requests came within 40% of a token's life of the previous one")
    if result["refused_refreshes"]:
        problems.append(f"{result['refused_refreshes']} refreshes sent a spent refresh token")
    if result["failed_calls"]:
        problems.append(f"calls failed: {result['failed_calls']}")
    if result["broken_workers"]:
        problems.append(f"workers broke: {result['broken_workers']}")
    if result["outage_s"] is not None and result["redis"]:
        if result["recovery_s"] is None:
            problems.append("not every worker came back to the shared state after the outage")
        elif result["recovery_s"] > 1:
            problems.append(f"the last worker came back to the shared state {result['recovery_s']} s after Redis")
    return problems


def summary(args: argparse.Namespace, result: dict[str, Any]) -> str:
    """What the demo shows: who shared the account, what Zoom (the mock) said."""
    rates = ", ".join(f"{cat} {t['per_second']}/s of {t['limit']}" for cat, t in result["throughput"].items()
                      if t["saturated"])
    return "\n".join([
        f"fleet: workers {args.workers} shared one account through {'Redis' if result['redis'] else 'nothing'}"
        f" for {args.seconds} s at share {args.share}",
        f"fleet: {result['ok_calls']} calls answered, {result['status_429']} answered 429,"
        f" {result['token_requests']} token requests (one per {args.token_ttl:g} s token for the whole fleet)",
        f"fleet: {rates}; failed calls: {sum(result['failed_calls'].values())}",
    ])


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--seconds", type=int, default=60)
    p.add_argument("--workers", default="rust:3,node:3,python-sync:2,python-async:1")
    p.add_argument("--auth", choices=["s2s", "user"], default="s2s")
    p.add_argument("--no-redis", action="store_true")
    p.add_argument("--kill-at", type=float, help="seconds into the run (default: the outage in the middle)")
    p.add_argument("--kill-for", type=float, default=10)
    p.add_argument("--share", type=float, default=0.95)
    p.add_argument("--token-ttl", type=float, default=10)
    p.add_argument("--no-build", action="store_true",
                   help="use the mock and Rust worker already built under $CARGO_TARGET_DIR")
    p.add_argument("--json", help="write the result here")
    p.add_argument("--dump-log", help="write the mock's request log here (to see what came before a 429)")
    p.add_argument("--worker-log", choices=["debug", "info", "warn", "error"], default="warn",
                   help="the workers' client log level")
    p.add_argument("--worker-logs", help="write each worker's log records (epoch ms first) to DIR/ID.log")
    p.add_argument("--check", action="store_true", help="exit 1 when a target is missed")
    p.add_argument("--short", action="store_true", help="a smoke run: throughput and recovery are not checked")
    p.add_argument("--summary", action="store_true", help="print a few lines (the demo's) instead of the whole result")
    args = p.parse_args()
    if args.kill_at is None:
        args.kill_at = max(0.0, (args.seconds - args.kill_for) / 2)
    if not args.no_redis and args.kill_for > 0 and args.kill_at + args.kill_for + 2 > args.seconds:
        p.error(f"the outage ({args.kill_at:g} s + {args.kill_for:g} s) must end at least 2 s before "
                f"the workers stop (--seconds {args.seconds}): the recovery is part of the run")
    result = run(args)
    text = json.dumps(result, indent=2)
    if args.summary:
        print(summary(args, result))
    else:
        print(text)
    if args.json:
        Path(args.json).parent.mkdir(parents=True, exist_ok=True)
        Path(args.json).write_text(text + "\n")
    problems = verdict(result, args.short)
    for problem in problems if args.check or not args.summary else []:
        print(f"fleet: {problem}", file=sys.stderr)
    return 1 if (args.check and problems) else 0


if __name__ == "__main__":
    sys.exit(main())
