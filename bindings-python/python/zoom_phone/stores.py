"""Token stores: where a client keeps its tokens between runs and shares
them with other clients and processes. Any object with ``load()`` and
``save(bytes)`` works (see :class:`zoom_phone.TokenStore`); one shared by
several clients also needs ``try_lock()`` (non-blocking; returns an object
with ``release()``, or ``None`` while another client holds it), which these
two have."""

from __future__ import annotations

import os
import tempfile
import threading
from pathlib import Path
from typing import IO, Any, Optional, Union

try:
    import fcntl
except ImportError:  # Windows: no advisory locks; one process per file there
    fcntl = None  # type: ignore[assignment]

__all__ = ["FileTokenStore", "MemoryTokenStore"]


class _FileLock:
    """An ``flock`` held on an open file; closing the file releases it."""

    def __init__(self, file: IO[bytes]) -> None:
        self._file: Optional[IO[bytes]] = file

    def release(self) -> None:
        if self._file is not None:
            self._file.close()
            self._file = None


class _ThreadLock:
    def __init__(self, lock: Any) -> None:
        self._lock: Any = lock

    def release(self) -> None:
        if self._lock is not None:
            self._lock.release()
            self._lock = None


class MemoryTokenStore:
    """Tokens in memory, shared by the clients of one process that are given
    this store; lost on exit."""

    def __init__(self, tokens: Optional[bytes] = None) -> None:
        self._tokens = tokens
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        return f"MemoryTokenStore(has_tokens={self._tokens is not None})"

    def load(self) -> Optional[bytes]:
        return self._tokens

    def save(self, tokens: bytes) -> None:
        self._tokens = tokens

    def try_lock(self) -> Optional[_ThreadLock]:
        return _ThreadLock(self._lock) if self._lock.acquire(blocking=False) else None


class FileTokenStore:
    """Tokens in one file, readable by its owner only (mode 0600), replaced
    atomically so a reader in another process never sees half a write.

    Processes sharing the file reuse each other's tokens. Renewals take
    turns: ``try_lock`` is an advisory ``flock`` on a sibling ``<name>.lock``
    file (POSIX; the OS drops it if the process dies), so a rotated refresh
    token is saved before any other process reads the file to renew."""

    def __init__(self, path: Union[str, os.PathLike[str]]) -> None:
        self.path = Path(path)

    def __repr__(self) -> str:
        return f"FileTokenStore({str(self.path)!r})"

    def load(self) -> Optional[bytes]:
        try:
            return self.path.read_bytes() or None
        except FileNotFoundError:
            return None

    def try_lock(self) -> Optional[_FileLock]:
        if fcntl is None:
            return _FileLock(open(os.devnull, "rb"))
        self.path.parent.mkdir(parents=True, exist_ok=True)
        lock_path = self.path.with_name(self.path.name + ".lock")
        file = open(lock_path, "ab")
        try:
            fcntl.flock(file.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            file.close()
            return None
        except BaseException:
            file.close()
            raise
        return _FileLock(file)

    def save(self, tokens: bytes) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=self.path.parent, prefix=f".{self.path.name}.")
        try:
            os.fchmod(fd, 0o600)
            with os.fdopen(fd, "wb") as f:
                f.write(tokens)
                f.flush()
                os.fsync(f.fileno())
            os.replace(tmp, self.path)
        except BaseException:
            try:
                os.unlink(tmp)
            except FileNotFoundError:
                pass
            raise
