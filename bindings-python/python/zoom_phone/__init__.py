"""Zoom Phone API client for Python, over the zoom-phone Rust core.

::

    from zoom_phone import ZoomPhone

    with ZoomPhone(account_id=..., client_id=..., client_secret=...) as zp:
        for queue in zp.call_queues.list_call_queues.iter(page_size=100):
            print(queue["name"])
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from . import events, exceptions, oauth, stores, types, webhooks
from ._base_client import AsyncTokenStore, Token, TokenStore, parse_response
from ._client import ZoomPhone
from ._pages import AsyncSyncRun, AsyncWalk, Page, SyncBatch, SyncRun, Walk
from ._response import RawResponse
from ._shards import AsyncShardWalk, ShardWalk
from ._core import __version__, build_request, catalog
from ._fleet import FleetOptions, RedisClient
from .exceptions import (
    ApiError,
    AuthenticationError,
    BuildError,
    NotFoundError,
    RateLimitError,
    TransportError,
    ValidationError,
    WebhookVerificationError,
    ZoomPhoneError,
)
from .stores import FileTokenStore, MemoryTokenStore
from .webhooks import handle_webhook, url_validation_response, verify_webhook

__all__ = [
    "__version__",
    "ApiError",
    "AsyncShardWalk",
    "AsyncSyncRun",
    "AsyncTokenStore",
    "AsyncWalk",
    "AsyncZoomPhone",
    "AuthenticationError",
    "BuildError",
    "FileTokenStore",
    "FleetOptions",
    "MemoryTokenStore",
    "NotFoundError",
    "Page",
    "RateLimitError",
    "RawResponse",
    "RedisClient",
    "ShardWalk",
    "SyncBatch",
    "SyncRun",
    "Token",
    "TokenStore",
    "TransportError",
    "ValidationError",
    "Walk",
    "WebhookVerificationError",
    "ZoomPhone",
    "ZoomPhoneError",
    "build_request",
    "catalog",
    "events",
    "exceptions",
    "handle_webhook",
    "oauth",
    "parse_response",
    "stores",
    "types",
    "url_validation_response",
    "verify_webhook",
    "webhooks",
]

if TYPE_CHECKING:
    from ._async_client import AsyncZoomPhone


def __getattr__(name: str) -> Any:
    # The asyncio client on first use: importing the package does not load
    # asyncio for a program of threads (a tenth of the import time).
    if name == "AsyncZoomPhone":
        from ._async_client import AsyncZoomPhone

        return AsyncZoomPhone
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
