"""Messages as the gateway sees them, independent of the channel they came from."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, TypedDict

from bot.storage.models import Message
from bot.storage.payload import Payload


class Button(TypedDict):
    """A clickable choice under a bot message."""

    title: str  # what the user sees
    payload: str  # what is sent back when clicked (a text or a Rasa `/intent{...}` payload)


def _buttons(raw: list[Any]) -> list[Button]:
    return [
        Button(title=str(b.get("title", "")), payload=str(b.get("payload", "")))
        for b in raw
        if isinstance(b, dict)
    ]


@dataclass(frozen=True)
class Inbound:
    """One user message entering the gateway."""

    channel: str
    sender: str
    text: str
    payload: str | None = None
    metadata: dict[str, Any] = field(default_factory=dict)
    client_id: str | None = None
    # a picture or file sent with (or instead of) the words: bot.media's view of it
    attachment: dict[str, Any] | None = None

    @property
    def picture_only(self) -> bool:
        """A picture or file without words: nothing for Rasa to read."""
        return self.attachment is not None and not self.text.strip() and not self.payload

    @property
    def for_rasa(self) -> str:
        """What Rasa receives: a button's payload when there is one, else the text."""
        return self.payload or self.text


@dataclass
class Outbound:
    """One message to the user (from the bot, an engineer or the system)."""

    role: str
    text: str | None
    buttons: list[Button] = field(default_factory=list)
    custom: dict[str, Any] = field(default_factory=dict)
    image: str | None = None

    @classmethod
    def from_rasa(cls, item: dict[str, Any]) -> Outbound:
        """Build from one message of Rasa's REST channel output."""
        buttons = _buttons(item.get("buttons") or [])
        custom = item.get("custom") if isinstance(item.get("custom"), dict) else {}
        image = item.get("image") if isinstance(item.get("image"), str) else None
        return cls(
            role="bot",
            text=item.get("text"),
            buttons=buttons,
            custom=dict(custom or {}),
            image=image,
        )

    @classmethod
    def stored(cls, m: Message) -> Outbound:
        """A reply as stored (`Message` of direction out)."""
        payload = Payload.of(m)
        return cls(
            role=m.role,
            text=m.text,
            buttons=_buttons(payload.buttons),
            custom=payload.custom,
            image=payload.image,
        )

    def payload(self, reply_to: int) -> dict[str, Any]:
        """`Message.payload` of this reply to the customer's message `reply_to`."""
        return Payload(
            reply_to=reply_to,
            buttons=[dict(b) for b in self.buttons],
            custom=self.custom,
            image=self.image,
        ).model_dump(mode="json", exclude_unset=True)

    def public_custom(self) -> dict[str, Any]:
        """The custom payload without Kefu's internal diagnostics (match scores, decisions)."""
        return {k: v for k, v in self.custom.items() if k != "kefu"}

    def to_rest(self, recipient_id: str) -> dict[str, Any]:
        """Rasa REST channel shape: `{"recipient_id", "text"?, "buttons"?, "custom"?}`."""
        out: dict[str, Any] = {"recipient_id": recipient_id}
        if self.text is not None:
            out["text"] = self.text
        if self.buttons:
            out["buttons"] = list(self.buttons)
        if self.image:
            out["image"] = self.image
        custom = self.public_custom()
        if custom:
            out["custom"] = custom
        return out


def merge_custom_only(messages: list[Outbound]) -> list[Outbound]:
    """Fold custom-payload-only and image-only messages into the message before them.

    Rasa's REST channel emits an action's `utter_message(text=..., custom=..., image=...)` as
    several messages; users should see one.
    """
    merged: list[Outbound] = []
    for m in messages:
        if merged and m.text is None and not m.buttons and (m.custom or m.image):
            merged[-1].custom.update(m.custom)
            merged[-1].image = merged[-1].image or m.image
        else:
            merged.append(m)
    return merged


@dataclass
class Turn:
    """The outcome of one inbound message."""

    conversation_id: int
    inbound_id: int
    replies: list[Outbound]
    duplicate: bool = False
    degraded: bool = False


class Draining(Exception):
    """The app is stopping: it finishes the turns under way and takes no new message (the
    client sends it again, to another replica or after the restart)."""
