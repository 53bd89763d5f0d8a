"""Keeping replicas on the newest published version.

With Redis (``KEFU_REDIS__URL``) a publish is announced on a pub/sub channel and every replica
swaps its index at once. Without it (or when Redis is unreachable) each replica looks in the
database every ``editor.poll_interval_s`` seconds. Both only ever move forward.
"""

from __future__ import annotations

import json
import logging
import threading
import uuid
from typing import Any, Protocol

log = logging.getLogger(__name__)


class Followed(Protocol):
    """What `LiveSync` needs of the editor's runtime (`bot.editor.state.EditorState`)."""

    @property
    def live_version(self) -> int | None: ...

    def newest_published(self) -> int | None: ...

    def go_live(self, number: int) -> None: ...


class LiveSync:
    """A background thread per process.

    Args:
        rt: the editor runtime whose live version is kept current.
        redis_url: Redis to listen on, or None.
        channel: the pub/sub channel.
        poll_s: database poll interval (0 = no polling).
    """

    def __init__(self, rt: Followed, redis_url: str | None, channel: str, poll_s: float) -> None:
        self.rt = rt
        self.redis_url = redis_url
        self.channel = channel
        self.poll_s = poll_s
        self.origin = uuid.uuid4().hex[:12]
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._client: Any = None

    def start(self) -> LiveSync:
        """Start listening / polling (no thread when there is nothing to do)."""
        if self.redis_url or self.poll_s > 0:
            self._thread = threading.Thread(target=self._run, name="kb-live-sync", daemon=True)
            self._thread.start()
        return self

    def notify(self, number: int) -> None:
        """Tell the other replicas that version `number` is published."""
        if not self.redis_url:
            return
        try:
            self._redis().publish(
                self.channel, json.dumps({"version": number, "origin": self.origin})
            )
        except Exception as err:  # noqa: BLE001 - the others will poll
            log.warning("could not announce version %d on Redis: %s", number, err)

    def _redis(self) -> Any:
        if self._client is None:
            import redis

            self._client = redis.Redis.from_url(str(self.redis_url), socket_timeout=5)
        return self._client

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                if self.redis_url:
                    self._listen()
                else:
                    self._stop.wait(self.poll_s)
                    self._catch_up()
            except Exception as err:  # noqa: BLE001 - keep the thread alive, retry later
                log.warning("live sync: %s", err)
                self._stop.wait(max(self.poll_s, 1.0))

    def _listen(self) -> None:
        pubsub = self._redis().pubsub(ignore_subscribe_messages=True)
        pubsub.subscribe(self.channel)
        try:
            self._catch_up()  # anything published while not subscribed
            while not self._stop.is_set():
                message = pubsub.get_message(timeout=self.poll_s or 1.0)
                if message is None:
                    if self.poll_s > 0:
                        self._catch_up()
                    continue
                data = json.loads(message["data"])
                if data.get("origin") != self.origin:
                    self._catch_up(int(data["version"]))
        finally:
            pubsub.close()

    def _catch_up(self, number: int | None = None) -> None:
        newest = number or self.rt.newest_published()
        live = self.rt.live_version
        if newest is not None and (live is None or newest > live):
            self.rt.go_live(newest)

    def stop(self) -> None:
        """Stop the thread (waits briefly)."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)
        if self._client is not None:
            self._client.close()
