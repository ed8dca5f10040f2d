"""Every dataset spec in datasets/: loads, says what it was written against, and is complete.

These are the promises a reader of the site relies on: every indicator has a title and unit in
all three languages, unverified specs say what they were written against, and the site's themes
are all covered by at least one dataset.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from kuntadata.sources.files.px import parse_px
from kuntadata.sources.testing import find_fixture, read_fixture, realdata_dir
from kuntadata.spec import DatasetSpec, load_dataset_specs

REPO = Path(__file__).resolve().parent.parent
SPECS = load_dataset_specs(REPO / "datasets")
SHORT_ID = re.compile(r"^[0-9a-z]{4}$")
PX_PATH = re.compile(r"^[A-Za-z0-9_./-]+\.px$")
LONG_ID = re.compile(r"statfin_[a-z0-9]+_pxt_")
VINTAGE = re.compile(r"_\d+_\d{8}$")
REQUIRED_THEMES = {"population", "economy", "work", "education", "wellbeing", "environment"}


def ids(spec: DatasetSpec) -> str:
    return spec.id


def test_every_spec_loads() -> None:
    assert len(SPECS) == len(list((REPO / "datasets").glob("*.yaml")))


@pytest.mark.parametrize("spec", [s for s in SPECS if not s.verified], ids=ids)
def test_unverified_specs_say_what_they_were_written_against(spec: DatasetSpec) -> None:
    note = spec.written_against.get("note", "")
    assert len(note) >= 20, f"{spec.label}: written_against.note must name the evidence"


@pytest.mark.parametrize("spec", [s for s in SPECS if s.kind == "statfin"], ids=ids)
def test_statfin_tables_use_post_migration_ids(spec: DatasetSpec) -> None:
    table = str(spec.source["table"])
    assert SHORT_ID.match(table) or PX_PATH.match(table), f"{spec.label}: table {table!r}"
    assert not LONG_ID.search(table), f"{spec.label}: long pre-June-2026 id {table!r}"


@pytest.mark.parametrize("spec", [s for s in SPECS if s.kind == "statfin"], ids=ids)
def test_statfin_variables_are_never_selected_by_vintage_codes(spec: DatasetSpec) -> None:
    for selection in spec.selections:
        assert not VINTAGE.search(selection.variable), f"{spec.label}: {selection.variable!r}"


@pytest.mark.parametrize("spec", SPECS, ids=ids)
def test_every_indicator_has_title_and_unit_in_three_languages(spec: DatasetSpec) -> None:
    for indicator in spec.indicators:
        for key in ("title", "unit"):
            texts = getattr(indicator, key)
            assert {lang for lang in ("fi", "sv", "en") if texts.get(lang)} == {"fi", "sv", "en"}, (
                f"{spec.label}: {indicator.id}.{key}"
            )


@pytest.mark.parametrize("spec", SPECS, ids=ids)
def test_rates_and_shares_are_never_summed(spec: DatasetSpec) -> None:
    for indicator in spec.indicators:
        if indicator.unit["en"].startswith("%") or "per " in indicator.unit["en"]:
            assert not indicator.additive, f"{spec.label}: {indicator.id} must be additive: false"


def test_themes_cover_the_site() -> None:
    themes = {s.theme for s in SPECS}
    assert themes >= REQUIRED_THEMES, f"missing themes: {sorted(REQUIRED_THEMES - themes)}"


# --- Verified specs against the real recorded responses they name -------------------------
# A spec marked verified promises that what it selects exists in a real response. For StatFin
# the response is named in `written_against.note` (a `json`-format table, a metadata GET or a
# PX file); these tests read that file and check every selected content code, every selected
# value of the other variables, the levels and the metadata date the spec quotes.

RECORDED = re.compile(r"statfin_[0-9a-z]+_[\w.-]*?\.(?:json|px)")
LEVEL_PREFIX = {
    "country": "SSS",
    "region": "MK",
    "subregion": "SK",
    "wellbeing_county": "HVA",
    "municipality": "KU",
}
VERIFIED_STATFIN = [s for s in SPECS if s.kind == "statfin" and s.verified]


def recorded_files(spec: DatasetSpec) -> list[Path]:
    names = RECORDED.findall(spec.written_against.get("note", ""))
    return [realdata_dir() / "statfin" / name for name in dict.fromkeys(names)]


def recorded_table(spec: DatasetSpec) -> dict[str, object]:
    """Content codes, area codes, {variable text: value codes} and the update date."""
    contents: set[str] = set()
    areas: set[str] = set()
    variables: dict[str, set[str]] = {}
    updated = None
    for path in recorded_files(spec):
        if path.suffix == ".px":
            table = parse_px(read_fixture(path), str(path))
            for var in table.variables:
                if var.is_content:
                    contents |= set(var.codes)
                    continue
                for name in {var.code, *var.names.values()}:
                    variables.setdefault(name, set()).update(var.codes)
                if var.code == "Alue":
                    areas |= set(var.codes)
            stamps = {c.last_updated for v in table.variables for c in v.contents.values()}
            updated = max(s for s in stamps if s)[:8]
            updated = f"{updated[:4]}-{updated[4:6]}-{updated[6:]}"
            continue
        data = json.loads(path.read_text("utf-8"))
        if "variables" in data:  # a metadata GET
            for var in data["variables"]:
                if var["code"] == "contentscode":
                    contents |= set(var["values"])
                else:
                    variables.setdefault(var["text"], set()).update(var["values"])
            continue
        keys = [c for c in data["columns"] if c["type"] != "c"]
        contents |= {c["code"] for c in data["columns"] if c["type"] == "c"}
        for index, column in enumerate(keys):
            values = {row["key"][index] for row in data["data"]}
            variables.setdefault(column["text"], set()).update(values)
            if column["type"] == "d" and column["code"].split("_")[0].lower() == "alue":
                areas |= values
        updated = data["metadata"][0]["updated"][:10]
    return {"contents": contents, "areas": areas, "variables": variables, "updated": updated}


@pytest.mark.parametrize("spec", VERIFIED_STATFIN, ids=ids)
def test_verified_statfin_specs_name_a_recorded_response(spec: DatasetSpec) -> None:
    files = recorded_files(spec)
    assert files, f"{spec.label}: verified, but written_against.note names no recorded file"
    for path in files:
        assert find_fixture(path), f"{spec.label}: {path} is not in the recorded data"


@pytest.mark.parametrize("spec", VERIFIED_STATFIN, ids=ids)
def test_verified_statfin_specs_select_what_the_recorded_response_has(spec: DatasetSpec) -> None:
    table = recorded_table(spec)
    missing = [i.select for i in spec.indicators if i.select and i.select not in table["contents"]]
    assert not missing, f"{spec.label}: content codes not in the recorded response: {missing}"
    for selection in spec.selections:
        known = table["variables"].get(selection.variable)
        assert known is not None, f"{spec.label}: no variable {selection.variable!r} recorded"
        absent = [str(v) for v in selection.values if str(v) not in known]
        assert not absent, f"{spec.label}: {selection.variable} values not recorded: {absent}"
    assert spec.written_against.get("metadata_updated") == table["updated"], spec.label


@pytest.mark.parametrize("spec", VERIFIED_STATFIN, ids=ids)
def test_verified_statfin_levels_are_in_the_recorded_response(spec: DatasetSpec) -> None:
    areas = recorded_table(spec)["areas"]
    assert areas, f"{spec.label}: no area variable recorded"
    for level in spec.source.get("levels", []):
        prefix = LEVEL_PREFIX[level]
        assert any(re.fullmatch(rf"{prefix}\d*", a) for a in areas), (
            f"{spec.label}: level {level} ({prefix}…) has no area in the recorded response"
        )


def test_recorded_figures_a_reader_checks() -> None:
    """The figures quoted in the specs' comments, read from the responses they name."""

    def cell(name: str, area: str, content: str) -> str:
        data = json.loads((realdata_dir() / "statfin" / name).read_text("utf-8"))
        codes = [c["code"] for c in data["columns"] if c["type"] == "c"]
        row = next(r for r in data["data"] if area in r["key"])
        return row["values"][codes.index(content)]

    assert cell("statfin_14ww_json_2024_all_areas.json", "KU091", "tjt-ekvikturaha_med") == "33525"
    assert cell("statfin_12r5_json_2026M06_all_areas.json", "KU091", "TYOTTOMATLOPUSSA") == "52578"
    assert cell("statfin_12r5_json_2026M06_all_areas.json", "KU091", "TYOTOSUUS") == "14.2"
