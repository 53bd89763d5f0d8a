"""Where the bytes of pictures and files live.

A backend stores opaque keys; what a key holds (type, owner) is in the `media_files` table.
The disk backend is the default. Another store (an S3-compatible object store, say) plugs in
by implementing `Backend`: `put` must be atomic (a reader never sees half a file) and `get`
raise `KeyError` for a key it does not hold.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Protocol


class Backend(Protocol):
    """Bytes by key."""

    name: str

    def put(self, key: str, data: bytes, content_type: str) -> None:
        """Store `data` under `key` (replacing nothing: keys are new)."""

    def get(self, key: str) -> bytes:
        """The bytes under `key`; KeyError when there are none."""

    def delete(self, key: str) -> None:
        """Remove `key` (no error when it is gone)."""


class DiskBackend:
    """Files under one directory, two levels deep (`ab/abcdef…`)."""

    name = "disk"

    def __init__(self, root: Path) -> None:
        self.root = root

    def _path(self, key: str) -> Path:
        if not key or "/" in key or "\\" in key or key.startswith("."):
            raise KeyError(key)
        return self.root / key[:2] / key

    def put(self, key: str, data: bytes, content_type: str) -> None:
        path = self._path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".upload-")
        try:
            with os.fdopen(fd, "wb") as f:
                f.write(data)
                f.flush()
                os.fsync(f.fileno())
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise

    def get(self, key: str) -> bytes:
        try:
            return self._path(key).read_bytes()
        except FileNotFoundError as exc:
            raise KeyError(key) from exc

    def delete(self, key: str) -> None:
        self._path(key).unlink(missing_ok=True)
