"""The sync and async clients against the mock: auth, reads, writes read
back, errors, token stores and token sources."""

from __future__ import annotations

import json
from typing import Any, Optional

import httpx
import pytest

from zoom_phone import AsyncZoomPhone, ZoomPhone, exceptions

from conftest import Mock


def test_server_to_server_token_is_fetched_once_and_used(mock: Mock) -> None:
    with ZoomPhone(**mock.client_kwargs()) as zp:
        first = zp.call_queues.list_call_queues(page_size=10)
        zp.sites.list_phone_sites()
    assert zp._http.is_closed
    assert len(first["call_queues"]) == 10
    tokens = mock.token_requests()
    assert len(tokens) == 1
    assert "account_credentials" in (tokens[0]["query"] or "") + (tokens[0]["body"] or "")
    api = mock.requests("/v2")
    assert [r["status"] for r in api] == [200, 200]
    assert all(r["headers"]["authorization"].startswith("Bearer <fp:") for r in api)


def test_write_is_read_back(mock: Mock) -> None:
    with ZoomPhone(**mock.client_kwargs()) as zp:
        queue = zp.call_queues.list_call_queues(page_size=1)["call_queues"][0]
        zp.call_queues.update_call_queue(call_queue_id=queue["id"], body={"name": "Renamed by pytest"})
        again = zp.call_queues.get_a_call_queue(call_queue_id=queue["id"])
    assert again["name"] == "Renamed by pytest"


def test_create_and_delete_read_back(mock: Mock) -> None:
    with ZoomPhone(**mock.client_kwargs()) as zp:
        created = zp.blocked_list.add_anumber_to_blocked_list(
            body={"block_type": "inbound", "match_type": "phoneNumber", "phone_number": "+15550100", "status": "active"}
        )
        got = zp.blocked_list.get_a_blocked_list(blocked_list_id=created["id"])
        assert got["phone_number"] == "+15550100"
        zp.blocked_list.delete_a_blocked_list(blocked_list_id=created["id"])
        with pytest.raises(exceptions.NotFoundError) as info:
            zp.blocked_list.get_a_blocked_list(blocked_list_id=created["id"])
    assert info.value.status == 404
    assert info.value.tracking_id


def test_unknown_keyword_fails_before_sending(mock: Mock) -> None:
    with ZoomPhone(**mock.client_kwargs()) as zp:
        with pytest.raises(exceptions.BuildError) as info:
            zp.call_queues.list_call_queues(page_sise=10)  # type: ignore[call-arg]
        with pytest.raises(exceptions.BuildError) as missing:
            zp.call_queues.get_a_call_queue()  # type: ignore[call-arg]
        with pytest.raises(exceptions.BuildError) as wrong_type:
            zp.call_queues.list_call_queues(page_size=object())  # type: ignore[arg-type]
    assert wrong_type.value.code == "invalid_parameter" and "`page_size`" in str(wrong_type.value)
    assert info.value.code == "unknown_parameter"
    assert "page_sise" in str(info.value)
    assert missing.value.code == "missing_parameter"
    assert mock.requests() == []


def test_validation_error_carries_the_fields(mock: Mock) -> None:
    with ZoomPhone(**mock.client_kwargs()) as zp:
        with pytest.raises(exceptions.ValidationError) as info:
            zp.call_queues.list_call_queues(page_size=100000)
    err = info.value
    assert err.status == 400 and err.zoom_code == 300
    assert isinstance(err, exceptions.ApiError) and isinstance(err, exceptions.ZoomPhoneError)
    assert err.errors and "page_size" in err.errors[0]["field"]


def test_bad_credentials_raise_oauth_error_without_the_secret(mock: Mock) -> None:
    kwargs = {**mock.client_kwargs(), "client_secret": "not-the-secret-xyz"}
    with ZoomPhone(**kwargs) as zp:
        with pytest.raises(exceptions.OAuthError) as info:
            zp.call_queues.list_call_queues()
    text = str(info.value) + repr(info.value) + repr(info.value.__dict__)
    assert "not-the-secret-xyz" not in text
    assert info.value.code == "invalid_client"
    assert "not-the-secret-xyz" not in repr(zp)


def test_fixed_token_and_no_token_request(mock: Mock) -> None:
    minted = mock.post("/tokens", {})
    with ZoomPhone(access_token=minted["access_token"], base_url=mock.api) as zp:
        assert zp.sites.list_phone_sites()["sites"] is not None
    assert mock.token_requests() == []


def test_token_source_is_asked_once(mock: Mock) -> None:
    asked: list[int] = []

    def source() -> dict[str, Any]:
        asked.append(1)
        minted = mock.post("/tokens", {})
        return {"access_token": minted["access_token"], "expires_in": 3600}

    with ZoomPhone(token_source=source, base_url=mock.api) as zp:
        zp.sites.list_phone_sites()
        zp.sites.list_phone_sites()
    assert len(asked) == 1


class MemoryStore:
    def __init__(self, tokens: Optional[bytes] = None) -> None:
        self.tokens = tokens
        self.saves = 0

    def load(self) -> Optional[bytes]:
        return self.tokens

    def save(self, tokens: bytes) -> None:
        self.tokens = tokens
        self.saves += 1


def test_token_store_shares_tokens_between_clients(mock: Mock) -> None:
    store = MemoryStore()
    with ZoomPhone(**mock.client_kwargs(), token_store=store) as zp:
        zp.sites.list_phone_sites()
    assert store.saves == 1 and store.tokens is not None
    assert json.loads(store.tokens)["access_token"]
    with ZoomPhone(**mock.client_kwargs(), token_store=store) as other:
        other.sites.list_phone_sites()
    assert len(mock.token_requests()) == 1


def test_expired_token_is_renewed(mock: Mock) -> None:
    with ZoomPhone(**mock.client_kwargs()) as zp:
        zp.sites.list_phone_sites()
        mock.post("/tokens/expire")
        zp.sites.list_phone_sites()
    assert len(mock.token_requests()) == 2
    assert [r["status"] for r in mock.requests("/v2")] == [200, 401, 200]


def test_injected_http_client_is_used_and_left_open(mock: Mock) -> None:
    seen: list[str] = []
    http = httpx.Client(event_hooks={"request": [lambda r: seen.append(r.url.path)]})
    with ZoomPhone(**mock.client_kwargs(), http_client=http) as zp:
        zp.sites.list_phone_sites()
    assert seen == ["/oauth/token", "/v2/phone/sites"]
    assert not http.is_closed
    http.close()


def test_call_by_operation_id(mock: Mock) -> None:
    with ZoomPhone(**mock.client_kwargs()) as zp:
        out = zp.call("listCallQueues", {"page_size": 3})
    assert len(out["call_queues"]) == 3


def test_missing_credentials_is_a_clear_error() -> None:
    with pytest.raises(ValueError, match="account_id"):
        ZoomPhone()


async def test_async_read_and_not_found(mock: Mock) -> None:
    async with AsyncZoomPhone(**mock.client_kwargs()) as zp:
        queues = await zp.call_queues.list_call_queues(page_size=2)
        with pytest.raises(exceptions.NotFoundError):
            await zp.users.phone_user(user_id="no-such-user")
    assert len(queues["call_queues"]) == 2


def test_unreachable_server_is_a_transport_error() -> None:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    # Nothing listens on the port now.
    with ZoomPhone(access_token="tok-abc", base_url=f"http://127.0.0.1:{port}/v2", max_attempts=1) as zp:
        with pytest.raises(exceptions.TransportError) as info:
            zp.sites.list_phone_sites()
    assert "tok-abc" not in str(info.value)


async def test_async_token_source_and_store(mock: Mock) -> None:
    calls: list[int] = []
    saved: list[bytes] = []

    async def source() -> dict[str, Any]:
        calls.append(1)
        return {"access_token": mock.post("/tokens", {})["access_token"], "expires_in": 3600}

    class AsyncStore:
        async def load(self) -> Optional[bytes]:
            return None

        async def save(self, tokens: bytes) -> None:
            saved.append(tokens)

    async with AsyncZoomPhone(token_source=source, token_store=AsyncStore(), base_url=mock.api) as zp:
        await zp.sites.list_phone_sites()
        await zp.sites.list_phone_sites()
    assert calls == [1]


async def test_async_failing_token_source_fails_the_call(mock: Mock) -> None:
    def source() -> str:
        raise RuntimeError("vault down: secret-in-message")

    async with AsyncZoomPhone(token_source=source, base_url=mock.api) as zp:
        with pytest.raises(exceptions.OAuthError) as info:
            await zp.sites.list_phone_sites()
    assert "secret-in-message" not in str(info.value)
    assert mock.requests("/v2") == []


def test_fax_upload_sends_bytes_as_a_multipart_file(mock: Mock) -> None:
    data = bytes(range(256)) * 8
    with ZoomPhone(**mock.client_kwargs(), file_base_url=mock.api) as zp:
        zp.fax.upload_fax_files(body={"file": data})
    [upload] = mock.requests("/v2/fax")
    assert upload["method"] == "POST"
    assert upload["headers"]["content-type"].startswith("multipart/form-data; boundary=")
    assert upload["body_len"] > len(data)


def test_deprecated_operation_warns(mock: Mock) -> None:
    from zoom_phone._generated.api import GROUPS

    group, name, op = next((g, n, o) for g, ops in GROUPS.items() for n, o in ops.items() if o.deprecated and not o.params)
    with ZoomPhone(**mock.client_kwargs()) as zp:
        method = getattr(getattr(zp, group), name)
        with pytest.warns(DeprecationWarning, match=op.id):
            method()


def test_file_token_store_is_private_and_shared(mock: Mock, tmp_path: Any) -> None:
    import os
    import stat

    from zoom_phone import FileTokenStore

    path = tmp_path / "tokens.json"
    with ZoomPhone(**mock.client_kwargs(), token_store=FileTokenStore(path)) as zp:
        zp.sites.list_phone_sites()
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert json.loads(path.read_bytes())["access_token"]
    with ZoomPhone(**mock.client_kwargs(), token_store=FileTokenStore(path)) as other:
        other.sites.list_phone_sites()
    assert len(mock.token_requests()) == 1
    # No temporary file is left behind; the lock file stays for the next renewal.
    assert sorted(os.listdir(tmp_path)) == ["tokens.json", "tokens.json.lock"]


@pytest.mark.parametrize("follow", [False, True])
def test_transcript_is_its_text_whatever_the_http_client_follows(mock: Mock, follow: bool) -> None:
    http = httpx.Client(follow_redirects=follow)
    with ZoomPhone(**mock.client_kwargs(), http_client=http) as zp:
        text = zp.recordings.phone_download_recording_transcript(recording_id="rec-1")
    http.close()
    assert isinstance(text, str) and text.startswith("WEBVTT")
    hops = [r for r in mock.requests() if not r["path"].startswith("/oauth")]
    # The client followed the redirect by the core's rule, one request each
    # (httpx followed nothing itself, whatever its setting).
    assert [r["path"].split("/")[1] for r in hops] == ["v2", "_files"], hops
