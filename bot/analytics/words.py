"""Words of customers' messages: the top words of a group, and a message's subject.

The subject is the message's most distinctive word by TF-IDF (the IDF table jieba ships),
leaving out words every complaint or question shares (投诉, 你们, 怎么...). Cheap, stable from
run to run, and readable as a label; jieba and the table load once, on first use.
"""

from __future__ import annotations

import logging
import threading
from collections import Counter
from collections.abc import Iterable
from pathlib import Path
from typing import Any

GENERIC = {
    "投诉",
    "我要",
    "你们",
    "我们",
    "怎么",
    "怎么办",
    "什么",
    "为什么",
    "一下",
    "一个",
    "没有",
    "还是",
    "就是",
    "这个",
    "那个",
    "现在",
    "已经",
    "可以",
    "不是",
    "不能",
    "问题",
    "客服",
    "人工",
    "转人工",
    "谢谢",
    "你好",
    "您好",
    "请问",
    "星岚",
    "真的",
    "太差",
    "垃圾",
    "差评",
    "一直",
    "还要",
    "需要",
    "知道",
    "时候",
    "是不是",
    "能不能",
    "要求",
    "态度",
    "处理",
    "解决",
    "回复",
    "不行",
    "东西",
    "怎样",
    "如何",
}
_lock = threading.Lock()
_state: dict[str, Any] = {}


def _load() -> tuple[Any, dict[str, float], float]:
    with _lock:
        if not _state:
            import jieba

            logging.getLogger("jieba").setLevel(logging.WARNING)
            jieba.dt.initialize()
            idf: dict[str, float] = {}
            path = Path(jieba.__file__).parent / "analyse" / "idf.txt"
            with path.open(encoding="utf-8") as f:
                for line in f:
                    word, _, value = line.strip().partition(" ")
                    if value:
                        idf[word] = float(value)
            values = sorted(idf.values())
            _state.update(seg=jieba.dt, idf=idf, median=values[len(values) // 2])
    return _state["seg"], _state["idf"], _state["median"]


def keywords(text: str, k: int = 3) -> list[str]:
    """The `k` most distinctive words of one message, generic words left out."""
    seg, idf, median = _load()
    counts = Counter(
        w for w in seg.lcut(text) if len(w.strip()) > 1 and w not in GENERIC and not w.isdigit()
    )
    scored = sorted(counts, key=lambda w: (-counts[w] * idf.get(w, median), w))
    return scored[:k]


def subject(text: str) -> str:
    """A message's subject word ("" when it has none)."""
    found = keywords(text, 1)
    return found[0] if found else ""


def top_words(texts: Iterable[str], k: int = 8) -> list[dict[str, Any]]:
    """The words most of `texts` share, with how many texts use each."""
    counts: Counter[str] = Counter()
    for text in texts:
        counts.update(set(keywords(text, 5)))
    return [{"word": w, "count": n} for w, n in counts.most_common(k)]
