"""Dataset specs: `datasets/<id>.yaml`, one per dataset, the file stem is the id.

A forker adds an indicator by adding one YAML file: the loader globs `datasets/`, there is
no registry. Each spec has three parts read by one stage each: `source` (fetch),
`indicators` (package) and `chart` (site).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import SpecError
from .yamlfiles import load_yaml, schema_problems

DATASET_ID = re.compile(r"^[a-z][a-z0-9_]*$")
DEFAULT_LICENCE = {
    "name": "CC-BY-4.0",
    "path": "https://creativecommons.org/licenses/by/4.0/",
    "title": "Creative Commons Attribution 4.0 International",
}
DEFAULT_STATFIN_LEVELS = ("country", "region", "wellbeing_county", "municipality")


@dataclass(frozen=True)
class Indicator:
    id: str
    select: str
    title: dict[str, str]
    unit: dict[str, str]
    description: dict[str, str] = field(default_factory=dict)
    decimals: int | None = None
    higher_is: str = "neutral"
    responsible: str = "other"
    additive: bool = True
    per_resident: dict[str, Any] = field(default_factory=dict)
    # how the site derives a rate for a region, county or sub-region from its members:
    # {numerator: <indicator>, denominator: <dataset>.<indicator>, multiply: N} (site/aggregate.py)
    aggregate: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Selection:
    """A variable of the source table, matched by its text or its code without vintage stamp."""

    variable: str
    values: tuple[str, ...]
    column: str | None = None
    title: dict[str, str] = field(default_factory=dict)
    groups: tuple[ValueGroup, ...] = ()
    labels: dict[str, dict[str, str]] = field(default_factory=dict)


@dataclass(frozen=True)
class ValueGroup:
    """A group summed from a range of a variable's values (age 0–14 = 000 … 014)."""

    code: str
    first: str
    last: str
    title: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class DatasetSpec:
    id: str
    path: Path
    title: dict[str, str]
    theme: str
    source: dict[str, Any]
    indicators: tuple[Indicator, ...]
    description: dict[str, str] = field(default_factory=dict)
    chart: dict[str, Any] = field(default_factory=dict)
    licence: dict[str, str] = field(default_factory=lambda: dict(DEFAULT_LICENCE))
    attribution: dict[str, str] = field(default_factory=dict)
    verified: bool = True
    written_against: dict[str, str] = field(default_factory=dict)
    cadence: str = "yearly"
    next_release: str = ""
    derived: tuple[Indicator, ...] = ()
    not_applicable: dict[str, Any] = field(default_factory=dict)

    @property
    def kind(self) -> str:
        return str(self.source["kind"])

    @property
    def label(self) -> str:
        return f"datasets/{self.path.name}"

    @property
    def selections(self) -> tuple[Selection, ...]:
        return tuple(
            Selection(
                variable=str(item["variable"]),
                values=tuple(str(v) for v in item["values"]),
                column=item.get("column"),
                title=item.get("title") or {},
                groups=tuple(
                    ValueGroup(str(g["code"]), str(g["from"]), str(g["to"]), g.get("title") or {})
                    for g in item.get("groups") or ()
                ),
                labels={str(k): v for k, v in (item.get("labels") or {}).items()},
            )
            for item in self.source.get("select") or ()
        )

    @property
    def dimension_columns(self) -> tuple[str, ...]:
        return tuple(s.column for s in self.selections if s.column)

    @property
    def levels(self) -> tuple[str, ...]:
        return tuple(self.source.get("levels") or DEFAULT_STATFIN_LEVELS)

    def indicator(self, indicator_id: str) -> Indicator:
        return next(i for i in self.indicators if i.id == indicator_id)


def load_dataset_specs(directory: Path, only: tuple[str, ...] = ()) -> list[DatasetSpec]:
    """Load every `*.yaml` in `directory`; list all problems in all files, then abort once.

    `only` narrows to the given ids; an unknown id is an error that lists the known ones.
    """
    files = sorted(directory.glob("*.yaml"))
    if not files:
        raise SpecError(f"{directory}: no dataset specs (*.yaml) found")
    known = [f.stem for f in files]
    unknown = [name for name in only if name not in known]
    if unknown:
        raise SpecError(
            [f"--only {name}: no such dataset; known: {', '.join(known)}" for name in unknown]
        )
    problems: list[str] = []
    specs: list[DatasetSpec] = []
    for path in files:
        if only and path.stem not in only:
            continue
        try:
            specs.append(load_dataset_spec(path))
        except SpecError as exc:
            problems.extend(exc.problems)
    problems.extend(_duplicate_indicator_ids(specs))
    if problems:
        raise SpecError(problems, where="datasets/")
    return specs


# Ids the site's pages give their own sections (site_templates): an indicator id is also the
# anchor of its chart on a page (`#families`), so it may not be one of these.
RESERVED_IDS = frozenset({"compare", "downloads", "embed", "main", "members", "peers",
                          "pending", "prebuilt", "unpublished"})  # fmt: skip


def _duplicate_indicator_ids(specs: list[DatasetSpec]) -> list[str]:
    """Indicator ids name pages (/indikaattori/<id>/) and anchor their charts on a page
    (`#families`): they must be unique across datasets and not a section's own id."""
    seen: dict[str, str] = {}
    problems = []
    for spec in specs:
        for indicator in (*spec.indicators, *spec.derived):
            if indicator.id in RESERVED_IDS:
                reserved = ", ".join(sorted(RESERVED_IDS))
                problems.append(
                    f"{spec.label}: indicator id {indicator.id!r} is the id of a section of "
                    f"the site's pages; choose another (reserved: {reserved})"
                )
            if indicator.id in seen:
                problems.append(
                    f"{spec.label}: indicator id {indicator.id!r} is already used in "
                    f"datasets/{seen[indicator.id]}.yaml; indicator ids must be unique"
                )
            seen.setdefault(indicator.id, spec.id)
    return problems


def load_dataset_spec(path: Path) -> DatasetSpec:
    label = f"datasets/{path.name}"
    problems: list[str] = []
    if not DATASET_ID.match(path.stem):
        problems.append(
            f"{label}: file name must be a lowercase id (a-z, 0-9, _), e.g. families.yaml"
        )
    data, line_of = load_yaml(path, label)
    if not isinstance(data, dict):
        raise SpecError(
            f"{label}:1: the file must be a mapping with title, theme, source, indicators"
        )
    problems.extend(schema_problems(data, "dataset.schema.json", label, line_of))
    if not problems:
        problems.extend(_cross_checks(data, label, line_of))
    if problems:
        raise SpecError(problems)
    return DatasetSpec(
        id=path.stem,
        path=path,
        title=data["title"],
        description=data.get("description") or {},
        theme=data["theme"],
        source=data["source"],
        indicators=tuple(
            _indicator(item) for item in data["indicators"] if "per_resident" not in item
        ),
        derived=tuple(_indicator(item) for item in data["indicators"] if "per_resident" in item),
        chart=data.get("chart") or {},
        licence=data.get("licence") or dict(DEFAULT_LICENCE),
        attribution=data.get("attribution") or {},
        verified=data.get("verified", True),
        written_against=data.get("written_against") or {},
        cadence=data.get("cadence", "yearly"),
        next_release=str(data.get("next_release") or ""),
        not_applicable=data.get("not_applicable") or {},
    )


def _indicator(item: dict[str, Any]) -> Indicator:
    return Indicator(
        id=item["id"],
        select=str(item.get("select", "")),
        title=item["title"],
        unit=item["unit"],
        description=item.get("description") or {},
        decimals=item.get("decimals"),
        higher_is=item.get("higher_is", "neutral"),
        responsible=item.get("responsible", "other"),
        additive=item.get("additive", "per_resident" not in item),
        per_resident=item.get("per_resident") or {},
        aggregate=item.get("aggregate") or {},
    )


def _cross_checks(data: dict[str, Any], label: str, line_of: Any) -> list[str]:
    """Rules a JSON Schema cannot say: unique ids, chart names existing indicators."""
    problems: list[str] = []
    ids = [item["id"] for item in data["indicators"]]
    for index, indicator_id in enumerate(ids):
        if ids.index(indicator_id) != index:
            line = line_of(("indicators", index, "id"))
            problems.append(
                f"{label}:{line}: indicators[{index}].id: duplicate id {indicator_id!r}"
            )
    for index, name in enumerate((data.get("chart") or {}).get("indicators") or []):
        if name not in ids:
            line = line_of(("chart", "indicators", index))
            problems.append(
                f"{label}:{line}: chart.indicators[{index}]: {name!r} is not an indicator id "
                f"of this dataset ({', '.join(ids)})"
            )
    problems.extend(_aggregate_checks(data, ids, label, line_of))
    columns = [s.get("column") for s in data["source"].get("select") or () if s.get("column")]
    reserved = {"area", "period", "indicator", "value", "status"}
    for index, column in enumerate(columns):
        if column in reserved:
            line = line_of(("source", "select", index, "column"))
            problems.append(
                f"{label}:{line}: source.select[{index}].column: {column!r} is reserved"
            )
    return problems


def _aggregate_checks(data: dict[str, Any], ids: list[str], label: str, line_of: Any) -> list[str]:
    """`aggregate` is for a rate or share only (`additive: false`; a count is summed anyway),
    and its numerator must be a count of this dataset, so the site can add it up."""
    problems: list[str] = []
    additive = {item["id"]: item.get("additive", "per_resident" not in item)
                for item in data["indicators"]}  # fmt: skip
    for index, item in enumerate(data["indicators"]):
        rule = item.get("aggregate")
        if not rule:
            continue
        if additive[item["id"]]:
            line = line_of(("indicators", index, "aggregate"))
            problems.append(
                f"{label}:{line}: indicators[{index}].aggregate: only for a rate or share "
                "(additive: false); a count is summed over the municipalities without it"
            )
        numerator = rule.get("numerator")
        if numerator not in ids or not additive.get(numerator, False):
            line = line_of(("indicators", index, "aggregate", "numerator"))
            problems.append(
                f"{label}:{line}: indicators[{index}].aggregate.numerator: {numerator!r} is "
                f"not an additive indicator of this dataset ({', '.join(ids)})"
            )
    return problems
