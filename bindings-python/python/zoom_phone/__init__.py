"""Zoom Phone API client for Python, over the zoom-phone Rust core."""

from __future__ import annotations

from . import exceptions, types
from ._core import __version__, build_request, catalog, parse_response
from .exceptions import ZoomPhoneError

__all__ = [
    "__version__",
    "build_request",
    "catalog",
    "exceptions",
    "parse_response",
    "types",
    "ZoomPhoneError",
]
