"""What goes wrong in the editor, in a form the page can show in Chinese.

Python returns codes and fields; the page holds the Chinese wording (STYLE: user-facing text
lives outside Python). `message` is an English fallback for API clients.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass(frozen=True)
class Problem:
    """One validation problem of a question, a tree or an imported file."""

    item: str  # question id, tree id, or file name
    field: str  # e.g. similar[3], nodes.light.options[1].next, row 12
    code: str  # e.g. invalid, dead_end, orphan, loop, unknown_product
    message: str
    kind: str = "question"  # question | tree | file
    node: str | None = None  # tree node id, when the problem is on a node

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return asdict(self)


@dataclass
class EditorError(Exception):
    """An operation the editor refuses; `status` is the HTTP status the API answers with."""

    status: int
    code: str
    message: str
    detail: dict[str, Any] = field(default_factory=dict)

    def __str__(self) -> str:
        return f"{self.code}: {self.message}"

    def to_dict(self) -> dict[str, Any]:
        """The API's error body."""
        return {"code": self.code, "message": self.message, **self.detail}


def invalid(problems: list[Problem], message: str = "validation failed") -> EditorError:
    """A 422 listing `problems`."""
    return EditorError(422, "invalid", message, {"problems": [p.to_dict() for p in problems]})


def not_found(what: str, ident: object) -> EditorError:
    """A 404 for a missing question, tree, draft or version."""
    return EditorError(404, "not_found", f"no {what} {ident!r}", {"what": what, "id": str(ident)})


def forbidden(code: str, message: str) -> EditorError:
    """A 403: the role or the workflow does not allow this user to do this now."""
    return EditorError(403, code, message)


def conflict(code: str, message: str, **detail: Any) -> EditorError:
    """A 409: the state changed or needs attention first (e.g. review, conflicts)."""
    return EditorError(409, code, message, detail)
