"""Time from publishing a knowledge edit to the chat answering with it (median over N edits).

Starts the real stack (Rasa + app) on free loopback ports with a fresh database, unless
`--url` names a running app (its knowledge is rolled back to where it was afterwards). Each
edit: the editor adds a new similar phrasing (a made-up code word plus a few words of the
question) to a plain question and submits the draft; the reviewer approves it and looks at the
conflict check, as on the page; the chat is asked the phrasing once before (it must not get
that question yet). Then, timed: the reviewer publishes, and as soon as the publish returns
the phrasing is sent through the chat's REST channel, which must now answer with that
question.

    .venv/bin/python -m bench.publish [-n 20] [--url http://127.0.0.1:8000]

Prints JSON and writes var/bench/publish.json: `publish_ms` (the publish request: new version
stored, index rebuilt and swapped) and `to_answer_ms` (publish start to the chat's answer, so
it includes one chat round trip through Rasa), each as median / p95 / max.
"""

from __future__ import annotations

import itertools
import statistics
import time
import uuid
from typing import Any

import httpx

from bench import live

# Plain questions (no diagnosis tree, one answer for everybody) and words users would use.
# (Words like 会员 are avoided: Rasa takes them for the member-binding dialogue.)
QUESTIONS = [
    ("account-001", "注册账号"),
    ("warranty-002", "保修从哪天算"),
    ("invoice-001", "电子发票下载"),
    ("order-001", "查订单"),
    ("account-009", "注销账号"),
]
CODES = [
    f"{a}口令{b}"
    for a, b in itertools.product(
        ["青柠檬", "紫葡萄", "红石榴", "黄香蕉", "蓝莓果", "白芝麻"],
        ["五八二", "三一七", "九四六", "二零五"],
    )
]


class Bench:
    """One app, an editor and a reviewer logged in, a chat visitor."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.http = httpx.Client(base_url=url, timeout=60)
        self.editor = self._login("editor")
        self.reviewer = self._login("reviewer")

    def _login(self, user: str) -> dict[str, str]:
        resp = self.http.post("/api/auth/token", data={"username": user, "password": user})
        resp.raise_for_status()
        return {"Authorization": f"Bearer {resp.json()['access_token']}"}

    def call(self, who: dict[str, str], method: str, path: str, **kw: Any) -> Any:
        resp = self.http.request(method, path, headers=who, **kw)
        if resp.status_code >= 300:
            raise RuntimeError(f"{method} {path}: {resp.status_code} {resp.text[:300]}")
        return resp.json()

    def chat_answers(self, text: str, answer: str) -> bool:
        """Ask `text` as a fresh visitor; True when the reply is the question's answer."""
        sender = f"bench-{uuid.uuid4().hex[:10]}"
        resp = self.http.post("/webhooks/rest/webhook", json={"sender": sender, "message": text})
        resp.raise_for_status()
        replies = " ".join(m.get("text") or "" for m in resp.json())
        return answer[:16] in replies

    def candidates(self) -> Any:
        """(question, phrasing, answer) to add, rotating over questions and code words."""
        answers: dict[str, str] = {}
        for code, (qid, words) in itertools.product(CODES, QUESTIONS):
            if qid not in answers:
                got = self.call(self.editor, "GET", f"/api/kb/questions/{qid}")
                answers[qid] = got["question"]["answer"]
            yield qid, f"{code} {words}", answers[qid]

    def edit(self, todo: Any) -> dict[str, Any]:
        """Publish one new phrasing and time it until the chat answers it."""
        # Earlier edits may already pull a phrasing to its question: take the next then, so
        # that every timed edit is one the chat could not answer before it was published.
        qid, text, answer = next(c for c in todo if not self.chat_answers(c[1], c[2]))
        draft = self.call(self.editor, "POST", "/api/kb/drafts", json={"title": "bench"})
        path = f"/api/kb/drafts/{draft['id']}"
        self.call(self.editor, "POST", f"{path}/phrasings", json={"question_id": qid, "text": text})
        self.call(self.editor, "POST", f"{path}/submit")
        self.call(self.reviewer, "POST", f"{path}/approve")
        found = self.call(self.reviewer, "GET", f"{path}/conflicts")
        force = bool(found["phrasings"] or found["duplicates"])  # seen, published anyway
        started = time.perf_counter()
        self.call(self.reviewer, "POST", f"{path}/publish", json={"force": force})
        published = time.perf_counter()
        live = self.chat_answers(text, answer)
        answered = time.perf_counter()
        return {
            "question": qid,
            "phrasing": text,
            "live": live,
            "publish_ms": (published - started) * 1000,
            "to_answer_ms": (answered - started) * 1000,
        }


def _stats(values: list[float]) -> dict[str, float]:
    ordered = sorted(values)
    return {
        "median": round(statistics.median(ordered), 1),
        "p95": round(ordered[int(0.95 * (len(ordered) - 1))], 1),
        "max": round(ordered[-1], 1),
    }


def measure(url: str, n: int) -> dict[str, Any]:
    """Run `n` edits against the app at `url` and roll its knowledge back afterwards."""
    bench = Bench(url)
    before = bench.call(bench.reviewer, "GET", "/api/kb/live")["version"]
    bench.chat_answers("你好", "")  # warm the path through Rasa
    try:
        todo = bench.candidates()
        edits = [bench.edit(todo) for _ in range(n)]
    finally:
        bench.call(
            bench.reviewer,
            "POST",
            f"/api/kb/versions/{before}/rollback",
            json={"note": "bench.publish: back to where it was"},
        )
    missing = [e["phrasing"] for e in edits if not e["live"]]
    if missing:
        raise RuntimeError(f"not answered right after publishing: {missing}")
    return {
        "edits": n,
        "publish_ms": _stats([e["publish_ms"] for e in edits]),
        "to_answer_ms": _stats([e["to_answer_ms"] for e in edits]),
    }


def main() -> None:
    """Command line: see the module docstring."""
    live.run("publish", measure, 20, __doc__ or "", warm=0)


if __name__ == "__main__":
    main()
