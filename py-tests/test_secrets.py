"""Secret hygiene: every error path taken with known secrets (client secret,
access and refresh tokens, webhook secret); str(), repr(), args, the
attributes and a JSON dump of every exception, its cause chain, the
traceback text and every log record (caplog, all loggers at DEBUG) searched
for them."""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import time
import traceback
from typing import Any

import pytest

from zoom_phone import ZoomPhone, exceptions, oauth, webhooks

from conftest import Mock

CLIENT_SECRET = "sekrit-client-7f3a9c"
ACCESS = "sekrit-access-51be20"
REFRESH = "sekrit-refresh-c0ffee"
WEBHOOK = "sekrit-webhook-d00d42"
NEEDLES = [n for s in (CLIENT_SECRET, ACCESS, REFRESH, WEBHOOK) for n in (s, s.rsplit("-", 1)[1])]


def _renderings(e: BaseException) -> list[str]:
    out: list[str] = []
    seen: BaseException | None = e
    while seen is not None:
        out += [str(seen), repr(seen), repr(seen.args), json.dumps(vars(seen), default=repr)]
        out.append("".join(traceback.format_exception(type(seen), seen, seen.__traceback__)))
        seen = seen.__cause__ or seen.__context__
    return out


def test_no_error_or_log_shows_a_secret(
    mock: Mock, caplog: pytest.LogCaptureFixture, capsys: pytest.CaptureFixture[str]
) -> None:
    caplog.set_level(logging.DEBUG)
    texts: list[tuple[str, str]] = []

    def expect_error(what: str, fn: Any) -> None:
        try:
            fn()
        except exceptions.ZoomPhoneError as e:
            texts.extend((what, t) for t in _renderings(e))
            return
        raise AssertionError(f"{what}: no error")

    base: dict[str, Any] = {"base_url": mock.api, "oauth_base": mock.url, "max_attempts": 1}

    def call(**kwargs: Any) -> None:
        with ZoomPhone(**base, **kwargs) as zp:
            zp.sites.list_phone_sites()

    expect_error("client secret", lambda: call(account_id="mock-account", client_id="mock-client-id", client_secret=CLIENT_SECRET))
    expect_error("access token", lambda: call(access_token=ACCESS))
    stored = json.dumps({"access_token": ACCESS, "refresh_token": REFRESH, "token_type": "bearer"}).encode()
    expect_error("refresh token", lambda: call(client_id="mock-client-id", client_secret=CLIENT_SECRET, tokens=stored))
    for kind in ["500", "html", "invalid_json", "truncate", "reset", "429"]:
        mock.fault(kind=kind, count=10, retry_after="0", path="/v2")
        expect_error(kind, lambda: call(access_token=ACCESS))
        mock.post("/reset")
    expect_error(
        "oauth.refresh",
        lambda: oauth.refresh("mock-client-id", stored, client_secret=CLIENT_SECRET, oauth_base=mock.url),
    )
    auth = oauth.authorization_request("mock-client-id", "http://127.0.0.1/cb", oauth_base=mock.url)
    expect_error(
        "oauth.exchange_code",
        lambda: oauth.exchange_code(
            "mock-client-id",
            f"http://127.0.0.1/cb?code={REFRESH}&state=x{ACCESS}",
            auth,
            redirect_uri="http://127.0.0.1/cb",
            client_secret=CLIENT_SECRET,
            oauth_base=mock.url,
        ),
    )
    try:
        oauth.revoke("mock-client-id", ACCESS, client_secret=CLIENT_SECRET, oauth_base=mock.url)
    except exceptions.ZoomPhoneError as e:
        texts.extend(("oauth.revoke", t) for t in _renderings(e))

    # Webhooks: another secret's signature, stale, malformed, missing.
    body = json.dumps({"event": "phone.callee_ringing", "event_ts": 1, "payload": {}}).encode()

    def sign(secret: str, ts: str) -> str:
        return "v0=" + hmac.new(secret.encode(), f"v0:{ts}:".encode() + body, hashlib.sha256).hexdigest()

    now = str(int(time.time()))
    genuine = sign(WEBHOOK, now)[3:]
    stale = str(int(now) - 3600)
    cases = [
        {"x-zm-request-timestamp": now, "x-zm-signature": sign("other", now)},
        {"x-zm-request-timestamp": stale, "x-zm-signature": sign(WEBHOOK, stale)},
        {"x-zm-request-timestamp": now, "x-zm-signature": "v0=zz"},
        {"x-zm-request-timestamp": "soon", "x-zm-signature": sign(WEBHOOK, now)},
        {"x-zm-request-timestamp": now},
    ]
    for headers in cases:
        for fn in (webhooks.verify_webhook, webhooks.handle_webhook):
            try:
                fn(headers, body, [WEBHOOK])
            except exceptions.ZoomPhoneError as e:
                r = _renderings(e)
                assert all(genuine not in t for t in r), "the expected signature leaked"
                texts.extend(("webhook", t) for t in r)
            else:
                raise AssertionError(f"{fn.__name__} accepted {headers}")
    with ZoomPhone(access_token=ACCESS, base_url=mock.api) as zp:
        texts.append(("client repr", repr(zp)))
    for record in caplog.records:
        texts.append(("log", record.getMessage()))
        texts.append(("log", repr(record.__dict__)))
    captured = capsys.readouterr()
    texts += [("stdout", captured.out), ("stderr", captured.err)]

    hits = [f"{what}: {n} in {t}" for what, t in texts for n in NEEDLES if n in t]
    with capsys.disabled():
        print(
            f"secret hygiene (python): {len(texts)} renderings and log records searched "
            f"for {len(NEEDLES)} needles, {len(hits)} hits ({len(caplog.records)} log records)"
        )
    assert hits == []
