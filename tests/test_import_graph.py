"""The import graph of `bot/` has no cycle, deferred or type-only imports included.

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
