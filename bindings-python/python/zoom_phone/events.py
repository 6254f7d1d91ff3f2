"""Webhook events as data. At run time an event is the parsed JSON body (a
``dict``); the generated ``events.pyi`` types every one of Zoom's events as
a ``TypedDict``, and ``Event`` as their union, narrowed by ``event``::

    event = verify_webhook(headers, body, secrets)
    if event["event"] == "phone.callee_ringing":
        caller = event["payload"]["object"]["caller"]
"""

from __future__ import annotations

from typing import Any

__all__ = ["Event", "EventName"]

#: One parsed webhook body: ``{"event", "event_ts", "payload"}``.
Event = dict[str, Any]
#: The name of an event, such as ``"phone.callee_ringing"``.
EventName = str
