"""A mock Zoom (tools/mock-server) for the whole test session, reset before
every test that uses it; a throwaway redis-server for the fleet tests."""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Optional

import httpx
import pytest

ROOT = Path(__file__).resolve().parent.parent


class Mock:
    """The running mock server and its admin API."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.api = f"{url}/v2"
        self.admin = httpx.Client(base_url=f"{url}/_admin", timeout=30)

    def client_kwargs(self) -> dict[str, Any]:
        return {
            "account_id": "mock-account",
            "client_id": "mock-client-id",
            "client_secret": "mock-client-secret",
            "base_url": self.api,
            "oauth_base": self.url,
        }

    def post(self, path: str, body: Any = None) -> Any:
        r = self.admin.post(path, json=body)
        assert r.status_code < 300, r.text
        return r.json() if r.content else None

    def fault(self, **spec: Any) -> None:
        self.post("/faults", spec)

    def requests(self, path_prefix: str = "") -> list[dict[str, Any]]:
        r = self.admin.get("/requests", params={"path_prefix": path_prefix} if path_prefix else None)
        r.raise_for_status()
        entries: list[dict[str, Any]] = r.json()
        return entries

    def token_requests(self) -> list[dict[str, Any]]:
        return self.requests("/oauth/token")

    def clear_log(self) -> None:
        self.admin.delete("/requests").raise_for_status()


@contextlib.contextmanager
def start_mock(*flags: str) -> Iterator[Mock]:
    """A mock server of its own with these flags (``--call-history 1000``), stopped after."""
    # Where cargo put it: $CARGO_TARGET_DIR when set (as the Makefile's build honours), else target/.
    target = Path(os.environ.get("CARGO_TARGET_DIR") or ROOT / "target")
    binary = os.environ.get("ZOOM_PHONE_MOCK_BIN", str(target / "debug" / "zoom-phone-mock"))
    proc = subprocess.Popen(
        [binary, *flags],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        cwd=ROOT,
    )
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline().strip()
        prefix = "listening on "
        assert line.startswith(prefix), f"unexpected first line from the mock: {line!r}"
        mock = Mock(line[len(prefix) :])
        yield mock
        mock.admin.close()
    finally:
        proc.terminate()
        proc.wait(timeout=10)


@pytest.fixture(scope="session")
def mock_server() -> Iterator[Mock]:
    with start_mock("--device-interval", "1") as mock:
        yield mock


@pytest.fixture
def mock(mock_server: Mock) -> Mock:
    mock_server.post("/reset")
    return mock_server


class RedisServer:
    """Debian's redis-server (`make redis`) on a free loopback port, with no
    persistence; killed (not shut down) for the outage tests and started
    again, empty, on the same port."""

    def __init__(self) -> None:
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port: int = s.getsockname()[1]
        self.url = f"redis://127.0.0.1:{self.port}"
        self._dir = tempfile.mkdtemp(prefix="zoom-phone-redis-")
        self._proc: Optional[subprocess.Popen[bytes]] = None

    def answers(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=0.2) as s:
                s.sendall(b"PING\r\n")
                return s.recv(16).startswith(b"+PONG")
        except OSError:
            return False

    def start(self) -> None:
        binary = shutil.which("redis-server")
        assert binary is not None, "redis-server is not installed: `make redis` (apt-get install redis-server)"
        self._proc = subprocess.Popen(
            [binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", self._dir],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for _ in range(400):
            if self.answers():
                return
            assert self._proc.poll() is None, f"redis-server exited ({self._proc.returncode})"
            time.sleep(0.025)
        raise AssertionError(f"redis-server did not answer on port {self.port}")

    def kill(self) -> None:
        """An outage: the server is gone at once."""
        if self._proc is not None:
            self._proc.kill()
            self._proc.wait()
            self._proc = None

    def restart(self) -> None:
        self.kill()
        self.start()

    def stop(self) -> None:
        self.kill()
        shutil.rmtree(self._dir, ignore_errors=True)


@pytest.fixture(scope="session")
def redis_server() -> Iterator[RedisServer]:
    server = RedisServer()
    try:
        server.start()
        yield server
    finally:
        server.stop()


@pytest.fixture
def redis_url(redis_server: RedisServer) -> str:
    """The session's Redis, running (a test that killed it may have left it down)."""
    if not redis_server.answers():
        redis_server.restart()
    return redis_server.url
