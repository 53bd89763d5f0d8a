"""`bot eval`: the CONTRACTS output on a small JSONL knowledge base."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bot.cli import app
from bot.matching.evaluate import CONTRACT_FIELDS, evaluate

KB = [
    {
        "id": "q-001",
        "question": "怎么开发票",
        "answer": "订单详情页申请开票。",
        "similar": ["发票在哪里开", "想要开个发票", "电子发票怎么申请", "买电脑能开票吗"],
    },
    {
        "id": "q-002",
        "question": "笔记本开不了机怎么办",
        "answer": "先长按电源键 15 秒。",
        "similar": [
            "电脑按电源键没反应",
            "笔记本突然打不开了",
            "开机没反应怎么回事",
            "电脑启动不了",
        ],
    },
    {
        "id": "q-003",
        "question": "退货运费谁承担",
        "answer": "质量问题由我们承担运费。",
        "similar": ["退货邮费谁出", "退回去要自己付运费吗", "七天无理由退货运费", "退货快递费"],
    },
]
QUERIES = [
    {"query": "发票怎么开", "gold_id": "q-001"},
    {"query": "我的笔记本开不了机了", "gold_id": "q-002"},
    {"query": "退货的运费是谁出", "gold_id": "q-003"},
    {"query": "今天天气怎么样", "gold_id": None},
    {"query": "怎么做红烧肉", "gold_id": None},
]


@pytest.fixture()
def files(tmp_path: Path) -> tuple[Path, Path]:
    kb = tmp_path / "kb.jsonl"
    queries = tmp_path / "queries.jsonl"
    kb.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in KB), encoding="utf-8")
    queries.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in QUERIES), "utf-8")
    return kb, queries


class TestEvaluate:
    def test_evaluation_reports_the_contract_fields(self, files: tuple[Path, Path]) -> None:
        result = evaluate(*files, progress=False)
        assert set(CONTRACT_FIELDS) <= set(result)
        assert (result["n_in_scope"], result["n_oos"]) == (3, 2)
        assert result["top1"] == 1.0 and result["top3"] == 1.0
        assert result["auto_correct"] + result["auto_wrong"] <= 1.0
        assert result["auto_wrong"] == 0.0
        assert result["oos_false_accept"] == 0.0
        assert 0 < result["p50_ms"] <= result["p95_ms"]
        assert result["index_build_s"] > 0

    def test_cli_prints_the_contract_json(self, files: tuple[Path, Path]) -> None:
        kb, queries = files
        out = CliRunner().invoke(
            app, ["eval", "--kb", str(kb), "--queries", str(queries), "--json"]
        )
        assert out.exit_code == 0, out.output
        result = json.loads(out.stdout.strip().splitlines()[-1])
        assert set(CONTRACT_FIELDS) <= set(result)
        assert result["n_in_scope"] == 3

    def test_cli_table_and_errors(self, files: tuple[Path, Path], tmp_path: Path) -> None:
        kb, queries = files
        out = CliRunner().invoke(app, ["eval", "--kb", str(kb), "--queries", str(queries)])
        assert out.exit_code == 0 and "top-1 accuracy" in out.stdout
        bad = tmp_path / "bad.jsonl"
        bad.write_text('{"id": "x", "question": "", "answer": "a"}\n', encoding="utf-8")
        out = CliRunner().invoke(app, ["eval", "--kb", str(bad), "--queries", str(queries)])
        assert out.exit_code == 2

    def test_cli_uses_the_app_environment(
        self, files: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
    ) -> None:
        kb, queries = files
        # The decision model switched off and the rule made impossible: nothing is answered.
        monkeypatch.setenv("KEFU_MATCHING__ANSWER_MODEL", "{}")
        monkeypatch.setenv("KEFU_MATCHING__ANSWER_MODEL_WITHOUT_NEGATIVES", "{}")  # a JSONL base
        monkeypatch.setenv("KEFU_MATCHING__ANSWER_THRESHOLD", "2.0")
        out = CliRunner().invoke(
            app, ["eval", "--kb", str(kb), "--queries", str(queries), "--json"]
        )
        assert out.exit_code == 0, out.output
        result = json.loads(out.stdout.strip().splitlines()[-1])
        assert result["auto_correct"] == 0.0 and result["top1"] == 1.0
        monkeypatch.setenv("KEFU_MATCHING__ENCODER_THREADS", "0")  # refused: at least 1
        out = CliRunner().invoke(app, ["eval", "--kb", str(kb), "--queries", str(queries)])
        assert out.exit_code == 2
