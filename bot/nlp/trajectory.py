"""The emotion trajectory of a conversation and its trough (a sharp drop or sustained anger).

The trajectory is the list of the customer's `negative` scores, oldest first. Store each
message's score with the message (e.g. ``Message.payload["emotion"]``) and rebuild the list from
the conversation, or keep it in `Trajectories` (in memory, one process).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass
from typing import Literal

from bot.nlp.lexicon import TroughRule

TroughKind = Literal["high", "sharp_drop", "sustained"]
TROUGH_LABELS: dict[str, str] = {
    "high": "情绪激动",
    "sharp_drop": "情绪骤降",
    "sustained": "持续不满",
}
"""Plain-Chinese names of trough kinds, for decision reasons and the agent console."""


@dataclass(frozen=True)
class Trough:
    """Why a conversation's emotion counts as a trough."""

    kind: TroughKind
    negative: float  # the latest message's score
    baseline: float  # average of the earlier messages considered

    @property
    def label(self) -> str:
        """Plain-Chinese name, e.g. 情绪骤降."""
        return TROUGH_LABELS[self.kind]


def detect_trough(history: list[float], rule: TroughRule) -> Trough | None:
    """The trough in a trajectory, judged at its latest message.

    Args:
        history: negative scores, oldest first; the last one is the current message.
        rule: thresholds from ``emotion.yml``.

    Returns:
        The trough, or None when the latest message is not in one.
    """
    if not history:
        return None
    now = history[-1]
    earlier = history[-1 - rule.window : -1]
    baseline = sum(earlier) / len(earlier) if earlier else 0.0
    if now >= rule.high:
        return Trough("high", now, baseline)
    if earlier and now >= rule.drop_floor and now - baseline >= rule.sharp_drop:
        return Trough("sharp_drop", now, baseline)
    last = history[-rule.window :]
    if len(last) == rule.window and min(last) >= rule.sustained:
        return Trough("sustained", now, baseline)
    return None


class Trajectories:
    """Per-conversation trajectories in memory (bounded; the oldest conversations drop out).

    Args:
        rule: thresholds from ``emotion.yml``.
        max_conversations: how many conversations to remember.
        max_messages: how many scores to keep per conversation.
    """

    def __init__(
        self, rule: TroughRule, max_conversations: int = 10_000, max_messages: int = 50
    ) -> None:
        self.rule = rule
        self.max_conversations = max_conversations
        self.max_messages = max_messages
        self._data: OrderedDict[str, list[float]] = OrderedDict()
        self._lock = threading.Lock()

    def add(self, conversation: str | int, negative: float) -> Trough | None:
        """Append a message's score; return the trough it puts the conversation in, if any."""
        key = str(conversation)
        with self._lock:
            scores = self._data.pop(key, [])
            scores = [*scores, negative][-self.max_messages :]
            self._data[key] = scores
            while len(self._data) > self.max_conversations:
                self._data.popitem(last=False)
        return detect_trough(scores, self.rule)

    def history(self, conversation: str | int) -> list[float]:
        """The scores so far, oldest first."""
        with self._lock:
            return list(self._data.get(str(conversation), []))
