"""Webhooks sent by the mock, verified by the package: a plain http.server
receiver (the demo's) and the ASGI example app."""

from __future__ import annotations

import http.server
import importlib.util
import json
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import httpx
import pytest

import zoom_phone
from zoom_phone import exceptions, handle_webhook, url_validation_response, verify_webhook

from conftest import ROOT, Mock

SECRET = "pytest-webhook-secret"


def _load_example(name: str) -> ModuleType:
    path = ROOT / "bindings-python" / "examples" / f"{name}.py"
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


class _Recorder(http.server.BaseHTTPRequestHandler):
    outcomes: list[Any] = []

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers.get("content-length", "0")))
        try:
            result = handle_webhook(self.headers, body, ["old-secret", SECRET])
        except exceptions.WebhookVerificationError as e:
            _Recorder.outcomes.append(e)
            self.send_response(e.status or 401)
            self.end_headers()
            return
        _Recorder.outcomes.append(result)
        self.send_response(result.status)
        for k, v in result.headers.items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(result.body)

    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture
def receiver() -> Iterator[str]:
    _Recorder.outcomes = []
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Recorder)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/hook"
    server.shutdown()
    server.server_close()


def _send(mock: Mock, url: str, event: str, **extra: Any) -> dict[str, Any]:
    sent: dict[str, Any] = mock.post("/webhooks/send", {"url": url, "event": event, "secret": SECRET, **extra})
    return sent


def test_genuine_event_is_accepted_with_its_payload(mock: Mock, receiver: str) -> None:
    sent = _send(mock, receiver, "phone.callee_ringing")
    assert sent["status"] == 204
    [result] = _Recorder.outcomes
    assert result.event == "phone.callee_ringing"
    assert result.payload["event"] == "phone.callee_ringing"
    assert result.payload == json.loads(sent["sent"]["body"])


def test_url_validation_is_answered_as_zoom_expects(mock: Mock, receiver: str) -> None:
    sent = _send(mock, receiver, "endpoint.url_validation")
    assert sent["status"] == 200
    assert sent["validation"]["ok"] is True


@pytest.mark.parametrize(
    ("extra", "code"),
    [({"wrong_secret": True}, "bad_signature"), ({"timestamp_offset_secs": -600}, "stale_timestamp")],
)
def test_forged_or_stale_events_are_refused(mock: Mock, receiver: str, extra: dict[str, Any], code: str) -> None:
    sent = _send(mock, receiver, "phone.callee_ringing", **extra)
    assert sent["status"] == 401
    [error] = _Recorder.outcomes
    assert isinstance(error, exceptions.WebhookVerificationError)
    assert isinstance(error, exceptions.WebhookError)
    assert error.code == code
    assert SECRET not in str(error) + repr(error)


def test_millisecond_timestamps_are_accepted(mock: Mock, receiver: str) -> None:
    assert _send(mock, receiver, "phone.caller_ended", timestamp_ms=True)["status"] == 204


def _replay(sent: dict[str, Any]) -> tuple[dict[str, str], bytes]:
    s = sent["sent"]
    headers = {"x-zm-signature": s["x-zm-signature"], "x-zm-request-timestamp": str(s["x-zm-request-timestamp"])}
    return headers, s["body"].encode()


def test_verify_webhook_and_url_validation_helpers(mock: Mock, receiver: str) -> None:
    headers, body = _replay(_send(mock, receiver, "phone.callee_ringing"))
    assert verify_webhook(headers, body, [SECRET])["event"] == "phone.callee_ringing"
    with pytest.raises(exceptions.WebhookVerificationError):
        verify_webhook(headers, body + b" ", [SECRET])
    with pytest.raises(exceptions.WebhookVerificationError) as info:
        verify_webhook(headers, body, [])
    assert info.value.code == "no_secret"
    headers, body = _replay(_send(mock, receiver, "endpoint.url_validation"))
    answer = json.loads(url_validation_response(headers, body, [SECRET]))
    assert set(answer) == {"plainToken", "encryptedToken"}


async def test_asgi_example_verifies_replayed_events(mock: Mock, receiver: str, monkeypatch: pytest.MonkeyPatch) -> None:
    example = _load_example("asgi_webhooks")
    monkeypatch.setattr(example, "SECRETS", [SECRET])
    transport = httpx.ASGITransport(app=example.app)
    async with httpx.AsyncClient(transport=transport, base_url="http://asgi") as client:
        headers, body = _replay(_send(mock, receiver, "phone.callee_ringing"))
        ok = await client.post("/hook", headers=headers, content=body)
        forged = await client.post("/hook", headers=headers, content=body.replace(b"phone", b"fone", 1))
        headers, body = _replay(_send(mock, receiver, "endpoint.url_validation"))
        validation = await client.post("/hook", headers=headers, content=body)
    assert ok.status_code == 204
    assert forged.status_code == 401 and forged.text == "bad_signature"
    assert validation.status_code == 200 and "encryptedToken" in validation.json()
    assert [e["event"] for e in example.received] == ["phone.callee_ringing"]


def test_demo_runs_against_the_mock(mock: Mock) -> None:
    import os
    import subprocess

    out = subprocess.run(
        [sys.executable, str(ROOT / "bindings-python" / "examples" / "demo.py")],
        env={**os.environ, "ZOOM_PHONE_MOCK_URL": mock.url},
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    ).stdout
    assert "20000 records" in out
    assert "name is now 'Renamed from Python'" in out
    assert "endpoint.url_validation: receiver answered 200, validation ok: True" in out
    assert "receiver saw: ['phone.callee_ringing', 'rejected (bad_signature)']" in out
    assert "mock-client-secret" not in out


def test_public_names() -> None:
    assert zoom_phone.verify_webhook is verify_webhook
    assert Path(zoom_phone.__file__).parent.joinpath("py.typed").exists()


# --- Which secrets verify: no mock needed, signed here with hmac ---------

_NOW_MS = 1_767_225_600_000
_EVENT = b'{"event":"phone.callee_ringing","event_ts":1767225599000,"payload":{"account_id":"a","object":{}}}'
_VALIDATION = b'{"event":"endpoint.url_validation","event_ts":1767225599000,"payload":{"plainToken":"pt"}}'


def _signed(key: str, body: bytes = _EVENT) -> dict[str, str]:
    import hashlib
    import hmac

    ts = str(_NOW_MS // 1000)
    digest = hmac.new(key.encode(), b"v0:" + ts.encode() + b":" + body, hashlib.sha256).hexdigest()
    return {"x-zm-signature": f"v0={digest}", "x-zm-request-timestamp": ts}


def test_a_str_secret_is_one_secret_not_its_characters() -> None:
    secret = "my-secret-token"
    # Genuine under the whole string.
    assert handle_webhook(_signed(secret), _EVENT, secret, now_ms=_NOW_MS).status == 204
    # Every single character of it must be refused, by every helper.
    for key in sorted(set(secret)):
        with pytest.raises(exceptions.WebhookVerificationError) as info:
            handle_webhook(_signed(key), _EVENT, secret, now_ms=_NOW_MS)
        assert info.value.code == "bad_signature"
        with pytest.raises(exceptions.WebhookVerificationError):
            verify_webhook(_signed(key), _EVENT, secret, now_ms=_NOW_MS)
        with pytest.raises(exceptions.WebhookVerificationError):
            url_validation_response(_signed(key, _VALIDATION), _VALIDATION, secret, now_ms=_NOW_MS)
    assert verify_webhook(_signed(secret), _EVENT, secret, now_ms=_NOW_MS)["event"] == "phone.callee_ringing"
    answer = json.loads(url_validation_response(_signed(secret, _VALIDATION), _VALIDATION, secret, now_ms=_NOW_MS))
    assert answer["plainToken"] == "pt"


def test_a_sequence_of_secrets_is_several() -> None:
    for secrets in (["old", "new"], ("old", "new")):
        assert handle_webhook(_signed("new"), _EVENT, secrets, now_ms=_NOW_MS).status == 204
        assert handle_webhook(_signed("old"), _EVENT, secrets, now_ms=_NOW_MS).status == 204
        with pytest.raises(exceptions.WebhookVerificationError):
            handle_webhook(_signed("n"), _EVENT, secrets, now_ms=_NOW_MS)


@pytest.mark.parametrize(
    "secrets",
    [b"my-secret-token", bytearray(b"my-secret-token"), 42, None, {"my-secret-token"}, ["ok", b"my-secret-token"], [None]],
    ids=["bytes", "bytearray", "int", "None", "set", "list-with-bytes", "list-with-None"],
)
def test_anything_but_str_or_a_sequence_of_str_is_a_type_error(secrets: Any) -> None:
    with pytest.raises(TypeError) as info:
        handle_webhook(_signed("my-secret-token"), _EVENT, secrets, now_ms=_NOW_MS)
    assert "secrets" in str(info.value)
    assert "my-secret-token" not in str(info.value)


def test_rotation_with_an_empty_slot_accepts_the_real_secret() -> None:
    # `[os.environ.get("OLD", ""), os.environ["NEW"]]` with OLD unset.
    for secrets in (["", "real"], ["real", ""], ("", "real")):
        assert handle_webhook(_signed("real"), _EVENT, secrets, now_ms=_NOW_MS).status == 204
        with pytest.raises(exceptions.WebhookVerificationError) as info:
            handle_webhook(_signed(""), _EVENT, secrets, now_ms=_NOW_MS)
        assert info.value.code == "bad_signature"


@pytest.mark.parametrize("secrets", ["", [], [""], ["", ""], ("",)])
def test_no_non_empty_secret_fails_closed(secrets: Any) -> None:
    # Signed with the empty key, which an attacker knows.
    with pytest.raises(exceptions.WebhookVerificationError) as info:
        handle_webhook(_signed(""), _EVENT, secrets, now_ms=_NOW_MS)
    assert info.value.code == "no_secret"
    assert info.value.status == 500
