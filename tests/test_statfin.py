"""The StatFin adapter and the package stage, end to end against the local PxWeb emulator.

The emulator answers for table 12c1 from Statistics Finland's complete real PX file, so the
values asserted here are the real published ones (Helsinki had 161 417 families in 2022).
"""

from __future__ import annotations

import csv
import hashlib
import json
from pathlib import Path

import pytest
from project import make_project, tree

from kuntadata.areas import load_areas
from kuntadata.config import load_site_config
from kuntadata.errors import PackageError, SpecError
from kuntadata.fetch import fetch_datasets
from kuntadata.package import AREAS_DIR, build_package
from kuntadata.paths import ProjectPaths
from kuntadata.sources.http import HttpClient
from kuntadata.spec import load_dataset_specs


def run_fetch(root: Path, monkeypatch, server, **kwargs):
    monkeypatch.setenv("KUNTADATA_STATFIN_URL", server.url)
    paths = ProjectPaths(root)
    config = load_site_config(paths.site_config)
    specs = load_dataset_specs(paths.datasets)
    areas = load_areas(paths.raw / AREAS_DIR)
    client = HttpClient(sleep=lambda s: None, read_timeout=kwargs.pop("read_timeout", 5.0))
    summary = fetch_datasets(
        paths, config, specs, areas, client=client, report=lambda m: None, **kwargs
    )
    return paths, config, specs, areas, summary


def run_package(paths, config, specs, areas) -> dict[tuple[str, ...], dict[str, str]]:
    build_package(paths, config, specs, areas)
    rows = csv.DictReader((paths.package / "families.csv").open(encoding="utf-8"))
    return {(r["area"], r["period"], r["indicator"]): r for r in rows}


def test_whole_finland_families_from_the_real_table(tmp_path, monkeypatch, pxweb_server):
    paths, config, specs, areas, summary = run_fetch(
        make_project(tmp_path), monkeypatch, pxweb_server
    )
    assert [o.status for o in summary.outcomes] == ["fetched"]
    rows = run_package(paths, config, specs, areas)
    assert rows[("KU091", "2022", "families")]["value"] == "161417"
    assert rows[("SSS", "2006", "families")]["value"] == "1431376"
    assert rows[("KU091", "2022", "average_family_size")]["value"] == "2.66"
    municipalities = {a for a, _, _ in rows if a.startswith("KU")}
    assert len(municipalities) == 309  # the 2023 division: 308 of 2026 plus Pertunmaa
    assert ("KU588", "2022", "families") in rows  # kept as reported, under its own code
    assert {a for a, _, _ in rows if a.startswith("MK")} == {
        a.code for a in areas.by_level("region")
    }
    provenance = json.loads((paths.raw / "statfin/families/provenance.json").read_text())
    posts = [f for f in provenance["files"] if f["method"] == "POST"]
    assert posts[0]["body"]["query"][1]["code"] == "alue_23_20230101"
    assert provenance["licence"]["name"] == "CC-BY-4.0"
    assert all(len(f["sha256"]) == 64 for f in provenance["files"])


@pytest.mark.parametrize("codes", ["changed", "pre2026"])
def test_variables_are_found_by_role_whatever_their_codes(
    codes, tmp_path, monkeypatch, pxweb_server
):
    pxweb_server.variable_codes = codes
    paths, config, specs, areas, _ = run_fetch(make_project(tmp_path), monkeypatch, pxweb_server)
    rows = run_package(paths, config, specs, areas)
    assert rows[("KU091", "2022", "families")]["value"] == "161417"
    body = pxweb_server.calls("POST")[0].json
    area_code = {"changed": "alue_23_20270101", "pre2026": "Alue"}[codes]
    assert area_code in [q["code"] for q in body["query"]]


def test_queries_are_split_under_the_published_cell_limit(tmp_path, monkeypatch, pxweb_server):
    pxweb_server.config["maxCells"] = 2000
    pxweb_server.config["maxValues"] = 2000
    paths, config, specs, areas, _ = run_fetch(make_project(tmp_path), monkeypatch, pxweb_server)
    posts = pxweb_server.calls("POST")
    cells = [len(q.json["query"][1]["selection"]["values"]) * 17 * 3 for q in posts]
    assert len(posts) == 11 and max(cells) <= 2000  # 421 areas, 39 per query
    rows = run_package(paths, config, specs, areas)
    assert rows[("KU992", "2022", "families")]["value"] != ""
    assert rows[("KU091", "2022", "families")]["value"] == "161417"


def test_a_confidential_cell_stays_a_symbol_never_a_number(tmp_path, monkeypatch, pxweb_server):
    pxweb_server.status_cells[("KU091", "2021", "perhlkm")] = ".."
    paths, config, specs, areas, _ = run_fetch(make_project(tmp_path), monkeypatch, pxweb_server)
    rows = run_package(paths, config, specs, areas)
    assert rows[("KU091", "2021", "families")]["value"] == ""
    assert rows[("KU091", "2021", "families")]["status"] == ".."
    assert rows[("KU091", "2022", "families")]["status"] == ""
    descriptor = json.loads((paths.package / "datapackage.json").read_text())
    assert descriptor["x-status"][".."]["en"].startswith("data not available")


def test_unknown_table_names_it_and_how_to_look_it_up(tmp_path, monkeypatch, pxweb_server):
    root = make_project(tmp_path)
    spec = root / "datasets" / "families.yaml"
    spec.write_text(spec.read_text("utf-8").replace("table: 12c1", "table: 12zz"), "utf-8")
    _, _, _, _, summary = run_fetch(root, monkeypatch, pxweb_server)
    message = summary.outcomes[0].message
    assert "datasets/families.yaml: table '12zz' was not found in StatFin (HTTP 400" in message
    assert "Parameter error" in message
    assert f"GET {pxweb_server.url}/fi/StatFin?query=<words>" in message
    assert summary.outcomes[0].status == "failed"


def test_unknown_value_lists_close_matches(tmp_path, monkeypatch, pxweb_server):
    root = make_project(tmp_path)
    spec = root / "datasets" / "families.yaml"
    spec.write_text(
        spec.read_text("utf-8").replace("select: lapsiperhe", "select: lapsiperh"), "utf-8"
    )
    _, _, _, _, summary = run_fetch(root, monkeypatch, pxweb_server)
    message = summary.outcomes[0].message
    assert (
        "datasets/families.yaml: indicators[1].select: 'lapsiperh' is not a value of "
        "'Tiedot' (contentscode); close matches: lapsiperhe (Lapsiperheitä)" in message
    )


def test_values_can_be_selected_by_label(tmp_path, monkeypatch, pxweb_server):
    root = make_project(tmp_path)
    spec = root / "datasets" / "families.yaml"
    spec.write_text(
        spec.read_text("utf-8")
        .replace("select: perhlkm", "select: Perheitä")
        .replace("values: [SSS]", "values: [Yhteensä]"),
        "utf-8",
    )
    paths, config, specs, areas, _ = run_fetch(root, monkeypatch, pxweb_server)
    assert (
        run_package(paths, config, specs, areas)[("KU091", "2022", "families")]["value"] == "161417"
    )


def test_failed_fetch_keeps_the_last_good_snapshot(tmp_path, monkeypatch, pxweb_server):
    root = make_project(tmp_path, with_snapshots=True)
    before = tree(root / "data")
    pxweb_server.faults.add("503", times=50)
    _, _, _, _, summary = run_fetch(root, monkeypatch, pxweb_server)
    assert summary.outcomes[0].status == "kept"
    assert "families: source failed; kept the last good snapshot fetched" in summary.warnings[0]
    assert tree(root / "data") == before  # nothing half-written, nothing lost


def test_truncated_response_mid_fetch_then_recovers(tmp_path, monkeypatch, pxweb_server):
    pxweb_server.faults.add("truncated", times=1, method="POST")
    pxweb_server.faults.add("429", times=1, retry_after=1, method="POST")
    paths, config, specs, areas, summary = run_fetch(
        make_project(tmp_path), monkeypatch, pxweb_server
    )
    assert summary.outcomes[0].status == "fetched" and summary.retries == 2
    assert run_package(paths, config, specs, areas)[("SSS", "2022", "families")]["value"]


def as_fetched(path: Path) -> None:
    """Record an edited response's sha256 and size in provenance.json, as if the source had
    sent it: without that the package stage leaves the dataset out as a damaged snapshot."""
    provenance_path = path.parent / "provenance.json"
    provenance = json.loads(provenance_path.read_text("utf-8"))
    entry = next(e for e in provenance["files"] if e["file"] == path.name)
    data = path.read_bytes()
    entry.update(sha256=hashlib.sha256(data).hexdigest(), bytes=len(data))
    provenance_path.write_text(json.dumps(provenance), "utf-8")


def test_package_lists_every_problem_and_keeps_the_previous_package(
    tmp_path, monkeypatch, pxweb_server
):
    paths, config, specs, areas, _ = run_fetch(make_project(tmp_path), monkeypatch, pxweb_server)
    run_package(paths, config, specs, areas)
    before = tree(paths.package)
    data = paths.raw / "statfin/families/data-001.json"
    data.write_text(data.read_text("utf-8")[:200], "utf-8")
    as_fetched(data)  # a response cut short at the source, not a damaged snapshot
    with pytest.raises((PackageError, ValueError)):
        build_package(paths, config, specs, areas)
    assert tree(paths.package) == before
    assert not list(paths.package.parent.glob(".package.tmp-*"))


def test_scope_with_an_unknown_code_lists_close_matches(tmp_path):
    root = make_project(tmp_path, scope="[MK99]")
    paths = ProjectPaths(root)
    config = load_site_config(paths.site_config)
    areas = load_areas(paths.raw / AREAS_DIR)
    with pytest.raises(SpecError, match="MK99"):
        areas.resolve_scope(config.scope)


def test_an_indicator_whose_unit_differs_between_responses_is_an_error(
    tmp_path, monkeypatch, pxweb_server
):
    pxweb_server.config["maxCells"] = pxweb_server.config["maxValues"] = 12000
    paths, config, specs, areas, _ = run_fetch(make_project(tmp_path), monkeypatch, pxweb_server)
    second = paths.raw / "statfin/families/data-002.json"
    text = second.read_text("utf-8")
    assert '"base":"Lukumäärä"' in text or '"base": "Lukumäärä"' in text
    second.write_text(text.replace("Lukumäärä", "Tuhatta perhettä", 1), "utf-8")
    as_fetched(second)
    with pytest.raises(PackageError) as caught:
        build_package(paths, config, specs, areas)
    assert "indicator families (perhlkm) has unit 'Tuhatta perhettä' here but 'Lukumäärä'" in str(
        caught.value
    )


def test_values_gone_at_the_source_keep_the_last_snapshot_and_say_why(
    tmp_path, monkeypatch, pxweb_server
):
    root = make_project(tmp_path, ("families", "population"), with_snapshots=True)
    spec = root / "datasets" / "families.yaml"
    spec.write_text(spec.read_text("utf-8").replace("select: perhkoko", "select: perhkok"), "utf-8")
    pxweb_server.faults.add("503", times=100, path_contains="11re")
    paths, config, specs, areas, summary = run_fetch(root, monkeypatch, pxweb_server)
    outcomes = {o.dataset: o for o in summary.outcomes}
    assert outcomes["families"].status == "failed"  # the source answered: fix the spec
    assert outcomes["families"].cause == "spec no longer matches the source"
    assert outcomes["families"].fetched_at  # ... while its last good snapshot is kept
    assert "close matches: perhkoko (Perheen keskikoko, henkilöä)" in outcomes["families"].message
    package = build_package(paths, config, specs, areas)  # the rest of the package builds
    assert any(
        w.startswith("families: left out of the package (the rest is built)")
        and "'perhkok' is not in the snapshot's table metadata" in w
        for w in package.warnings
    )
    assert not (paths.package / "families.csv").exists()
    rows = list(csv.DictReader((paths.package / "population.csv").open(encoding="utf-8")))
    helsinki_2025 = {
        r["sex"]: r["value"] for r in rows if r["area"] == "KU091" and r["period"] == "2025"
    }
    assert helsinki_2025 == {"SSS": "694392", "1": "331843", "2": "362549"}
