"""Loading and validating knowledge files: every problem reported with file, line and field."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest

from bot.knowledge.errors import Issue, KnowledgeError
from bot.knowledge.loader import load_knowledge

ROOT = Path(__file__).resolve().parents[2]

CATALOG = """\
product_lines:
  book: {name: 轻薄笔记本}
  phone: {name: 手机}
"""

SIMILAR = "\n".join(f"      - 电脑开不了机的说法{i}" for i in range(8))

GOOD = f"""\
category: 开关机
questions:
  - id: power-001
    title: 电脑开不了机怎么办
    products: [book]
    tier: 2
    similar:
{SIMILAR}
    answer: 请先长按电源键 15 秒。
"""


def make_kb(tmp_path: Path, files: dict[str, str], catalog: str = CATALOG) -> Path:
    root = tmp_path / "knowledge"
    (root / "faq").mkdir(parents=True)
    (root / "catalog.yml").write_text(catalog, encoding="utf-8")
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")
    return root


def issues_of(root: Path) -> list[Issue]:
    with pytest.raises(KnowledgeError) as caught:
        load_knowledge(root)
    return caught.value.issues


class TestLoadShipped:
    def test_shipped_base_loads(self) -> None:
        kb = load_knowledge(ROOT / "knowledge")
        assert len(kb.questions) >= 100
        assert {"book", "raptor", "phone"} <= kb.product_ids
        assert all(len(q.similar) >= 8 for q in kb.questions.values())
        assert kb.synonyms and kb.dictionary

    def test_good_file_loads_every_field(self, tmp_path: Path) -> None:
        kb = load_knowledge(make_kb(tmp_path, {"faq/power.yml": GOOD}))
        question = kb.questions["power-001"]
        assert question.category == "开关机"
        assert question.products == ["book"]
        assert question.phrasings[0] == "电脑开不了机怎么办"


class TestErrors:
    def test_names_file_line_field(self, tmp_path: Path) -> None:
        broken = GOOD.replace("products: [book]", "products: [tablet]").replace(
            "tier: 2", "tier: 9"
        )
        issues = issues_of(make_kb(tmp_path, {"faq/power.yml": broken}))
        by_field = {i.field: i for i in issues}
        assert by_field["questions[0].products"].line == 5
        assert "tablet" in by_field["questions[0].products"].message
        assert by_field["questions[0].tier"].line == 6
        assert all(i.file.endswith("faq/power.yml") for i in issues)
        assert "power-001" in by_field["questions[0].tier"].message

    def test_reports_all_files_and_loads_nothing(self, tmp_path: Path) -> None:
        few = GOOD.replace(SIMILAR, "      - 只有一个说法")
        other = GOOD.replace("power-001", "power-002").replace(
            "answer: 请先长按电源键 15 秒。", "answer: ''"
        )
        issues = issues_of(make_kb(tmp_path, {"faq/a.yml": few, "faq/b.yml": other}))
        assert {i.file.split("/")[-1] for i in issues} == {"a.yml", "b.yml"}
        similar = next(i for i in issues if i.field == "questions[0].similar")
        assert "at least 8" in similar.message and similar.line == 7
        answer = next(i for i in issues if i.field == "questions[0].answer")
        assert answer.line == 16

    def test_yaml_syntax_error_has_line(self, tmp_path: Path) -> None:
        issues = issues_of(make_kb(tmp_path, {"faq/power.yml": GOOD + "  - id: [unclosed\n"}))
        assert len(issues) == 1
        assert issues[0].line is not None and issues[0].line >= 17
        assert "YAML" in issues[0].message

    def test_duplicate_id_across_files(self, tmp_path: Path) -> None:
        issues = issues_of(make_kb(tmp_path, {"faq/a.yml": GOOD, "faq/b.yml": GOOD}))
        assert len(issues) == 1
        assert issues[0].field == "id" and "faq/a.yml:3" in issues[0].message

    def test_duplicate_key_and_unknown_field(self, tmp_path: Path) -> None:
        text = GOOD.replace("    tier: 2\n", "    tier: 2\n    tier: 3\n    colour: red\n")
        issues = issues_of(make_kb(tmp_path, {"faq/power.yml": text}))
        fields = {i.field: i.line for i in issues}
        assert fields["questions[0].tier"] == 7  # the repeated key
        assert fields["questions[0].colour"] == 8

    def test_bad_id_link_scheme_and_unknown_tag_are_reported(self, tmp_path: Path) -> None:
        text = GOOD.replace("power-001", "Power_1").replace(
            "    answer: 请先长按电源键 15 秒。\n",
            "    answer: 好的\n"
            "    links:\n      - {title: 预约, url: 'ftp://x'}\n"
            "    variants:\n      - when: {tags: [vip_gold]}\n        answer: 金卡\n",
        )
        issues = issues_of(make_kb(tmp_path, {"faq/power.yml": text}))
        messages = " | ".join(f"{i.field}: {i.message}" for i in issues)
        assert "questions[0].id" in messages
        assert "http(s)" in messages
        assert "vip_gold" in messages

    def test_validity_window_ending_before_it_starts_is_reported(self, tmp_path: Path) -> None:
        text = GOOD.replace(
            "    tier: 2\n",
            "    tier: 2\n    valid_from: 2026-05-01\n    valid_until: 2026-01-01\n",
        )
        issues = issues_of(make_kb(tmp_path, {"faq/power.yml": text}))
        assert [(i.line, i.message) for i in issues] == [
            (3, "power-001: valid_from is after valid_until")
        ]

    def test_similar_duplicates_and_title(self, tmp_path: Path) -> None:
        text = GOOD.replace("电脑开不了机的说法1", "电脑开不了机的说法0").replace(
            "电脑开不了机的说法2", "电脑开不了机怎么办"
        )
        messages = [i.message for i in issues_of(make_kb(tmp_path, {"faq/power.yml": text}))]
        assert any("duplicate phrasing" in m for m in messages)

    def test_bad_synonym_and_dictionary_lines_are_reported(self, tmp_path: Path) -> None:
        files = {
            "faq/power.yml": GOOD,
            "synonyms.yml": (
                "groups:\n  - 开不了机 = 无法开机\n  - [无法开机, 开机失败]\n  - 孤单\n"
            ),
            "dictionary.txt": "星岚 100 nz\nXB14-2024\nbad 1 n extra\n",
        }
        issues = issues_of(make_kb(tmp_path, files))
        assert {(i.file.split("/")[-1], i.line) for i in issues} == {
            ("synonyms.yml", 3),
            ("synonyms.yml", 4),
            ("dictionary.txt", 3),
        }

    def test_scope_words_are_folded_and_deduplicated(self, tmp_path: Path) -> None:
        scope = "brands: [华为, ' IPhone ', 华为]\nproducts: [冰箱]\n"
        files = {"faq/power.yml": GOOD, "scope.yml": scope}
        kb = load_knowledge(make_kb(tmp_path, files))
        assert kb.outside == ["华为", "iphone", "冰箱"]

    def test_scope_errors_have_line_and_field(self, tmp_path: Path) -> None:
        files = {"faq/power.yml": GOOD, "scope.yml": "brands:\n  - 华为\n  - ''\nproducts: 冰箱\n"}
        issues = issues_of(make_kb(tmp_path, files))
        assert {(i.file.split("/")[-1], i.line, i.field) for i in issues} == {
            ("scope.yml", 3, "brands[1]"),
            ("scope.yml", 4, "products"),
        }

    def test_negatives_are_trimmed_and_deduplicated(self, tmp_path: Path) -> None:
        negatives = (
            "negatives:\n  - 星岚是上市公司吗\n  - ' 今天天气怎么样 '\n  - 星岚是上市公司吗\n"
        )
        files = {"faq/power.yml": GOOD, "negatives.yml": negatives}
        kb = load_knowledge(make_kb(tmp_path, files))
        assert kb.negatives == ["星岚是上市公司吗", "今天天气怎么样"]
        assert load_knowledge(make_kb(tmp_path / "none", {"faq/power.yml": GOOD})).negatives == []

    def test_negatives_errors_have_line_and_field(self, tmp_path: Path) -> None:
        long = "长" * 301
        negatives = f"negatives:\n  - 今天天气怎么样\n  - ''\n  - {long}\n  - [a, b]\n"
        files = {"faq/power.yml": GOOD, "negatives.yml": negatives}
        issues = issues_of(make_kb(tmp_path, files))
        assert {(i.file.split("/")[-1], i.line, i.field) for i in issues} == {
            ("negatives.yml", 3, "negatives[1]"),
            ("negatives.yml", 4, "negatives[2]"),
            ("negatives.yml", 5, "negatives[3]"),
        }
        files["negatives.yml"] = "- 今天天气怎么样\n"
        issues = issues_of(make_kb(tmp_path / "flat", files))
        found = [(i.file.split("/")[-1], i.field) for i in issues]
        assert found == [("negatives.yml", "negatives")]

    def test_numbers_read_as_text(self, tmp_path: Path) -> None:
        text = GOOD.replace("    tier: 2\n", "    tier: 2\n    keywords: [热线, 400]\n")
        kb = load_knowledge(make_kb(tmp_path, {"faq/power.yml": text}))
        assert kb.questions["power-001"].keywords == ["热线", "400"]


class TestJsonl:
    def test_jsonl_base_loads_with_duplicate_phrasings_dropped(self, tmp_path: Path) -> None:
        path = tmp_path / "kb.jsonl"
        rows = [
            {
                "id": "q1",
                "question": "怎么开发票",
                "similar": ["发票在哪开", "发票在哪开"],
                "answer": "在订单页",
            },
            {"id": "q2", "question": "退货运费谁出", "similar": [], "answer": "质量问题我们出"},
        ]
        path.write_text(
            "\n".join(json.dumps(r, ensure_ascii=False) for r in rows), encoding="utf-8"
        )
        kb = load_knowledge(path)
        assert kb.questions["q1"].similar == ["发票在哪开"]
        assert kb.questions["q2"].title == "退货运费谁出"

    def test_jsonl_errors_name_line_and_field(self, tmp_path: Path) -> None:
        path = tmp_path / "kb.jsonl"
        path.write_text('{"id": "q1", "question": "", "answer": "x"}\nnot json\n', encoding="utf-8")
        with pytest.raises(KnowledgeError) as caught:
            load_knowledge(path)
        assert [(i.line, i.field) for i in caught.value.issues] == [(1, "question"), (2, "")]

    def test_missing_path_is_an_error(self, tmp_path: Path) -> None:
        with pytest.raises(KnowledgeError):
            load_knowledge(tmp_path / "nope")
