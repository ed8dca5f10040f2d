"""`check_live` against the local PxWeb emulator (real table 12c1; anything else answers 400).

The emulator is the only server: nothing here touches the internet.
"""

from __future__ import annotations

from pathlib import Path

from project import REPO, make_project

from kuntadata.check import check_live
from kuntadata.config import load_site_config
from kuntadata.paths import ProjectPaths
from kuntadata.sources.http import HttpClient
from kuntadata.spec import load_dataset_specs


def run_check(root: Path, monkeypatch, server):
    monkeypatch.setenv("KUNTADATA_STATFIN_URL", server.url)
    paths = ProjectPaths(root)
    config = load_site_config(paths.site_config)
    specs = load_dataset_specs(paths.datasets)
    lines: list[str] = []
    report = check_live(paths, config, specs, HttpClient(sleep=lambda s: None), lines.append)
    return report, lines


def write_variant(root: Path, name: str, old: str, new: str) -> None:
    """A copy of the repository's families.yaml with one string replaced."""
    text = (REPO / "datasets" / "families.yaml").read_text("utf-8")
    assert old in text
    text = text.replace(old, new)
    if name != "families":  # a second dataset needs its own indicator ids
        text = (
            text.replace("id: families", f"id: {name}_families")
            .replace("id: average_family_size", f"id: {name}_average_family_size")
            .replace(
                "indicators: [families, families_with_children]",
                f"indicators: [{name}_families, {name}_families_with_children]",
            )
        )
    (root / "datasets" / f"{name}.yaml").write_text(text, "utf-8")


def test_the_repository_families_spec_resolves(tmp_path, monkeypatch, pxweb_server):
    report, lines = run_check(make_project(tmp_path), monkeypatch, pxweb_server)
    assert report.ok, lines
    assert report.result("families").status == "OK"
    assert "  families (12c1): OK" in lines
    assert lines[-1].startswith("check --live: 1 StatFin spec(s) checked, 1 OK, 0 with")
    assert [r.method for r in pxweb_server.requests] == ["GET", "GET"]  # ?config + metadata
    assert pxweb_server.calls("GET", "/fi/StatFin/12c1.px")


def test_unknown_table_names_it_and_the_search_to_run(tmp_path, monkeypatch, pxweb_server):
    root = make_project(tmp_path)
    write_variant(root, "families_moved", "table: 12c1", "table: 12zz")
    report, lines = run_check(root, monkeypatch, pxweb_server)
    assert not report.ok
    assert report.result("families").ok
    [problem] = report.result("families_moved").problems
    assert problem.startswith(
        "datasets/families_moved.yaml: table '12zz' was not found in StatFin (HTTP 400)"
    )
    assert f"GET {pxweb_server.url}/fi/StatFin?query=Perheet" in problem
    assert "  families_moved (12zz): FAILED" in lines
    assert "1 with 1 problem(s)" in lines[-1]


def test_value_that_no_longer_resolves_lists_close_matches(tmp_path, monkeypatch, pxweb_server):
    root = make_project(tmp_path)
    write_variant(root, "families", "select: lapsiperhe", "select: lapsiperheet")
    report, lines = run_check(root, monkeypatch, pxweb_server)
    [problem] = report.result("families").problems
    assert problem.startswith(
        "datasets/families.yaml: indicators[1].select: 'lapsiperheet' is not a value of 'Tiedot'"
    )
    assert "close matches: lapsiperhe (" in problem
    assert f"    problem: {problem}" in lines


def test_every_problem_of_a_spec_is_listed(tmp_path, monkeypatch, pxweb_server):
    root = make_project(tmp_path)
    text = (REPO / "datasets" / "families.yaml").read_text("utf-8")
    text = text.replace("select: perhlkm", "select: perhelkm").replace("[SSS]", "[ZZZ]")
    (root / "datasets" / "families.yaml").write_text(text, "utf-8")
    report, _ = run_check(root, monkeypatch, pxweb_server)
    problems = report.result("families").problems
    assert len(problems) == 2
    assert any("'perhelkm' is not a value of 'Tiedot'" in p for p in problems)
    assert any(
        "source.select[0].values: 'ZZZ' is not a value of 'Perhetyyppi'" in p for p in problems
    )


def test_changed_variable_codes_still_resolve_by_role(tmp_path, monkeypatch, pxweb_server):
    pxweb_server.variable_codes = "changed"
    report, lines = run_check(make_project(tmp_path), monkeypatch, pxweb_server)
    assert report.ok, lines
    assert report.result("families").status == "OK"


def test_other_databases_and_kinds(tmp_path, monkeypatch, pxweb_server):
    """A table in another PxWeb database is looked up there; non-StatFin specs are skipped."""
    root = make_project(tmp_path, ("families", "municipal_finances", "home_care"))
    report, lines = run_check(root, monkeypatch, pxweb_server)
    finance = report.result("municipal_finances")
    assert finance.url == f"{pxweb_server.url}/fi/Kuntien_avainluvut/uusin/142h.px"
    [problem] = finance.problems
    assert "table 'uusin/142h.px' was not found in Kuntien_avainluvut (HTTP 404)" in problem
    assert f"GET {pxweb_server.url}/fi/Kuntien_avainluvut?query=" in problem
    assert report.result("home_care").status == "skipped"
    assert "  municipal_finances (uusin/142h.px): FAILED [verified: false]" in lines
    assert "1 other spec(s) skipped" in lines[-1]


def test_unreachable_source_is_a_problem_not_a_crash(tmp_path, monkeypatch):
    class Closed:
        url = "http://127.0.0.1:9/PxWeb/api/v1"  # discard port: nothing listens

    report, _ = run_check(make_project(tmp_path), monkeypatch, Closed)
    [problem] = report.result("families").problems
    assert problem.startswith("datasets/families.yaml: cannot reach http://127.0.0.1:9/")
    assert not report.ok
