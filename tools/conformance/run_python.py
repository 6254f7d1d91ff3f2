"""The Python host of the conformance run: the installed zoom_phone package
calls every operation against Prism through ``ZoomPhone``, the public sync
client, with a fixed token, one attempt and both base URLs at Prism. The
client's own ``httpx.Client`` gets a response hook that reads each answer's
status and Prism's ``sl-violations`` header, which the client does not surface.

    .venv/bin/python tools/conformance/run_python.py EXAMPLES BASE_URL OUT
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any, Optional

import httpx

import zoom_phone
from zoom_phone.exceptions import ZoomPhoneError

# Must match the Rust runner's: Prism only checks that a token is present.
TOKEN = "conformance-token"


def short_violations(header: Optional[str], body: str) -> list[str]:
    """``location: message`` of each Error violation, else the problem title."""
    try:
        listed = json.loads(header or "[]")
    except ValueError:
        listed = []
    errors = [
        ".".join(str(p) for p in v.get("location", [])) + ": " + str(v.get("message", ""))
        for v in listed
        if v.get("severity") == "Error"
    ]
    if errors:
        return errors
    try:
        title = json.loads(body).get("title")
    except (ValueError, AttributeError):
        return []
    return [title] if isinstance(title, str) else []


def main(examples_path: str, base_url: str, out_path: str) -> None:
    last: dict[str, Any] = {}

    def record(response: httpx.Response) -> None:
        response.read()
        last["status"] = response.status_code
        last["violations"] = short_violations(response.headers.get("sl-violations"), response.text)

    http = httpx.Client(follow_redirects=False, timeout=30.0, event_hooks={"response": [record]})
    client = zoom_phone.ZoomPhone(
        access_token=TOKEN,
        base_url=base_url,
        file_base_url=base_url,
        max_attempts=1,
        http_client=http,
    )
    examples: dict[str, Any] = json.loads(Path(examples_path).read_text())
    operations: dict[str, Any] = {}
    with http:
        for op_id, params in examples.items():
            last.clear()
            parsed = True
            client_error: Optional[str] = None
            client_status: Optional[int] = None
            try:
                client.call(op_id, params)
            except ZoomPhoneError as e:
                parsed = False
                client_error = f"{type(e).__name__}: {e}"
                client_status = getattr(e, "status", None)
            if "status" not in last:
                raise SystemExit(f"{op_id}: nothing was sent ({client_error})")
            status: int = last["status"]
            if client_status is not None and client_status != status:
                raise SystemExit(f"{op_id}: the client saw {client_status}, httpx {status}")
            accepted = status < 400
            verdict: dict[str, Any] = {
                "accepted": accepted,
                "status": status,
                "violations": [] if accepted else last["violations"],
                "response_parsed": parsed if accepted else None,
            }
            if client_error is not None:
                verdict["client_error"] = client_error
            operations[op_id] = verdict
    out = Path(out_path)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps({"host": "python", "operations": operations}, indent=2) + "\n")


if __name__ == "__main__":
    if len(sys.argv) != 4:
        raise SystemExit("usage: run_python.py EXAMPLES BASE_URL OUT")
    main(*sys.argv[1:])
