"""Token stores: where a client keeps its tokens between runs and shares
them with other processes. Any object with ``load()`` and ``save(bytes)``
works (see :class:`zoom_phone.TokenStore`); this is the file-backed one."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Optional, Union

__all__ = ["FileTokenStore"]


class FileTokenStore:
    """Tokens in one file, readable by its owner only (mode 0600), replaced
    atomically so a reader in another process never sees half a write.

    Processes sharing the file reuse each other's access tokens. Two that
    renew at the same moment both fetch a token (server-to-server tokens
    coexist, so that is harmless)."""

    def __init__(self, path: Union[str, os.PathLike[str]]) -> None:
        self.path = Path(path)

    def __repr__(self) -> str:
        return f"FileTokenStore({str(self.path)!r})"

    def load(self) -> Optional[bytes]:
        try:
            return self.path.read_bytes() or None
        except FileNotFoundError:
            return None

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
