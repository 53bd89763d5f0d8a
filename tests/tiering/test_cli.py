"""`bot tier`: the decision and its reason for one message from one customer."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from bot.cli import app
from bot.config import get_settings
from bot.tiering.assess import TierAssessor

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def cli_env(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, assessor: TierAssessor
) -> Iterator[None]:
    """A database of its own, and the session's assessor instead of a fresh build."""
    monkeypatch.setenv("KEFU_DB__URL", f"sqlite:///{tmp_path / 'kefu.db'}")
    monkeypatch.setattr("bot.tiering.build.build_assessor", lambda *a, **k: assessor)
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


def _tier(*args: str) -> dict[str, Any]:
    result = CliRunner().invoke(app, ["tier", *args, "--json", "--no-rasa"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


@pytest.mark.usefixtures("cli_env")
class TestTierCommand:
    def test_json_for_two_customers(self) -> None:
        visitor = _tier("--text", "我想买个游戏本")
        gold = _tier("--text", "我想买个游戏本", "--customer", "XL10000001")
        assert (visitor["tier"], visitor["route"]) == (1, "bot")
        assert (gold["tier"], gold["route"]) == (4, "queue:sales")
        assert gold["reason"] == "金卡会员 + 购买意向 -> 第4级，转选购顾问"
        assert gold["intent"] == {"name": "purchase_intent", "source": "keywords"}
        assert gold["customer"]["member_id"] == "XL10000001"

    def test_by_phone_and_with_conversation_counters(self) -> None:
        d = _tier("--text", "asdkjh", "--customer", "13912345604", "--failed", "1")
        assert d["tier"] == 3 and d["rule"] == "repeated_no_match"

    def test_text_output_names_tier_reason_and_intent_source(self) -> None:
        result = CliRunner().invoke(app, ["tier", "--text", "我要去315曝光你们", "--no-rasa"])
        assert result.exit_code == 0, result.output
        assert "tier 5" in result.stdout and "风险词" in result.stdout
        assert "policy keywords" in result.stdout

    def test_unknown_customer_exits_with_a_usage_error(self) -> None:
        result = CliRunner().invoke(app, ["tier", "--text", "你好", "--customer", "XL00000000"])
        assert result.exit_code == 2


def test_bot_tier_as_a_process(tmp_path: Path) -> None:
    """The console script, as an editor runs it (Rasa is not running: keyword intents)."""
    env = {
        **os.environ,
        "KEFU_DB__URL": f"sqlite:///{tmp_path / 'kefu.db'}",
        "KEFU_RASA__URL": "http://127.0.0.1:9",
        "HF_HUB_OFFLINE": "1",
    }
    bot = Path(sys.executable).with_name("bot")
    out = subprocess.run(
        [
            str(bot),
            "tier",
            "--text",
            "我要投诉 修了三次还没修好",
            "--customer",
            "XL10000005",
            "--json",
        ],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=300,
        check=True,
    )
    result = json.loads(out.stdout)
    assert {"tier", "route", "reason"} <= set(result)
    assert result["tier"] == 5 and result["route"].startswith("queue:")
    assert result["intent"]["source"] == "keywords"
