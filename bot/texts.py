"""User-facing texts of the app itself, kept in `knowledge/messages.yml` (not in code)."""

from __future__ import annotations

from pathlib import Path

import yaml

REQUIRED_KEYS = frozenset(
    {"rasa_unavailable", "message_too_long", "empty_message", "invalid_message", "internal_error"}
)


class Texts:
    """Lookup of the app's own user-facing texts by key."""

    def __init__(self, texts: dict[str, str]) -> None:
        missing = REQUIRED_KEYS - texts.keys()
        if missing:
            raise ValueError(f"messages.yml misses keys: {sorted(missing)}")
        self._texts = texts

    @classmethod
    def load(cls, knowledge_dir: Path) -> Texts:
        """Read `messages.yml` from the knowledge directory."""
        path = knowledge_dir / "messages.yml"
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        if not isinstance(data, dict):
            raise ValueError(f"{path}: expected a mapping of key -> text")
        return cls({str(k): str(v).strip() for k, v in data.items()})

    def get(self, key: str, **values: object) -> str:
        """The text for `key`, with `{placeholders}` filled in."""
        return self._texts[key].format(**values)
