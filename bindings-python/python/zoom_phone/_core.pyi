# Types of the compiled module zoom_phone._core (bindings-python/src/lib.rs).
from typing import Any, Mapping, Optional, TypedDict

__version__: str

class BuiltRequest(TypedDict):
    method: str
    url: str
    headers: dict[str, str]
    body: Optional[bytes]

def catalog() -> dict[str, Any]: ...
def build_request(
    operation_id: str,
    params: Optional[Mapping[str, Any]] = None,
    *,
    base_url: Optional[str] = None,
    file_base_url: Optional[str] = None,
    user_agent: Optional[str] = None,
) -> BuiltRequest: ...
