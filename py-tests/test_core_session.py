"""The compiled session binding on its own: configuration errors are
BuildErrors naming the key, the fast path is two crossings, steps have the
documented shapes, and a host's mistakes are clear Python errors, never a
crash."""

from __future__ import annotations

import json
import re

import pytest

from zoom_phone import _core, exceptions

NOW = 1_767_225_600_000


@pytest.mark.parametrize(
    ("config", "names"),
    [
        ({}, "credentials"),
        ({"access_tokn": "t"}, "access_token"),
        ({"access_token": "t", "retry": {"max_attempts": -1}}, "max_attempts"),
        ({"access_token": "t", "timeout_ms": 1e300}, "timeout_ms"),
        ({"access_token": "t", "rate_limits": "gold"}, "rate_limits"),
        ({"access_token": "t", "base_url": "not a url"}, "base_url"),
        ({"access_token": "t", "max_response_bytes": 2**64}, "max_response_bytes"),
        ({"access_token": "t\ud800"}, "access_token"),
        ([], "config"),
    ],
)
def test_bad_configuration_is_a_build_error_naming_the_key(config: object, names: str) -> None:
    with pytest.raises(exceptions.BuildError) as info:
        _core.Session(config)
    assert info.value.code == "invalid_config"
    assert names in str(info.value)


def test_camel_case_keys_are_accepted() -> None:
    session = _core.Session({"accessToken": "t", "maxResponseBytes": 10})
    _, step = session.start("listPhoneSites", None, None, NOW)
    assert step[0] == "send" and step[9] == 10


def test_a_call_with_a_valid_token_is_two_crossings() -> None:
    session = _core.Session({"access_token": "tok-xyz", "base_url": "http://127.0.0.1:1/v2"})
    call, step = session.start("listCallQueues", {"page_size": 2}, None, NOW)
    kind, wake, events, detached, expires, method, url, headers, body, limit, timeout = step
    assert (kind, wake, events, detached, expires, method, body) == ("send", False, None, False, None, "GET", None)
    assert url == "http://127.0.0.1:1/v2/phone/call_queues?page_size=2"
    assert ("authorization", "Bearer tok-xyz") in headers
    assert limit == 32 * 1024 * 1024 and timeout == 120.0
    page = json.dumps({"call_queues": [{"id": "q1"}], "next_page_token": ""}).encode()
    done = session.respond(call, 200, [(b"Content-Type", b"application/json"), (b"X-Zm-Trackingid", b"t-1")], page, NOW)
    # The JSON comes back as the bytes that arrived: the host parses it once.
    assert done == ("done", False, None, 200, "json", page, None, None, "t-1", (None, None, None, None))
    assert session.entries == 2
    assert "tok-xyz" not in repr(session)


def test_params_that_are_not_json_are_build_errors_and_start_nothing() -> None:
    session = _core.Session({"access_token": "t"})
    for params, where in [({"page_size": float("nan")}, "page_size"), ({"body": {"a": [b"x"]}}, "body.a[0]")]:
        with pytest.raises(exceptions.BuildError, match=re.escape(f"`{where}`")):
            session.start("listCallQueues", params, None, NOW)
    assert session.entries == 0 and session.active_calls() == 0


def test_invalid_parameters_end_the_call_at_once() -> None:
    session = _core.Session({"access_token": "t"})
    _, step = session.start("getACallQueue", {}, None, NOW)
    assert step[0] == "error" and isinstance(step[3], exceptions.BuildError)
    assert step[3].code == "missing_parameter"


def test_bad_call_options_are_build_errors() -> None:
    session = _core.Session({"access_token": "t"})
    with pytest.raises(exceptions.BuildError):
        session.start("listPhoneSites", None, {"max_attempts": -1}, NOW)
    with pytest.raises(exceptions.BuildError):
        session.start("listPhoneSites", None, {"timeout_ms": 1e300}, NOW)


def test_a_host_reporting_nonsense_gets_a_clear_error() -> None:
    session = _core.Session({"access_token": "t"})
    call, _ = session.start("listCallQueues", None, None, NOW)
    with pytest.raises(ValueError, match="unknown outcome"):
        session.report(call, "teleported", None, NOW)
    with pytest.raises(ValueError, match="connect, reset, timeout or other"):
        session.report(call, "failed", ("dns", "boom"), NOW)
    with pytest.raises(ValueError):
        session.respond(call, 42, {}, b"", NOW)
    with pytest.raises(TypeError):
        session.respond(call, 200, [("a", "b")], b"", NOW)


def test_an_answer_for_an_unknown_call_is_an_error_step_not_a_crash() -> None:
    session = _core.Session({"access_token": "t"})
    step = session.respond(999, 200, {}, b"{}", NOW)
    assert step[0] == "error" and isinstance(step[3], exceptions.ZoomPhoneError)
    assert session.cancel(999, NOW) == ("gone", None)
    assert session.abandon(999, NOW) is None


def test_a_transport_failure_names_the_target_and_the_hosts_words() -> None:
    session = _core.Session({"access_token": "t", "base_url": "http://127.0.0.1:9/v2", "retry": {"max_attempts": 1}})
    call, _ = session.start("listPhoneSites", None, None, NOW)
    step = session.report(call, "failed", ("connect", "ConnectError: [Errno 111] Connection refused"), NOW)
    error = step[3]
    assert isinstance(error, exceptions.TransportError)
    assert error.transport == {"kind": "connect", "target": "http://127.0.0.1:9"}
    assert "127.0.0.1:9" in str(error) and "Connection refused" in str(error)


def test_an_action_leads_with_the_cores_detached_flag_and_deadline() -> None:
    # The host reads both from the step: it keeps no rule of its own about
    # which actions outlive their call.
    session = _core.Session({"token_source": True, "timeout_ms": 5000})
    _, step = session.start("listCallQueues", None, None, NOW)
    assert step == ("fetch_token", False, None, True, NOW + 5000)
    s2s = _core.Session({"account_id": "a", "client_id": "c", "client_secret": "s", "oauth_base": "http://127.0.0.1:9"})
    _, step = s2s.start("listCallQueues", None, None, NOW)
    assert step[0] == "send" and step[3:5] == (True, None) and step[6] == "http://127.0.0.1:9/oauth/token"
    _, step = _core.Session({"access_token": "t"}).start("listCallQueues", None, None, NOW)
    assert step[0] == "send" and step[3:5] == (False, None)


def test_pager_hands_out_the_limit_and_resumes() -> None:
    pager = _core.Pager("listCallQueues", {"page_size": 2}, limit=3)
    assert (pager.items_field, pager.token_field) == ("call_queues", "next_page_token")
    session = _core.Session({"access_token": "t"})
    started = session.start_page(pager, "listCallQueues", None, NOW)
    assert started is not None and "page_size=2" in started[1][6]
    assert pager.accept_page("n1", 2, NOW) == (0, 2)
    started = session.start_page(pager, "listCallQueues", None, NOW)
    assert started is not None and "next_page_token=n1" in started[1][6]
    assert pager.accept_page("n2", 2, NOW) == (0, 1)
    assert session.start_page(pager, "listCallQueues", None, NOW) is None
    assert pager.resume_point(1) == {"token": "n1", "issued_at_ms": NOW, "skip": 1}


def test_a_stale_page_token_is_page_token_expired() -> None:
    pager = _core.Pager("listCallQueues", {}, resume={"token": "old", "issued_at_ms": NOW, "skip": 0})
    session = _core.Session({"access_token": "t"})
    with pytest.raises(exceptions.PageTokenExpiredError):
        session.start_page(pager, "listCallQueues", None, NOW + 16 * 60 * 1000)


@pytest.mark.parametrize("limit", [-1, 2**64, 1.5, "3", True])
def test_a_bad_limit_is_a_build_error(limit: object) -> None:
    with pytest.raises(exceptions.BuildError, match="limit"):
        _core.Pager("listCallQueues", {}, limit=limit)


def test_unknown_operation_in_pager_is_a_build_error() -> None:
    with pytest.raises(exceptions.BuildError):
        _core.Pager("noSuchOperation")
