"""The Rasa project itself: data validation and the test stories, with Rasa's own tools."""

from __future__ import annotations

import subprocess
from pathlib import Path

import yaml

from bot.runtime.rasa import RASA_BIN, rasa_env
from tests.conftest import ROOT


def rasa(*args: str, timeout: int = 600) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(RASA_BIN), *args],
        cwd=ROOT,
        env=rasa_env(),
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def test_rasa_data_validate_passes() -> None:
    result = rasa(
        "data", "validate", "--domain", "domain", "--data", "data", "--config", "config.yml"
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]


def test_rasa_test_stories_have_no_prediction_errors(rasa_model: Path, tmp_path: Path) -> None:
    result = rasa(
        "test", "core",
        "--stories", "tests/test_stories.yml",
        "--model", str(rasa_model),
        "--fail-on-prediction-errors",
        "--out", str(tmp_path),
    )  # fmt: skip
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]


def test_every_intent_has_enough_examples() -> None:
    domain_intents: set[str] = set()
    for f in (ROOT / "domain").glob("*.yml"):
        domain_intents |= {
            i if isinstance(i, str) else next(iter(i))
            for i in (yaml.safe_load(f.read_text(encoding="utf-8")) or {}).get("intents", [])
        }
    counts: dict[str, int] = {}
    for f in (ROOT / "data" / "nlu").glob("*.yml"):
        for item in yaml.safe_load(f.read_text(encoding="utf-8")).get("nlu", []):
            if "intent" in item:
                lines = [x for x in item["examples"].splitlines() if x.strip().startswith("- ")]
                counts[item["intent"]] = counts.get(item["intent"], 0) + len(lines)
    button_only = {"choose_question", "diagnosis_reply"}
    for intent in domain_intents - button_only:
        assert counts.get(intent, 0) >= 25, f"{intent} has {counts.get(intent, 0)} examples"
