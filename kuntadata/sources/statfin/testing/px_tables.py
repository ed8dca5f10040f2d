"""PxWeb API v1 semantics for the test server: query resolution and json-stat2 building.

Kept apart from the HTTP plumbing in ``server.py`` so the rules (APIS.md §1.8) can be
read in one place. Table 12c1 is served from the real PX file; the variable codes it is served
under depend on ``variable_codes`` ("2026", "pre2026", "changed"), because clients must find
variables by role, not by a hard-coded code.
"""

from __future__ import annotations

import functools
import json
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ...files.px import (
    PxContent,
    PxTable,
    PxVariable,
    parse_px,
    px_timestamp_to_utc,
    split_px_note,
)
from ...testing import read_fixture, realdata_dir

VARIABLE_CODE_MODES = ("2026", "pre2026", "changed")
PX_12C1 = "statfin_perh_12c1_2006-2022_all_areas.px"
# PX VARIABLECODE -> API code, per served vintage (the time and content codes are not stamped).
_CODES_12C1 = {
    "2026": {
        "Vuosi": "timeperiod_y",
        "Alue": "alue_23_20230101",
        "Perhetyyppi": "perhetyyppi_1_20230101",
        "Tiedot": "contentscode",
    },
    "changed": {
        "Vuosi": "timeperiod_y",
        "Alue": "alue_23_20270101",
        "Perhetyyppi": "perhetyyppi_1_20270101",
        "Tiedot": "contentscode",
    },
    "pre2026": {"Vuosi": "Vuosi", "Alue": "Alue", "Perhetyyppi": "Perhetyyppi", "Tiedot": "Tiedot"},
}
PARAMETER_ERROR = {"error": "Parameter error"}
TOO_MANY_VALUES = {"error": "Too many values selected"}


class ApiError(Exception):
    """An answer other than 200: the HTTP status and the JSON body the real server sends."""

    def __init__(self, status: int, body: Mapping[str, Any]) -> None:
        super().__init__(f"{status} {body}")
        self.status = status
        self.body = dict(body)


@dataclass(frozen=True)
class ApiVariable:
    """A variable as the API exposes it (code, value codes in table order, roles)."""

    code: str
    values: tuple[str, ...]
    eliminable: bool
    elimination: str | None
    is_time: bool


@dataclass(frozen=True)
class Selection:
    """One variable after resolving the query: positions in table order; ``kept`` is False when
    the variable was left out and collapsed to its elimination value (it then leaves the
    response)."""

    variable: ApiVariable
    positions: tuple[int, ...]
    kept: bool

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(self.variable.values[i] for i in self.positions)


def variable_error(code: str) -> ApiError:
    message = f"The request for variable '{code}' has an error. Please check your query."
    return ApiError(400, {"error": message})


def resolve_query(variables: Sequence[ApiVariable], body: Any, max_cells: int) -> list[Selection]:
    """Apply the PxWeb v1 query rules; raise ApiError with the real server's status and text."""
    if not isinstance(body, dict) or not isinstance(body.get("query", []), list):
        raise ApiError(400, PARAMETER_ERROR)
    by_code = {v.code: v for v in variables}
    requested: dict[str, Any] = {}
    for item in body.get("query", []):
        code = item.get("code") if isinstance(item, dict) else None
        if code not in by_code or code in requested:
            raise ApiError(400, PARAMETER_ERROR)
        requested[code] = item.get("selection") or {}
    selections = [_select(v, requested.get(v.code)) for v in variables]
    if math.prod(len(s.positions) for s in selections) > max_cells:
        raise ApiError(403, TOO_MANY_VALUES)
    return selections


def check_format(body: Mapping[str, Any]) -> None:
    """Only json-stat2 is emulated; other formats answer 501 rather than something invented."""
    response_format = (body.get("response") or {}).get("format")
    if response_format != "json-stat2":
        raise ApiError(501, {"error": f"not emulated: response format {response_format!r}"})


def _select(variable: ApiVariable, selection: Mapping[str, Any] | None) -> Selection:
    if selection is None:
        if variable.eliminable and variable.elimination is not None:
            position = variable.values.index(variable.elimination)
            return Selection(variable, (position,), kept=False)
        if variable.eliminable:
            raise ApiError(501, {"error": f"not emulated: summing '{variable.code}'"})
        return Selection(variable, tuple(range(len(variable.values))), kept=True)
    kind = str(selection.get("filter", "item")).lower()
    values = selection.get("values")
    if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
        raise variable_error(variable.code)
    if kind == "all":
        positions = _select_all(variable, values)
    elif kind == "top":
        positions = _select_top(variable, values)
    else:  # "item" and, as on the real server, any unknown filter name
        positions = _select_items(variable, values)
    if not positions:
        raise variable_error(variable.code)
    return Selection(variable, positions, kept=True)


def _select_items(variable: ApiVariable, values: Sequence[str]) -> tuple[int, ...]:
    if len(set(values)) != len(values) or not set(values) <= set(variable.values):
        raise variable_error(variable.code)
    wanted = set(values)
    return tuple(i for i, code in enumerate(variable.values) if code in wanted)


def _select_all(variable: ApiVariable, patterns: Sequence[str]) -> tuple[int, ...]:
    tests = []
    for pattern in patterns:
        stem = pattern.strip("*")
        if pattern == "*":
            tests.append(lambda code: True)
        elif pattern.endswith("*") and "*" not in pattern[:-1]:
            tests.append(lambda code, stem=stem: code.startswith(stem))
        elif pattern.startswith("*") and "*" not in pattern[1:]:
            tests.append(lambda code, stem=stem: code.endswith(stem))
        else:
            raise ApiError(400, PARAMETER_ERROR)
    return tuple(i for i, code in enumerate(variable.values) if any(t(code) for t in tests))


def _select_top(variable: ApiVariable, values: Sequence[str]) -> tuple[int, ...]:
    """Time variable: the last N periods; other variables: the first N values."""
    if len(values) != 1 or not values[0].isdigit() or int(values[0]) < 1:
        raise variable_error(variable.code)
    count = min(int(values[0]), len(variable.values))
    start = len(variable.values) - count if variable.is_time else 0
    return tuple(range(start, start + count))


# --- table 12c1 from the PX file -----------------------------------------------------------


@functools.lru_cache(maxsize=4)
def load_px(path: str) -> PxTable:
    """Parse once per process: benchmarks send dozens of queries against the same table."""
    return parse_px(read_fixture(Path(path)), path)


class PxApiTable:
    """One PX table served through the API under one vintage of variable codes."""

    def __init__(self, table: PxTable, codes: Mapping[str, str], short_id: bool) -> None:
        self.table = table
        self.codes = dict(codes)
        self.table_id = table.table_id if short_id else _long_id(table)
        self.matrix = table.table_id if short_id else table.matrix
        self.api_variables = [
            ApiVariable(
                code=self.codes.get(v.code, v.code),
                values=v.codes,
                eliminable=v.eliminable,
                elimination=v.elimination,
                is_time=v.is_time,
            )
            for v in table.variables
        ]

    def metadata(self, lang: str) -> dict[str, Any]:
        """GET table: the shape of the recorded ``statfin_11re_metadata_get_fi.json``."""
        out = []
        for px_var, api_var in zip(self.table.variables, self.api_variables, strict=True):
            entry: dict[str, Any] = {
                "code": api_var.code,
                "text": _in(px_var.names, lang),
                "values": list(px_var.codes),
                "valueTexts": list(_in(px_var.texts, lang)),
            }
            if px_var.eliminable:
                entry["elimination"] = True
            if px_var.is_time:
                entry["time"] = True
            if px_var.map:
                entry["map"] = px_var.map
            out.append(entry)
        return {"title": _in(self.table.titles, lang), "variables": out}

    def query(
        self,
        body: Any,
        lang: str,
        max_cells: int,
        status_cells: Mapping[tuple[str, str, str], str],
    ) -> dict[str, Any]:
        """POST table: json-stat2 exactly in the structure of the recorded 11re responses."""
        selections = resolve_query(self.api_variables, body, max_cells)
        check_format(body)
        values, status = self._cells(selections, status_cells)
        return build_jsonstat2(self, selections, lang, values, status)

    def _cells(
        self, selections: Sequence[Selection], status_cells: Mapping[tuple[str, str, str], str]
    ) -> tuple[list[float | int | None], dict[str, str]]:
        offsets = [0]
        for selection in selections:
            size = len(selection.variable.values)
            offsets = [o * size + p for o in offsets for p in selection.positions]
        marked = self._marked_cells(status_cells)
        decimals = self._decimals_by_cell()
        values: list[float | int | None] = []
        status: dict[str, str] = {}
        data, data_status = self.table.data, self.table.status
        for n, i in enumerate(offsets):
            symbol = marked.get(i) or data_status[i]
            if symbol is not None or data[i] is None:
                values.append(None)
                status[str(n)] = symbol or ".."
            else:
                values.append(round_half_away(data[i], decimals(i)))
        return values, status

    def _marked_cells(self, status_cells: Mapping[tuple[str, str, str], str]) -> dict[int, str]:
        """Per-test symbols keyed (area, period, content) -> flat PX index."""
        marked: dict[int, str] = {}
        if not status_cells:
            return marked
        geo = next(v for v in self.table.variables if v.map)
        time = self.table.time_variable
        content = self.table.content_variable
        for (area, period, content_code), symbol in status_cells.items():
            selection = {geo.code: area, time.code if time else "": period}
            if content is not None:
                selection[content.code] = content_code
            try:
                marked[self.table.flat_index(selection)] = symbol
            except KeyError:
                continue
        return marked

    def _decimals_by_cell(self) -> Callable[[int], int]:
        content = self.table.content_variable
        if content is None:
            shown = self.table.show_decimals
            return lambda i: self.table.decimals if shown is None else shown
        position = self.table.variables.index(content)
        stride = math.prod(len(v.codes) for v in self.table.variables[position + 1 :])
        by_position = [content.contents[c].show_decimals for c in content.codes]
        size = len(content.codes)
        return lambda i: by_position[(i // stride) % size]


def _long_id(table: PxTable) -> str:
    return table.keyword("TABLEID")[0] if table.keyword("TABLEID") else table.matrix


def _in(texts: Mapping[str, Any], lang: str) -> Any:
    return texts.get(lang, next(iter(texts.values())))


def round_half_away(value: float, decimals: int) -> float | int:
    """Round like the server's formatter; whole numbers come out without ``.0`` as it sends."""
    scaled = math.floor(abs(value) * 10**decimals + 0.5 + 1e-9) / 10**decimals
    scaled = math.copysign(scaled, value)
    return int(scaled) if decimals == 0 else scaled


@functools.lru_cache(maxsize=8)
def table_12c1(mode: str) -> PxApiTable:
    """The 12c1 table under a vintage of variable codes (cached; the PX is parsed once)."""
    if mode not in VARIABLE_CODE_MODES:
        raise ValueError(f"variable_codes must be one of {VARIABLE_CODE_MODES}, not {mode!r}")
    table = load_px(str(realdata_dir() / "statfin" / PX_12C1))
    return PxApiTable(table, _CODES_12C1[mode], short_id=mode != "pre2026")


# --- table 11re: replay of recorded real responses ----------------------------------------

RECORDED_11RE = (
    "statfin_11re_jsonstat2_KU091_2021-2025.json",
    "statfin_11re_jsonstat2_3cities_2025.json",
    "statfin_11re_jsonstat2_SSS_2023-2025.json",
)


class RecordedTable:
    """Table 11re: answers only with recorded real files, never with a computed value.

    A query matches a recording when it resolves to the same cells (so ``top 5`` and the five
    years listed by ``item`` both match); the query is validated first, like a live query.
    """

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        fi = json.loads((directory / "statfin_11re_metadata_get_fi.json").read_text("utf-8"))
        self.api_variables = [recorded_variable(v) for v in fi["variables"]]
        self.responses: dict[tuple[tuple[str, ...] | None, ...], dict[str, Any]] = {}
        for name in RECORDED_11RE:
            response = json.loads((directory / name).read_text("utf-8"))
            self.responses[self._key_of_response(response)] = response

    def metadata(self, lang: str) -> Any:
        path = self.directory / f"statfin_11re_metadata_get_{lang}.json"
        if not path.is_file():
            error = f"not recorded: GET /{lang}/StatFin/11re.px (only fi and en were recorded)"
            raise ApiError(404, {"error": error})
        return json.loads(path.read_text("utf-8"))

    def replay(self, body: Any, lang: str, max_cells: int) -> dict[str, Any] | None:
        """The recorded response selecting exactly these cells, or None when none was recorded."""
        selections = resolve_query(self.api_variables, body, max_cells)
        check_format(body)
        key = tuple(s.codes if s.kept else None for s in selections)
        if lang != "fi" or key not in self.responses:
            return None
        return self.responses[key]

    def _key_of_response(self, response: Mapping[str, Any]) -> tuple[tuple[str, ...] | None, ...]:
        dims = response["dimension"]
        return tuple(
            tuple(dims[v.code]["category"]["index"]) if v.code in dims else None
            for v in self.api_variables
        )


def recorded_variable(entry: Mapping[str, Any]) -> ApiVariable:
    """A metadata entry as the API serves it. The recorded metadata says only
    ``elimination: true``; the recorded json-stat2 shows that the elimination value is ``SSS``
    in every 11re dimension (the json-format tables mark nothing eliminable)."""
    values = tuple(entry["values"])
    eliminable = bool(entry.get("elimination"))
    return ApiVariable(
        code=entry["code"],
        values=values,
        eliminable=eliminable,
        elimination="SSS" if eliminable and "SSS" in values else None,
        is_time=bool(entry.get("time")),
    )


@functools.lru_cache(maxsize=2)
def table_11re(directory: str) -> RecordedTable:
    return RecordedTable(Path(directory))


# --- json-stat2 -------------------------------------------------------------------------------


def build_jsonstat2(
    api: PxApiTable,
    selections: Sequence[Selection],
    lang: str,
    values: list[float | int | None],
    status: Mapping[str, str],
) -> dict[str, Any]:
    """Key order and presence follow the recorded 11re responses and JsonStat2Serializer."""
    table = api.table
    pairs = [(px_var, s) for px_var, s in zip(table.variables, selections, strict=True) if s.kept]
    contents = _selected_contents(pairs)
    dataset: dict[str, Any] = {
        "version": "2.0",
        "class": "dataset",
        "label": _in(table.titles, lang),
        "source": _in(table.sources, lang),
        "updated": _updated(contents),
        "note": _notes(_in(table.notes, lang)),
        "role": _roles(pairs),
        "id": [s.variable.code for _, s in pairs],
        "size": [len(s.positions) for _, s in pairs],
        "dimension": {s.variable.code: _dimension(px_var, s, lang) for px_var, s in pairs},
        "extension": {
            "px": _px_extension(api, pairs, lang),
            "contact": _contacts(contents, lang),
        },
        "value": values,
    }
    if status:
        dataset["status"] = dict(status)
    return dataset


def _selected_contents(pairs: Sequence[tuple[PxVariable, Selection]]) -> list[Any]:
    for px_var, selection in pairs:
        if px_var.is_content:
            return [px_var.contents[code] for code in selection.codes]
    return []


def _updated(contents: Sequence[Any]) -> str:
    stamps = [c.last_updated for c in contents if c.last_updated]
    newest = max(stamps, key=lambda s: s.strip()) if stamps else "19700101 02:00"
    return px_timestamp_to_utc(newest)


def _roles(pairs: Sequence[tuple[PxVariable, Selection]]) -> dict[str, list[str]]:
    roles: dict[str, list[str]] = {"time": [], "geo": [], "metric": []}
    for px_var, selection in pairs:
        if px_var.is_time:
            roles["time"].append(selection.variable.code)
        if px_var.map:
            roles["geo"].append(selection.variable.code)
        if px_var.is_content:
            roles["metric"].append(selection.variable.code)
    return {role: codes for role, codes in roles.items() if codes}


def _dimension(px_var: PxVariable, selection: Selection, lang: str) -> dict[str, Any]:
    codes = selection.codes
    dimension: dict[str, Any] = {"label": _in(px_var.names, lang)}
    var_notes = _in(px_var.notes, lang) if px_var.notes else ()
    if var_notes:
        dimension["note"] = _notes(var_notes)
    dimension["category"] = _category(px_var, codes, lang)
    # The server keeps "elimination" only while the total is among the selected values.
    eliminable = px_var.eliminable and (px_var.elimination is None or px_var.elimination in codes)
    extension: dict[str, Any] = {"elimination": eliminable}
    if eliminable and px_var.elimination:
        extension["eliminationValueCode"] = px_var.elimination
    extension["show"] = "value"
    dimension["extension"] = extension
    if px_var.meta_id:
        link = {"extension": {selection.variable.code: px_var.meta_id}}
        dimension["link"] = {"describedby": [link]}
    return dimension


def _category(px_var: PxVariable, codes: Sequence[str], lang: str) -> dict[str, Any]:
    texts = _in(px_var.texts, lang)
    category: dict[str, Any] = {
        "index": {code: i for i, code in enumerate(codes)},
        "label": {code: texts[px_var.position(code)] for code in codes},
    }
    value_notes = _in(px_var.value_notes, lang) if px_var.value_notes else {}
    notes = {code: _notes(value_notes[code]) for code in codes if code in value_notes}
    if notes:
        category["note"] = notes
    if px_var.is_content:
        category["unit"] = {code: _unit(px_var.contents[code], lang) for code in codes}
    return category


def _unit(content: PxContent, lang: str) -> dict[str, Any]:
    base = _in(content.units, lang) if content.units else ""
    return {"base": base, "decimals": content.show_decimals}


def _notes(raw_notes: Sequence[str]) -> list[str]:
    """PxWeb (on Windows) turns PX ``#`` into CRLF and ``##`` into separate notes."""
    return [note for raw in raw_notes for note in split_px_note(raw, "\r\n")]


def _px_extension(
    api: PxApiTable, pairs: Sequence[tuple[PxVariable, Selection]], lang: str
) -> dict[str, Any]:
    table = api.table
    kept = {px_var.code: s.variable.code for px_var, s in pairs}
    shown = table.show_decimals if table.show_decimals is not None else table.decimals
    return {
        "tableid": api.table_id,
        "decimals": shown,
        "official-statistics": True,
        "aggregallowed": True,
        "language": lang,
        "contents": _in(table.contents, lang),
        "description": _in(table.descriptions, lang),
        "descriptiondefault": False,
        "heading": [kept[code] for code in table.heading if code in kept],
        "stub": [kept[code] for code in table.stub if code in kept],
        "matrix": api.matrix,
        "subject-code": table.subject_code,
        "subject-area": _in(table.subject_areas, lang),
    }


def _contacts(contents: Sequence[Any], lang: str) -> list[dict[str, str]]:
    raws: list[str] = []
    for content in contents:
        if content.contact:
            for raw in _in(content.contact, lang).split("##"):
                if raw and raw not in raws:
                    raws.append(raw)
    return [{"raw": raw} for raw in raws]


def compact_json(data: Any) -> bytes:
    """The real server sends compact UTF-8 JSON."""
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
