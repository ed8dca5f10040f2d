"""The data changelog after a changed response: new periods and revised values, old → new."""

from __future__ import annotations

import csv
import json
from pathlib import Path

from project import make_project
from site_fixtures import family_rows
from test_statfin import run_fetch

from kuntadata.changelog import diff_packages
from kuntadata.package import build_package


def changelog(root: Path) -> list[dict[str, str]]:
    return list(csv.DictReader((root / "data/changelog.csv").open(encoding="utf-8")))


def test_revised_value_and_new_period_are_listed(tmp_path, monkeypatch, pxweb_server):
    root = make_project(tmp_path)
    spec = root / "datasets" / "families.yaml"
    full = spec.read_text("utf-8")
    spec.write_text(full.replace("time: all", "time: {values: ['2020', '2021']}"), "utf-8")
    paths, config, specs, areas, _ = run_fetch(root, monkeypatch, pxweb_server)
    first = build_package(paths, config, specs, areas)
    assert first.changes == 0 and not (root / "data/changelog.csv").exists()

    spec.write_text(full.replace("time: all", "time: {values: ['2020', '2021', '2022']}"), "utf-8")
    pxweb_server.status_cells[("KU091", "2021", "perhlkm")] = ".."
    paths, config, specs, areas, _ = run_fetch(root, monkeypatch, pxweb_server)
    second = build_package(paths, config, specs, areas)

    rows = changelog(root)
    assert second.changes == len(rows) == 4
    new_periods = {r["indicator"]: r for r in rows if r["change"] == "new_period"}
    assert set(new_periods) == {"families", "families_with_children", "average_family_size"}
    assert new_periods["families"]["period"] == "2022"
    assert new_periods["families"]["count"] == "421"
    revised = next(r for r in rows if r["change"] == "revised")
    assert (revised["area"], revised["period"], revised["indicator"]) == (
        "KU091",
        "2021",
        "families",
    )
    assert revised["old_value"] == "160797" and revised["new_value"] == ""  # real 12c1 value
    assert revised["new_status"] == ".."
    packaged = list(csv.DictReader((root / "data/package/changes.csv").open(encoding="utf-8")))
    assert packaged == rows

    third = build_package(paths, config, specs, areas)  # nothing changed since
    assert third.changes == 0 and len(changelog(root)) == 4


def test_a_fixed_filter_written_as_a_column_is_not_a_change(tmp_path, monkeypatch, pxweb_server):
    """The family type was a fixed filter (the total only); written out as a column it holds
    one value, tells no rows apart, and every figure is the same: nothing to record."""
    root = make_project(tmp_path)
    paths, config, specs, areas, _ = run_fetch(root, monkeypatch, pxweb_server)
    build_package(paths, config, specs, areas)
    spec = root / "datasets" / "families.yaml"
    spec.write_text(
        spec.read_text("utf-8").replace(
            "    - variable: Perhetyyppi       # family type: the total only\n"
            "      values: [SSS]\n",
            "    - variable: Perhetyyppi\n      values: [SSS]\n      column: family_type\n",
        ),
        "utf-8",
    )
    paths, config, specs, areas, _ = run_fetch(root, monkeypatch, pxweb_server)
    summary = build_package(paths, config, specs, areas)
    assert "family_type" in (root / "data/package/families.csv").read_text("utf-8")[:200]
    assert summary.changes == 0 and not (root / "data/changelog.csv").exists()


def test_renaming_an_indicator_is_one_move_per_period_not_removals(
    tmp_path, monkeypatch, pxweb_server
):
    """How data/changelog.csv once got 337 `removed` rows: an indicator id was renamed (the
    Sotkanet population, `population` → `population_sotkanet`), and every figure looked
    removed under the old id and new under the new one."""
    root = make_project(tmp_path)
    spec = root / "datasets" / "families.yaml"
    spec.write_text(
        spec.read_text("utf-8").replace("time: all", "time: {values: ['2021', '2022']}"), "utf-8"
    )
    paths, config, specs, areas, _ = run_fetch(root, monkeypatch, pxweb_server)
    build_package(paths, config, specs, areas)
    text = spec.read_text("utf-8")
    spec.write_text(
        text.replace("  - id: families\n", "  - id: number_of_families\n").replace(
            "indicators: [families, families_with_children]",
            "indicators: [number_of_families, families_with_children]",
        ),
        "utf-8",
    )
    paths, config, specs, areas, _ = run_fetch(root, monkeypatch, pxweb_server)
    summary = build_package(paths, config, specs, areas)
    rows = changelog(root)
    assert summary.changes == len(rows) == 2
    assert [(r["change"], r["indicator"], r["period"], r["moved_from"]) for r in rows] == [
        ("moved", "number_of_families", "2021", "families/families"),
        ("moved", "number_of_families", "2022", "families/families"),
    ]
    assert (rows[0]["count"], rows[0]["municipalities"]) == ("421", "309")


# --- two small packages ---------------------------------------------------------------------
# Real figures: Statistics Finland 11re (population 31.12., the recorded responses in
# data/raw/statfin/population), 12r5 (job seekers, June 2026) and THL Sotkanet indicator 127
# (population 31.12.2009, the rows data/changelog.csv once listed as removed).
DAY = "2026-11-29T20:42:43Z"
SOTKANET_2009 = [("KU005", "10573"), ("KU009", "2776"), ("KU010", "12586"), ("KU016", "8551")]
HELSINKI = {"2021": "658457", "2022": "664028", "2023": "674500", "2024": "684018",
            "2025": "694392"}  # fmt: skip
CITIES_2025 = [("KU049", "325716"), ("KU091", "694392"), ("KU092", "252956"), ("SSS", "5652881")]


def write_package(directory: Path, datasets: dict[str, list[dict[str, str]]]) -> Path:
    """A package with just what the diff reads: per dataset its CSV, key and fetch time."""
    directory.mkdir(parents=True)
    resources = []
    for name, rows in datasets.items():
        columns = list(rows[0])
        with (directory / f"{name}.csv").open("w", encoding="utf-8", newline="") as handle:
            writer = csv.DictWriter(handle, columns, lineterminator="\n")
            writer.writeheader()
            writer.writerows(rows)
        key = [c for c in columns if c not in ("value", "status")]
        resources.append({"name": name, "path": f"{name}.csv", "schema": {"primaryKey": key},
                          "x-kuntadata": {"dataset": name, "fetched_at": DAY}})  # fmt: skip
    (directory / "datapackage.json").write_text(json.dumps({"resources": resources}), "utf-8")
    return directory


def rows(indicator: str, period: str, figures: list[tuple[str, str]], **dims: str) -> list[dict]:
    return [{"area": a, "period": period, **dims, "indicator": indicator, "value": v,
             "status": ""} for a, v in figures]  # fmt: skip


def diff(tmp_path: Path, old: dict, new: dict) -> list[tuple]:
    entries = diff_packages(write_package(tmp_path / "old", old), write_package(tmp_path / "new",
                                                                                new))  # fmt: skip
    return [
        (e["change"], e["dataset"], e["indicator"], e.get("period", ""), e.get("area", ""),
         e.get("count"), e.get("municipalities"), e.get("moved_from", ""))
        for e in entries
    ]  # fmt: skip


def test_an_indicator_renamed_in_the_same_build_is_moved(tmp_path: Path) -> None:
    old = {"population_sotkanet_2009": rows("population", "2009", SOTKANET_2009)}
    new = {"population_sotkanet_2009": rows("population_sotkanet", "2009", SOTKANET_2009)}
    assert diff(tmp_path, old, new) == [
        ("moved", "population_sotkanet_2009", "population_sotkanet", "2009", "", 4, 4,
         "population_sotkanet_2009/population"),
    ]  # fmt: skip


def test_figures_moved_to_a_dataset_with_a_new_id_are_moved(tmp_path: Path) -> None:
    old = {"population_sotkanet_2009": rows("population", "2009", SOTKANET_2009)}
    new = {"population_sotkanet": rows("population", "2009", SOTKANET_2009)}
    assert diff(tmp_path, old, new) == [
        ("moved", "population_sotkanet", "population", "2009", "", 4, 4,
         "population_sotkanet_2009/population"),
    ]  # fmt: skip


def test_new_year_and_new_dataset_are_summarised_with_municipalities(tmp_path: Path) -> None:
    earlier = rows("population", "2024", [("KU091", HELSINKI["2024"])])
    old = {"population": earlier}
    jobseekers = rows("unemployed_jobseekers", "2026M06", [("KU091", "52578"), ("SSS", "352001")])
    new = {
        "population": earlier + rows("population", "2025", CITIES_2025),
        "unemployed_jobseekers": jobseekers,
    }
    assert diff(tmp_path, old, new) == [
        ("new_period", "population", "population", "2025", "", 4, 3, ""),
        ("new_dataset", "unemployed_jobseekers", "", "2026M06", "", 2, 1, ""),
    ]


def test_a_fixed_age_column_left_out_still_pairs_rows(tmp_path: Path) -> None:
    """The population table lost its `age=SSS` column and gained sex 1/2 for Helsinki: more
    figures for 2025, not a new dataset; `694392.0` is the same figure as `694392`."""
    old = {"population": rows("population", "2025", CITIES_2025[:2], sex="SSS", age="SSS")}
    new = {
        "population": rows("population", "2025", [("KU049", "325716"), ("KU091", "694392.0")],
                           sex="SSS")
        + rows("population", "2025", [("KU091", "331843")], sex="1")
        + rows("population", "2025", [("KU091", "362549")], sex="2")
    }  # fmt: skip
    assert diff(tmp_path, old, new) == [
        ("new_values", "population", "population", "2025", "", 2, 1, ""),
    ]


def test_revisions_and_real_removals_are_listed_per_figure(tmp_path: Path) -> None:
    old = {
        "population": [
            r for p, v in HELSINKI.items() for r in rows("population", p, [("KU091", v)])
        ]
    }
    new_rows = [r for r in old["population"] if r["period"] != "2021"]
    new_rows = [{**r, "value": "", "status": ".."} if r["period"] == "2024" else r
                for r in new_rows]  # fmt: skip
    entries = diff_packages(
        write_package(tmp_path / "old", old),
        write_package(tmp_path / "new", {"population": new_rows}),
    )
    assert [(e["change"], e["period"], e["area"], e["old_value"], e.get("new_status", ""))
            for e in entries] == [
        ("revised", "2024", "KU091", "684018", ".."),
        ("removed", "2021", "KU091", "658457", ""),
    ]  # fmt: skip


def test_a_column_that_tells_rows_apart_is_a_restructuring(tmp_path: Path) -> None:
    old = {"population": rows("population", "2025", [("KU091", "694392")])}
    new = {
        "population": rows("population", "2025", [("KU091", "694392")], sex="SSS")
        + rows("population", "2025", [("KU091", "331843")], sex="1")
    }
    assert diff(tmp_path, old, new) == [("restructured", "population", "", "", "", 2, None, "")]


def test_a_dataset_left_out_of_a_build_is_not_a_removal(tmp_path: Path) -> None:
    """A dataset whose snapshot does not match its spec is left out of one build and comes
    back with the next fetch: neither is news."""
    population = {"population": rows("population", "2025", CITIES_2025)}
    both = {**population, "population_sotkanet_2009": rows("population", "2009", SOTKANET_2009)}
    assert diff(tmp_path, both, population) == []


def test_a_new_indicator_of_a_known_dataset_is_not_a_new_period(tmp_path: Path) -> None:
    """Average family size added to families: `new_indicator` for each of its periods (the
    page makes one line of them), not a "new year" for years already published."""
    helsinki = [r for r in family_rows({"KU091"}) if r["period"] >= "2021"]  # real 12c1
    old = {"families": [r for r in helsinki if r["indicator"] == "families"]}
    new = {"families": helsinki}
    assert diff(tmp_path, old, new) == [
        ("new_indicator", "families", "family_size", "2021", "", 1, 1, ""),
        ("new_indicator", "families", "family_size", "2022", "", 1, 1, ""),
    ]
