"""snownlp's Chinese sentiment model, read straight from the files the package ships.

``import snownlp`` loads every model of the package (segmenter, tagger, pinyin, ...) and takes
seconds; the emotion stage needs only the naive Bayes sentiment model (~0.3 MB) and the
stop-word list. This reads those two files and computes the same probability as
``snownlp.sentiment.classify`` for the given words.
"""

from __future__ import annotations

import gzip
import importlib.util
import marshal
import math
from pathlib import Path
from typing import Any


def snownlp_dir() -> Path:
    """Where the installed snownlp package is (without importing it)."""
    spec = importlib.util.find_spec("snownlp")
    if spec is None or not spec.submodule_search_locations:
        raise ModuleNotFoundError("snownlp is not installed")
    return Path(next(iter(spec.submodule_search_locations)))


class SnowSentiment:
    """The naive Bayes sentiment model of snownlp (classes ``pos`` and ``neg``).

    Args:
        root: the snownlp package directory (default: the installed one).
    """

    def __init__(self, root: Path | None = None) -> None:
        root = root or snownlp_dir()
        data: dict[str, Any] = marshal.loads(
            gzip.decompress((root / "sentiment" / "sentiment.marshal.3").read_bytes())
        )
        self._classes: dict[str, tuple[dict[str, float], float, float]] = {
            k: (v["d"], float(v["total"]), float(v["none"])) for k, v in data["d"].items()
        }
        self._prior = {
            k: math.log(t) - math.log(data["total"]) for k, (_, t, _) in self._classes.items()
        }
        words = (root / "normal" / "stopwords.txt").read_text(encoding="utf-8").splitlines()
        self.stopwords = frozenset(w.strip() for w in words if w.strip())

    def negative(self, words: list[str]) -> float:
        """Probability that the text made of `words` is negative (0.5 for no usable words)."""
        words = [w for w in words if w not in self.stopwords]
        if not words:
            return 0.5
        score = {}
        for k, (counts, total, none) in self._classes.items():
            s = self._prior[k]
            for w in words:
                s += math.log(counts.get(w, none) / total)
            score[k] = s
        diff = score["pos"] - score["neg"]
        if diff > 700:  # exp would overflow: certainly positive
            return 0.0
        return 1.0 / (1.0 + math.exp(diff))
