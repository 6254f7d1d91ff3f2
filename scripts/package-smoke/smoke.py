"""What a new user's first minute with the installed zoom-phone package
exercises, without network: the compiled core loads on this interpreter and
platform, builds a request, and verifies a signed webhook while refusing a
forged one. Run by scripts/build-wheels.sh in fresh venvs (the sdist built from
source, and each wheel this machine can run)."""

from __future__ import annotations

import hashlib
import hmac
import json
import platform

import zoom_phone
from zoom_phone import WebhookVerificationError, build_request, verify_webhook

request = build_request("phoneUser", {"userId": "someone@example.com"})
assert request["method"] == "GET", request
assert request["url"] == "https://api.zoom.us/v2/phone/users/someone%40example.com", request["url"]

secret = "smoke-webhook-secret"
ts = 1700000000
body = json.dumps({"event": "phone.callee_ringing", "event_ts": ts * 1000, "payload": {"account_id": "a"}}).encode()


def headers(raw: bytes) -> dict[str, str]:
    mac = hmac.new(secret.encode(), b"v0:%d:" % ts + raw, hashlib.sha256).hexdigest()
    return {"x-zm-request-timestamp": str(ts), "x-zm-signature": f"v0={mac}"}


event = verify_webhook(headers(body), body, secret, now_ms=ts * 1000)
assert event["event"] == "phone.callee_ringing", event
try:
    verify_webhook(headers(body), body.replace(b'"a"', b'"b"'), secret, now_ms=ts * 1000)
except WebhookVerificationError:
    pass
else:
    raise AssertionError("a forged body was accepted")

print(f"python smoke passed: zoom_phone {zoom_phone.__version__} on {platform.python_implementation()} "
      f"{platform.python_version()} {platform.machine()}")
