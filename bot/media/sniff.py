"""A file's type from its content, and the checks a file passes before it is kept.

The name a client gives and the type its browser claims are never trusted: a `.png` that is
an `.exe`, or HTML named `photo.jpg`, is refused. Pictures are opened with Pillow (a file that
does not decode is refused), and still pictures are re-encoded without their metadata (phone
photos carry EXIF, often the place they were taken) and scaled down to a sensible size.
"""

from __future__ import annotations

import io
import re
import warnings
import zipfile
from dataclasses import dataclass
from pathlib import PurePosixPath, PureWindowsPath

from PIL import Image, ImageOps, UnidentifiedImageError

from bot.media.settings import DOCX, XLSX, MediaSettings

EXTENSIONS = {
    "image/jpeg": ".jpg",
    "image/png": ".png",
    "image/gif": ".gif",
    "image/webp": ".webp",
    "application/pdf": ".pdf",
    "text/plain": ".txt",
    DOCX: ".docx",
    XLSX: ".xlsx",
}
TYPE_NAMES = {
    "image/jpeg": "JPG",
    "image/png": "PNG",
    "image/gif": "GIF",
    "image/webp": "WebP",
    "application/pdf": "PDF",
    "text/plain": "TXT",
    DOCX: "Word (.docx)",
    XLSX: "Excel (.xlsx)",
}
_PIL_TYPES = {"JPEG": "image/jpeg", "PNG": "image/png", "GIF": "image/gif", "WEBP": "image/webp"}
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")
_NAME_BAD = re.compile(r"[\x00-\x1f\x7f\"\\/<>:|?*]+")
# Markup a browser would run if it ever rendered the file: such "text" is refused outright.
_MARKUP = re.compile(
    rb"<\s*(!doctype|html|head|body|script|svg|iframe|object|embed|meta|link|style|\?xml)\b",
    re.IGNORECASE,
)


class Refused(Exception):
    """A file that is not kept. `code` names the reason and is the key of its Chinese text in
    `knowledge/messages.yml`, filled with `values`."""

    def __init__(self, code: str, status: int = 415, **values: object) -> None:
        super().__init__(code)
        self.code = code
        self.status = status
        self.values = values


@dataclass(frozen=True)
class Checked:
    """A file that passed: its bytes as kept, and what they are."""

    data: bytes
    content_type: str
    kind: str  # image | file
    name: str
    width: int | None = None
    height: int | None = None


def allowed_names(settings: MediaSettings) -> dict[str, str]:
    """The accepted types as people name them: `images` (JPG、PNG…) and `files` (PDF、TXT…)."""
    return {
        "images": "、".join(TYPE_NAMES[t] for t in settings.image_types if t in TYPE_NAMES),
        "files": "、".join(TYPE_NAMES[t] for t in settings.file_types if t in TYPE_NAMES),
    }


def sniff(data: bytes) -> str | None:
    """The type the bytes are (one of `EXTENSIONS`), or None for anything else."""
    head = data[:16]
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if head[:6] in (b"GIF87a", b"GIF89a"):
        return "image/gif"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    if head.startswith(b"%PDF-"):
        return "application/pdf"
    if head.startswith(b"PK\x03\x04"):
        return _office(data)
    return "text/plain" if _is_text(data) else None


def check(data: bytes, filename: str, settings: MediaSettings) -> Checked:
    """Accept `data` as a picture or file of an allowed type and size, or raise `Refused`."""
    if not data:
        raise Refused("media_empty", 422)
    found = sniff(data)
    allowed = [*settings.image_types, *settings.file_types]
    if found is None or found not in allowed:
        raise Refused("media_type_refused", 415, **allowed_names(settings))
    image = found.startswith("image/")
    limit = settings.max_image_bytes if image else settings.max_file_bytes
    if len(data) > limit:
        raise Refused("media_too_large", 413, limit=_mb(limit))
    name = clean_name(filename, found)
    if found == "text/plain":  # kept as UTF-8, whatever it came in
        return Checked(_utf8(data), found, "file", name)
    if not image:
        return Checked(data, found, "file", name)
    return _picture(data, found, name, settings)


def clean_name(filename: str, content_type: str) -> str:
    """A safe display name: no path, no control or quoting characters, the right extension."""
    readable = (filename or "").encode("utf-8", "ignore").decode("utf-8")  # no lone surrogates
    base = PureWindowsPath(PurePosixPath(readable).name).name
    stem = _NAME_BAD.sub("_", base.rsplit(".", 1)[0] if "." in base else base).strip(" ._")
    ext = EXTENSIONS[content_type]
    return f"{(stem or 'file')[:80]}{ext}"


def _picture(data: bytes, found: str, name: str, settings: MediaSettings) -> Checked:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as probe:
                probe.verify()  # a truncated or corrupt file fails here
            img = Image.open(io.BytesIO(data))
            if _PIL_TYPES.get(str(img.format)) != found:
                raise Refused("media_unreadable")
            if img.width * img.height > settings.max_image_pixels:
                raise Refused("media_too_many_pixels", 413)
            if getattr(img, "is_animated", False):  # kept as sent: re-encoding loses frames
                return Checked(data, found, "image", name, img.width, img.height)
            return _reencode(img, found, name, settings)
    except Refused:
        raise
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Warning) as exc:
        raise Refused("media_unreadable") from exc
    except Image.DecompressionBombError as exc:
        raise Refused("media_too_many_pixels", 413) from exc


def _reencode(img: Image.Image, found: str, name: str, settings: MediaSettings) -> Checked:
    """The picture upright, scaled down, saved again without metadata."""
    img = ImageOps.exif_transpose(img)
    img.thumbnail((settings.max_image_side, settings.max_image_side))
    out = io.BytesIO()
    if found == "image/jpeg":
        img.convert("RGB").save(out, "JPEG", quality=88)
    elif found == "image/png":
        img.save(out, "PNG", optimize=True)
    elif found == "image/webp":
        img.save(out, "WEBP", quality=88)
    else:  # a still GIF
        img.save(out, "GIF")
    return Checked(out.getvalue(), found, "image", name, img.width, img.height)


def _office(data: bytes) -> str | None:
    """.docx or .xlsx by the parts the zip holds; macro-enabled or other zips are not."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            names = set(z.namelist())
    except (zipfile.BadZipFile, ValueError, OSError):
        return None
    if "[Content_Types].xml" not in names or any(n.endswith("vbaProject.bin") for n in names):
        return None
    if "word/document.xml" in names:
        return DOCX
    if "xl/workbook.xml" in names:
        return XLSX
    return None


def _is_text(data: bytes) -> bool:
    """UTF-8 (or GB18030) text without control characters other than whitespace, and no
    markup (HTML, SVG, XML)."""
    if _MARKUP.search(data[:65536]):
        return False
    return _decoded(data) is not None


def _decoded(data: bytes) -> str | None:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        return None if _CONTROL.search(text) else text
    return None


def _utf8(data: bytes) -> bytes:
    text = _decoded(data)
    return text.encode("utf-8") if text is not None else data


def _mb(n: int) -> str:
    mb = n / (1024 * 1024)
    return f"{mb:g} MB" if mb >= 1 else f"{n // 1024} KB"
