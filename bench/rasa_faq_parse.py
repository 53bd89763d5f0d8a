"""Parse queries with a trained Rasa NLU model (run by .venv-rasa's Python, not .venv's).

    .venv-rasa/bin/python bench/rasa_faq_parse.py MODEL QUERIES.json OUT.jsonl

QUERIES.json is a JSON list of texts; one JSON line per query comes out: the intent and its
confidence, the ResponseSelector's top response keys for the ``faq`` retrieval intent, and the
parse time.
"""

from __future__ import annotations

import asyncio
import json
import logging
import sys
import time
import warnings


async def main(model: str, queries_path: str, out_path: str) -> None:
    """Load the model once, then parse every query one at a time."""
    from rasa.core.agent import Agent

    agent = Agent.load(model)
    with open(queries_path, encoding="utf-8") as f:
        queries = json.load(f)
    for text in ("你好", "电脑开不了机"):  # warm up, as for Kefu
        await agent.parse_message(text)
    with open(out_path, "w", encoding="utf-8") as out:
        for text in queries:
            started = time.perf_counter()
            parsed = await agent.parse_message(text)
            ms = (time.perf_counter() - started) * 1000
            intent = parsed.get("intent") or {}
            selector = (parsed.get("response_selector") or {}).get("faq") or {}
            response = selector.get("response") or {}
            ranking = selector.get("ranking") or []
            row = {
                "query": text,
                "intent": intent.get("name"),
                "intent_confidence": intent.get("confidence"),
                "response_key": response.get("intent_response_key"),
                "response_confidence": response.get("confidence"),
                "ranking": [r.get("intent_response_key") for r in ranking[:3]],
                "ms": ms,
            }
            out.write(json.dumps(row, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    warnings.filterwarnings("ignore")
    logging.disable(logging.WARNING)
    asyncio.run(main(*sys.argv[1:4]))
