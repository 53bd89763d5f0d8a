"""``python -m bot.matching.engine``: build the engine for this machine (when missing)."""

from __future__ import annotations

import logging
import sys

from bot.matching.engine import ensure

if __name__ == "__main__":
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    path = ensure()
    print(path if path else "bundled engine (build failed, see above)")
    sys.exit(0)
