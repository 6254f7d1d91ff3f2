"""A tour of the Python package against the mock Zoom (or Zoom itself):
server-to-server token, a list, a paged walk, a write read back, a
download, and a webhook verified by a local receiver.

    ZOOM_PHONE_MOCK_URL=http://127.0.0.1:PORT python bindings-python/examples/demo.py

Credentials come from ZOOM_ACCOUNT_ID / ZOOM_CLIENT_ID / ZOOM_CLIENT_SECRET,
defaulting to the mock's.
"""

from __future__ import annotations

import http.server
import os
import threading
import time

import httpx

from http_server_webhooks import make_handler
from zoom_phone import ZoomPhone, exceptions

MOCK_URL = os.environ.get("ZOOM_PHONE_MOCK_URL", "http://127.0.0.1:4010").rstrip("/")
WEBHOOK_SECRET = "demo-webhook-secret"


def step(title: str) -> None:
    print(f"\n== {title}")


def main() -> None:
    zp = ZoomPhone(
        account_id=os.environ.get("ZOOM_ACCOUNT_ID", "mock-account"),
        client_id=os.environ.get("ZOOM_CLIENT_ID", "mock-client-id"),
        client_secret=os.environ.get("ZOOM_CLIENT_SECRET", "mock-client-secret"),
        base_url=f"{MOCK_URL}/v2",
        oauth_base=MOCK_URL,
    )
    with zp:
        step("list call queues (the S2S token is fetched on the first call)")
        queues = zp.call_queues.list_call_queues(page_size=5)
        for q in queues.get("call_queues", []):
            print(f"  {q.get('id')}  {q.get('name')}")
        print(f"  {queues.get('total_records')} queues in all")

        step("walk every call-history record, 300 a page")
        start = time.monotonic()
        count = sum(1 for _ in zp.call_logs.account_call_history.iter(page_size=300))
        print(f"  {count} records in {time.monotonic() - start:.2f} s")

        step("rename a call queue and read it back")
        first = queues["call_queues"][0]
        zp.call_queues.update_call_queue(call_queue_id=first["id"], body={"name": "Renamed from Python"})
        print(f"  name is now {zp.call_queues.get_a_call_queue(call_queue_id=first['id']).get('name')!r}")

        step("download a recording")
        data = zp.recordings.phone_download_recording_file(file_id="demo-recording")
        print(f"  {len(data)} bytes, starting {data[:4].hex()}")

        step("a lookup that fails")
        try:
            zp.users.phone_user(user_id="nobody")
        except exceptions.NotFoundError as e:
            print(f"  NotFoundError: status {e.status}, Zoom code {e.zoom_code}, tracking id {e.tracking_id}")

    step("webhooks sent by the mock to a local http.server receiver")
    seen: list[str] = []
    handler = make_handler([WEBHOOK_SECRET], lambda e: seen.append(e["event"]), lambda c: seen.append(f"rejected ({c})"))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    hook = f"http://127.0.0.1:{server.server_address[1]}/hook"
    with httpx.Client(base_url=f"{MOCK_URL}/_admin") as admin:
        for event, wrong in [("endpoint.url_validation", False), ("phone.callee_ringing", False), ("phone.callee_ringing", True)]:
            sent = admin.post("/webhooks/send", json={"url": hook, "event": event, "secret": WEBHOOK_SECRET, "wrong_secret": wrong}).json()
            note = " (signed with the wrong secret)" if wrong else ""
            ok = sent.get("validation", {}).get("ok")
            extra = f", validation ok: {ok}" if ok is not None else ""
            print(f"  {event}{note}: receiver answered {sent['status']}{extra}")
    server.shutdown()
    print(f"  receiver saw: {seen}")


if __name__ == "__main__":
    main()
