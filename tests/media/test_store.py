"""Kept files: bytes on disk under random ids, rows naming whose they are, who may read."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.media.access import Viewer, may_read
from bot.media.settings import MediaSettings
from bot.media.sniff import Refused
from bot.media.store import MediaStore
from bot.storage.db import Database, migrate
from tests.media import samples


@pytest.fixture
def store(db_url: str, tmp_path: Path) -> MediaStore:
    migrate(db_url)
    return MediaStore(Database(db_url), MediaSettings(), tmp_path / "var")


def test_a_kept_picture_is_read_back_by_its_random_id(store: MediaStore, tmp_path: Path) -> None:
    kept = store.save(samples.png(), "a.png", channel="web", sender="web-x", uploaded_by="customer")
    again = store.save(
        samples.png(), "a.png", channel="web", sender="web-x", uploaded_by="customer"
    )
    assert kept.id != again.id and len(kept.id) >= 32
    found = store.find(kept.id)
    assert found == kept
    assert store.read(found).startswith(b"\x89PNG")
    assert (tmp_path / "var" / "media" / kept.id[:2] / kept.id).is_file()
    assert kept.view()["url"] == f"/media/{kept.id}"


def test_a_refused_file_leaves_nothing_behind(store: MediaStore, tmp_path: Path) -> None:
    with pytest.raises(Refused):
        store.save(samples.EXE, "a.png", channel="web", sender="web-x", uploaded_by="customer")
    assert not (tmp_path / "var" / "media").exists() or not any(
        p.is_file() for p in (tmp_path / "var" / "media").rglob("*")
    )


def test_unknown_ids_are_not_found(store: MediaStore) -> None:
    assert store.find("nope") is None
    assert store.find("x" * 200) is None


def test_the_customer_of_the_conversation_and_staff_read_it_and_no_one_else(
    store: MediaStore,
) -> None:
    kept = store.save(samples.PDF, "a.pdf", channel="web", sender="web-a", uploaded_by="customer")
    assert may_read(kept, Viewer(channel="web", sender="web-a"))
    assert not may_read(kept, Viewer(channel="web", sender="web-b"))
    assert not may_read(kept, Viewer(channel="wechat", sender="web-a"))
    assert may_read(kept, Viewer(role="agent", username="agent1"))
    assert may_read(kept, Viewer(role="supervisor", username="super"))
    assert not may_read(kept, Viewer(role="editor", username="editor"))
    assert not may_read(kept, Viewer())
