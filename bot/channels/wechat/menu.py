"""The Official Account's custom menu: a YAML file, checked, published, and its topics.

The file is WeChat's own menu JSON written as YAML, plus one field of ours: a `click` item's
`topic` is what the bot receives when the user taps it (as if they had typed it).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from bot.gateway.types import Button

# WeChat's documented limits: 3 top-level items of 16 bytes, 5 sub-items of 60 bytes.
TOP_NAME_BYTES = 16
SUB_NAME_BYTES = 60
KEY_BYTES = 128


class MenuError(ValueError):
    """A menu file that WeChat would refuse, with the place of the problem."""


class MenuItem(BaseModel):
    """One menu item: a `click` (with `key` and our `topic`), a `view` link, or a group."""

    model_config = ConfigDict(extra="allow")

    name: str = Field(min_length=1)
    type: str | None = None
    key: str | None = Field(None, max_length=KEY_BYTES)
    url: str | None = None
    topic: str | None = None
    sub_button: list[MenuItem] = Field(default_factory=list, max_length=5)

    @model_validator(mode="after")
    def _complete(self) -> MenuItem:
        if self.sub_button:
            if self.type is not None:
                raise ValueError(f"{self.name}: a group with sub_button has no type")
            return self
        if self.type is None:
            raise ValueError(f"{self.name}: type or sub_button is required")
        if self.type == "click" and not (self.key and self.topic):
            raise ValueError(f"{self.name}: a click item needs key and topic")
        if self.type == "view" and not self.url:
            raise ValueError(f"{self.name}: a view item needs url")
        return self

    def to_wechat(self) -> dict[str, Any]:
        """WeChat's JSON for this item (without `topic`)."""
        data = self.model_dump(exclude_none=True, exclude={"topic", "sub_button"})
        if self.sub_button:
            data["sub_button"] = [item.to_wechat() for item in self.sub_button]
        return data


class Menu(BaseModel):
    """The whole custom menu."""

    button: list[MenuItem] = Field(min_length=1, max_length=3)

    @model_validator(mode="after")
    def _names_fit(self) -> Menu:
        keys: set[str] = set()
        for top in self.button:
            _check_name(top.name, TOP_NAME_BYTES)
            for sub in top.sub_button:
                _check_name(sub.name, SUB_NAME_BYTES)
        for item in self.clicks():
            if item.key in keys:
                raise ValueError(f"key {item.key} is used twice")
            keys.add(item.key or "")
        return self

    def clicks(self) -> list[MenuItem]:
        """Every click item, in menu order."""
        items = [s for top in self.button for s in (top.sub_button or [top])]
        return [i for i in items if i.type == "click"]

    def topic(self, key: str) -> str | None:
        """The topic of a click item's key."""
        return next((i.topic for i in self.clicks() if i.key == key), None)

    def topic_buttons(self, limit: int = 6) -> list[Button]:
        """The menu's topics as choices (e.g. in the welcome message)."""
        return [Button(title=i.name, payload=i.topic or i.name) for i in self.clicks()][:limit]

    def to_wechat(self) -> dict[str, Any]:
        """The body of `POST /cgi-bin/menu/create`."""
        return {"button": [item.to_wechat() for item in self.button]}


def _check_name(name: str, limit: int) -> None:
    if len(name.encode("utf-8")) > limit:
        raise ValueError(f"menu name {name!r} is over {limit} bytes")


def load_menu(path: Path) -> Menu:
    """Read and check a menu file; `MenuError` names the file and the problem."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        return Menu.model_validate(data)
    except (OSError, yaml.YAMLError) as exc:
        raise MenuError(f"{path}: {exc}") from exc
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e['loc']) or 'menu'}: {e['msg']}" for e in exc.errors()
        )
        raise MenuError(f"{path}: {problems}") from exc
