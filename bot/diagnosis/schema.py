"""Typed models of diagnosis trees (see docs/diagnosis-format.md).

Structure that spans nodes (targets exist, everything reachable, no loops) is checked by
`bot.diagnosis.loader`, which can name the file line of the offending field.
"""

from __future__ import annotations

import re
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from bot.knowledge.schema import Link

TREE_ID = re.compile(r"^[a-z][a-z0-9_]*$")
NODE_ID = re.compile(r"^[A-Za-z][A-Za-z0-9_\-]*$")
NodeKind = Literal["question", "solution", "escalation"]


def _text(value: Any) -> Any:
    # YAML reads `2` or `1.5` as numbers; in a text field an editor meant the text.
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    if isinstance(value, list):
        return [_text(v) for v in value]
    return value


def _not_blank(value: str) -> str:
    if not value.strip():
        raise ValueError("must not be empty")
    return value.strip()


class Option(BaseModel):
    """One answer to a question node."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    label: str
    synonyms: list[str] = []
    understood: str | None = None  # restated when the customer's own words chose this option
    next: str

    @field_validator("label", "synonyms", "understood", mode="before")
    @classmethod
    def _numbers_as_text(cls, value: Any) -> Any:
        return _text(value)

    @field_validator("label", "next")
    @classmethod
    def _required(cls, value: str) -> str:
        return _not_blank(value)

    @property
    def phrases(self) -> list[str]:
        """The label and every synonym."""
        return [self.label, *self.synonyms]


class Escalation(BaseModel):
    """A leaf that hands the case to an engineer."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    summary: str  # one line for the engineer: what was checked and what is suspected
    skills: list[str] | None = None  # None = the tree's skills
    tier: int = Field(3, ge=1, le=5)
    message: str | None = None  # what the customer is told; None = the shared default

    @field_validator("summary")
    @classmethod
    def _summary(cls, value: str) -> str:
        return _not_blank(value)


class Node(BaseModel):
    """A question, a solution or an escalation."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str
    ask: str | None = None
    options: list[Option] = []
    solution: str | None = None
    link: Link | None = None
    image: str | None = None
    unsolved: str | None = None
    escalate: Escalation | None = None

    @field_validator("id")
    @classmethod
    def _id(cls, value: str) -> str:
        if not NODE_ID.match(value):
            raise ValueError("must be letters, digits, '_' or '-', starting with a letter")
        return value

    @model_validator(mode="after")
    def _one_kind(self) -> Node:
        given = {"ask": self.ask, "solution": self.solution, "escalate": self.escalate}
        kinds = [k for k, v in given.items() if v is not None]
        if len(kinds) != 1:
            raise ValueError("a node needs exactly one of ask, solution, escalate")
        if self.ask is not None:
            if not 2 <= len(self.options) <= 6:
                raise ValueError("a question needs 2 to 6 options")
            if self.unsolved or self.link or self.image:
                raise ValueError("unsolved, link and image belong to solution nodes")
        elif self.options:
            raise ValueError("only question nodes (ask) have options")
        if self.solution is not None and not self.unsolved:
            raise ValueError("a solution needs `unsolved`: where to go when it did not help")
        if self.escalate is not None and (self.unsolved or self.link or self.image):
            raise ValueError("an escalation has no unsolved, link or image")
        return self

    @property
    def kind(self) -> NodeKind:
        """question, solution or escalation."""
        if self.ask is not None:
            return "question"
        return "solution" if self.solution is not None else "escalation"

    @property
    def targets(self) -> list[str]:
        """Ids of the nodes this node leads to."""
        if self.kind == "question":
            return [o.next for o in self.options]
        return [self.unsolved] if self.unsolved else []


class Tree(BaseModel):
    """A whole diagnosis tree."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str
    title: str
    description: str = ""
    products: list[str] = []
    skills: list[str] = []
    start: str
    nodes: list[Node]

    @field_validator("id")
    @classmethod
    def _id(cls, value: str) -> str:
        if not TREE_ID.match(value):
            raise ValueError("must be lower-case letters, digits and '_'")
        return value

    @field_validator("title")
    @classmethod
    def _title(cls, value: str) -> str:
        return _not_blank(value)

    def node(self, node_id: str) -> Node:
        """The node with this id (KeyError when there is none)."""
        return self.by_id[node_id]

    @property
    def by_id(self) -> dict[str, Node]:
        """Nodes by id."""
        return {n.id: n for n in self.nodes}


class Control(BaseModel):
    """A word shared by all trees: go back, start over, a human, solved, not solved."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    label: str
    synonyms: list[str] = []

    @property
    def phrases(self) -> list[str]:
        """The label and every synonym."""
        return [self.label, *self.synonyms]


class Controls(BaseModel):
    """`_controls.yml`: the shared words and the texts of the diagnosis dialogue."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    back: Control
    restart: Control
    human: Control
    solved: Control
    unsolved: Control
    resume: Control
    quit: Control = Control(label="退出排查", synonyms=["结束排查", "不排查了", "不用排查了"])
    texts: dict[str, str]

    def text(self, key: str, **values: object) -> str:
        """A dialogue text with `{placeholders}` filled in (a key added after a knowledge base
        was written falls back to the shipped default)."""
        template = self.texts.get(key) or DEFAULT_TEXTS[key]
        return template.format(**values).strip()


DEFAULT_TEXTS = {
    "reask_numbered": "抱歉，我没太明白您的意思。请回复下面选项前的数字，或者直接描述您的情况：",
    "quit": "好的，已为您退出「{title}」排查。还有其他问题，直接告诉我就好。",
    "nothing_to_quit": "目前没有进行中的排查。有什么问题，直接告诉我就好。",
}
"""Texts of controls added after knowledge bases were written (their `_controls.yml` lacks them)."""


class DiagnosisBook(BaseModel):
    """All trees of a knowledge base and the shared controls."""

    model_config = ConfigDict(frozen=True)

    trees: dict[str, Tree] = {}
    controls: Controls | None = None
    skill_names: dict[str, str] = {}  # skill id -> what customers are told (硬件维修)
