"""Entities with the real spaCy pipeline and the shipped patterns."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bot.knowledge.errors import KnowledgeError
from bot.nlp.entities import EntityExtractor, fold
from tests.nlp.conftest import KNOWLEDGE


def _found(extractor: EntityExtractor, text: str) -> list[tuple[str, str, str, str | None]]:
    return [(e.label, e.text, e.value, e.line) for e in extractor.run(text)]


CASES = [
    ("我的逐影R9开不了机", [("MODEL", "逐影R9", "RG9", "raptor")]),
    ("RG9-2025 风扇很响", [("MODEL", "RG9-2025", "RG9-2025", "raptor")]),
    ("rg7 2024玩游戏掉帧", [("MODEL", "rg7 2024", "RG7-2024", "raptor")]),
    ("ＲＧ７－２０２４坏了", [("MODEL", "ＲＧ７－２０２４", "RG7-2024", "raptor")]),
    ("xb14开不开机怎摸办", [("MODEL", "xb14", "XB14", "book")]),
    ("我的BookPro14开不开机", [("MODEL", "BookPro14", "XB14", "book")]),
    ("bookpro 16 屏幕闪", [("MODEL", "bookpro 16", "XB16", "book")]),
    ("X60Pro多少钱", [("MODEL", "X60Pro", "X60P", "phone")]),
    ("我的星岚X60 Pro屏幕碎了", [("MODEL", "X60 Pro", "X60P", "phone")]),
    ("Pad Pro 12.6 充电慢", [("MODEL", "Pad Pro 12.6", "XPP12", "pad")]),
    ("游戏本打游戏掉帧", [("PRODUCT_LINE", "游戏本", "raptor", "raptor")]),
    (
        "平板和鼠标都连不上蓝牙",
        [
            ("PRODUCT_LINE", "平板", "pad", "pad"),
            ("PRODUCT_LINE", "鼠标", "accessory", "accessory"),
        ],
    ),
    ("我的手机号是多少", []),  # 手机 inside 手机号 is not a product
    ("蓝屏了 错误代码0x0000007B", [("ERROR_CODE", "0x0000007B", "0x0000007B", None)]),
    ("错误代码 0xc000021a 进不去系统", [("ERROR_CODE", "0xc000021a", "0xC000021A", None)]),
    (
        "stop code: CRITICAL_PROCESS_DIED",
        [
            ("ERROR_CODE", "CRITICAL_PROCESS_DIED", "CRITICAL_PROCESS_DIED", None),
        ],
    ),
    ("设备管理器显示代码43", [("ERROR_CODE", "43", "43", None)]),
    ("订单号2024112310023456还没发货", [("ORDER", "2024112310023456", "2024112310023456", None)]),
    ("订单：8841230099 怎么取消", [("ORDER", "8841230099", "8841230099", None)]),
    ("手机号13812345678", [("PHONE", "13812345678", "13812345678", None)]),
    ("电话 138-1234-5678 回电", [("PHONE", "138-1234-5678", "13812345678", None)]),
    ("序列号XLR4K7Q2M9PZ", [("SERIAL", "XLR4K7Q2M9PZ", "XLR4K7Q2M9PZ", None)]),
    ("sn是pf3xkz7a", [("SERIAL", "pf3xkz7a", "PF3XKZ7A", None)]),
    ("会员号XL10000001", [("MEMBER_ID", "XL10000001", "XL10000001", None)]),
    ("我想问下保修多久", []),
]


class TestEntities:
    @pytest.mark.parametrize(("text", "expected"), CASES, ids=[c[0] for c in CASES])
    def test_entities_are_found_with_kind_text_and_value(
        self, extractor: EntityExtractor, text: str, expected: list
    ) -> None:
        assert _found(extractor, text) == expected

    def test_several_kinds_in_one_message(self, extractor: EntityExtractor) -> None:
        text = "逐影 Raptor R9 蓝屏 0x0000007B，序列号 XLR7K2Q9M4PZ，电话13912345601"
        labels = [e.label for e in extractor.run(text)]
        assert labels == ["MODEL", "ERROR_CODE", "SERIAL", "PHONE"]

    def test_offsets_point_into_the_message(self, extractor: EntityExtractor) -> None:
        text = "您好，我的ＸＢ１４－２０２５开不了机"
        (e,) = extractor.run(text)
        assert text[e.start : e.end] == e.text == "ＸＢ１４－２０２５"
        assert e.value == "XB14-2025" and e.to_dict()["line"] == "book"

    def test_folding_keeps_the_text_length(self) -> None:
        for text in ["ＲＧ９－２０２５", "İstanbul ＡＢＣ", "全角！？"]:
            assert len(fold(text)) == len(text)


class TestPatternFiles:
    def test_editors_can_add_an_alias(self, tmp_path: Path) -> None:
        folder = _copy(tmp_path)
        products = folder / "products.yml"
        products.write_text(
            products.read_text(encoding="utf-8").replace("models:\n", "models:\n  小钢炮: RG7\n"),
            encoding="utf-8",
        )
        extractor = EntityExtractor(folder)
        assert _found(extractor, "小钢炮开不了机") == [("MODEL", "小钢炮", "RG7", "raptor")]

    def test_broken_files_name_file_line_and_field(self, tmp_path: Path) -> None:
        folder = _copy(tmp_path)
        (folder / "formats.yml").write_text(
            "patterns:\n  - label: ORDER\n    regex: '(\\d+'\n", encoding="utf-8"
        )
        products = folder / "products.yml"
        products.write_text(
            products.read_text(encoding="utf-8").replace("models:\n", "models:\n  Z9: ZZ9\n"),
            encoding="utf-8",
        )
        with pytest.raises(KnowledgeError) as err:
            EntityExtractor(folder).warm_up()
        text = str(err.value)
        assert "entities/formats.yml:3: patterns[0].regex: not a valid regular expression" in text
        assert "entities/products.yml:" in text and "models.Z9" in text
        assert "'ZZ9' is not a model number" in text


def _copy(tmp_path: Path) -> Path:
    folder = tmp_path / "entities"
    shutil.copytree(KNOWLEDGE / "entities", folder)
    shutil.copy(KNOWLEDGE / "catalog.yml", tmp_path / "catalog.yml")
    return folder
