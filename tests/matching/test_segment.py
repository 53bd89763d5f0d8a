"""Segmentation with the domain dictionary on a private jieba tokenizer."""

from __future__ import annotations

import jieba

from bot.knowledge.schema import DictWord
from bot.matching.segment import Segmenter


class TestSegmenter:
    def test_domain_words_stay_whole(self) -> None:
        seg = Segmenter([DictWord(word="逐影", freq=3000), DictWord(word="RG7-2025", freq=2000)])
        seg.warm_up()
        tokens = seg.run("rg7-2025 逐影游戏本掉帧")["tokens"]
        assert "rg7-2025" in tokens
        assert "逐影" in tokens
        assert " " not in tokens

    def test_domain_words_stay_in_a_private_tokenizer(self) -> None:
        word = "岚影星"  # not a word for jieba
        seg = Segmenter([DictWord(word=word, freq=5000)])
        seg.warm_up()
        assert word in seg.run(f"{word}怎么用")["tokens"]
        assert word not in jieba.lcut(f"{word}怎么用")  # the global tokenizer is untouched
        assert word not in Segmenter([]).run(f"{word}怎么用")["tokens"]

    def test_shipped_dictionary_words_stay_whole(self, shipped_kb) -> None:  # type: ignore[no-untyped-def]
        seg = Segmenter(shipped_kb.dictionary)
        seg.warm_up()
        assert "星岚管家" in seg.run("星岚管家打不开")["tokens"]
