#!/usr/bin/env python3
"""Writes docs/fleet.md from the JSON results of tools/fleet/run.py
(`make fleet` runs it: with Redis, the baseline without it, user OAuth).

    tools/fleet/report.py RESULT.json... > docs/fleet.md
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from run import SATURATED, verdict  # noqa: E402


def title(r: dict[str, Any]) -> str:
    if not r["redis"]:
        return "Without Redis (the baseline: each worker's in-process limiter, today's default)"
    auth = "a user's rotating refresh token" if r["auth"] == "user" else "server-to-server tokens"
    return f"With Redis, {auth}"


def section(r: dict[str, Any]) -> list[str]:
    out = [f"## {title(r)}", ""]
    outage = r["outage_s"]
    out.append(f"Workers `{r['workers']}`, {r['seconds']} s, share {r['share']}, token life {r['token_ttl']} s"
               + (f", Redis down from {outage[0]} s to {outage[1]} s." if outage else "."))
    out += ["", "| measure | value |", "| --- | --- |"]
    out.append(f"| responses | {r['responses']} ({r['ok_calls']} calls answered to the workers) |")
    near = f" ({r['status_429_near_outage']} around the outage)" if outage else ""
    out.append(f"| answers 429 | {r['status_429']}{near} |")
    for cat, t in sorted(r["throughput"].items()):
        note = "" if t["saturated"] else " (not saturated by the work mix: not held to the plan)"
        out.append(f"| {cat} per second outside the outage | {t['per_second']} of {t['limit']}"
                   f" ({t['share_of_limit']:.0%}){note} |")
    out.append(f"| token requests | {r['token_requests']} ({r['token_requests_too_close']} within 40 % of a "
               f"token's life of the previous one outside the outage) |")
    if r["auth"] == "user":
        out.append(f"| refreshes / refused (a spent refresh token sent) | {r['refreshes']} / {r['refused_refreshes']} |")
    out.append(f"| failed calls | {r['failed_calls'] or 'none'} |")
    if outage:
        out.append(f"| back on the shared state after Redis returned | first worker {r['first_rejoin_s']} s, "
                   f"every worker {r['recovery_s']} s |")
        out.append(f"| degraded-mode reports (one per worker and outage) | {r['degraded_events']} |")
    problems = verdict(r, short=False)
    out += ["", "Targets: " + ("all met." if not problems else "missed: " + "; ".join(problems) + "."), ""]
    return out


def main() -> int:
    results = [json.loads(Path(p).read_text()) for p in sys.argv[1:]]
    lines = [
        "# The fleet test",
        "",
        "Written by `make fleet` (tools/fleet/run.py, tools/fleet/report.py); how the test works is in",
        "tools/fleet/README.md. One mock Zoom with Pro's rate limits (its request log is the referee), one",
        "redis-server, workers of every host walking the call history (Heavy) and reading users (Light)",
        "as fast as their client allows, all starting their work at once when every one has started up.",
        "Throughput counts the seconds outside the outage (from a second before Redis goes until a second",
        "after it is back) and the run's first and last two; the targets are: no 429, at least 90 % of the",
        f"plan in each saturated category ({', '.join(SATURATED)}), one token request per expiry, no refused",
        "refresh, no failed call, every worker back on the shared state within a second of Redis returning.",
        "The machine is shared and loaded: numbers are of one run.",
        "",
    ]
    for r in results:
        lines += section(r)
    sys.stdout.write("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())
