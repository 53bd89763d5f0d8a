"""The stored message payload, and the bot's report on each reply: one typed protocol.

The Rasa actions write a report with every reply (`custom["kefu"]`: how the words were matched,
the tier decision, a handoff to open); the gateway stores it with the message, and the
gateway, the handoff service, the editors' figures and the supervisors' analytics read it
back. Both sides go through the models here, never through hand-written dict access:

- `BotReport` is `custom["kefu"]`; `Route` is its `route` (a handoff the reply asks for).
- `Payload` is `Message.payload` as stored: `reply_to`, `buttons`, `custom`, `image`, and
  on customers' messages `button_payload`, `emotion`, `entities`.
- `report_field(name)` is the SQL expression of a report field, for queries over many rows.

Unknown keys are kept (`extra="allow"`), so a newer writer never loses data to an older
reader, and a stored value of the wrong type reads as absent rather than failing a page.
"""

from __future__ import annotations

import logging
from typing import Any, TypeVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError
from sqlalchemy import ColumnElement

from bot.storage.models import Message

log = logging.getLogger(__name__)

REPORT_PATH = ("custom", "kefu")  # where the report sits in `Message.payload`
M = TypeVar("M", bound=BaseModel)


def lenient(model: type[M], raw: dict[str, Any]) -> M:
    """`raw` read as `model`, leaving out (and logging) the values of the wrong type."""
    data: dict[str, Any] = dict(raw)
    for _ in range(10):
        try:
            return model.model_validate(data)
        except ValidationError as err:
            log.warning("unreadable %s fields: %s", model.__name__, err)
            for problem in err.errors():
                _drop(data, problem["loc"])
    return model()


def _drop(data: dict[str, Any], loc: tuple[int | str, ...]) -> None:
    """Remove the value at `loc` (a nested dict's key, or the top-level key)."""
    head = loc[0] if loc else None
    if not isinstance(head, str) or head not in data:
        return
    inner = data[head]
    if len(loc) > 1 and isinstance(inner, dict) and isinstance(loc[1], str) and loc[1] in inner:
        data[head] = {k: v for k, v in inner.items() if k != loc[1]}
    else:
        del data[head]


class Route(BaseModel):
    """A handoff the reply asks for (a tier decision, an escalated tree)."""

    model_config = ConfigDict(extra="allow")

    route: str = "queue"  # queue... = engineers take over; anything else is informative
    skills: list[str] = Field(default_factory=list)
    tier: int | None = None
    priority: int | None = None
    reason: str = ""
    summary: str = ""
    tree: str | None = None  # the diagnosis tree that escalated

    @property
    def queues(self) -> bool:
        """Whether the conversation goes to engineers."""
        return (self.route or "queue").startswith("queue")


class BotReport(BaseModel):
    """What the bot reports with a reply (`custom["kefu"]`); never shown to customers."""

    model_config = ConfigDict(extra="allow")

    intent: str | None = None  # Rasa's intent of the customer's message
    decision: str | None = None  # answer | clarify | none | unavailable
    question_id: str | None = None  # the standard question answered
    candidates: list[dict[str, Any]] = Field(default_factory=list)  # ranked, with scores
    tier: int | None = None
    context: dict[str, Any] = Field(default_factory=dict)  # how the conversation was read
    tier_decision: dict[str, Any] | None = None  # the tier policy's decision
    empathy: str | None = None  # the line of empathy that opened the reply
    route: Route | None = None
    request_human: bool = False  # the customer asked for a person
    attention: bool = False  # 「人呢」 with nothing waiting: the bot said it is here
    tree: str | None = None  # the diagnosis tree a matched question started
    greeting: str | None = None  # the greeting segment (action_greet)
    bound: bool | None = None  # an account binding succeeded (action_bind_account)

    @classmethod
    def of(cls, custom: Any) -> BotReport:
        """The report in a reply's `custom` (empty when there is none or it is malformed)."""
        raw = custom.get("kefu") if isinstance(custom, dict) else None
        return lenient(cls, raw) if isinstance(raw, dict) else cls()

    @classmethod
    def of_message(cls, m: Message) -> BotReport:
        """The report stored with a message (empty for customers' and engineers' messages)."""
        return cls.of((m.payload or {}).get("custom"))

    def dump(self) -> dict[str, Any]:
        """The report as stored: the fields its writer set, nothing more."""
        return self.model_dump(mode="json", exclude_unset=True)

    def custom(self, links: list[Any] | None = None) -> dict[str, Any]:
        """Rasa's `custom` of a reply carrying this report (and the answer's links)."""
        out: dict[str, Any] = {"kefu": self.dump()}
        if links is not None:
            out["links"] = links
        return out


class Payload(BaseModel):
    """`Message.payload` as stored."""

    model_config = ConfigDict(extra="allow")

    reply_to: int | None = None  # a reply: the customer's message it answers
    buttons: list[dict[str, Any]] = Field(default_factory=list)
    custom: dict[str, Any] = Field(default_factory=dict)  # Rasa's custom: links, kefu, ...
    image: str | None = None
    attachment: dict[str, Any] | None = None  # a picture or file sent with it (bot.media)
    agent_name: str | None = None  # an engineer's message: who wrote it
    button_payload: str | None = None  # a customer's click: the button's payload
    emotion: dict[str, Any] | None = None  # a customer's message: its emotion scores
    entities: list[dict[str, Any]] = Field(default_factory=list)  # ... and what it named

    @classmethod
    def of(cls, m: Message) -> Payload:
        """The payload of a stored message (a malformed value reads as absent)."""
        raw = m.payload
        return lenient(cls, raw) if isinstance(raw, dict) else cls()

    @property
    def report(self) -> BotReport:
        """The bot's report (empty unless this is a bot reply)."""
        return BotReport.of(self.custom)

    @property
    def links(self) -> list[Any]:
        """The answer's links."""
        links = self.custom.get("links")
        return list(links) if isinstance(links, list) else []

    @property
    def typed(self) -> bool:
        """Whether the customer typed this message (not a button click)."""
        return not self.button_payload


def report_field(name: str) -> ColumnElement[str]:
    """A report field of `Message.payload` as an SQL string expression."""
    return Message.payload[(*REPORT_PATH, name)].as_string()
