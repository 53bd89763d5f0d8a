"""BM25 over words and character bigrams."""

from __future__ import annotations

import numpy as np

from bot.matching.lexical import LexicalRetriever, lexical_terms


def terms(text: str) -> list[str]:
    return lexical_terms(text, text.split())


class TestLexical:
    def test_terms(self) -> None:
        assert lexical_terms("xb14-2024开机", ["xb14-2024", "开机"]) == [
            "w:xb14-2024",
            "w:开机",
            "c:xb14-2024开",
            "c:开机",
        ]

    def test_matching_document_ranks_first_with_scores_in_zero_one(self) -> None:
        docs = ["电脑 开不了机", "发票 怎么 开", "电池 充不进 电", "电脑 蓝屏"]
        retriever = LexicalRetriever()
        retriever.fit([terms(d) for d in docs])
        scores = retriever.run(terms("电脑 开不了机"))["scores"]
        assert int(np.argmax(scores)) == 0
        assert scores.min() >= 0.0 and scores.max() <= 1.0
        assert scores[0] > 0.6 and scores[1] == 0.0

    def test_unknown_words_lower_the_score(self) -> None:
        retriever = LexicalRetriever()
        retriever.fit([terms(d) for d in ["电脑 开不了机", "发票 怎么 开"]])
        known = retriever.run(terms("电脑 开不了机"))["scores"][0]
        diluted = retriever.run(terms("电脑 开不了机 冰箱 洗衣机 空调"))["scores"][0]
        assert diluted < known / 2

    def test_empty_query_scores_zero(self) -> None:
        retriever = LexicalRetriever()
        retriever.fit([terms("电脑 蓝屏")])
        assert retriever.run([])["scores"].tolist() == [0.0]
