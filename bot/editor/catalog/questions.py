"""Standard questions as the editor stores them: canonical JSON, checked like the files are."""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError

from bot.editor.errors import Problem
from bot.knowledge.schema import ID_PATTERN, StandardQuestion

# Problems the page words itself; anything else shows the English message.
_CODES = (
    ("at least", "too_few_similar"),
    ("duplicate phrasing", "duplicate_phrasing"),
    ("repeats the title", "similar_repeats_title"),
    ("unknown product", "unknown_product"),
    ("unknown customer tag", "unknown_tag"),
    ("valid_from is after", "bad_window"),
    ("http(s) URL", "bad_url"),
    ("must not be empty", "empty"),
    ("Field required", "required"),
    ("must look like", "bad_id"),
)


def canonical(question: StandardQuestion) -> dict[str, Any]:
    """The stored form: JSON, defaults left out, so equal questions compare equal."""
    return question.model_dump(mode="json", exclude_defaults=True)


def full(data: dict[str, Any]) -> dict[str, Any]:
    """Every field, defaults filled in (the edit form's view of a stored question)."""
    return StandardQuestion.model_validate(data, context={"strict": False}).model_dump(mode="json")


def check_question(
    data: Any, product_ids: set[str] | None, *, strict: bool = True
) -> tuple[StandardQuestion | None, list[Problem]]:
    """Validate one question with the rules of the knowledge files.

    Args:
        data: the question as JSON (``id``, ``title``, ``similar``, ``answer``, ...).
        product_ids: the catalogue's product lines (None = not checked).
        strict: the full file rules (>= 8 similar phrasings, id pattern); drafts are saved
            with ``strict=False`` and must pass ``strict=True`` before review.

    Returns:
        The question (None when invalid) and the problems found.
    """
    qid = str(data.get("id") or "") if isinstance(data, dict) else ""
    if not isinstance(data, dict):
        return None, [Problem(qid, "", "invalid", "a question must be an object")]
    try:
        question = StandardQuestion.model_validate(
            data, context={"product_ids": product_ids, "strict": strict}
        )
    except ValidationError as err:
        return None, problems_of(err, qid)
    return question, []


def problems_of(err: ValidationError, item: str, kind: str = "question") -> list[Problem]:
    """Pydantic errors as problems with a code per known rule."""
    found = []
    for e in err.errors():
        message = str(e["msg"]).removeprefix("Value error, ")
        code = next((c for key, c in _CODES if key in message), "invalid")
        field = ".".join(str(p) for p in e["loc"])
        found.append(Problem(item, field, code, message, kind))
    return found


def next_id(slug: str, taken: set[str]) -> str:
    """The next free id ``<slug>-NNN`` after every id of `slug` in `taken`."""
    numbers = [int(t.rsplit("-", 1)[1]) for t in taken if t.startswith(slug + "-") and _ok(t)]
    return f"{slug}-{max(numbers, default=0) + 1:03d}"


def _ok(qid: str) -> bool:
    return bool(ID_PATTERN.match(qid))
