"""The Local Government Act § 118 conditions as data: the law's words, inputs and formulas.

Why data and not code: the conditions for starting the evaluation procedure of a municipality
in a particularly difficult financial position are set by law and get amended. Keeping the
law's words (copied from the recorded Finlex text), the inputs and the formulas in
`content/finance_criteria.yaml` lets a person check every word and number against the law
without reading Python, and a test compares the Finnish quotes with the recorded text.

This module reads and checks the file (every problem listed, then one SpecError) and holds
the formula type; kuntadata/finance_assessment.py assesses a municipality from it. Formulas
(`Expression`) allow input ids, numbers, + - * / and brackets only, and are computed in exact
decimal arithmetic on the figures' published digits, so a value exactly at a limit (1 000
euros, 80 %, 2.0 percentage points, 0.8) compares exactly as the law says.
"""

from __future__ import annotations

import ast
import operator
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal, DivisionByZero, InvalidOperation, localcontext
from pathlib import Path
from typing import Any

from .errors import SpecError
from .yamlfiles import load_yaml

LANGUAGES = ("fi", "sv", "en")
OPERATORS: dict[str, Callable[[Decimal, Decimal], bool]] = {
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
}
_BINARY = {ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul,
           ast.Div: operator.truediv}  # fmt: skip


class Expression:
    """`value`/`limit` of the criteria file: input ids, numbers, + - * / and brackets only."""

    def __init__(self, source: str) -> None:
        self.source = source.strip()
        try:
            self._tree = ast.parse(self.source, mode="eval").body
        except SyntaxError as error:
            raise ValueError(f"not a formula: {error.msg}") from None
        self.names = frozenset(self._names(self._tree))

    def __repr__(self) -> str:
        return f"Expression({self.source!r})"

    def _names(self, node: ast.AST) -> Iterable[str]:
        if isinstance(node, ast.Name):
            yield node.id
        elif isinstance(node, ast.BinOp) and type(node.op) in _BINARY:
            yield from self._names(node.left)
            yield from self._names(node.right)
        elif isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
            yield from self._names(node.operand)
        elif not (isinstance(node, ast.Constant) and type(node.value) in (int, float)):
            raise ValueError(f"{ast.unparse(node)!r}: only input ids, numbers, + - * / allowed")

    def compute(self, values: Mapping[str, Decimal]) -> Decimal | None:
        """The exact result; None when it divides by zero (the figure is undefined)."""
        with localcontext() as context:
            context.prec = 34
            context.traps[DivisionByZero] = context.traps[InvalidOperation] = True
            try:
                return self._compute(self._tree, values)
            except (DivisionByZero, InvalidOperation):
                return None

    def _compute(self, node: ast.AST, values: Mapping[str, Decimal]) -> Decimal:
        if isinstance(node, ast.Name):
            return values[node.id]
        if isinstance(node, ast.Constant):
            return Decimal(str(node.value))
        if isinstance(node, ast.UnaryOp):
            return -self._compute(node.operand, values)
        assert isinstance(node, ast.BinOp)
        left, right = self._compute(node.left, values), self._compute(node.right, values)
        return _BINARY[type(node.op)](left, right)


@dataclass(frozen=True)
class Quote:
    """Words of the law: `text.fi` verbatim from the recorded moment; sv/en translated."""

    section: int
    moment: int
    text: dict[str, str]
    point: int | None = None


@dataclass(frozen=True)
class InputSpec:
    """One input: a dataset indicator, an all-municipalities average, or not published."""

    id: str
    title: dict[str, str]
    where: dict[str, str] = field(default_factory=dict)
    indicator: str | None = None  # "dataset.indicator_id"
    not_published: dict[str, dict[str, str]] | None = None  # publisher, why
    total: Expression | None = None  # all_municipalities: sum of this …
    per: Expression | None = None  # … divided by the sum of this
    unit: dict[str, str] = field(default_factory=dict)
    decimals: int | None = None

    @property
    def dataset(self) -> str:
        return (self.indicator or "").partition(".")[0]


@dataclass(frozen=True)
class Check:
    year_offset: int
    op: str
    limit: Expression


@dataclass(frozen=True)
class Criterion:
    id: str
    quote: Quote | None  # None when the condition's own quote is the criterion
    computation: tuple[Quote, ...]
    value: Expression | None
    checks: tuple[Check, ...]
    inputs: tuple[str, ...]  # every input shown: listed ones, then the formulas' names
    value_title: dict[str, str] = field(default_factory=dict)
    limit_title: dict[str, str] = field(default_factory=dict)
    unit: dict[str, str] = field(default_factory=dict)
    decimals: int = 2
    method: dict[str, str] = field(default_factory=dict)
    assessed: bool = True  # False: this site does not compute it (inputs never available)


@dataclass(frozen=True)
class Condition:
    id: str
    quote: Quote
    criteria: tuple[Criterion, ...]
    computation: tuple[Quote, ...] = ()
    related: tuple[Quote, ...] = ()


@dataclass(frozen=True)
class FinanceCriteria:
    law: dict[str, Any]
    lead: Quote
    accounts_dataset: str
    inputs: dict[str, InputSpec]
    conditions: tuple[Condition, ...]

    def quotes(self) -> list[Quote]:
        """Every quote of the law, in file order (the test compares them with the record)."""
        found = [self.lead]
        for condition in self.conditions:
            found += [condition.quote, *condition.computation, *condition.related]
            for criterion in condition.criteria:
                found += [q for q in (criterion.quote,) if q] + list(criterion.computation)
        return found


def load_finance_criteria(path: Path) -> FinanceCriteria:
    """Read and check the criteria file; every problem is listed, then one SpecError."""
    label = path.name
    data, line_of = load_yaml(path, label)
    if not isinstance(data, dict):
        raise SpecError(f"{label}:1: expected a mapping with law, lead, inputs, conditions")
    problems: list[str] = []
    reader = _Reader(problems, lambda keys: f"{label}:{line_of(keys) or '?'}")
    inputs = {
        str(key): reader.input_spec(str(key), item)
        for key, item in (data.get("inputs") or {}).items()
    }
    conditions = tuple(
        reader.condition(item, ("conditions", index))
        for index, item in enumerate(data.get("conditions") or [])
    )
    lead = reader.quote(data.get("lead"), ("lead",))
    for key in ("law", "lead", "accounts_dataset", "inputs", "conditions"):
        if not data.get(key):
            problems.append(f"{label}: {key!r} is required")
    known = set(inputs)
    for spec in inputs.values():
        for name in sorted(expression_names(spec.total, spec.per)):
            if name not in known:
                problems.append(f"{label}: inputs.{spec.id}: unknown input {name!r}")
            elif inputs[name].indicator is None and inputs[name].not_published is None:
                problems.append(f"{label}: inputs.{spec.id}: {name!r} is itself an average")
    for condition in conditions:
        for criterion in condition.criteria:
            for name in sorted(set(criterion.inputs) - known):
                problems.append(f"{label}: criterion {criterion.id}: unknown input {name!r}")
    if problems:
        raise SpecError(problems, where=label)
    return FinanceCriteria(
        law=dict(data["law"]),
        lead=lead,
        accounts_dataset=str(data["accounts_dataset"]),
        inputs=inputs,
        conditions=conditions,
    )


class _Reader:
    """Builds the dataclasses from YAML, appending `file:line: key: problem` to `problems`."""

    def __init__(self, problems: list[str], where: Callable[[tuple[Any, ...]], str]) -> None:
        self.problems, self.where = problems, where

    def problem(self, keys: tuple[Any, ...], text: str) -> None:
        path = ".".join(str(k) if not isinstance(k, int) else f"[{k}]" for k in keys)
        self.problems.append(f"{self.where(keys)}: {path.replace('.[', '[')}: {text}")

    def texts(self, value: Any, keys: tuple[Any, ...], empty: bool = False) -> dict[str, str]:
        value = value if isinstance(value, dict) else {}
        missing = [lang for lang in LANGUAGES if value.get(lang) is None]
        missing += [lang for lang in LANGUAGES if not empty and value.get(lang) == ""]
        if missing:
            self.problem(keys, f"missing {', '.join(dict.fromkeys(missing))}")
        return {lang: str(value.get(lang) or "") for lang in LANGUAGES}

    def expression(self, value: Any, keys: tuple[Any, ...]) -> Expression | None:
        try:
            return Expression(str(value))
        except ValueError as error:
            self.problem(keys, str(error))
            return None

    def quote(self, item: Any, keys: tuple[Any, ...]) -> Quote:
        item = item if isinstance(item, dict) else {}
        cite = item.get("cite") if isinstance(item.get("cite"), dict) else {}
        if not isinstance(cite.get("section"), int) or not isinstance(cite.get("moment"), int):
            self.problem(keys, "cite: {section, moment} (numbers) required")
        point = cite.get("point")
        return Quote(int(cite.get("section") or 0), int(cite.get("moment") or 0),
                     self.texts(item.get("text"), (*keys, "text")), point)  # fmt: skip

    def input_spec(self, key: str, item: Any) -> InputSpec:
        keys: tuple[Any, ...] = ("inputs", key)
        item = item if isinstance(item, dict) else {}
        kinds = [k for k in ("indicator", "not_published", "all_municipalities") if item.get(k)]
        if len(kinds) != 1:
            self.problem(keys, "give exactly one of indicator, not_published, all_municipalities")
        if item.get("indicator") and "." not in str(item["indicator"]):
            self.problem((*keys, "indicator"), "write it as dataset.indicator_id")
        not_published = None
        if item.get("not_published"):
            block = item["not_published"] if isinstance(item["not_published"], dict) else {}
            not_published = {
                name: self.texts(block.get(name), (*keys, "not_published", name))
                for name in ("publisher", "why")
            }
        else:
            self.texts(item.get("where"), (*keys, "where"))
        average = item.get("all_municipalities") or {}
        total = per = None
        if average:
            total = self.expression(average.get("total"), (*keys, "all_municipalities", "total"))
            per = self.expression(average.get("per"), (*keys, "all_municipalities", "per"))
        return InputSpec(
            id=key,
            title=self.texts(item.get("title"), (*keys, "title")),
            where={lang: str(text) for lang, text in (item.get("where") or {}).items()},
            indicator=str(item["indicator"]) if item.get("indicator") else None,
            not_published=not_published,
            total=total,
            per=per,
            unit=dict(item.get("unit") or {}),
            decimals=item.get("decimals"),
        )

    def condition(self, item: Any, keys: tuple[Any, ...]) -> Condition:
        item = item if isinstance(item, dict) else {}
        criteria = item.get("criteria") or []
        if not criteria:
            self.problem(keys, "criteria: at least one is required")
        shared = len(criteria) == 1  # the condition's quote is its only criterion's text
        return Condition(
            id=str(item.get("id", keys[-1])),
            quote=self.quote(item, keys),
            criteria=tuple(
                self.criterion(c, (*keys, "criteria", i), shared) for i, c in enumerate(criteria)
            ),
            computation=self.quotes(item.get("computation"), (*keys, "computation")),
            related=self.quotes(item.get("related"), (*keys, "related")),
        )

    def quotes(self, items: Any, keys: tuple[Any, ...]) -> tuple[Quote, ...]:
        return tuple(self.quote(q, (*keys, i)) for i, q in enumerate(items or []))

    def criterion(self, item: Any, keys: tuple[Any, ...], shared: bool) -> Criterion:
        item = item if isinstance(item, dict) else {}
        assessed = bool(item.get("assessed", True))
        value = self.expression(item["value"], (*keys, "value")) if "value" in item else None
        checks = []
        for index, check in enumerate(item.get("checks") or []):
            check = check if isinstance(check, dict) else {}
            if check.get("op") not in OPERATORS:
                self.problem(
                    (*keys, "checks", index, "op"), f"must be one of {', '.join(OPERATORS)}"
                )
                continue
            limit = self.expression(check.get("limit"), (*keys, "checks", index, "limit"))
            if limit is not None:
                checks.append(Check(int(check.get("year", 0)), check["op"], limit))
        if assessed and (value is None or not checks):
            self.problem(keys, "an assessed criterion needs a value and checks")
        if not assessed and not item.get("inputs"):
            self.problem(keys, "a criterion this site does not assess must list its inputs")
        named = [*(item.get("inputs") or []), *_ordered_names(value, *(c.limit for c in checks))]
        return Criterion(
            id=str(item.get("id", keys[-1])),
            quote=None if shared and "text" not in item else self.quote(item, keys),
            computation=self.quotes(item.get("computation"), (*keys, "computation")),
            value=value,
            checks=tuple(checks),
            inputs=tuple(dict.fromkeys(str(n) for n in named)),
            value_title=self.texts(item.get("value_title"), (*keys, "value_title"))
            if assessed
            else {},
            limit_title=dict(item.get("limit_title") or {}),
            unit=self.texts(item.get("unit"), (*keys, "unit"), empty=True) if assessed else {},
            decimals=int(item.get("decimals", 2)),
            method=dict(item.get("method") or {}),
            assessed=assessed,
        )


def expression_names(*expressions: Expression | None) -> set[str]:
    """Every input id the formulas use."""
    return {n for e in expressions if e is not None for n in e.names}


def _ordered_names(*expressions: Expression | None) -> list[str]:
    """Names in the order they are written (the reader meets the inputs in formula order)."""
    found: list[str] = []
    for expression in expressions:
        if expression is not None:
            for node in ast.walk(ast.parse(expression.source, mode="eval")):
                if isinstance(node, ast.Name):
                    found.append(node.id)
    return sorted(dict.fromkeys(found), key=lambda n: _first_at(expressions, n))


def _first_at(expressions: tuple[Expression | None, ...], name: str) -> tuple[int, int]:
    for index, expression in enumerate(expressions):
        if expression is not None and name in expression.names:
            return index, expression.source.find(name)
    return len(expressions), 0
