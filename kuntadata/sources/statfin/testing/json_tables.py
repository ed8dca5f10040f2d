"""Tables served by the PxWeb emulator from real responses recorded in PxWeb's `json` format.

Eight whole-country responses were recorded after the June 2026 change (README of the
fixtures, section "Real PxWeb API v1 responses in the `json` format"). Each holds every area
of one period with the table's real variable and content codes, but no metadata GET was
recorded beside them. So this module builds the metadata only from what is real:

- variables: the file's `d` and `t` columns, in column order, with the value codes that occur
  in `key` (in the order they first occur); the time column is marked `time`;
- the content variable: the `c` columns' codes, their Finnish `columns[].text` as value texts.
  Its own code is not in the file: the 2026-style tables get `contentscode` (as the recorded
  11re metadata shows), the tables that kept old-style codes (`Alue`, 12r5 and 12ti) `Tiedot`;
- area value texts: the names of the classification key (the committed areas reference built
  from it); a code it does not name keeps its code as its text;
- no variable is marked eliminable (the file does not say), so a client must select each one.

Table 11re is special: its real metadata GET (fi and en) and three json-stat2 responses were
recorded too, so it is served with the real metadata and the union of all recorded cells (the
`json` file's age total is the eliminated age variable, `SSS`).

A POST is answered in json-stat2 only when every selected cell was recorded; otherwise 501
"not recorded" names what is missing, never a computed value. `key` values are read by column
code, not by position, so a file whose `key` order differs from its `columns` is read right.
"""

from __future__ import annotations

import csv
import functools
import json
import math
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from ...testing import REPO_ROOT, realdata_dir
from .px_tables import (
    ApiError,
    Selection,
    check_format,
    recorded_variable,
    resolve_query,
)

AREAS_CSV = REPO_ROOT / "data" / "raw" / "classification" / "areas" / "areas.csv"

# table id -> (recorded file under statfin/, StatFin subject folder)
JSON_TABLES: dict[str, tuple[str, str]] = {
    "11re": ("statfin_11re_json_2025_all_municipalities_by_sex.json", "vaerak"),
    "11ra": ("statfin_11ra_json_2025_all_areas_4contents.json", "vaerak"),
    "121w": ("statfin_121w_json_2025_all_municipalities.json", "muutl"),
    "14ww": ("statfin_14ww_json_2024_all_areas.json", "tjt"),
    "12bs": ("statfin_12bs_json_2025_regions_municipalities.json", "vkour"),
    "12r5": ("statfin_12r5_json_2026M06_all_areas.json", "tyonv"),
    "12ti": ("statfin_12ti_json_2026M06_all_areas_3occupations.json", "tyonv"),
    "135z": ("statfin_135z_json_national.json", "tyti"),
}
METADATA_11RE = "statfin_11re_metadata_get_{lang}.json"
JSONSTAT_11RE = (
    "statfin_11re_jsonstat2_KU091_2021-2025.json",
    "statfin_11re_jsonstat2_3cities_2025.json",
    "statfin_11re_jsonstat2_SSS_2023-2025.json",
)
LANGUAGES = ("fi", "sv", "en")


class JsonFormatError(ValueError):
    """A recorded `json`-format file that cannot be read as one (names the file)."""


class RecordedCells:
    """One table: its metadata per language and every recorded cell, keyed by value codes."""

    def __init__(
        self,
        table_id: str,
        metadata: dict[str, dict[str, Any]],
        cells: dict[tuple[str, ...], tuple[str, str]],
        info: Mapping[str, str],
    ) -> None:
        self.table_id = table_id
        self.metadata_by_lang = metadata
        self.cells = cells  # codes in variable order -> (raw value text, source file)
        self.info = dict(info)
        self.units: dict[str, str] = {}  # content code -> unit text, where a recording gives one
        variables = metadata["fi"]["variables"]
        self.api_variables = [recorded_variable(v) for v in variables]
        self.content_code = _content_variable(variables)["code"]

    def metadata(self, lang: str) -> dict[str, Any]:
        if lang not in self.metadata_by_lang:
            error = f"not recorded: GET /{lang}/StatFin/{self.table_id}.px (Finnish only)"
            raise ApiError(404, {"error": error})
        return self.metadata_by_lang[lang]

    def query(self, body: Any, lang: str, max_cells: int) -> dict[str, Any]:
        """json-stat2 built from the recorded cells; 501 if any selected cell was not recorded."""
        selections = resolve_query(self.api_variables, body, max_cells)
        check_format(body)
        if lang not in self.metadata_by_lang:
            raise ApiError(501, {"error": f"not recorded: {self.table_id} in {lang!r}"})
        combos = _combinations(selections)
        missing = [combo for combo in combos if combo not in self.cells]
        if missing:
            shown = "; ".join("/".join(c) for c in missing[:3])
            error = (
                f"not recorded: {self.table_id}: {len(missing)} of {len(combos)} cells ({shown})"
            )
            raise ApiError(501, {"error": error})
        return self._jsonstat2(selections, lang, [self.cells[c][0] for c in combos])

    def _jsonstat2(
        self, selections: Sequence[Selection], lang: str, raw_values: list[str]
    ) -> dict[str, Any]:
        """The keys and their order of the recorded 11re json-stat2 responses."""
        variables = self.metadata_by_lang[lang]["variables"]
        kept = [(v, s) for v, s in zip(variables, selections, strict=True) if s.kept]
        values: list[float | int | None] = []
        status: dict[str, str] = {}
        for index, raw in enumerate(raw_values):
            number = _number(raw)
            values.append(number)
            if number is None:
                status[str(index)] = raw
        role = {"time": [], "geo": [], "metric": []}
        for var, selection in kept:
            code = selection.variable.code
            if var.get("time"):
                role["time"].append(code)
            elif code == self.content_code:
                role["metric"].append(code)
            elif _is_area(var):
                role["geo"].append(code)
        dataset: dict[str, Any] = {
            "version": "2.0",
            "class": "dataset",
            "label": self.info["label"],
            "source": self.info["source"],
            "updated": self.info["updated"],
            "role": {k: v for k, v in role.items() if v},
            "id": [s.variable.code for _, s in kept],
            "size": [len(s.positions) for _, s in kept],
            "dimension": {s.variable.code: self._dimension(var, s) for var, s in kept},
            "extension": {
                "px": {"tableid": self.table_id, "language": lang, "matrix": self.table_id}
            },
            "value": values,
        }
        if status:
            dataset["status"] = status
        return dataset

    def _dimension(self, var: Mapping[str, Any], selection: Selection) -> dict[str, Any]:
        texts = dict(zip(var["values"], var["valueTexts"], strict=True))
        codes = selection.codes
        category: dict[str, Any] = {
            "index": {code: i for i, code in enumerate(codes)},
            "label": {code: texts[code] for code in codes},
        }
        if selection.variable.code == self.content_code:
            category["unit"] = {
                code: {"base": self.units.get(code, ""), "decimals": self._decimals(code)}
                for code in codes
            }
        extension: dict[str, Any] = {"elimination": bool(var.get("elimination"))}
        if selection.variable.elimination:
            extension["eliminationValueCode"] = selection.variable.elimination
        extension["show"] = "value"
        return {"label": var["text"], "category": category, "extension": extension}

    @functools.cache  # noqa: B019 - one instance per table for the process, by design
    def _decimals(self, content: str) -> int:
        """Decimals as the recorded values show them (the file carries no unit metadata)."""
        position = [v.code for v in self.api_variables].index(self.content_code)
        seen = [
            len(raw.split(".", 1)[1]) if "." in raw and _number(raw) is not None else 0
            for codes, (raw, _) in self.cells.items()
            if codes[position] == content
        ]
        return max(seen, default=0)


def _combinations(selections: Sequence[Selection]) -> list[tuple[str, ...]]:
    combos: list[tuple[str, ...]] = [()]
    for selection in selections:
        combos = [(*c, code) for c in combos for code in selection.codes]
    return combos


def _number(raw: str) -> float | int | None:
    """A recorded value text as the json-stat2 number the server sends; symbols → None."""
    try:
        number = float(raw)
    except ValueError:
        return None
    if not math.isfinite(number):
        return None
    return int(number) if "." not in raw and "e" not in raw.lower() else number


def _content_variable(variables: Sequence[Mapping[str, Any]]) -> Mapping[str, Any]:
    return next(v for v in variables if v["code"] in ("contentscode", "Tiedot"))


def _is_area(var: Mapping[str, Any]) -> bool:
    return bool(var.get("map")) or var["code"].casefold().startswith("alue")


def read_json_format(path: Path) -> tuple[list[dict[str, Any]], list[dict[str, Any]], dict]:
    """(dimension columns, content columns, rows as {column code: value}) read by column code.

    Raises JsonFormatError naming the file and the row when the shape is not PxWeb's `json`.
    """
    try:
        data = json.loads(path.read_bytes())
        columns = data["columns"]
        rows = data["data"]
    except (ValueError, KeyError, TypeError) as exc:
        raise JsonFormatError(f"{path}: not a PxWeb `json` response ({exc})") from exc
    dims = [c for c in columns if c.get("type") in ("d", "t")]
    contents = [c for c in columns if c.get("type") == "c"]
    records = []
    for number, row in enumerate(rows):
        key, values = row.get("key", []), row.get("values", [])
        if len(key) != len(dims) or len(values) != len(contents):
            raise JsonFormatError(
                f"{path}: data[{number}] has {len(key)} key and {len(values)} value(s); "
                f"the columns say {len(dims)} and {len(contents)}"
            )
        record = {c["code"]: k for c, k in zip(dims, key, strict=True)}
        record.update({c["code"]: v for c, v in zip(contents, values, strict=True)})
        records.append(record)
    return dims, contents, {"rows": records, "metadata": data.get("metadata") or [{}]}


@functools.cache
def area_names() -> dict[str, dict[str, str]]:
    """Area code → {lang: name} from the areas reference generated from the real key."""
    with AREAS_CSV.open(encoding="utf-8", newline="") as handle:
        return {
            row["code"]: {lang: row[f"name_{lang}"] for lang in LANGUAGES}
            for row in csv.DictReader(handle)
        }


def table_from_json(table_id: str, path: Path) -> RecordedCells:
    """Metadata and cells of one recorded `json`-format response (see the module docstring)."""
    dims, contents, parsed = read_json_format(path)
    rows = parsed["rows"]
    names = area_names()
    variables: list[dict[str, Any]] = []
    for column in dims:
        codes = list(dict.fromkeys(row[column["code"]] for row in rows))
        entry: dict[str, Any] = {"code": column["code"], "text": column["text"], "values": codes}
        if column["type"] == "t":
            entry["valueTexts"] = list(codes)
            entry["time"] = True
        else:
            entry["valueTexts"] = [names.get(code, {}).get("fi", code) for code in codes]
        variables.append(entry)
    old_style = any(c["code"] == "Alue" for c in dims)
    variables.append(
        {
            "code": "Tiedot" if old_style else "contentscode",
            "text": "Tiedot",
            "values": [c["code"] for c in contents],
            "valueTexts": [c["text"] for c in contents],
        }
    )
    cells: dict[tuple[str, ...], tuple[str, str]] = {}
    for row in rows:
        base = tuple(row[c["code"]] for c in dims)
        for content in contents:
            cells[(*base, content["code"])] = (row[content["code"]], path.name)
    title = parsed["metadata"][0].get("label", table_id)
    metadata = {"fi": {"title": title, "variables": variables}}
    return RecordedCells(table_id, metadata, cells, _info(parsed["metadata"][0], table_id))


def _info(recorded: Mapping[str, Any], table_id: str) -> dict[str, str]:
    """label, source and updated as json-stat2 writes them (`05.00.00Z` → `05:00:00Z`)."""
    updated = str(recorded.get("updated", ""))
    if "T" in updated:
        day, clock = updated.split("T", 1)
        updated = f"{day}T{clock.replace('.', ':')}"
    return {
        "label": str(recorded.get("label", table_id)),
        "source": str(recorded.get("source", "")),
        "updated": updated,
    }


def table_11re_cells(directory: Path) -> RecordedCells:
    """11re: real metadata (fi, en) and the cells of the `json` file plus the json-stat2 ones."""
    metadata = {}
    for lang in LANGUAGES:
        path = directory / METADATA_11RE.format(lang=lang)
        if path.is_file():
            metadata[lang] = json.loads(path.read_text("utf-8"))
    variables = metadata["fi"]["variables"]
    codes = [v["code"] for v in variables]
    recorded_file = directory / JSON_TABLES["11re"][0]
    _, contents, parsed = read_json_format(recorded_file)
    cells: dict[tuple[str, ...], tuple[str, str]] = {}
    content_code = _content_variable(variables)["code"]
    for row in parsed["rows"]:
        for content in contents:
            known = {**row, content_code: content["code"]}
            # a variable left out of the recorded query was eliminated to its total, SSS
            key = tuple(known.get(code, "SSS") for code in codes)
            cells[key] = (row[content["code"]], recorded_file.name)
    units: dict[str, str] = {}
    for name in JSONSTAT_11RE:
        dataset = json.loads((directory / name).read_text("utf-8"))
        _add_jsonstat_cells(dataset, codes, cells, name)
        category = dataset["dimension"][content_code]["category"]
        units.update({c: u.get("base", "") for c, u in category.get("unit", {}).items()})
    table = RecordedCells("11re", metadata, cells, _info(parsed["metadata"][0], "11re"))
    table.units = units  # the recorded json-stat2 responses name the unit (lukumäärä)
    return table


def _add_jsonstat_cells(
    dataset: Mapping[str, Any],
    codes: Sequence[str],
    cells: dict[tuple[str, ...], tuple[str, str]],
    name: str,
) -> None:
    ids = dataset["id"]
    axes = []
    for dim_id in ids:
        index = dataset["dimension"][dim_id]["category"]["index"]
        axes.append(sorted(index, key=index.__getitem__))
    combos: list[tuple[str, ...]] = [()]
    for axis in axes:
        combos = [(*c, code) for c in combos for code in axis]
    status = dataset.get("status") or {}
    for flat, combo in enumerate(combos):
        known = dict(zip(ids, combo, strict=True))
        key = tuple(known.get(code, "SSS") for code in codes)
        value = dataset["value"][flat]
        raw = status.get(str(flat), "..") if value is None else _value_text(value)
        cells.setdefault(key, (raw, name))


def _value_text(value: float | int) -> str:
    return str(int(value)) if float(value).is_integer() else repr(float(value))


@functools.lru_cache(maxsize=16)
def json_table(table_id: str, directory: str | None = None) -> RecordedCells | None:
    """The served table for an id, or None when no `json` recording exists for it."""
    if table_id not in JSON_TABLES:
        return None
    folder = Path(directory) if directory else realdata_dir() / "statfin"
    if table_id == "11re":
        return table_11re_cells(folder)
    return table_from_json(table_id, folder / JSON_TABLES[table_id][0])
