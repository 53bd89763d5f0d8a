"""Round-trip time of one message through gateway + Rasa + action endpoint.

Starts the real stack on free loopback ports (unless `--url` names a running app), sends N
messages one at a time over the REST channel and reports the median and p95 in milliseconds.

    .venv/bin/python -m bench.roundtrip [-n 100] [--url http://127.0.0.1:8000]
"""

from __future__ import annotations

import statistics
import time
import uuid

import httpx

from bench import live

# A mix of dialogue acts: greetings (Rasa response), questions (action + matcher), thanks.
MESSAGES = ["你好", "怎么查询维修进度", "电脑开不了机怎么办", "发票怎么开", "谢谢", "wifi老是掉线"]


def measure(url: str, n: int) -> dict[str, float]:
    """Send `n` messages, one at a time, and time each round trip."""
    times: list[float] = []
    with httpx.Client(timeout=30) as client:
        for i in range(n):
            sender = f"bench-{uuid.uuid4().hex[:8]}"
            started = time.perf_counter()
            resp = client.post(
                f"{url}/webhooks/rest/webhook",
                json={"sender": sender, "message": MESSAGES[i % len(MESSAGES)]},
            )
            resp.raise_for_status()
            times.append((time.perf_counter() - started) * 1000)
    times.sort()
    return {
        "n": n,
        "median_ms": round(statistics.median(times), 1),
        "p95_ms": round(times[int(0.95 * (n - 1))], 1),
        "max_ms": round(times[-1], 1),
    }


def main() -> None:
    """Command line: see the module docstring."""
    live.run("roundtrip", measure, 100, __doc__ or "", warm=5)


if __name__ == "__main__":
    main()
