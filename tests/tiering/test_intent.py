"""Intents: Rasa's NLU when a server answers, the policy's keywords otherwise."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from bot.tiering.engine import TierEngine
from bot.tiering.intent import IntentGuesser, KeywordIntents, RasaIntents


@pytest.fixture
def keywords(engine: TierEngine) -> KeywordIntents:
    return KeywordIntents(engine.policy.intents)


@pytest.fixture
def fake_rasa() -> Iterator[str]:
    """A server that answers /model/parse like Rasa: intent request_human for everything."""

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 - http.server's naming
            length = int(self.headers.get("Content-Length", 0))
            text = json.loads(self.rfile.read(length))["text"]
            body = json.dumps(
                {"text": text, "intent": {"name": "request_human", "confidence": 0.97}}
            ).encode()
            self.send_response(200 if self.path == "/model/parse" else 404)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)


class TestKeywords:
    @pytest.mark.parametrize(
        ("text", "intent"),
        [
            ("转人工", "request_human"),
            ("我要找工程师", "request_human"),
            ("人工智能助手能干嘛", "ask_question"),
            ("我要投诉你们", "complaint"),
            ("投诉建议在哪里提", "ask_question"),
            ("想买个游戏本 预算8000", "purchase_intent"),
            ("公司要采购50台笔记本", "purchase_intent"),
            ("电脑开不了机", "ask_question"),
            ("垃圾 我要人工", "complaint"),  # complaint is checked first
        ],
    )
    def test_keywords_guess_the_intent(
        self, keywords: KeywordIntents, text: str, intent: str
    ) -> None:
        guess = keywords.guess(text)
        assert (guess.name, guess.source) == (intent, "keywords")


class TestRasa:
    def test_rasa_intent_is_used_when_reachable(
        self, fake_rasa: str, keywords: KeywordIntents
    ) -> None:
        rasa = RasaIntents(fake_rasa)
        guess = IntentGuesser(keywords, rasa).guess("你好")
        assert (guess.name, guess.source, guess.confidence) == ("request_human", "rasa", 0.97)
        assert rasa.reachable is True
        rasa.close()

    def test_unreachable_rasa_falls_back_to_keywords(self, keywords: KeywordIntents) -> None:
        rasa = RasaIntents("http://127.0.0.1:9", timeout_s=1)
        guesser = IntentGuesser(keywords, rasa)
        assert guesser.guess("想买个平板").source == "keywords"
        assert rasa.reachable is False and rasa.parse("x") is None
        rasa.close()
