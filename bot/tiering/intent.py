"""The dialogue intent of a message: from the Rasa model when a server answers, else keywords.

In the running bot the intent comes with the Rasa tracker (pass it to the assessor as given);
this module serves `bot tier` and batch reports, where no conversation exists.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Literal

import httpx

from bot.tiering.schema import IntentWords

log = logging.getLogger(__name__)

IntentSource = Literal["rasa", "keywords", "given"]
DEFAULT_INTENT = "ask_question"


@dataclass(frozen=True)
class IntentGuess:
    """A detected intent and where it came from."""

    name: str
    source: IntentSource
    confidence: float | None = None


class KeywordIntents:
    """Guesses an intent from the policy's keyword lists (first intent with a keyword wins).

    Args:
        lexicon: intent -> keywords, from the policy's ``intents:``.
    """

    def __init__(self, lexicon: dict[str, IntentWords]) -> None:
        self.lexicon = lexicon

    def guess(self, text: str) -> IntentGuess:
        """The intent of `text`, or ``ask_question`` when no keyword is found."""
        low = text.lower()
        for intent, words in self.lexicon.items():
            rest = low
            for phrase in words.exclude:
                rest = rest.replace(phrase.lower(), " ")
            if any(k.lower() in rest for k in words.keywords):
                return IntentGuess(intent, "keywords")
        return IntentGuess(DEFAULT_INTENT, "keywords")


class RasaIntents:
    """Asks a Rasa server's NLU (``POST /model/parse``).

    Args:
        url: the Rasa server, e.g. ``http://127.0.0.1:5005``.
        timeout_s: bound on one request.
    """

    def __init__(self, url: str, timeout_s: float = 3.0) -> None:
        self.url = url.rstrip("/")
        self._client = httpx.Client(timeout=httpx.Timeout(timeout_s, connect=1.0))
        self.reachable: bool | None = None  # unknown until the first request

    def parse(self, text: str) -> IntentGuess | None:
        """The intent Rasa gives `text`, None when Rasa does not answer (and from then on)."""
        if self.reachable is False:
            return None
        try:
            resp = self._client.post(f"{self.url}/model/parse", json={"text": text})
            resp.raise_for_status()
            intent = resp.json().get("intent") or {}
        except (httpx.HTTPError, ValueError) as err:
            log.info("Rasa NLU not reachable at %s (%s): keyword intents", self.url, err)
            self.reachable = False
            return None
        self.reachable = True
        name = intent.get("name")
        if not isinstance(name, str) or not name:
            return IntentGuess(DEFAULT_INTENT, "rasa", None)
        return IntentGuess(name, "rasa", float(intent.get("confidence") or 0.0))

    def close(self) -> None:
        """Close the connection pool."""
        self._client.close()


class IntentGuesser:
    """Rasa first when configured and reachable, keywords otherwise."""

    def __init__(self, keywords: KeywordIntents, rasa: RasaIntents | None = None) -> None:
        self.keywords = keywords
        self.rasa = rasa

    def guess(self, text: str) -> IntentGuess:
        """The intent of `text`."""
        found = self.rasa.parse(text) if self.rasa is not None else None
        return found or self.keywords.guess(text)
