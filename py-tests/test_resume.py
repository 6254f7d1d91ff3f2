"""Resumable listings (issue 16 item 4): a walk says where it stands
(``resume_point``: the core's ResumePoint as JSON) and a new walk, in another
client, continues exactly there; a page token older than the 15 minutes
Zoom keeps it raises PageTokenExpiredError before anything is sent."""

from __future__ import annotations

import json
import time
from typing import Any, Optional

import pytest

from zoom_phone import AsyncZoomPhone, BuildError, ZoomPhone, exceptions
from zoom_phone.types import ResumePoint

from conftest import Mock

#: How far each walk goes (the mock's call history has 20,000 records): far
#: enough to cross pages, short enough to keep the suite quick.
SPAN = 1_500


def _persisted(point: Optional[ResumePoint]) -> ResumePoint:
    """Saved and read back, as a point kept in a file or a queue is."""
    assert point is not None
    loaded: ResumePoint = json.loads(json.dumps(point))
    return loaded


def _rest(mock: Mock, point: ResumePoint, limit: int) -> list[str]:
    with ZoomPhone(**mock.client_kwargs(), max_attempts=1) as zp:
        walk = zp.call_logs.account_call_history.iter(page_size=300, resume=point, limit=limit)
        return [r["call_history_uuid"] for r in walk]


def _whole(mock: Mock) -> list[str]:
    with ZoomPhone(**mock.client_kwargs()) as zp:
        return [r["call_history_uuid"] for r in zp.call_logs.account_call_history.iter(page_size=300, limit=SPAN)]


def test_a_walk_stopped_in_a_page_resumes_in_a_new_client_without_gap_or_repeat(mock: Mock) -> None:
    expected = _whole(mock)
    assert len(set(expected)) == SPAN
    for stop_at in (450, 300, 1):
        with ZoomPhone(**mock.client_kwargs()) as zp:
            walk = zp.call_logs.account_call_history.iter(page_size=300)
            first = []
            for r in walk:
                first.append(r["call_history_uuid"])
                if len(first) == stop_at:
                    break
            point = _persisted(walk.resume_point)
        assert sorted(point) == ["issued_at_ms", "skip", "token"]
        assert point["skip"] == stop_at % 300, f"stopped after {stop_at}"
        assert first + _rest(mock, point, SPAN - stop_at) == expected, f"stopped after {stop_at}"


def test_a_walk_that_failed_on_a_page_resumes_at_that_page(mock: Mock) -> None:
    expected = _whole(mock)
    first: list[str] = []
    with ZoomPhone(**mock.client_kwargs(), max_attempts=1) as zp:
        walk = zp.call_logs.account_call_history.iter(page_size=300)
        with pytest.raises(exceptions.DecodeError):
            for r in walk:
                first.append(r["call_history_uuid"])
                if len(first) == 600:  # the third page's answer is broken
                    mock.fault(kind="invalid_json", count=1, path="/v2/phone/call_history")
        assert len(first) == 600
        point = _persisted(walk.resume_point)
        assert list(walk) == [], "a failed walk is over"
    assert point["skip"] == 0
    assert first + _rest(mock, point, SPAN - 600) == expected


def test_pages_resume_too_and_a_finished_walk_leaves_nothing_to_resume(mock: Mock) -> None:
    with ZoomPhone(**mock.client_kwargs()) as zp:
        walk = zp.call_logs.account_call_history.iter(page_size=300, limit=600)
        assert [len(p.items) for p in walk.pages()] == [300, 300]
        # The limit stopped the walk: the point continues after it.
        point = _persisted(walk.resume_point)
        assert point["skip"] == 0
        with pytest.raises(TypeError, match="either by item or with pages"):
            next(walk)
        done = zp.call_queues.list_call_queues.iter(page_size=100)
        assert list(done)
        assert done.resume_point is None
    assert _rest(mock, point, SPAN - 600) == _whole(mock)[600:]


def test_a_page_token_older_than_15_minutes_fails_before_anything_is_sent(mock: Mock) -> None:
    with ZoomPhone(**mock.client_kwargs()) as zp:
        walk = zp.call_logs.account_call_history.iter(page_size=300)
        for n, _ in enumerate(walk, 1):
            if n == 301:  # into the second page: its token is the one to resume with
                break
        point = _persisted(walk.resume_point)
    assert isinstance(point["token"], str)
    mock.clear_log()
    stale: Any = {**point, "issued_at_ms": int(time.time() * 1000) - 15 * 60 * 1000 - 1000}
    with pytest.raises(exceptions.PageTokenExpiredError):
        _rest(mock, stale, 10)
    assert mock.requests("/v2") == []
    fresh: Any = {**point, "issued_at_ms": int(time.time() * 1000) - 14 * 60 * 1000}
    assert _rest(mock, fresh, SPAN - 301) == _whole(mock)[301:]


def test_a_malformed_resume_point_is_refused_by_name(mock: Mock) -> None:
    with ZoomPhone(**mock.client_kwargs()) as zp:
        bad: Any = {"token": 7}
        with pytest.raises(BuildError, match="token must be a non-empty string"):
            zp.call_logs.account_call_history.iter(page_size=300, resume=bad)
        bad = {"token": "t", "skip": -1}
        with pytest.raises(BuildError, match="skip must be a whole number"):
            zp.call_logs.account_call_history.iter(page_size=300, resume=bad)
        with pytest.raises(BuildError, match="`resume` must be a walk's resume_point"):
            zp.call_logs.account_call_history.iter(page_size=300, resume="t")  # type: ignore[arg-type]
    assert mock.requests("/v2") == []


async def test_an_asyncio_walk_resumes_where_it_stopped(mock: Mock) -> None:
    expected = _whole(mock)[:1000]
    async with AsyncZoomPhone(**mock.client_kwargs()) as zp:
        walk = zp.call_logs.account_call_history.iter(page_size=300)
        first = []
        async for r in walk:
            first.append(r["call_history_uuid"])
            if len(first) == 450:
                break
        point = _persisted(walk.resume_point)
    async with AsyncZoomPhone(**mock.client_kwargs()) as zp:
        rest = [r["call_history_uuid"] async for r in zp.call_logs.account_call_history.iter(page_size=300, resume=point, limit=550)]
    assert first + rest == expected
