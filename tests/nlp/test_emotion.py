"""Emotion scores with snownlp's real model and the shipped lexicon."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.knowledge.errors import KnowledgeError
from bot.nlp.emotion import EmotionScorer, repeats
from bot.nlp.lexicon import EmotionLexicon
from bot.nlp.sentiment import SnowSentiment
from tests.nlp.conftest import KNOWLEDGE

CALM = [
    "电脑开不了机怎么办",
    "请问保修多久",
    "发票怎么开",
    "X60Pro多少钱",
    "谢谢 问题解决了",
    "好的",
]
ANGRY = ["垃圾产品 骗子", "等了半个月没人理我 气死了", "你们这什么破电脑 才买一周就坏了"]
RISK = ["我要去315曝光你们", "我已经找好律师了", "打12315投诉你们", "去消协告你们"]


class TestScore:
    @pytest.mark.parametrize("text", CALM)
    def test_calm_questions_are_calm(self, scorer: EmotionScorer, text: str) -> None:
        s = scorer.score(text)
        assert s.negative < 0.3 and s.urgency < 0.3 and not s.risk

    @pytest.mark.parametrize("text", ANGRY)
    def test_anger_is_negative(self, scorer: EmotionScorer, text: str) -> None:
        s = scorer.score(text)
        assert s.negative >= 0.6 and s.words and not s.risk

    def test_praise_in_quotes_and_a_long_wait_read_as_sarcasm(self, scorer: EmotionScorer) -> None:
        sarcasm = scorer.score('呵呵 你们这售后真是太"好"了 等了两周还在等备件')
        assert {"scare_quotes", "long_wait"} <= set(sarcasm.signals) and sarcasm.negative >= 0.5
        assert "long_wait" in scorer.score("都等了好几天了").signals
        for calm in ('这个"好"字怎么写', "好的 我等一下", "大概要等几天"):
            assert scorer.score(calm).negative < 0.3, calm

    @pytest.mark.parametrize("text", RISK)
    def test_risk_words_are_flagged_as_negative(self, scorer: EmotionScorer, text: str) -> None:
        s = scorer.score(text)
        assert s.risk and s.negative >= 0.75

    def test_longest_risk_word_wins(self, scorer: EmotionScorer) -> None:
        assert scorer.score("打12315投诉你们").risk_words == ["12315", "投诉"]

    def test_urgency_words_raise_urgency_unless_cancelled(self, scorer: EmotionScorer) -> None:
        s = scorer.score("急急急 明天要交作业电脑蓝屏了")
        assert s.urgency >= 0.8 and s.negative < 0.3
        assert scorer.score("不急，慢慢来").urgency == 0.0  # ignore phrases cancel 急

    def test_typing_signals_are_detected(self, scorer: EmotionScorer) -> None:
        assert "exclamations" in scorer.score("修了三次还没修好！！！").signals
        assert "question_storm" in scorer.score("到底怎么回事？？？").signals
        assert "all_caps" in scorer.score("WHY IS IT NOT WORKING").signals
        assert "repeated_chars" in scorer.score("啊啊啊啊 开不了机").signals

    def test_repeating_the_previous_message(self, scorer: EmotionScorer) -> None:
        once = scorer.score("电脑开不了机")
        again = scorer.score("电脑开不了机！", previous="电脑开不了机")
        assert "repetition" in again.signals and again.negative > once.negative + 0.2
        other = scorer.score("发票怎么开", previous="电脑开不了机")
        assert "repetition" not in other.signals

    @pytest.mark.parametrize("previous", [None, "发票怎么开", "试过了还是不行！！", "还是开不了机"])
    def test_previous_message_counts_only_through_repetition(
        self, scorer: EmotionScorer, previous: str | None
    ) -> None:
        # What lets the tier decision reuse the gateway's score of the message alone.
        text = "还是开不了机！！"
        if not repeats(text, previous):
            assert scorer.score(text, previous) == scorer.score(text)
        else:
            assert "repetition" in scorer.score(text, previous).signals

    def test_more_evidence_never_exceeds_one(self, scorer: EmotionScorer) -> None:
        s = scorer.score("垃圾 骗子 气死了 我要投诉 曝光 律师 起诉！！！？？？")
        assert 0.95 < s.negative <= 1.0

    def test_json_form_has_every_field(self, scorer: EmotionScorer) -> None:
        d = scorer.score("我要投诉").to_dict()
        assert set(d) == {"negative", "urgency", "risk_words", "words", "signals", "model"}


class TestSentimentModel:
    def test_sentiment_equals_snownlp(self) -> None:
        import jieba
        from snownlp import normal, sentiment

        mine = SnowSentiment()
        for text in CALM + ANGRY + RISK:
            words = [w for w in jieba.lcut(text) if w.strip()]
            label, prob = sentiment.classifier.classifier.classify(normal.filter_stop(words))
            theirs = prob if label == "neg" else 1 - prob
            assert mine.negative(words) == pytest.approx(theirs, abs=1e-9)
        assert mine.negative([]) == 0.5


class TestLexiconFile:
    def test_broken_lexicon_names_line_and_field(self, tmp_path: Path) -> None:
        text = (KNOWLEDGE / "emotion.yml").read_text(encoding="utf-8")
        broken = tmp_path / "emotion.yml"
        broken.write_text(text.replace("  律师: 0.75", "  律师: 7.5"), encoding="utf-8")
        line = text.splitlines().index("  律师: 0.75") + 1
        with pytest.raises(KnowledgeError) as err:
            EmotionLexicon.load(broken)
        assert f"emotion.yml:{line}: risk.律师: Input should be less than or equal to 1" in str(
            err.value
        )
