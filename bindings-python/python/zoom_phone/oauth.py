"""OAuth for user-level apps: authorization URL with PKCE and state, the
callback check, the code exchange, refresh, revoke and the device flow.

The core builds each token-endpoint request and reads each answer; these
functions only send them with httpx. Tokens come back as token-store JSON
(``bytes``), ready for a :class:`~zoom_phone.TokenStore` or for
``ZoomPhone(client_id=..., tokens=...)``.
"""

from __future__ import annotations

import json
import time
from typing import Any, NamedTuple, Optional

import httpx

from . import _core
from .types import BuiltRequest

__all__ = [
    "AuthorizationRequest",
    "DeviceCode",
    "authorization_request",
    "exchange_code",
    "poll_device_token",
    "refresh",
    "revoke",
    "start_device_flow",
]


class AuthorizationRequest(NamedTuple):
    """Send the user to ``url``; keep ``state`` and ``code_verifier``
    (secrets) for :func:`exchange_code`."""

    url: str
    state: str
    code_verifier: str

    def __repr__(self) -> str:
        return f"AuthorizationRequest(url={self.url.split('?')[0]!r}?..., state=<redacted>, code_verifier=<redacted>)"


class DeviceCode(NamedTuple):
    """What to show the user, and the device code to poll with (a secret)."""

    user_code: str
    verification_uri: str
    verification_uri_complete: Optional[str]
    interval: float
    expires_in: float
    device_code: str

    def __repr__(self) -> str:
        return f"DeviceCode(user_code={self.user_code!r}, verification_uri={self.verification_uri!r}, device_code=<redacted>)"


def _now_ms() -> int:
    return int(time.time() * 1000)


def _send(http: Optional[httpx.Client], request: BuiltRequest) -> httpx.Response:
    client = http or httpx.Client(follow_redirects=False)
    try:
        return client.request(request["method"], request["url"], headers=request["headers"], content=request["body"])
    finally:
        if http is None:
            client.close()


def _tokens(grant: str, response: httpx.Response, previous: Optional[str] = None) -> bytes:
    tokens = _core.parse_token_response(
        grant, response.status_code, response.headers, response.content, _now_ms(), previous_refresh_token=previous
    )
    assert tokens is not None
    return tokens


def authorization_request(client_id: str, redirect_uri: str, *, oauth_base: Optional[str] = None) -> AuthorizationRequest:
    """A fresh authorization URL with S256 PKCE and a random state."""
    url, state, verifier = _core.authorization_url(client_id, redirect_uri, oauth_base=oauth_base)
    return AuthorizationRequest(url, state, verifier)


def exchange_code(
    client_id: str,
    callback_url: str,
    auth: AuthorizationRequest,
    *,
    redirect_uri: str,
    client_secret: Optional[str] = None,
    oauth_base: Optional[str] = None,
    http: Optional[httpx.Client] = None,
) -> bytes:
    """Checks the callback's ``state``, exchanges its code; returns the tokens."""
    code = _core.parse_callback(callback_url, auth.state)
    request = _core.token_request(
        "authorization_code",
        client_id,
        client_secret=client_secret,
        redirect_uri=redirect_uri,
        oauth_base=oauth_base,
        code=code,
        code_verifier=auth.code_verifier,
    )
    return _tokens("authorization_code", _send(http, request))


def refresh(
    client_id: str,
    tokens: bytes,
    *,
    client_secret: Optional[str] = None,
    oauth_base: Optional[str] = None,
    http: Optional[httpx.Client] = None,
) -> bytes:
    """New tokens for stored ``tokens`` with the refresh grant (Zoom rotates
    the refresh token: save the result)."""
    refresh_token = json.loads(tokens).get("refresh_token") or ""
    request = _core.token_request(
        "refresh_token", client_id, client_secret=client_secret, oauth_base=oauth_base, token=refresh_token
    )
    return _tokens("refresh_token", _send(http, request), refresh_token)


def revoke(
    client_id: str,
    token: str,
    *,
    client_secret: Optional[str] = None,
    oauth_base: Optional[str] = None,
    http: Optional[httpx.Client] = None,
) -> None:
    """Revokes an access or refresh token."""
    request = _core.token_request("revoke", client_id, client_secret=client_secret, oauth_base=oauth_base, token=token)
    response = _send(http, request)
    _core.parse_token_response("revoke", response.status_code, response.headers, response.content, _now_ms())


def start_device_flow(
    client_id: str,
    *,
    client_secret: Optional[str] = None,
    oauth_base: Optional[str] = None,
    http: Optional[httpx.Client] = None,
) -> DeviceCode:
    """Asks for a device code; show ``user_code`` and ``verification_uri``."""
    request = _core.token_request("device_code", client_id, client_secret=client_secret, oauth_base=oauth_base)
    response = _send(http, request)
    if response.status_code != 200:
        from .exceptions import OAuthError

        raise OAuthError(f"the device authorization request failed with HTTP {response.status_code}", code="device_code", status=response.status_code)
    data = response.json()
    return DeviceCode(
        data["user_code"],
        data["verification_uri"],
        data.get("verification_uri_complete"),
        float(data.get("interval", 5)),
        float(data.get("expires_in", 600)),
        data["device_code"],
    )


def poll_device_token(
    client_id: str,
    device: DeviceCode,
    *,
    client_secret: Optional[str] = None,
    oauth_base: Optional[str] = None,
    http: Optional[httpx.Client] = None,
    timeout: Optional[float] = None,
) -> bytes:
    """Polls until the user approves (tokens), denies or the code expires
    (``OAuthError``), honouring ``interval`` and ``slow_down``."""
    from .exceptions import OAuthError

    interval = device.interval
    deadline = time.monotonic() + (timeout if timeout is not None else device.expires_in)
    while True:
        request = _core.token_request(
            "device_token", client_id, client_secret=client_secret, oauth_base=oauth_base, token=device.device_code
        )
        try:
            return _tokens("device_token", _send(http, request))
        except OAuthError as e:
            if e.code == "slow_down":
                interval += 5
            elif e.code != "authorization_pending":
                raise
        if time.monotonic() + interval > deadline:
            raise OAuthError("the device code expired before the user approved it", code="expired_token")
        time.sleep(interval)
