"""A mock Zoom (tools/mock-server) for the whole test session, reset before
every test that uses it."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

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


@pytest.fixture(scope="session")
def mock_server() -> Iterator[Mock]:
    # Where cargo put it: $CARGO_TARGET_DIR when set (as the Makefile's build honours), else target/.
    target = Path(os.environ.get("CARGO_TARGET_DIR") or ROOT / "target")
    binary = os.environ.get("ZOOM_PHONE_MOCK_BIN", str(target / "debug" / "zoom-phone-mock"))
    proc = subprocess.Popen(
        [binary, "--device-interval", "1"],
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


@pytest.fixture
def mock(mock_server: Mock) -> Mock:
    mock_server.post("/reset")
    return mock_server
