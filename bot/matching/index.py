"""The searchable index of one knowledge base, and its (incremental) construction."""

from __future__ import annotations

import hashlib
import re
import threading
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from pathlib import Path

import numpy as np

from bot.knowledge.schema import DictWord, KnowledgeBase, StandardQuestion
from bot.matching.dense import DenseRetriever, EmbeddingCache
from bot.matching.fuse import group_layout
from bot.matching.lexical import LexicalRetriever, lexical_terms
from bot.matching.normalize import Normalizer
from bot.matching.pinyin import PinyinRepair
from bot.matching.segment import Segmenter
from bot.matching.settings import MatchingSettings


@dataclass(frozen=True)
class Index:
    """Everything a query needs, built from one knowledge base; never mutated once live."""

    kb: KnowledgeBase
    normalizer: Normalizer
    segmenter: Segmenter
    lexical: LexicalRetriever
    dense: DenseRetriever | None
    layout: np.ndarray  # phrasings of each question, see `fuse.group_layout`
    owner: np.ndarray  # question position of each phrasing
    qids: list[str]
    titles: list[str]
    products: list[frozenset[str]]  # product lines per question; empty = all
    windows: list[tuple[date | None, date | None]]
    model_lines: dict[str, str]  # model number (lower case) -> product line
    model_re: re.Pattern[str] | None
    starts: np.ndarray  # first valid day of each question (proleptic ordinal; 0 = always)
    ends: np.ndarray  # last valid day of each question (ordinal; a far future day = always)
    line_masks: dict[str, np.ndarray]  # product line -> questions that apply to it
    outside_re: re.Pattern[str] | None = None  # words of things the centre does not serve
    outside_known: tuple[frozenset[str], ...] = ()  # those words each question speaks of
    repair: PinyinRepair | None = None  # the base's words back where a query has their sound
    line_words: dict[str, frozenset[str]] = field(default_factory=dict)  # word -> its lines

    def conflict(self, query: str, top: int) -> bool:
        """Whether the query names product lines the matched question is not for.

        「电脑老是很卡怎么办」 matched to the phone's 卡顿: 电脑 is said in questions of the
        computer lines, the 卡顿 question is for phones and tablets. A query naming a line of
        the question too (手机连电脑传文件) is no conflict; nor is a question for every line.
        """
        own = self.products[top]
        if not own or not self.line_words:
            return False
        named = [lines for word, lines in self.line_words.items() if word in query]
        return bool(named) and all(own.isdisjoint(lines) for lines in named)

    def lines_named(self, query: str) -> list[frozenset[str]]:
        """The product lines a normalized query names: one set per line word (learnt from the
        base's titles, see `_line_words`) or model number found in it."""
        named = [lines for word, lines in self.line_words.items() if word in query]
        if self.model_re is not None:
            named += [frozenset({self.model_lines[m]}) for m in self.model_re.findall(query)]
        return named

    def query(self, normalized: str) -> str:
        """The normalized query as matched: pinyin and homophones of base words repaired."""
        return self.repair.run(normalized) if self.repair is not None else normalized

    def outside(self, query: str) -> frozenset[str]:
        """Words of `knowledge/scope.yml` in a normalized query."""
        if self.outside_re is None:
            return frozenset()
        return frozenset(self.outside_re.findall(query))

    def terms(self, query: str, tokens: list[str]) -> list[str]:
        """Lexical terms of a normalized query."""
        return lexical_terms(query, tokens)

    def boost(
        self,
        query: str,
        products: list[str] | None,
        tags: set[str] | frozenset[str],
        amount: float,
        today: date,
    ) -> np.ndarray:
        """Per-question additive adjustment of the fused score.

        Questions outside their validity window get -inf (they cannot be matched). When the
        customer's product lines are known (given, from ``owner_<line>`` tags, or from a model
        number in the query), questions that apply to one of them get `amount`.
        """
        day = today.toordinal()
        out = np.where((self.starts <= day) & (day <= self.ends), 0.0, -np.inf).astype(np.float32)
        lines = set(products or ())
        lines.update(t.removeprefix("owner_") for t in tags if t.startswith("owner_"))
        if self.model_re is not None:
            lines.update(self.model_lines[m] for m in self.model_re.findall(query))
        if lines and amount:
            masks = [self.line_masks[line] for line in lines if line in self.line_masks]
            # Questions for every line apply to any customer, hence also boosted.
            applies = np.logical_or.reduce([self.line_masks[""], *masks])
            out[applies] += amount
        return out


_FOREVER = date.max.toordinal()


def _models(kb: KnowledgeBase) -> dict[str, str]:
    """Model numbers and their unambiguous prefixes (rg7-2024 -> raptor, rg7 -> raptor)."""
    full = kb.model_lines()
    prefixes: dict[str, set[str]] = {}
    for model, line in full.items():
        head = model.split("-")[0]
        if head != model and len(head) >= 3:
            prefixes.setdefault(head, set()).add(line)
    out = dict(full)
    out.update({p: next(iter(ls)) for p, ls in prefixes.items() if len(ls) == 1 and p not in full})
    return out


_GENERAL = Path(__file__).resolve().parent / "data" / "general.txt"


@lru_cache(maxsize=1)
def general_messages() -> tuple[str, ...]:
    """The shipped general corpus: chit-chat and other trades' questions (`data/general.txt`)."""
    lines = _GENERAL.read_text(encoding="utf-8").splitlines()
    return tuple(t.strip() for t in lines if t.strip() and not t.startswith("#"))


_SENTENCE_RE = re.compile(r"[。！？；;!?\n]")
ANSWER_CHARS = 300  # of an answer embedded for the decision's answer features


def answer_text(title: str, answer: str) -> str:
    """What is embedded of a question's default answer: its first `ANSWER_CHARS` characters,
    whitespace collapsed (the title when the answer is empty)."""
    text = " ".join(answer.split())[:ANSWER_CHARS]
    return text or title


def _words_re(words: list[str], whole_words: bool = False) -> re.Pattern[str] | None:
    """One pattern finding any of `words`, longest first.

    A word matches only where no latin letter or digit touches it when it is latin (``mac`` is
    not found in ``macbook``) or when `whole_words` is set (model numbers: ``x60`` not in
    ``x600``); a Chinese word matches anywhere.
    """
    words = sorted({w for w in words if w}, key=len, reverse=True)
    if not words:
        return None
    parts = [
        rf"(?<![a-z0-9]){re.escape(w)}(?![a-z0-9])" if whole_words or w.isascii() else re.escape(w)
        for w in words
    ]
    return re.compile("|".join(parts))


LINE_WORD_MIN = 3  # titles of line-specific questions a word must be said in
LINE_WORD_STRAY = 0.1  # share of them that may be for other lines only (怎么 is said for all)
LINE_WORD_SHARE = 0.12  # share of the titles of its lines' questions a line word is said in


def _line_words(
    questions: list[StandardQuestion], segmenter: Segmenter, normalizer: Normalizer
) -> dict[str, frozenset[str]]:
    """Words that name product lines, learnt from the base: a word said in the titles of at
    least `LINE_WORD_MIN` line-specific questions, mapped to the lines at least half of them
    are for, and hardly ever in a question for other lines only (电脑 -> the computer lines;
    怎么 and 卡顿 are said for every line: no product word)."""
    said: dict[str, list[frozenset[str]]] = {}
    every = frozenset().union(*(q.products for q in questions))
    specific = [frozenset(q.products) for q in questions if q.products and set(q.products) != every]
    for q in questions:
        if not q.products or frozenset(q.products) == every:
            continue
        title = normalizer.run(q.title)["text"]
        for word in set(segmenter.run(title)["tokens"]):
            if len(word) >= 2 and not word.isascii():
                said.setdefault(word, []).append(frozenset(q.products))
    out = {}
    for word, lines in said.items():
        if len(lines) < LINE_WORD_MIN:
            continue
        counts = Counter(line for own in lines for line in own)
        named = frozenset(line for line, n in counts.items() if 2 * n >= len(lines))
        elsewhere = sum(own.isdisjoint(named) for own in lines)
        # A name of the lines is said in many of their questions (电脑, 手机), a common word in
        # few of them (可以, 问题).
        theirs = sum(not own.isdisjoint(named) for own in specific)
        if (
            named
            and named != every
            and elsewhere <= LINE_WORD_STRAY * len(lines)
            and len(lines) >= LINE_WORD_SHARE * theirs
        ):
            out[word] = named
    return out


class IndexBuilder:
    """Builds `Index` objects, reusing what earlier builds computed.

    Normalized phrasings and their terms are cached by text while the synonyms and the
    dictionary stay the same; embeddings are cached by normalized text in the shared
    `EmbeddingCache`. So a rebuild after an edit only processes the edited phrasings.

    Args:
        settings: matching settings.
        cache: embedding cache, or None for lexical-only matching.
    """

    def __init__(self, settings: MatchingSettings, cache: EmbeddingCache | None) -> None:
        self.settings = settings
        self.cache = cache
        self._fingerprint = ""
        self._normalizer: Normalizer | None = None
        self._segmenter: Segmenter | None = None
        self._texts: dict[str, tuple[str, list[str]]] = {}
        self._known: dict[tuple[str, ...], frozenset[str]] = {}  # question texts -> outside words
        self._norms: dict[str, str] = {}  # other texts (negatives) -> normalized
        self._lock = threading.Lock()

    def _normalized(self, normalizer: Normalizer, text: str) -> str:
        """`text` normalized, cached while the synonyms stay the same."""
        if text not in self._norms:
            self._norms[text] = normalizer.run(text)["text"]
        return self._norms[text]

    def warm_up(self) -> None:
        """Load jieba's dictionary and the script converter."""
        Normalizer([], self.settings.max_query_chars).warm_up()
        Segmenter([]).warm_up()

    def build(self, kb: KnowledgeBase) -> Index:
        """Build the index of `kb` (does not touch any live index)."""
        with self._lock:
            models = _models(kb)
            words = list(kb.dictionary) + [DictWord(word=m, freq=2000, tag="nz") for m in models]
            fingerprint = hashlib.sha1(repr((kb.synonyms, words, kb.outside)).encode()).hexdigest()
            normalizer, segmenter = self._normalizer, self._segmenter
            if fingerprint != self._fingerprint or normalizer is None or segmenter is None:
                # New synonyms or words change how every phrasing reads: start afresh.
                normalizer = Normalizer(kb.synonyms, self.settings.max_query_chars)
                normalizer.warm_up()
                segmenter = Segmenter(words)
                segmenter.warm_up()
                self._normalizer, self._segmenter = normalizer, segmenter
                self._texts, self._fingerprint, self._known = {}, fingerprint, {}
                self._norms = {}
            texts: list[str] = []
            docs: list[list[str]] = []  # one lexical document per question
            starts: list[int] = []
            kept: dict[str, tuple[str, list[str]]] = {}
            for question in kb.questions.values():
                starts.append(len(texts))
                doc: list[str] = []
                # Keywords are not indexed: added to the lexical document they cost 1.5 points
                # of top-1 on the tune set (they are fragments shared by neighbouring questions).
                for phrasing in question.phrasings:
                    if phrasing not in self._texts:
                        norm = normalizer.run(phrasing)["text"]
                        self._texts[phrasing] = (
                            norm,
                            lexical_terms(norm, segmenter.run(norm)["tokens"]),
                        )
                    norm, terms = kept[phrasing] = self._texts[phrasing]
                    texts.append(norm)
                    doc.extend(terms)
                # A question is one lexical document: all its phrasings together say which
                # words users use for it (top-1 0.36 vs 0.21 for the best single phrasing).
                docs.append(doc)
            self._texts = kept  # forget phrasings that were edited away
            repair = None
            if self.settings.pinyin_repair:
                spoken = (t[2:] for _, terms in kept.values() for t in terms if t.startswith("w:"))
                repair = PinyinRepair(
                    spoken, segmenter.known, lambda run: segmenter.run(run)["tokens"]
                )
            lexical = LexicalRetriever(self.settings.bm25_k1, self.settings.bm25_b)
            lexical.fit(docs)
            dense = None
            if self.cache is not None:
                dense = DenseRetriever(self.cache)
                # Answers too: whether the answer speaks to the query is evidence for the
                # decision (features `anscos`, `ansmargin`); cached by text like phrasings.
                answers = [answer_text(q.title, q.answer) for q in kb.questions.values()]
                # Messages not to answer, read like queries (feature `negcos`): the base's own
                # (negatives.yml), or when it has none, the shipped general corpus minus what
                # the base answers (the decision model of a base with its own was fitted on
                # them alone).
                general = () if kb.negatives else general_messages()
                negatives = [self._normalized(normalizer, t) for t in kb.negatives]
                corpus = [self._normalized(normalizer, t) for t in general]
                self._norms = {t: self._norms[t] for t in (*kb.negatives, *general)}
                bounds = np.append(np.array(starts, dtype=np.int64), len(texts))
                dense.fit(
                    texts,
                    answers,
                    negatives,
                    corpus,
                    np.repeat(np.arange(len(starts)), np.diff(bounds)),
                )
            model_re = _words_re(list(models), whole_words=True)
            questions = list(kb.questions.values())
            outside_re = _words_re([normalizer.run(w)["text"] for w in kb.outside if w.strip()])
            known: list[frozenset[str]] = []
            known_kept: dict[tuple[str, ...], frozenset[str]] = {}
            for q in questions:
                said = (q.title, *q.similar, *q.keywords, *_SENTENCE_RE.split(q.answer))
                if said not in self._known:
                    found = (
                        outside_re.findall(normalizer.run(t)["text"]) if outside_re else []
                        for t in said
                        if t
                    )
                    self._known[said] = frozenset(w for words in found for w in words)
                known_kept[said] = self._known[said]
                known.append(known_kept[said])
            self._known = known_kept  # forget questions that were edited away
            products = [frozenset(q.products) for q in questions]
            every = np.array([not own for own in products])
            line_masks = {"": every}
            for line in sorted(set().union(*products)):
                line_masks[line] = every | np.array([line in own for own in products])
            bounds = np.append(np.array(starts, dtype=np.int64), len(texts))
            owner = np.repeat(np.arange(len(starts)), np.diff(bounds))
            return Index(
                kb=kb,
                normalizer=normalizer,
                segmenter=segmenter,
                lexical=lexical,
                dense=dense,
                layout=group_layout(np.array(starts, dtype=np.int64), len(texts)),
                owner=owner,
                qids=[q.id for q in questions],
                titles=[q.title for q in questions],
                products=products,
                windows=[(q.valid_from, q.valid_until) for q in questions],
                model_lines=models,
                model_re=model_re,
                starts=np.array(
                    [q.valid_from.toordinal() if q.valid_from else 0 for q in questions]
                ),
                ends=np.array(
                    [q.valid_until.toordinal() if q.valid_until else _FOREVER for q in questions]
                ),
                line_masks=line_masks,
                outside_re=outside_re,
                outside_known=tuple(known),
                repair=repair,
                line_words=_line_words(questions, segmenter, normalizer),
            )
