"""Every operation of the API as a method, grouped by tag
(``zp.call_queues.list_call_queues(page_size=100)``), built from the
catalog at import. The types of the groups and methods are in the
generated ``_api.pyi``."""

from __future__ import annotations

import base64
import warnings
from typing import TYPE_CHECKING, Any, AsyncIterator, Iterator, Optional

from . import _core
from ._names import param_names, snake_case

if TYPE_CHECKING:
    from ._client import AsyncZoomPhone, ZoomPhone


class _Spec:
    """What a method needs to turn keywords into the core's parameters."""

    __slots__ = ("id", "name", "params", "paginated", "deprecated", "summary", "multipart")

    def __init__(self, op: dict[str, Any]) -> None:
        self.id: str = op["id"]
        self.name: str = op["name"]
        spec_names = [p["name"] for p in op.get("params", [])]
        self.params: dict[str, str] = dict(zip(param_names(spec_names), spec_names))
        if op.get("body") is not None:
            self.params["body"] = "body"
        self.paginated: bool = op.get("pagination") is not None
        self.deprecated: bool = bool(op.get("deprecated"))
        self.summary: str = op.get("summary", "")
        self.multipart: bool = (op.get("body") or {}).get("media_type") == "multipart/form-data"

    def to_params(self, kwargs: dict[str, Any]) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for key, value in kwargs.items():
            if value is None:
                continue
            spec_name = self.params.get(key)
            if spec_name is None:
                # The spec's own name is accepted too (``callQueueId``); the
                # core names the parameter if it is unknown.
                spec_name = key
            if spec_name == "body" and self.multipart and isinstance(value, dict):
                value = {k: _file_part(v) for k, v in value.items()}
            out[spec_name] = value
        if self.deprecated:
            warnings.warn(f"{self.name} ({self.id}) is deprecated in Zoom's API", DeprecationWarning, stacklevel=3)
        return out


def _file_part(value: Any) -> Any:
    """``bytes`` in a multipart body are a file: the core's JSON form of one."""
    if isinstance(value, (bytes, bytearray, memoryview)):
        return {"data_base64": base64.b64encode(bytes(value)).decode("ascii")}
    return value


def _load() -> dict[str, list[_Spec]]:
    groups: dict[str, list[_Spec]] = {}
    for op in _core.catalog()["operations"]:
        groups.setdefault(snake_case(op["tag"]), []).append(_Spec(op))
    return groups


GROUPS: dict[str, list[_Spec]] = _load()


class Operation:
    """One operation bound to a :class:`ZoomPhone`."""

    def __init__(self, client: ZoomPhone, spec: _Spec) -> None:
        self._client = client
        self._spec = spec
        self.__name__ = spec.name
        self.__doc__ = spec.summary

    def __call__(self, **kwargs: Any) -> Any:
        return self._client._call(self._spec.id, self._spec.to_params(kwargs))

    def iter(self, *, limit: Optional[int] = None, **kwargs: Any) -> Iterator[Any]:
        """Every item of every page, fetched page by page."""
        return self._client._iterate(self._spec.id, self._spec.to_params(kwargs), limit)

    def __repr__(self) -> str:
        return f"<operation {self._spec.name} ({self._spec.id})>"


class AsyncOperation:
    """One operation bound to an :class:`AsyncZoomPhone`."""

    def __init__(self, client: AsyncZoomPhone, spec: _Spec) -> None:
        self._client = client
        self._spec = spec
        self.__name__ = spec.name
        self.__doc__ = spec.summary

    async def __call__(self, **kwargs: Any) -> Any:
        return await self._client._call(self._spec.id, self._spec.to_params(kwargs))

    def iter(self, *, limit: Optional[int] = None, **kwargs: Any) -> AsyncIterator[Any]:
        """Every item of every page, fetched page by page."""
        return self._client._iterate(self._spec.id, self._spec.to_params(kwargs), limit)

    def __repr__(self) -> str:
        return f"<async operation {self._spec.name} ({self._spec.id})>"


class Group:
    """The operations of one tag."""

    def __init__(self, name: str, operations: dict[str, Any]) -> None:
        self._name = name
        self.__dict__.update(operations)

    def __repr__(self) -> str:
        return f"<group {self._name}>"


class ZoomPhoneApi:
    """The operation groups of a sync client."""

    def __init__(self) -> None:
        me: Any = self
        for group, specs in GROUPS.items():
            setattr(self, group, Group(group, {s.name: Operation(me, s) for s in specs}))


class AsyncZoomPhoneApi:
    """The operation groups of an asyncio client."""

    def __init__(self) -> None:
        me: Any = self
        for group, specs in GROUPS.items():
            setattr(self, group, Group(group, {s.name: AsyncOperation(me, s) for s in specs}))
