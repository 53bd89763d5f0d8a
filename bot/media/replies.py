"""What the bot says to a picture or file sent without words.

Rasa reads words, so a bare picture never reaches it. While engineers hold the conversation
the handoff takes it (forwarded, or kept with the waiting request, where the engineer sees it
in the context); otherwise the bot says so honestly: it cannot read pictures, asks for a few
words, and offers 转人工. When its last message asked for a photo (「请拍照留好」, 截图), it
confirms the photo is kept for the engineer instead.
"""

from __future__ import annotations

import re

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.gateway.types import Button, Outbound
from bot.storage.models import Message
from bot.texts import Texts

HUMAN_PAYLOAD = "/request_human"  # the 转人工 button's payload (bot.diagnosis.engine)
ASKED_FOR_PHOTO = re.compile(r"拍照|拍下|拍摄|照片|截图|截屏")
TEXT_KEYS = (
    "media_bot_cannot_read",
    "media_bot_cannot_read_file",
    "media_bot_noted",
    "media_human_button",
)


def picture_reply(
    session: Session, conversation_id: int, texts: Texts, kind: str = "image"
) -> list[Outbound]:
    """The bot's reply to the newest message of the conversation, a bare picture or file
    (`kind`: image | file)."""
    last_bot = session.scalar(
        select(Message.text)
        .where(
            Message.conversation_id == conversation_id,
            Message.direction == "out",
            Message.role == "bot",
        )
        .order_by(Message.id.desc())
        .limit(1)
    )
    button = Button(title=texts.get("media_human_button"), payload=HUMAN_PAYLOAD)
    if kind == "image" and last_bot and ASKED_FOR_PHOTO.search(last_bot):
        return [Outbound(role="bot", text=texts.get("media_bot_noted"), buttons=[button])]
    key = "media_bot_cannot_read" if kind == "image" else "media_bot_cannot_read_file"
    return [Outbound(role="bot", text=texts.get(key), buttons=[button])]
