"""Replicas follow a publish at once through Redis pub/sub (a real redis-server)."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.runtime.stack import free_port
from bot.services import KnowledgeService
from bot.storage.db import Database, migrate
from tests.editor.conftest import settings_for
from tests.editor.test_versions import publish_phrasing
from tests.polling import poll_until

REDIS = shutil.which("redis-server")


@pytest.fixture
def redis_url(tmp_path: Path) -> Iterator[str]:
    if REDIS is None:
        pytest.fail("redis-server is missing (apt-get install redis-server)")
    port = free_port()
    proc = subprocess.Popen(
        [REDIS, "--port", str(port), "--save", "", "--appendonly", "no", "--dir", str(tmp_path)],
        stdout=subprocess.DEVNULL,
    )
    import redis

    client = redis.Redis(port=port)

    def pings() -> bool:
        try:
            return bool(client.ping())
        except redis.ConnectionError:
            return False

    assert poll_until(pings, timeout_s=30, interval_s=0.1), "redis-server did not start"
    client.close()
    yield f"redis://127.0.0.1:{port}/0"
    proc.terminate()
    proc.wait(timeout=10)


def test_publish_reaches_other_replica(
    redis_url: str, knowledge_copy: Path, tmp_path: Path
) -> None:
    from bot.editor.state import EditorState

    url = f"sqlite:///{tmp_path / 'kefu.db'}"
    migrate(url)
    db = Database(url)
    replicas = []
    for name in ("a", "b"):
        settings = settings_for(
            url,
            knowledge_copy,
            tmp_path / name,
            matching={"encoder": "none"},
            redis={"url": redis_url},
        )
        knowledge = KnowledgeService(settings)
        rt = EditorState(db, settings, knowledge)
        knowledge.warm_up(source=rt)
        rt.start_sync()
        replicas.append(rt)
    a, b = replicas
    try:
        number = publish_phrasing(a, "power-004", "副本之间用 Redis 通知")
        assert poll_until(lambda: b.live_version, lambda version: version == number) == number
        assert "副本之间用 Redis 通知" in b.knowledge.kb.questions["power-004"].similar
    finally:
        for rt in replicas:
            rt.close()
        db.dispose()
