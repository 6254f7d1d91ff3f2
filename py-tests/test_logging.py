"""Logging (issue 16 item 2): the core's records of each call reach the
``zoom_phone`` logger, at the level that logger lets through: the attempts,
the retry and its wait of a retried call, a token renewal; at DEBUG no
record holds the client secret, an access token or a refresh token, those
of a renewal and a refresh-token rotation included."""

from __future__ import annotations

import json
import logging
from typing import Optional
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from zoom_phone import AsyncZoomPhone, ZoomPhone, oauth

from conftest import Mock

REDIRECT = "http://localhost:8765/callback"


def _events(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.name == "zoom_phone"]


def _names(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [getattr(r, "zoom_phone_event") for r in _events(caplog)]


def test_a_retried_call_logs_each_attempt_the_retry_and_its_wait(mock: Mock, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG, logger="zoom_phone")
    mock.fault(kind="503", count=1, path="/v2/phone/sites", retry_after="0")
    with ZoomPhone(**mock.client_kwargs()) as zp:
        zp.sites.list_phone_sites()
    records = [r for r in _events(caplog) if getattr(r, "zoom_phone_fields").get("operation") == "listPhoneSites"]
    names = [getattr(r, "zoom_phone_event") for r in records]
    assert names == ["request", "response", "retry", "request", "response"], names
    fields = [getattr(r, "zoom_phone_fields") for r in records]
    assert [f["attempt"] for f in fields if "method" in f] == [1, 2]
    retry = fields[2]
    assert retry["status"] == 503 and isinstance(retry["wait_ms"], int) and retry["reason"]
    assert [f.get("status") for f in fields if "status" in f][-1] == 200
    # The record's level is the core's: the retry is INFO, the attempts DEBUG.
    assert [r.levelno for r in records] == [logging.DEBUG, logging.DEBUG, logging.INFO, logging.DEBUG, logging.DEBUG]
    assert all(r.getMessage() for r in records)


def test_a_token_renewal_is_logged(mock: Mock, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="zoom_phone")
    with ZoomPhone(**mock.client_kwargs()) as zp:
        zp.sites.list_phone_sites()
        assert "token.renewed" in _names(caplog)
        caplog.clear()
        mock.post("/tokens/expire")
        zp.sites.list_phone_sites()
    names = _names(caplog)
    assert "token.renewed" in names, names
    # INFO lets the renewal through and leaves the per-attempt records out.
    assert "request" not in names


async def test_the_asyncio_client_logs_the_same(mock: Mock, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG, logger="zoom_phone")
    mock.fault(kind="503", count=1, path="/v2/phone/sites", retry_after="0")
    async with AsyncZoomPhone(**mock.client_kwargs()) as zp:
        await zp.sites.list_phone_sites()
    names = _names(caplog)
    assert names.count("request") == 2 and "retry" in names and "token.renewed" in names, names


class _Store:
    def __init__(self, tokens: Optional[bytes]) -> None:
        self.tokens = tokens
        self.saved: list[bytes] = []

    def load(self) -> Optional[bytes]:
        return self.tokens

    def save(self, tokens: bytes) -> None:
        self.tokens = tokens
        self.saved.append(tokens)


def test_at_debug_no_record_holds_a_secret(mock: Mock, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    secrets = {"mock-client-secret"}

    # Server-to-server: two access tokens (one renewal).
    s2s = _Store(None)
    with ZoomPhone(**mock.client_kwargs(), token_store=s2s) as zp:
        zp.sites.list_phone_sites()
        mock.post("/tokens/expire")
        zp.sites.list_phone_sites()

    # A user's tokens: a refresh that rotates the refresh token.
    auth = oauth.authorization_request("mock-client-id", REDIRECT, oauth_base=mock.url)
    assert parse_qs(urlsplit(auth.url).query)["state"] == [auth.state]
    callback = httpx.get(auth.url, follow_redirects=False).headers["location"]
    tokens = oauth.exchange_code(
        "mock-client-id", callback, auth, redirect_uri=REDIRECT, client_secret="mock-client-secret", oauth_base=mock.url
    )
    user = _Store(tokens)
    with ZoomPhone(
        client_id="mock-client-id",
        client_secret="mock-client-secret",
        tokens=tokens,
        token_store=user,
        base_url=mock.api,
        oauth_base=mock.url,
    ) as zp:
        zp.sites.list_phone_sites()
        mock.post("/tokens/expire")
        zp.sites.list_phone_sites()

    for blob in [tokens, *s2s.saved, *user.saved]:
        held = json.loads(blob)
        secrets |= {held[k] for k in ("access_token", "refresh_token") if held.get(k)}
    assert len(s2s.saved) == 2 and len(user.saved) == 1, "the renewals happened"
    assert len(secrets) >= 6, secrets
    records = _events(caplog)
    assert {"token.renewed", "request", "response"} <= {getattr(r, "zoom_phone_event") for r in records}
    texts = [t for r in caplog.records for t in (r.getMessage(), repr(r.__dict__))]
    hits = [s for s in secrets for t in texts if s in t]
    assert hits == []
