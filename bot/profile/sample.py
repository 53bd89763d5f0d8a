"""Generate the sample customers (`knowledge/sample_customers.yml`), deterministically.

    python -m bot.profile.sample [--count 240] [--out knowledge/sample_customers.yml]

The first customers are fixed personas the tests and demos refer to; the rest are drawn from a
seeded random generator, so the file is the same on every run. Dates are relative to `AS_OF`;
the seeder shifts them to the day it runs, so warranty and recency stay realistic.
"""

from __future__ import annotations

import argparse
import random
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import yaml

from bot.config import ROOT
from bot.profile.personas import PERSONAS

AS_OF = date(2026, 11, 23)
SEED = 20261123


def _words(text: str) -> list[str]:
    return text.split()


SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高郑梁谢宋唐韩冯于董萧程"
    "曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎余潘杜戴夏钟汪田任姜范方"
    "石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段雷钱汤尹黎易"
)
GIVEN_M = _words(
    "伟 强 磊 军 勇 杰 涛 斌 超 明 刚 平 辉 鹏 华 飞 鑫 波 "
    "宇 浩 凯 健 俊 帆 帅 旭 宁 龙 林 阳 建国 志强 文博 子轩 "
    "浩然 宇航 俊杰 晨阳 家豪 嘉懿"
)
GIVEN_F = _words(
    "芳 娜 敏 静 丽 艳 娟 霞 秀英 玲 婷 雪 慧 颖 琳 洁 倩 晶 "
    "欣怡 梓涵 诗涵 雨桐 思雨 佳琪 梦瑶 晓燕 丹 璐 薇 萍"
)
COMPANIES = [
    "上海启明软件有限公司",
    "杭州云帆网络科技有限公司",
    "深圳市鼎新电子有限公司",
    "北京博远咨询有限公司",
    "成都蓝海教育科技有限公司",
    "苏州恒泰精密制造有限公司",
    "广州市南粤设计工作室",
    "武汉光谷数据服务有限公司",
    "南京中诚会计师事务所",
    "西安启航职业技术学校",
    "宁波海信达物流有限公司",
    "长沙湘江传媒有限公司",
]
PHONE_PREFIXES = _words(
    "130 131 132 135 136 137 138 139 150 "
    "151 152 155 157 158 159 166 176 177 "
    "180 181 186 187 188 189 191 198 199"
)
LINES = {"book": 30, "raptor": 20, "phone": 20, "pad": 10, "desktop": 10, "accessory": 10}
SERIAL_CODE = dict(book="B", raptor="R", desktop="D", pad="P", phone="M", accessory="A")
SERIAL_CHARS = "0123456789ABCDEFGHJKLMNPQRSTUVWXYZ"
CHANNELS = {"星岚商城": 40, "京东自营": 25, "天猫旗舰店": 15, "线下门店": 15, "苏宁易购": 5}
LEVELS = {"normal": 45, "silver": 25, "gold": 20, "black": 10}
PRICES = dict(book=6999, raptor=9999, desktop=5999, pad=2999, phone=3999, accessory=299)


def models_by_line(catalog: dict[str, Any]) -> dict[str, list[str]]:
    """Model numbers of each product line of catalog.yml."""
    return {
        line: [str(m) for s in (spec or {}).get("series") or [] for m in s.get("models") or []]
        for line, spec in (catalog.get("product_lines") or {}).items()
    }


def warranty_years(line: str, level: str) -> int:
    """Whole-device warranty of catalog.yml's policy: PCs 2 years (Raptor 3 for gold+), else 1."""
    if line == "raptor" and level in ("gold", "black"):
        return 3
    return 2 if line in ("book", "raptor", "desktop") else 1


def _add_years(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def _pick(rng: random.Random, weights: dict[str, int]) -> str:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def _device(rng: random.Random, models: dict[str, list[str]], level: str, channel: str | None):
    line = _pick(rng, LINES)
    model = rng.choice(models[line])
    year = int(model[-4:]) if model[-4:].isdigit() else 2024
    earliest = max(date(year, 3, 1), AS_OF - timedelta(days=4 * 365))
    bought = earliest + timedelta(days=rng.randrange(max(1, (AS_OF - earliest).days)))
    years = warranty_years(line, level) + (1 if rng.random() < 0.15 else 0)  # 延保
    serial = "XL" + SERIAL_CODE[line] + "".join(rng.choice(SERIAL_CHARS) for _ in range(9))
    return {
        "line": line,
        "model": model,
        "serial": serial,
        "purchased_on": bought,
        "channel": channel or _pick(rng, CHANNELS),
        "warranty_until": _add_years(bought, years) - timedelta(days=1),
    }


def _order(rng: random.Random, day: date, items: list[str], amount: float, status: str):
    stamp = datetime(day.year, day.month, day.day, rng.randrange(8, 23), rng.randrange(60))
    number = day.strftime("%Y%m%d") + "".join(rng.choice("0123456789") for _ in range(8))
    return dict(order_no=number, placed_at=stamp, status=status, amount=amount, items=items)


def random_customer(rng: random.Random, n: int, models: dict[str, list[str]]) -> dict[str, Any]:
    """One random, plausible customer."""
    gender = rng.choice("MF")
    name = rng.choice(SURNAMES) + rng.choice(GIVEN_M if gender == "M" else GIVEN_F)
    enterprise = rng.choice(COMPANIES) if rng.random() < 0.08 else None
    level = "gold" if enterprise and rng.random() < 0.6 else _pick(rng, LEVELS)
    channel = "企业采购" if enterprise else None
    devices = [_device(rng, models, level, channel) for _ in range(rng.choice((1, 1, 1, 2, 2, 3)))]
    orders = [
        _order(rng, d["purchased_on"], [d["model"]], float(PRICES[d["line"]]), "已完成")
        for d in devices
        if d["channel"] == "星岚商城"
    ]
    if rng.random() < 0.2:  # a recent order: accessory, care plan, or a new device on its way
        day = AS_OF - timedelta(days=rng.randrange(30))
        item = rng.choice(["GaN65", "M3", "Buds3", "碎屏保", "延保服务", *models["book"]])
        orders.append(_order(rng, day, [item], 199.0, rng.choice(["待发货", "运输中", "已完成"])))
    n_contacts = rng.choice((0, 0, 0, 1, 1, 2, 4))
    contacts = sorted({AS_OF - timedelta(days=rng.randrange(1, 30)) for _ in range(n_contacts)})
    return {
        "member_id": f"XL{10000000 + n:08d}",
        "name": name,
        "gender": gender,
        "phone": rng.choice(PHONE_PREFIXES) + f"{rng.randrange(10**8):08d}",
        "member_level": level,
        "enterprise": enterprise,
        "devices": devices,
        "orders": orders,
        "history": {
            "contacts": contacts,
            "handoffs": rng.choice((0, 0, 0, 0, 1, 1, 2)),
            "complaints": rng.choice((0,) * 12 + (1,)),
            "unresolved_tickets": rng.choice((0,) * 6 + (1,)),
        },
    }


def generate(count: int = 240, catalog: dict[str, Any] | None = None) -> dict[str, Any]:
    """The sample file's content: `as_of` and `customers` (personas first)."""
    if catalog is None:
        catalog = yaml.safe_load((ROOT / "knowledge" / "catalog.yml").read_text(encoding="utf-8"))
    models = models_by_line(catalog)
    rng = random.Random(SEED)
    customers = [dict(p) for p in PERSONAS]
    for n in range(len(customers) + 1, count + 1):
        customers.append(random_customer(rng, n, models))
    return {"as_of": AS_OF, "customers": customers}


def main() -> None:
    """Write the sample file."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=240)
    parser.add_argument("--out", type=Path, default=ROOT / "knowledge" / "sample_customers.yml")
    args = parser.parse_args()
    header = (
        "# Sample customers of the embedded profile (fictional people and companies).\n"
        "# Generated by `python -m bot.profile.sample`; the seeder shifts every date by\n"
        "# (today - as_of), so warranty states and recent contacts stay current.\n"
    )
    body = yaml.safe_dump(generate(args.count), allow_unicode=True, sort_keys=False, width=120)
    args.out.write_text(header + body, encoding="utf-8")
    print(f"wrote {args.count} customers to {args.out}")


if __name__ == "__main__":
    main()
