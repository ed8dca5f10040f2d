"""Treasury snapshot → the tidy table `area, period, [stage], indicator, value, status`.

Each document is one municipality's report for one period; its facts are `tunnusluku` (a
taxonomy code) → `arvo` (a number as text). The taxonomy kept in the snapshot says what a code
is called in fi/sv/en and, for the budget/plan package KTAS, which planning column it is: the
amended budget of the year before (−1), the budget (0), or a plan year (+1, +2). That column
becomes the `stage` dimension and the value year becomes `period`, so the 2023 budget's plan
for 2025 is period 2025, stage `plan_2` — and can never be read as the 2025 accounts.

Bad input costs only what it touches, with a warning naming the document: a business id no
municipality has, a fact whose value is not a number (kept as `..`, never 0), a selected code
the taxonomy does not label. A fact a document does not report stays absent (not available).
"""

from __future__ import annotations

import json
import math
import re
from pathlib import Path
from typing import Any

import pandas as pd

from ...areas import Areas
from ...errors import KuntadataError, PackageError, SnapshotMismatch
from ...snapshot import read_provenance
from ...spec import DatasetSpec
from ...tidy import TidyDataset, base_meta
from ..base import area_codes
from . import api
from .adapter import package_of, taxonomy_of
from .business_ids import load_business_ids, mapping_path

MISSING = ".."
NUMBER = re.compile(r"^-?\d+(\.\d+)?$")
STAGE_COLUMN = "stage"
OFFSETS = {stage: offset for offset, stage in api.STAGES.items()}
PACKAGE_TITLES = {
    # KTAS: the taxonomy's own title row (k-t05_R0010), fi/sv/en as the Treasury writes them.
    "KTAS": {
        "fi": "Kunnan ja kuntayhtymän talousarvio ja -suunnitelma (KTAS)",
        "sv": "Budget och ekonomiplan för kommun och samkommun (KTAS)",
        "en": "Budget and financial plan of a municipality and joint municipal authority (KTAS)",
    },
}


def tidy_dataset(spec: DatasetSpec, directory: Path, areas: Areas) -> TidyDataset:
    """The tidier registered for `kind: treasury` (the package stage's entry point)."""
    return tidy_treasury(spec, directory, area_codes(areas))


def tidy_treasury(spec: DatasetSpec, directory: Path, area_codes: set[str]) -> TidyDataset:
    """Every standing document of the snapshot → rows per selected indicator and stage."""
    provenance = read_provenance(directory)
    package = package_of(spec)
    warnings: list[str] = []
    taxonomy = _taxonomy(spec, directory, provenance)
    selections = _selections(spec, taxonomy, warnings, _taxonomy_file(provenance))
    staged = any(stage is not None for sel in selections for stage in sel.codes)
    try:
        mapping = load_business_ids(directory.parent.parent)
    except KuntadataError as exc:
        raise PackageError(str(exc)) from exc
    urls = {entry["file"]: entry.get("url", "") for entry in provenance["files"]}
    rows: dict[tuple[str, ...], tuple[float | None, str]] = {}
    problems: list[str] = []
    dropped: set[str] = set()
    for document in provenance.get("documents") or []:
        name = f"{package} {document['period']} of {document['business_id']} ({document['file']}"
        label = f"{name}, {urls.get(document['file'], '')})"
        area = mapping.get(document["business_id"])
        if area is None:
            warnings.append(
                f"{spec.id}: business id {document['business_id']} maps to no municipality in "
                f"{mapping_path(Path('data/raw'))}; left out the document {label}"
            )
            continue
        if area not in area_codes:
            dropped.add(area)
            continue
        facts = _facts(directory / document["file"], spec, label, warnings)
        year = int(str(document["period"])[:4])
        for selection in selections:
            for stage, codes in selection.codes.items():
                if staged and stage is None:
                    continue
                cell = _value(facts, codes, spec, selection.indicator, label, warnings)
                if cell is None:
                    continue
                period = str(year + (OFFSETS[stage] if stage else 0))
                key = (area, period, *([stage] if staged else []), selection.indicator)
                if key in rows and rows[key] != cell:
                    problems.append(
                        f"{directory}: {key} comes from two documents with different values "
                        f"{rows[key][0]} and {cell[0]} (two business ids for one municipality?)"
                    )
                rows[key] = cell
    if dropped:
        warnings.append(
            f"{spec.id}: left out {len(dropped)} area(s) not in the areas table: "
            f"{', '.join(sorted(dropped))}"
        )
    if problems:
        raise PackageError(problems)
    frame = _frame(spec, rows, staged)
    meta = _meta(spec, provenance, selections, taxonomy, staged, package)
    return TidyDataset(spec, frame, meta, [], warnings)


def _taxonomy_file(provenance: dict[str, Any]) -> str:
    entry = next((e for e in provenance["files"] if e.get("role") == "taxonomy"), None)
    return f"{entry['file']} ({entry.get('url', '')})" if entry else ""


def _taxonomy(
    spec: DatasetSpec, directory: Path, provenance: dict[str, Any]
) -> dict[str, api.TaxonomyCell] | None:
    entry = next((e for e in provenance["files"] if e.get("role") == "taxonomy"), None)
    if entry is None:
        if taxonomy_of(spec) is not None:
            raise SnapshotMismatch(
                [
                    f"{directory}: the spec reads the {taxonomy_of(spec)} taxonomy, but the "
                    "snapshot has none; run fetch again"
                ]
            )
        return None
    try:
        return api.parse_taxonomy(json.loads((directory / entry["file"]).read_bytes()))
    except ValueError as exc:
        raise PackageError(f"{directory / entry['file']}: not a taxonomy ({exc})") from exc


def _selections(
    spec: DatasetSpec,
    taxonomy: dict[str, api.TaxonomyCell] | None,
    warnings: list[str],
    taxonomy_file: str = "",
) -> list[api.Selection]:
    """Each indicator's select resolved against the snapshot's taxonomy.

    Warns (naming the taxonomy file) about a selected code without a label in some language,
    a code the taxonomy does not know, and a label that lacks a planning column the others
    have (a cell of the taxonomy without its label cannot be found by label).
    """
    selections = []
    problems = []
    for indicator in spec.indicators:
        selection, found = api.resolve_select(indicator.id, indicator.select, taxonomy)
        problems.extend(f"{spec.label}: {p}" for p in found)
        selections.append(selection)
    if problems:
        raise SnapshotMismatch(problems)
    if taxonomy is None:
        return selections
    stages = {stage for sel in selections for stage in sel.codes if stage is not None}
    for selection in selections:
        where = f"indicator {selection.indicator}, taxonomy {taxonomy_file}"
        for code in (c for codes in selection.codes.values() for c in codes):
            cell = taxonomy.get(code)
            lacking = [lang for lang in api.LANGS if not (cell and cell.label[lang])]
            if cell is None:
                fate = "left out" if stages else "used without a label"
                warnings.append(
                    f"{spec.id}: code {code} ({where}) is not in the taxonomy; its facts are {fate}"
                )
            elif lacking:
                warnings.append(
                    f"{spec.id}: taxonomy code {code} ({where}) has no label in "
                    f"{', '.join(lacking)}; the spec's title is shown"
                )
        absent = sorted(stages - set(selection.codes), key=api.STAGE_ORDER.index)
        if absent and api.CODE_SUM.match(selection.select) is None:
            warnings.append(
                f"{spec.id}: taxonomy label {selection.select!r} ({where}) names no cell for "
                f"{', '.join(absent)} (a cell without its label?); those figures are left out"
            )
    return selections


def _facts(path: Path, spec: DatasetSpec, label: str, warnings: list[str]) -> dict[str, list[Any]]:
    """code → the values the document gives it (a code may appear twice, e.g. KKOTR 72)."""
    facts: dict[str, list[Any]] = {}
    data = json.loads(path.read_bytes())
    for fact in data if isinstance(data, list) else []:
        if not isinstance(fact, dict):
            continue
        code = str(fact.get("tunnusluku") or "").strip()
        if code:
            facts.setdefault(code, []).append(fact.get("arvo"))
    if not isinstance(data, list):
        warnings.append(f"{spec.id}: the document {label} is not a list of facts; left out")
    return facts


def _value(
    facts: dict[str, list[Any]],
    codes: tuple[str, ...],
    spec: DatasetSpec,
    indicator: str,
    label: str,
    warnings: list[str],
) -> tuple[float | None, str] | None:
    """The sum of the codes' facts; None when the document reports none of them.

    A part that is missing, not a number, or given twice with different values makes the
    whole value missing (`..`), never a partial sum or a zero.
    """
    if not any(code in facts for code in codes):
        return None
    total = 0.0
    for code in codes:
        values = facts.get(code)
        if values is None:
            return (None, MISSING)
        distinct = {json.dumps(v) for v in values}
        if len(distinct) > 1:
            warnings.append(
                f"{spec.id}: the document {label} gives code {code} ({indicator}) different "
                f"values {sorted(distinct)}; shown as not available"
            )
            return (None, MISSING)
        number = _number(values[0])
        if number is None:
            warnings.append(
                f"{spec.id}: the document {label} gives code {code} ({indicator}) the value "
                f"{values[0]!r}, which is not a number; shown as not available"
            )
            return (None, MISSING)
        total += number
    return (total, "")


def _number(raw: Any) -> float | None:
    """`"349083947.70"` → 349083947.7; JSON numbers as they are; anything else is None."""
    if isinstance(raw, bool):
        return None
    if isinstance(raw, int | float):
        return float(raw) if math.isfinite(raw) else None
    text = str(raw if raw is not None else "").strip()
    return float(text) if NUMBER.match(text) else None


def _frame(spec: DatasetSpec, rows: dict, staged: bool) -> pd.DataFrame:
    """Sorted by spec indicator order, area, stage (budget first), period.

    The site lists a dimension's values in the order they first appear, so the budget comes
    before the amended budget and the plan years.
    """
    columns = ["area", "period", *([STAGE_COLUMN] if staged else []), "indicator"]
    records = [(*key, value, status) for key, (value, status) in rows.items()]
    frame = pd.DataFrame.from_records(records, columns=[*columns, "value", "status"])
    frame = frame.astype({c: "string" for c in [*columns, "status"]} | {"value": "float64"})
    order = {ind.id: i for i, ind in enumerate(spec.indicators)}
    keys = {
        "indicator": lambda s: s.map(order),
        STAGE_COLUMN: lambda s: s.map(api.STAGE_ORDER.index),
    }
    sort_by = ["indicator", "area", *([STAGE_COLUMN] if staged else []), "period"]
    frame = frame.sort_values(sort_by, key=lambda s: keys.get(s.name, lambda x: x)(s))
    return frame.reset_index(drop=True)


def _meta(
    spec: DatasetSpec,
    provenance: dict[str, Any],
    selections: list[api.Selection],
    taxonomy: dict[str, api.TaxonomyCell] | None,
    staged: bool,
    package: str,
) -> dict[str, Any]:
    """`x-kuntadata`: the common keys, the taxonomy cells behind each indicator, the stages."""
    by_id = {s.indicator: s for s in selections}
    indicators = []
    for ind in spec.indicators:
        cells = []
        for stage, codes in by_id[ind.id].codes.items():
            for code in codes:
                cell = (taxonomy or {}).get(code)
                cells.append(
                    {
                        "code": code,
                        "stage": stage,
                        "label": dict(cell.label) if cell else {},
                        "task": dict(cell.task) if cell else {},
                    }
                )
        indicators.append(
            {
                "id": ind.id,
                "title": ind.title,
                "unit": ind.unit,
                "description": ind.description,
                "decimals": 2 if ind.decimals is None else ind.decimals,
                "higher_is": ind.higher_is,
                "responsible": ind.responsible,
                "additive": ind.additive,
                "taxonomy": {"package": package, "select": by_id[ind.id].select, "cells": cells},
            }
        )
    attribution = dict(spec.attribution) or {
        "fi": f"Lähde: Valtiokonttori, kuntatalouden raportointi ({package})",
        "sv": f"Källa: Statskontoret, kommunekonomins rapportering ({package})",
        "en": f"Source: State Treasury of Finland, municipal finance reporting ({package})",
    }
    title = PACKAGE_TITLES.get(package) or {lang: package for lang in api.LANGS}
    documents = provenance.get("documents") or []
    dimensions = []
    if staged:
        dimensions.append(
            {
                "column": STAGE_COLUMN,
                "title": api.STAGE_TITLE,
                "total": None,
                "values": {stage: api.STAGE_LABELS[stage] for stage in api.STAGE_ORDER},
            }
        )
    return {
        **base_meta(spec, provenance, attribution, title),
        "table": package,
        "updated": max((d.get("published_at") or "" for d in documents), default=""),
        "indicators": indicators,
        "dimensions": dimensions,
        "documents": len(documents),
    }
