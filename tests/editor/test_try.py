"""Try it: candidates with scores, decision, the variant chosen and the tier decision."""

from __future__ import annotations

from tests.editor.conftest import Api


class TestTry:
    def test_sample_customers_are_offered_to_try_as(self, api: Api) -> None:
        customers = api.ok("editor", "GET", "/api/kb/try/customers")
        assert len(customers) >= 5
        assert all({"member_id", "name", "tags"} <= set(c) for c in customers)

    def test_variant_by_customer_and_channel(self, api: Api) -> None:
        q = api.question("power-002")
        customers = api.ok("editor", "GET", "/api/kb/try/customers")
        raptor = next(c for c in customers if "owner_raptor" in c["tags"])
        plain = api.try_text(q["title"])
        assert plain["decision"] == "answer" and plain["answer"]["variant"] is None
        assert plain["candidates"][0] == {**plain["candidates"][0], "id": "power-002"}
        assert all(set(c) == {"id", "title", "score"} for c in plain["candidates"])
        owner = api.try_text(q["title"], member_id=raptor["member_id"])
        assert owner["answer"]["when"] == {"tags": ["owner_raptor"]}
        assert owner["customer"]["tags"] == sorted(raptor["tags"])
        wechat = api.try_text(q["title"], channel="wechat")
        assert wechat["answer"]["when"] == {"channel": "wechat"}
        tier = owner["tier"]
        assert tier["available"] and 1 <= tier["tier"] <= 5 and tier["reason"]

    def test_trying_on_a_draft_uses_its_edits(self, api: Api) -> None:
        text = "金橘子暗号六六 会员等级怎么升上去"
        draft = api.draft()
        api.ok(
            "editor",
            "POST",
            f"/api/kb/drafts/{draft}/phrasings",
            json={"question_id": "member-004", "text": text},
        )
        on_draft = api.try_text(text, draft_id=draft)
        assert on_draft["candidates"][0]["id"] == "member-004"
        live = api.try_text(text)
        assert live["candidates"][0]["score"] < on_draft["candidates"][0]["score"]
        assert (
            api.call(
                "editor", "POST", "/api/kb/try", json={"text": text, "member_id": "nobody"}
            ).status_code
            == 404
        )
        api.ok("editor", "DELETE", f"/api/kb/drafts/{draft}")
