"""Chinese names for the ids the Excel workbook shows, and back.

Service staff read 轻薄笔记本, 在保, 微信 and 开不了机 where the files say ``book``,
``in_warranty``, ``wechat`` and ``no_power``. The workbook is written with the names; a cell
read back may hold the name or the id (older exports, hand edits), and an unknown value is kept
as typed so the question check reports it.
"""

from __future__ import annotations

from bot.editor.drafting.snapshot import Snapshot

TAG_NAMES = {
    "in_warranty": "在保",
    "out_of_warranty": "过保",
    "member_normal": "普通会员",
    "member_silver": "银卡会员",
    "member_gold": "金卡会员",
    "member_black": "黑钻会员",
    "enterprise": "企业客户",
}
CHANNEL_NAMES = {"web": "网页", "wechat": "微信"}
OWNER = "owner_"  # owner_<product line>: customers who own that product line


class Names:
    """Ids to names and back, for one snapshot's product lines and trees."""

    def __init__(self, snap: Snapshot) -> None:
        lines = snap.support.catalog.get("product_lines") or {}
        self.products = {k: str((v or {}).get("name") or k) for k, v in lines.items()}
        self.trees = {k: str(t.get("title") or k) for k, t in snap.trees.items()}
        self.tags = {
            **TAG_NAMES,
            **{f"{OWNER}{k}": f"{name}用户" for k, name in self.products.items()},
        }
        self._back = {
            "products": _reverse(self.products),
            "trees": _reverse(self.trees),
            "tags": _reverse(self.tags),
            "channels": _reverse(CHANNEL_NAMES),
        }

    def product(self, pid: str) -> str:
        return self.products.get(pid, pid)

    def tag(self, tag: str) -> str:
        return self.tags.get(tag, tag)

    def channel(self, channel: str) -> str:
        return CHANNEL_NAMES.get(channel, channel)

    def tree(self, tid: str) -> str:
        return self.trees.get(tid, tid)

    def id_of(self, kind: str, text: str) -> str:
        """The id a cell names (`kind`: products, trees, tags, channels); ids pass through."""
        return self._back[kind].get(text.strip(), text.strip())


def _reverse(names: dict[str, str]) -> dict[str, str]:
    return {name: key for key, name in names.items()}
