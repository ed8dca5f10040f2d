"""CSV cells that a spreadsheet will not run as formulas (CSV injection, OWASP).

A dataset spec is text anyone can propose in a pull request, and its titles, units and
credit lines reach the downloadable CSVs. A spreadsheet opening a CSV treats a cell that
starts with `=`, `+`, `-` or `@` (or a tab or carriage return before one) as a formula, so
`=HYPERLINK("http://x","y")` as an indicator title would become a live link, or worse, on a
reader's machine. OWASP's advice: prefix such cells with `'`, which spreadsheets show as text.

Only text columns are neutralised, chosen by their header: a value column keeps `-13377` as
a number, a status column keeps the StatFin symbol `-` ("magnitude nil"), and codes stay as
the package has them. A column not listed here is left alone, so add new text columns here.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# Headers of columns holding words: titles, names, labels, units, credit lines, licences.
TEXT_COLUMNS = frozenset(
    {
        "area_name", "indicator_title", "title", "name", "label", "unit", "description",
        "status_meaning", "source", "source_url", "licence", "attribution", "fi", "sv", "en",
    }
)  # fmt: skip
TEXT_COLUMN_PATTERN = re.compile(r"(area_name|title|name|label|unit|source)_(fi|sv|en)")


def text_cell(cell: str) -> str:
    """`cell` as a spreadsheet will show it as text: a leading `'` before a formula start."""
    return "'" + cell if cell.startswith(FORMULA_START) else cell


def is_text_column(header: str) -> bool:
    return header in TEXT_COLUMNS or TEXT_COLUMN_PATTERN.fullmatch(header) is not None


def safe_rows(header: Sequence[str], rows: Iterable[Sequence[str]]) -> list[list[str]]:
    """`rows` with every cell of a text column (by `header`) made safe; other cells as given."""
    text_at = [i for i, name in enumerate(header) if is_text_column(name)]
    out = []
    for row in rows:
        cells = list(row)
        for i in text_at:
            if i < len(cells) and isinstance(cells[i], str):
                cells[i] = text_cell(cells[i])
        out.append(cells)
    return out
