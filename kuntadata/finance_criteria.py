"""The municipal finance gauge: Local Government Act § 118 criteria as data, evaluated per year.

Why data and not code: the limits of the "crisis municipality" procedure are set by law and
have been amended (notably with the 2023 health and social services reform). Keeping them in
`content/finance_criteria.yaml` with their citation and a `verified` flag lets a person check
and update a limit without touching Python, and lets the site say which limits are unconfirmed.

Missing data is never read as met or not met. A criterion is a conjunction of checks (the
evaluated year and, where the law says "two consecutive years", the year before), evaluated in
three-valued logic: any check definitely false → not met (`False`); otherwise any value or
average missing → unknown (`None`); otherwise met (`True`).
"""

from __future__ import annotations

import math
import operator
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from .errors import KuntadataError, SpecError
from .yamlfiles import load_yaml

OPERATORS: dict[str, Callable[[float, float], bool]] = {
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
}
LANGUAGES = ("fi", "sv", "en")
COMBINE = ("all", "any")

# indicator id -> period -> the all-municipalities average of that period
CountryAverages = Mapping[str, Mapping[str, float]]


@dataclass(frozen=True)
class Check:
    """One comparison for one year: `year_offset` 0 is the evaluated year, -1 the one before."""

    year_offset: int
    op: str
    value: float | None = None
    average_plus: float | None = None
    average_times: float | None = None

    @property
    def relative(self) -> bool:
        return self.value is None

    def limit(self, average: float | None) -> float | None:
        """The limit in the indicator's unit; None when it needs an average that is missing."""
        if self.value is not None:
            return self.value
        if average is None:
            return None
        if self.average_plus is not None:
            return average + self.average_plus
        return average * float(self.average_times)  # type: ignore[arg-type]


@dataclass(frozen=True)
class Criterion:
    id: str
    text: dict[str, str]
    indicator: str | None
    checks: tuple[Check, ...]
    citation: dict[str, Any]
    group: str | None = None
    verified: bool = False
    note: str = ""

    @property
    def computable(self) -> bool:
        """False for criteria no statistic can decide (e.g. a deadline set in a council plan)."""
        return self.indicator is not None and bool(self.checks)


@dataclass(frozen=True)
class CheckResult:
    period: str
    value: float | None
    limit: float | None
    met: bool | None


@dataclass(frozen=True)
class CriterionResult:
    """Value and limit of the evaluated year; `met` over all the criterion's years."""

    criterion: Criterion
    period: str
    value: float | None
    limit: float | None
    met: bool | None
    checks: tuple[CheckResult, ...] = ()
    reason: str = ""


@dataclass(frozen=True)
class CriteriaGroup:
    id: str
    combine: str
    text: dict[str, str] = field(default_factory=dict)


def load_finance_criteria(path: Path) -> list[Criterion]:
    """Read and check the criteria file; every problem is listed, then one SpecError."""
    criteria, _ = load_finance_criteria_file(path)
    return criteria


def load_finance_criteria_file(path: Path) -> tuple[list[Criterion], list[CriteriaGroup]]:
    """The criteria and the groups that combine them (all-of / any-of), with the same checks."""
    label = path.name
    data, line_of = load_yaml(path, label)
    if not isinstance(data, dict) or not isinstance(data.get("criteria"), list):
        raise SpecError(f"{label}:1: expected a mapping with a `criteria:` list")
    problems: list[str] = []
    groups = [
        _group(item, index, label, problems) for index, item in enumerate(data.get("groups") or [])
    ]
    group_ids = {g.id for g in groups}
    criteria: list[Criterion] = []
    for index, item in enumerate(data["criteria"]):
        where = f"{label}:{line_of(('criteria', index)) or '?'}: criteria[{index}]"
        criterion = _criterion(item, where, problems)
        if criterion is None:
            continue
        if criterion.group is not None and criterion.group not in group_ids:
            problems.append(f"{where}.group: {criterion.group!r} is not one of the groups")
        if any(c.id == criterion.id for c in criteria):
            problems.append(f"{where}.id: duplicate id {criterion.id!r}")
        criteria.append(criterion)
    if problems:
        raise SpecError(problems, where=label)
    return criteria, groups


def _group(item: Any, index: int, label: str, problems: list[str]) -> CriteriaGroup:
    item = item if isinstance(item, dict) else {}
    combine = item.get("combine", "all")
    if combine not in COMBINE:
        problems.append(f"{label}: groups[{index}].combine: must be one of {', '.join(COMBINE)}")
    return CriteriaGroup(str(item.get("id", f"group{index}")), combine, item.get("text") or {})


def _criterion(item: Any, where: str, problems: list[str]) -> Criterion | None:
    if not isinstance(item, dict):
        problems.append(f"{where}: must be a mapping")
        return None
    before = len(problems)
    for key in ("id", "text", "checks", "citation"):
        if key not in item:
            problems.append(f"{where}: {key!r} is required")
    text = item.get("text") or {}
    missing = [lang for lang in LANGUAGES if not isinstance(text, dict) or not text.get(lang)]
    if missing:
        problems.append(f"{where}.text: missing {', '.join(missing)}")
    if not item.get("verified", False) and not item.get("note"):
        problems.append(f"{where}.note: an unverified criterion must say what to check and where")
    checks = [
        _check(c, f"{where}.checks[{i}]", problems) for i, c in enumerate(item.get("checks") or [])
    ]
    if checks and not item.get("indicator"):
        problems.append(f"{where}.indicator: checks need the indicator they compare")
    if len(problems) > before:
        return None
    return Criterion(
        id=str(item["id"]),
        text=dict(text),
        indicator=item.get("indicator"),
        checks=tuple(c for c in checks if c is not None),
        citation=dict(item["citation"]),
        group=item.get("group"),
        verified=bool(item.get("verified", False)),
        note=str(item.get("note") or ""),
    )


def _check(item: Any, where: str, problems: list[str]) -> Check | None:
    if not isinstance(item, dict) or item.get("op") not in OPERATORS:
        problems.append(f"{where}.op: must be one of {', '.join(OPERATORS)}")
        return None
    limits = [k for k in ("value", "average_plus", "average_times") if item.get(k) is not None]
    if len(limits) != 1:
        problems.append(f"{where}: give exactly one of value, average_plus, average_times")
        return None
    return Check(
        year_offset=int(item.get("year", 0)),
        op=item["op"],
        **{limits[0]: float(item[limits[0]])},
    )


def evaluate(
    criteria: Iterable[Criterion],
    frame: pd.DataFrame,
    area: str,
    year: str | int,
    country_averages: CountryAverages,
) -> list[CriterionResult]:
    """Evaluate every criterion for one area and year from a tidy frame.

    `frame` is the tidy long table of the package (`area, period, indicator, value`, optionally
    `status`); an empty value counts as missing, whatever its status symbol (a status can also
    mark a published value, e.g. preliminary — FORMATS.md §1.6). One row per
    (area, period, indicator) is expected: a frame with dimension columns must be filtered to
    the totals first. `country_averages` gives, per indicator and period, the average a
    relative limit is computed from; the caller must supply the average the law means (e.g. the
    weighted average tax rate), not whatever the SSS row happens to be.
    """
    values = _values(frame, area)
    return [_evaluate_one(criterion, values, str(year), country_averages) for criterion in criteria]


def combine_groups(
    groups: Iterable[CriteriaGroup], results: Iterable[CriterionResult]
) -> dict[str, bool | None]:
    """Each group's outcome in the same three-valued logic (`all`: and, `any`: or)."""
    by_group: dict[str, list[bool | None]] = {}
    for result in results:
        if result.criterion.group:
            by_group.setdefault(result.criterion.group, []).append(result.met)
    outcome: dict[str, bool | None] = {}
    for group in groups:
        members = by_group.get(group.id, [])
        outcome[group.id] = (_all if group.combine == "all" else _any)(members) if members else None
    return outcome


def country_averages_from_frame(
    frame: pd.DataFrame, area: str = "SSS"
) -> dict[str, dict[str, float]]:
    """Averages from one area's rows (the whole country by default) — only where that row is
    known to be the average the law means; see the notes in content/finance_criteria.yaml."""
    averages: dict[str, dict[str, float]] = {}
    for (indicator, period), value in _values(frame, area).items():
        if value is not None:
            averages.setdefault(indicator, {})[period] = value
    return averages


def _evaluate_one(
    criterion: Criterion,
    values: Mapping[tuple[str, str], float | None],
    year: str,
    country_averages: CountryAverages,
) -> CriterionResult:
    if not criterion.computable:
        return CriterionResult(
            criterion, year, None, None, None, reason="not computable from published statistics"
        )
    assert criterion.indicator is not None
    averages = country_averages.get(criterion.indicator, {})
    results = []
    for check in criterion.checks:
        period = _shift(year, check.year_offset)
        value = values.get((criterion.indicator, period))
        average = _number(averages.get(period))
        limit = check.limit(average)
        met = None if value is None or limit is None else OPERATORS[check.op](value, limit)
        results.append(CheckResult(period, value, limit, met))
    current = next((r for r in results if r.period == year), results[0])
    met = _all([r.met for r in results])
    missing = [r.period for r in results if r.met is None]
    reason = f"missing data for {', '.join(missing)}" if met is None else ""
    return CriterionResult(
        criterion, year, current.value, current.limit, met, tuple(results), reason
    )


def _values(frame: pd.DataFrame, area: str) -> dict[tuple[str, str], float | None]:
    rows = frame[frame["area"].astype(str) == area]
    keys = list(zip(rows["indicator"].astype(str), rows["period"].astype(str), strict=True))
    duplicated = {k for k in keys if keys.count(k) > 1}
    if duplicated:
        shown = ", ".join(f"{i} {p}" for i, p in sorted(duplicated)[:4])
        raise KuntadataError(
            f"finance criteria: several rows for {area} ({shown}); filter dimension columns "
            "to their totals before evaluating"
        )
    result: dict[tuple[str, str], float | None] = {}
    for key, value in zip(keys, rows["value"], strict=True):
        result[key] = _number(value)
    return result


def _number(value: Any) -> float | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(number) else number


def _shift(year: str, offset: int) -> str:
    return str(int(year) + offset)


def _all(values: list[bool | None]) -> bool | None:
    if any(v is False for v in values):
        return False
    return None if any(v is None for v in values) else True


def _any(values: list[bool | None]) -> bool | None:
    if any(v is True for v in values):
        return True
    return None if any(v is None for v in values) else False
