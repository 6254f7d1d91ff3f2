"""Every operation of the API as a method, grouped by tag
(``zp.call_queues.list_call_queues(page_size=100)``), made from the
generated tables in ``_generated/api.py``; their types are in
``_generated/api.pyi``. Groups and methods are made on first use, so a new
client costs nothing per operation.

Each method takes the operation's parameters and the call options
(``call_timeout``, ``max_attempts``, ``retry_non_idempotent``,
``extra_headers``) as keywords; the generator gives a Zoom parameter whose
name is a call option's (or ``limit``, ``resume``, ``checkpoint``) a trailing
underscore, so the two never meet. ``method.with_raw_response(...)`` answers
the :class:`~zoom_phone.RawResponse` instead of the result."""

from __future__ import annotations

import base64
import warnings
from typing import Any, Callable, NamedTuple, Optional

from ._base_client import _split_options
from .exceptions import BuildError

__all__ = ["Op", "api_classes"]


class Op(NamedTuple):
    """One operation as the generator describes it."""

    #: Zoom's operationId.
    id: str
    summary: str
    #: Keyword argument -> the spec's parameter name (``"body"`` -> ``"body"``).
    params: dict[str, str]
    paginated: bool = False
    deprecated: bool = False
    #: The body is multipart (a file upload): ``bytes`` values are files.
    multipart: bool = False
    #: An incremental sync (``sync_type`` + ``sync_token``): ``.sync()``.
    sync: bool = False


def _fold(name: str) -> str:
    return name.replace("_", "").replace("-", "").lower()


def _unknown(name: str, op: Op, key: str) -> BuildError:
    """The error for a keyword the operation does not have, suggesting the
    documented keyword (``user_id``), not the spec's name (``userId``)."""
    close = [k for k in op.params if _fold(k) == _fold(key)]
    if not close:
        import difflib

        close = difflib.get_close_matches(key, list(op.params), n=1, cutoff=0.75)
    hint = f"; did you mean `{close[0]}`?" if close else ""
    return BuildError(f"`{name}` ({op.id}) has no parameter `{key}`{hint}", code="unknown_parameter")


def _params(name: str, op: Op, kwargs: dict[str, Any]) -> dict[str, Any]:
    """Keywords as the core's parameters, by spec name (``None`` is left out)."""
    out: dict[str, Any] = {}
    for key, value in kwargs.items():
        if value is None:
            continue
        spec = op.params.get(key)
        if spec is None:
            # The spec's own name (``callQueueId``) is accepted too.
            if key not in op.params.values():
                raise _unknown(name, op, key)
            spec = key
        if spec == "body" and op.multipart and isinstance(value, dict):
            value = {k: _file_part(v) for k, v in value.items()}
        out[spec] = value
    if op.deprecated:
        warnings.warn(f"{name} ({op.id}) is deprecated in Zoom's API", DeprecationWarning, stacklevel=3)
    return out


def _file_part(value: Any) -> Any:
    """``bytes`` in a multipart body are a file: the core's JSON form of one."""
    if isinstance(value, (bytes, bytearray, memoryview)):
        return {"data_base64": base64.b64encode(bytes(value)).decode("ascii")}
    return value


class Operation:
    """One operation bound to a :class:`~zoom_phone.ZoomPhone`."""

    def __init__(self, client: Any, name: str, op: Op) -> None:
        self._client = client
        self._op = op
        self.__name__ = name
        self.__doc__ = op.summary

    def __call__(self, **kwargs: Any) -> Any:
        options = _split_options(kwargs)
        return self._client._call(self._op.id, _params(self.__name__, self._op, kwargs), options)

    @property
    def with_raw_response(self) -> Callable[..., Any]:
        """The method answering its :class:`~zoom_phone.RawResponse`."""

        def raw(**kwargs: Any) -> Any:
            options = _split_options(kwargs)
            return self._client._call(self._op.id, _params(self.__name__, self._op, kwargs), options, True)

        return raw

    def __getattr__(self, attr: str) -> Any:
        if attr == "iter":
            raise AttributeError(
                f"`{self.__name__}` ({self._op.id}) does not page: it answers once, so it has no .iter(); call it"
            )
        if attr == "sync":
            raise AttributeError(f"`{self.__name__}` ({self._op.id}) is not an incremental-sync operation: it has no .sync()")
        raise AttributeError(f"{type(self).__name__} has no attribute `{attr}`")

    def __repr__(self) -> str:
        return f"<operation {self.__name__} ({self._op.id})>"


class PagedOperation(Operation):
    """A listing: called, it answers one page; :meth:`iter` walks them all."""

    def iter(self, *, limit: Optional[int] = None, resume: Optional[Any] = None, **kwargs: Any) -> Any:
        """Every item of every page, fetched page by page (at most ``limit``;
        from a walk's ``resume_point`` given as ``resume``): a
        :class:`~zoom_phone.Walk` (:class:`~zoom_phone.AsyncWalk`)."""
        options = _split_options(kwargs)
        params = _params(self.__name__, self._op, kwargs)
        return self._client._iterate(self._op.id, params, limit, resume, options)


class SyncOperation(Operation):
    """An incremental-sync operation: called, it answers once; :meth:`sync`
    runs the full sync, the backfill, then the changes since."""

    def sync(self, *, checkpoint: Optional[Any] = None, **kwargs: Any) -> Any:
        """A :class:`~zoom_phone.SyncRun` (:class:`~zoom_phone.AsyncSyncRun`),
        from a saved ``checkpoint`` only what changed since."""
        options = _split_options(kwargs)
        params = _params(self.__name__, self._op, kwargs)
        return self._client._syncer(self._op.id, params, checkpoint, options)


class AsyncOperation(Operation):
    """One operation bound to an :class:`~zoom_phone.AsyncZoomPhone`."""

    async def __call__(self, **kwargs: Any) -> Any:
        options = _split_options(kwargs)
        return await self._client._call(self._op.id, _params(self.__name__, self._op, kwargs), options)

    @property
    def with_raw_response(self) -> Callable[..., Any]:
        """The method answering its :class:`~zoom_phone.RawResponse`."""

        async def raw(**kwargs: Any) -> Any:
            options = _split_options(kwargs)
            return await self._client._call(self._op.id, _params(self.__name__, self._op, kwargs), options, True)

        return raw

    def __repr__(self) -> str:
        return f"<async operation {self.__name__} ({self._op.id})>"


class AsyncPagedOperation(AsyncOperation):
    """An asyncio listing: called, it answers one page; :meth:`iter` walks them all."""

    iter = PagedOperation.iter


class AsyncSyncOperation(AsyncOperation):
    """An asyncio incremental-sync operation (see :class:`SyncOperation`)."""

    sync = SyncOperation.sync


class Group:
    """The operations of one tag; each method is made on first use."""

    def __init__(self, client: Any, name: str, ops: dict[str, Op], asynchronous: bool) -> None:
        self._client = client
        self._name = name
        self._ops = ops
        self._async = asynchronous

    def __getattr__(self, attr: str) -> Operation:
        op = self.__dict__["_ops"].get(attr)
        if op is None:
            raise AttributeError(f"group `{self._name}` has no operation `{attr}`")
        if self._async:
            kind: type[Operation] = (
                AsyncPagedOperation if op.paginated else AsyncSyncOperation if op.sync else AsyncOperation
            )
        else:
            kind = PagedOperation if op.paginated else SyncOperation if op.sync else Operation
        method = kind(self._client, attr, op)
        setattr(self, attr, method)
        return method

    def __dir__(self) -> list[str]:
        return sorted({*super().__dir__(), *self._ops})

    def __repr__(self) -> str:
        return f"<group {self._name}>"


class _GroupSlot:
    """A client's group attribute: made on first access, then kept in the
    client's ``__dict__`` (which shadows this non-data descriptor)."""

    def __init__(self, name: str, ops: dict[str, Op], asynchronous: bool) -> None:
        self._name = name
        self._ops = ops
        self._async = asynchronous

    def __get__(self, client: Any, owner: Optional[type] = None) -> Any:
        if client is None:
            return self
        group = Group(client, self._name, self._ops, self._async)
        client.__dict__[self._name] = group
        return group


def api_classes(groups: dict[str, dict[str, Op]]) -> tuple[type, type]:
    """The bases of the sync and the asyncio client: one attribute per group."""
    module = "zoom_phone._generated.api"

    def make(name: str, asynchronous: bool) -> type:
        slots: dict[str, Any] = {g: _GroupSlot(g, ops, asynchronous) for g, ops in groups.items()}
        slots["__module__"] = module
        slots["__doc__"] = f"The operation groups of {'an asyncio' if asynchronous else 'a sync'} client."
        return type(name, (), slots)

    return make("ZoomPhoneApi", False), make("AsyncZoomPhoneApi", True)
