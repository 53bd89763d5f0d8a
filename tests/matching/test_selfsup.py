"""The probes a base asks itself (`bot.matching.selfsup`, `bot.matching.variants`)."""

from __future__ import annotations

import jieba
from pypinyin import lazy_pinyin

from bot.knowledge.schema import KnowledgeBase, StandardQuestion
from bot.matching.selfsup import split_base
from bot.matching.variants import Homophones, variants


def segment(text: str) -> list[str]:
    return list(jieba.cut(text))


def base(n: int, similar: int) -> KnowledgeBase:
    topics = [
        "信用卡",
        "借记卡",
        "手机银行",
        "转账",
        "网银",
        "积分",
        "分期",
        "挂失",
        "年费",
        "额度",
    ]
    questions = {}
    for i in range(n):
        topic = topics[i % len(topics)]
        qid = f"q{i}"
        questions[qid] = StandardQuestion.model_validate(
            {
                "id": qid,
                "title": f"{topic}第{i}个问题怎么办理",
                "similar": [f"{topic}问题{i}的说法{j}" for j in range(similar)],
                "answer": f"关于{topic}的答复{i}",
            },
            context={"strict": False},
        )
    return KnowledgeBase(questions=questions)


def test_a_homophone_sounds_the_same_and_comes_from_the_base() -> None:
    sounds = Homophones(["支付宝付款", "知道了"])
    import random

    swapped = sounds.swap("支", random.Random(1))
    assert swapped == "知"
    assert lazy_pinyin(swapped) == lazy_pinyin("支")
    assert sounds.swap("宝", random.Random(1)) == "宝"  # no other character of that sound


def test_variants_are_reproducible_and_differ_from_the_text() -> None:
    sounds = Homophones(["信用卡的年费怎么免除", "心用咖"])
    first = variants("信用卡的年费怎么免除", segment, sounds, 3, "q1")
    assert first == variants("信用卡的年费怎么免除", segment, sounds, 3, "q1")
    assert first and len(set(first)) == len(first)
    assert "信用卡的年费怎么免除" not in first


def test_split_holds_phrasings_and_whole_questions_out() -> None:
    kb = base(50, 4)
    splits = split_base(kb, segment, "s")
    split, probes = splits[0]
    unanswered = [p for p in probes if p.kind == "unanswered"]
    held_out = [p for p in probes if p.kind == "phrasing"]
    assert unanswered and held_out
    assert len(split.questions) == 50 - 6  # 12 % of the questions leave whole
    for p in held_out:
        assert p.gold in split.questions
        assert p.text not in split.questions[p.gold].phrasings
        assert p.text in kb.questions[p.gold].phrasings
    gone = set(kb.questions) - set(split.questions)
    said = {t for q in gone for t in kb.questions[q].phrasings}
    assert sum(p.text in said for p in unanswered) >= 2 * len(gone)  # title and one phrasing
    assert all(q.phrasings for q in split.questions.values())
    # A small base is split several times, other questions going each time (up to 80 in all;
    # 50 questions give 8 disjoint groups of 6).
    assert len(splits) == 8
    held = [set(kb.questions) - set(s.questions) for s, _ in splits]
    assert all(not a & b for i, a in enumerate(held) for b in held[i + 1 :])
    assert all(p.kind == "unanswered" for _, probes in splits[1:] for p in probes)


def test_a_title_only_base_is_probed_with_variants() -> None:
    kb = base(30, 0)
    split, probes = split_base(kb, segment, "s")[0]
    kinds = {p.kind for p in probes}
    assert "phrasing" not in kinds  # nothing to hold out: the title stays
    assert "variant" in kinds and "unanswered" in kinds
    for p in probes:
        if p.kind == "variant":
            assert p.gold in split.questions and p.text != split.questions[p.gold].title
