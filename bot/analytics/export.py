"""Exports of a drill-down, one row per contact: CSV (UTF-8 with BOM, for Excel) and XLSX.

Text a spreadsheet could take for a formula (starting with = + - @, or a tab / carriage
return) is prefixed with an apostrophe, and the XLSX cells of text columns are written as
text, so that nothing a customer typed runs in the reader's spreadsheet.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from bot.analytics.drill import COLUMNS

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_text(value: str) -> str:
    """`value`, defused for spreadsheets when it could be read as a formula."""
    return "'" + value if value.startswith(FORMULA_START) else value


def _cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, int | float):
        return value
    return safe_text(str(value))


def csv_chunks(rows: Iterable[dict[str, Any]]) -> Iterator[str]:
    """The CSV text, a chunk per 500 rows (streamed to the client)."""
    buf = io.StringIO()
    writer = csv.writer(buf)
    buf.write("\ufeff")
    writer.writerow([title for _, title in COLUMNS])
    for i, row in enumerate(rows, 1):
        writer.writerow([_cell(row[name]) for name, _ in COLUMNS])
        if i % 500 == 0:
            yield buf.getvalue()
            buf.seek(0)
            buf.truncate()
    yield buf.getvalue()


def xlsx_bytes(rows: Iterable[dict[str, Any]]) -> bytes:
    """The workbook (write-only mode: memory stays flat with the row count)."""
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("会话")
    ws.append([title for _, title in COLUMNS])
    for row in rows:
        cells = []
        for name, _ in COLUMNS:
            value = _cell(row[name])
            if isinstance(value, str):  # control characters a customer sent: not in XLSX
                value = ILLEGAL_CHARACTERS_RE.sub("", value)
            cell = WriteOnlyCell(ws, value=value)
            if isinstance(value, str):
                cell.data_type = "s"  # a string cell, never a formula
            cells.append(cell)
        ws.append(cells)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
