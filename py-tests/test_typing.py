"""The generated stubs catch mistakes: mypy --strict passes on correct use
and fails on a wrong keyword, a wrong type, a wrong enum value and a wrong
use of the result."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT

GOOD = """
from zoom_phone import ZoomPhone
zp = ZoomPhone(access_token="t")
page = zp.call_queues.list_call_queues(page_size=10, site_id="s")
total: int = page.get("total_records", 0)
for q in zp.call_queues.list_call_queues.iter(page_size=100, limit=5):
    name: str = q.get("name", "")
zp.call_queues.update_call_queue(call_queue_id="q", body={"name": "n"})
data: bytes = zp.recordings.phone_download_recording_file(file_id="f")

# Call options on every method, raw responses typed by the method, walks and syncs.
zp.sites.list_phone_sites(page_size=1, call_timeout=5.0, max_attempts=2, extra_headers={"x-a": "b"})
raw = zp.call_queues.list_call_queues.with_raw_response(page_size=10, retry_non_idempotent=False)
status: int = raw.status_code
parsed_total: int = raw.parse().get("total_records", 0)
walk = zp.call_queues.list_call_queues.iter(page_size=100, resume=None, max_attempts=1)
point = walk.resume_point
for one in walk.pages():
    first_name: str = one.items[0].get("name", "")
run = zp.call_logs.sync_user_call_history.sync(user_id="u", count=50, checkpoint=None)
for batch in run:
    kept: bool = batch.checkpoint["backfilled"]
copy: ZoomPhone = zp.with_options(call_timeout=1.0)

from zoom_phone import AsyncZoomPhone
async def asynchronous(azp: AsyncZoomPhone) -> None:
    araw = await azp.call_queues.list_call_queues.with_raw_response(page_size=10)
    atotal: int = araw.parse().get("total_records", 0)
    async for item in azp.call_queues.list_call_queues.iter(page_size=100):
        aname: str = item.get("name", "")
    async for abatch in azp.sms.sms_session_sync.sync(session_id="s", count=40):
        arecords: int = abatch.records

from zoom_phone import verify_webhook
event = verify_webhook({}, b"", ["s"])
if event["event"] == "phone.callee_ringing":
    ts: int = event["event_ts"]
"""

BAD = {
    "wrong keyword": 'zp.call_queues.list_call_queues(page_sise=10)',
    "wrong type": 'zp.call_queues.list_call_queues(page_size="10")',
    "missing path parameter": "zp.call_queues.get_a_call_queue()",
    "unknown body field": 'zp.call_queues.update_call_queue(call_queue_id="q", body={"nme": "n"})',
    "wrong result use": 'x: str = zp.recordings.phone_download_recording_file(file_id="f")',
    "unknown group": "zp.call_queue.list_call_queues()",
    "event name is a str literal": 'n: int = verify_webhook({}, b"", [])["event"]',
    "iter on an operation that does not page": 'zp.users.phone_user.iter(user_id="u")',
    "wrong option type": 'zp.sites.list_phone_sites(call_timeout="5")',
    "misspelt option": "zp.sites.list_phone_sites(max_attempt=2)",
    "wrong raw keyword": "zp.sites.list_phone_sites.with_raw_response(page_sise=1)",
    "wrong raw result use": 'n: int = zp.sites.list_phone_sites.with_raw_response().parse()',
    "sync sets sync_type itself": 'zp.call_logs.sync_user_call_history.sync(user_id="u", sync_type="FSync")',
    "sync on an operation that does not sync": "zp.call_queues.list_call_queues.sync()",
    "with_options takes call options only": 'zp.with_options(base_url="x")',
}


def _mypy(tmp_path: Path, source: str) -> subprocess.CompletedProcess[str]:
    file = tmp_path / "snippet.py"
    file.write_text(source)
    return subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--no-incremental", str(file)],
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_correct_use_type_checks(tmp_path: Path) -> None:
    result = _mypy(tmp_path, GOOD)
    assert result.returncode == 0, result.stdout


@pytest.fixture(scope="module")
def mistakes_checked(tmp_path_factory: pytest.TempPathFactory) -> str:
    """One mypy run over every mistake, each its own module (the stubs are
    read once, not once per mistake): mypy's report."""
    folder = tmp_path_factory.mktemp("mistakes")
    files = []
    for i, mistake in enumerate(sorted(BAD)):
        file = folder / f"mistake_{i}.py"
        file.write_text("from zoom_phone import ZoomPhone, verify_webhook\nzp = ZoomPhone(access_token='t')\n" + BAD[mistake] + "\n")
        files.append(str(file))
    result = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--no-incremental", *files],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 1, result.stdout
    return result.stdout


@pytest.mark.parametrize("mistake", sorted(BAD))
def test_mistakes_fail_type_checking(mistakes_checked: str, mistake: str) -> None:
    i = sorted(BAD).index(mistake)
    errors = [line for line in mistakes_checked.splitlines() if f"mistake_{i}.py:" in line and ": error" in line]
    assert errors, f"{mistake}: no error in\n{mistakes_checked}"
    assert all(f"mistake_{i}.py:3: error" in line for line in errors), errors


EVENT_NAMES = [e["name"] for e in json.loads((ROOT / "core" / "src" / "generated" / "events.json").read_text())["events"]]


def test_every_event_narrows_on_its_name(tmp_path: Path) -> None:
    """An if/elif over every event name narrows ``Event`` to exactly one
    member each (its ``event`` is that name's Literal) and leaves nothing for
    ``assert_never``: no event type is missed or left a plain ``str``."""
    assert len(EVENT_NAMES) == 71
    lines = [
        "from typing import Literal",
        "from typing_extensions import assert_never, assert_type",
        "from zoom_phone.events import Event, EventName",
        "def dispatch(event: Event) -> int:",
    ]
    for i, name in enumerate(EVENT_NAMES):
        lines.append(f"    {'if' if i == 0 else 'elif'} event['event'] == {name!r}:")
        lines.append(f"        assert_type(event['event'], Literal[{name!r}])")
        lines.append(f"        ts{i}: int = event['event_ts']")
        lines.append(f"        return ts{i} + len(event['payload'])")
    lines += ["    else:", "        assert_never(event)"]
    lines += [f"n{i}: EventName = {name!r}" for i, name in enumerate(EVENT_NAMES)]
    result = _mypy(tmp_path, "\n".join(lines) + "\n")
    assert result.returncode == 0, result.stdout


def test_deprecated_operations_are_flagged(tmp_path: Path) -> None:
    file = tmp_path / "snippet.py"
    file.write_text(
        "from zoom_phone import ZoomPhone\nzp = ZoomPhone(access_token='t')\n"
        "zp.call_handling.get_call_handling(extension_id='x')\n"
    )
    result = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--enable-error-code", "deprecated", "--no-incremental", str(file)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 1
    assert "getCallHandling is deprecated" in result.stdout
