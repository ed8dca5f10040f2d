"""The areas reference and its look-ups, checked against the real municipality key.

The committed files under data/raw/classification/areas/ are also regenerated from the
real recorded keys in tests/fixtures and compared byte for byte, so the reference is
provably reproducible.
"""

from __future__ import annotations

import csv
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from kuntadata.areas import AREAS_COLUMNS, DEFAULT_AREAS_DIR, Area, Areas, fold, load_areas
from kuntadata.errors import KuntadataError, SpecError
from kuntadata.sources.testing import realdata_dir

REPO = Path(__file__).resolve().parent.parent
AREAS_DIR = REPO / DEFAULT_AREAS_DIR
REALDATA = realdata_dir()
KEY_2026 = REALDATA / "classification" / "geofi_municipality_key_2026.csv"
SCRIPT = REPO / "scripts" / "make_areas_reference.py"


@pytest.fixture(scope="module")
def areas() -> Areas:
    return load_areas(AREAS_DIR)


def test_counts_per_level(areas: Areas) -> None:
    assert len(areas.municipalities()) == 308
    assert len(areas.by_level("region")) == 19
    assert len(areas.by_level("subregion")) == 69
    assert len(areas.by_level("wellbeing_county")) == 23
    assert [a.code for a in areas.by_level("country")] == ["SSS"]
    abolished = [a.code for a in areas.municipalities(active_only=False) if not a.active]
    assert len(abolished) == 12
    assert {"KU588", "KU099", "KU911", "KU413"} <= set(abolished)


def test_wellbeing_counties_use_statistics_finland_codes(areas: Areas) -> None:
    codes = [a.code for a in areas.by_level("wellbeing_county")]
    assert codes == [f"HVA{n:02d}" for n in range(1, 22)] + ["HVA90", "HVA91"]
    assert areas.name("HVA90", "fi") == "Helsingin kaupunki"
    assert areas.name("HVA91", "sv") == "Åland"
    assert areas.name("HVA14", "en") == "North Karelia wellbeing services county"


def test_helsinki(areas: Areas) -> None:
    assert areas.get("KU091") == Area(
        code="KU091",
        level="municipality",
        name_fi="Helsinki",
        name_sv="Helsingfors",
        name_en="Helsinki",
        region="MK01",
        subregion="SK011",
        wellbeing_county="HVA90",
        language_status="bilingual",
        majority_language="fi",
        valid_from=2013,
        valid_to=None,
    )
    assert areas.related("KU091") == ["MK01", "HVA90", "SSS"]


def test_language_status_from_kielisuhde(areas: Areas) -> None:
    narpes = areas.get("KU545")
    assert (narpes.name_fi, narpes.name_sv, narpes.name_en) == ("Närpiö", "Närpes", "Närpes")
    assert (narpes.language_status, narpes.majority_language) == ("bilingual", "sv")
    mariehamn = areas.get("KU478")
    assert (mariehamn.name_fi, mariehamn.name_sv) == ("Maarianhamina", "Mariehamn")
    assert (mariehamn.language_status, mariehamn.majority_language) == ("swedish", "sv")
    assert (mariehamn.region, mariehamn.wellbeing_county) == ("MK21", "HVA91")
    assert areas.get("KU005").language_status == "finnish"
    statuses = [(m.language_status, m.majority_language) for m in areas.municipalities()]
    assert statuses.count(("finnish", "fi")) == 259
    assert statuses.count(("bilingual", "fi")) == 18
    assert statuses.count(("bilingual", "sv")) == 15
    assert statuses.count(("swedish", "sv")) == 16
    assert {m.code for m in areas.children("MK21")} == {
        m.code for m in areas.municipalities() if m.language_status == "swedish"
    }


def test_codes_keep_leading_zeros(areas: Areas) -> None:
    alajarvi = areas.get("KU005")
    assert alajarvi.name_fi == "Alajärvi"
    assert (alajarvi.region, alajarvi.subregion, alajarvi.wellbeing_county) == (
        "MK14",
        "SK146",
        "HVA16",
    )
    assert areas.get("MK01").name_sv == "Nyland"
    assert areas.get("SK011").region == "MK01"
    with (AREAS_DIR / "areas.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert tuple(rows[0]) == AREAS_COLUMNS
    assert rows[0]["code"] == "SSS" and rows[0]["name_sv"] == "Hela landet"
    assert "KU005" in {row["code"] for row in rows}


def test_names_are_cleaned_of_stray_spaces(areas: Areas) -> None:
    # The key has 'Gustav Adolfs  ' and 'Norra Karelens välfärdsområde ' with trailing spaces.
    assert areas.name("KU081", "sv") == "Gustav Adolfs"
    assert areas.name("HVA14", "sv") == "Norra Karelens välfärdsområde"


def test_pertunmaa_abolished_and_merged(areas: Areas) -> None:
    pertunmaa = areas.get("KU588")
    assert (pertunmaa.name_fi, pertunmaa.valid_from, pertunmaa.valid_to) == (
        "Pertunmaa",
        2013,
        2024,
    )
    assert (pertunmaa.region, pertunmaa.wellbeing_county) == ("MK10", "HVA12")
    assert not pertunmaa.active
    assert areas.merged_into("KU588") == "KU507"
    assert areas.name("KU507", "fi") == "Mäntyharju"
    rows = {(m.old_code, m.new_code): m.year for m in areas.mergers}
    assert rows[("KU588", "KU507")] == 2025
    assert rows[("KU099", "KU214")] == 2021  # Honkajoki -> Kankaanpää
    assert rows[("KU911", "KU541")] == 2020  # Valtimo -> Nurmes
    assert rows[("KU413", "KU609")] == 2015  # Lavia -> Pori
    assert rows[("KU754", "KU286")] is None  # Anjalankoski -> Kouvola, 2009: before the key


def test_every_merger_chain_reaches_a_2026_municipality(areas: Areas) -> None:
    current = {m.code for m in areas.municipalities()}
    assert len(areas.mergers) == 300
    assert not any(m.old_code == m.new_code for m in areas.mergers)
    for merger in areas.mergers:
        assert set(areas.successors(merger.old_code)) <= current, merger
    # A direct step is kept even when its joinee merged again later.
    assert ("KU540", "KU444") in {(m.old_code, m.new_code) for m in areas.mergers}
    # Some old municipalities were split: one answer would be a guess, so merged_into refuses.
    assert areas.successors("KU003") == ["KU020", "KU908"]
    with pytest.raises(SpecError, match="KU003 was split between KU020 Akaa, KU908 Valkeakoski"):
        areas.merged_into("KU003")
    assert areas.merged_into("KU091") == "KU091"


def test_scope_of_a_region_is_its_municipalities(areas: Areas) -> None:
    assert areas.resolve_scope(["MK12"]) == [
        "KU090", "KU146", "KU167", "KU176", "KU260", "KU276", "KU309",
        "KU422", "KU426", "KU541", "KU607", "KU707", "KU848",
    ]  # fmt: skip
    with KEY_2026.open(encoding="utf-8", newline="") as handle:
        in_key = {f"KU{r['kunta'].zfill(3)}" for r in csv.DictReader(handle)
                  if r["maakunta_code"] == "12"}  # fmt: skip
    assert set(areas.resolve_scope(["MK12"])) == in_key
    assert len(areas.resolve_scope("all")) == 308
    assert areas.resolve_scope(["HVA91", "KU091", "SK011"]) == sorted(
        {m.code for m in areas.children("HVA91")} | {m.code for m in areas.children("SK011")}
    )
    assert len(areas.resolve_scope(("HVA91",))) == 16


def test_unknown_scope_codes_are_listed_together_with_close_matches(areas: Areas) -> None:
    with pytest.raises(SpecError) as caught:
        areas.resolve_scope(["MK99", "KU091", "KU588", 91], where="site.yaml")
    assert str(caught.value).splitlines() == [
        "scope: MK99 is not an area code; close matches: MK09 Etelä-Karjala, MK19 Lappi",
        "scope: KU588 Pertunmaa was abolished after 2024; use KU507 Mäntyharju",
        'scope: 91 is not an area code (write codes as quoted strings, such as "KU091")',
        "Aborted with 3 errors in site.yaml",
    ]
    with pytest.raises(SpecError, match="KU9999 is not an area code"):
        areas.get("KU9999")
    with pytest.raises(SpecError, match="close matches: KU091 Helsinki"):
        areas.get("Helsinkki")


def test_slugs(areas: Areas) -> None:
    assert areas.slug("KU091", "fi") == "091-helsinki"
    assert areas.slug("KU091", "sv") == "091-helsingfors"
    assert areas.slug("KU005", "fi") == "005-alajarvi"
    assert areas.slug("KU545", "fi") == "545-narpio"
    assert areas.slug("KU478", "sv") == "478-mariehamn"
    assert areas.slug("KU480", "sv") == "480-s-t-martens"
    assert areas.slug("MK01", "sv") == "mk01-nyland"
    assert areas.slug("SSS", "fi") == "sss-koko-maa"
    assert fold("Ylöjärvi Åland Koski Tl") == "ylojarvi-aland-koski-tl"


@pytest.mark.parametrize(
    ("label", "code"),
    [
        ("091 Helsinki", "KU091"),
        ("KU091", "KU091"),
        ("091", "KU091"),
        ("91", "KU091"),
        ("Helsinki", "KU091"),
        ("Helsingfors", "KU091"),
        ("  helsingfors ", "KU091"),
        ("MK01 Uusimaa", "MK01"),
        ("SK011 Helsinki", "SK011"),
        ("KOKO MAA", "SSS"),
        ("WHOLE COUNTRY", "SSS"),
        ("HELA LANDET", "SSS"),
        ("Maarianhamina - Mariehamn", "KU478"),
        ("Närpes", "KU545"),
        ("Pertunmaa", "KU588"),
        ("005 Alajärvi", "KU005"),
        ("091 Espoo", None),
        ("999", None),
        ("MANNER-SUOMI", None),
        ("00100  Helsinki keskusta - Etu-Töölö (Helsinki)", None),
    ],
)
def test_resolve_label(areas: Areas, label: str, code: str | None) -> None:
    assert areas.resolve_label(label) == code


def test_resolve_label_level_and_close_matches(areas: Areas) -> None:
    assert areas.resolve_label("Helsinki", level="subregion") == "SK011"
    assert areas.resolve_label("Ahvenanmaa") == "MK21"
    assert areas.resolve_label("Ahvenanmaa", level="wellbeing_county") == "HVA91"
    assert areas.close_matches("Helsinkki")[0] == "KU091"
    assert areas.close_matches("Pohjois Karjala")[0] == "MK12"
    assert areas.close_matches("MK99") == ["MK09", "MK19"]


def test_a_broken_reference_lists_every_problem(tmp_path: Path) -> None:
    shutil.copy(AREAS_DIR / "area_mergers.csv", tmp_path / "area_mergers.csv")
    text = (AREAS_DIR / "areas.csv").read_text("utf-8")
    text = text.replace(",MK01,SK011,HVA90,", ",MK01,SK999,HVA90,").replace("\nMK02,", "\nMK01,")
    (tmp_path / "areas.csv").write_text(text, "utf-8")
    with pytest.raises(KuntadataError) as caught:
        load_areas(tmp_path)
    message = str(caught.value)
    assert "areas.csv: MK01 appears twice" in message
    assert "areas.csv: KU091 subregion SK999 is not a subregion" in message
    assert "run python scripts/make_areas_reference.py" in message


def test_the_committed_reference_is_reproducible(tmp_path: Path) -> None:
    provenance = json.loads((AREAS_DIR / "provenance.json").read_text("utf-8"))
    out = tmp_path / "areas"
    result = subprocess.run(
        [sys.executable, str(SCRIPT), "--realdata", str(REALDATA), "--out", str(out),
         "--generated-at", provenance["generated_at"]],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "308 municipality (2026), 12 municipality (abolished)" in result.stdout
    for name in ("areas.csv", "area_mergers.csv", "provenance.json"):
        assert (out / name).read_bytes() == (AREAS_DIR / name).read_bytes(), name
    assert sorted(p.name for p in tmp_path.iterdir()) == ["areas"]  # no temporary left over


def test_provenance_names_inputs_licence_and_exclusions() -> None:
    provenance = json.loads((AREAS_DIR / "provenance.json").read_text("utf-8"))
    assert provenance["licence"]["name"] == "CC-BY-4.0"
    assert provenance["attribution"].startswith("Source: Statistics Finland")
    assert "could not be tested offline" in provenance["note"]
    files = {entry["file"]: entry for entry in provenance["inputs"]}
    assert set(files) == {
        "classification/geofi_municipality_key_2026.csv",
        "classification/geofi_municipality_key_2013_2026.csv",
        "classification/statficlassifications_abolished_mun_key.csv",
    }
    assert all(len(entry["sha256"]) == 64 for entry in files.values())
    assert provenance["excluded_mergers"][0]["old_code"] == "KU321"
