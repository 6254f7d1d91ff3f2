"""The parity vectors (tools/vectors/data, generated from the Rust core) run
through the Python package: every outcome must equal the recorded one, and
every error must be the exception class the package documents for its kind."""

from __future__ import annotations

import base64
import json
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, Optional

import pytest

import zoom_phone
from zoom_phone import _core, exceptions

DATA = Path(__file__).resolve().parent.parent / "tools" / "vectors" / "data"
HOST_UA = "python"
NOW_MS = 1_767_225_600_000


def load() -> list[tuple[str, str, list[dict[str, Any]]]]:
    files = []
    for path in sorted(DATA.glob("*.json")):
        doc = json.loads(path.read_text(encoding="utf-8"))
        assert doc["count"] == len(doc["vectors"]), path.name
        files.append((path.name, doc["runner"], doc["vectors"]))
    return files


FILES = load()
CASES = [(f"{name}: {v['name']}", runner, v) for name, runner, vectors in FILES for v in vectors]
RAN: set[str] = set()


def body_bytes(value: Optional[dict[str, str]]) -> bytes:
    if value is None:
        return b""
    if "utf8" in value:
        return value["utf8"].encode("utf-8")
    return base64.b64decode(value["base64"])


def encode(data: Optional[bytes]) -> Optional[dict[str, str]]:
    if not data:
        return None
    try:
        return {"utf8": data.decode("utf-8")}
    except UnicodeDecodeError:
        return {"base64": base64.b64encode(data).decode("ascii")}


def canonical(value: Any) -> str:
    # Text, so 1 and 1.0, or True and 1, are told apart.
    return json.dumps(value, sort_keys=True, ensure_ascii=False)


#: The exception each class of the core is raised as (exceptions.py documents it).
CLASSES = {
    "authentication": "AuthenticationError",
    "permission_denied": "PermissionDeniedError",
    "not_found": "NotFoundError",
    "validation": "ValidationError",
    "conflict": "ConflictError",
    "rate_limit": "RateLimitError",
    "daily_limit": "DailyLimitExceededError",
    "server": "ServerError",
    "api": "ApiError",
    "transport": "TransportError",
    "timeout": "TimeoutError",
    "decode": "DecodeError",
    "build": "BuildError",
    "webhook": "WebhookVerificationError",
    "token_store": "TokenStoreError",
    "page_token_expired": "PageTokenExpiredError",
    "response_too_large": "ResponseTooLargeError",
    "cancelled": "CallCancelledError",
    "internal": "InternalError",
}


def describe(e: exceptions.ZoomPhoneError) -> dict[str, Any]:
    """The exception as the core's ``Error::to_json()`` (nulls left out): what
    every host must report for an error."""
    out: dict[str, Any] = {
        "class": e.error_class,
        "code": e.code,
        "message": str(e),
        "operation": e.operation,
        "status": e.status,
        "zoom_code": e.zoom_code,
        "zoom_message": e.zoom_message,
        "errors": e.errors or None,
        "tracking_id": e.tracking_id,
        "rate_limit": e.rate_limit,
        "retry_after_ms": None if e.retry_after is None else round(e.retry_after * 1000),
        "retry_at_ms": None if e.retry_at is None else round(e.retry_at.timestamp() * 1000),
        "transport": e.transport,
        "limit": e.limit,
    }
    return {k: v for k, v in out.items() if v is not None}


def check_error(name: str, want: dict[str, Any], error: Optional[BaseException]) -> None:
    assert isinstance(error, exceptions.ZoomPhoneError), f"{name}: expected {want['class']}, got {error!r}"
    assert type(error).__name__ == CLASSES[want["class"]], f"{name}: {type(error).__name__}"
    assert canonical(describe(error)) == canonical(want), f"{name}: {describe(error)} != {want}"


def outcome(call: Callable[[], Any]) -> tuple[Any, Optional[exceptions.ZoomPhoneError]]:
    try:
        return call(), None
    except exceptions.ZoomPhoneError as e:
        return None, e


def check(name: str, expect: dict[str, Any], call: Callable[[], Any]) -> None:
    got, error = outcome(call)
    if "error" in expect:
        assert got is None, f"{name}: expected {expect['error']['class']}, got {got!r}"
        check_error(name, expect["error"], error)
    else:
        assert error is None, f"{name}: unexpected {type(error).__name__}: {error}"
        assert canonical(got) == canonical(expect["ok"]), f"{name}:\n{canonical(got)}\n!=\n{canonical(expect['ok'])}"


def request_out(req: Mapping[str, Any]) -> dict[str, Any]:
    return {"method": req["method"], "url": req["url"], "headers": req["headers"], "body": encode(req["body"])}


def with_host_ua(expect: dict[str, Any]) -> dict[str, Any]:
    expect = json.loads(json.dumps(expect))
    headers = expect.get("ok", {}).get("headers")
    if headers and "user-agent" in headers:
        headers["user-agent"] = headers["user-agent"].replace("{host}", HOST_UA)
    return expect


def config_of(v: dict[str, Any], key: str) -> Optional[str]:
    value: Optional[str] = v.get("config", {}).get(key)
    return value


def build(v: dict[str, Any]) -> Mapping[str, Any]:
    return _core.build_request(
        v["operation"],
        v["params"],
        base_url=config_of(v, "base_url"),
        file_base_url=config_of(v, "file_base_url"),
        user_agent=config_of(v, "user_agent"),
    )


def run_request(name: str, v: dict[str, Any]) -> None:
    expect = with_host_ua(v["expect"])
    params = v["params"]
    if not v.get("session_only"):
        # build_request sends no token: the recorded request minus Authorization.
        unauthorized = json.loads(json.dumps(expect))
        if "ok" in unauthorized:
            unauthorized["ok"]["headers"].pop("authorization")
        check(name, unauthorized, lambda: request_out(build(v)))

    config = {k: v for k, v in v.get("config", {}).items() if k in ("base_url", "file_base_url", "user_agent")}
    config.update(access_token=v.get("token", "vectors-dummy-token"), sdk="python")
    try:
        session = _core.Session(config)
    except exceptions.BuildError as e:
        # The session validates its configuration when it is made: the same
        # class as the request's own refusal, in the configuration's words.
        assert "error" in expect and expect["error"]["class"] == e.error_class == "build", f"{name}: {e!r}"
        return

    def via_session() -> dict[str, Any]:
        _, step = session.start(v["operation"], params, None, NOW_MS)
        if step[0] == "error":
            raise step[3]
        assert step[0] == "send", f"{name}: {step}"
        return send_out(step)

    check(f"{name} (session)", expect, via_session)


def send_out(step: tuple[Any, ...]) -> dict[str, Any]:
    """A ``send`` step's request in the vectors' shape (names joined as the core does)."""
    headers: dict[str, str] = {}
    for k, value in step[7]:
        headers[k] = f"{headers[k]}, {value}" if k in headers else value
    return {"method": step[5], "url": step[6], "headers": headers, "body": encode(step[8])}


def run_response(name: str, v: dict[str, Any]) -> None:
    def parse() -> dict[str, Any]:
        out: dict[str, Any] = dict(zoom_phone.parse_response(v["operation"], v["status"], v["headers"], body_bytes(v["body"])))
        if out["kind"] == "binary":
            out["body"] = encode(out["body"])
        if out["kind"] == "text":
            out["body"] = {"utf8": out["body"]}
        return out

    check(name, v["expect"], parse)


def run_oauth(name: str, v: dict[str, Any]) -> None:
    app = v.get("app", {})
    kw = {k: app[k] for k in ("client_secret", "redirect_uri", "oauth_base") if k in app}
    grants = {
        "code_exchange_request": "authorization_code",
        "refresh_request": "refresh_token",
        "revoke_request": "revoke",
        "device_authorization_request": "device_code",
    }
    parses = {
        "parse_token_response": "authorization_code",
        "parse_refresh_response": "refresh_token",
        "parse_revoke_response": "revoke",
    }
    call = v["call"]
    if call in grants:
        for key in ("code", "code_verifier", "token"):
            if key in v:
                kw[key] = v[key]
        check(name, v["expect"], lambda: request_out(_core.token_request(grants[call], app["client_id"], **kw)))
    elif call in parses:

        def parse() -> Any:
            out = _core.parse_token_response(
                parses[call],
                v["status"],
                v["headers"],
                body_bytes(v["body"]),
                v["now"],
                previous_refresh_token=v.get("previous_refresh_token"),
            )
            return None if out is None else json.loads(out)

        check(name, v["expect"], parse)
    elif call == "parse_callback":
        check(name, v["expect"], lambda: _core.parse_callback(v["callback"], v["expected_state"]))
    else:
        raise AssertionError(f"{name}: unknown call {call}")


def run_webhook(name: str, v: dict[str, Any]) -> None:
    def handle() -> dict[str, Any]:
        out = _core.handle_webhook(v["headers"], body_bytes(v["body"]), v["secrets"], v["now"])
        return {
            "status": out["status"],
            "content_type": out["headers"].get("content-type"),
            "body": encode(out["body"]),
            "event": out["event"],
            "payload": out["payload"],
        }

    check(name, v["expect"], handle)


def action_out(step: tuple[Any, ...]) -> dict[str, Any]:
    """A step's action in driver.json's shape (tools/vectors/src/driver.rs)."""
    kind = step[0]
    if kind == "send":
        out: dict[str, Any] = {"type": "send", **send_out(step)}
        out.update(body_limit=step[9], timeout_ms=round(step[10] * 1000), detached=step[3], expires_at_ms=step[4])
        return out
    if kind in ("fetch_token", "lock_store", "read_store"):
        return {"type": kind, "expires_at_ms": step[4]}
    if kind == "write_store":
        return {"type": kind, "tokens": json.loads(step[5]), "expires_at_ms": step[4]}
    if kind == "unlock_store":
        return {"type": kind}
    if kind == "wait":
        return {"type": kind, "until_ms": step[5]}
    if kind == "shared":
        op = step[5]
        assert step[3] == op["detached"], f"a shared step's lead says detached={step[3]}, its script {op['detached']}"
        return {"type": kind, **{k: op[k] for k in ("script", "sha1", "keys", "args", "timeout_ms", "detached")}}
    if kind == "error":
        return {"type": "done", "error": describe(step[3])}
    status, body_kind, body, content_type, location, tracking_id = step[3:9]
    encoded = {"utf8": body} if body_kind == "text" else encode(body)
    ok = {"status": status, "tracking_id": tracking_id, "kind": body_kind, "content_type": content_type,
          "location": location, "body": encoded}
    return {"type": "done", "ok": ok}


def step_out(step: tuple[Any, ...]) -> dict[str, Any]:
    return {"action": action_out(step), "wake": step[1], "events": [e["name"] for e in step[2] or []]}


def report(session: _core.Session, call: int, outcome: dict[str, Any], now: int) -> tuple[Any, ...]:
    """Reports a scripted outcome the way the clients report a real one."""
    [(key, value)] = outcome.items()
    if key == "response":
        return session.respond(call, value["status"], value["headers"], body_bytes(value["body"]), now)
    if key == "failed":
        return session.report(call, "failed", (value["kind"], value["message"]), now)
    if key == "token":
        if "error" in value:
            return session.report(call, "token_error", value["error"], now)
        return session.report(call, "token", value["ok"], now)
    if key == "stored":
        return session.report(call, "stored", None if value is None else json.dumps(value).encode(), now)
    if key == "shared":
        if "error" in value:
            return session.report(call, "shared_error", value["error"], now)
        return session.report(call, "shared", value["ok"], now)
    if key == "store_failed":
        return session.report(call, "store_failed", value, now)
    return session.report(call, key, None, now)


def run_driver(name: str, v: dict[str, Any]) -> None:
    """Replays a scripted scenario through the binding's session; every
    crossing must answer what the core recorded."""
    session = _core.Session(v["config"])
    calls: list[int] = []
    got: list[dict[str, Any]] = []
    for entry in v["script"]:
        now = entry["now_ms"]
        if "start" in entry:
            s = entry["start"]
            try:
                if "download" in s:
                    call, step = session.start_download(s["download"], s.get("options"), now)
                else:
                    call, step = session.start(s["operation"], s.get("params"), s.get("options"), now)
            except exceptions.BuildError as e:  # options refused before the call starts
                calls.append(-1)
                got.append({"action": {"type": "done", "error": describe(e)}, "wake": False, "events": []})
                continue
            calls.append(call)
            got.append(step_out(step))
        elif "handle" in entry:
            got.append(step_out(report(session, calls[entry["handle"]], entry["outcome"], now)))
        elif "cancel" in entry:
            state, then = session.cancel(calls[entry["cancel"]], now)
            got.append({"cancelled": state} if then is None else {**step_out(then), "cancelled": state})
        elif "abandon" in entry:
            unlock = session.abandon(calls[entry["abandon"]], now)
            got.append({"abandoned": None if unlock is None else action_out(unlock)})
        else:
            raise AssertionError(f"{name}: unknown entry {entry}")
    assert len(got) == len(v["expect"]), name
    for i, (mine, want) in enumerate(zip(got, v["expect"])):
        assert canonical(mine) == canonical(want), f"{name}, entry {i}:\n{canonical(mine)}\n!=\n{canonical(want)}"


RUNNERS: dict[str, Callable[[str, dict[str, Any]], None]] = {
    "driver": run_driver,
    "request": run_request,
    "response": run_response,
    "oauth": run_oauth,
    "webhook": run_webhook,
}


@pytest.mark.parametrize(("name", "runner", "vector"), CASES, ids=[c[0] for c in CASES])
def test_vector(name: str, runner: str, vector: dict[str, Any]) -> None:
    RUNNERS[runner](name, vector)
    RAN.add(name)


def test_every_vector_ran() -> None:
    """Runs after the parametrized cases (pytest keeps file order): a loader
    or collection bug cannot pass by running fewer vectors."""
    declared = sum(len(vectors) for _, _, vectors in FILES)
    assert len(CASES) == declared
    assert declared > 2 * 391, f"only {declared} vectors"
    assert RAN == {c[0] for c in CASES}, f"{declared - len(RAN)} vectors did not run"
