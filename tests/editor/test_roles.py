"""Who may do what: reading, editing, reviewing, publishing, rolling back."""

from __future__ import annotations

import pytest

from tests.editor.conftest import Api

QID = "warranty-003"  # touched by this module only


class TestRoles:
    def test_editor_api_needs_a_login(self, api: Api) -> None:
        assert api.call(None, "GET", "/api/kb/questions").status_code == 401

    @pytest.mark.parametrize("user", ["agent1"])
    def test_agent_cannot_read_or_edit(self, api: Api, user: str) -> None:
        assert api.call(user, "GET", "/api/kb/questions").status_code == 403
        assert api.call(user, "POST", "/api/kb/drafts", json={"title": "x"}).status_code == 403
        draft = api.draft("editor")
        body = api.question(QID)
        resp = api.call(user, "PUT", f"/api/kb/drafts/{draft}/questions/{QID}", json=body)
        assert resp.status_code == 403

    def test_supervisor_reads_but_cannot_edit(self, api: Api) -> None:
        assert api.call("super", "GET", "/api/kb/questions").status_code == 200
        assert api.call("super", "POST", "/api/kb/drafts", json={}).status_code == 403

    def test_editor_cannot_publish_without_review(self, api: Api) -> None:
        draft = api.draft("editor")
        api.ok(
            "editor",
            "POST",
            f"/api/kb/drafts/{draft}/phrasings",
            json={"question_id": QID, "text": "保修卡丢了还能保修吗 角色测试"},
        )
        assert api.call("editor", "POST", f"/api/kb/drafts/{draft}/publish").status_code == 403
        api.ok("editor", "POST", f"/api/kb/drafts/{draft}/submit")
        # Submitted is not reviewed: an editor can neither approve nor publish it ...
        assert api.call("editor", "POST", f"/api/kb/drafts/{draft}/approve").status_code == 403
        assert api.call("editor", "POST", f"/api/kb/drafts/{draft}/publish").status_code == 403
        # ... and a reviewer cannot publish it before approving it.
        resp = api.call("reviewer", "POST", f"/api/kb/drafts/{draft}/publish")
        assert resp.status_code == 409
        assert resp.json()["error"]["code"] == "not_approved"
        api.ok("reviewer", "POST", f"/api/kb/drafts/{draft}/reject", json={"note": "再想想"})
        assert api.ok("editor", "GET", f"/api/kb/drafts/{draft}")["status"] == "editing"

    def test_reviewer_cannot_approve_own_draft(self, api: Api) -> None:
        draft = api.draft("reviewer")
        api.ok(
            "reviewer",
            "POST",
            f"/api/kb/drafts/{draft}/phrasings",
            json={"question_id": QID, "text": "自己审自己的草稿 角色测试"},
        )
        api.ok("reviewer", "POST", f"/api/kb/drafts/{draft}/submit")
        resp = api.call("reviewer", "POST", f"/api/kb/drafts/{draft}/approve")
        assert resp.status_code == 403
        assert resp.json()["error"]["code"] == "own_draft"
        api.ok("reviewer", "DELETE", f"/api/kb/drafts/{draft}")

    def test_only_the_author_edits_a_draft(self, api: Api) -> None:
        draft = api.draft("editor")
        resp = api.call(
            "reviewer",
            "POST",
            f"/api/kb/drafts/{draft}/phrasings",
            json={"question_id": QID, "text": "别人的草稿 角色测试"},
        )
        assert resp.status_code == 403
        assert resp.json()["error"]["code"] == "not_author"

    def test_editor_cannot_roll_back(self, api: Api) -> None:
        assert api.call("editor", "POST", "/api/kb/versions/1/rollback").status_code == 403

    def test_submitted_draft_is_frozen(self, api: Api) -> None:
        draft = api.draft("editor")
        api.ok(
            "editor",
            "POST",
            f"/api/kb/drafts/{draft}/phrasings",
            json={"question_id": QID, "text": "提交后不能改 角色测试"},
        )
        api.ok("editor", "POST", f"/api/kb/drafts/{draft}/submit")
        resp = api.call(
            "editor",
            "POST",
            f"/api/kb/drafts/{draft}/phrasings",
            json={"question_id": QID, "text": "再加一条"},
        )
        assert resp.status_code == 409
        api.ok("editor", "POST", f"/api/kb/drafts/{draft}/withdraw")
        api.ok(
            "editor",
            "POST",
            f"/api/kb/drafts/{draft}/phrasings",
            json={"question_id": QID, "text": "撤回后可以再改 角色测试"},
        )
