"""A Zoom webhook endpoint on the standard library's ``http.server``:

    ZOOM_WEBHOOK_SECRETS=secret1,secret2 python http_server_webhooks.py 8000

Verification (signature in constant time, timestamp window, URL
validation, several secrets during a rotation) is the core's; the handler
answers what ``handle_webhook`` says, then hands genuine events on.
"""

from __future__ import annotations

import http.server
import os
import sys
from typing import Any, Callable

from zoom_phone import exceptions, handle_webhook
from zoom_phone.events import Event


def make_handler(
    secrets: list[str], on_event: Callable[[Event], None], on_reject: Callable[[str], None] = lambda code: None
) -> type[http.server.BaseHTTPRequestHandler]:
    """A request-handler class that verifies with ``secrets``."""

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("content-length", "0")))
            try:
                result = handle_webhook(self.headers, body, secrets)
            except exceptions.WebhookVerificationError as e:
                self.send_response(e.status or 401)
                self.end_headers()
                on_reject(e.code)
                return
            self.send_response(result.status)
            for name, value in result.headers.items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(result.body)
            if result.payload is not None:
                on_event(result.payload)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    return Handler


if __name__ == "__main__":
    port = int(sys.argv[1]) if len(sys.argv) > 1 else 8000
    secrets = [s for s in os.environ.get("ZOOM_WEBHOOK_SECRETS", "").split(",") if s]
    handler = make_handler(secrets, lambda e: print(e["event"], e["event_ts"]), lambda c: print("rejected:", c))
    http.server.ThreadingHTTPServer(("0.0.0.0", port), handler).serve_forever()
