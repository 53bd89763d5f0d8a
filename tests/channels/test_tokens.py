"""The shared access_token: one refresh for many processes, before expiry, never clobbered."""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.channels.wechat.api import WechatApi
from bot.channels.wechat.tokens import (
    AccessTokens,
    CachedToken,
    DbTokenStore,
    RedisTokenStore,
    TokenStore,
)
from bot.storage.db import Database, migrate
from tests.channels.conftest import APP_ID, APP_SECRET
from tests.channels.fake_wechat import FakeWechat
from tests.conftest import _reset_postgres as reset_postgres
from tests.conftest import run_async

REDIS_URL = "redis://127.0.0.1:6379/15"


@pytest.fixture
def api_server() -> Iterator[FakeWechat]:
    server = FakeWechat(APP_ID, APP_SECRET).start()
    yield server
    server.stop()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres), "redis"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[TokenStore]:
    """The token store in the app database (SQLite, PostgreSQL) and in Redis."""
    if request.param == "redis":
        redis_store = RedisTokenStore(REDIS_URL, prefix=f"kefu-test:{uuid.uuid4().hex}")
        try:
            redis_store.redis.ping()
        except Exception as exc:  # noqa: BLE001 - any failure means no server here
            pytest.skip(f"no Redis at {REDIS_URL}: {exc}")
        yield redis_store
        redis_store.close()
        return
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'kefu.db'}"
    else:
        url = request.getfixturevalue("pg_database")
        reset_postgres(url)
    migrate(url)
    db = Database(url)
    yield DbTokenStore(db)
    db.dispose()


def processes(server: FakeWechat, store: TokenStore, n: int) -> list[AccessTokens]:
    """`n` app processes sharing one store, each with its own API client."""
    return [
        AccessTokens(WechatApi(server.url, APP_ID, APP_SECRET, 5.0), store, 300.0, f"p{i}")
        for i in range(n)
    ]


async def close(tokens: list[AccessTokens]) -> None:
    for t in tokens:
        await t.api.aclose()


class TestAccessTokens:
    def test_many_processes_fetch_one_token(
        self, api_server: FakeWechat, store: TokenStore
    ) -> None:
        async def scenario() -> list[str]:
            procs = processes(api_server, store, 3)
            got = await asyncio.gather(*(p.get() for p in procs for _ in range(4)))
            await close(procs)
            return list(got)

        got = run_async(scenario())
        assert len(set(got)) == 1
        assert api_server.issued == 1
        assert got[0] in api_server.valid_tokens

    def test_token_is_refreshed_before_it_expires(
        self, api_server: FakeWechat, store: TokenStore
    ) -> None:
        store.write(APP_ID, CachedToken("OLD-BUT-VALID", time.time() + 100))  # inside the margin

        async def scenario() -> str:
            (proc,) = processes(api_server, store, 1)
            token = await proc.get()
            await close([proc])
            return token

        token = run_async(scenario())
        assert token != "OLD-BUT-VALID" and api_server.issued == 1
        assert store.read(APP_ID) == CachedToken(token, pytest.approx(time.time() + 7200, abs=60))

    def test_fresh_stored_token_is_used_without_a_call(
        self, api_server: FakeWechat, store: TokenStore
    ) -> None:
        store.write(APP_ID, CachedToken("SHARED", time.time() + 3600))

        async def scenario() -> str:
            (proc,) = processes(api_server, store, 1)
            token = await proc.get()
            await close([proc])
            return token

        assert run_async(scenario()) == "SHARED"
        assert api_server.calls == []

    def test_invalidating_an_old_token_keeps_the_newer_one(self, store: TokenStore) -> None:
        store.write(APP_ID, CachedToken("NEW", time.time() + 3600))
        store.invalidate(APP_ID, "OLD")
        assert store.read(APP_ID) == CachedToken("NEW", pytest.approx(time.time() + 3600, abs=5))
        store.invalidate(APP_ID, "NEW")
        assert store.read(APP_ID).expires_at == 0  # type: ignore[union-attr]

    def test_refresh_lock_has_one_holder(self, store: TokenStore) -> None:
        assert store.try_lock(APP_ID, "a", 10)
        assert not store.try_lock(APP_ID, "b", 10)
        store.unlock(APP_ID, "b")  # not b's lock: no effect
        assert not store.try_lock(APP_ID, "b", 10)
        store.unlock(APP_ID, "a")
        assert store.try_lock(APP_ID, "b", 10)
