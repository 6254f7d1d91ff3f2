"""Raw responses on every call (issue 16 item 1): ``method.with_raw_response(...)``
and ``client.request(...)`` give the final answer's status, headers, tracking
id, rate-limit headers and where a redirect led, with ``parse()`` for the
method's result; each page of a walk carries its response; errors keep the
same evidence; and none of it costs a crossing into the core."""

from __future__ import annotations

import httpx
import pytest

from zoom_phone import AsyncZoomPhone, RawResponse, ZoomPhone, exceptions

from conftest import Mock


@pytest.fixture
def limited(mock: Mock) -> Mock:
    # With the plan's limits on, the mock answers with X-RateLimit-* headers.
    mock.admin.put("/rate_limits", json="pro").raise_for_status()
    return mock


def _last_tracking_id(mock: Mock) -> str:
    tracking: str = mock.requests("/v2")[-1]["tracking_id"]
    return tracking


def test_with_raw_response_gives_the_evidence_and_parse_the_result(limited: Mock) -> None:
    with ZoomPhone(**limited.client_kwargs()) as zp:
        raw = zp.sites.list_phone_sites.with_raw_response(page_size=2)
        assert isinstance(raw, RawResponse)
        assert raw.status_code == 200
        assert raw.operation == "listPhoneSites"
        assert isinstance(raw.headers, httpx.Headers)
        assert raw.tracking_id == _last_tracking_id(limited) == raw.headers["x-zm-trackingid"]
        assert raw.rate_limit == {
            "category": "medium",
            "type": "qps",
            "limit": int(raw.headers["x-ratelimit-limit"]),
            "remaining": int(raw.headers["x-ratelimit-remaining"]),
        }
        assert raw.kind == "json" and raw.location is None
        assert (raw.content_type or "").startswith("application/json")
        sites = raw.parse()
        assert len(sites["sites"]) == 2
        assert raw.parse() is sites, "parsed once"
        assert sites["sites"] == zp.sites.list_phone_sites(page_size=2)["sites"]
        assert len(limited.requests("/v2")) == 2


def test_an_empty_answer_a_call_by_id_and_a_download(mock: Mock) -> None:
    with ZoomPhone(**mock.client_kwargs()) as zp:
        created = zp.blocked_list.add_anumber_to_blocked_list(body={"phone_number": "+15550142", "match_type": "phoneNumber"})
        deleted = zp.blocked_list.delete_a_blocked_list.with_raw_response(blocked_list_id=created["id"])
        assert deleted.status_code == 204 and deleted.kind == "empty"
        assert deleted.parse() is None and deleted.content == b""
        by_id = zp.request("listCallQueues", {"page_size": 1})
        assert by_id.status_code == 200 and len(by_id.parse()["call_queues"]) == 1
        file = zp.recordings.phone_download_recording_file.with_raw_response(file_id="rec1")
        data = file.parse()
        assert isinstance(data, bytes) and data and file.content == data
        assert file.kind == "binary"
        assert file.content_type == file.headers["content-type"]


def test_the_transcript_names_where_the_redirect_led(mock: Mock) -> None:
    with ZoomPhone(**mock.client_kwargs()) as zp:
        raw = zp.recordings.phone_download_recording_transcript.with_raw_response(recording_id="rec7")
    assert raw.parse().startswith("WEBVTT")
    assert raw.kind == "text" and raw.status_code == 200
    assert (raw.location or "").startswith("http://127.0.0.1:")


def test_a_body_that_is_not_json_is_there_raw_and_parse_raises(mock: Mock) -> None:
    mock.fault(kind="invalid_json", count=2, path="/v2/phone/call_queues")
    with ZoomPhone(**mock.client_kwargs(), max_attempts=1) as zp:
        with pytest.raises(exceptions.DecodeError):
            zp.call_queues.list_call_queues(page_size=3)
        raw = zp.call_queues.list_call_queues.with_raw_response(page_size=3)
        assert raw.status_code == 200 and raw.content
        with pytest.raises(exceptions.DecodeError) as info:
            raw.parse()
        assert info.value.tracking_id == raw.tracking_id


def test_errors_keep_the_evidence(limited: Mock) -> None:
    with ZoomPhone(**limited.client_kwargs()) as zp:
        with pytest.raises(exceptions.NotFoundError) as info:
            zp.users.phone_user.with_raw_response(user_id="nobody")
    assert info.value.status == 404
    assert info.value.tracking_id == _last_tracking_id(limited)
    assert info.value.rate_limit is not None and info.value.rate_limit["category"] == "light"


def test_each_page_of_a_walk_carries_its_response(mock: Mock) -> None:
    with ZoomPhone(**mock.client_kwargs()) as zp:
        pages = list(zp.call_logs.account_call_history.iter(page_size=300, limit=750).pages())
    assert [len(p.items) for p in pages] == [300, 300, 150]
    assert [p.response.tracking_id for p in pages] == [r["tracking_id"] for r in mock.requests("/v2")]
    for p in pages:
        assert p.response.status_code == 200
        assert isinstance(p.response.headers, httpx.Headers)
        assert len(p.data["call_history"]) == 300, "the page as parsed, whole"


async def test_asyncio_raw_responses_and_pages(mock: Mock) -> None:
    async with AsyncZoomPhone(**mock.client_kwargs()) as zp:
        raw = await zp.call_queues.list_call_queues.with_raw_response(page_size=2)
        assert raw.status_code == 200 and len(raw.parse()["call_queues"]) == 2
        assert raw.tracking_id == _last_tracking_id(mock)
        by_id = await zp.request("listPhoneSites")
        assert "sites" in by_id.parse()
        pages = [p async for p in zp.call_queues.list_call_queues.iter(page_size=10, limit=25).pages()]
        assert [len(p.items) for p in pages] == [10, 10, 5]
        assert all(p.response.status_code == 200 for p in pages)


def test_raw_responses_cost_no_crossing(mock: Mock) -> None:
    with ZoomPhone(**mock.client_kwargs()) as zp:
        zp.call_queues.list_call_queues(page_size=1)
        before = zp._session.entries
        raw = zp.call_queues.list_call_queues.with_raw_response(page_size=1)
        (raw.status_code, raw.headers, raw.rate_limit, raw.parse())
        assert zp._session.entries - before == 2
