"""What the bot says to a bare picture: it cannot read it, or it keeps the photo it asked for."""

from __future__ import annotations

import uuid

from bot.gateway.types import Button
from bot.media.replies import HUMAN_PAYLOAD, picture_reply
from bot.storage import repository as repo
from bot.storage.db import Database, migrate
from bot.texts import Texts
from tests.conftest import ROOT

TEXTS = Texts.load(ROOT / "knowledge")


def reply_after(db_url: str, bot_said: str | None, kind: str = "image") -> tuple[str, list[Button]]:
    migrate(db_url)
    db = Database(db_url)
    with db.session() as s:
        conv = repo.open_conversation(s, "web", f"test-{uuid.uuid4().hex[:12]}")
        if bot_said is not None:
            repo.add_message(s, conv, direction="out", role="bot", text=bot_said)
        (out,) = picture_reply(s, conv.id, TEXTS, kind)
    db.dispose()
    return str(out.text), list(out.buttons)


def test_a_picture_right_after_the_bot_asked_for_a_photo_is_kept_for_the_engineer(
    db_url: str,
) -> None:
    text, buttons = reply_after(db_url, "蓝屏页面上的「终止代码」请拍照留好，工程师判断时会用到。")
    assert text == TEXTS.get("media_bot_noted")
    assert buttons == [{"title": "转人工", "payload": HUMAN_PAYLOAD}]


def test_otherwise_the_bot_says_it_cannot_read_pictures_or_files_and_offers_an_engineer(
    db_url: str,
) -> None:
    assert reply_after(db_url, None)[0] == TEXTS.get("media_bot_cannot_read")
    assert reply_after(db_url, "您好，请问有什么可以帮您？")[0] == TEXTS.get(
        "media_bot_cannot_read"
    )
    photo_asked = "请拍照留好"
    file_text = reply_after(db_url, photo_asked, kind="file")[0]
    assert file_text == TEXTS.get("media_bot_cannot_read_file")
