"""One settings object for the app (environment prefix ``KEFU_``, groups nested with ``__``)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Annotated, Literal

from pydantic import (
    BaseModel,
    Field,
    NonNegativeFloat,
    PositiveFloat,
    PositiveInt,
    model_validator,
)
from pydantic_settings import BaseSettings, SettingsConfigDict

from bot.analytics.settings import AnalyticsSettings
from bot.editor.settings import EditorSettings
from bot.matching.settings import MatchingSettings
from bot.media.settings import MediaSettings

ROOT = Path(__file__).resolve().parent.parent
"""The repository root: default locations of `var/`, `knowledge/` and the Rasa project."""

PLACEHOLDER_SECRETS = {"", "changeme", "secret", "change-me", "kefu-dev-secret"}
# Secrets that were ever public (documented defaults, examples): never accepted in production.
KNOWN_SECRETS = PLACEHOLDER_SECRETS | {
    "x",
    "kefu-dev-customer-token-secret-change-me",
    "CHANGE-to-a-long-random-secret",
}
MIN_SECRET_CHARS = 32


class RasaSettings(BaseModel):
    """Where the Rasa server is and how long the gateway waits for it."""

    url: str = "http://127.0.0.1:5005"
    timeout_s: float = Field(default=8.0, gt=0, description="Bound on one Rasa round trip.")
    model_dir: Path = ROOT / "models"
    tracker_store_url: str | None = Field(
        default=None,
        description="Rasa's SQLTrackerStore, e.g. postgresql://user:pw@host:5432/kefu_rasa "
        "(`?login_db=postgres` lets Rasa create the database); unset = trackers in memory.",
    )
    api_token: str | None = Field(
        default=None,
        description="Turns on Rasa's HTTP API with this token: after a crash, the gateway reads "
        "the tracker to learn whether Rasa already processed a message before sending it "
        "again. Unset = API off.",
    )
    lock_store_url: str | None = Field(
        default=None,
        description="Rasa's RedisLockStore, e.g. redis://host:6379/1; unset = in memory "
        "(one Rasa process only).",
    )
    action_token: str | None = Field(
        default=None,
        description="Shared secret the Rasa server sends in the `X-Kefu-Action-Token` header of "
        "every action call (endpoints.yml reads the same variable, KEFU_RASA__ACTION_TOKEN). "
        "Unset: generated under var/ in the embedded profile; required in production.",
    )
    action_max_body_bytes: int = Field(
        default=8 * 1024 * 1024,
        ge=64 * 1024,
        description="Body limit of an authenticated action call (it carries the tracker).",
    )
    session_turns: int = Field(
        default=40,
        ge=0,
        description="The gateway starts a new Rasa session (slots carried over) every this many "
        "customer messages of a conversation, so the tracker Rasa sends to every action "
        "stays small however long the conversation runs; 0 = never.",
    )


class DatabaseSettings(BaseModel):
    """The app database: a SQLite file by default, a ``postgresql+psycopg2://`` URL switches."""

    url: str = f"sqlite:///{ROOT / 'var' / 'kefu.db'}"
    echo: bool = False


class RedisSettings(BaseModel):
    """Redis between app replicas (pub/sub, per-customer turn locks); unset on the embedded
    default."""

    url: str | None = None
    prefix: str = Field(default="kefu", pattern=r"^[\w.-]{1,40}$", description="Key prefix.")


class WechatSettings(BaseModel):
    """One WeChat Official Account (the channel is off while `token` is unset)."""

    token: str | None = None
    app_id: str | None = None
    app_secret: str | None = None
    aes_key: str | None = None
    api_base: str = "https://api.weixin.qq.com"
    # plain | compatible | safe; auto = compatible when an AES key is set, else plain
    mode: Literal["auto", "plain", "compatible", "safe"] = "auto"
    # a signed callback whose timestamp is further than this from now is refused (a replay);
    # 0 = no check
    timestamp_window_s: NonNegativeFloat = 300.0
    passive_timeout_s: PositiveFloat = 4.0  # reply in the callback response if ready by then
    max_text_bytes: Annotated[int, Field(ge=200)] = 2000  # one text message, UTF-8 bytes
    max_parts: PositiveInt = 4  # messages one long answer may be split into
    api_timeout_s: PositiveFloat = 5.0  # one WeChat API call
    api_attempts: PositiveInt = 4  # tries of one customer-service send
    api_backoff_s: NonNegativeFloat = 0.5  # first retry delay, doubled on each try
    token_margin_s: NonNegativeFloat = 300.0  # refresh the access_token this long before expiry
    sweep_interval_s: PositiveFloat = 10.0  # look for messages a dead process left unanswered
    menu_file: Path | None = None  # default: wechat_menu.yml in the knowledge directory


class RecoverySettings(BaseModel):
    """Messages a process accepted and died before answering (status `received`), answered
    when an app starts and then every `interval_s`, on one replica (bot.gateway.recovery)."""

    grace_s: NonNegativeFloat = Field(
        default=30.0,
        description="A `received` message younger than this may still be in a live turn: "
        "left alone.",
    )
    rerun_within_s: NonNegativeFloat = Field(
        default=600.0,
        description="Younger than this, the message goes through the dialogue again (the "
        "customer is likely still there); older, it gets the `recovered_apology` text.",
    )
    interval_s: PositiveFloat = 30.0
    batch: PositiveInt = 100  # messages answered per pass


class AuthSettings(BaseModel):
    """Staff login tokens, web visitors' tokens and login throttling."""

    secret: str | None = Field(
        default=None,
        description="HS256 key of staff tokens (and, derived, of web visitors' tokens). Unset: "
        "generated at first start under var/secrets/ in the embedded profile; production needs "
        "one of at least 32 characters that was never public.",
    )
    token_minutes: int = 12 * 60
    user_check_ttl_s: NonNegativeFloat = Field(
        default=5.0,
        description="How long one check of a token's user (active, not revoked) is reused.",
    )
    visitor_token_days: PositiveInt = Field(
        default=365, description="How long a web visitor's token opens their conversation."
    )
    rest_keys: dict[str, str] = Field(
        default_factory=dict,
        description="Optional keys of the REST channel, one per integration (name -> key, sent "
        "in the `X-Kefu-Key` header); empty = the channel is open, as Rasa's is.",
    )
    login_account_failures: PositiveInt = 5  # wrong passwords in a row before an account waits
    login_address_failures: PositiveInt = 20  # failed logins of one address before it waits
    login_window_s: PositiveFloat = 15 * 60.0  # failures older than this are forgotten
    login_lockout_s: PositiveFloat = 30.0  # first wait; doubled on each further failure
    login_lockout_max_s: PositiveFloat = 15 * 60.0
    customer_token_secret: str | None = Field(
        default=None,
        description="HS256 key of the signed customer tokens web pages pass in the chat metadata "
        "(`customer_token`). Unset: generated at first start under var/secrets/ (embedded), "
        "tokens ignored (production). Empty = tokens are ignored; a published or short key is "
        "ignored in production.",
    )


class CrmSettings(BaseModel):
    """Where customer records come from: the app database (default) or a CRM over HTTP."""

    url: str | None = Field(
        default=None,
        description="Base URL of a CRM serving GET /customers/{member_id}; unset = app DB.",
    )
    timeout_s: float = Field(default=3.0, gt=0, description="Bound on one CRM request.")
    seed_sample: bool = Field(
        default=True,
        description="Seed knowledge/sample_customers.yml into the app DB (embedded only).",
    )
    binding_code_minutes: int = Field(
        default=10, ge=1, description="How long a binding code is valid."
    )


class HandoffSettings(BaseModel):
    """Handoff to engineers: service hours, routing and waiting estimates (`bot/handoff/`)."""

    timezone: str = "Asia/Shanghai"  # the service centre's clock, for hours and promises
    # Engineers take conversations in these hours ("HH:MM-HH:MM", several joined by ","),
    # on these ISO weekdays (1 = Monday). Outside them a request becomes a ticket.
    hours: str = Field(
        default="00:00-24:00", pattern=r"^\d\d:\d\d-\d\d:\d\d(,\d\d:\d\d-\d\d:\d\d)*$"
    )
    days: list[Annotated[int, Field(ge=1, le=7)]] = [1, 2, 3, 4, 5, 6, 7]
    default_capacity: PositiveInt = 3  # concurrent conversations of an engineer without a profile
    handle_minutes: PositiveFloat = 6.0  # average time an engineer needs per conversation (ETA)
    offer_timeout_s: PositiveFloat = 90.0  # an offer not accepted in time goes to someone else
    overflow_after_s: PositiveFloat = 180.0  # then any online engineer may take it, skill or not
    presence_ttl_s: PositiveFloat = 45.0  # a console that stopped sending heartbeats is offline
    tick_s: PositiveFloat = 3.0  # how often waiting positions, offers and presence are checked
    ticket_hours: PositiveFloat = 8.0  # service hours within which a ticket is answered
    auto_route: bool = True  # offer waiting conversations to the best engineer by itself
    # Call-back booking (预约回电, bot/handoff/callback.py): offered under answers that mention
    # one of `callback_mentions` and under tickets opened because nobody could take a handoff.
    callback: bool = True
    callback_mentions: list[str] = ["预约回电"]
    callback_hours: str | None = Field(  # the call-back hours; unset = the service hours
        default=None, pattern=r"^\d\d:\d\d-\d\d:\d\d(,\d\d:\d\d-\d\d:\d\d)*$"
    )
    callback_slot_minutes: Annotated[int, Field(ge=15, le=240)] = 60  # one slot's length
    callback_slots: Annotated[int, Field(ge=1, le=12)] = 6  # how many slots are offered
    callback_lead_minutes: Annotated[int, Field(ge=0, le=1440)] = 30  # earliest from now


class Settings(BaseSettings):
    """All settings. Read from the environment and an optional ``.env`` file."""

    model_config = SettingsConfigDict(
        env_prefix="KEFU_", env_nested_delimiter="__", env_file=".env", extra="ignore"
    )

    profile: str = Field(default="embedded", pattern="^(embedded|production)$")
    host: str = "127.0.0.1"
    port: int = 8000
    public_url: str | None = None
    knowledge_dir: Path = ROOT / "knowledge"
    var_dir: Path = ROOT / "var"
    max_message_chars: int = 2000
    max_body_bytes: int = 64 * 1024
    # A dead replica's periodic jobs (handoff dispatch, WeChat sweep) move to another after this.
    lease_ttl_s: PositiveFloat = 15.0
    drain_timeout_s: PositiveFloat = Field(
        default=30.0,
        description="On SIGTERM, how long the app waits for the turns under way (Rasa calls "
        "back into it meanwhile) before it stops; new customer messages get 503 meanwhile.",
    )
    rasa: RasaSettings = RasaSettings()
    db: DatabaseSettings = DatabaseSettings()
    redis: RedisSettings = RedisSettings()
    wechat: WechatSettings = WechatSettings()
    auth: AuthSettings = AuthSettings()
    matching: MatchingSettings = MatchingSettings()
    crm: CrmSettings = CrmSettings()
    handoff: HandoffSettings = HandoffSettings()
    editor: EditorSettings = EditorSettings()
    analytics: AnalyticsSettings = AnalyticsSettings()
    recovery: RecoverySettings = RecoverySettings()
    media: MediaSettings = MediaSettings()

    @model_validator(mode="after")
    def _refuse_weak_secrets_in_production(self) -> Settings:
        # Generated secrets and demo accounts are for the embedded profile only.
        if self.profile != "production":
            return self
        secret = self.auth.secret or ""
        if secret in KNOWN_SECRETS or len(secret) < MIN_SECRET_CHARS:
            raise ValueError(
                f"KEFU_AUTH__SECRET must be set in production to a secret of at least "
                f"{MIN_SECRET_CHARS} characters that was never published"
            )
        for key in self.auth.rest_keys.values():
            if key in KNOWN_SECRETS or len(key) < 16:
                raise ValueError("every KEFU_AUTH__REST_KEYS key needs at least 16 characters")
        return self

    @property
    def base_url(self) -> str:
        """The URL users reach the app at."""
        return self.public_url or f"http://{self.host}:{self.port}"


@lru_cache
def get_settings() -> Settings:
    """The process-wide settings (cached; tests build their own `Settings`)."""
    return Settings()
