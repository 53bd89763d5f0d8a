from __future__ import annotations

from pathlib import Path

import pytest

from bot.diagnosis.loader import load_diagnosis
from bot.knowledge.errors import KnowledgeError
from tests.diagnosis.conftest import MINI_TREE


def broken(kb_dir: Path, old: str, new: str) -> list[str]:
    file = kb_dir / "diagnosis" / "mini.yml"
    text = file.read_text(encoding="utf-8")
    assert old in text
    file.write_text(text.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(KnowledgeError) as err:
        load_diagnosis(kb_dir, {"book"})
    return [str(i) for i in err.value.issues]


class TestLoader:
    def test_valid_tree_loads_with_its_controls(self, kb_dir: Path) -> None:
        book = load_diagnosis(kb_dir, {"book"})
        assert list(book.trees) == ["mini"]
        assert book.controls is not None and book.controls.back.label == "上一步"

    def test_missing_target_is_named_with_line_and_field(self, kb_dir: Path) -> None:
        issues = broken(kb_dir, "next: charge", "next: chrage")
        line = MINI_TREE.splitlines().index("        next: charge") + 1
        assert issues[0] == (
            f"knowledge/diagnosis/mini.yml:{line}: nodes[0].options[1].next: no node 'chrage'"
        )
        assert "node 'charge' cannot be reached from start" in issues[1]  # now an orphan

    def test_loop_is_reported(self, kb_dir: Path) -> None:
        issues = broken(
            kb_dir, "    unsolved: board\n  - id: board", "    unsolved: light\n  - id: board"
        )
        assert any("path loops" in i for i in issues)

    def test_dead_end_solution_without_unsolved(self, kb_dir: Path) -> None:
        issues = broken(kb_dir, "    unsolved: board\n  - id: external", "  - id: external")
        assert any("nodes[2]" in i and "unsolved" in i for i in issues)

    def test_unreachable_node_is_reported_as_an_orphan(self, kb_dir: Path) -> None:
        text = "  - id: orphan\n    escalate:\n      summary: 孤立节点\n"
        issues = broken(kb_dir, "  - id: board\n", text + "  - id: board\n")
        assert any("orphan" in i and "cannot be reached" in i for i in issues)

    def test_same_phrase_on_two_options(self, kb_dir: Path) -> None:
        issues = broken(kb_dir, "[不亮, 没亮", "[亮了, 没亮")
        assert any("亮了" in i and "option 1" in i for i in issues)

    def test_unknown_skill_and_product(self, kb_dir: Path) -> None:
        issues = broken(kb_dir, "skills: [hardware, book]", "skills: [hardwire, book]")
        assert any("unknown skill 'hardwire'" in i for i in issues)
        issues = broken(kb_dir, "products: [book]", "products: [laptop]")
        assert any("unknown product line 'laptop'" in i for i in issues)

    def test_yaml_syntax_error_names_the_line(self, kb_dir: Path) -> None:
        issues = broken(kb_dir, "title: 开不了机", "title: [开不了机")
        assert any("mini.yml:" in i and "YAML syntax error" in i for i in issues)

    def test_file_name_must_match_id(self, kb_dir: Path) -> None:
        (kb_dir / "diagnosis" / "mini.yml").rename(kb_dir / "diagnosis" / "other.yml")
        with pytest.raises(KnowledgeError) as err:
            load_diagnosis(kb_dir, {"book"})
        assert "must equal the file name 'other'" in str(err.value)
