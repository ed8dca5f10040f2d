"""Resolving a dataset spec against a PxWeb table's metadata, and planning its queries.

The pure part of the StatFin adapter (no network): find the area, time and content variables
by role, the others by their text or their code without the vintage stamp (`alue_23_20260101`
→ `alue`), values by stable code or label with close matches for anything unknown, and split
the selection into queries under the service's cell limit. `build.py check --live` uses the
same resolution, so a spec that resolves here fetches.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from typing import Any

from ...errors import SpecError
from ...spec import DatasetSpec

VINTAGE = re.compile(r"_\d+_\d{8}$")
AREA_CODE = re.compile(r"^(SSS|KU\d{3}|MK\d{2}|SK\d{3}|HVA\d{2}|\d{3})$")
AREA_TEXTS = {"alue", "område", "area", "kunta", "kommun", "municipality"}
CONTENT_TEXTS = {"tiedot", "uppgifter", "information"}
TIME_TEXTS = {"vuosi", "år", "year", "kuukausi", "månad", "month", "vuosineljännes", "kvartal"}


@dataclass(frozen=True)
class PlannedQuery:
    """Areas and time filter of one POST; normally computed, given explicitly when seeding."""

    areas: tuple[str, ...]
    time: dict[str, Any] | None = None
    select: dict[str, tuple[str, ...]] = field(default_factory=dict)


@dataclass
class ResolvedQuery:
    """The dataset's selection translated into this table's current codes."""

    spec: DatasetSpec
    variables: list[dict[str, Any]]
    area_code: str
    time_code: str
    content_code: str
    areas: list[str]
    contents: list[str]
    times: list[str]
    time_filter: dict[str, Any]
    fixed: dict[str, list[str]]
    warnings: list[str]
    variable_of: dict[str, str] = field(default_factory=dict)


def resolve_query(
    spec: DatasetSpec,
    metadata: dict[str, dict[str, Any]],
    wanted_areas: list[str],
    optional_areas: frozenset[str] = frozenset(),
) -> ResolvedQuery:
    """Find the variables by role and the values by code or label; list every problem."""
    variables = metadata["fi"]["variables"]
    others = {lang: m["variables"] for lang, m in metadata.items()}
    problems: list[str] = []
    time_var = _find_time(variables)
    area_var = _find_area(variables)
    content_var = _find_content(variables, exclude={id(time_var), id(area_var)})
    for role, var in (("time", time_var), ("area", area_var), ("content", content_var)):
        if var is None:
            problems.append(f"{spec.label}: table {spec.source['table']} has no {role} variable")
    if problems:
        raise SpecError(problems)
    assert time_var and area_var and content_var
    contents = []
    for index, indicator in enumerate(spec.indicators):
        where = f"{spec.label}: indicators[{index}].select"
        code = content_code_match(indicator.select, content_var["values"], problems, where)
        if code is None and not any(p.startswith(where) for p in problems):
            code = _match_value(content_var, indicator.select, others, problems, where)
        if code:
            contents.append(code)
    fixed: dict[str, list[str]] = {}
    variable_of: dict[str, str] = {}
    for index, selection in enumerate(spec.selections):
        var = _match_variable(variables, others, selection.variable)
        where = f"{spec.label}: source.select[{index}]"
        if var is None:
            texts = [v["text"] for v in variables]
            problems.append(
                f"{where}.variable: {selection.variable!r} is not a variable of "
                f"table {spec.source['table']}; variables: {', '.join(texts)}"
            )
            continue
        codes = [
            _match_value(var, value, others, problems, f"{where}.values")
            for value in selection.values
        ]
        for group_index, group in enumerate(selection.groups):
            codes.extend(_group_members(var, group, problems, f"{where}.groups[{group_index}]"))
        fixed[var["code"]] = list(dict.fromkeys(c for c in codes if c))
        variable_of[selection.variable] = var["code"]
    for var in variables:
        named = {area_var["code"], time_var["code"], content_var["code"], *fixed}
        if var["code"] not in named and not var.get("elimination"):
            problems.append(
                f"{spec.label}: variable {var['text']!r} ({var['code']}) cannot be "
                "left out (not eliminable); add it to source.select"
            )
    times, time_filter = _resolve_time(spec, time_var, problems)
    if problems:
        raise SpecError(problems)
    available = set(area_var["values"])
    areas = [code for code in area_var["values"] if code in set(wanted_areas)]
    missing = [c for c in wanted_areas if c not in available and c not in optional_areas]
    warnings = []
    if missing:
        shown = ", ".join(missing[:8]) + (" …" if len(missing) > 8 else "")
        warnings.append(
            f"{spec.id}: table {spec.source['table']} has no data for "
            f"{len(missing)} wanted area(s): {shown}"
        )
    return ResolvedQuery(
        spec,
        variables,
        area_var["code"],
        time_var["code"],
        content_var["code"],
        areas,
        contents,
        times,
        time_filter,
        fixed,
        warnings,
        variable_of,
    )


def plan_queries(resolved: ResolvedQuery, max_cells: int) -> list[dict[str, Any]]:
    """Split by areas (then by periods) so no query selects more than `max_cells` cells."""
    per_area_period = len(resolved.contents)
    for codes in resolved.fixed.values():
        per_area_period *= max(1, len(codes))
    times = resolved.times
    if per_area_period * len(times) <= max_cells:
        time_chunks = [None]
        areas_per_query = max(1, max_cells // max(1, per_area_period * len(times)))
    else:
        periods_per_query = max(1, max_cells // max(1, per_area_period))
        time_chunks = [
            times[i : i + periods_per_query] for i in range(0, len(times), periods_per_query)
        ]
        areas_per_query = 1
    queries = []
    for start in range(0, len(resolved.areas), areas_per_query):
        chunk = resolved.areas[start : start + areas_per_query]
        for periods in time_chunks:
            time_filter = resolved.time_filter if periods is None else _items(periods)
            queries.append(_body(resolved, chunk, time_filter))
    return queries


def explicit_queries(resolved: ResolvedQuery, plan: list[PlannedQuery]) -> list[dict[str, Any]]:
    """Queries given by the caller (seeding from recorded responses), selections overridable."""
    bodies = []
    for query in plan:
        overrides = {
            resolved.variable_of[name]: list(values) for name, values in query.select.items()
        }
        narrowed = ResolvedQuery(**{**resolved.__dict__, "fixed": {**resolved.fixed, **overrides}})
        bodies.append(_body(narrowed, list(query.areas), query.time or resolved.time_filter))
    return bodies


def content_code_match(
    wanted: str, codes: list[str], problems: list[str], where: str
) -> str | None:
    """The content code meant by `wanted`, whether or not either carries a statistic's prefix.

    StatFin prefixes some tables' content codes with the statistic (`vaerak-vaesto`,
    `perh-perhlkm`) and not others (`vaesto_keski_ika`), and may add a prefix next year; so
    `perhlkm` finds `perh-perhlkm` and the other way round, when exactly one code matches.
    Two matches are a problem listing both (the spec must name one exactly).
    """
    if wanted in codes:
        return wanted
    bare = _without_prefix(wanted)
    matches = [code for code in codes if _without_prefix(code) == bare]
    if len(matches) > 1:
        problems.append(
            f"{where}: {wanted!r} matches {len(matches)} content codes: {', '.join(matches)}; "
            "write the one meant in full"
        )
        return None
    return matches[0] if matches else None


def _without_prefix(code: str) -> str:
    return code.split("-", 1)[1] if "-" in code else code


def _group_members(var: dict, group, problems: list[str], where: str) -> list[str]:
    codes = var["values"]
    missing = [c for c in (group.first, group.last) if c not in codes]
    if missing:
        problems.append(f"{where}: {', '.join(missing)} not a value of {var['text']!r}")
        return []
    start, end = codes.index(group.first), codes.index(group.last)
    return codes[start : end + 1]


def _body(resolved: ResolvedQuery, areas: list[str], time_filter: dict[str, Any]) -> dict:
    query = []
    for var in resolved.variables:
        code = var["code"]
        if code == resolved.area_code:
            query.append({"code": code, "selection": _items(areas)})
        elif code == resolved.time_code:
            query.append({"code": code, "selection": time_filter})
        elif code == resolved.content_code:
            query.append({"code": code, "selection": _items(resolved.contents)})
        elif code in resolved.fixed:
            query.append({"code": code, "selection": _items(resolved.fixed[code])})
    return {"query": query, "response": {"format": "json-stat2"}}


def _items(values: list[str]) -> dict[str, Any]:
    return {"filter": "item", "values": list(values)}


def _resolve_time(spec: DatasetSpec, var: dict[str, Any], problems: list[str]):
    periods = list(var["values"])
    time = spec.source.get("time", "all")
    if time == "all":
        return periods, _items(periods)
    if "top" in time:
        count = int(time["top"])
        return periods[-count:], {"filter": "top", "values": [str(count)]}
    if "from" in time:
        chosen = [p for p in periods if p >= str(time["from"])]
        if not chosen:
            problems.append(
                f"{spec.label}: source.time.from: no period from {time['from']!r} "
                f"on; the table has {periods[0]}–{periods[-1]}"
            )
        return chosen, _items(chosen)
    unknown = [p for p in time["values"] if p not in periods]
    if unknown:
        problems.append(
            f"{spec.label}: source.time.values: {', '.join(unknown)} not in the "
            f"table; it has {periods[0]}–{periods[-1]}"
        )
    chosen = [p for p in periods if p in time["values"]]
    return chosen, _items(chosen)


def _find_time(variables: list[dict[str, Any]]) -> dict[str, Any] | None:
    return next((v for v in variables if v.get("time")), None) or next(
        (
            v
            for v in variables
            if v["text"].casefold() in TIME_TEXTS or v["code"].startswith("timeperiod")
        ),
        None,
    )


def _find_area(variables: list[dict[str, Any]]) -> dict[str, Any] | None:
    for var in variables:
        if var.get("map") or var["text"].casefold() in AREA_TEXTS:
            return var
    for var in variables:
        values = var["values"]
        if values and sum(bool(AREA_CODE.match(v)) for v in values) >= 0.8 * len(values):
            return var
    return None


def _find_content(variables: list[dict[str, Any]], exclude: set[int]) -> dict[str, Any] | None:
    candidates = [v for v in variables if id(v) not in exclude]
    for var in candidates:
        if var["code"] == "contentscode" or var["text"].casefold() in CONTENT_TEXTS:
            return var
    non_eliminable = [v for v in candidates if not v.get("elimination")]
    return non_eliminable[-1] if non_eliminable else None


def _match_variable(variables: list[dict], others: dict[str, list[dict]], wanted: str):
    target = wanted.casefold()
    for index, var in enumerate(variables):
        texts = {var["code"].casefold(), VINTAGE.sub("", var["code"]).casefold()}
        for lang_vars in others.values():
            if index < len(lang_vars):
                texts.add(lang_vars[index]["text"].casefold())
        if target in texts:
            return var
    return None


def _match_value(
    var: dict, wanted: str, others: dict[str, list[dict]], problems: list[str], where: str
) -> str | None:
    """A value code, or a label in any language; unknown ones are listed with close matches."""
    codes = var["values"]
    if wanted in codes:
        return wanted
    folded = wanted.casefold()
    for lang_vars in others.values():
        match = next((v for v in lang_vars if v["code"] == var["code"]), None)
        if match is None:
            continue
        for code, text in zip(match["values"], match["valueTexts"], strict=False):
            if text.casefold() == folded:
                return code
    by_key: dict[str, str] = {}
    for code, text in zip(codes, var["valueTexts"], strict=False):
        by_key.setdefault(code, code)
        by_key.setdefault(text, code)
    texts = dict(zip(codes, var["valueTexts"], strict=False))
    close: list[str] = []
    for key in difflib.get_close_matches(wanted, list(by_key), n=6, cutoff=0.5):
        shown = f"{by_key[key]} ({texts.get(by_key[key], '')})"
        if shown not in close:
            close.append(shown)
    hint = f"; close matches: {', '.join(close[:4])}" if close else ""
    problems.append(f"{where}: {wanted!r} is not a value of {var['text']!r} ({var['code']}){hint}")
    return None
