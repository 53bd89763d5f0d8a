"""The audit log records every change, with who and when."""

from __future__ import annotations

from tests.editor.conftest import Api


class TestAudit:
    def test_every_step_is_logged(self, api: Api) -> None:
        draft = api.draft(title="审计测试")
        api.ok(
            "editor",
            "POST",
            f"/api/kb/drafts/{draft}/phrasings",
            json={"question_id": "data-002", "text": "审计日志测试问法"},
        )
        api.ok("editor", "POST", f"/api/kb/drafts/{draft}/questions/data-003/disable")
        version = api.review_and_publish(draft, force=True)["version"]
        log = api.ok("admin", "GET", "/api/kb/audit", params={"limit": 500})["items"]
        mine = [
            e
            for e in log
            if e["detail"].get("draft") == draft
            or (e["target_type"] == "draft" and e["target_id"] == str(draft))
        ]
        actions = [e["action"] for e in reversed(mine)]
        assert actions == [
            "draft.create",
            "question.add_phrasing",
            "question.disable",
            "draft.submit",
            "draft.approve",
            "draft.publish",
        ]
        publish = mine[0]
        assert publish["actor"] == "reviewer" and publish["detail"]["version"] == version
        assert all(e["at"] for e in mine)
        by_target = api.ok("editor", "GET", "/api/kb/audit", params={"target": "data-002"})
        assert [e["action"] for e in by_target["items"]] == ["question.add_phrasing"]
        assert api.call("agent1", "GET", "/api/kb/audit").status_code == 403
