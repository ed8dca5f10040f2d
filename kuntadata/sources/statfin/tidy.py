"""StatFin snapshot → the tidy table: every json-stat2 response decoded, content codes mapped.

The snapshot's table metadata (fi/sv/en) says which content code is which indicator (resolved
by code or label, as the fetch resolved them) and labels the dimension values; each json-stat2
response gives the cells. Value groups of the spec (age 0–14 = 000 … 014) are summed here, and
only for additive indicators. An indicator's unit must be the same in every response.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pandas as pd

from ...areas import Areas
from ...errors import PackageError, SnapshotMismatch
from ...snapshot import read_provenance
from ...spec import DatasetSpec
from ...tidy import LANGS, TidyDataset, base_meta
from ..base import area_codes
from . import jsonstat
from .query import VINTAGE, content_code_match


def tidy_dataset(spec: DatasetSpec, directory: Path, areas: Areas) -> TidyDataset:
    """The tidier registered for `kind: statfin` (the package stage's entry point)."""
    return tidy_statfin(spec, directory, area_codes(areas))


def tidy_statfin(spec: DatasetSpec, directory: Path, area_codes: set[str]) -> TidyDataset:
    """Decode every json-stat2 response of the snapshot into the tidy table."""
    provenance = read_provenance(directory)
    metadata = _metadata(directory, provenance)
    problems: list[str] = []
    warnings: list[str] = []
    content_map = _content_map(spec, metadata, problems)
    if problems:
        raise SnapshotMismatch(problems)
    dims = {s.column: s for s in spec.selections if s.column}
    rows: dict[tuple, tuple[float | None, str | None]] = {}
    units: dict[str, dict[str, Any]] = {}
    updated: list[str] = []
    response_source = ""
    dropped_areas: set[str] = set()
    data_files = [e for e in provenance["files"] if e["role"] == "data"]
    if not data_files:
        problems.append(f"{directory}: the snapshot has no data responses; run fetch again")
    for entry in data_files:
        path = directory / entry["file"]
        dataset = json.loads(path.read_bytes())
        role = jsonstat.roles(dataset)
        geo, time, metric = role.get("geo"), role.get("time"), role.get("metric")
        if not (geo and time and metric):
            problems.append(f"{path}: json-stat2 without geo/time/metric roles")
            continue
        updated.append(dataset.get("updated", ""))
        response_source = response_source or dataset.get("source", "")
        dimension_map = _dimension_columns(
            dataset, {geo, time, metric}, metadata, dims, path, problems
        )
        for dim in jsonstat.dimensions(dataset):
            if dim.id == metric:
                _check_units(units, dim.units, content_map, path, problems)
        for cell in jsonstat.cells(dataset):
            content = cell.codes[metric]
            indicator = content_map.get(content)
            if indicator is None:
                continue
            area = cell.codes[geo]
            if area not in area_codes:
                dropped_areas.add(area)
                continue
            key = (
                area,
                cell.codes[time],
                *(cell.codes[d] for d in dimension_map.values()),
                indicator,
            )
            new = (cell.value, cell.status if cell.value is None else None)
            if key in rows and rows[key] != new:
                problems.append(
                    f"{path}: {key} reported twice with different values {rows[key]} and {new}"
                )
            rows[key] = new
    if dropped_areas:
        warnings.append(
            f"{spec.id}: left out {len(dropped_areas)} area(s) not in the areas "
            f"table: {', '.join(sorted(dropped_areas)[:6])}"
        )
    if problems:
        raise PackageError(problems)
    additive = {i.id: i.additive for i in spec.indicators}
    for position, selection in enumerate(dims.values(), start=2):
        if selection.groups:
            codes = _variable_codes(metadata, selection.variable)
            rows = _sum_groups(rows, position, selection, codes, additive)
    columns = ["area", "period", *dims, "indicator", "value", "status"]
    records = [(*key, value, status or "") for key, (value, status) in rows.items()]
    frame = pd.DataFrame.from_records(records, columns=columns).astype(
        {c: "string" for c in columns if c != "value"} | {"value": "float64"}
    )
    frame = frame.sort_values(["indicator", "area", *dims, "period"], kind="stable")
    frame = frame.reset_index(drop=True)
    meta = _meta(spec, metadata, units, content_map, provenance, response_source, updated)
    sources = [_source_entry(spec, provenance)]
    return TidyDataset(spec, frame, meta, sources, warnings)


def _check_units(known: dict, new: dict, content_map: dict, path: Path, problems: list) -> None:
    """An indicator's unit must be the same in every response (every year): never mix units."""
    for code, unit in new.items():
        before = known.setdefault(code, unit)
        if before.get("base") != unit.get("base"):
            indicator = content_map.get(code, code)
            problems.append(
                f"{path}: indicator {indicator} ({code}) has unit {unit.get('base')!r} here but "
                f"{before.get('base')!r} in an earlier response; a series cannot mix units — "
                "check the table at the source and split the indicator by period in the spec"
            )


def _variable_codes(metadata: dict, wanted: str) -> list[str]:
    for lang_meta in metadata.values():
        for var in lang_meta["variables"]:
            names = {
                var["text"].casefold(),
                var["code"].casefold(),
                VINTAGE.sub("", var["code"]).casefold(),
            }
            if wanted.casefold() in names:
                return list(var["values"])
    return []


def _sum_groups(
    rows: dict, position: int, selection, codes: list[str], additive: dict[str, bool]
) -> dict:
    """Add rows for value groups (age 0–14 = sum of 000 … 014) and drop the member rows.

    Only additive indicators are summed. A group is written only when every member was
    fetched; if a member is missing its symbol (or `..`) marks the group, never a partial sum.
    """
    members = {}
    for group in selection.groups:
        if group.first in codes and group.last in codes:
            start, end = codes.index(group.first), codes.index(group.last)
            members[group.code] = set(codes[start : end + 1])
    collected: dict[tuple, list[tuple[float | None, str | None]]] = {}
    for key, cell in rows.items():
        for group_code, group_members in members.items():
            if key[position] in group_members and additive.get(key[-1], False):
                new_key = (*key[:position], group_code, *key[position + 1 :])
                collected.setdefault(new_key, []).append(cell)
    keep = set(selection.values)
    out = {key: cell for key, cell in rows.items() if key[position] in keep}
    for key, cells in collected.items():
        if len(cells) != len(members[key[position]]):
            continue
        missing = [status for value, status in cells if value is None]
        if missing:
            out[key] = (None, missing[0] or "..")
        else:
            out[key] = (float(sum(value for value, _ in cells)), None)
    return out


def _metadata(directory: Path, provenance: dict[str, Any]) -> dict[str, dict[str, Any]]:
    out = {}
    for entry in provenance["files"]:
        if entry["role"] == "metadata":
            out[entry["lang"]] = json.loads((directory / entry["file"]).read_bytes())
    if "fi" not in out:
        raise PackageError(f"{directory}: snapshot lacks the Finnish table metadata")
    return out


def _variable(metadata: dict[str, Any], predicate) -> dict[str, Any] | None:
    return next((v for v in metadata["variables"] if predicate(v)), None)


def _content_map(spec: DatasetSpec, metadata: dict, problems: list[str]) -> dict[str, str]:
    """Content value code → indicator id, resolving each `select` by code or label."""
    fi_vars = metadata["fi"]["variables"]
    out: dict[str, str] = {}
    for indicator in spec.indicators:
        found = None
        for var in fi_vars:
            found = content_code_match(indicator.select, var["values"], problems, spec.label)
            if found:
                break
        if found is None:
            wanted = indicator.select.casefold()
            for lang_meta in metadata.values():
                for var in lang_meta["variables"]:
                    for code, text in zip(var["values"], var["valueTexts"], strict=False):
                        if text.casefold() == wanted:
                            found = code
        if found is None:
            problems.append(
                f"{spec.label}: indicator {indicator.id}: {indicator.select!r} is "
                "not in the snapshot's table metadata (changed spec, or gone at the source); "
                "run `python build.py check --live` and fix the spec"
            )
            continue
        out[found] = indicator.id
    return out


def _dimension_columns(dataset, role_ids, metadata, dims, path, problems) -> dict[str, str]:
    """Tidy column → json-stat2 dimension id, matched like the fetch stage matched them."""
    out: dict[str, str] = {}
    for dim in jsonstat.dimensions(dataset):
        if dim.id in role_ids:
            continue
        column = _column_for(dim, metadata, dims)
        if column:
            out[column] = dim.id
        elif len(dim.codes) > 1:
            problems.append(
                f"{path}: dimension {dim.label!r} ({dim.id}) has several values but "
                "no column in the spec's source.select"
            )
    for column in dims:
        if column not in out:
            problems.append(f"{path}: spec column {column!r} is not a dimension of the response")
    return out


def _column_for(dim: jsonstat.Dimension, metadata: dict, dims: dict) -> str | None:
    stripped = VINTAGE.sub("", dim.id).casefold()
    texts = {dim.id.casefold(), stripped, dim.label.casefold()}
    for lang_meta in metadata.values():
        var = next((v for v in lang_meta["variables"] if v["code"] == dim.id), None)
        if var:
            texts.add(var["text"].casefold())
    for column, selection in dims.items():
        if selection.variable.casefold() in texts:
            return column
    return None


def _meta(spec, metadata, units, content_map, provenance, response_source, updated) -> dict:
    indicator_units = {ind: units.get(code, {}) for code, ind in content_map.items()}
    indicators = []
    for ind in spec.indicators:
        decimals = ind.decimals
        if decimals is None:
            decimals = int(indicator_units.get(ind.id, {}).get("decimals", 0))
        indicators.append(
            {
                "id": ind.id,
                "title": ind.title,
                "unit": ind.unit,
                "description": ind.description,
                "decimals": decimals,
                "higher_is": ind.higher_is,
                "responsible": ind.responsible,
                "additive": ind.additive,
            }
        )
    dimensions = []
    for selection in spec.selections:
        if not selection.column:
            continue
        labels = _value_labels(metadata, selection.variable)
        keep = set(selection.values)
        labels["values"] = {c: t for c, t in labels["values"].items() if c in keep}
        for code, label in selection.labels.items():
            if code in labels["values"] or code in keep:
                labels["values"][code] = {**labels["values"].get(code, {}), **label}
        for group in selection.groups:
            labels["values"][group.code] = group.title or {lang: group.code for lang in LANGS}
        dimensions.append(
            {
                "column": selection.column,
                "title": selection.title or labels["title"],
                "total": "SSS" if "SSS" in labels["values"] else None,
                "values": labels["values"],
            }
        )
    table_title = {lang: m.get("title", "") for lang, m in metadata.items()}
    attribution = dict(spec.attribution) or {
        "fi": f"Lähde: Tilastokeskus, {response_source}".rstrip(", "),
        "sv": "Källa: Statistikcentralen",
        "en": "Source: Statistics Finland",
    }
    return {
        **base_meta(spec, provenance, attribution, table_title),
        "updated": max((u for u in updated if u), default=""),
        "indicators": indicators,
        "dimensions": dimensions,
    }


def _value_labels(metadata: dict, wanted: str) -> dict[str, Any]:
    folded = wanted.casefold()
    title: dict[str, str] = {}
    values: dict[str, dict[str, str]] = {}
    fi_vars = metadata["fi"]["variables"]
    index = next(
        (
            i
            for i, v in enumerate(fi_vars)
            if folded
            in {
                v["text"].casefold(),
                v["code"].casefold(),
                VINTAGE.sub("", v["code"]).casefold(),
            }
        ),
        None,
    )
    for lang in LANGS:
        lang_meta = metadata.get(lang) or metadata["fi"]
        if index is None or index >= len(lang_meta["variables"]):
            continue
        var = lang_meta["variables"][index]
        title[lang] = var["text"]
        for code, text in zip(var["values"], var["valueTexts"], strict=False):
            values.setdefault(code, {})[lang] = text
    return {"title": title, "values": values}


def _source_entry(spec: DatasetSpec, provenance: dict[str, Any]) -> dict[str, Any]:
    data = [e for e in provenance["files"] if e["role"] == "data"]
    first = data[0] if data else provenance["files"][0]
    return {
        "title": f"Statistics Finland, StatFin table {spec.source.get('table')}",
        "path": first["url"],
        "x-query": [e["body"] for e in data],
        "x-fetched-at": provenance["fetched_at"],
    }
