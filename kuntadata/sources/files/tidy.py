"""File-source snapshot → the tidy table, mapping the file's columns as the spec says.

The spec names which column holds the area, the period, the indicator and the values
(`columns`), which columns are dimensions (`dimensions`), and whether the values are spread
over several columns (`pivot`: years or sexes as columns, as StatFin UI downloads do). Area
labels such as `091 Helsinki` or `Helsingfors` are resolved with the areas table; a label
that matches nothing is an error listing it with close matches, never a silent drop.
With `area_names: fi` the area column holds plain municipality names (the Tax
Administration's rate list has no codes): each must name exactly one municipality in that
language, and no two names the same one, so a renamed or misspelt municipality fails the
package instead of losing or doubling a row.
An area the file does not cover has no rows (Åland in municipal elections): the site shows
"not available", never 0.
"""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path
from typing import Any

import pandas as pd

from ...areas import Areas
from ...errors import PackageError, SpecError
from ...snapshot import read_provenance
from ...spec import DatasetSpec
from ...symbols import STATUS_MEANINGS
from ...tidy import TidyDataset, base_meta
from ..base import area_codes
from .read import RawTable, read_table

EMPTY_STATUS = ".."  # an empty cell: the producer published no value
# Codes of area levels the areas table does not have (AVI1, ELY01, SHP09 in a PX table):
# left out with a warning, like StatFin areas outside the table; our own prefixes are errors.
OTHER_LEVEL_CODE = re.compile(r"(?!KU|MK|SK|HVA)[A-Z]{2,4}\d[0-9A-Z]{0,6}")


def tidy_dataset(spec: DatasetSpec, directory: Path, areas: Areas) -> TidyDataset:
    """The tidier registered for `kind: file` (the package stage's entry point)."""
    return tidy_file(spec, directory, area_codes(areas), areas)


def tidy_file(spec: DatasetSpec, directory: Path, area_codes: set[str], areas: Any) -> TidyDataset:
    """Read the snapshot's file and map it; every problem is listed in one PackageError."""
    provenance = read_provenance(directory)
    entries = [e for e in provenance["files"] if e["role"] == "data"]
    if not entries:
        raise PackageError(f"{directory}: the snapshot has no data file; run fetch again")
    entry = entries[0]
    frames, warnings, problems = [], [], []
    for item in entries:
        path = directory / item["file"]
        area = item.get("area")
        item_spec = replace(spec, source={**spec.source, "area": area}) if area else spec
        try:
            table = read_table(item_spec, path.read_bytes(), str(path))
            frame, dimensions, item_warnings = map_table(item_spec, table, area_codes, areas)
        except SpecError as exc:
            problems.extend(exc.problems)
            continue
        frames.append(frame)
        warnings.extend(item_warnings)
    if problems:
        raise PackageError(problems)
    frame = pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]
    meta = _meta(spec, table, provenance, dimensions)
    source = {
        "title": _source_title(spec, table),
        "path": spec.source.get("source_page") or provenance.get("canonical_url") or entry["url"],
        "x-fetched-from": entry["url"],
        "x-fetched-at": provenance["fetched_at"],
    }
    return TidyDataset(spec, frame, meta, [source], warnings)


def _add(total: tuple[float | None, str], cell: tuple[float | None, str]):
    """Sum of two cells for `sum_rows` (sector rows into a total); a missing part marks it."""
    if total[0] is None or cell[0] is None:
        return (None, total[1] or cell[1] or EMPTY_STATUS)
    return (total[0] + cell[0], "")


def map_table(
    spec: DatasetSpec, table: RawTable, area_codes: set[str], areas: Any
) -> tuple[pd.DataFrame, list[dict[str, Any]], list[str]]:
    """The tidy frame, the dimension descriptions for the meta, and warnings."""
    source = spec.source
    columns = source.get("columns") or {}
    problems: list[str] = []
    area_at = table.column(columns["area"], "columns.area") if "area" in columns else None
    if area_at is None and not source.get("area"):
        problems.append(f"{spec.label}: source: give columns.area or a fixed area code")
    if area_at is None and source.get("area_names"):
        problems.append(f"{spec.label}: source.area_names: needs columns.area (the names)")
    period_at = table.column(columns["period"], "columns.period") if "period" in columns else None
    indicator_at = (
        table.column(columns["indicator"], "columns.indicator") if "indicator" in columns else None
    )
    dims = [
        (table.column(d["column"], f"dimensions[{i}].column"), d)
        for i, d in enumerate(source.get("dimensions") or [])
    ]
    filters = [
        (table.column(col, "filter"), {str(v) for v in values})
        for col, values in (source.get("filter") or {}).items()
    ]
    pivot = source.get("pivot")
    value_columns = _value_columns(spec, table, columns, pivot, indicator_at)
    if period_at is None and not source.get("period") and (pivot or {}).get("column") != "period":
        problems.append(
            f"{spec.label}: source: no period; set columns.period, period: '2021' or "
            "pivot.column: period"
        )
    if problems:
        raise SpecError(problems)
    by_select = {str(ind.select): ind.id for ind in spec.indicators}
    by_name = None
    if source.get("area_names") and area_at is not None:
        labels = {_text(row, area_at) for row in table.rows}
        by_name = municipalities_by_name(labels, source["area_names"], areas, table.name)
    dim_names = [d.get("name") or d["column"] for _, d in dims]
    if pivot and pivot["column"] != "period":
        dim_names.append(pivot["column"])
    resolved: dict[str, str | None] = {}
    rows: dict[tuple, tuple[float | None, str]] = {}
    duplicates: list[str] = []
    bad_values: list[str] = []
    for number, row in enumerate(table.rows):
        if any(_text(row, at) not in keep for at, keep in filters):
            continue
        if indicator_at is not None:
            indicator = by_select.get(_text(row, indicator_at))
            if indicator is None:
                continue
        label = _text(row, area_at) if area_at is not None else str(source["area"])
        if label not in resolved:
            resolved[label] = (
                by_name.get(label) if by_name is not None else _resolve(label, areas, area_codes)
            )
        area = resolved[label]
        if area is None:
            continue
        dim_values = [_code(_text(row, at), d) for at, d in dims]
        for header, value_at, code in value_columns:
            ind_id = indicator if indicator_at is not None else by_select.get(header, code)
            if indicator_at is None and header not in by_select and not pivot:
                continue
            if pivot and indicator_at is None and len(spec.indicators) == 1:
                ind_id = spec.indicators[0].id
            period = _period(row, period_at, source, pivot, code)
            key = (area, period, *dim_values, *([code] if _pivot_dim(pivot) else []), ind_id)
            cell = _value(row[value_at] if value_at < len(row) else None, source)
            if cell is None:
                where = table.where(number)
                bad_values.append(f"{where} column {header!r}: {row[value_at]!r}")
                continue
            if key in rows and source.get("sum_rows"):
                rows[key] = _add(rows[key], cell)
                continue
            if key in rows:
                duplicates.append(f"{table.where(number)}: {', '.join(map(str, key))}")
            rows[key] = cell
    unmatched = sorted(label for label, code in resolved.items() if code is None)
    other_levels = [label for label in unmatched if OTHER_LEVEL_CODE.fullmatch(label)]
    unmatched = [label for label in unmatched if label not in other_levels]
    warnings = []
    if other_levels:
        warnings.append(
            f"{spec.id}: left out {len(other_levels)} area(s) of levels the areas table does "
            f"not have: {', '.join(other_levels[:8])}{' …' if len(other_levels) > 8 else ''}"
        )
    if unmatched:
        problems.append(_unmatched_message(table.name, unmatched, areas))
    if duplicates:
        shown = "; ".join(duplicates[:10]) + (" …" if len(duplicates) > 10 else "")
        problems.append(f"{table.name}: {len(duplicates)} duplicate row(s) for one key: {shown}")
    if bad_values:
        shown = "; ".join(bad_values[:5])
        problems.append(
            f"{table.name}: {len(bad_values)} value(s) are not numbers: {shown} "
            "(decimal comma? set decimal: ',')"
        )
    if problems:
        raise SpecError(problems)
    names = ["area", "period", *dim_names, "indicator", "value", "status"]
    records = [(*key, value, status) for key, (value, status) in rows.items()]
    frame = pd.DataFrame.from_records(records, columns=names).astype(
        {c: "string" for c in names if c != "value"} | {"value": "float64"}
    )
    found = {name: list(dict.fromkeys(frame[name].dropna())) for name in dim_names}  # file order
    frame = frame.sort_values(["indicator", "area", *dim_names, "period"], kind="stable")
    return frame.reset_index(drop=True), _dimensions(dims, pivot, found), warnings


def _value_columns(spec, table, columns, pivot, indicator_at) -> list[tuple[str, int, str]]:
    """(header, index, code) of the columns holding values."""
    if columns.get("value"):
        at = table.column(columns["value"], "columns.value")
        return [(table.header[at], at, "")]
    if pivot:
        mapping = pivot.get("values")
        if mapping:
            return [(h, table.column(h, "pivot.values"), str(c)) for h, c in mapping.items()]
        used = {columns.get(k) for k in ("area", "period", "indicator")}
        used |= {d["column"] for d in spec.source.get("dimensions") or []}
        used |= set(spec.source.get("filter") or {})
        return [(h, i, h) for i, h in enumerate(table.header) if h and h not in used]
    if indicator_at is not None:
        raise SpecError(f"{spec.label}: source: with columns.indicator give columns.value or pivot")
    return [
        (str(ind.select), table.column(str(ind.select), f"indicators[{i}].select"), "")
        for i, ind in enumerate(spec.indicators)
    ]


def _pivot_dim(pivot: dict | None) -> bool:
    return bool(pivot) and pivot["column"] != "period"


def _period(row, period_at, source, pivot, code) -> str:
    if pivot and pivot["column"] == "period":
        return code
    if period_at is not None:
        return _text(row, period_at)
    return str(source["period"])


def _text(row: list[Any], at: int | None) -> str:
    if at is None or at >= len(row) or row[at] is None:
        return ""
    value = row[at]
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _code(value: str, dimension: dict[str, Any]) -> str:
    return str((dimension.get("codes") or {}).get(value, value))


def _value(raw: Any, source: dict[str, Any]) -> tuple[float | None, str] | None:
    """(value, status) of a cell; None when the cell is not a number or a known symbol."""
    if isinstance(raw, int | float) and not isinstance(raw, bool):
        return float(raw), ""
    text = "" if raw is None else str(raw).strip().strip('"')
    if not text or text in (source.get("missing_values") or ()):
        return None, EMPTY_STATUS
    if text in STATUS_MEANINGS:
        return None, text
    if source.get("decimal") == ",":
        text = text.replace("\xa0", "").replace(" ", "").replace(".", "").replace(",", ".")
    try:
        return float(text), ""
    except ValueError:
        return None


def municipalities_by_name(
    labels: set[str], lang: str, areas: Any, file_name: str
) -> dict[str, str]:
    """Municipality code of each name, matched on `name_{lang}` of the areas table.

    Case and runs of spaces do not matter; anything else must be exact. Abolished
    municipalities count too (a file of an earlier year names them), so a name shared by an
    old and a current municipality is ambiguous rather than silently the current one.
    Every name matching none or several, and every code reached by two names, is listed in
    one SpecError naming the file.
    """
    municipalities = areas.municipalities(active_only=False)
    codes_of: dict[str, list[str]] = {}
    for area in municipalities:
        codes_of.setdefault(_name_key(area.name(lang)), []).append(area.code)
    found: dict[str, str] = {}
    problems: list[str] = []
    for label in sorted(labels):
        codes = codes_of.get(_name_key(label), [])
        if len(codes) == 1:
            found[label] = codes[0]
            continue
        if codes:
            described = ", ".join(areas.describe(c, lang) for c in codes)
            problems.append(
                f"{file_name}: {label!r} (area_names: {lang}) names {len(codes)} "
                f"municipalities: {described}"
            )
            continue
        close = [c for c in areas.close_matches(label, n=10) if c.startswith("KU")][:3]
        described = ", ".join(areas.describe(c, lang) for c in close)
        hint = f"close matches: {described}" if described else "no close match"
        problems.append(
            f"{file_name}: {label!r} (area_names: {lang}) is not the name of any municipality "
            f"in the areas table ({hint})"
        )
    names_of: dict[str, list[str]] = {}
    for label, code in found.items():
        names_of.setdefault(code, []).append(label)
    for code, names in sorted(names_of.items()):
        if len(names) > 1:
            problems.append(
                f"{file_name}: {' and '.join(map(repr, names))} (area_names: {lang}) all name "
                f"{areas.describe(code, lang)}"
            )
    if problems:
        raise SpecError(problems)
    return found


def _name_key(name: str) -> str:
    return " ".join(name.split()).casefold()


def _resolve(label: str, areas: Any, area_codes: set[str]) -> str | None:
    if label in area_codes:
        return label
    code = areas.resolve_label(label) if areas is not None else None
    return code if code in area_codes else None


def _unmatched_message(name: str, labels: list[str], areas: Any) -> str:
    parts = []
    for label in labels[:10]:
        close = areas.close_matches(label) if areas is not None else []
        described = [f"{c} {areas.name(c, 'fi')}" for c in close]
        hint = f" (close matches: {', '.join(described)})" if described else " (no close match)"
        parts.append(f"{label!r}{hint}")
    more = f" and {len(labels) - 10} more" if len(labels) > 10 else ""
    return (
        f"{name}: {len(labels)} area label(s) match no area in the areas table: "
        f"{'; '.join(parts)}{more}"
    )


def _dimensions(dims, pivot, found: dict[str, list[str]]) -> list[dict[str, Any]]:
    """Dimension descriptions for the meta: title, and a label for every code in the data.

    `labels` is optional in the spec (the documented UI-download example has none): a code
    without one is labelled with the file's own text for it (the header or cell before any
    `codes` mapping), the same in fi/sv/en, so the package's enum lists every code present
    and the site shows what the producer wrote rather than nothing. Order: the spec's labels,
    then other codes as they first appear in the file.
    """
    out = []
    for _, d in dims:
        column = d.get("name") or d["column"]
        texts = {str(code): str(text) for text, code in (d.get("codes") or {}).items()}
        out.append(
            {
                "column": column,
                "title": d.get("title") or {},
                "total": None,
                "values": _labels_for_found(found[column], texts, d.get("labels")),
            }
        )
    if _pivot_dim(pivot):
        texts = {str(code): str(header) for header, code in (pivot.get("values") or {}).items()}
        out.append(
            {
                "column": pivot["column"],
                "title": pivot.get("title") or {},
                "total": None,
                "values": _labels_for_found(found[pivot["column"]], texts, pivot.get("labels")),
            }
        )
    return out


def _labels_for_found(
    found: list[str], texts: dict[str, str], labels: dict | None
) -> dict[str, dict[str, str]]:
    """The spec's labels, plus the file's text as the label of every other code present."""
    values = {str(code): label for code, label in (labels or {}).items()}
    for code in map(str, found):
        values.setdefault(code, {lang: texts.get(code, code) for lang in ("fi", "sv", "en")})
    return values


def _source_title(spec: DatasetSpec, table: RawTable) -> str:
    table_id = spec.source.get("table")
    return f"{table.title or spec.title.get('en', spec.id)}" + (
        f" (table {table_id})" if table_id else ""
    )


def _meta(spec, table, provenance, dimensions) -> dict[str, Any]:
    indicators = [
        {
            "id": ind.id,
            "title": ind.title,
            "unit": ind.unit,
            "description": ind.description,
            "decimals": ind.decimals if ind.decimals is not None else 0,
            "higher_is": ind.higher_is,
            "responsible": ind.responsible,
            "additive": ind.additive,
        }
        for ind in spec.indicators
    ]
    name = Path(str(spec.source["path"])).name
    attribution = dict(spec.attribution) or {
        "fi": f"Lähde: {name}",
        "sv": f"Källa: {name}",
        "en": f"Source: {name}",
    }
    return {
        **base_meta(spec, provenance, attribution, {"fi": table.title} if table.title else {}),
        "updated": "",
        "file": {
            "path": str(spec.source["path"]),
            "format": provenance.get("format", ""),
            "encoding": table.encoding,
            "delimiter": table.delimiter,
        },
        "indicators": indicators,
        "dimensions": dimensions,
    }
