"""The tier distribution report on a small query file and the personas."""

from __future__ import annotations

import json
from pathlib import Path

import yaml

from bot.profile.sample import AS_OF, generate
from bot.tiering.assess import TierAssessor
from bot.tiering.report import GENERIC_QUESTIONS, customer_distribution, dev_distribution


class TestReport:
    def test_dev_queries_are_distributed_over_tiers(
        self, assessor: TierAssessor, tmp_path: Path
    ) -> None:
        queries = tmp_path / "q.jsonl"
        rows = [
            {"query": "发票怎么开", "gold_id": "invoice-001"},
            {"query": "我要去315曝光你们", "gold_id": None},
            {"query": "想买个游戏本", "gold_id": "presales-007"},
        ]
        queries.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows) + "\n")
        r = dev_distribution(assessor, queries)
        assert r["n"] == 3 and sum(r["tiers"].values()) == 3
        assert r["tiers"][5] == 1 and r["out_of_scope_tiers"] == {5: 1}
        assert abs(sum(r["tier_share"].values()) - 1.0) < 0.01

    def test_sample_customers_are_distributed_over_questions(
        self, assessor: TierAssessor, tmp_path: Path
    ) -> None:
        sample = tmp_path / "sample.yml"
        sample.write_text(yaml.safe_dump(generate(len(GENERIC_QUESTIONS)), allow_unicode=True))
        r = customer_distribution(assessor, sample, AS_OF)
        assert r["n"] == len(GENERIC_QUESTIONS)
        assert set(r["by_question"]) == set(GENERIC_QUESTIONS)
