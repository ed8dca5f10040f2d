"""Assessing the § 118 conditions for one municipality from real inputs, never approximated.

What the caller must know:
- An input is available (a figure for the year asked), not yet fetched (its dataset is not in
  the package), without a figure for that area and year (or published as a status symbol), or
  not published by any source we read. A criterion that lacks an input is unknown (`None`),
  never met or not met; so is one whose formula would divide by zero.
- The evaluated year is the year of the municipality's latest group accounts (§ 118(3):
  "kunnan viimeisessä konsernitilinpäätöksessä"); checks with `year: -1` read the year before.
- Three-valued logic: a criterion holds when all its checks hold; a condition when all its
  criteria hold; the procedure "may be started" when any condition holds (§ 118(1)). Any
  definite False decides an "all", any True an "any"; otherwise unknown stays unknown.
- An all-municipalities average is computed only when every municipality has every
  component's figure for that year; the figures come through `Figures`, so this module
  reads no file and the site stage supplies the package (kuntadata/site/finance_gauge.py).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Protocol

from .finance_criteria import (
    OPERATORS,
    Condition,
    Criterion,
    Expression,
    FinanceCriteria,
    InputSpec,
    expression_names,
)

AVAILABLE = "available"  # a figure for the year asked
NOT_FETCHED = "not_fetched"  # the dataset is not in the package (spec without a snapshot)
NO_FIGURE = "no_figure"  # fetched, but no figure for this area and year (or a status symbol)
NOT_PUBLISHED = "not_published"  # no source we read publishes it


@dataclass(frozen=True)
class Figure:
    """One published cell: its period, value (None = the source published no number) and
    the source's status symbol."""

    period: str
    value: Decimal | None
    symbol: str = ""


class Figures(Protocol):
    """What the assessment reads from the data package (kuntadata/site/finance_gauge.py)."""

    def fetched(self, indicator: str) -> bool:
        """Whether the dataset of `dataset.indicator` is in the package at all."""

    def figure(self, indicator: str, area: str, period: str | None) -> Figure | None:
        """The cell for `area` and `period` (None: the latest period); None without a row."""


@dataclass(frozen=True)
class InputState:
    """An input's status for one area and year, with what the page needs to say why."""

    input: str
    status: str
    period: str | None = None
    value: Decimal | None = None
    symbol: str = ""
    because: str = ""  # an average: the component input that decided its status
    lacking: int = 0  # an average: municipalities without every component's figure …
    of: int = 0  # … out of this many


class Inputs:
    """Reads input states from `figures`; averages over `municipalities(period)` are computed
    once per period and only when every municipality has every component's figure."""

    def __init__(
        self,
        criteria: FinanceCriteria,
        figures: Figures,
        municipalities: Callable[[str], list[str]],
    ) -> None:
        self.criteria, self.figures, self.municipalities = criteria, figures, municipalities
        self._averages: dict[tuple[str, str | None], InputState] = {}

    def evaluated_year(self, area: str) -> str | None:
        """The year of the area's latest group accounts (§ 118(3): "viimeisessä
        konsernitilinpäätöksessä"): the latest period with a value in the accounts dataset."""
        years = [
            found.period
            for spec in self.criteria.inputs.values()
            if spec.indicator and spec.dataset == self.criteria.accounts_dataset
            for found in [self._latest_value(spec.indicator, area)]
            if found is not None
        ]
        return max(years, key=_year_key) if years else None

    def _latest_value(self, indicator: str, area: str) -> Figure | None:
        found = self.figures.figure(indicator, area, None)
        return found if found is not None and found.value is not None else None

    def state(self, input_id: str, area: str, period: str | None) -> InputState:
        spec = self.criteria.inputs[input_id]
        if spec.not_published is not None:
            return InputState(input_id, NOT_PUBLISHED)
        if spec.indicator:
            return self._indicator(spec, area, period)
        key = (input_id, period)
        if key not in self._averages:
            self._averages[key] = self._average(spec, period)
        return self._averages[key]

    def _indicator(self, spec: InputSpec, area: str, period: str | None) -> InputState:
        assert spec.indicator is not None
        if not self.figures.fetched(spec.indicator):
            return InputState(spec.id, NOT_FETCHED, period)
        found = self.figures.figure(spec.indicator, area, period)
        if found is None:
            return InputState(spec.id, NO_FIGURE, period)
        if found.value is None:
            return InputState(spec.id, NO_FIGURE, found.period, symbol=found.symbol)
        return InputState(spec.id, AVAILABLE, found.period, found.value, found.symbol)

    def _average(self, spec: InputSpec, period: str | None) -> InputState:
        names = sorted(expression_names(spec.total, spec.per))
        components = [self.criteria.inputs[name] for name in names]
        for component in components:  # a component nobody publishes rules it out first
            if component.not_published is not None:
                return InputState(spec.id, NOT_PUBLISHED, period, because=component.id)
        for component in components:
            if not (component.indicator and self.figures.fetched(component.indicator)):
                return InputState(spec.id, NOT_FETCHED, period, because=component.id)
        if period is None:  # the year is not known yet: nothing to average
            return InputState(spec.id, NO_FIGURE, None)
        codes = self.municipalities(period)
        totals, pers, lacking = Decimal(0), Decimal(0), 0
        for code in codes:
            states = {name: self.state(name, code, period) for name in names}
            if any(s.status != AVAILABLE for s in states.values()):
                lacking += 1
                continue
            values = {name: s.value for name, s in states.items() if s.value is not None}
            total, per = _compute(spec.total, values), _compute(spec.per, values)
            if total is None or per is None:
                lacking += 1
                continue
            totals, pers = totals + total, pers + per
        if lacking or not codes:
            return InputState(spec.id, NO_FIGURE, period, lacking=lacking, of=len(codes))
        return InputState(spec.id, AVAILABLE, period, _divide(totals, pers), of=len(codes))


def _compute(expression: Expression | None, values: Mapping[str, Decimal]) -> Decimal | None:
    return None if expression is None else expression.compute(values)


def _divide(numerator: Decimal, denominator: Decimal) -> Decimal | None:
    return Expression("a / b").compute({"a": numerator, "b": denominator})


def _year_key(period: str) -> tuple[int, str]:
    return (int(period), period) if period.isdigit() else (-1, period)


# --- assessment ------------------------------------------------------------------------------


@dataclass(frozen=True)
class CheckResult:
    period: str | None
    op: str
    value: Decimal | None
    limit: Decimal | None
    met: bool | None


@dataclass(frozen=True)
class CriterionResult:
    criterion: Criterion
    inputs: tuple[InputState, ...]  # per input and year asked; a not-published one once
    checks: tuple[CheckResult, ...]
    met: bool | None


@dataclass(frozen=True)
class ConditionResult:
    condition: Condition
    criteria: tuple[CriterionResult, ...]
    met: bool | None


@dataclass(frozen=True)
class Assessment:
    """`met`: True when any condition holds, False when none does, None when unknown;
    `missing`: each input (once) that keeps an undecided condition undecided."""

    year: str | None
    conditions: tuple[ConditionResult, ...]
    met: bool | None
    missing: tuple[InputState, ...]


def assess(criteria: FinanceCriteria, inputs: Inputs, area: str) -> Assessment:
    """Every condition for `area` in the year of its latest group accounts."""
    year = inputs.evaluated_year(area)
    conditions = []
    for condition in criteria.conditions:
        results = tuple(_criterion(c, inputs, area, year) for c in condition.criteria)
        conditions.append(ConditionResult(condition, results, _all([r.met for r in results])))
    missing: dict[str, InputState] = {}
    for condition in conditions:
        if condition.met is not None:
            continue
        for result in condition.criteria:
            if result.met is None:
                for state in result.inputs:
                    if state.status != AVAILABLE:
                        missing.setdefault(state.input, state)
    met = _any([c.met for c in conditions])
    return Assessment(year, tuple(conditions), met, tuple(missing.values()))


def _criterion(
    criterion: Criterion, inputs: Inputs, area: str, year: str | None
) -> CriterionResult:
    periods = list(dict.fromkeys(_shift(year, c.year_offset) for c in criterion.checks))
    states: dict[tuple[str, str | None], InputState] = {}
    for name in criterion.inputs:
        for period in periods or [year]:
            state = inputs.state(name, area, period)
            key = (name, None if state.status == NOT_PUBLISHED else period)
            states.setdefault(key, state)
    if not criterion.assessed:
        return CriterionResult(criterion, tuple(states.values()), (), None)
    checks = []
    for check in criterion.checks:
        period = _shift(year, check.year_offset)
        found = {n: states.get((n, period)) or states.get((n, None)) for n in criterion.inputs}
        values = {n: s.value for n, s in found.items() if s and s.status == AVAILABLE and
                  s.value is not None}  # fmt: skip
        value = _if_known(criterion.value, values)
        limit = _if_known(check.limit, values)
        met = None if value is None or limit is None else OPERATORS[check.op](value, limit)
        checks.append(CheckResult(period, check.op, value, limit, met))
    met = _all([c.met for c in checks]) if year is not None else None
    return CriterionResult(criterion, tuple(states.values()), tuple(checks), met)


def _if_known(expression: Expression | None, values: Mapping[str, Decimal]) -> Decimal | None:
    if expression is None or not expression.names <= set(values):
        return None
    return expression.compute(values)


def _shift(year: str | None, offset: int) -> str | None:
    return None if year is None else str(int(year) + offset)


def _all(values: list[bool | None]) -> bool | None:
    if any(v is False for v in values):
        return False
    return None if any(v is None for v in values) or not values else True


def _any(values: list[bool | None]) -> bool | None:
    if any(v is True for v in values):
        return True
    return None if any(v is None for v in values) or not values else False
