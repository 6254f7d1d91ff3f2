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

from zoom_phone import _core, exceptions

DATA = Path(__file__).resolve().parent.parent / "tools" / "vectors" / "data"
HOST_UA = "python"


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


def expected_class(error: dict[str, Any]) -> str:
    """The class the package documents for an error kind (exceptions.py)."""
    kind: str = error["kind"]
    if kind == "WebhookError":
        return "WebhookVerificationError"
    if kind != "ApiError":
        return kind
    status, zoom_code = error["status"], error["zoom_code"]
    by_status = {401: "AuthenticationError", 403: "PermissionDeniedError", 404: "NotFoundError", 429: "RateLimitError"}
    if status in by_status:
        return by_status[status]
    if (status == 400 and zoom_code == 300) or status == 422:
        return "ValidationError"
    return "ApiError"


def describe(e: exceptions.ZoomPhoneError) -> dict[str, Any]:
    out: dict[str, Any] = {
        "code": e.code,
        "status": e.status,
        "zoom_code": e.zoom_code,
        "tracking_id": e.tracking_id,
        "message": str(e),
    }
    if isinstance(e, exceptions.ApiError):
        out["errors"] = e.errors
        out["rate_limit"] = e.rate_limit
    return out


def outcome(call: Callable[[], Any]) -> tuple[Any, Optional[exceptions.ZoomPhoneError]]:
    try:
        return call(), None
    except exceptions.ZoomPhoneError as e:
        return None, e


def check(name: str, expect: dict[str, Any], call: Callable[[], Any]) -> None:
    got, error = outcome(call)
    if "error" in expect:
        want = expect["error"]
        assert error is not None, f"{name}: expected {want['kind']}, got {got!r}"
        assert type(error).__name__ == expected_class(want), f"{name}: {type(error).__name__}"
        assert isinstance(error, getattr(exceptions, want["kind"])), name
        fields = {k: v for k, v in want.items() if k != "kind"}
        assert canonical(describe(error)) == canonical(fields), f"{name}: {describe(error)} != {fields}"
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
    if v.get("host_type_error"):
        with pytest.raises(TypeError):
            build(v)
        with pytest.raises(TypeError):
            _core.Session(auth="fixed", access_token="t").start(v["operation"], params, 0)
        return
    if not v.get("session_only"):
        # build_request sends no token: the recorded request minus Authorization.
        unauthorized = json.loads(json.dumps(expect))
        if "ok" in unauthorized:
            unauthorized["ok"]["headers"].pop("authorization")
        check(name, unauthorized, lambda: request_out(build(v)))

    def via_session() -> dict[str, Any]:
        session = _core.Session(
            auth="fixed",
            access_token=v.get("token", "vectors-dummy-token"),
            base_url=config_of(v, "base_url"),
            file_base_url=config_of(v, "file_base_url"),
            user_agent=config_of(v, "user_agent"),
        )
        call = session.start(v["operation"], params, 1_767_225_600_000)
        action = session.poll(call, 1_767_225_600_000)
        assert action[0] == "send", f"{name}: {action}"
        return request_out(action[2])

    check(f"{name} (session)", expect, via_session)


def run_response(name: str, v: dict[str, Any]) -> None:
    def parse() -> dict[str, Any]:
        out: dict[str, Any] = dict(_core.parse_response(v["operation"], v["status"], v["headers"], body_bytes(v["body"])))
        if out["kind"] == "binary":
            out["body"] = encode(out["body"])
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


RUNNERS: dict[str, Callable[[str, dict[str, Any]], None]] = {
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
