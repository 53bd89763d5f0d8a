"""The access_token, shared by every app process (database row or Redis key).

WeChat issues a new token on each `/cgi-bin/token` call and retires the previous one a few
minutes later, so processes that each fetched their own would keep invalidating each other.
Here one process at a time refreshes, under a lock in the shared store, some minutes before
expiry; the others read what it stored.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass
from typing import Protocol

from sqlalchemy import update
from sqlalchemy.exc import IntegrityError

from bot.channels.wechat.api import WechatApi, WechatApiError
from bot.storage.db import Database
from bot.storage.models import WechatAccessToken

LOCK_TTL_S = 15.0  # longer than one token call may take
WAIT_S = 20.0  # how long a process waits for another one's refresh


@dataclass(frozen=True)
class CachedToken:
    """A token and when it expires (epoch seconds)."""

    token: str
    expires_at: float


class TokenStore(Protocol):
    """Where the shared token and the refresh lock live."""

    def read(self, app_id: str) -> CachedToken | None: ...
    def write(self, app_id: str, token: CachedToken) -> None: ...
    def try_lock(self, app_id: str, owner: str, ttl_s: float) -> bool: ...
    def unlock(self, app_id: str, owner: str) -> None: ...
    def invalidate(self, app_id: str, token: str) -> None: ...


class DbTokenStore:
    """The token in the app database (table `wechat_access_tokens`)."""

    def __init__(self, db: Database) -> None:
        self.db = db

    def read(self, app_id: str) -> CachedToken | None:
        with self.db.session() as s:
            row = s.get(WechatAccessToken, app_id)
            return CachedToken(row.token, row.expires_at) if row and row.token else None

    def write(self, app_id: str, token: CachedToken) -> None:
        self._ensure_row(app_id)
        self._update(app_id, token=token.token, expires_at=token.expires_at)

    def try_lock(self, app_id: str, owner: str, ttl_s: float) -> bool:
        self._ensure_row(app_id)
        now = time.time()
        with self.db.session() as s:
            result = s.execute(
                update(WechatAccessToken)
                .where(
                    WechatAccessToken.app_id == app_id,
                    WechatAccessToken.lock_until < now,
                )
                .values(lock_owner=owner, lock_until=now + ttl_s)
            )
            return bool(result.rowcount == 1)  # type: ignore[attr-defined]

    def unlock(self, app_id: str, owner: str) -> None:
        self._update(app_id, WechatAccessToken.lock_owner == owner, lock_owner=None, lock_until=0.0)

    def invalidate(self, app_id: str, token: str) -> None:
        # Only if it is still the token that failed: never discard a newer one.
        self._update(app_id, WechatAccessToken.token == token, expires_at=0.0)

    def _update(self, app_id: str, *conditions: object, **values: object) -> None:
        with self.db.session() as s:
            s.execute(
                update(WechatAccessToken)
                .where(WechatAccessToken.app_id == app_id, *conditions)  # type: ignore[arg-type]
                .values(**values)
            )

    def _ensure_row(self, app_id: str) -> None:
        try:
            with self.db.session() as s:
                if s.get(WechatAccessToken, app_id) is None:
                    s.add(WechatAccessToken(app_id=app_id, expires_at=0.0, lock_until=0.0))
        except IntegrityError:
            pass  # another process created it at the same moment


class RedisTokenStore:
    """The token in Redis (when `KEFU_REDIS__URL` is set): a hash and a `SET NX` lock."""

    _UNLOCK = "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) end"
    _INVALIDATE = (
        "if redis.call('hget', KEYS[1], 'token') == ARGV[1] then "
        "return redis.call('hset', KEYS[1], 'expires_at', '0') end"
    )

    def __init__(self, url: str, prefix: str = "kefu:wechat") -> None:
        import redis

        self.redis = redis.Redis.from_url(url, decode_responses=True)
        self.prefix = prefix

    def read(self, app_id: str) -> CachedToken | None:
        data = self.redis.hgetall(self._key(app_id, "token"))
        if not data or not data.get("token"):  # type: ignore[union-attr]
            return None
        return CachedToken(str(data["token"]), float(data.get("expires_at") or 0))  # type: ignore[index,union-attr]

    def write(self, app_id: str, token: CachedToken) -> None:
        key = self._key(app_id, "token")
        with self.redis.pipeline() as pipe:
            pipe.hset(key, mapping={"token": token.token, "expires_at": str(token.expires_at)})
            pipe.expireat(key, int(token.expires_at) + 1)
            pipe.execute()

    def try_lock(self, app_id: str, owner: str, ttl_s: float) -> bool:
        key = self._key(app_id, "lock")
        return bool(self.redis.set(key, owner, nx=True, px=int(ttl_s * 1000)))

    def unlock(self, app_id: str, owner: str) -> None:
        self.redis.eval(self._UNLOCK, 1, self._key(app_id, "lock"), owner)

    def invalidate(self, app_id: str, token: str) -> None:
        self.redis.eval(self._INVALIDATE, 1, self._key(app_id, "token"), token)

    def close(self) -> None:
        self.redis.close()

    def _key(self, app_id: str, what: str) -> str:
        return f"{self.prefix}:{app_id}:{what}"


class AccessTokens:
    """Hands out a valid access_token, refreshing it in one process at a time.

    Args:
        api: the WeChat API client (fetches new tokens).
        store: the shared store.
        margin_s: refresh this long before expiry.
        owner: this process's id, the holder of the refresh lock.
    """

    def __init__(self, api: WechatApi, store: TokenStore, margin_s: float, owner: str) -> None:
        self.api = api
        self.store = store
        self.margin_s = margin_s
        self.owner = owner
        self._cached: CachedToken | None = None
        self._local = asyncio.Lock()  # one refresh attempt per process at a time

    def _fresh(self, token: CachedToken | None) -> bool:
        return token is not None and token.expires_at - self.margin_s > time.time()

    async def get(self) -> str:
        """A token with more than `margin_s` to live (or the last valid one while waiting)."""
        if self._fresh(self._cached):
            return self._cached.token  # type: ignore[union-attr]
        async with self._local:
            if self._fresh(self._cached):  # refreshed while this call waited
                return self._cached.token  # type: ignore[union-attr]
            return await self._get_shared()

    async def _get_shared(self) -> str:
        app_id = self.api.app_id
        deadline = time.monotonic() + WAIT_S
        while True:
            stored = await asyncio.to_thread(self.store.read, app_id)
            if not self._fresh(stored) and await asyncio.to_thread(
                self.store.try_lock, app_id, self.owner, LOCK_TTL_S
            ):
                try:
                    stored = await self._refresh(app_id)
                finally:
                    await asyncio.to_thread(self.store.unlock, app_id, self.owner)
                self._cached = stored if self._fresh(stored) else None
                return stored.token
            if self._fresh(stored):
                self._cached = stored
                return stored.token  # type: ignore[union-attr]
            if time.monotonic() > deadline:
                if stored is not None and stored.expires_at > time.time():
                    return stored.token
                raise WechatApiError(None, "timed out waiting for an access_token refresh")
            await asyncio.sleep(0.1)

    async def _refresh(self, app_id: str) -> CachedToken:
        # Another process may have refreshed between our read and taking the lock.
        stored = await asyncio.to_thread(self.store.read, app_id)
        if stored is not None and self._fresh(stored):
            return stored
        token, lifetime = await self.api.fetch_token()
        fresh = CachedToken(token, time.time() + lifetime)
        await asyncio.to_thread(self.store.write, app_id, fresh)
        return fresh

    async def invalidate(self, token: str) -> None:
        """WeChat rejected `token`: make the next `get` fetch or read a newer one."""
        self._cached = None
        await asyncio.to_thread(self.store.invalidate, self.api.app_id, token)
