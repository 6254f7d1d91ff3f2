# Types of the compiled module zoom_phone._core (bindings-python/src/lib.rs),
# checked against it by `python -m mypy.stubtest zoom_phone._core` (make test-py).
from typing import Any, Mapping, Optional

from zoom_phone.types import BuiltRequest, ParsedResponse

__all__ = ["catalog", "build_request", "parse_response", "__version__"]

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
