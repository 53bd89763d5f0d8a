"""Types are told by content: names and claimed types are never trusted."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from PIL import Image

from bot.media.replies import TEXT_KEYS
from bot.media.settings import DOCX, MediaSettings
from bot.media.sniff import Refused, check, clean_name
from bot.texts import Texts
from tests.media import samples

SETTINGS = MediaSettings()


@pytest.mark.parametrize(
    ("data", "name"),
    [
        (samples.EXE, "photo.png"),
        (samples.HTML, "page.html"),
        (samples.HTML, "photo.jpg"),
        (samples.SVG, "logo.svg"),
        (samples.docx(macros=True), "report.docx"),
        (b"\x00\x01binary\x02", "notes.txt"),
    ],
)
def test_a_file_that_is_not_what_is_allowed_is_refused_whatever_its_name(
    data: bytes, name: str
) -> None:
    with pytest.raises(Refused) as err:
        check(data, name, SETTINGS)
    assert err.value.code == "media_type_refused"
    assert err.value.status == 415


def test_a_phone_photo_is_kept_upright_and_scaled_without_its_exif() -> None:
    small = MediaSettings(max_image_side=320)
    ok = check(samples.jpeg_with_location(), "IMG_0001.JPG", small)
    assert (ok.content_type, ok.kind, ok.name) == ("image/jpeg", "image", "IMG_0001.jpg")
    assert (ok.width, ok.height) == (320, 240)
    with Image.open(io.BytesIO(ok.data)) as img:
        assert not img.getexif()  # make and location are gone


def test_files_are_kept_as_sent_with_their_sniffed_type_and_a_safe_name() -> None:
    assert check(samples.PDF, "../../etc/发票.exe", SETTINGS).content_type == "application/pdf"
    assert check(samples.PDF, "../../etc/发票.exe", SETTINGS).name == "发票.pdf"
    assert check(samples.docx(), "a.docx", SETTINGS).content_type == DOCX
    text = check("蓝屏代码 0x0000007B".encode("gb18030"), "code.txt", SETTINGS)
    assert text.data.decode("utf-8") == "蓝屏代码 0x0000007B"  # kept as UTF-8


def test_sizes_and_types_follow_the_settings() -> None:
    tight = MediaSettings(max_image_bytes=1024, file_types=["application/pdf"])
    with pytest.raises(Refused) as err:
        check(samples.jpeg_with_location(), "a.jpg", tight)
    assert (err.value.code, err.value.status) == ("media_too_large", 413)
    with pytest.raises(Refused):
        check(samples.docx(), "a.docx", tight)
    with pytest.raises(Refused) as err:
        check(samples.png(100, 100), "a.png", MediaSettings(max_image_pixels=5000))
    assert err.value.code == "media_too_many_pixels"


def test_a_truncated_picture_is_refused_as_unreadable() -> None:
    with pytest.raises(Refused) as err:
        check(samples.png()[:60], "a.png", SETTINGS)
    assert err.value.code == "media_unreadable"


def test_every_refusal_has_its_chinese_text() -> None:
    texts = Texts.load(Path(__file__).resolve().parents[2] / "knowledge")
    refusals = (
        "media_empty",
        "media_too_large",
        "media_too_many_pixels",
        "media_unreadable",
        "media_channel_refused",
        "media_visitor_unknown",
        "media_attachment_invalid",
    )
    for code in (*refusals, *TEXT_KEYS):
        assert texts.get(code, limit="5 MB")
    refused = texts.get("media_type_refused", images="JPG、PNG", files="PDF")
    assert refused.startswith("抱歉，暂不支持这种文件")


def test_names_lose_paths_and_quoting_characters() -> None:
    assert clean_name('C:\\Users\\me\\"蓝屏".png', "image/png") == "蓝屏.png"
    assert clean_name("", "text/plain") == "file.txt"
    assert clean_name("bad\ud800name.pdf", "application/pdf") == "badname.pdf"
