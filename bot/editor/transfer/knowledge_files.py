"""The `knowledge/` file format in and out of snapshots (directory, or a zip of one).

Disabled questions are written to ``faq_disabled/<slug>.yml`` in the category format: the
loader reads ``faq/`` only, so they stay out of service, and an import brings them back as
disabled. Files whose items did not change are written with their original text.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import tempfile
import zipfile
import zlib
from contextlib import nullcontext
from dataclasses import replace
from io import BytesIO
from pathlib import Path
from typing import Any

from bot.diagnosis.loader import load_diagnosis
from bot.editor.catalog.questions import canonical
from bot.editor.catalog.trees import canonical_tree
from bot.editor.drafting.snapshot import Snapshot, Support
from bot.editor.errors import EditorError, Problem, invalid
from bot.editor.transfer.yaml_style import category_text, tree_text
from bot.knowledge.errors import KnowledgeError
from bot.knowledge.loader import load_knowledge
from bot.knowledge.yamlsource import YamlBudget, YamlLimitExceeded, bounded

SUPPORT_FILES = (
    "catalog.yml",
    "synonyms.yml",
    "dictionary.txt",
    "skills.yml",
    "diagnosis/_controls.yml",
    "scope.yml",
    "negatives.yml",
)
DISABLED_DIR = "faq_disabled"
# What reading a damaged or unsupported zip member raises (bad CRC, truncated or corrupt
# data, an unknown compression method, encryption).
UNREADABLE = (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, RuntimeError)


def item_hash(data: Any) -> str:
    """A stable hash of JSON data."""
    raw = json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha1(raw.encode("utf-8")).hexdigest()


def knowledge_files(root: Path) -> list[Path]:
    """Every file a snapshot is read from."""
    found = [root / name for name in SUPPORT_FILES if (root / name).is_file()]
    for folder in ("faq", DISABLED_DIR, "diagnosis"):
        found += sorted((root / folder).glob("*.yml"))
    return sorted(set(found))


def fingerprint(root: Path) -> str:
    """A hash of the knowledge files' names and contents (has anything changed?)."""
    digest = hashlib.sha256()
    for path in knowledge_files(root):
        digest.update(str(path.relative_to(root)).encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def read_dir(root: Path) -> Snapshot:
    """Load and validate a knowledge directory into a snapshot.

    Raises:
        EditorError: 422 with a problem per file, line and field.
    """
    try:
        kb = load_knowledge(root)
        book = load_diagnosis(root, kb.product_ids)
        disabled = _load_disabled(root)
    except KnowledgeError as err:
        raise invalid([_problem(i) for i in err.issues], "the files have problems") from err
    text = {
        name: (root / name).read_text(encoding="utf-8")
        for name in SUPPORT_FILES
        if (root / name).is_file()
    }
    support = Support(
        catalog=kb.catalog,
        synonyms=kb.synonyms,
        dictionary=[w.model_dump(exclude_none=True) for w in kb.dictionary],
        controls=book.controls.model_dump(mode="json") if book.controls else None,
        skill_names=book.skill_names,
        files=text,
        outside=list(kb.outside),
        negatives=list(kb.negatives),
    )
    snap = Snapshot(support=support)
    for question in kb.questions.values():
        snap.questions[question.id] = canonical(question)
    for data in disabled:
        snap.questions[data["id"]] = data
        snap.disabled.add(data["id"])
    for tree in book.trees.values():
        snap.trees[tree.id] = canonical_tree(tree)
    for path in sorted((root / "faq").glob("*.yml")):
        items = [q for q in snap.questions.values() if _slug(q["id"]) == path.stem]
        snap.sources[f"faq/{path.name}"] = {
            "text": path.read_text(encoding="utf-8"),
            "hash": item_hash(_category_items(items, snap.disabled)),
        }
    for tid, data in snap.trees.items():
        path = root / "diagnosis" / f"{tid}.yml"
        snap.sources[f"diagnosis/{tid}.yml"] = {
            "text": path.read_text(encoding="utf-8"),
            "hash": item_hash(data),
        }
    return snap


def _slug(qid: str) -> str:
    return qid.rsplit("-", 1)[0]


def _category_items(items: list[dict[str, Any]], disabled: set[str]) -> list[Any]:
    return [q for q in items if q["id"] not in disabled]


def _problem(issue: Any) -> Problem:
    where = f"{issue.file}:{issue.line}" if issue.line else issue.file
    return Problem(where, issue.field, "invalid", issue.message, "file")


def _load_disabled(root: Path) -> list[dict[str, Any]]:
    folder = root / DISABLED_DIR
    if not any(folder.glob("*.yml")):
        return []
    # The loader reads faq/ next to a catalogue: give it one, to get its line-exact checks.
    with tempfile.TemporaryDirectory() as tmp:
        shutil.copytree(folder, Path(tmp) / "faq")
        if (root / "catalog.yml").is_file():
            shutil.copy(root / "catalog.yml", Path(tmp) / "catalog.yml")
        try:
            kb = load_knowledge(tmp)
        except KnowledgeError as err:
            moved = [
                replace(i, file=i.file.replace("faq/", DISABLED_DIR + "/")) for i in err.issues
            ]
            raise KnowledgeError(moved) from err
    return [canonical(q) for q in kb.questions.values()]


def write_dir(snap: Snapshot, root: Path) -> list[Path]:
    """Write a snapshot as a knowledge directory; returns the files written."""
    written: list[Path] = []

    def put(rel: str, text: str) -> None:
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        written.append(path)

    for name, text in snap.support.files.items():
        put(name, text)
    groups: dict[str, tuple[str, list[dict[str, Any]], list[dict[str, Any]]]] = {}
    for qid, q in snap.questions.items():
        slug = _slug(qid)
        category, live, off = groups.setdefault(slug, (q.get("category", ""), [], []))
        (off if qid in snap.disabled else live).append(q)
    for slug, (category, live, off) in groups.items():
        rel = f"faq/{slug}.yml"
        source = snap.sources.get(rel)
        if live and source and source["hash"] == item_hash(live):
            put(rel, source["text"])
        elif live:
            put(rel, category_text(category, live))
        if off:
            put(f"{DISABLED_DIR}/{slug}.yml", category_text(category, off))
    for tid, tree in snap.trees.items():
        rel = f"diagnosis/{tid}.yml"
        source = snap.sources.get(rel)
        same = source is not None and source["hash"] == item_hash(tree)
        put(rel, source["text"] if source and same else tree_text(tree))
    return written


MAX_ZIP_BYTES = 50 * 1024 * 1024


def export_zip(snap: Snapshot) -> bytes:
    """The snapshot as a zip of a knowledge directory."""
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        files = write_dir(snap, root)
        out = BytesIO()
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
            for path in sorted(files):
                zf.write(path, str(path.relative_to(root)))
    return out.getvalue()


def read_zip(data: bytes, budget: YamlBudget | None = None) -> Snapshot:
    """Load and validate a zip of a knowledge directory (the folder may be at the top level).

    `budget` bounds the YAML parse (file size, nodes, time): an upload is untrusted input.

    Raises:
        EditorError: 422 when the zip is unreadable or the files have problems.
    """
    try:
        zf = zipfile.ZipFile(BytesIO(data))
    except zipfile.BadZipFile as err:
        raise invalid([Problem("", "", "bad_zip", "not a zip file", "file")]) from err
    with zf, tempfile.TemporaryDirectory() as tmp:
        names = [i for i in zf.infolist() if not i.is_dir()]
        if sum(i.file_size for i in names) > MAX_ZIP_BYTES:
            raise invalid([Problem("", "", "too_large", "the zip is too large", "file")])
        root = Path(tmp).resolve()
        for info in names:
            target = (root / info.filename).resolve()
            if not target.is_relative_to(root):
                raise invalid([Problem(info.filename, "", "bad_path", "unsafe path", "file")])
            target.parent.mkdir(parents=True, exist_ok=True)
            try:
                # The declared sizes bound what is written (the total was checked above); a
                # header that understates them shows here as a CRC or data error.
                target.write_bytes(zf.read(info))
            except UNREADABLE as err:
                problem = Problem(info.filename, "", "bad_zip", f"cannot read: {err}", "file")
                raise invalid([problem]) from err
        knowledge = _knowledge_root(root)
        prefix = f"{knowledge.name}/"  # the loader names files under the folder read
        try:
            with bounded(budget) if budget is not None else nullcontext():
                return read_dir(knowledge)
        except YamlLimitExceeded as err:
            name = err.file.removeprefix(prefix)  # as named in the zip
            raise invalid([Problem(name, "", "too_large", err.message, "file")]) from err
        except EditorError as err:
            for p in err.detail.get("problems", []):
                p["item"] = str(p["item"]).removeprefix(prefix)  # as named in the zip
            raise


def _knowledge_root(root: Path) -> Path:
    """The folder holding faq/: the zip's top level or its single top folder."""
    if (root / "faq").is_dir():
        return root
    tops = [p for p in root.iterdir() if p.is_dir()]
    if len(tops) == 1 and (tops[0] / "faq").is_dir():
        return tops[0]
    raise invalid([Problem("", "", "no_faq", "no faq/ folder in the zip", "file")])
