"""Issue 14 items 4, 13, 14 and 15 in the Python package: comma-separated
list parameters go out as ``a,b`` (given as a list or a string), path
parameters follow the core's one coercion rule, OAuth errors keep the token
endpoint's status and tracking id, and a wrong ``oauth_base`` is an error
that names the URL."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from zoom_phone import ZoomPhone, exceptions

from conftest import Mock


def _recording() -> tuple[list[str], ZoomPhone]:
    urls: list[str] = []

    def answer(request: httpx.Request) -> httpx.Response:
        urls.append(str(request.url))
        return httpx.Response(204)

    http = httpx.Client(transport=httpx.MockTransport(answer))
    return urls, ZoomPhone(access_token="tok", http_client=http)


def test_comma_separated_list_parameters_are_sent_joined() -> None:
    urls, zp = _recording()
    with zp:
        zp.call("deleteUnassignedPhoneNumbers", {"phone_numbers": ["n1", "n2"]})
        zp.call("deleteUnassignedPhoneNumbers", {"phone_numbers": "n1,n2"})
        zp.call_queues.remove_cq_policy_sub_setting(call_queue_id="q", policy_type="voice_mail", shared_ids="s1,s2")
        zp.call("DelRoleMembers", {"roleId": "r", "user_ids": ["u1", "u2"]})
    assert urls == [
        "https://api.zoom.us/v2/phone/numbers?phone_numbers=n1,n2",
        "https://api.zoom.us/v2/phone/numbers?phone_numbers=n1,n2",
        "https://api.zoom.us/v2/phone/call_queues/q/policies/voice_mail?shared_ids=s1,s2",
        "https://api.zoom.us/v2/phone/roles/r/members?user_ids=u1&user_ids=u2",
    ]


def test_path_parameters_follow_one_coercion_rule() -> None:
    urls, zp = _recording()
    with zp:
        zp.call("unassignCallingPlanFromRoom", {"roomId": "r1", "type": "200"})
        zp.call("unassignCallingPlanFromRoom", {"roomId": 42, "type": 200})
        bad: list[Any] = ["two hundred", "2.5", 2.5, True]
        for value in bad:
            with pytest.raises(exceptions.BuildError, match="`type` expected integer") as info:
                zp.call("unassignCallingPlanFromRoom", {"roomId": "r1", "type": value})
            assert info.value.code == "invalid_parameter"
        with pytest.raises(exceptions.BuildError, match="`roomId` expected string"):
            zp.call("unassignCallingPlanFromRoom", {"roomId": 1.5, "type": 200})
    assert urls == [
        "https://api.zoom.us/v2/phone/rooms/r1/calling_plans/200",
        "https://api.zoom.us/v2/phone/rooms/42/calling_plans/200",
    ]


def test_a_wrong_client_secret_keeps_status_and_tracking_id(mock: Mock) -> None:
    secret = "wrong-secret-5f1e"
    with ZoomPhone(**{**mock.client_kwargs(), "client_secret": secret}) as zp:
        with pytest.raises(exceptions.AuthenticationError) as info:
            zp.sites.list_phone_sites()
    e = info.value
    assert (e.code, e.status) == ("invalid_client", 401)
    assert e.tracking_id and e.tracking_id.startswith("mock-")
    assert f"{mock.url}/oauth/token" in str(e)
    assert secret not in str(e) and secret not in repr(e)


def test_a_refused_refresh_token_keeps_status_and_tracking_id(mock: Mock) -> None:
    kwargs = mock.client_kwargs()
    with ZoomPhone(
        client_id=kwargs["client_id"],
        client_secret=kwargs["client_secret"],
        refresh_token="not-a-refresh-token",
        base_url=mock.api,
        oauth_base=mock.url,
    ) as zp:
        with pytest.raises(exceptions.AuthenticationError) as info:
            zp.sites.list_phone_sites()
    e = info.value
    assert (e.code, e.status) == ("reauthorization_required", 400)
    assert e.tracking_id and e.tracking_id.startswith("mock-")


def test_an_oauth_base_that_is_the_token_url_is_refused(mock: Mock) -> None:
    with pytest.raises(exceptions.BuildError, match="root URL") as info:
        ZoomPhone(**{**mock.client_kwargs(), "oauth_base": f"{mock.url}/oauth/token"})
    assert "oauth_base" in str(info.value)


def test_a_token_endpoint_that_is_not_there_names_the_url(mock: Mock) -> None:
    with ZoomPhone(**{**mock.client_kwargs(), "oauth_base": f"{mock.url}/oauth"}) as zp:
        with pytest.raises(exceptions.AuthenticationError) as info:
            zp.sites.list_phone_sites()
    e = info.value
    assert (e.code, e.status) == ("not_an_oauth_endpoint", 404)
    assert f"{mock.url}/oauth/oauth/token" in str(e)
    assert "root URL" in str(e)
