"""Replay of .github/workflows/publish.yml over four days, against a bare git remote.

A fork (a git repository with three datasets, one per source kind, and their committed
snapshots) is pushed to a bare repository standing in for GitHub. Each day the workflow's
jobs run as the runner would run them (tests/workflow_runner.py: the real `run:` scripts, the
shell GitHub starts them in, `if:` conditions, step outputs, the push URL rewritten to the
bare remote), with the sources served by the local emulators:

1. a good day: StatFin has revised a figure; everything is fetched, committed, pushed and
   the site built shows the revision;
2. the election file gains a row for an area that does not exist (`999 Atlantis`): its new
   snapshot is not kept, the others are committed, the run fails and its summary names the
   dataset; nothing broken reaches the remote, and the site is built from the good data;
3. every source is down: nothing is committed, the site is rebuilt from the last good
   snapshots, and the summary says no source answered;
4. the file is good again: it is fetched and committed, the run is green.

Before issue 12, day 2 committed and pushed the Atlantis row and every later run failed at its
first step, so day 4 never came. The last test starts from that stuck state.
"""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import socket
import subprocess
import sys
from pathlib import Path

import yaml
from project import REPO
from workflow_runner import Runner

from kuntadata import publish
from kuntadata.areas import load_areas
from kuntadata.config import load_site_config
from kuntadata.errors import PackageError
from kuntadata.fetch import fetch_datasets
from kuntadata.package import AREAS_DIR
from kuntadata.paths import ProjectPaths
from kuntadata.publish import publish_data, summary_markdown
from kuntadata.sources.http import HttpClient
from kuntadata.sources.testing import realdata_dir
from kuntadata.spec import load_dataset_specs

DATASETS = {
    "families": "statfin",
    "home_care": "sotkanet",
    "municipal_election_turnout_2021": "files",
}
TURNOUT = "municipal_election_turnout_2021"
TURNOUT_FILE = realdata_dir() / "statfin" / "kvaa_12x4_2021_aanestaneet_kunnittain_cp1252.csv"
ATLANTIS = '"Äänestäneet";"2021";"999 Atlantis";1;1\r\n'.encode("cp1252")  # a test fault
COPIED = ("build.py", "site.yaml", "scripts/snapshot_commit_message.py")
LINKED = ("content", "site_templates")


def git(repo: Path, *args: str) -> str:
    return subprocess.run(
        ["git", *args], cwd=repo, check=True, capture_output=True, text=True
    ).stdout


def make_remote(tmp_path: Path, sources: dict[str, str]) -> Path:
    """The fork as GitHub holds it: the code, three specs and their committed snapshots.

    A fork for Uusimaa (`scope: [MK01]`, 26 municipalities, so the site builds in seconds)
    whose snapshots its first fetch made from the emulators. kuntadata/ is copied, not linked,
    so `python build.py` in a checkout imports the checkout's own package and its default
    root is the checkout, as in CI.
    """
    seed = tmp_path / "seed"
    seed.mkdir()
    for name in COPIED:
        (seed / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(REPO / name, seed / name)
    config = seed / "site.yaml"
    text = config.read_text("utf-8")
    assert "scope: all " in text
    config.write_text(text.replace("scope: all ", "scope: [MK01] "), "utf-8")
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    for name in ("kuntadata", "schemas", ".github"):
        shutil.copytree(REPO / name, seed / name, ignore=ignore)
    for name in LINKED:
        (seed / name).symlink_to(REPO / name, target_is_directory=True)
    (seed / "datasets").mkdir()
    for dataset in DATASETS:
        shutil.copy(REPO / "datasets" / f"{dataset}.yaml", seed / "datasets")
    shutil.copytree(REPO / "data/raw/classification", seed / "data/raw/classification")
    first = subprocess.run(
        [sys.executable, "build.py", "fetch"],
        cwd=seed,
        env={**os.environ, **sources},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert first.returncode == 0 and "3 fetched" in first.stdout, first.stdout + first.stderr
    (seed / ".gitignore").write_text(
        "data/package/\n_site/\n__pycache__/\ndata/.build.lock\n", "utf-8"
    )
    git(seed, "init", "--quiet", "--initial-branch=main")
    git(seed, "add", ".")
    git(seed, "-c", "user.name=fork", "-c", "user.email=fork@example.invalid",
        "commit", "--quiet", "-m", "fork for Uusimaa: three datasets")  # fmt: skip
    remote = tmp_path / "github.git"
    git(tmp_path, "clone", "--quiet", "--bare", str(seed), str(remote))
    return remote


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def show(remote: Path, path: str, ref: str = "main") -> str:
    return git(remote, "show", f"{ref}:{path}")


def raw_git(repo: Path, *args: str) -> bytes:
    """Bytes, for the cp1252 election file and patches that contain it."""
    return subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True).stdout


def changed_paths(remote: Path, old: str, new: str = "main") -> list[str]:
    return git(remote, "diff", "--name-only", old, new).split()


def package_rows(site: Path, dataset: str) -> list[dict[str, str]]:
    text = (site / "data" / "package" / f"{dataset}.csv").read_text("utf-8")
    return list(csv.DictReader(io.StringIO(text)))


def cell(rows: list[dict[str, str]], area: str, period: str, indicator: str) -> tuple[str, str]:
    found = [
        (r["value"], r["status"])
        for r in rows
        if (r["area"], r["period"], r["indicator"]) == (area, period, indicator)
    ]
    assert len(found) == 1, (area, period, indicator, found)
    return found[0]


def test_four_days_of_the_publish_workflow(
    tmp_path, pxweb_server, sotkanet_server, file_server
) -> None:
    turnout_url = _spec_path(REPO / "datasets" / f"{TURNOUT}.yaml")
    broken = tmp_path / "broken.csv"
    broken.write_bytes(TURNOUT_FILE.read_bytes() + ATLANTIS)
    live = {
        "KUNTADATA_STATFIN_URL": pxweb_server.url,
        "KUNTADATA_SOTKANET_URL": sotkanet_server.url,
        "KUNTADATA_FILES_URL": file_server.url,
    }
    file_server.add(turnout_url, TURNOUT_FILE)
    remote = make_remote(tmp_path, live)
    runner = Runner(REPO / ".github/workflows/publish.yml", remote, tmp_path / "runner", env=live)
    start = git(remote, "rev-parse", "main").strip()
    first_turnout = json.loads(show(remote, f"data/raw/files/{TURNOUT}/provenance.json"))

    # Day 1: StatFin publishes Helsinki's 2021 families figure as confidential.
    pxweb_server.status_cells[("KU091", "2021", "perhlkm")] = ".."
    day = runner.run()
    assert [day[j].result for j in ("refresh", "build", "deploy")] == ["success"] * 3, (
        day["refresh"].log + day["build"].log
    )
    assert "publish-data: 3 refreshed, 0 kept, 0 rejected, 0 failed, 0 pending" in (
        day["refresh"].summary
    )
    subject = git(remote, "log", "-1", "--format=%s", "main").strip()
    assert subject == (
        "data: refresh 3 snapshot(s): municipal_election_turnout_2021, home_care, families"
    )
    assert "- statfin/families: 1 revised" in git(remote, "log", "-1", "--format=%b", "main")
    assert day["refresh"].outputs["sha"] == git(remote, "rev-parse", "main").strip()
    changelog = list(csv.DictReader(io.StringIO(show(remote, "data/changelog.csv"))))
    assert [(r["dataset"], r["area"], r["period"], r["change"]) for r in changelog] == [
        ("families", "KU091", "2021", "revised")
    ]
    assert cell(package_rows(runner.deployed, "families"), "KU091", "2021", "families") == (
        "", "..",
    )  # fmt: skip
    page = (runner.deployed / "en/uutta/index.html").read_text("utf-8")
    assert "Families 2021: revised: Families, Helsinki 160,797 → .." in page
    day1 = git(remote, "rev-parse", "main").strip()
    assert day1 != start

    # Day 2: the election file gains a row for an area that does not exist; StatFin revises
    # Espoo's 2022 figure.
    pxweb_server.status_cells[("KU049", "2022", "perhlkm")] = ".."
    file_server.add(turnout_url, broken)
    day = runner.run()
    refresh = day["refresh"]
    assert refresh.result == "failure"
    assert refresh.steps["publish"].outcome == "failure"  # exit status non-zero ...
    assert refresh.steps["push"].outcome == "success"  # ... yet the good ones are pushed
    assert "publish-data: 2 refreshed, 0 kept, 1 rejected, 0 failed, 0 pending" in refresh.summary
    assert f"| {TURNOUT} | **rejected** |" in refresh.summary
    assert (  # the reason, in the run's summary
        f"(fetched) data/raw/files/{TURNOUT}/data.csv: 1 area label(s) match no area in the "
        "areas table: '999 Atlantis'" in refresh.summary
    )
    assert f"FAILED: {TURNOUT}. Each keeps its last good snapshot" in refresh.summary
    assert "Error: publish-data: municipal_election_turnout_2021 failed" in refresh.log
    day2 = git(remote, "rev-parse", "main").strip()
    assert sorted({Path(p).parts[2] for p in changed_paths(remote, day1, day2) if "raw" in p}) == [
        "sotkanet",
        "statfin",
    ]
    election = f"data/raw/files/{TURNOUT}/data.csv"
    assert raw_git(remote, "show", f"{day2}:{election}") == TURNOUT_FILE.read_bytes()
    assert b"Atlantis" not in raw_git(remote, "log", "--all", "-p", "--text")  # never pushed
    assert [day[j].result for j in ("build", "deploy")] == ["success", "success"], day["build"].log
    families = package_rows(runner.deployed, "families")
    assert cell(families, "KU049", "2022", "families") == ("", "..")
    assert len(package_rows(runner.deployed, TURNOUT)) > 0  # the last good snapshot, published

    # Day 3: no source answers.
    deployed_before = package_rows(runner.deployed, "families")
    runner.env = {
        "KUNTADATA_STATFIN_URL": f"http://127.0.0.1:{closed_port()}/PxWeb/api/v1",
        "KUNTADATA_SOTKANET_URL": f"http://127.0.0.1:{closed_port()}/rest/1.1",
        "KUNTADATA_FILES_URL": f"http://127.0.0.1:{closed_port()}",
    }
    day = runner.run()
    assert day["refresh"].result == "success", day["refresh"].log
    assert git(remote, "rev-parse", "main").strip() == day2  # nothing committed
    assert "publish-data: 0 refreshed, 3 kept, 0 rejected, 0 failed, 0 pending" in (
        day["refresh"].summary
    )
    assert "No source answered today" in day["refresh"].summary
    assert "source unreachable; kept the last good snapshot fetched" in day["refresh"].log
    assert day["deploy"].result == "success"
    assert package_rows(runner.deployed, "families") == deployed_before  # the last good data

    # Day 4: the sources are back and the file is good again.
    runner.env = live
    file_server.add(turnout_url, TURNOUT_FILE)
    day = runner.run()
    assert [day[j].result for j in ("refresh", "build", "deploy")] == ["success"] * 3, day[
        "refresh"
    ].log
    day4 = git(remote, "rev-parse", "main").strip()
    assert f"data/raw/files/{TURNOUT}/provenance.json" in changed_paths(remote, day2, day4)
    turnout = json.loads(show(remote, f"data/raw/files/{TURNOUT}/provenance.json"))
    assert turnout["fetched_at"] > first_turnout["fetched_at"]
    assert b"Atlantis" not in raw_git(remote, "log", "--all", "-p", "--text")


def test_a_repository_left_broken_by_the_old_workflow_is_repaired(
    tmp_path, monkeypatch, file_server
) -> None:
    """The stuck state of issue 12: the Atlantis row is committed, so the committed snapshots
    do not package. publish-data still starts, says so, fetches the good file and keeps it."""
    root = tmp_path / "fork"
    spec_path = REPO / "datasets" / f"{TURNOUT}.yaml"
    (root / "datasets").mkdir(parents=True)
    shutil.copy(spec_path, root / "datasets")
    shutil.copy(REPO / "site.yaml", root / "site.yaml")
    shutil.copytree(REPO / "data/raw/classification", root / "data/raw/classification")
    paths = ProjectPaths(root)
    config = load_site_config(paths.site_config)
    specs = load_dataset_specs(paths.datasets)
    areas = load_areas(paths.raw / AREAS_DIR)
    broken = tmp_path / "broken.csv"
    broken.write_bytes(TURNOUT_FILE.read_bytes() + ATLANTIS)
    url = _spec_path(spec_path)
    file_server.add(url, broken)
    quiet: list[str] = []
    monkeypatch.setenv("KUNTADATA_FILES_URL", file_server.url)
    client = HttpClient(sleep=lambda s: None)
    fetch_datasets(paths, config, specs, areas, client=client, report=quiet.append)  # as before
    assert b"999 Atlantis" in (paths.raw / "files" / TURNOUT / "data.csv").read_bytes()
    file_server.add(url, TURNOUT_FILE)
    report = publish_data(paths, config, specs, areas, client=client, report=quiet.append)
    assert "999 Atlantis" in report.previous_problem
    assert [(r.dataset, r.status) for r in report.results] == [(TURNOUT, "refreshed")]
    assert report.ok and not report.package_problem
    assert b"Atlantis" not in (paths.raw / "files" / TURNOUT / "data.csv").read_bytes()
    assert (paths.package / f"{TURNOUT}.csv").exists()


def test_a_spec_that_no_longer_matches_the_source_fails_the_run(
    tmp_path, monkeypatch, pxweb_server
) -> None:
    """The source answered: `failed`, named as a spec mismatch, the snapshot kept (issue 12.8)."""
    root = tmp_path / "fork"
    (root / "datasets").mkdir(parents=True)
    text = (REPO / "datasets/families.yaml").read_text("utf-8")
    (root / "datasets/families.yaml").write_text(
        text.replace("select: perhlkm", "select: perhlkmx"), "utf-8"
    )
    shutil.copy(REPO / "site.yaml", root / "site.yaml")
    for tree in ("data/raw/classification", "data/raw/statfin/families"):
        shutil.copytree(REPO / tree, root / tree)
    before = (root / "data/raw/statfin/families/provenance.json").read_bytes()
    paths = ProjectPaths(root)
    config = load_site_config(paths.site_config)
    specs = load_dataset_specs(paths.datasets)
    areas = load_areas(paths.raw / AREAS_DIR)
    client = HttpClient(sleep=lambda s: None)
    monkeypatch.setenv("KUNTADATA_STATFIN_URL", pxweb_server.url)
    report = publish_data(paths, config, specs, areas, client=client, report=lambda s: None)
    (result,) = report.results
    assert (result.dataset, result.status) == ("families", "failed")
    assert result.detail == "spec no longer matches the source; kept the last good snapshot"
    assert "'perhlkmx' is not a value of" in result.problem
    assert not report.ok
    markdown = summary_markdown(report)
    assert "| families | **failed** |" in markdown
    assert "Spec no longer matches the source: families." in markdown
    assert "No source answered" not in markdown
    assert (root / "data/raw/statfin/families/provenance.json").read_bytes() == before


def test_snapshots_that_package_alone_but_not_together_are_all_put_back(
    tmp_path, monkeypatch, pxweb_server
) -> None:
    """Should the whole package fail where the committed snapshots packaged, none of today's
    snapshots stay: what is committed must build. (The failure is injected: each real
    dataset that packages alone also packages with the others.)"""
    root = tmp_path / "fork"
    (root / "datasets").mkdir(parents=True)
    shutil.copy(REPO / "datasets/families.yaml", root / "datasets")
    shutil.copy(REPO / "site.yaml", root / "site.yaml")
    for tree in ("data/raw/classification", "data/raw/statfin/families"):
        shutil.copytree(REPO / tree, root / tree)
    before = (root / "data/raw/statfin/families/provenance.json").read_bytes()
    paths = ProjectPaths(root)
    real_build = publish.build_package
    calls: list[Path] = []

    def build_package(at: ProjectPaths, *args, **kwargs):
        calls.append(at.root)
        if at.root == root and len([c for c in calls if c == root]) == 2:
            raise PackageError("families.csv: injected failure of the whole package")
        return real_build(at, *args, **kwargs)

    monkeypatch.setattr(publish, "build_package", build_package)
    monkeypatch.setenv("KUNTADATA_STATFIN_URL", pxweb_server.url)
    pxweb_server.status_cells[("KU091", "2021", "perhlkm")] = ".."  # so the snapshot changes
    report = publish_data(
        paths,
        load_site_config(paths.site_config),
        load_dataset_specs(paths.datasets),
        load_areas(paths.raw / AREAS_DIR),
        client=HttpClient(sleep=lambda s: None),
        report=lambda s: None,
    )
    assert len(calls) == 3  # committed snapshots, families alone, everything
    (result,) = report.results
    assert result.status == "rejected"
    assert result.detail == "valid on its own, but the whole package failed; put back"
    assert "injected failure" in report.package_problem and not report.ok
    assert (root / "data/raw/statfin/families/provenance.json").read_bytes() == before
    assert "The package with today's snapshots failed" in summary_markdown(report)


def test_strict_keeps_only_snapshots_whose_package_has_no_warning(
    tmp_path, monkeypatch, file_server
) -> None:
    """The workflow runs `--strict publish-data`, so what it commits passes the `--strict`
    gate before deploying: a row of an area level the areas table lacks (a warning) keeps the
    last good snapshot; without --strict the snapshot is kept, with the warning."""
    root = tmp_path / "fork"
    (root / "datasets").mkdir(parents=True)
    spec_path = REPO / "datasets" / f"{TURNOUT}.yaml"
    shutil.copy(spec_path, root / "datasets")
    shutil.copy(REPO / "site.yaml", root / "site.yaml")
    shutil.copytree(REPO / "data/raw/classification", root / "data/raw/classification")
    shutil.copytree(REPO / f"data/raw/files/{TURNOUT}", root / f"data/raw/files/{TURNOUT}")
    before = (root / f"data/raw/files/{TURNOUT}/data.csv").read_bytes()
    extra = tmp_path / "with-ely.csv"  # a test fault: an ELY centre's row
    extra.write_bytes(TURNOUT_FILE.read_bytes() + b'"\xc4\xe4nest\xe4neet";"2021";"ELY01";1;1\r\n')
    file_server.add(_spec_path(spec_path), extra)
    monkeypatch.setenv("KUNTADATA_FILES_URL", file_server.url)
    paths = ProjectPaths(root)
    args = (
        paths,
        load_site_config(paths.site_config),
        load_dataset_specs(paths.datasets),
        load_areas(paths.raw / AREAS_DIR),
    )
    client = HttpClient(sleep=lambda s: None)
    strict = publish_data(*args, strict=True, client=client, report=lambda s: None)
    (result,) = strict.results
    assert result.status == "rejected"
    assert "left out 1 area(s) of levels the areas table does not have: ELY01" in result.problem
    assert "--strict: 1 warning(s) in package" in result.problem
    assert (root / f"data/raw/files/{TURNOUT}/data.csv").read_bytes() == before
    lenient = publish_data(*args, client=client, report=lambda s: None)
    assert [r.status for r in lenient.results] == ["refreshed"]
    assert (root / f"data/raw/files/{TURNOUT}/data.csv").read_bytes() == extra.read_bytes()


def _spec_path(spec: Path) -> str:
    return yaml.safe_load(spec.read_text("utf-8"))["source"]["path"]
