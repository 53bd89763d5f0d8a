"""WeChat channel: passive-reply latency, and exactly-once answers under WeChat's retries.

Starts the real stack (Rasa and the app) with an Official Account whose API base is a local
stand-in for WeChat's server (the one the tests use), and drives `/wechat` the way WeChat does:

1. latency: N text messages one at a time, alternately plaintext and safe (AES) mode, with the
   default 4 s passive window; the round trip of each passive reply, median and p95.
2. exactly-once: M messages, each posted four times (the original and WeChat's three retries)
   at 0, 0.15, 0.3 and 0.45 s, overlapping the answer, once with the 4 s window (passive
   path) and once with a 1 ms window (customer-service API path), then all replayed again
   after an app restart. A user sees one answer per message for the responses WeChat accepts
   (identical passive replies to retries of one message count once) plus every
   customer-service send; exactly-once is the share of messages seen answered exactly once.

    .venv/bin/python -m bench.wechat [-n 60] [-m 40]
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import threading
import time
import uuid
from collections import Counter
from pathlib import Path
from typing import Any

from bot.config import ROOT
from bot.runtime.rasa import model_path, train_if_changed
from bot.runtime.stack import LocalStack
from tests.channels.conftest import AES_KEY, APP_ID, APP_SECRET, TOKEN, wechat_env
from tests.channels.fake_wechat import FakeWechat
from tests.channels.helpers import stored_messages, wait_state
from tests.channels.wechat_sim import Reply, WechatSim

MESSAGES = ["你好", "怎么查询维修进度", "电脑开不了机怎么办", "发票怎么开", "谢谢", "wifi老是掉线"]
RETRY_OFFSETS_S = (0.0, 0.15, 0.3, 0.45)
FINAL = {"sent", "ticket", "failed", "passive", "done"}


def openid() -> str:
    return "o6_bm" + uuid.uuid4().hex[:23]


def latency(sim: WechatSim, n: int) -> dict[str, Any]:
    """Round trips of `n` messages, one at a time; how many were answered passively."""
    times, passive = [], 0
    for i in range(n):
        msg = sim.text(openid(), MESSAGES[i % len(MESSAGES)])
        started = time.perf_counter()
        reply = sim.post(msg, mode="safe" if i % 2 else "plain")
        times.append((time.perf_counter() - started) * 1000)
        passive += reply.content is not None
    times.sort()
    return {
        "n": n,
        "passive": passive,
        "median_ms": round(statistics.median(times), 1),
        "p95_ms": round(times[int(0.95 * (n - 1))], 1),
        "max_ms": round(times[-1], 1),
    }


def with_retries(sim: WechatSim, msg: dict[str, Any]) -> list[Reply]:
    """The original and three retries of one message, overlapping in time."""
    replies: list[Reply] = []
    lock = threading.Lock()

    def attempt(delay: float, mode: str) -> None:
        time.sleep(delay)
        reply = sim.post(msg, mode=mode)
        with lock:
            replies.append(reply)

    threads = [
        threading.Thread(target=attempt, args=(d, "safe" if i % 2 else "plain"))
        for i, d in enumerate(RETRY_OFFSETS_S)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return replies


def exactly_once(
    stack: LocalStack, api: FakeWechat, users: list[str], rounds: list[list[Reply]]
) -> dict[str, Any]:
    """Answers seen per message, from the responses and the customer-service sends."""
    seen = Counter[int]()
    processed = Counter[int]()
    for user, replies in zip(users, rounds, strict=True):
        wait_state(stack.db_url, user, FINAL, timeout_s=60)
        passive = {r.content for r in replies if r.content}
        seen[len(passive) + len(api.texts(user))] += 1
        inbound = [m for m in stored_messages(stack.db_url, user) if m["direction"] == "in"]
        processed[len(inbound)] += 1
    total = len(users)
    return {
        "messages": total,
        "posts": sum(len(r) for r in rounds),
        "answered_exactly_once": seen[1],
        "exactly_once_rate": round(seen[1] / total, 4),
        "answers_seen_histogram": dict(sorted(seen.items())),
        "stored_once": processed[1],
        "api_sends": sum(len(api.texts(u)) for u in users),
    }


def scenario(stack: LocalStack, api: FakeWechat, sim: WechatSim, m: int) -> dict[str, Any]:
    users = [openid() for _ in range(m)]
    msgs = [sim.text(u, MESSAGES[i % len(MESSAGES)]) for i, u in enumerate(users)]
    rounds = [with_retries(sim, msg) for msg in msgs]
    result = exactly_once(stack, api, users, rounds)
    stack.restart_app(stack.extra_env)
    replays = [[sim.post(msg, mode="compatible")] for msg in msgs]
    after = exactly_once(stack, api, users, [a + b for a, b in zip(rounds, replays, strict=True)])
    result["after_restart_exactly_once_rate"] = after["exactly_once_rate"]
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=60, help="messages for the latency run")
    parser.add_argument("-m", type=int, default=40, help="messages per exactly-once run")
    args = parser.parse_args()
    train_if_changed(ROOT / "models")
    api = FakeWechat(APP_ID, APP_SECRET).start()
    sim_env = wechat_env(api.url)
    results: dict[str, Any] = {}
    try:
        with tempfile.TemporaryDirectory() as tmp:
            stack = LocalStack(model_path(ROOT / "models"), Path(tmp), env=sim_env)
            with stack:
                sim = WechatSim(stack.url, TOKEN, APP_ID, AES_KEY)
                latency(sim, 6)  # warm the caches of both processes
                results["passive_latency"] = latency(sim, args.n)
                results["retries_passive_window_4s"] = scenario(stack, api, sim, args.m)
                stack.restart_app(wechat_env(api.url, passive_timeout_s="0.001"))
                results["retries_api_path_window_1ms"] = scenario(stack, api, sim, args.m)
    finally:
        api.stop()
    out = ROOT / "var" / "bench" / "wechat.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(results, indent=2, ensure_ascii=False))
    print(json.dumps({"wechat": results}, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
