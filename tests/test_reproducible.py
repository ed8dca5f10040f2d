"""Reproducible builds: the same input gives the same bytes, and a killed or interrupted build
leaves nothing behind (no temporary folder to commit, no worker process still writing)."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from project import REPO, make_project, tree
from test_cli import run

EPOCH = "1764450000"  # 2025-11-29T21:00:00Z
TEMPORARIES = [
    "data/.package.tmp-0badc0de",
    "data/.changelog.csv.tmp-0badc0de",
    "_site.tmp-4242-0badc0de",
    "data/raw/statfin/.families.tmp-0badc0de",
    "data/raw/statfin/.population.old-0badc0de",
]


def site_project(root: Path, datasets: tuple[str, ...], scope: str) -> Path:
    make_project(root, datasets, scope=scope, with_snapshots=True)
    for folder in ("site_templates", "content"):
        (root / folder).symlink_to(REPO / folder)
    return root


def fetched_at(root: Path, dataset: str) -> str:
    provenance = root / "data/raw/statfin" / dataset / "provenance.json"
    return json.loads(provenance.read_text("utf-8"))["fetched_at"]


def test_two_package_builds_of_the_same_snapshots_are_byte_identical(tmp_path):
    first = make_project(tmp_path / "first", ("families", "population"), with_snapshots=True)
    second = make_project(tmp_path / "second", ("families", "population"), with_snapshots=True)
    for root in (first, second):
        result = run(root, "--offline", "package")
        assert result.exit_code == 0, result.output
    assert tree(first / "data/package") == tree(second / "data/package")
    descriptor = json.loads((first / "data/package/datapackage.json").read_text("utf-8"))
    latest = max(fetched_at(first, "families"), fetched_at(first, "population"))
    assert descriptor["created"] == latest == "2026-11-29T20:42:52Z"  # population's

    result = run(first, "--offline", "package", env={"SOURCE_DATE_EPOCH": EPOCH})
    assert result.exit_code == 0, result.output
    descriptor = json.loads((first / "data/package/datapackage.json").read_text("utf-8"))
    assert descriptor["created"] == "2025-11-29T21:00:00Z"


def test_two_site_builds_of_the_same_package_are_byte_identical(tmp_path):
    first = site_project(tmp_path / "first", ("families",), "[MK12]")
    second = site_project(tmp_path / "second", ("families",), "[MK12]")
    for root in (first, second):
        result = run(root, "--offline", "package", "site", env={"SOURCE_DATE_EPOCH": EPOCH})
        assert result.exit_code == 0, result.output
    files = tree(first / "_site")
    assert [name for name in files if name.endswith(".zip")]  # the zips are compared too
    assert files == tree(second / "_site")


def test_temporaries_of_an_interrupted_run_are_removed_on_start_and_git_ignored(tmp_path):
    root = make_project(tmp_path, ("families",), with_snapshots=True)
    for name in TEMPORARIES:
        (root / name).mkdir(parents=True)
        (root / name / "left.csv").write_text("x\n", "utf-8")
    result = run(root, "--offline", "package")
    assert result.exit_code == 0, result.output
    assert (
        "removed 5 temporary folder(s) left by an interrupted run: data/.package.tmp-0badc0de, "
        "data/.changelog.csv.tmp-0badc0de, _site.tmp-4242-0badc0de, "
        "data/raw/statfin/.families.tmp-0badc0de, data/raw/statfin/.population.old-0badc0de\n"
    ) in result.output
    assert not [name for name in TEMPORARIES if (root / name).exists()]

    if shutil.which("git") is None or not (REPO / ".git").exists():
        pytest.skip("not a git checkout")
    paths = [f"{name}/left.csv" for name in TEMPORARIES] + ["data/.build.lock"]
    ignored = subprocess.run(
        ["git", "check-ignore", "--no-index", *paths], cwd=REPO, capture_output=True, text=True
    )
    assert ignored.stdout.splitlines() == paths


def children(pid: int) -> list[int]:
    path = Path(f"/proc/{pid}/task/{pid}/children")
    try:
        return [int(n) for n in path.read_text().split()]
    except OSError:
        return []


def alive(pid: int) -> bool:
    """Running and not a zombie (an orphan's zombie may wait for a container's pid 1)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


@pytest.mark.skipif(not Path("/proc/self/task").exists(), reason="reads /proc")
def test_a_killed_site_build_leaves_no_worker_process_behind(tmp_path):
    """The site stage forks a worker for a large site; kill -9 the build while it renders."""
    root = site_project(tmp_path, ("families",), "all")
    assert run(root, "--offline", "package").exit_code == 0
    build = subprocess.Popen(
        [sys.executable, "build.py", "--root", str(root), "site"],
        cwd=REPO,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env={**os.environ, "KUNTADATA_SITE_WORKERS": "2"},
    )
    workers: list[int] = []
    try:
        deadline = time.monotonic() + 120
        while not workers and build.poll() is None and time.monotonic() < deadline:
            workers = children(build.pid)
            time.sleep(0.05)
        assert workers, "the site build finished or stalled before forking a worker"
        os.kill(build.pid, signal.SIGKILL)
        build.wait(timeout=30)
        deadline = time.monotonic() + 10
        while any(alive(pid) for pid in workers) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert [pid for pid in workers if alive(pid)] == []
    finally:
        for pid in workers:  # only the worker this test's build forked
            if alive(pid):
                os.kill(pid, signal.SIGKILL)
        if build.poll() is None:
            build.kill()
    assert not (root / "_site").exists()
