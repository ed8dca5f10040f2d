"""The data changelog after a changed response: new periods and revised values, old → new."""

from __future__ import annotations

import csv
from pathlib import Path

from project import make_project
from test_statfin import run_fetch

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


def test_a_dataset_that_changed_shape_is_recorded_not_a_crash(tmp_path, monkeypatch, pxweb_server):
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
    [entry] = changelog(root)
    assert (entry["dataset"], entry["change"], entry["count"]) == (
        "families",
        "new_dataset",
        "21471",
    )
    assert summary.changes == 1
