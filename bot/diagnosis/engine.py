"""The diagnosis dialogue as a state machine, free of Rasa and of the database.

`State` is what the Rasa slots carry between turns; every method takes a state and returns a
`Step`: what to say, the next state (None when the case is over), and `Record`s of what happened
(the path kept with the conversation and the per-node counters come from them).
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

from bot.diagnosis.descent import descend
from bot.diagnosis.reader import number_choice, owners_in, phrase_key, phrases_of, quoted
from bot.diagnosis.schema import Controls, DiagnosisBook, Node, Tree

REPLY_INTENT = "diagnosis_reply"
START_INTENT = "start_diagnosis"
HUMAN_PAYLOAD = "/request_human"
MISSES_BEFORE_HUMAN = 2

Outcome = Literal["continue", "solved", "escalated", "paused", "unmapped", "ended"]
RecordKind = Literal[
    "enter",
    "answer",
    "solved",
    "unsolved",
    "escalated",
    "abandoned",
    "resumed",
    "back",
    "restart",
    "missed",
    "quit",
]


def choice_payload(choice: str) -> str:
    """Button payload answering the current node (Rasa's `/intent{entities}` form)."""
    return "/" + REPLY_INTENT + json.dumps({"diagnosis_choice": choice}, ensure_ascii=False)


def start_payload(tree_id: str) -> str:
    """Button payload starting a tree from a menu."""
    return "/" + START_INTENT + json.dumps({"diagnosis_tree": tree_id}, ensure_ascii=False)


@dataclass
class State:
    """Where a customer is in a tree; kept in the `diagnosis` slot between turns."""

    tree: str
    node: str
    history: list[str] = field(default_factory=list)  # earlier nodes, for 上一步
    misses: int = 0  # answers in a row that could not be read
    session: int | None = None  # diagnosis_sessions.id
    paused: bool = False  # left for another question; can be resumed

    def to_slot(self) -> dict[str, Any]:
        """JSON-able form for a Rasa slot."""
        return asdict(self)

    @classmethod
    def from_slot(cls, value: Any) -> State | None:
        """Read a slot value; anything malformed reads as no state."""
        if not isinstance(value, dict):
            return None
        try:
            return cls(
                tree=str(value["tree"]),
                node=str(value["node"]),
                history=[str(n) for n in value.get("history") or []],
                misses=int(value.get("misses") or 0),
                session=int(value["session"]) if value.get("session") is not None else None,
                paused=bool(value.get("paused")),
            )
        except (KeyError, TypeError, ValueError):
            return None


@dataclass
class Say:
    """One bot message."""

    text: str
    buttons: list[dict[str, str]] = field(default_factory=list)
    links: list[dict[str, str]] = field(default_factory=list)
    image: str | None = None


@dataclass
class Record:
    """One thing that happened at a node (for the path and the counters)."""

    kind: RecordKind
    node: str
    detail: dict[str, Any] = field(default_factory=dict)


@dataclass
class Step:
    """The outcome of one turn in a tree."""

    says: list[Say]
    state: State | None
    outcome: Outcome = "continue"
    records: list[Record] = field(default_factory=list)
    handoff: dict[str, Any] | None = None  # tier, skills, summary, reason when escalated


class Diagnoser:
    """Runs the trees of a `DiagnosisBook`."""

    def __init__(self, book: DiagnosisBook) -> None:
        if book.controls is None:
            raise ValueError("a diagnosis book without _controls.yml cannot run")
        self.book = book
        self.controls: Controls = book.controls

    def has(self, tree_id: str | None) -> bool:
        """Whether a tree of that id is live."""
        return bool(tree_id) and tree_id in self.book.trees

    def menu(self) -> Say:
        """The list of trees, offered as buttons."""
        buttons = [
            {"title": t.title, "payload": start_payload(t.id)} for t in self.book.trees.values()
        ]
        return Say(self.controls.text("menu"), buttons)

    def start(self, tree_id: str, description: str | None = None) -> Step:
        """Start a tree, at the deepest node the customer's own description already decides."""
        tree = self.book.trees[tree_id]
        state = State(tree=tree.id, node=tree.start)
        step = Step([Say(self.controls.text("intro", title=tree.title))], state)
        descent = descend(tree, phrase_key(description or ""), self._option_phrases)
        for node_id, index in descent.answers:
            node, option = tree.node(node_id), tree.node(node_id).options[index]
            step.records.append(Record("enter", node.id))
            step.records.append(
                Record(
                    "answer",
                    node.id,
                    {"ask": node.ask, "answer": option.label, "via": "description"},
                )
            )
            state.history.append(node.id)
            state.node = option.next
        heard = descent.heard
        if heard:
            # Repeat the customer's own words, not the options' wording: nothing they did not say.
            facts = "，".join(quoted(description or "", heard))
            step.says[0].text += self.controls.text("understood", facts=facts)
        self._enter(tree, step)
        return step

    def answer(
        self, state: State, text: str, choice: str | None = None, *, numbered: bool = False
    ) -> Step:
        """Read the customer's answer at the current node and move on.

        Returns a step with outcome ``unmapped`` (a re-ask) when the words fit no option; the
        caller may instead treat them as a question that leaves the tree (`pause`).
        `numbered`: the channel shows the options as a numbered list (WeChat), so the re-ask
        may speak of numbers.
        """
        tree = self.book.trees[state.tree]
        node = tree.node(state.node)
        picked = self._read(node, choice or text, exact=choice is not None)
        if picked is None and choice is not None:
            picked = self._read(node, text, exact=False)
        step = Step([], state)
        if picked is None:
            return self._reask(tree, node, state, text, numbered)
        state.misses = 0
        if picked == "quit":
            return self.quit(state)
        if picked == "back":
            if not state.history:
                step.says.append(Say(self.controls.text("back_at_start")))
            else:
                step.records.append(Record("back", node.id))
                state.node = state.history.pop()
            return self._enter(tree, step)
        if picked == "restart":
            step.records.append(Record("restart", node.id))
            step.says.append(Say(self.controls.text("restarted", title=tree.title)))
            state.node, state.history = tree.start, []
            return self._enter(tree, step)
        if picked == "human":
            return self.request_human(state)
        if picked == "solved":
            step.records.append(Record("solved", node.id, {"solution": _first_line(node.solution)}))
            step.says.append(Say(self.controls.text("solved")))
            step.state, step.outcome = None, "solved"
            return step
        if picked == "unsolved":
            step.records.append(
                Record("unsolved", node.id, {"solution": _first_line(node.solution)})
            )
            state.history.append(node.id)
            state.node = str(node.unsolved)
            return self._enter(tree, step)
        option = node.options[int(picked)]
        step.records.append(
            Record("answer", node.id, {"ask": node.ask, "answer": option.label, "text": text})
        )
        state.history.append(node.id)
        state.node = option.next
        return self._enter(tree, step)

    def pause(self, state: State) -> Step:
        """The customer asked something else: keep the place, offer to resume later."""
        tree = self.book.trees[state.tree]
        state.paused, state.misses = True, 0
        resume = self.controls.resume.label
        return Step(
            [
                Say(
                    self.controls.text("paused", title=tree.title),
                    [{"title": resume, "payload": choice_payload(resume)}],
                )
            ],
            state,
            "paused",
            [Record("abandoned", state.node)],
        )

    def quit(self, state: State) -> Step:
        """The customer left the tree for good (退出排查): the case ends, the bot listens."""
        tree = self.book.trees[state.tree]
        # A paused tree was counted as abandoned when it paused.
        records = [] if state.paused else [Record("abandoned", state.node)]
        return Step(
            [Say(self.controls.text("quit", title=tree.title))],
            None,
            "ended",
            [*records, Record("quit", state.node, {"by": "customer"})],
        )

    def resume(self, state: State) -> Step:
        """Back into a paused tree, at the node where the customer left."""
        tree = self.book.trees[state.tree]
        state.paused = False
        step = Step(
            [Say(self.controls.text("resumed", title=tree.title))],
            state,
            records=[Record("resumed", state.node)],
        )
        return self._enter(tree, step)

    def repeat(self, state: State) -> Step:
        """Ask the current node again (not counted as a new visit)."""
        step = self._enter(self.book.trees[state.tree], Step([], state))
        step.records = []
        return step

    def request_human(self, state: State) -> Step:
        """The customer asked for a person in the middle of a tree."""
        tree = self.book.trees[state.tree]
        node = tree.node(state.node)
        # a question reads whole; a solution by its first sentence, not a fragment ending in "："
        where = str(node.ask or _first_line(node.solution).rstrip("：:，,。 ") or tree.title)
        summary = self.controls.text("human_summary", title=tree.title, where=where.rstrip("？?"))
        step = Step([Say(self.controls.text("human_requested"))], None, "escalated")
        step.records.append(Record("escalated", node.id, {"by": "customer", "summary": summary}))
        step.handoff = self._handoff(tree, tree.skills, 3, summary, reason="human_reason")
        return step

    def reads(self, state: State, text: str) -> Any:
        """What the words answer at the current node (an option index or a control name), or
        None."""
        return self._read(self.book.trees[state.tree].node(state.node), text, exact=False)

    def is_control(self, text: str, name: str) -> bool:
        """Whether the text is one of the shared words `name` (e.g. ``resume``)."""
        control = getattr(self.controls, name)
        return bool(owners_in(text, phrases_of(name, control.phrases)))

    # -- internals -------------------------------------------------------------------------

    def _enter(self, tree: Tree, step: Step) -> Step:
        state = step.state
        assert state is not None
        node = tree.node(state.node)
        step.records.append(Record("enter", node.id))
        nav = self._nav(state)
        if node.kind == "question":
            buttons = [{"title": o.label, "payload": choice_payload(o.label)} for o in node.options]
            step.says.append(Say(str(node.ask), buttons + nav))
        elif node.kind == "solution":
            c = self.controls
            buttons = [
                {"title": c.solved.label, "payload": choice_payload(c.solved.label)},
                {"title": c.unsolved.label, "payload": choice_payload(c.unsolved.label)},
            ]
            links = [{"title": node.link.title, "url": node.link.url}] if node.link else []
            text = f"{str(node.solution).rstrip()}\n\n{c.text('ask_outcome')}"
            step.says.append(Say(text, buttons + nav, links, node.image))
        else:
            esc = node.escalate
            assert esc is not None
            skills = esc.skills or tree.skills
            step.records.append(
                Record("escalated", node.id, {"by": "tree", "summary": esc.summary})
            )
            step.handoff = self._handoff(tree, skills, esc.tier, esc.summary)
            message = esc.message or self.controls.text("escalate", team=self._team(skills))
            step.says.append(Say(message))
            step.state, step.outcome = None, "escalated"
        return step

    def _nav(self, state: State) -> list[dict[str, str]]:
        c = self.controls
        nav = []
        if state.history:
            nav.append({"title": c.back.label, "payload": choice_payload(c.back.label)})
            nav.append({"title": c.restart.label, "payload": choice_payload(c.restart.label)})
        nav.append({"title": c.human.label, "payload": HUMAN_PAYLOAD})
        nav.append({"title": c.quit.label, "payload": choice_payload(c.quit.label)})
        return nav

    def _option_phrases(self, node: Node) -> list[Any]:
        out = []
        for i, option in enumerate(node.options):
            out += phrases_of(i, option.phrases)
        return out

    def _read(self, node: Node, text: str, *, exact: bool) -> int | str | None:
        c = self.controls
        controls = ["back", "restart", "human", "quit"]
        if node.kind == "solution":
            controls = ["solved", "unsolved", *controls]
        phrases = [] if node.kind != "question" else self._option_phrases(node)
        for name in controls:
            phrases += phrases_of(name, getattr(c, name).phrases)
        if exact:
            labels = {o.label: i for i, o in enumerate(node.options)}
            labels.update({getattr(c, n).label: n for n in controls})
            return labels.get(text)
        count = len(node.options) if node.kind == "question" else 2
        number = number_choice(text, count)
        if number is not None:
            return number if node.kind == "question" else ("solved", "unsolved")[number]
        found = owners_in(text, phrases)
        return found.pop() if len(found) == 1 else None  # type: ignore[return-value]

    def _reask(self, tree: Tree, node: Node, state: State, text: str, numbered: bool) -> Step:
        state.misses += 1
        key = "reask_numbered" if numbered else "reask"
        key = "reask_offer_human" if state.misses >= MISSES_BEFORE_HUMAN else key
        step = Step(
            [Say(self.controls.text(key))],
            state,
            "unmapped",
            [Record("missed", node.id, {"text": text})],
        )
        self._enter(tree, step)
        step.records = [r for r in step.records if r.kind != "enter"]  # a re-ask is no new visit
        return step

    def _handoff(
        self, tree: Tree, skills: list[str], tier: int, summary: str, reason: str = "handoff_reason"
    ) -> dict[str, Any]:
        # The reason says why people are needed, the summary what happened: each said once.
        return {
            "tier": tier,
            "skills": list(skills),
            "summary": summary,
            "tree": tree.id,
            "reason": self.controls.text(reason, title=tree.title),
        }

    def _team(self, skills: list[str]) -> str:
        names = [self.book.skill_names[s] for s in skills if s in self.book.skill_names]
        return names[0] if names else self.controls.text("default_team")


def _first_line(text: str | None) -> str:
    return (text or "").strip().splitlines()[0] if (text or "").strip() else ""
