# Types of the compiled module zoom_phone._core (bindings-python/src/), checked
# against it by `python -m mypy.stubtest zoom_phone._core` (make test-py).
from typing import Any, Mapping, Optional, final

from zoom_phone.types import BuiltRequest, ParsedResponse

__all__ = [
    "Pager",
    "Session",
    "__version__",
    "authorization_url",
    "build_request",
    "catalog",
    "handle_webhook",
    "parse_callback",
    "parse_response",
    "parse_token_response",
    "token_request",
]

__version__: str

def catalog() -> dict[str, Any]: ...
def build_request(
    operation_id: str,
    params: Optional[dict[str, Any]] = None,
    *,
    base_url: Optional[str] = None,
    file_base_url: Optional[str] = None,
    user_agent: Optional[str] = None,
) -> BuiltRequest: ...
def parse_response(
    operation_id: str, status: int, headers: Mapping[str, str], body: bytes
) -> ParsedResponse: ...

@final
class Pager:
    def __new__(
        cls, operation: str, params: Optional[dict[str, Any]] = None, *, limit: Optional[int] = None
    ) -> Pager: ...
    def next_params(self, now_ms: int) -> Optional[dict[str, Any]]: ...
    def yielded(self) -> int: ...
    def pages(self) -> int: ...

# ("send", attempt, request) | ("fetch_token", attempt) | ("wait", until_ms | None)
# | ("done", ParsedResponse) | ("page", list of items)
_Action = tuple[Any, ...]

@final
class Session:
    def __new__(
        cls,
        *,
        auth: str,
        client_id: Optional[str] = None,
        client_secret: Optional[str] = None,
        account_id: Optional[str] = None,
        access_token: Optional[str] = None,
        tokens: Optional[bytes] = None,
        oauth_base: Optional[str] = None,
        base_url: Optional[str] = None,
        file_base_url: Optional[str] = None,
        user_agent: Optional[str] = None,
        max_attempts: Optional[int] = None,
        retry_non_idempotent: bool = False,
        rate_limits: Optional[str] = None,
        seed: int = 0,
        shared_store: bool = False,
        max_response_bytes: Optional[int] = None,
        max_download_bytes: Optional[int] = None,
    ) -> Session: ...
    def start(
        self,
        operation: str,
        params: Optional[dict[str, Any]],
        now_ms: int,
        *,
        deadline_ms: Optional[int] = None,
        retry_non_idempotent: bool = False,
    ) -> int: ...
    def start_download(self, url: str, now_ms: int, *, deadline_ms: Optional[int] = None) -> int: ...
    def poll(self, call: int, now_ms: int, pager: Optional[Pager] = None) -> _Action: ...
    def receive(
        self, call: int, attempt: int, status: int, headers: Mapping[str, str], body: bytes, now_ms: int
    ) -> None: ...
    def receive_error(self, call: int, attempt: int, kind: str, message: str, now_ms: int) -> None: ...
    def receive_token(
        self, call: int, attempt: int, tokens: Optional[bytes], now_ms: int, error: Optional[str] = None
    ) -> None: ...
    def receive_stored(
        self, call: int, attempt: int, tokens: Optional[bytes], now_ms: int, error: Optional[str] = None
    ) -> None: ...
    def renewing(self, call: int) -> bool: ...
    def response_limit(self, call: int) -> int: ...
    def receive_too_large(self, call: int, attempt: int) -> None: ...
    def cancel(self, call: int) -> None: ...
    def take_persist(self) -> Optional[bytes]: ...
    def load_tokens(self, tokens: bytes) -> None: ...
    def active_calls(self) -> int: ...

def handle_webhook(
    headers: Mapping[str, str], body: bytes, secrets: list[str], now_ms: int, *, window_secs: int = 300
) -> dict[str, Any]: ...
def authorization_url(
    client_id: str, redirect_uri: str, *, oauth_base: Optional[str] = None
) -> tuple[str, str, str]: ...
def parse_callback(callback: str, expected_state: str) -> str: ...
def token_request(
    grant: str,
    client_id: str,
    *,
    client_secret: Optional[str] = None,
    redirect_uri: Optional[str] = None,
    oauth_base: Optional[str] = None,
    code: Optional[str] = None,
    code_verifier: Optional[str] = None,
    token: Optional[str] = None,
) -> BuiltRequest: ...
def parse_token_response(
    grant: str,
    status: int,
    headers: Mapping[str, str],
    body: bytes,
    now_ms: int,
    *,
    previous_refresh_token: Optional[str] = None,
) -> Optional[bytes]: ...
