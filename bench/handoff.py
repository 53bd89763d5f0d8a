"""Time from the handoff decision to the engineer's console showing the conversation.

Starts the real stack (Rasa and the app) unless `--url` names a running app, opens the agent
console in headless Chromium logged in as agent1, and N times has a new customer ask for a
human over the REST channel. For each handoff it takes

- decision -> console: from the moment the gateway opened the handoff (`requested_ms`, stored
  with it) to the moment the console page rendered it in a list (`kefuAgent.state.shownAt`,
  the page's own clock; both clocks are this machine's), and
- customer -> console: from sending "转人工" to the same moment (adds the Rasa round trip),

then returns the conversation to the bot so that agent1 has room for the next one. Reports
median and p95 in milliseconds and writes them to `var/bench/handoff.json`.

    .venv/bin/python -m bench.handoff [-n 50] [--url http://127.0.0.1:8000]
"""

from __future__ import annotations

import statistics
import time
import uuid
from typing import Any

import httpx
from playwright.sync_api import Page, sync_playwright

from bench import live

CHROMIUM = "/usr/bin/chromium"
SHOWN = """s => {
  const st = window.kefuAgent.state;
  for (const [id, h] of st.handoffs) {
    if (h.sender === s && st.shownAt[id])
      return {id, requested_ms: h.requested_ms, shown: st.shownAt[id]};
  }
  return null;
}"""


def _stats(values: list[float]) -> dict[str, float]:
    ordered = sorted(values)
    return {
        "median_ms": round(statistics.median(ordered), 1),
        "p95_ms": round(ordered[int(0.95 * (len(ordered) - 1))], 1),
        "max_ms": round(ordered[-1], 1),
    }


def _login(page: Page, url: str) -> None:
    page.goto(f"{url}/agent")
    page.fill("#login-user", "agent1")
    page.fill("#login-pass", "agent1")
    page.click("#login-submit")
    page.wait_for_function("window.kefuAgent && window.kefuAgent.state.connected")


def _one(client: httpx.Client, page: Page, url: str, token: str) -> tuple[float, float]:
    sender = f"bench-{uuid.uuid4().hex[:10]}"
    sent_ms = time.time() * 1000
    client.post(f"{url}/webhooks/rest/webhook", json={"sender": sender, "message": "转人工"})
    found: dict[str, Any] = page.wait_for_function(SHOWN, arg=sender, timeout=30_000).json_value()
    headers = {"Authorization": f"Bearer {token}"}
    client.post(f"{url}/api/handoffs/{found['id']}/return", headers=headers).raise_for_status()
    return found["shown"] - found["requested_ms"], found["shown"] - sent_ms


def measure(url: str, n: int, warm: int = 3) -> dict[str, Any]:
    """Run `warm` unmeasured handoffs, then `n` measured ones."""
    with sync_playwright() as p, httpx.Client(timeout=60) as client:
        browser = p.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=["--no-sandbox", "--disable-gpu"]
        )
        page = browser.new_page(viewport={"width": 1440, "height": 900})
        _login(page, url)
        token = client.post(
            f"{url}/api/auth/token", data={"username": "agent1", "password": "agent1"}
        ).json()["access_token"]
        decision, customer = [], []
        for i in range(warm + n):
            d, c = _one(client, page, url, token)
            if i >= warm:
                decision.append(d)
                customer.append(c)
        browser.close()
    return {
        "n": n,
        "decision_to_console": _stats(decision),
        "customer_to_console": _stats(customer),
    }


def main() -> None:
    """Command line: see the module docstring."""
    live.run("handoff", measure, 50, __doc__ or "", warm=0)


if __name__ == "__main__":
    main()
