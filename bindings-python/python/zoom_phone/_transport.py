"""The transport of an httpx client the package makes for itself (when no
``http_client`` is given): httpx's own transports, one for ``http`` and one
for ``https``, the latter made on the first https request with one TLS
context for the whole process.

An httpx client otherwise builds its TLS context when it is constructed,
loading the CA bundle whether or not it ever speaks TLS, and again for every
client (measured with httpx 0.28: the first ~2.9 MB resident and 45 ms of
CPU, each later one ~0.8 MB and 25 ms), so a service holding one client per
Zoom account paid it per account.
"""

from __future__ import annotations

import ssl
import threading
from typing import Callable, Generic, Optional, TypeVar, Union

import httpx

__all__ = ["AsyncTransport", "Transport", "tls_context"]

_T = TypeVar("_T")

_context: Optional[ssl.SSLContext] = None
_context_lock = threading.Lock()


def tls_context() -> ssl.SSLContext:
    """httpx's default verifying context (the CA bundle it would load, or
    ``SSL_CERT_FILE``/``SSL_CERT_DIR``), made once. A client-side context
    holds configuration only, so threads and event loops may share it."""
    global _context
    with _context_lock:
        if _context is None:
            _context = httpx.create_ssl_context()
        return _context


class _ByScheme(Generic[_T]):
    def __init__(self, make: Callable[[Union[ssl.SSLContext, bool]], _T]) -> None:
        self._make = make
        # Made now, as httpx would: it imports httpcore, which any first
        # request needs. It never starts TLS (its URLs are http://).
        self._plain = make(False)
        self._tls: Optional[_T] = None
        self._lock = threading.Lock()

    def pick(self, request: httpx.Request) -> _T:
        if request.url.scheme != "https":
            return self._plain
        if self._tls is None:
            with self._lock:
                if self._tls is None:
                    self._tls = self._make(tls_context())
        return self._tls

    def made(self) -> list[_T]:
        with self._lock:
            return [self._plain] if self._tls is None else [self._plain, self._tls]


class Transport(httpx.BaseTransport):
    def __init__(self) -> None:
        self._by_scheme = _ByScheme(lambda verify: httpx.HTTPTransport(verify=verify))

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        return self._by_scheme.pick(request).handle_request(request)

    def close(self) -> None:
        for transport in self._by_scheme.made():
            transport.close()


class AsyncTransport(httpx.AsyncBaseTransport):
    def __init__(self) -> None:
        self._by_scheme = _ByScheme(lambda verify: httpx.AsyncHTTPTransport(verify=verify))

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        return await self._by_scheme.pick(request).handle_async_request(request)

    async def aclose(self) -> None:
        for transport in self._by_scheme.made():
            await transport.aclose()
