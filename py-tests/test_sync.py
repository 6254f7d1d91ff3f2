"""Incremental sync (issue 16 item 5) against the mock's stateful sync logs:
a first run does the full sync, the backfill and the changes until caught
up; a run resumed from its checkpoint (saved as JSON) brings exactly the
records added since (``POST /_admin/sync``), and nothing when none were."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import parse_qs

import pytest

from zoom_phone import AsyncSyncRun, AsyncZoomPhone, BuildError, SyncRun, ZoomPhone
from zoom_phone.types import SyncCheckpoint

from conftest import Mock

INITIAL = 120  # records the mock's sync logs start with

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


def _add(mock: Mock, records: int) -> None:
    mock.post("/sync", {"records": records})


def _records(page: Any) -> list[Any]:
    found: list[Any] = page.get("call_logs") or page.get("sms_histories") or []
    return found


def _run(run: SyncRun[Any]) -> tuple[list[str], list[str], SyncCheckpoint]:
    """Runs a sync to the end: the record ids, the phases seen, the last checkpoint (as saved)."""
    ids: list[str] = []
    phases: list[str] = []
    checkpoint: Any = None
    for batch in run:
        if not phases or phases[-1] != batch.phase:
            phases.append(batch.phase)
        listed = _records(batch.page)
        assert batch.records == len(listed)
        ids += [r["id"] for r in listed]
        assert batch.response.status_code == 200
        assert batch.checkpoint == run.checkpoint
        checkpoint = json.loads(json.dumps(batch.checkpoint))
    return ids, phases, checkpoint


def _sent_sync_types(mock: Mock) -> list[str]:
    return [parse_qs(r["query"] or "").get("sync_type", [""])[0] for r in mock.requests("/v2")]


def test_a_first_sync_gets_every_record_once_and_a_resumed_one_only_what_was_added(mock: Mock) -> None:
    with ZoomPhone(**mock.client_kwargs()) as zp:
        first, phases, checkpoint = _run(zp.call_logs.sync_user_call_logs.sync(user_id="u1", count=50))
    assert phases == ["full", "backward", "incremental"]
    assert len(first) == INITIAL and len(set(first)) == INITIAL
    assert checkpoint["backfilled"] is True and isinstance(checkpoint["forward"], str)

    _add(mock, 7)
    mock.clear_log()
    with ZoomPhone(**mock.client_kwargs()) as zp:
        second, phases, checkpoint = _run(zp.sync("syncUserCallLogs", {"userId": "u1", "count": 50}, checkpoint=checkpoint))
    assert phases == ["incremental"]
    assert len(second) == 7 and not set(second) & set(first), "nothing seen before"
    assert _sent_sync_types(mock) == ["ISync"]

    # Caught up: from the newest checkpoint nothing comes; more than a batch of changes comes whole.
    with ZoomPhone(**mock.client_kwargs()) as zp:
        third, _, checkpoint = _run(zp.call_logs.sync_user_call_logs.sync(user_id="u1", count=50, checkpoint=checkpoint))
        assert third == []
        _add(mock, 130)
        fourth, _, _ = _run(zp.call_logs.sync_user_call_logs.sync(user_id="u1", count=50, checkpoint=checkpoint))
    assert len(fourth) == 130
    assert len(set(first + second + fourth)) == INITIAL + 137


def test_a_run_stopped_after_a_batch_resumes_from_its_checkpoint_without_a_gap(mock: Mock) -> None:
    with ZoomPhone(**mock.client_kwargs()) as zp:
        run = zp.sms.sms_session_sync.sync(session_id="s1", count=40)
        first: list[str] = []
        for batch in run:
            first += [r["id"] for r in _records(batch.page)]
            if batch.phase == "backward":
                break
        saved = json.loads(json.dumps(run.checkpoint))
        rest, _, _ = _run(zp.sms.sms_session_sync.sync(session_id="s1", count=40, checkpoint=saved))
    assert len(first) + len(rest) == INITIAL
    assert len(set(first + rest)) == INITIAL


async def _arun(run: AsyncSyncRun[Any]) -> list[str]:
    ids: list[str] = []
    async for batch in run:
        ids += [r["id"] for r in _records(batch.page)]
    return ids


async def test_the_asyncio_sync_does_the_same(mock: Mock) -> None:
    async with AsyncZoomPhone(**mock.client_kwargs()) as zp:
        run = zp.call_logs.sync_user_call_logs.sync(user_id="u1", count=50)
        first = await _arun(run)
        assert len(set(first)) == INITIAL
        _add(mock, 3)
        again = await _arun(zp.sync("syncUserCallLogs", {"userId": "u1", "count": 50}, checkpoint=run.checkpoint))
    assert len(again) == 3 and not set(again) & set(first)


def test_sync_refuses_what_is_not_a_sync_its_own_parameters_and_a_bad_checkpoint(mock: Mock) -> None:
    with ZoomPhone(**mock.client_kwargs()) as zp:
        with pytest.raises(BuildError, match="not an incremental-sync operation"):
            zp.sync("listCallQueues", {})
        own: Any = {"sync_type": "FSync"}
        with pytest.raises(BuildError, match="sync_type.*set by the syncer"):
            zp.call_logs.sync_user_call_logs.sync(user_id="u", **own)
        bad: Any = {"forward": 3}
        with pytest.raises(BuildError, match="forward must be a non-empty string"):
            zp.call_logs.sync_user_call_logs.sync(user_id="u", checkpoint=bad)
        with pytest.raises(BuildError, match="checkpoint"):
            zp.call_logs.sync_user_call_logs.sync(user_id="u", checkpoint="yesterday")  # type: ignore[arg-type]
        assert not hasattr(zp.call_queues.list_call_queues, "sync")
        with pytest.raises(AttributeError, match="not an incremental-sync operation"):
            getattr(zp.call_queues.get_a_call_queue, "sync")
    assert mock.requests("/v2") == []
