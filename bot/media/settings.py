"""Settings of pictures and files (`KEFU_MEDIA__*`)."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field, PositiveInt

IMAGE_TYPES = ("image/jpeg", "image/png", "image/gif", "image/webp")
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FILE_TYPES = ("application/pdf", "text/plain", DOCX, XLSX)


class MediaSettings(BaseModel):
    """Limits and storage of uploaded pictures and files."""

    backend: Literal["disk"] = Field(
        default="disk",
        description="Where files are kept: `disk` (a directory). Other backends implement "
        "`bot.media.backends.Backend` (an S3-compatible store is not built in).",
    )
    dir: Path | None = Field(
        default=None, description="The disk backend's directory; unset = `var/media`."
    )
    max_image_bytes: PositiveInt = Field(
        default=10 * 1024 * 1024, description="Largest picture accepted (before re-encoding)."
    )
    max_file_bytes: PositiveInt = Field(
        default=5 * 1024 * 1024, description="Largest other file accepted (PDF, text, Office)."
    )
    image_types: list[str] = Field(
        default=list(IMAGE_TYPES),
        description="Picture types accepted, a subset of JPEG, PNG, GIF and WebP.",
    )
    file_types: list[str] = Field(
        default=list(FILE_TYPES),
        description="Other types accepted, a subset of PDF, plain text, .docx and .xlsx.",
    )
    max_image_side: PositiveInt = Field(
        default=2560,
        description="Still pictures are re-encoded without their metadata (EXIF, location) "
        "and scaled down to at most this many pixels on their long side.",
    )
    max_image_pixels: PositiveInt = Field(
        default=40_000_000, description="Pictures with more pixels are refused (unpacked size)."
    )

    @property
    def max_upload_bytes(self) -> int:
        """The largest body an upload may carry."""
        return max(self.max_image_bytes, self.max_file_bytes)
