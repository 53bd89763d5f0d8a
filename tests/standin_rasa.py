"""A stand-in for Rasa's REST channel, so a test decides when a turn hangs.

Tests of the app's own stopping and restarting use it where the real Rasa server could not be
held mid-turn on cue; everything of the app itself stays real.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from bot.runtime.stack import free_port


class StandInRasa:
    """Answers every message with `answer`. While `hold` is set a message waits for `release`
    (`arrived` says one came); then `before_answer` runs, or, with `drop_held`, nothing is
    answered (its caller died meanwhile).

    Args:
        answer: the bot's text.
        before_answer: what Rasa does before it answers (e.g. call the action endpoint).
    """

    def __init__(self, answer: str, before_answer: Callable[[], None] | None = None) -> None:
        self.hold = threading.Event()
        self.arrived = threading.Event()
        self.release = threading.Event()
        self.drop_held = False
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - http.server's naming
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                if outer.hold.is_set():
                    outer.arrived.set()
                    outer.release.wait(120)
                    if outer.drop_held:
                        return
                if before_answer is not None:
                    before_answer()
                out = json.dumps([{"recipient_id": body["sender"], "text": answer}]).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(out)))
                self.end_headers()
                self.wfile.write(out)

            def log_message(self, *_: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", free_port()), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        """Let held messages go and stop serving."""
        self.release.set()
        self.server.shutdown()
        self.server.server_close()
