"""The real entity and emotion stages, loaded once per test session."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.nlp.emotion import EmotionScorer
from bot.nlp.entities import EntityExtractor

KNOWLEDGE = Path(__file__).resolve().parents[2] / "knowledge"


@pytest.fixture(scope="session")
def extractor() -> EntityExtractor:
    """spaCy blank zh + jieba + the shipped patterns."""
    e = EntityExtractor(KNOWLEDGE / "entities")
    e.warm_up()
    return e


@pytest.fixture(scope="session")
def scorer() -> EmotionScorer:
    """snownlp's sentiment model + the shipped lexicon."""
    s = EmotionScorer(KNOWLEDGE / "emotion.yml")
    s.warm_up()
    return s
