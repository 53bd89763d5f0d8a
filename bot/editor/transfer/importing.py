"""Import: a zip of the `knowledge/` format or the Excel workbook, checked first.

`preview_import` validates the file and says what would change against the live knowledge;
`apply_import` puts those changes into a new draft, which goes through review like any edit.

Modes: ``merge`` (default) adds and updates what the file has and keeps the rest; ``replace``
also deletes the questions (and, for a zip, the trees) the file does not have.
"""

from __future__ import annotations

from typing import Any, Literal

from bot.editor import store
from bot.editor.drafting import changes as ch
from bot.editor.drafting.diff import diff, question_entry
from bot.editor.drafting.drafts import Actor, create, editable, get
from bot.editor.drafting.edits import taken_ids
from bot.editor.drafting.snapshot import Snapshot
from bot.editor.errors import EditorError, Problem, invalid
from bot.editor.state import EditorState
from bot.editor.transfer.excel_import import read_workbook
from bot.editor.transfer.knowledge_files import read_zip
from bot.knowledge.yamlsource import YamlBudget

Mode = Literal["merge", "replace"]


def incoming(
    rt: EditorState, filename: str, data: bytes, mode: Mode
) -> tuple[Snapshot, list[Problem]]:
    """The knowledge as it would be after the import, and the file's problems."""
    live = rt.snapshot()
    new = live.copy()
    name = filename.lower()
    if name.endswith(".zip"):
        try:
            cfg = rt.settings.editor
            budget = YamlBudget(
                cfg.import_max_file_bytes, cfg.import_max_nodes, cfg.import_max_seconds
            )
            got = read_zip(data, budget)
        except EditorError as err:
            return live, [Problem(**p) for p in err.detail.get("problems", [])]
        if mode == "replace":
            return got, got.problems()
        new.questions.update(got.questions)
        new.disabled = (new.disabled - set(got.questions)) | got.disabled
        new.trees.update(got.trees)
        new.support = got.support
        return new, new.problems()
    if name.endswith(".xlsx"):
        with rt.db.session() as s:
            taken = taken_ids(s, live)
        questions, disabled, found = read_workbook(data, live, taken)
        if mode == "replace":
            new.questions, new.disabled = {}, set()
        new.questions.update(questions)
        new.disabled = (new.disabled - set(questions)) | disabled
        return new, found
    return live, [Problem(filename, "", "bad_format", "expected a .zip or an .xlsx", "file")]


def preview_import(rt: EditorState, filename: str, data: bytes, mode: Mode) -> dict[str, Any]:
    """Validate a file and list what it would change."""
    new, found = incoming(rt, filename, data, mode)
    return {
        "ok": not found,
        "mode": mode,
        "problems": [p.to_dict() for p in found],
        "diff": diff(rt.snapshot(), new) if not found else None,
    }


def apply_import(
    rt: EditorState,
    actor: Actor,
    filename: str,
    data: bytes,
    mode: Mode,
    title: str,
    job: str | None = None,
) -> dict[str, Any]:
    """Validate a file and put its changes into a new draft of `actor` (`job`: the import job)."""
    new, found = incoming(rt, filename, data, mode)
    if found:
        raise invalid(found, "the file has problems")
    live = rt.snapshot()
    changed = diff(live, new)
    if not any(changed["counts"].values()):
        raise EditorError(409, "no_change", "the file changes nothing")
    draft = create(rt, actor, title or filename)
    with editable(rt, actor, draft["id"]) as (s, d, base, changes):
        for part in changed["questions"].values():
            for item in part:
                ch.put_question(changes, base, item["id"], question_entry(new, item["id"]))
        for part in changed["trees"].values():
            for item in part:
                ch.put_tree(changes, base, item["id"], new.trees.get(item["id"]))
        if changed["support"]:
            ch.put_support(changes, base, new.support)
        store.audit(
            s,
            actor,
            "import.apply",
            "draft",
            d.id,
            file=filename,
            mode=mode,
            job=job,
            **changed["counts"],
        )
    return get(rt, draft["id"])
