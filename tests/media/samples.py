"""Sample pictures and files made on the spot (no binary fixtures in the repository)."""

from __future__ import annotations

import io
import zipfile

from PIL import Image

EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + bytes(200)
HTML = b"<!doctype html><html><body><script>alert(document.cookie)</script></body></html>"
SVG = b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>'
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def jpeg_with_location(width: int = 640, height: int = 480) -> bytes:
    """A phone-like photo: JPEG with EXIF (camera make and a GPS block)."""
    img = Image.new("RGB", (width, height), (30, 90, 200))
    exif = Image.Exif()
    exif[0x010F] = "XingLan Phone"  # Make
    exif[0x8825] = {1: "N", 2: (31.0, 14.0, 0.0)}  # GPSInfo: latitude
    out = io.BytesIO()
    img.save(out, "JPEG", exif=exif)
    return out.getvalue()


def png(width: int = 32, height: int = 24) -> bytes:
    out = io.BytesIO()
    Image.new("RGBA", (width, height), (200, 40, 40, 255)).save(out, "PNG")
    return out.getvalue()


def docx(*, macros: bool = False) -> bytes:
    """A Word file; with `macros`, a macro-enabled one (refused)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", "<w:document/>")
        if macros:
            z.writestr("word/vbaProject.bin", b"\x00" * 16)
    return out.getvalue()
