"""Reading a file source's file: CSV, XLSX, PX or JSON → a header and rows, before any mapping.

Real StatFin downloads come in several flavours (FORMATS.md §1.8): `;` or `,`, cp1252 or
UTF-8, with or without a title line, years as columns; all are detected when the spec does not
declare them. A JSON document is read as a list of records (`records: /kunnat`), each record a
row; fields outside the records (`/vuosi`) can be named as columns too, so a year written once
in the file need not be copied into the spec. Both the adapter (to check a file before it
replaces the last good snapshot) and the tidier (to map it) read through here.
"""

from __future__ import annotations

import csv
import io
import itertools
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from ...errors import SpecError
from ...spec import DatasetSpec
from .encodings import encoding_that_fits, is_utf8_text

FORMATS = ("csv", "xlsx", "px", "json")
DELIMITERS = (";", ",", "\t")


@dataclass
class RawTable:
    """A file as a header and rows of cells (str, number or None), before any mapping."""

    name: str
    header: list[str]
    rows: list[list[Any]]
    title: str = ""
    encoding: str = ""
    delimiter: str = ""
    aliases: dict[str, str] = field(default_factory=dict)  # other names → header name
    records: str | None = None  # JSON: pointer to the records (rows are named /kunnat/12)

    def where(self, index: int) -> str:
        """How an error message names row `index` (0-based) so the author can find it."""
        if self.records is not None:
            return f"{self.records}/{index}"
        return f"line {index + 2}"

    def column(self, wanted: str, key: str) -> int:
        """Index of a column; SpecError names it, the spec key, and the columns found."""
        name = wanted if wanted in self.header else self.aliases.get(wanted)
        if name is None:
            folded = {h.casefold(): h for h in self.header}
            name = folded.get(wanted.casefold())
        if name is None:
            raise SpecError(
                f"{self.name}: column {wanted!r} ({key}) not found; "
                f"columns found: {', '.join(self.header)}"
            )
        return self.header.index(name)


def file_format(spec: DatasetSpec) -> str:
    fmt = spec.source.get("format") or Path(urlsplit(spec.source["path"]).path).suffix[1:]
    fmt = str(fmt).lower()
    if fmt not in FORMATS:
        raise SpecError(
            f"{spec.label}: source.format: cannot tell the format of {spec.source['path']!r}; "
            f"set format: to one of {', '.join(FORMATS)}"
        )
    return fmt


def read_table(spec: DatasetSpec, data: bytes, name: str) -> RawTable:
    """The file's header and rows; SpecError names the file and the fix."""
    fmt = file_format(spec)
    if fmt == "xlsx":
        return read_xlsx(data, name, spec.source.get("sheet"), spec.source.get("skip_rows"))
    if fmt == "px":
        return read_px(data, name)
    text, encoding = decode(data, name, spec.source.get("encoding"))
    if fmt == "json":
        return read_json(text, name, spec.source.get("records"), document_fields(spec), encoding)
    return read_csv(
        text, name, spec.source.get("delimiter"), spec.source.get("skip_rows"), encoding
    )


def check_columns(spec: DatasetSpec, table: RawTable) -> None:
    """Every column the spec names exists; all missing ones are listed at once."""
    source = spec.source
    wanted = [(name, f"columns.{key}") for key, name in (source.get("columns") or {}).items()]
    wanted += [
        (d["column"], f"dimensions[{i}].column")
        for i, d in enumerate(source.get("dimensions") or [])
    ]
    wanted += [(name, "filter") for name in source.get("filter") or {}]
    wanted += [(name, "pivot.values") for name in (source.get("pivot") or {}).get("values") or {}]
    columns = source.get("columns") or {}
    if not source.get("pivot") and not columns.get("indicator") and not columns.get("value"):
        wanted += [
            (str(ind.select), f"indicators[{i}].select") for i, ind in enumerate(spec.indicators)
        ]
    problems = []
    for name, key in wanted:
        try:
            table.column(str(name), key)
        except SpecError as exc:
            problems.extend(exc.problems)
    if problems:
        raise SpecError(problems)


def decode(data: bytes, name: str, declared: str | None) -> tuple[str, str]:
    """Decode with the declared encoding, or detect UTF-8 / cp1252 / ISO-8859-15.

    A declared single-byte encoding that "works" on a UTF-8 file would silently give
    `Ã¤` for `ä`, so that case is an error too.
    """
    if not declared:
        detected = encoding_that_fits(data)
        if detected is None:
            raise SpecError(f"{name}: cannot tell the text encoding; set source.encoding")
        return data.decode(detected), detected
    try:
        text = data.decode(declared)
    except LookupError:
        raise SpecError(f"{name}: source.encoding {declared!r} is not a known encoding") from None
    except UnicodeDecodeError as exc:
        fits = encoding_that_fits(data)
        hint = f"it decodes as {fits}: set encoding: {fits}" if fits else "re-save it as UTF-8"
        raise SpecError(
            f"{name}: cannot be read as {declared} (byte 0x{data[exc.start]:02x} at "
            f"position {exc.start}); {hint}"
        ) from None
    if _normal(declared) != "utf-8" and is_utf8_text(data):
        raise SpecError(
            f"{name}: encoding {declared} was declared but the file is UTF-8 "
            "(its letters would read as 'Ã¤' for 'ä'); "
            "set encoding: utf-8"
        )
    return text.removeprefix("\ufeff"), declared


def _normal(encoding: str) -> str:
    name = encoding.lower().replace("_", "-")
    return "utf-8" if name in ("utf-8", "utf8", "utf-8-sig") else name


def read_csv(
    text: str, name: str, delimiter: str | None, skip_rows: int | None, encoding: str = ""
) -> RawTable:
    """A StatFin CSV: an optional title line and blank line (UI download), then the header."""
    lines = text.splitlines()
    title = ""
    if skip_rows is None:
        skip_rows = 0
        if len(lines) > 2 and not lines[1].strip() and _fields(lines[0]) == 1:
            skip_rows = 2  # "CSV with heading": title, blank line, header
    if skip_rows:
        title = lines[0].strip().strip('"')
    body = [line for line in lines[skip_rows:] if line.strip()]
    if not body:
        raise SpecError(f"{name}: no header row after {skip_rows} skipped line(s)")
    delimiter = delimiter or max(DELIMITERS, key=lambda d: _fields(body[0], d))
    rows = list(csv.reader(io.StringIO("\n".join(body)), delimiter=delimiter))
    header = [h.strip() for h in rows[0]]
    return RawTable(name, header, rows[1:], title, encoding, delimiter)


def _fields(line: str, delimiter: str | None = None) -> int:
    if delimiter is None:
        return max(_fields(line, d) for d in DELIMITERS)
    return len(next(csv.reader([line], delimiter=delimiter), []))


def read_xlsx(data: bytes, name: str, sheet: str | None, skip_rows: int | None) -> RawTable:
    """The first (or the named) sheet; numbers stay numbers, so no decimal-comma guessing."""
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises several types for a broken file
        raise SpecError(f"{name}: not a readable XLSX file ({exc})") from None
    if sheet and sheet not in book.sheetnames:
        raise SpecError(f"{name}: no sheet {sheet!r}; sheets: {', '.join(book.sheetnames)}")
    worksheet = book[sheet] if sheet else book.worksheets[0]
    rows = [list(r) for r in worksheet.iter_rows(values_only=True)]
    rows = [r for r in rows if any(c not in (None, "") for c in r)]
    skip = skip_rows or 0
    if skip_rows is None and len(rows) > 1 and sum(c not in (None, "") for c in rows[0]) == 1:
        skip = 1  # a title row above the header
    if len(rows) <= skip:
        raise SpecError(f"{name}: no header row in sheet {worksheet.title!r}")
    header = [str(c).strip() if c is not None else "" for c in rows[skip]]
    title = str(rows[0][0]) if skip else ""
    return RawTable(name, header, rows[skip + 1 :], title)


def read_px(data: bytes, name: str) -> RawTable:
    """A PX table as a long table: one column per variable (value codes) and `VALUE`."""
    from .px import parse_px

    table = parse_px(data, name)
    header = [v.code for v in table.variables] + ["VALUE"]
    aliases = {n: v.code for v in table.variables for n in v.names.values()}
    rows: list[list[Any]] = []
    combos = itertools.product(*(v.codes for v in table.variables))
    for codes, value, status in zip(combos, table.data, table.status, strict=True):
        rows.append([*codes, value if value is not None else (status or "..")])
    title = next(iter(table.titles.values()), "")
    return RawTable(name, header, rows, title, aliases=aliases)


def document_fields(spec: DatasetSpec) -> list[str]:
    """Columns the spec names with a JSON Pointer (`/vuosi`): fields outside the records."""
    source = spec.source
    names = list((source.get("columns") or {}).values())
    names += [d["column"] for d in source.get("dimensions") or []]
    names += list(source.get("filter") or {})
    return [str(n) for n in dict.fromkeys(names) if str(n).startswith("/")]


def read_json(
    text: str, name: str, records: str | None, fields: list[str], encoding: str = ""
) -> RawTable:
    """A JSON document's records as rows, the records' keys (first seen first) as the header.

    `records` is a JSON Pointer (`/kunnat`; the leading slash may be left out) to the list of
    objects; omitted, the document itself must be that list. Each of `fields` (pointers such
    as `/vuosi`) becomes one more column holding the same document value on every row.
    """
    try:
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        raise SpecError(
            f"{name}: not valid JSON ({exc.msg} at line {exc.lineno} column {exc.colno})"
        ) from None
    pointer = "/" + str(records).strip("/") if records and str(records).strip("/") else ""
    items = _at_pointer(document, pointer, name, "records")
    if not isinstance(items, list) or not all(isinstance(item, dict) for item in items):
        raise SpecError(
            f"{name}: {pointer or 'the document'} is not a list of records (objects); "
            f"set records: to the pointer of the list, e.g. records: /{_first_list(document)}"
        )
    header = list(dict.fromkeys(key for item in items for key in item))
    rows: list[list[Any]] = [[item.get(key) for key in header] for item in items]
    problems = []
    for field_name in fields:
        try:
            value = _at_pointer(document, field_name, name, "columns")
        except SpecError as exc:
            problems.extend(exc.problems)
            continue
        if isinstance(value, dict | list):
            problems.append(f"{name}: {field_name} is not a single value (a number or text)")
            continue
        header.append(field_name)
        for row in rows:
            row.append(value)
    if problems:
        raise SpecError(problems)
    return RawTable(name, header, rows, "", encoding, records=pointer)


def _at_pointer(document: Any, pointer: str, name: str, key: str) -> Any:
    """The value a JSON Pointer (RFC 6901) names; SpecError lists the keys found instead."""
    node = document
    for part in pointer.split("/")[1:] if pointer else []:
        part = part.replace("~1", "/").replace("~0", "~")
        if isinstance(node, dict) and part in node:
            node = node[part]
        elif isinstance(node, list) and part.isdigit() and int(part) < len(node):
            node = node[int(part)]
        else:
            found = ", ".join(node) if isinstance(node, dict) else type(node).__name__
            raise SpecError(f"{name}: {pointer} ({key}) not found; keys there: {found}")
    return node


def _first_list(document: Any) -> str:
    """The first top-level key holding a list, for the hint in an error message."""
    if isinstance(document, dict):
        return next((k for k, v in document.items() if isinstance(v, list)), "records")
    return "records"
