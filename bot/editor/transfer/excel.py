"""The Excel workbook (openpyxl): one row per phrasing, the flat view service staff edit.

Sheet 标准问与问法: a question starts with its 标准问 row, which carries every question-level
column; its 相似问 rows follow, one per similar phrasing (only ID, type and text). Sheet 答案变体:
one row per answer variant. Headers are the exchange format (documented in docs/editor.md).
Diagnosis trees, the catalogue and synonyms are not in the workbook: use the zip for those.
"""

from __future__ import annotations

from datetime import date, datetime
from io import BytesIO
from typing import Any

from openpyxl import Workbook, load_workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.styles import Alignment, Font
from openpyxl.worksheet.worksheet import Worksheet

from bot.editor.drafting.snapshot import Snapshot
from bot.editor.transfer.chinese_names import Names

MAIN = "标准问与问法"
VARIANTS = "答案变体"
COLUMNS = [
    ("id", "标准问ID", 14),
    ("type", "类型", 8),
    ("text", "问法", 40),
    ("category", "分类", 12),
    ("status", "状态", 8),
    ("products", "产品线", 16),
    ("tier", "级别", 6),
    ("keywords", "关键词", 24),
    ("answer", "答案", 60),
    ("links", "链接", 40),
    ("valid_from", "生效日期", 12),
    ("valid_until", "失效日期", 12),
    ("tree", "诊断树", 16),
]
VARIANT_COLUMNS = [
    ("id", "标准问ID", 14),
    ("channel", "渠道", 8),
    ("tags", "客户标签", 24),
    ("answer", "答案", 60),
    ("links", "链接", 40),
]
TITLE, SIMILAR = "标准问", "相似问"
ENABLED, DISABLED = "启用", "停用"
FORMULA_SIGNS = ("=", "+", "-", "@")  # what spreadsheets read as the start of a formula
NO_LINKS = "-"  # a variant without links (empty = the question's links)


def _links(links: list[dict[str, str]] | None) -> str:
    return "\n".join(f"{x['title']} | {x['url']}" for x in links or [])


def export_workbook(snap: Snapshot) -> bytes:
    """The questions of a snapshot as an .xlsx file, ids shown by their Chinese names."""
    names = Names(snap)
    wb = Workbook()
    main = wb.active
    assert isinstance(main, Worksheet)
    main.title = MAIN
    _header(main, COLUMNS)
    variants = wb.create_sheet(VARIANTS)
    _header(variants, VARIANT_COLUMNS)
    for qid, q in snap.questions.items():
        _append(
            main,
            [
                qid,
                TITLE,
                q["title"],
                q.get("category", ""),
                DISABLED if qid in snap.disabled else ENABLED,
                "、".join(names.product(p) for p in q.get("products", [])),
                q.get("tier", 1),
                ", ".join(q.get("keywords", [])),
                q["answer"],
                _links(q.get("links")),
                q.get("valid_from"),
                q.get("valid_until"),
                names.tree(q["tree"]) if q.get("tree") else None,
            ],
        )
        for text in q.get("similar", []):
            _append(main, [qid, SIMILAR, text])
        for v in q.get("variants", []):
            when = v.get("when", {})
            links = v.get("links")
            _append(
                variants,
                [
                    qid,
                    names.channel(when["channel"]) if when.get("channel") else None,
                    "、".join(names.tag(t) for t in when.get("tags", [])),
                    v["answer"],
                    NO_LINKS if links == [] else _links(links),
                ],
            )
    out = BytesIO()
    wb.save(out)
    return out.getvalue()


def _append(ws: Worksheet, values: list[Any]) -> None:
    """A row whose strings stay text: never a live formula, whatever they start with.

    openpyxl stores a string starting with ``=`` as a formula, which Excel then runs
    (``=HYPERLINK(...)`` from a user's phrasing) and whose value a re-import cannot read.
    Every string is written as a text cell; one starting with a formula sign also gets Excel's
    quote prefix, so editing it in Excel keeps it text. The value itself is unchanged.
    """
    ws.append([_text_cell(ws, v) if isinstance(v, str) else v for v in values])


def _text_cell(ws: Worksheet, text: str) -> Cell:
    # Control characters cannot be stored in XLSX (openpyxl refuses the whole file).
    cell = Cell(ws, value=ILLEGAL_CHARACTERS_RE.sub("", text))
    cell.data_type = "s"  # the value setter infers a formula from a leading "="
    if text[:1] in FORMULA_SIGNS:
        cell.quotePrefix = True
    return cell


def _header(ws: Worksheet, columns: list[tuple[str, str, int]]) -> None:
    ws.append([label for _, label, _ in columns])
    for i, (_, _, width) in enumerate(columns, start=1):
        ws.cell(1, i).font = Font(bold=True)
        ws.column_dimensions[ws.cell(1, i).column_letter].width = width
    ws.freeze_panes = "A2"
    ws.sheet_view.zoomScale = 110
    for cell in ws[1]:
        cell.alignment = Alignment(vertical="center")


def cell_text(value: Any) -> str:
    """A cell as text: numbers as typed, dates as ISO, None as empty."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def read_rows(data: bytes) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The two sheets as dicts by column key, with their row numbers (``_row``).

    Raises:
        ValueError: not a workbook, or a sheet or column is missing (the message says which).
    """
    try:
        wb = load_workbook(BytesIO(data), read_only=True, data_only=True)
    except Exception as err:  # noqa: BLE001 - openpyxl raises many kinds for a bad file
        raise ValueError(f"not an Excel workbook: {err}") from err
    try:
        main = _sheet_rows(wb, MAIN, COLUMNS)
        variants = _sheet_rows(wb, VARIANTS, VARIANT_COLUMNS) if VARIANTS in wb else []
    finally:
        wb.close()
    return main, variants


def _sheet_rows(wb: Any, name: str, columns: list[tuple[str, str, int]]) -> list[dict[str, Any]]:
    if name not in wb:
        raise ValueError(f"missing sheet {name!r}")
    rows = wb[name].iter_rows(values_only=True)
    header = [cell_text(c) for c in next(rows, ())]
    index: dict[str, int] = {}
    for key, label, _ in columns:
        if label not in header:
            raise ValueError(f"sheet {name!r} has no column {label!r}")
        index[key] = header.index(label)
    out = []
    for n, row in enumerate(rows, start=2):
        values = {k: (row[i] if i < len(row) else None) for k, i in index.items()}
        if all(cell_text(v) == "" for v in values.values()):
            continue
        out.append({**values, "_row": n})
    return out
