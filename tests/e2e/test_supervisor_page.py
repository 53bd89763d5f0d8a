"""The supervisors' page in headless Chromium against the live app: open, filter, drill down
from a chart point to the conversations behind it (the count matches), export them; the
summary API's contracted figures; the quality rules edited in the page.

The fixed history of tests/analytics/dataset.py is written into the live app's database (its
own channel users); the app's rollup job picks it up within seconds.
"""

from __future__ import annotations

import csv
import io
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from openpyxl import load_workbook
from playwright.sync_api import Browser, Page, expect

from bot.storage.db import Database
from tests.analytics import dataset
from tests.conftest import ROOT, LiveStack
from tests.e2e.conftest import REPLY_MS
from tests.e2e.helpers import StaffClient
from tests.polling import poll_until

pytestmark = pytest.mark.e2e
FROM, TO = "2026-11-01", "2026-11-07"
RULES = ROOT / "knowledge" / "quality_rules.yml"


def token(live_stack: LiveStack, user: str = "super") -> str:
    resp = httpx.post(f"{live_stack.url}/api/auth/token", data={"username": user, "password": user})
    return str(resp.json()["access_token"])


@pytest.fixture(scope="module")
def history(live_stack: LiveStack) -> dict[str, int]:
    """The fixed history, rolled up by the live app."""
    db = Database(live_stack.db_url)
    try:
        ids = dataset.write(db, prefix=f"sup-{uuid.uuid4().hex[:8]}-")
    finally:
        db.dispose()
    headers = {"Authorization": f"Bearer {token(live_stack)}"}
    url = f"{live_stack.url}/api/analytics/summary?from={FROM}&to={TO}"
    summary = poll_until(
        lambda: httpx.get(url, headers=headers).json(), lambda s: s.get("conversations") == 5
    )
    assert summary["conversations"] == 5, summary
    return ids


@pytest.fixture
def board(browser: Browser, live_stack: LiveStack, history: dict[str, int]) -> Iterator[Page]:
    """The page, logged in as the supervisor, on the fixed history's week."""
    context = browser.new_context(
        viewport={"width": 1440, "height": 1000}, locale="zh-CN", accept_downloads=True
    )
    page = context.new_page()
    page.set_default_timeout(REPLY_MS)
    errors: list[str] = []
    page.on("pageerror", lambda err: errors.append(str(err)))
    page.goto(f"{live_stack.url}/supervisor")
    page.fill("#login-user", "super")
    page.fill("#login-pass", "super")
    page.click("#login-submit")
    page.wait_for_selector("#kpis")
    page.fill("#f-from", FROM)
    page.fill("#f-to", TO)
    page.click("#f-apply")
    page.wait_for_function("document.querySelector('#kpis .kpi__value').textContent === '5'")
    yield page
    context.close()
    assert errors == [], f"JavaScript errors on the page: {errors}"


def kpi(page: Page, metric: str) -> str:
    return page.locator(f'.kpi[data-metric="{metric}"] .kpi__value').inner_text()


def click_bar(page: Page, chart: str, series: int, index: int) -> int:
    """Click one bar of an ECharts chart like a person; returns the value it shows."""
    value = page.evaluate(
        """async ([id, series, index]) => {
            const echarts = await import('/static/vendor/echarts/echarts.esm.min.js');
            const dom = document.getElementById(id);
            dom.scrollIntoView();
            const chart = echarts.getInstanceByDom(dom);
            const option = chart.getOption();
            const value = option.series[series].data[index];
            const [x, y] = chart.convertToPixel({seriesIndex: series},
                [option.xAxis[0].data[index], value * 0.85]);
            const box = dom.getBoundingClientRect();
            // Beside the category's centre, where the lines' points are not.
            window.__point = {x: box.left + x + 20, y: box.top + y};
            return value;
        }""",
        [chart, series, index],
    )
    point = page.evaluate("window.__point")
    page.mouse.click(point["x"], point["y"])
    return int(value)


def test_figures_filter_and_drill_down_from_a_chart_point(board: Page) -> None:
    assert kpi(board, "self_service") == "20.0%"
    assert kpi(board, "transferred") == "40.0%"
    assert kpi(board, "fcr") == "60.0%"
    # The trend's bar of 2 November counts four conversations; its drill-down lists them.
    shown = click_bar(board, "chart-trend", 0, 1)
    assert shown == 4
    board.wait_for_selector("#drill-table")
    assert "共 4 个会话" in board.locator("#drill-title").inner_text()
    assert board.locator("#drill-table tbody tr").count() == shown
    board.locator("#drill-table tbody tr").first.click()
    board.wait_for_selector("#drill-transcript li")
    assert board.locator("#drill-transcript li").count() >= 2
    board.click("#drill-close")
    # Filtering by channel changes every figure.
    board.select_option("#f-channel", "wechat")
    board.click("#f-apply")
    board.wait_for_function("document.querySelector('#kpis .kpi__value').textContent === '1'")
    assert kpi(board, "self_service") == "0.0%"


def test_headline_card_drills_down_and_exports_csv_and_excel(board: Page, tmp_path: Path) -> None:
    board.click('.kpi[data-metric="transferred"]')
    board.wait_for_selector("#drill-table")
    assert "共 2 个会话" in board.locator("#drill-title").inner_text()
    with board.expect_download() as got:
        board.get_by_role("button", name="导出 CSV").click()
    rows = list(csv.reader(io.StringIO(Path(got.value.path()).read_text("utf-8-sig"))))
    assert len(rows) == 1 + 2 and rows[0][0] == "编号"
    assert {r[17] for r in rows[1:]} == {"是"}  # 转人工
    with board.expect_download() as got:
        board.get_by_role("button", name="导出 Excel").click()
    assert got.value.suggested_filename.endswith(".xlsx")
    sheet = load_workbook(io.BytesIO(Path(got.value.path()).read_bytes())).active
    assert sheet.max_row == 1 + 2


def test_api_refuses_agents_and_strangers(live_stack: LiveStack) -> None:
    url = f"{live_stack.url}/api/analytics/summary?from={FROM}&to={TO}"
    assert httpx.get(url).status_code == 401
    agent = {"Authorization": f"Bearer {token(live_stack, 'agent1')}"}
    assert httpx.get(url, headers=agent).status_code == 403
    assert httpx.get(f"{live_stack.url}/api/alerts", headers=agent).status_code == 403


def test_summary_api_gives_the_contracted_figures_of_a_channel(
    live_stack: LiveStack, history: dict[str, int]
) -> None:
    sup = StaffClient(live_stack.url, "super")
    web = sup.get(f"/api/analytics/summary?from={FROM}&to={TO}&channel=web")
    # a1 answered and gone, b2 no match then an engineer (5, waited 30 s), c1 no match and
    # gone, d1 answered then an engineer (3, waited 90 s); b1 was on WeChat.
    assert web["conversations"] == 4
    assert (web["self_service_rate"], web["transfer_rate"], web["fcr"]) == (0.25, 0.5, 0.75)
    coverage = web["coverage"]
    assert (coverage["answered"], coverage["clarified"], coverage["none"]) == (0.5, 0.0, 0.5)
    assert (web["csat"], web["avg_wait_s"]) == (4.0, 60.0)
    assert (web["from"], web["to"], web["channel"]) == (FROM, TO, "web")


def test_rules_are_edited_in_the_page_and_watch_the_next_message(
    board: Page, live_stack: LiveStack, sender: str
) -> None:
    original = RULES.read_text("utf-8")
    changed = original.replace("三星]", "三星, 雾川]", 1)
    broken = original.replace("\nrules:\n", "\nrules: [\n", 1)  # YAML no longer closes
    assert changed != original != broken
    try:
        board.click(".tab[data-tab='rules']")
        expect(board.locator("#rules-text")).to_have_value(original)
        board.fill("#rules-text", broken)
        board.click("#rules-save")
        expect(board.locator("#rules-error")).to_contain_text("YAML 格式有误：第")
        assert RULES.read_text("utf-8") == original  # wrong rules are not written
        board.fill("#rules-text", changed)
        board.click("#rules-save")
        expect(board.locator("#rules-ok")).to_contain_text("已保存")
        assert RULES.read_text("utf-8") == changed
        said = "雾川的笔记本是不是比你们的便宜"
        resp = httpx.post(
            f"{live_stack.url}/webhooks/rest/webhook",
            json={"sender": sender, "message": said},
            timeout=60,
        )
        assert resp.status_code == 200
        sup = StaffClient(live_stack.url, "super")
        hits = poll_until(
            lambda: [a for a in sup.get("/api/alerts?kind=rule") if a["text"] == said],
            timeout_s=60,
        )
        assert [a["rule"] for a in hits] == ["competitor"]
    finally:
        if RULES.read_text("utf-8") != original:
            RULES.write_text(original, "utf-8")
