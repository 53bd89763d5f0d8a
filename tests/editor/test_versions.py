"""Where the live knowledge lives: versions in the database, seeded by the files.

Runs on SQLite and PostgreSQL, with lexical-only matching (these tests are about storage).
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import func, select

from bot.editor.drafting import drafts, edits, publishing
from bot.editor.state import EditorState
from bot.services import KnowledgeService
from bot.storage.db import Database
from bot.storage.models import KbAudit, KbVersion
from tests.editor.conftest import settings_for

EDITOR = {"username": "editor", "role": "editor"}
REVIEWER = {"username": "reviewer", "role": "reviewer"}


@pytest.fixture
def kdir(knowledge_copy: Path, tmp_path: Path) -> Path:
    target = tmp_path / "knowledge"
    shutil.copytree(knowledge_copy, target)
    return target


@pytest.fixture
def db(db_url: str) -> Iterator[Database]:
    database = Database(db_url)
    yield database
    database.dispose()


def start(db: Database, kdir: Path, tmp_path: Path) -> EditorState:
    """What the app does at start: the runtime is the knowledge source of the warm-up."""
    settings = settings_for(db.url, kdir, tmp_path / "var", matching={"encoder": "none"})
    knowledge = KnowledgeService(settings)
    rt = EditorState(db, settings, knowledge)
    knowledge.warm_up(source=rt)
    return rt


def versions(db: Database) -> list[tuple[int, str]]:
    with db.session() as s:
        return [(v.number, v.kind) for v in s.scalars(select(KbVersion).order_by(KbVersion.number))]


def publish_phrasing(rt: EditorState, qid: str, text: str) -> int:
    d = drafts.create(rt, EDITOR, "t")["id"]
    edits.add_phrasing(rt, EDITOR, d, qid, text)
    drafts.transition(rt, EDITOR, d, "submit")
    drafts.transition(rt, REVIEWER, d, "approve")
    return int(publishing.publish(rt, REVIEWER, d, force=True)["version"])


class TestVersions:
    def test_files_seed_version_one_once(self, db: Database, kdir: Path, tmp_path: Path) -> None:
        rt = start(db, kdir, tmp_path)
        assert rt.live_version == 1 and versions(db) == [(1, "files")]
        again = start(db, kdir, tmp_path)
        assert again.live_version == 1 and versions(db) == [(1, "files")]
        with db.session() as s:
            assert s.scalar(select(func.count()).select_from(KbAudit)) == 1

    def test_published_version_wins_over_files(
        self, db: Database, kdir: Path, tmp_path: Path
    ) -> None:
        rt = start(db, kdir, tmp_path)
        number = publish_phrasing(rt, "power-001", "数据库里的版本优先")
        assert "数据库里的版本优先" in rt.knowledge.kb.questions["power-001"].similar
        restarted = start(db, kdir, tmp_path)
        assert restarted.live_version == number
        assert "数据库里的版本优先" in restarted.knowledge.kb.questions["power-001"].similar
        # Files edited after an editor publish do not override it.
        faq = kdir / "faq" / "power.yml"
        faq.write_text(faq.read_text(encoding="utf-8") + "\n", encoding="utf-8")
        assert start(db, kdir, tmp_path).live_version == number
        assert versions(db) == [(1, "files"), (number, "publish")]

    def test_changed_files_become_a_version_while_nobody_published(
        self, db: Database, kdir: Path, tmp_path: Path
    ) -> None:
        start(db, kdir, tmp_path)
        faq = kdir / "faq" / "power.yml"
        text = faq.read_text(encoding="utf-8")
        faq.write_text(text.replace("笔记本开不了机怎么办", "笔记本电脑开不了机怎么办", 1), "utf-8")
        rt = start(db, kdir, tmp_path)
        assert rt.live_version == 2 and versions(db) == [(1, "files"), (2, "files")]
        assert rt.knowledge.kb.questions["power-001"].title == "笔记本电脑开不了机怎么办"
        with db.session() as s:
            diff = s.scalar(select(KbVersion.diff).where(KbVersion.number == 2))
        assert [c["id"] for c in diff["questions"]["changed"]] == ["power-001"]

    def test_replica_catches_up_with_a_publish(
        self, db: Database, kdir: Path, tmp_path: Path
    ) -> None:
        a = start(db, kdir, tmp_path)
        b = start(db, kdir, tmp_path)
        number = publish_phrasing(a, "power-002", "另一个副本也要看到")
        assert b.live_version == 1
        b.start_sync()  # polling is off in these settings: catch up by hand, as the thread does
        assert b.sync is not None
        b.sync._catch_up()
        b.close()
        assert b.live_version == number
        assert "另一个副本也要看到" in b.knowledge.kb.questions["power-002"].similar

    def test_rollback_snapshot_round_trips(self, db: Database, kdir: Path, tmp_path: Path) -> None:
        rt = start(db, kdir, tmp_path)
        first = rt.snapshot(1)
        publish_phrasing(rt, "power-003", "回滚前的问法")
        res = publishing.rollback(rt, REVIEWER, 1)
        assert rt.snapshot(res["version"]).questions == first.questions
        fresh = start(db, kdir, tmp_path)
        assert fresh.snapshot().to_json() == first.to_json()


class TestFiguresOnEveryDatabase:
    def test_hits_feedback_and_unmatched(self, db: Database, kdir: Path, tmp_path: Path) -> None:
        from bot.editor.learn import learning
        from bot.storage.models import AnswerFeedback
        from tests.editor.test_learn import say

        rt = start(db, kdir, tmp_path)  # lexical-only: clusters fall back to hashed bigrams
        conv = say(db, "会员积分怎么查", {"decision": "answer", "question_id": "member-003"})
        for text in ["洗衣机坏了你们修吗", "洗衣机坏了你们修吗", "订一张北京机票"]:
            say(db, text, {"decision": "none"})
        with db.session() as s:
            s.add(AnswerFeedback(conversation_id=conv, question_id="member-003", value="down"))
        figures = rt.stats.figures(rt.live_version)
        assert figures.hits == {"member-003": 1} and figures.down == {"member-003": 1}
        assert figures.edited["power-001"]["version"] == 1
        found = learning.unmatched(rt)
        assert found["messages"] == 3
        assert [(c["label"], c["count"]) for c in found["clusters"]] == [
            ("洗衣机坏了你们修吗", 2),
            ("订一张北京机票", 1),
        ]
