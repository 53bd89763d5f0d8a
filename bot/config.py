"""One settings object for the whole app (environment prefix ``KEFU_``, groups nested with ``__``)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic import BaseModel, Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from bot.matching.settings import MatchingSettings

ROOT = Path(__file__).resolve().parent.parent
"""The repository root: default locations of `var/`, `knowledge/` and the Rasa project."""

_PLACEHOLDER_SECRETS = {"", "changeme", "secret", "change-me", "kefu-dev-secret"}


class RasaSettings(BaseModel):
    """Where the Rasa server is and how long the gateway waits for it."""

    url: str = "http://127.0.0.1:5005"
    timeout_s: float = Field(8.0, gt=0, description="Bound on one Rasa round trip.")
    model_dir: Path = ROOT / "models"


class DatabaseSettings(BaseModel):
    """The app database: a SQLite file by default, a ``postgresql+psycopg2://`` URL switches."""

    url: str = f"sqlite:///{ROOT / 'var' / 'kefu.db'}"
    echo: bool = False


class RedisSettings(BaseModel):
    """Redis for pub/sub between gateway replicas; unset on the embedded default."""

    url: str | None = None


class WechatSettings(BaseModel):
    """One WeChat Official Account."""

    token: str | None = None
    app_id: str | None = None
    app_secret: str | None = None
    aes_key: str | None = None
    api_base: str = "https://api.weixin.qq.com"


class AuthSettings(BaseModel):
    """Staff login tokens."""

    secret: str = "kefu-dev-secret"
    token_minutes: int = 12 * 60


class Settings(BaseSettings):
    """All settings. Read from the environment and an optional ``.env`` file."""

    model_config = SettingsConfigDict(
        env_prefix="KEFU_", env_nested_delimiter="__", env_file=".env", extra="ignore"
    )

    profile: str = Field("embedded", pattern="^(embedded|production)$")
    host: str = "127.0.0.1"
    port: int = 8000
    public_url: str | None = None
    knowledge_dir: Path = ROOT / "knowledge"
    var_dir: Path = ROOT / "var"
    max_message_chars: int = 2000
    max_body_bytes: int = 64 * 1024
    rasa: RasaSettings = RasaSettings()
    db: DatabaseSettings = DatabaseSettings()
    redis: RedisSettings = RedisSettings()
    wechat: WechatSettings = WechatSettings()
    auth: AuthSettings = AuthSettings()
    matching: MatchingSettings = MatchingSettings()

    @model_validator(mode="after")
    def _refuse_placeholders_in_production(self) -> Settings:
        # The demo secret and demo accounts are for the embedded profile only.
        if self.profile == "production" and self.auth.secret in _PLACEHOLDER_SECRETS:
            raise ValueError("KEFU_AUTH__SECRET must be set to a real secret in production")
        return self

    @property
    def base_url(self) -> str:
        """The URL users reach the app at."""
        return self.public_url or f"http://{self.host}:{self.port}"


@lru_cache
def get_settings() -> Settings:
    """The process-wide settings (cached; tests build their own `Settings`)."""
    return Settings()
