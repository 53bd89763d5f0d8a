"""Reading a message in the context of the conversation or on its own, and asking which device."""

from __future__ import annotations

from dataclasses import replace

from bot.dialogue.answering import Reply, asks_knowledge, asks_question
from bot.dialogue.context import Context
from bot.dialogue.devices import check_device, device_word
from bot.dialogue.followup import choose, elliptical, expansion
from bot.knowledge.schema import KnowledgeBase, StandardQuestion
from bot.matching.pipeline import Candidate, MatchResult


def result(
    decision: str, *ranked: tuple[str, float], confidence: float | None = None
) -> MatchResult:
    candidates = [Candidate(qid, qid, score) for qid, score in ranked]
    choices = candidates[:1] if decision == "answer" else candidates[:3]
    return MatchResult(decision, candidates, choices, "", {}, confidence)  # type: ignore[arg-type]


def test_fragments_and_words_of_reference_lean_on_the_conversation() -> None:
    leaning = ("那电池呢", "那来回的邮费谁出？", "能加急不", "它能防水吗", "这个在哪买", "Office呢")
    for text in leaning:
        assert elliptical(text), text


def test_complete_questions_do_not_lean_on_the_conversation() -> None:
    for text in ("物流信息在哪里看", "笔记本可以用Type-C充电吗", "电脑怎么设置定时关机"):
        assert not elliptical(text), text


def reading(alone: MatchResult, in_context: MatchResult, leans: bool, before: str = "x") -> str:
    how, chosen = choose(alone, in_context, leans, before)
    return f"{how}:{chosen.answer_id}"


def test_a_complete_question_answered_on_its_own_stays_on_its_own() -> None:
    alone = result("answer", ("order-005", 0.9), ("warranty-004", 0.8), confidence=0.3)
    in_context = result("answer", ("warranty-004", 0.95), confidence=0.95)
    assert reading(alone, in_context, leans=False) == "alone:order-005"


def test_a_doubt_on_its_own_is_settled_by_the_context_among_its_meanings() -> None:
    alone = result("clarify", ("returns-010", 0.81), ("repair-006", 0.8))
    in_context = result("answer", ("repair-006", 0.76), confidence=0.97)
    assert reading(alone, in_context, leans=True) == "context:repair-006"


def test_the_context_brings_no_meaning_the_words_do_not_have() -> None:
    alone = result("clarify", ("order-001", 0.76), ("repair_status-015", 0.71))
    in_context = result("answer", ("accessory-002", 0.8), confidence=0.9)
    assert reading(alone, in_context, leans=False) == "alone:None"


def test_a_doubt_on_its_own_is_settled_for_its_one_question_of_the_subject_before() -> None:
    # 「能加急不」 after the repair-time answer: 维修加急 or 订单加急? The repair one.
    alone = result("clarify", ("repair-015", 0.86), ("order-028", 0.84))
    in_context = result("answer", ("warranty-001", 0.77), confidence=0.9)
    repair = lambda qid: qid.startswith("repair-")  # noqa: E731
    how, chosen = choose(alone, in_context, True, "repair-014", None, repair)
    assert (how, chosen.answer_id) == ("context", "repair-015")
    # two questions of that subject among the doubt: the customer still chooses
    both = result("clarify", ("repair-015", 0.86), ("repair-016", 0.85), ("order-028", 0.84))
    assert choose(both, in_context, True, "repair-014", None, repair)[1].decision == "clarify"


def test_a_firm_answer_on_its_own_beats_a_doubt_in_context() -> None:
    alone = result("answer", ("invoice-019", 0.9), confidence=0.9)
    in_context = result("clarify", ("invoice-001", 0.8), ("invoice-019", 0.78))
    assert reading(alone, in_context, leans=True) == "alone:invoice-019"


def test_asking_again_what_was_just_answered_is_answered_again() -> None:
    alone = result("answer", ("order-024", 0.92), ("returns-019", 0.83), confidence=0.98)
    in_context = result("answer", ("returns-019", 0.82), confidence=1.0)
    assert reading(alone, in_context, leans=True, before="order-024") == "alone:order-024"


def test_the_same_top_question_in_both_readings_settles_a_doubt() -> None:
    alone = result("clarify", ("member-003", 0.81), ("activation-019", 0.7))
    in_context = result("clarify", ("member-003", 0.76), ("member-014", 0.75))
    assert reading(alone, in_context, leans=True) == "context:member-003"


def test_the_context_is_what_was_asked_and_the_title_answered() -> None:
    context = Context("repair-005", "没有服务网点 寄修要怎么弄", ())
    assert expansion(context, "寄修服务怎么申请") == "没有服务网点 寄修要怎么弄 寄修服务怎么申请"
    assert expansion(Context("repair-005", "", ()), "寄修服务怎么申请") == "寄修服务怎么申请"


def question(qid: str, *products: str, title: str = "") -> StandardQuestion:
    return StandardQuestion.model_construct(
        id=qid, title=title or qid, category="", products=list(products), answer="…", similar=[]
    )


KB = KnowledgeBase.model_construct(
    questions={
        q.id: q
        for q in (
            question("laptop-off", "book", "raptor", title="笔记本开不了机没反应"),
            question("desktop-off", "desktop", title="台式机开机没反应"),
            question("phone-off", "phone", title="手机开不了机"),
            question("tablet-off", "pad", title="平板开不了机"),
            question("laptop-battery", "book", "raptor", title="笔记本电池鼓包"),
            question("phone-slow", "phone", title="手机卡顿没反应"),
            question("warranty", title="保修多久"),
        )
    },
    catalog={"product_lines": {line: {} for line in ("book", "raptor", "desktop", "phone", "pad")}},
)
OFF = result(
    "answer", ("desktop-off", 0.9), ("laptop-off", 0.88), ("phone-off", 0.85), ("warranty", 0.7)
)


def test_no_device_known_asks_which_device() -> None:
    check = check_device(KB, OFF, named=False, known_lines=[set(), set(), set()])
    assert check.outcome == "ask"
    assert [c.id for c in check.choices] == ["desktop-off", "laptop-off", "phone-off"]


def test_the_one_device_of_the_profile_gets_its_question() -> None:
    check = check_device(KB, OFF, named=False, known_lines=[set(), set(), {"phone"}])
    assert (check.outcome, check.question_id) == ("pick", "phone-off")


def test_earlier_words_come_before_the_profile() -> None:
    check = check_device(KB, OFF, named=False, known_lines=[set(), {"book"}, {"phone"}])
    assert (check.outcome, check.question_id) == ("pick", "laptop-off")


def test_two_devices_of_the_customer_are_asked_between() -> None:
    check = check_device(KB, OFF, named=False, known_lines=[set(), set(), {"phone", "raptor"}])
    assert check.outcome == "ask"
    assert [c.id for c in check.choices] == ["laptop-off", "phone-off"]


def test_words_naming_the_device_or_a_question_for_every_device_are_kept() -> None:
    nothing: list[set[str]] = [set(), set(), set()]
    assert check_device(KB, OFF, named=True, known_lines=nothing).outcome == "keep"
    general = result("answer", ("warranty", 0.9), ("phone-off", 0.85))
    assert check_device(KB, general, named=False, known_lines=nothing).outcome == "keep"


def test_a_far_question_for_another_device_is_no_doubt() -> None:
    far = result("answer", ("desktop-off", 0.95), ("phone-off", 0.7))
    assert check_device(KB, far, named=False, known_lines=[set(), set(), set()]).outcome == "keep"


def test_a_clarify_between_devices_is_settled_by_the_one_device_known() -> None:
    doubt = result("clarify", ("phone-off", 0.95), ("laptop-off", 0.95), ("desktop-off", 0.94))
    check = check_device(KB, doubt, named=False, known_lines=[set(), {"pad", "book"}, set()])
    assert (check.outcome, check.question_id) == ("pick", "laptop-off")


def test_a_word_of_one_device_settles_which_device() -> None:
    siblings = list(OFF.candidates[:3])
    assert device_word(KB, "laptop-off", siblings, "笔记本")
    # said of several devices: no device's word
    assert not device_word(KB, "desktop-off", siblings, "没反应")
    check = check_device(KB, OFF, False, [set(), set(), set()], words=["笔记本", "开不了"])
    assert (check.outcome, check.question_id) == ("pick", "laptop-off")


def phrased(qid: str, products: list[str], title: str, *similar: str) -> StandardQuestion:
    return StandardQuestion.model_construct(
        id=qid, title=title, category="", products=products, answer="…", similar=list(similar)
    )


COMPUTER = ["book", "desktop"]
STORAGE = KnowledgeBase.model_construct(
    questions={
        q.id: q
        for q in (
            phrased("pc-full", COMPUTER, "电脑存储满了怎么清理", "C盘满了", "c盘红了怎么办"),
            phrased("pc-split", COMPUTER, "怎么给硬盘分区", "想把C盘分大一点"),
            phrased("pc-move", COMPUTER, "软件能装到别的盘吗", "软件别装C盘"),
            phrased("phone-full", ["phone"], "手机存储满了怎么清理", "手机内存满了"),
            phrased("phone-photos", ["phone"], "手机照片太多怎么清理", "相册满了"),
            phrased("backup", [], "资料怎么备份", "C盘的东西怎么备份", "怎么清理"),
        )
    },
    catalog={"product_lines": {line: {} for line in ("book", "desktop", "phone")}},
)
FULL = result("answer", ("phone-full", 0.86), ("pc-full", 0.85), ("backup", 0.7))


def test_a_term_the_base_says_of_one_device_only_settles_which_device() -> None:
    siblings = list(FULL.candidates[:2])
    # C盘 is said in phrasings of computer questions only (and of one for every device)
    assert device_word(STORAGE, "pc-full", siblings, "c盘")
    # 清理 is said of phones and computers alike
    assert not device_word(STORAGE, "pc-full", siblings, "清理")
    check = check_device(STORAGE, FULL, False, [set(), set(), set()], text="C盘红了 怎么清")
    assert (check.outcome, check.question_id) == ("pick", "pc-full")
    check = check_device(STORAGE, FULL, False, [set(), set(), set()], text="存储满了 怎么清理")
    assert check.outcome == "ask"


def test_a_match_the_matcher_is_sure_of_is_not_asked_back() -> None:
    sure = result("answer", ("desktop-off", 0.9), ("laptop-off", 0.88), confidence=0.95)
    assert check_device(KB, sure, False, [set(), set(), set()]).outcome == "keep"
    unsure = result("answer", ("desktop-off", 0.9), ("laptop-off", 0.88), confidence=0.7)
    assert check_device(KB, unsure, False, [set(), set(), set()]).outcome == "ask"


def test_a_doubt_between_devices_goes_to_the_device_named() -> None:
    doubt = result("clarify", ("laptop-off", 0.95), ("phone-off", 0.93))
    check = check_device(KB, doubt, named=True, known_lines=[{"phone"}, set(), set()])
    assert (check.outcome, check.question_id) == ("pick", "phone-off")
    # a doubt between other readings than devices is left to the customer
    other = result("clarify", ("laptop-off", 0.95), ("laptop-battery", 0.94))
    assert check_device(KB, other, True, [{"book"}, set(), set()]).outcome == "keep"


def test_small_talk_asks_the_knowledge_base_only_when_it_refers_to_it() -> None:
    read_in_context = Reply("answer", "repair-006", context={"reading": "context"})
    assert asks_knowledge(read_in_context, "那来回的邮费谁出？")
    assert not asks_knowledge(read_in_context, "好的")
    assert not asks_knowledge(read_in_context, "不用了")
    on_its_own = Reply("answer", "account-020", context={"reading": "alone"})
    assert asks_knowledge(on_its_own, "企业账号呢")
    assert not asks_knowledge(Reply("clarify"), "那好吧")
    assert asks_knowledge(read_in_context, "能加急不")  # a yes-no question, read as 不


def test_a_greeting_asks_when_its_words_ask_the_knowledge_base() -> None:
    asked = result("clarify", ("order-001", 0.75), ("repair_status-001", 0.71))
    asked = replace(asked, query="我下的单在哪查")  # the greeting's 呀 left out by normalizing
    assert asks_question(Reply("clarify", match=asked))
    hello = result("clarify", ("accessory-005", 0.6), ("order-001", 0.59))
    hello = replace(hello, query="喂喂喂")  # 在吗 left out
    assert not asks_question(Reply("clarify", match=hello))
    assert asks_question(Reply("answer", "order-001"))
