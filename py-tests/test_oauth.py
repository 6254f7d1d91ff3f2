"""User OAuth against the mock: authorization code with PKCE and state,
refresh (through a client and by hand), revoke, and the device flow."""

from __future__ import annotations

import json
import threading
from typing import Optional
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from zoom_phone import ZoomPhone, exceptions, oauth

from conftest import Mock

REDIRECT = "http://localhost:8765/callback"


def _authorize(mock: Mock, client_id: str = "mock-client-id") -> tuple[oauth.AuthorizationRequest, str]:
    auth = oauth.authorization_request(client_id, REDIRECT, oauth_base=mock.url)
    query = parse_qs(urlsplit(auth.url).query)
    assert query["code_challenge_method"] == ["S256"]
    assert query["state"] == [auth.state]
    assert auth.state not in repr(auth) and auth.code_verifier not in repr(auth)
    # The mock consents at once and redirects back with the code.
    answer = httpx.get(auth.url, follow_redirects=False)
    assert answer.status_code == 302
    return auth, answer.headers["location"]


def _code_flow_tokens(mock: Mock) -> bytes:
    auth, callback = _authorize(mock)
    return oauth.exchange_code(
        "mock-client-id", callback, auth, redirect_uri=REDIRECT, client_secret="mock-client-secret", oauth_base=mock.url
    )


def test_code_flow_with_pkce(mock: Mock) -> None:
    tokens = json.loads(_code_flow_tokens(mock))
    assert tokens["access_token"] and tokens["refresh_token"]
    assert tokens["expires_at"] > 0


def test_public_client_code_flow(mock: Mock) -> None:
    auth, callback = _authorize(mock, "mock-public-client-id")
    tokens = oauth.exchange_code("mock-public-client-id", callback, auth, redirect_uri=REDIRECT, oauth_base=mock.url)
    assert json.loads(tokens)["access_token"]


def test_state_mismatch_is_refused_before_any_request(mock: Mock) -> None:
    auth, callback = _authorize(mock)
    other = oauth.authorization_request("mock-client-id", REDIRECT, oauth_base=mock.url)
    with pytest.raises(exceptions.OAuthError) as info:
        oauth.exchange_code("mock-client-id", callback, other, redirect_uri=REDIRECT, oauth_base=mock.url)
    assert info.value.code == "state_mismatch"
    assert mock.token_requests() == []
    assert auth.state != other.state


def test_manual_refresh_rotates_and_revoke_kills(mock: Mock) -> None:
    first = _code_flow_tokens(mock)
    second = oauth.refresh("mock-client-id", first, client_secret="mock-client-secret", oauth_base=mock.url)
    assert json.loads(second)["refresh_token"] != json.loads(first)["refresh_token"]
    with pytest.raises(exceptions.OAuthError) as info:
        oauth.refresh("mock-client-id", first, client_secret="mock-client-secret", oauth_base=mock.url)
    assert info.value.code == "invalid_grant"
    access = json.loads(second)["access_token"]
    oauth.revoke("mock-client-id", access, client_secret="mock-client-secret", oauth_base=mock.url)
    with ZoomPhone(access_token=access, base_url=mock.api) as zp:
        # A fixed token that Zoom rejects cannot be renewed: the driver says so.
        with pytest.raises(exceptions.OAuthError) as denied:
            zp.sites.list_phone_sites()
    assert [r["status"] for r in mock.requests("/v2")] == [401]
    assert access not in str(denied.value) + repr(denied.value)


class Store:
    def __init__(self, tokens: bytes) -> None:
        self.tokens: Optional[bytes] = tokens
        self.saved: list[bytes] = []

    def load(self) -> Optional[bytes]:
        return self.tokens

    def save(self, tokens: bytes) -> None:
        self.tokens = tokens
        self.saved.append(tokens)


def test_client_with_user_tokens_refreshes_and_saves(mock: Mock) -> None:
    tokens = _code_flow_tokens(mock)
    store = Store(tokens)
    with ZoomPhone(
        client_id="mock-client-id",
        client_secret="mock-client-secret",
        tokens=tokens,
        token_store=store,
        base_url=mock.api,
        oauth_base=mock.url,
    ) as zp:
        zp.sites.list_phone_sites()
        mock.post("/tokens/expire")
        zp.sites.list_phone_sites()
    assert len(store.saved) == 1
    rotated = json.loads(store.saved[0])
    assert rotated["refresh_token"] != json.loads(tokens)["refresh_token"]
    grants = [r["body"] or "" for r in mock.token_requests()]
    assert sum("refresh_token" in g for g in grants) == 1


def test_device_flow(mock: Mock) -> None:
    device = oauth.start_device_flow("mock-client-id", client_secret="mock-client-secret", oauth_base=mock.url)
    assert device.device_code not in repr(device)
    timer = threading.Timer(0.5, lambda: mock.post("/device/approve", {"user_code": device.user_code}))
    timer.start()
    try:
        tokens = oauth.poll_device_token(
            "mock-client-id", device, client_secret="mock-client-secret", oauth_base=mock.url, timeout=30
        )
    finally:
        timer.cancel()
    assert json.loads(tokens)["access_token"]


def test_denied_device_grant_raises(mock: Mock) -> None:
    device = oauth.start_device_flow("mock-client-id", client_secret="mock-client-secret", oauth_base=mock.url)
    mock.post("/device/approve", {"user_code": device.user_code, "deny": True})
    with pytest.raises(exceptions.OAuthError) as info:
        oauth.poll_device_token("mock-client-id", device, client_secret="mock-client-secret", oauth_base=mock.url)
    assert info.value.code == "access_denied"
