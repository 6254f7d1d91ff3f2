"""The compiled driver binding on its own: bad input is a clear Python
error, never a crash, and the host loop it expects."""

from __future__ import annotations

import json
from typing import Any

import pytest

from zoom_phone import _core, exceptions


def test_unknown_auth_kind_is_a_value_error() -> None:
    with pytest.raises(ValueError, match="auth must be"):
        _core.Session(auth="password")


def test_missing_credentials_name_the_field() -> None:
    with pytest.raises(ValueError, match="client_secret"):
        _core.Session(auth="server_to_server", account_id="a", client_id="c")
    with pytest.raises(ValueError, match="access_token"):
        _core.Session(auth="fixed")


def test_bad_base_url_is_a_build_error() -> None:
    with pytest.raises(exceptions.ZoomPhoneError):
        _core.Session(auth="fixed", access_token="t", base_url="not a url")


def test_store_json_that_is_not_tokens_is_an_oauth_error() -> None:
    session = _core.Session(auth="fixed", access_token="t")
    with pytest.raises(exceptions.OAuthError):
        session.load_tokens(b"{not json")


def test_fixed_token_call_sends_and_parses() -> None:
    session = _core.Session(auth="fixed", access_token="tok-xyz", base_url="http://127.0.0.1:1/v2")
    call = session.start("listCallQueues", {"page_size": 2}, 1_000)
    kind, attempt, request = session.poll(call, 1_000)
    assert kind == "send"
    assert request["url"] == "http://127.0.0.1:1/v2/phone/call_queues?page_size=2"
    assert request["headers"]["authorization"] == "Bearer tok-xyz"
    body = json.dumps({"call_queues": [{"id": "q1"}], "next_page_token": ""}).encode()
    session.receive(call, attempt, 200, {"content-type": "application/json"}, body, 1_010)
    kind, output = session.poll(call, 1_010)
    assert kind == "done"
    assert output["body"]["call_queues"] == [{"id": "q1"}]
    assert "tok-xyz" not in repr(session)


def test_build_errors_surface_on_first_poll() -> None:
    session = _core.Session(auth="fixed", access_token="t")
    call = session.start("getACallQueue", {}, 0)
    with pytest.raises(exceptions.BuildError) as info:
        session.poll(call, 0)
    assert info.value.code == "missing_parameter"


@pytest.mark.parametrize(
    ("params", "error"),
    [({"page_size": float("nan")}, ValueError), ({"page_size": {1: 2}}, TypeError), ({"x": object()}, TypeError)],
)
def test_unconvertible_params_are_python_errors(params: dict[str, Any], error: type) -> None:
    session = _core.Session(auth="fixed", access_token="t")
    with pytest.raises(error):
        session.start("listCallQueues", params, 0)


def test_receive_error_kinds_are_checked() -> None:
    session = _core.Session(auth="fixed", access_token="t")
    call = session.start("listCallQueues", {}, 0)
    _, attempt, _ = session.poll(call, 0)
    with pytest.raises(ValueError, match="kind must be"):
        session.receive_error(call, attempt, "dns", "boom", 0)
    with pytest.raises(TypeError):
        session.receive(call, attempt, 200, [("a", "b")], b"", 0)  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        session.receive(call, attempt, 42, {}, b"", 0)


def test_stale_attempts_and_unknown_calls_are_ignored() -> None:
    session = _core.Session(auth="fixed", access_token="t")
    session.receive(999, 1, 200, {}, b"", 0)
    session.cancel(999)
    assert session.active_calls() == 0


def test_pager_walks_pages_and_limits() -> None:
    pager = _core.Pager("listCallQueues", {"page_size": 2}, limit=3)
    assert pager.next_params(0) == {"page_size": 2}
    session = _core.Session(auth="fixed", access_token="t")
    call = session.start("listCallQueues", {"page_size": 2}, 0)
    _, attempt, _ = session.poll(call, 0)
    body = json.dumps({"call_queues": [{"id": "a"}, {"id": "b"}], "next_page_token": "n1"}).encode()
    session.receive(call, attempt, 200, {}, body, 0)
    assert session.poll(call, 0, pager) == ("page", [{"id": "a"}, {"id": "b"}])
    assert pager.next_params(0) == {"page_size": 2, "next_page_token": "n1"}
    assert pager.pages() == 1 and pager.yielded() == 2


def test_unknown_operation_in_pager_is_a_build_error() -> None:
    with pytest.raises(exceptions.BuildError):
        _core.Pager("noSuchOperation")
