"""Keep and find pictures and files: the bytes in a backend, what they are in `media_files`."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bot.media.backends import Backend, DiskBackend
from bot.media.settings import MediaSettings
from bot.media.sniff import check
from bot.storage.db import Database
from bot.storage.models import MediaFile

URL_PREFIX = "/media/"


@dataclass(frozen=True)
class Stored:
    """A kept picture or file."""

    id: str
    kind: str  # image | file
    content_type: str
    size: int
    name: str
    width: int | None
    height: int | None
    channel: str | None
    sender: str | None
    uploaded_by: str

    @property
    def url(self) -> str:
        """Where it is served (readers prove who they are: `bot.api.routes.media`)."""
        return f"{URL_PREFIX}{self.id}"

    def view(self) -> dict[str, Any]:
        """The attachment as messages carry it (stored with the message, sent to pages)."""
        return {
            "id": self.id,
            "kind": self.kind,
            "type": self.content_type,
            "name": self.name,
            "size": self.size,
            "width": self.width,
            "height": self.height,
            "url": self.url,
        }


def new_id() -> str:
    """A random id nobody can guess (192 bits)."""
    return secrets.token_urlsafe(24)


def _stored(row: MediaFile) -> Stored:
    return Stored(
        row.id,
        row.kind,
        row.content_type,
        row.size,
        row.name,
        row.width,
        row.height,
        row.channel,
        row.sender,
        row.uploaded_by,
    )


class MediaStore:
    """Checks, keeps and reads pictures and files.

    Args:
        db: the app database (the `media_files` rows).
        settings: limits, types and the backend.
        var_dir: the app's `var/` (the disk backend's default home).
        backend: another backend than the settings name (tests, an object store).
    """

    def __init__(
        self,
        db: Database,
        settings: MediaSettings,
        var_dir: Path,
        backend: Backend | None = None,
    ) -> None:
        self.db = db
        self.settings = settings
        self.backend: Backend = backend or DiskBackend(settings.dir or var_dir / "media")

    def save(
        self,
        data: bytes,
        filename: str,
        *,
        channel: str | None,
        sender: str | None,
        uploaded_by: str,
    ) -> Stored:
        """Check `data` (raises `bot.media.Refused`) and keep it for the customer named."""
        ok = check(data, filename, self.settings)
        media_id = new_id()
        self.backend.put(media_id, ok.data, ok.content_type)
        row = MediaFile(
            id=media_id,
            kind=ok.kind,
            content_type=ok.content_type,
            size=len(ok.data),
            name=ok.name,
            width=ok.width,
            height=ok.height,
            sha256=hashlib.sha256(ok.data).hexdigest(),
            backend=self.backend.name,
            channel=channel,
            sender=sender,
            uploaded_by=uploaded_by,
        )
        try:
            with self.db.session() as s:
                s.add(row)
                s.flush()
                return _stored(row)
        except BaseException:
            self.backend.delete(media_id)  # no bytes without their row
            raise

    def find(self, media_id: str) -> Stored | None:
        """What is known of a file, or None."""
        if not media_id or len(media_id) > 48:
            return None
        with self.db.session() as s:
            row = s.get(MediaFile, media_id)
            return _stored(row) if row is not None else None

    def read(self, stored: Stored) -> bytes:
        """The bytes of a kept file (KeyError when the backend lost them)."""
        return self.backend.get(stored.id)
