"""Diagnosis trees through the API: view, validate, edit, add and remove branches, publish."""

from __future__ import annotations

from typing import Any

from tests.editor.conftest import Api

TREE = "bluetooth"  # touched by this module only


def _tree(api: Api, draft: int | None = None) -> dict[str, Any]:
    params = {"draft_id": draft} if draft else {}
    return api.ok("editor", "GET", f"/api/kb/trees/{TREE}", params=params)["tree"]


class TestTrees:
    def test_trees_are_listed_with_sizes_and_shown_with_stats(self, api: Api) -> None:
        trees = api.ok("editor", "GET", "/api/kb/trees")
        row = next(t for t in trees if t["id"] == TREE)
        assert row["nodes"] > 3 and row["paths"] >= row["nodes"] // 2 and row["questions"]
        body = api.ok("editor", "GET", f"/api/kb/trees/{TREE}")
        assert body["tree"]["start"] in {n["id"] for n in body["tree"]["nodes"]}
        assert isinstance(body["stats"], list) and body["skills"]

    def test_validation_names_dead_ends_and_orphans(self, api: Api) -> None:
        tree = _tree(api)
        start = next(n for n in tree["nodes"] if n["id"] == tree["start"])
        start["options"][0]["next"] = "missing_node"
        tree["nodes"].append({"id": "lonely", "escalate": {"summary": "没有人能走到这里"}})
        res = api.ok("editor", "POST", "/api/kb/trees/validate", json=tree)
        assert res["ok"] is False
        found = {(p["code"], p["node"]) for p in res["problems"]}
        assert ("dead_end", tree["start"]) in found and ("orphan", "lonely") in found
        draft = api.draft()
        resp = api.call("editor", "PUT", f"/api/kb/drafts/{draft}/trees/{TREE}", json=tree)
        assert resp.status_code == 422  # an invalid tree is never saved
        assert api.ok("editor", "GET", f"/api/kb/drafts/{draft}")["items"] == []

    def test_edit_texts_options_synonyms_and_branches(self, api: Api) -> None:
        tree = _tree(api)
        start = next(n for n in tree["nodes"] if n["id"] == tree["start"])
        start["ask"] = start["ask"] + "（请选一项）"
        start["options"][0]["synonyms"] = [*start["options"][0].get("synonyms", []), "蓝牙找不到了"]
        removed = start["options"].pop()  # remove a branch ...
        start["options"].append(
            {"label": "耳机只有一边响", "synonyms": ["单边耳机"], "next": "one_side"}
        )  # ... and add one, ending in a solution that escalates when it does not help
        tree["nodes"] += [
            {
                "id": "one_side",
                "solution": "把两只耳机放回充电盒，关盖 10 秒后再取出。",
                "unsolved": "one_side_esc",
            },
            {"id": "one_side_esc", "escalate": {"summary": "单边耳机无声，复位无效"}},
        ]
        reachable = _reachable(tree)
        tree["nodes"] = [n for n in tree["nodes"] if n["id"] in reachable]
        assert api.ok("editor", "POST", "/api/kb/trees/validate", json=tree)["ok"]
        draft = api.draft()
        api.ok("editor", "PUT", f"/api/kb/drafts/{draft}/trees/{TREE}", json=tree)
        (item,) = api.ok("editor", "GET", f"/api/kb/drafts/{draft}")["items"]
        assert item["kind"] == "tree" and item["action"] == "changed"
        assert {n["id"] for n in item["nodes"]["added"]} == {"one_side", "one_side_esc"}
        api.review_and_publish(draft, force=True)
        live = _tree(api)
        labels = [
            o["label"]
            for o in next(n for n in live["nodes"] if n["id"] == live["start"])["options"]
        ]
        assert "耳机只有一边响" in labels and removed["label"] not in labels
        diagnoser = _diagnoser(api)
        assert "one_side" in diagnoser.book.trees[TREE].by_id

    def test_delete_tree_needs_confirmation(self, api: Api) -> None:
        draft = api.draft()
        path = f"/api/kb/drafts/{draft}/trees/slow_hot"
        assert api.call("editor", "DELETE", path).status_code == 409
        res = api.ok("editor", "DELETE", path, params={"confirm": "slow_hot"})
        assert res["deleted"] and isinstance(res["linked_questions"], list)
        api.ok("editor", "DELETE", f"/api/kb/drafts/{draft}")


def _reachable(tree: dict[str, Any]) -> set[str]:
    by_id = {n["id"]: n for n in tree["nodes"]}
    seen: set[str] = set()
    todo = [tree["start"]]
    while todo:
        node = by_id.get(todo.pop())
        if node is None or node["id"] in seen:
            continue
        seen.add(node["id"])
        todo += [o["next"] for o in node.get("options", [])]
        todo += [node["unsolved"]] if node.get("unsolved") else []
    return seen


def _diagnoser(api: Api) -> Any:
    from bot.services import current

    diagnoser = current().knowledge.diagnoser
    assert diagnoser is not None
    return diagnoser
