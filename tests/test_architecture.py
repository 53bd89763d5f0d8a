"""The shape of the code: the import graph of `bot/` has no cycle (deferred or type-only
imports included) and no module grows past what a reader takes in at once.

Dependencies point one way (api -> dialogue, handoff, editor -> matching, diagnosis, tiering,
profile -> knowledge, storage); `scripts/depgraph.py` prints the picture.
"""

from __future__ import annotations

import importlib.util
from types import ModuleType

from tests.conftest import ROOT


def _depgraph() -> ModuleType:
    spec = importlib.util.spec_from_file_location("depgraph", ROOT / "scripts" / "depgraph.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_bot_has_no_import_cycle() -> None:
    depgraph = _depgraph()
    graph = depgraph.graph()
    assert len(graph) > 150  # the whole of bot/ was read
    assert depgraph.cycles(graph, {"runtime", "typing"}) == []


def test_the_checker_finds_a_cycle_through_a_type_only_import() -> None:
    depgraph = _depgraph()
    graph = {"a": {"b": "runtime"}, "b": {"c": "runtime"}, "c": {"a": "typing"}, "d": {}}
    assert depgraph.cycles(graph, {"runtime", "typing"}) == [["a", "b", "c"]]
    assert depgraph.cycles(graph, {"runtime"}) == []


MAX_LINES = 400
# The ORM's table definitions read best in one place; migrations are generated.
LONGER_ALLOWED = {"bot/storage/models.py"}


def test_no_module_is_longer_than_a_reader_takes_in() -> None:
    files = [*(ROOT / "bot").rglob("*.py"), *(ROOT / "actions").rglob("*.py")]
    long = {
        str(f.relative_to(ROOT)): n
        for f in files
        if "migrations" not in f.parts and (n := len(f.read_text("utf-8").splitlines())) > MAX_LINES
    }
    assert len(files) > 150
    assert {k: v for k, v in long.items() if k not in LONGER_ALLOWED} == {}
