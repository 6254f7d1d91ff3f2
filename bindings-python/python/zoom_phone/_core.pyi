# Types of the compiled module zoom_phone._core (bindings-python/src/), checked
# against it by `python -m mypy.stubtest zoom_phone._core` (make test-py).
from typing import Any, Mapping, Optional, Sequence, Union, final

from zoom_phone.exceptions import ZoomPhoneError
from zoom_phone.types import BuiltRequest

__all__ = [
    "Pager",
    "Session",
    "Syncer",
    "__version__",
    "authorization_url",
    "build_request",
    "catalog",
    "decode_error",
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
    params: Optional[Any] = None,
    *,
    base_url: Optional[str] = None,
    file_base_url: Optional[str] = None,
    user_agent: Optional[str] = None,
) -> BuiltRequest: ...
def parse_response(operation_id: str, status: int, headers: Mapping[str, str], body: bytes) -> dict[str, Any]: ...

@final
class Pager:
    def __new__(
        cls,
        operation: str,
        params: Optional[Any] = None,
        *,
        limit: Optional[Any] = None,
        resume: Optional[dict[str, Any]] = None,
    ) -> Pager: ...
    def next_params(self, now_ms: int) -> Optional[dict[str, Any]]: ...
    def accept_page(self, token: Optional[Any], items: int, now_ms: int) -> tuple[int, int]: ...
    @property
    def token_field(self) -> Optional[str]: ...
    @property
    def items_field(self) -> Optional[str]: ...
    def resume_point(self, handed_out: int) -> Optional[dict[str, Any]]: ...
    def yielded(self) -> int: ...
    def pages(self) -> int: ...

@final
class Syncer:
    def __new__(
        cls, operation: str, params: Optional[Any] = None, checkpoint: Optional[Any] = None
    ) -> Syncer: ...
    def next_batch(self) -> Optional[tuple[Any, str]]: ...
    def accept(self, token: Optional[Any], records: int) -> str: ...
    @property
    def checkpoint(self) -> dict[str, Any]: ...
    @property
    def record_fields(self) -> list[str]: ...
    @property
    def token_field(self) -> str: ...
    @property
    def caught_up(self) -> bool: ...

# A step: (kind, wake, events, ...fields); see bindings-python/src/session.rs.
_Step = tuple[Any, ...]

@final
class Session:
    def __new__(cls, config: Any) -> Session: ...
    def start(
        self, operation: str, params: Optional[Any], options: Optional[Any], now_ms: int
    ) -> tuple[int, _Step]: ...
    def start_download(self, url: Any, options: Optional[Any], now_ms: int) -> tuple[int, _Step]: ...
    def start_page(
        self, pager: Pager, operation: str, options: Optional[Any], now_ms: int
    ) -> Optional[tuple[int, _Step]]: ...
    def respond(self, call: int, status: int, headers: Any, body: bytes, now_ms: int) -> _Step: ...
    def report(self, call: int, outcome: str, value: Any, now_ms: int) -> _Step: ...
    def cancel(self, call: int, now_ms: int) -> tuple[str, Optional[_Step]]: ...
    def abandon(self, call: int, now_ms: int) -> Optional[_Step]: ...
    @property
    def entries(self) -> int: ...
    def active_calls(self) -> int: ...
    def timeouts(self) -> tuple[float, float, Optional[float]]: ...
    def install_tokens(self, tokens: bytes) -> None: ...

def decode_error(operation: str, status: int, tracking_id: Optional[str], body: bytes) -> ZoomPhoneError: ...
def handle_webhook(
    headers: Mapping[str, str], body: bytes, secrets: Union[str, Sequence[str]], now_ms: int, *, window_secs: Optional[int] = None
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
