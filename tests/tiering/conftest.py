"""The shipped tier policy, and one real assessor (matcher, entities, emotion) per session."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from bot.config import Settings
from bot.tiering.assess import TierAssessor
from bot.tiering.build import build_assessor
from bot.tiering.engine import TierDecision, TierEngine
from bot.tiering.inputs import TierInputs

KNOWLEDGE = Path(__file__).resolve().parents[2] / "knowledge"


@pytest.fixture(scope="session")
def engine() -> TierEngine:
    """The engine over knowledge/tier_policy.yml."""
    return TierEngine.from_dir(KNOWLEDGE)


@pytest.fixture(scope="session")
def assessor() -> TierAssessor:
    """Matcher over the shipped knowledge base, real entities and emotion, keyword intents."""
    return build_assessor(Settings(knowledge_dir=KNOWLEDGE), use_rasa=False)


def decide(engine: TierEngine, **inputs: Any) -> TierDecision:
    """Evaluate the shipped policy on `inputs`."""
    return engine.evaluate(TierInputs(**inputs))
