"""Every dataset spec in datasets/: loads, says what it was written against, and is complete.

These are the promises a reader of the site relies on: every indicator has a title and unit in
all three languages, unverified specs say what they were written against, and the site's themes
are all covered by at least one dataset.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

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
