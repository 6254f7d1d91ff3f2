"""No crash across the FFI: every function of ``zoom_phone._core`` and every
method of its classes, found by enumerating the module (so a new export is
abused too), called with wrong types and values. Each call must raise an
ordinary ``Exception`` of an expected class (a Rust panic would surface as
pyo3's PanicException, a BaseException) or return; the interpreter must
survive and the module keep working. The same abuse runs in a subprocess
first, so an abort fails the test instead of killing pytest.

Run directly (``python py-tests/test_ffi.py``) it performs the abuse and
prints its counts."""

from __future__ import annotations

import inspect
import subprocess
import sys
import time
from collections.abc import Callable
from typing import Any

from zoom_phone import _core, exceptions

EXPECTED = (TypeError, ValueError, OverflowError, exceptions.ZoomPhoneError)


def _session() -> Any:
    return _core.Session({"access_token": "t", "base_url": "http://127.0.0.1:9/v2"})


def _pager() -> Any:
    return _core.Pager("listPhoneUsers", {})


def _syncer() -> Any:
    return _core.Syncer("syncUserCallLogs", {"userId": "u1"})


def _shard_job() -> Any:
    fleet = _core.Session({"access_token": "t", "base_url": "http://127.0.0.1:9/v2", "fleet": {"account": "a"}})
    return fleet.shard_job("j", "w", "2026-01-01", "2026-03-31")


def _bad_values() -> list[Any]:
    nested: Any = []
    for _ in range(10_000):
        nested = [nested]
    return [
        None, 0, -1, 2**70, -(2**70), float("nan"), float("inf"), True, "", "x" * 1_000_000, "\ud800",
        "\x00", "é🙂", b"\xff\xfe", bytearray(b"\x00"), object(), [], {}, {"body": float("nan")},
        {"a": object()}, {1: 2}, nested, {"body": nested}, _session(), _pager(), (lambda: 0),
    ]


def _callables() -> list[tuple[str, Callable[..., Any], list[inspect.Parameter]]]:
    """Every exported function and every public method of every exported class."""
    out: list[tuple[str, Callable[..., Any], list[inspect.Parameter]]] = []
    targets = {"Session": _session(), "Pager": _pager(), "Syncer": _syncer(), "ShardJob": _shard_job()}
    for name in sorted(dir(_core)):
        if name.startswith("_"):
            continue
        obj = getattr(_core, name)
        if isinstance(obj, type):
            assert name in targets, f"new exported class {name}: give the abuse test an instance of it"
            out.append((name, obj, _params(obj)))
            for meth in sorted(dir(obj)):
                if meth.startswith("_"):
                    continue
                bound = getattr(targets[name], meth)
                out.append((f"{name}.{meth}", bound, _params(bound)))
        elif callable(obj):
            out.append((name, obj, _params(obj)))
    return out


def _params(fn: Any) -> list[inspect.Parameter]:
    try:
        return list(inspect.signature(fn).parameters.values())
    except (TypeError, ValueError):
        return []


def abuse() -> dict[str, int]:
    """Calls everything with every bad value in every position; returns the counts."""
    counts = {"exports": 0, "calls": 0, "raised": 0, "returned": 0}
    bad = _bad_values()
    for name, fn, params in _callables():
        counts["exports"] += 1
        positional = [p for p in params if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
        keyword = [p for p in params if p.kind == p.KEYWORD_ONLY]
        attempts: list[tuple[tuple[Any, ...], dict[str, Any]]] = [((), {}), ((None,) * 12, {})]
        for v in bad:
            attempts.append(((v,) * len(positional), {}))
            for i in range(len(positional)):
                args = tuple("listPhoneUsers" if j == 0 else 1 for j in range(len(positional)))
                attempts.append((args[:i] + (v,) + args[i + 1 :], {}))
            for k in keyword:
                attempts.append(((v,) * len(positional), {k.name: v}))
                attempts.append((("listPhoneUsers",) + (1,) * max(0, len(positional) - 1), {k.name: v}))
            attempts.append(((), {"no_such_keyword": v}))
        for args, kwargs in attempts:
            counts["calls"] += 1
            try:
                fn(*args, **kwargs)
            except EXPECTED:
                counts["raised"] += 1
            except Exception as e:  # noqa: BLE001 - reported with the call that raised it
                raise AssertionError(f"{name}{args!r:.120}: unexpected {type(e).__name__}: {e}") from e
            else:
                counts["returned"] += 1
    return counts


def _still_works() -> None:
    assert len(_core.catalog()["operations"]) == 391
    assert _core.build_request("listPhoneSites", {})["method"] == "GET"
    s = _session()
    now = int(time.time() * 1000)
    call, step = s.start("listPhoneSites", {}, None, now)
    assert step[0] == "send", step
    done = s.respond(call, 200, {"content-type": "application/json"}, b'{"sites": []}', now)
    assert done[0] == "done" and done[5] == b'{"sites": []}', done


def test_abuse_in_a_subprocess_ends_normally() -> None:
    proc = subprocess.run([sys.executable, __file__], capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, f"exit {proc.returncode}\n{proc.stdout}\n{proc.stderr[-4000:]}"
    assert "ffi abuse (python)" in proc.stdout


def test_abuse_in_this_interpreter_leaves_the_module_working() -> None:
    counts = abuse()
    _still_works()
    assert counts["exports"] >= 20, counts
    assert counts["raised"] > counts["returned"], counts
    print(
        f"ffi abuse (python): {counts['exports']} exports, {counts['calls']} calls, "
        f"{counts['raised']} raised, {counts['returned']} returned"
    )


if __name__ == "__main__":
    c = abuse()
    _still_works()
    print(f"ffi abuse (python): {c['exports']} exports, {c['calls']} calls, {c['raised']} raised, {c['returned']} returned")
