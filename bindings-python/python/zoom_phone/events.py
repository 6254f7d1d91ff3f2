"""Webhook events as data. At run time an event is the parsed JSON body (a
``dict``); for type checkers every one of Zoom's events is a ``TypedDict``
(generated in ``_generated/events.pyi``) and ``Event`` their union, which
narrows on ``event["event"]``::

    event = verify_webhook(headers, body, secrets)
    if event["event"] == "phone.callee_ringing":
        caller = event["payload"]["object"]["caller"]
"""

from __future__ import annotations

from ._generated.events import *  # noqa: F403  (every event type, and Event, EventName)
from ._generated.events import __all__ as __all__
