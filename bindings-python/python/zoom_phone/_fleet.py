"""The fleet's Redis side in this host: the user's own redis-py client runs
the Lua scripts the core hands out (``EVALSHA``, ``EVAL`` after
``NOSCRIPT``), within each script's timeout, and nothing else. What a
script is for and what its answer means are the core's
(``zoom_phone::fleet``): this module only runs it and reports the reply.

redis-py is not a dependency of the package and nothing here imports it:
a client is recognised by its shape (``evalsha`` and ``eval``; an asyncio
one by its coroutine ``execute_command``).
"""

from __future__ import annotations

import inspect
import queue
import threading
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Callable, Optional, Protocol, TypedDict

# asyncio and concurrent.futures are imported where a fleet uses them:
# importing the package does not load them (a tenth of its import time).
if TYPE_CHECKING:
    from concurrent.futures import Future

__all__ = ["AsyncRunner", "FleetOptions", "RedisClient", "ThreadedRunner", "split"]

Outcome = tuple[str, Any, Optional[BaseException]]


class RedisClient(Protocol):
    """What the fleet needs of a Redis client: redis-py's ``redis.Redis``
    (``ZoomPhone``) or ``redis.asyncio.Redis`` (``AsyncZoomPhone``), their
    cluster clients, or anything with the same two commands."""

    def evalsha(self, sha: str, numkeys: int, /, *keys_and_args: Any) -> Any: ...

    def eval(self, script: str, numkeys: int, /, *keys_and_args: Any) -> Any: ...


class _FleetRequired(TypedDict):
    #: Your connected Redis client (the package depends on no Redis library).
    redis: RedisClient


class FleetOptions(_FleetRequired, total=False):
    """The ``fleet`` option: share the account's rate-limit budget and tokens
    with the other workers of the fleet through Redis. Besides ``redis``,
    the keys are the core's (``zoom_phone::config``), checked there: bad
    ones raise :class:`~zoom_phone.exceptions.BuildError` naming them."""

    #: The Zoom account whose budget and tokens are shared (default: the
    #: server-to-server ``account_id``).
    account: str
    #: First part of every key (default ``zoom-phone``).
    prefix: str
    #: Which token set is shared (default ``account``; name a user's for user tokens).
    tokens: str
    #: The part of the plan's limits the fleet uses (default 0.9).
    share: float
    #: How long the token lock holds if its holder goes silent (default 30,000 ms).
    lease_ms: int
    #: The longest one Redis script may take before this worker carries on
    #: alone (default 250 ms).
    timeout_ms: int
    #: How often a worker working alone tries Redis again (default 500 ms).
    probe_ms: int


_SHAPE = (
    "must be a connected redis-py client: redis.Redis for ZoomPhone, redis.asyncio.Redis for AsyncZoomPhone "
    "(or their cluster clients)"
)


def split(fleet: Any) -> tuple[Any, dict[str, Any]]:
    """The ``fleet`` option as (the Redis client, the settings the core reads)."""
    if not isinstance(fleet, Mapping):
        raise TypeError("`fleet` must be a dict: {'redis': <redis-py client>, 'account': ..., 'share': ...}")
    return fleet.get("redis"), {str(k): v for k, v in fleet.items() if k != "redis"}


def _commands(client: Any) -> tuple[Callable[..., Any], Callable[..., Any]]:
    evalsha, eval_ = getattr(client, "evalsha", None), getattr(client, "eval", None)
    if client is None or not callable(evalsha) or not callable(eval_):
        raise TypeError(f"fleet['redis'] {_SHAPE}; got {type(client).__name__}")
    return evalsha, eval_


def _is_async(client: Any, evalsha: Callable[..., Any]) -> bool:
    # redis-py's evalsha is one method for both clients (it returns what
    # execute_command returns), so the asyncio client shows itself there.
    execute = getattr(type(client), "execute_command", None)
    if execute is not None:
        return inspect.iscoroutinefunction(execute)
    return inspect.iscoroutinefunction(evalsha)


def _noscript(error: BaseException) -> bool:
    """Redis forgot the script (a restart, SCRIPT FLUSH): redis-py raises
    NoScriptError (without the NOSCRIPT prefix); other clients pass the
    server's text on."""
    return any(c.__name__ == "NoScriptError" for c in type(error).__mro__) or str(error).startswith("NOSCRIPT")


def _plain(reply: Any) -> Any:
    """A reply as the core reads it: bytes as text, lists as lists; an
    error inside an array is the op's failure. Anything else (RESP3 maps,
    doubles) is handed on for the core to refuse by name."""
    if isinstance(reply, (bytes, bytearray, memoryview)):
        return bytes(reply).decode("utf-8", "replace")
    if isinstance(reply, (list, tuple)):
        return [_plain(item) for item in reply]
    if isinstance(reply, BaseException):
        raise reply
    return reply


def _describe(error: BaseException, args: list[str]) -> str:
    """``Class: message`` of a Redis client's failure, never with the op's
    arguments (a token set is one): should a client quote its command, the
    arguments are cut out."""
    text = str(error)
    text = f"{type(error).__name__}: {text}" if text else type(error).__name__
    for arg in args:
        if len(arg) >= 8 and arg in text:
            text = text.replace(arg, "<argument>")
    return text


async def _settled(value: Any) -> Any:
    return await value if inspect.isawaitable(value) else value


def _too_slow(op: Mapping[str, Any]) -> Outcome:
    return "shared_error", f"Redis did not answer within {op['timeout_ms']} ms", None


class _Runner:
    def __init__(self, client: Any) -> None:
        self._evalsha, self._eval = _commands(client)
        # Script sources by SHA-1, for EVAL after NOSCRIPT.
        self._sources: dict[str, str] = {}

    def _prepare(self, op: Mapping[str, Any]) -> tuple[Callable[[], Any], Optional[Callable[[], Any]]]:
        """The EVALSHA to send, and the EVAL to send after NOSCRIPT."""
        sha1, keys, args = op["sha1"], list(op["keys"]), list(op["args"])
        source = op.get("source")
        if source is not None:
            self._sources[sha1] = source
        else:
            source = self._sources.get(sha1)
        text = source

        def first() -> Any:
            return self._evalsha(sha1, len(keys), *keys, *args)

        def again() -> Any:
            return self._eval(text, len(keys), *keys, *args)

        return first, None if text is None else again


class ThreadedRunner(_Runner):
    """Runs scripts for the threaded client. redis-py's sync commands cannot
    be bounded per call, so each runs on a fleet thread and the caller waits
    at most the op's timeout; a command still out then is not waited for."""

    def __init__(self, client: Any) -> None:
        super().__init__(client)
        if _is_async(client, self._evalsha):
            raise TypeError("ZoomPhone's fleet['redis'] must be a sync client (redis.Redis); redis.asyncio.Redis goes with AsyncZoomPhone")

    def _run_blocking(self, op: Mapping[str, Any]) -> Any:
        first, again = self._prepare(op)
        try:
            return _plain(first())
        except Exception as e:
            if again is None or not _noscript(e):
                raise
        return _plain(again())

    async def run(self, op: Mapping[str, Any]) -> Outcome:
        from concurrent.futures import wait

        future = _pool().submit(lambda: self._run_blocking(op))
        try:
            done, _ = wait([future], timeout=op["timeout_ms"] / 1000)
            if not done:
                return _too_slow(op)
            try:
                return "shared", future.result(), None
            except Exception as e:
                return "shared_error", _describe(e, list(op["args"])), None
        finally:
            # Still queued: never sent, as nobody reads its answer (a script
            # run late would act on a moment that has passed).
            future.cancel()


class AsyncRunner(_Runner):
    """Runs scripts for the asyncio client, each bounded by its timeout (a
    command cut off is cancelled; redis-py drops its connection then)."""

    def __init__(self, client: Any) -> None:
        super().__init__(client)
        if not _is_async(client, self._evalsha):
            raise TypeError(
                "AsyncZoomPhone's fleet['redis'] must be an asyncio client (redis.asyncio.Redis); "
                "a sync redis.Redis would block the event loop (it goes with ZoomPhone)"
            )

    async def _run_async(self, op: Mapping[str, Any]) -> Any:
        first, again = self._prepare(op)
        try:
            return _plain(await _settled(first()))
        except Exception as e:
            if again is None or not _noscript(e):
                raise
        return _plain(await _settled(again()))

    async def run(self, op: Mapping[str, Any]) -> Outcome:
        import asyncio

        try:
            return "shared", await asyncio.wait_for(self._run_async(op), op["timeout_ms"] / 1000), None
        except asyncio.TimeoutError:
            return _too_slow(op)
        except Exception as e:
            return "shared_error", _describe(e, list(op["args"])), None


class _Pool:
    """Daemon threads for the threaded clients' Redis commands: daemon so a
    command stuck on a silent server never holds up the interpreter's exit;
    started as needed, up to ``limit``, then shared."""

    def __init__(self, limit: int) -> None:
        self._limit = limit
        self._jobs: queue.SimpleQueue[tuple[Callable[[], Any], Future[Any]]] = queue.SimpleQueue()
        self._lock = threading.Lock()
        self._threads = 0
        self._idle = 0

    def submit(self, job: Callable[[], Any]) -> Future[Any]:
        from concurrent.futures import Future

        future: Future[Any] = Future()
        with self._lock:
            start = self._idle == 0 and self._threads < self._limit
            if start:
                self._threads += 1
        self._jobs.put((job, future))
        if start:
            threading.Thread(target=self._work, name="zoom-phone-fleet", daemon=True).start()
        return future

    def _work(self) -> None:
        while True:
            with self._lock:
                self._idle += 1
            job, future = self._jobs.get()
            with self._lock:
                self._idle -= 1
            if not future.set_running_or_notify_cancel():
                continue
            try:
                future.set_result(job())
            except BaseException as e:  # the caller's to read
                future.set_exception(e)


_POOL: Optional[_Pool] = None
_POOL_LOCK = threading.Lock()


def _pool() -> _Pool:
    global _POOL
    if _POOL is None:
        with _POOL_LOCK:
            if _POOL is None:
                _POOL = _Pool(32)
    return _POOL
