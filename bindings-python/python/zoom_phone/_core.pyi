# Types of the compiled module zoom_phone._core (bindings-python/src/lib.rs).
from typing import Any, Literal, Mapping, Optional, TypedDict

__version__: str

class BuiltRequest(TypedDict):
    method: str
    url: str
    headers: dict[str, str]
    body: Optional[bytes]

class ParsedResponse(TypedDict, total=False):
    status: int
    tracking_id: Optional[str]
    rate_limit: dict[str, Any]
    kind: Literal["json", "empty", "binary", "redirect"]
    body: Any
    content_type: Optional[str]
    location: str

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
