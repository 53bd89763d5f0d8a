"""A small tree in a temporary knowledge directory, for tests of the engine and the loader."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bot.diagnosis.engine import Diagnoser
from bot.diagnosis.loader import load_diagnosis
from tests.conftest import ROOT

MINI_TREE = """\
id: mini
title: 开不了机
products: [book]
skills: [hardware]
start: light
nodes:
  - id: light
    ask: 按下电源键后，电源指示灯有没有亮？
    options:
      - label: 灯亮了
        synonyms: [亮了, 有亮, 灯是亮的, 亮]
        understood: 电源指示灯会亮
        next: screen
      - label: 完全没反应
        synonyms: [不亮, 没亮, 灯不亮, 没反应]
        understood: 按电源键没有任何反应
        next: charge
  - id: screen
    ask: 屏幕有没有显示内容？
    options:
      - label: 屏幕是黑的
        synonyms: [黑屏, 屏幕黑, 什么都不显示]
        understood: 屏幕不显示
        next: external
      - label: 有画面
        synonyms: [能显示, 有显示, 亮屏]
        next: board
  - id: charge
    solution: |
      请接上原装充电器充电 30 分钟，再长按电源键 15 秒后开机。
    link: {title: 预约寄修, url: https://service.xinglan.example/repair}
    unsolved: board
  - id: external
    solution: 请外接一台显示器，按 Fn+F7 切换输出。
    unsolved: board
  - id: board
    escalate:
      summary: 已充电并长按电源键，仍无法开机，疑似主板供电故障
      skills: [hardware, book]
"""


@pytest.fixture
def kb_dir(tmp_path: Path) -> Path:
    """A knowledge directory with the shipped catalogue, skills and controls and one tree."""
    root = tmp_path / "knowledge"
    (root / "diagnosis").mkdir(parents=True)
    for name in ("catalog.yml", "skills.yml"):
        shutil.copy(ROOT / "knowledge" / name, root / name)
    shutil.copy(ROOT / "knowledge" / "diagnosis" / "_controls.yml", root / "diagnosis")
    (root / "diagnosis" / "mini.yml").write_text(MINI_TREE, encoding="utf-8")
    return root


@pytest.fixture
def diagnoser(kb_dir: Path) -> Diagnoser:
    """The engine over the mini tree."""
    return Diagnoser(load_diagnosis(kb_dir, {"book", "raptor", "desktop", "pad", "phone"}))
