"""The knowledge file format in and out of snapshots; diffs; tree checks."""

from __future__ import annotations

import filecmp
import shutil
from pathlib import Path

import pytest

from bot.diagnosis.loader import load_diagnosis
from bot.editor.catalog.trees import check_tree
from bot.editor.drafting.diff import diff
from bot.editor.drafting.snapshot import Snapshot
from bot.editor.errors import EditorError
from bot.editor.transfer.knowledge_files import (
    export_zip,
    fingerprint,
    read_dir,
    read_zip,
    write_dir,
)
from bot.knowledge.loader import load_knowledge


@pytest.fixture(scope="module")
def snap(knowledge_copy: Path) -> Snapshot:
    return read_dir(knowledge_copy)


class TestFiles:
    def test_unchanged_export_is_the_same_files(
        self, snap: Snapshot, knowledge_copy: Path, tmp_path: Path
    ) -> None:
        written = write_dir(snap, tmp_path)
        for path in written:
            rel = path.relative_to(tmp_path)
            assert filecmp.cmp(path, knowledge_copy / rel, shallow=False), rel
        assert fingerprint(tmp_path) == fingerprint(knowledge_copy)

    def test_edited_export_loads_with_the_edits(self, snap: Snapshot, tmp_path: Path) -> None:
        new = snap.copy()
        q = dict(new.questions["power-002"])
        q["similar"] = [*q["similar"], "导出测试的新问法"]
        q["answer"] = "第一行\n第二行"
        new.questions["power-002"] = q
        new.disabled.add("power-003")
        tree = dict(new.trees["wifi"])
        tree["title"] = "连不上无线网"
        new.trees["wifi"] = tree
        write_dir(new, tmp_path)
        kb = load_knowledge(tmp_path)
        assert kb.questions["power-002"].similar[-1] == "导出测试的新问法"
        assert kb.questions["power-002"].answer == "第一行\n第二行"
        assert "power-003" not in kb.questions  # disabled: out of faq/
        assert (tmp_path / "faq_disabled" / "power.yml").exists()
        assert load_diagnosis(tmp_path, kb.product_ids).trees["wifi"].title == "连不上无线网"
        back = read_dir(tmp_path)
        assert back.questions == new.questions and back.disabled == new.disabled
        assert back.trees == new.trees
        assert diff(new, back)["counts"] == {"questions": 0, "trees": 0, "support": 0}

    def test_zip_export_reads_back_unchanged(self, snap: Snapshot) -> None:
        back = read_zip(export_zip(snap))
        assert back.to_json() == snap.to_json()

    def test_broken_file_names_file_line_field(self, knowledge_copy: Path, tmp_path: Path) -> None:
        root = tmp_path / "k"
        shutil.copytree(knowledge_copy, root)
        text = (root / "faq" / "power.yml").read_text(encoding="utf-8")
        (root / "faq" / "power.yml").write_text(text.replace("tier: 2", "tier: 9", 1), "utf-8")
        with pytest.raises(EditorError) as err:
            read_dir(root)
        (problem,) = err.value.detail["problems"]
        assert problem["item"].startswith("knowledge/faq/power.yml:") or ":" in problem["item"]
        assert problem["field"].endswith("tier")

    def test_snapshot_encodes_and_builds_back_unchanged(self, snap: Snapshot) -> None:
        assert Snapshot.decode(snap.encode()).to_json() == snap.to_json()
        kb, book = snap.build()
        assert len(kb.questions) == len(snap.questions) and set(book.trees) == set(snap.trees)

    def test_served_knowledge_keeps_scope_and_negatives(
        self, snap: Snapshot, knowledge_copy: Path
    ) -> None:
        # What the app serves comes from a stored snapshot: it must match what bot eval loads.
        files = load_knowledge(knowledge_copy)
        kb, _ = Snapshot.decode(snap.encode()).build()
        assert kb.outside == files.outside and "华为" in kb.outside
        assert kb.negatives == files.negatives and len(kb.negatives) > 100
        assert {"scope.yml", "negatives.yml"} <= set(snap.support.files)


class TestDiff:
    def test_diff_lists_changed_fields_and_removed_questions(self, snap: Snapshot) -> None:
        new = snap.copy()
        new.questions["power-001"] = {**new.questions["power-001"], "tier": 4}
        del new.questions["power-004"]
        new.disabled.add("power-005")
        d = diff(snap, new)
        changed = {c["id"]: c for c in d["questions"]["changed"]}
        assert changed["power-001"]["fields"]["tier"]["after"] == 4
        assert changed["power-005"]["fields"] == {"disabled": {"before": False, "after": True}}
        assert [r["id"] for r in d["questions"]["removed"]] == ["power-004"]
        assert d["counts"]["questions"] == 3


class TestTreeCheck:
    def tree(self, snap: Snapshot) -> dict:
        return {**snap.trees["no_power"], "nodes": list(snap.trees["no_power"]["nodes"])}

    def codes(self, snap: Snapshot, tree: dict) -> set[str]:
        return {p.code for p in check_tree(tree, snap.product_ids, snap.skills)[1]}

    def test_shipped_tree_passes(self, snap: Snapshot) -> None:
        assert self.codes(snap, self.tree(snap)) == set()

    def test_option_to_a_missing_node_is_a_dead_end(self, snap: Snapshot) -> None:
        tree = self.tree(snap)
        first = dict(tree["nodes"][0])
        first["options"] = [{**first["options"][0], "next": "nowhere"}, *first["options"][1:]]
        tree["nodes"][0] = first
        assert "dead_end" in self.codes(snap, tree)

    def test_unreachable_node_is_an_orphan(self, snap: Snapshot) -> None:
        tree = self.tree(snap)
        tree["nodes"].append({"id": "lonely", "escalate": {"summary": "无人可达"}})
        problems = check_tree(tree, snap.product_ids, snap.skills)[1]
        assert [(p.code, p.node) for p in problems] == [("orphan", "lonely")]

    def test_unsolved_back_to_the_start_is_a_loop(self, snap: Snapshot) -> None:
        tree = self.tree(snap)
        leaf = next(i for i, n in enumerate(tree["nodes"]) if "solution" in n)
        tree["nodes"][leaf] = {**tree["nodes"][leaf], "unsolved": tree["start"]}
        assert "loop" in self.codes(snap, tree)

    def test_question_node_with_one_option_is_a_problem(self, snap: Snapshot) -> None:
        tree = self.tree(snap)
        tree["nodes"][0] = {**tree["nodes"][0], "options": tree["nodes"][0]["options"][:1]}
        problems = check_tree(tree, snap.product_ids, snap.skills)[1]
        assert problems and problems[0].node == tree["nodes"][0]["id"]
