"""Publishing: live at once, versions with author/time/diff, rollback, stale drafts, conflicts."""

from __future__ import annotations

from tests.editor.conftest import Api

PHRASING = "青柠檬暗号二七 电脑一按开机键就毫无动静"  # distinctive: nothing else looks like it


class TestPublish:
    def test_publish_is_live_and_versioned(self, api: Api) -> None:
        before = api.try_text(PHRASING)
        draft = api.draft(title="补充开机问法")
        api.ok(
            "editor",
            "POST",
            f"/api/kb/drafts/{draft}/phrasings",
            json={"question_id": "power-001", "text": PHRASING},
        )
        result = api.review_and_publish(draft, force=True)
        version = result["version"]
        after = api.try_text(PHRASING)
        assert after["candidates"][0]["id"] == "power-001"
        assert after["candidates"][0]["score"] > before["candidates"][0]["score"]
        live = api.ok("editor", "GET", "/api/kb/live")
        assert live["version"] == version
        # The new base decides with the last calibration until its own is fitted.
        assert live["calibration"]["state"] in {"running", "previous", "fitted"}
        row = api.ok("editor", "GET", f"/api/kb/versions/{version}")
        assert row["author"] == "editor" and row["approved_by"] == "reviewer"
        assert row["kind"] == "publish" and row["created_at"]
        (changed,) = row["diff"]["questions"]["changed"]
        assert changed["id"] == "power-001"
        assert changed["fields"]["similar"]["added"] == [PHRASING]
        assert api.ok("editor", "GET", f"/api/kb/drafts/{draft}")["status"] == "published"
        assert api.question("power-001")["similar"][-1] == PHRASING

    def test_rollback_to_any_version(self, api: Api) -> None:
        draft = api.draft()
        q = api.question("order-003")
        api.ok(
            "editor",
            "PUT",
            f"/api/kb/drafts/{draft}/questions/order-003",
            json={**q, "answer": "回滚测试的新答案"},
        )
        published = api.review_and_publish(draft, force=True)["version"]
        assert api.question("order-003")["answer"] == "回滚测试的新答案"
        res = api.ok(
            "reviewer",
            "POST",
            f"/api/kb/versions/{published - 1}/rollback",
            json={"note": "答案有误"},
        )
        assert res["version"] == published + 1 and res["rolled_back_to"] == published - 1
        assert api.question("order-003")["answer"] == q["answer"]
        versions = api.ok("editor", "GET", "/api/kb/versions")
        assert versions["live"] == published + 1
        top = versions["items"][0]
        assert top["kind"] == "rollback" and top["rollback_to"] == published - 1
        assert top["author"] == "reviewer" and top["note"] == "答案有误"
        # Roll forward again: any version, not only older ones.
        api.ok("admin", "POST", f"/api/kb/versions/{published}/rollback")
        assert api.question("order-003")["answer"] == "回滚测试的新答案"

    def test_stale_draft_is_refused(self, api: Api) -> None:
        first, second = api.draft(), api.draft()
        for draft, text in ((first, "过期草稿测试一"), (second, "过期草稿测试二")):
            api.ok(
                "editor",
                "POST",
                f"/api/kb/drafts/{draft}/phrasings",
                json={"question_id": "order-004", "text": text},
            )
        api.review_and_publish(first, force=True)
        api.ok("editor", "POST", f"/api/kb/drafts/{second}/submit")
        api.ok("reviewer", "POST", f"/api/kb/drafts/{second}/approve")
        detail = api.ok("reviewer", "GET", f"/api/kb/drafts/{second}")
        assert detail["stale"] == [{"kind": "question", "id": "order-004"}]
        resp = api.call(
            "reviewer", "POST", f"/api/kb/drafts/{second}/publish", json={"force": True}
        )
        assert resp.status_code == 409 and resp.json()["error"]["code"] == "stale"

    def test_disabled_question_is_not_matched(self, api: Api) -> None:
        q = api.question("tradein-010")
        assert api.try_text(q["title"])["candidates"][0]["id"] == "tradein-010"
        draft = api.draft()
        api.ok("editor", "POST", f"/api/kb/drafts/{draft}/questions/tradein-010/disable")
        api.review_and_publish(draft, force=True)
        assert "tradein-010" not in [c["id"] for c in api.try_text(q["title"])["candidates"]]
        assert api.question("tradein-010")["title"] == q["title"]  # kept, just disabled


class TestConflicts:
    def test_phrasing_of_another_question_is_listed(self, api: Api) -> None:
        other = api.question("power-002")
        draft = api.draft()
        api.ok(
            "editor",
            "POST",
            f"/api/kb/drafts/{draft}/phrasings",
            json={"question_id": "member-002", "text": other["similar"][0]},
        )
        found = api.ok("reviewer", "GET", f"/api/kb/drafts/{draft}/conflicts")
        (hit,) = [c for c in found["phrasings"] if c["question_id"] == "member-002"]
        assert hit["other_id"] == "power-002" and hit["phrasing"] == other["similar"][0]
        assert hit["other_score"] > (hit["own_score"] or 0)
        api.ok("editor", "POST", f"/api/kb/drafts/{draft}/submit")
        api.ok("reviewer", "POST", f"/api/kb/drafts/{draft}/approve")
        resp = api.call("reviewer", "POST", f"/api/kb/drafts/{draft}/publish")
        assert resp.status_code == 409
        body = resp.json()["error"]
        assert body["code"] == "conflicts" and body["phrasings"]
        api.ok("reviewer", "POST", f"/api/kb/drafts/{draft}/reject", json={"note": "问法冲突"})

    def test_near_duplicate_question_is_listed(self, api: Api) -> None:
        source = api.question("warranty-001")
        draft = api.draft()
        body = {
            "category": source["category"],
            "title": source["title"] + "呢",
            "similar": source["similar"],
            "answer": "重复的标准问",
        }
        new_id = api.ok("editor", "POST", f"/api/kb/drafts/{draft}/questions", json=body)["id"]
        found = api.ok("reviewer", "GET", f"/api/kb/drafts/{draft}/conflicts")
        pairs = {(d["a_id"], d["b_id"]): d for d in found["duplicates"]}
        assert (new_id, "warranty-001") in pairs
        assert 0.5 <= pairs[(new_id, "warranty-001")]["score"] <= 1
        api.ok("editor", "DELETE", f"/api/kb/drafts/{draft}")
