"""The fault matrix (core/tests/it/fault_matrix.json, shared with the Rust and
Node suites) against ZoomPhone and AsyncZoomPhone. Every verdict is read from
the mock's request log: attempts on the wire, the operation each matched,
how often a write reached the handler, and the exception class."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Callable
from typing import Any, Optional

import pytest

from zoom_phone import AsyncZoomPhone, ZoomPhone, exceptions

from conftest import ROOT, Mock

MATRIX: dict[str, Any] = json.loads((ROOT / "core" / "tests" / "it" / "fault_matrix.json").read_text())

EXPECT: dict[str, type[Exception]] = {
    "rate_limit": exceptions.RateLimitError,
    "daily_limit": exceptions.DailyLimitExceededError,
    "api": exceptions.ApiError,
    "transport": exceptions.TransportError,
    "timeout": exceptions.TimeoutError,
    "decode": exceptions.DecodeError,
    "page_token_expired": exceptions.PageTokenExpiredError,
}


def _kwargs(mock: Mock, s: dict[str, Any]) -> dict[str, Any]:
    kwargs = mock.client_kwargs()
    kwargs["max_attempts"] = MATRIX["max_attempts"]
    kwargs["retry_non_idempotent"] = bool(s.get("retry_non_idempotent"))
    if "attempt_timeout_ms" in s:
        kwargs["timeout"] = s["attempt_timeout_ms"] / 1000
    if "deadline_ms" in s:
        kwargs["call_timeout"] = s["deadline_ms"] / 1000
    return kwargs


def _sync_run(zp: ZoomPhone, s: dict[str, Any], which: str) -> None:
    spec = MATRIX[which]
    if which == "walk":
        method = getattr(zp.users, "list_phone_users")
        for _ in method.iter(**spec["params"]):
            pass
        return
    zp.call(spec["op"], json.loads(json.dumps(spec["params"])))


async def _async_run(zp: AsyncZoomPhone, s: dict[str, Any], which: str) -> None:
    spec = MATRIX[which]
    if which == "walk":
        method = getattr(zp.users, "list_phone_users")
        async for _ in method.iter(**spec["params"]):
            pass
        return
    await zp.call(spec["op"], json.loads(json.dumps(spec["params"])))


def _matrix(mock: Mock, host: str, run: Callable[[dict[str, Any], str, list[str]], Optional[BaseException]]) -> None:
    faults = checked = ran = 0
    for s in MATRIX["scenarios"]:
        label = f"{host} / {s['name']}"
        if "python" in s.get("not_in", {}):
            continue
        ran += 1
        mock.post("/reset")
        setup = s.get("setup", {})
        if "rate_limits" in setup:
            put = mock.admin.put("/rate_limits", json=setup["rate_limits"])
            assert put.status_code < 300, put.text
        if "config" in setup:
            patch = mock.admin.patch("/config", json=setup["config"])
            assert patch.status_code < 300, patch.text
        spec = MATRIX[s["call"]]
        queued = latency = 0
        faults_of = [dict(f, path=spec["path"]) for f in s["faults"]]
        for f in faults_of:
            queued += f.get("count", 1)
            latency = max(latency, f.get("ms", 0))
        error = run(s, s["call"], s.get("before", []))
        # run() clears the log after `before` and queues the faults itself via the hook below.
        if latency:
            time.sleep((latency + 300) / 1000)
        left = sum(f["count"] for f in mock.admin.get("/faults").json())
        faults += queued - left
        hits = mock.requests("/v2")
        checked += len(hits)
        for hit in hits:
            assert (hit["path"], hit["method"], hit["operation"]) == (spec["path"], spec["method"], spec["op"]), label
        assert s["attempts"] <= MATRIX["max_attempts"], label
        assert len(hits) == s["attempts"], f"{label}: {[r['status'] for r in hits]}"
        if spec["method"] == "POST" and not s.get("retry_non_idempotent"):
            assert sum(1 for r in hits if r["status"] != 429) <= 1, f"{label}: a write performed twice"
        if s["expect"] == "ok":
            assert error is None, f"{label}: {error!r}"
            assert hits[-1]["status"] < 300, label
        else:
            assert isinstance(error, EXPECT[s["expect"]]), f"{label}: {error!r}"
            if s["expect"] == "api":
                assert not isinstance(error, exceptions.RateLimitError), label
            if "status" in s:
                assert getattr(error, "status", None) == s["status"], f"{label}: {error!r}"
    assert (len(MATRIX["scenarios"]), ran) == (20, 20)
    print(f"fault matrix (python {host}): {ran} scenarios, {faults} faults injected, {checked} requests checked from the log")


def _queue(mock: Mock, s: dict[str, Any]) -> None:
    mock.clear_log()
    for f in s["faults"]:
        mock.fault(**dict(f, path=MATRIX[s["call"]]["path"]))


def test_sync_fault_matrix(mock: Mock, capsys: pytest.CaptureFixture[str]) -> None:
    def run(s: dict[str, Any], which: str, before: list[str]) -> Optional[BaseException]:
        with ZoomPhone(**_kwargs(mock, s)) as zp:
            for b in before:
                _sync_run(zp, s, b)
            _queue(mock, s)
            try:
                _sync_run(zp, s, which)
            except exceptions.ZoomPhoneError as e:
                return e
        return None

    _matrix(mock, "sync", run)
    with capsys.disabled():
        print(capsys.readouterr().out, end="")


def test_async_fault_matrix(mock: Mock, capsys: pytest.CaptureFixture[str]) -> None:
    def run(s: dict[str, Any], which: str, before: list[str]) -> Optional[BaseException]:
        async def go() -> Optional[BaseException]:
            async with AsyncZoomPhone(**_kwargs(mock, s)) as zp:
                for b in before:
                    await _async_run(zp, s, b)
                _queue(mock, s)
                try:
                    await _async_run(zp, s, which)
                except exceptions.ZoomPhoneError as e:
                    return e
            return None

        return asyncio.run(go())

    _matrix(mock, "async", run)
    with capsys.disabled():
        print(capsys.readouterr().out, end="")
