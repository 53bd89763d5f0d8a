"""Standard questions: list and filters, edit, create, disable, delete, problems."""

from __future__ import annotations

from typing import Any

from tests.editor.conftest import Api


def _list(api: Api, **params: Any) -> dict[str, Any]:
    return api.ok("editor", "GET", "/api/kb/questions", params={"limit": 1000, **params})


class TestList:
    def test_list_filters_by_category_tier_product_text_and_status(self, api: Api) -> None:
        everything = _list(api)
        assert everything["total"] >= 500
        first = everything["items"][0]
        assert {"id", "title", "category", "tier", "hits", "up", "down", "edited"} <= set(first)
        category = first["category"]
        in_category = _list(api, category=category)["items"]
        assert in_category and all(r["category"] == category for r in in_category)
        tier2 = _list(api, tier=2)["items"]
        assert tier2 and all(r["tier"] == 2 for r in tier2)
        phones = _list(api, product="phone")["items"]
        assert phones and all(not r["products"] or "phone" in r["products"] for r in phones)
        found = _list(api, q="开不了机")["items"]
        assert any(r["id"] == "power-001" for r in found)
        assert _list(api, status="disabled")["total"] < everything["total"]
        assert _list(api, edited_after="2999-01-01")["total"] == 0
        assert _list(api, edited_before="2999-01-01")["total"] == everything["total"]
        facets = everything["facets"]
        assert {f["name"] for f in facets["categories"]} >= {category}
        assert {p["id"] for p in facets["products"]} >= {"book", "phone"}

    def test_list_sorts_and_pages(self, api: Api) -> None:
        page = api.ok(
            "editor",
            "GET",
            "/api/kb/questions",
            params={"sort": "id", "desc": True, "limit": 5, "offset": 5},
        )
        ids = [r["id"] for r in page["items"]]
        assert len(ids) == 5 and ids == sorted(ids, reverse=True)

    def test_detail_shows_the_question_and_an_unknown_id_is_404(self, api: Api) -> None:
        body = api.ok("editor", "GET", "/api/kb/questions/power-001")
        q = body["question"]
        assert q["id"] == "power-001" and len(q["similar"]) >= 8 and q["variants"]
        assert body["disabled"] is False and body["hits"] >= 0
        assert api.call("editor", "GET", "/api/kb/questions/nope-999").status_code == 404


class TestEdit:
    def test_every_field_is_editable_in_a_draft(self, api: Api) -> None:
        draft = api.draft()
        q = api.question("invoice-002")
        tier = 5 if q["tier"] != 5 else 4
        q.update(
            title=q["title"] + "（已更新）",
            similar=[*q["similar"], "发票抬头开错了能换吗 编辑测试"],
            tier=tier,
            links=[{"title": "发票中心", "url": "https://service.xinglan.example/invoice"}],
            variants=[
                {"when": {"channel": "wechat", "tags": ["member_gold"]}, "answer": "金卡专线"}
            ],
            valid_from="2020-01-01",
            valid_until="2099-12-31",
            tree="no_power",
        )
        res = api.ok("editor", "PUT", f"/api/kb/drafts/{draft}/questions/invoice-002", json=q)
        assert res["problems"] == []
        seen = api.question("invoice-002", draft)
        assert seen["title"].endswith("（已更新）") and seen["tier"] == tier
        assert seen["variants"][0]["when"] == {"channel": "wechat", "tags": ["member_gold"]}
        assert seen["valid_until"] == "2099-12-31" and seen["tree"] == "no_power"
        # Live is untouched until published.
        assert not api.question("invoice-002")["title"].endswith("（已更新）")
        detail = api.ok("editor", "GET", f"/api/kb/drafts/{draft}")
        (item,) = detail["items"]
        assert item["action"] == "changed"
        assert set(item["fields"]) >= {"title", "similar", "tier", "links", "variants", "tree"}
        assert item["fields"]["similar"]["added"] == ["发票抬头开错了能换吗 编辑测试"]
        api.ok("editor", "DELETE", f"/api/kb/drafts/{draft}")

    def test_problems_block_submitting_for_review(self, api: Api) -> None:
        draft = api.draft()
        q = api.question("invoice-003")
        q["similar"] = q["similar"][:3]
        q["variants"] = [{"when": {"tags": ["member_platinum"]}, "answer": "x"}]
        resp = api.call("editor", "PUT", f"/api/kb/drafts/{draft}/questions/invoice-003", json=q)
        assert resp.status_code == 422  # an unknown tag is wrong even in a draft
        q["variants"] = []
        res = api.ok("editor", "PUT", f"/api/kb/drafts/{draft}/questions/invoice-003", json=q)
        assert [p["code"] for p in res["problems"]] == ["too_few_similar"]
        resp = api.call("editor", "POST", f"/api/kb/drafts/{draft}/submit")
        assert resp.status_code == 422
        assert resp.json()["error"]["problems"][0]["item"] == "invoice-003"

    def test_new_question_is_created_in_a_category(self, api: Api) -> None:
        draft = api.draft()
        category = api.question("invoice-001")["category"]
        body = {
            "category": category,
            "title": "电子发票可以打印几次",
            "similar": [f"电子发票能重复打印吗 {i}" for i in range(8)],
            "answer": "电子发票可以多次下载打印，效力相同。",
        }
        res = api.ok("editor", "POST", f"/api/kb/drafts/{draft}/questions", json=body)
        assert res["id"].startswith("invoice-") and res["problems"] == []
        numbers = [int(r["id"].rsplit("-", 1)[1]) for r in _list(api, category=category)["items"]]
        assert int(res["id"].rsplit("-", 1)[1]) == max(numbers) + 1
        again = api.ok("editor", "POST", f"/api/kb/drafts/{draft}/questions", json=body)
        assert again["id"] != res["id"]
        bad = api.call(
            "editor",
            "POST",
            f"/api/kb/drafts/{draft}/questions",
            json={**body, "category": "不存在的分类"},
        )
        assert bad.status_code == 422
        api.ok("editor", "DELETE", f"/api/kb/drafts/{draft}/items/question/{again['id']}")
        assert len(api.ok("editor", "GET", f"/api/kb/drafts/{draft}")["items"]) == 1

    def test_disabled_question_is_disabled_in_the_draft_only_until_enabled(self, api: Api) -> None:
        draft = api.draft()
        api.ok("editor", "POST", f"/api/kb/drafts/{draft}/questions/invoice-004/disable")
        listed = api.ok(
            "editor", "GET", "/api/kb/questions", params={"status": "disabled", "draft_id": draft}
        )
        assert "invoice-004" in [r["id"] for r in listed["items"]]
        live = api.ok("editor", "GET", "/api/kb/questions", params={"status": "disabled"})
        assert "invoice-004" not in [r["id"] for r in live["items"]]
        api.ok("editor", "POST", f"/api/kb/drafts/{draft}/questions/invoice-004/enable")
        assert api.ok("editor", "GET", f"/api/kb/drafts/{draft}")["items"] == []

    def test_deleting_a_question_needs_confirmation(self, api: Api) -> None:
        draft = api.draft()
        path = f"/api/kb/drafts/{draft}/questions/invoice-005"
        resp = api.call("editor", "DELETE", path)
        assert resp.status_code == 409 and resp.json()["error"]["code"] == "confirm"
        api.ok("editor", "DELETE", path, params={"confirm": "invoice-005"})
        (item,) = api.ok("editor", "GET", f"/api/kb/drafts/{draft}")["items"]
        assert item["action"] == "removed"
        assert (
            api.call(
                "editor", "GET", "/api/kb/questions/invoice-005", params={"draft_id": draft}
            ).status_code
            == 404
        )
        api.ok("editor", "DELETE", f"/api/kb/drafts/{draft}")
