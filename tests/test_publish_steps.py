"""The publish workflow's commands, run locally in order, as .github/workflows/publish.yml does.

A fresh git repository holds what a fork's checkout holds for one dataset (site.yaml, the
families spec, the classification and the committed families snapshot). Then, like the
workflow: `--strict publish-data --commit` (packages the committed snapshots, fetches from the
local PxWeb emulator, where Helsinki's 2021 families figure has become confidential, keeps the
new snapshot because its package validates, packages again, and commits data/raw and
data/changelog.csv with scripts/snapshot_commit_message.py's message), then package and
validate with --strict, status, build the site. build.py runs as a subprocess in the
repository, as in CI. tests/test_publish_replay.py replays the workflow file itself over
several days, with a broken source and a bare git remote.

Staleness is the producer's, not a defect of the package: `--strict package validate` (the
gate before deploying) passes although Statistics Finland has not updated table 12c1 since
2023, while `--strict status` fails and says so. Blocking deploys for months because a
source is slow would hide the revisions readers need to see.
"""

from __future__ import annotations

import csv
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

from kuntadata.paths import REPO_ROOT

FILES = ("site.yaml", "datasets/families.yaml", "scripts/snapshot_commit_message.py")
TREES = ("data/raw/classification", "data/raw/statfin/families")
NBSP = "\u00a0"


def git(repo: Path, *args: str) -> str:
    return subprocess.run(
        ["git", *args], cwd=repo, check=True, capture_output=True, text=True
    ).stdout


def build(repo: Path, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, str(REPO_ROOT / "build.py"), "--root", str(repo), *args],
        cwd=repo,
        capture_output=True,
        text=True,
        env={**os.environ, "KUNTADATA_BASE_URL": "", **(env or {})},
        timeout=300,
    )


def fork_checkout(repo: Path) -> None:
    """A git repository with one dataset's committed snapshot, as a fork's checkout has."""
    for name in FILES:
        (repo / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(REPO_ROOT / name, repo / name)
    for name in TREES:
        shutil.copytree(REPO_ROOT / name, repo / name)
    for name in ("content", "site_templates"):
        (repo / name).symlink_to(REPO_ROOT / name, target_is_directory=True)
    (repo / ".gitignore").write_text("data/package/\n_site/\ncontent\nsite_templates\n")
    git(repo, "init", "--quiet")
    git(repo, "config", "user.name", "kuntadata-test")
    git(repo, "config", "user.email", "test@example.invalid")
    git(repo, "add", ".")
    git(repo, "commit", "--quiet", "-m", "fork")


def test_publish_workflow_steps_record_and_show_a_revision(tmp_path, pxweb_server) -> None:
    repo = tmp_path / "fork"
    repo.mkdir()
    fork_checkout(repo)

    pxweb_server.status_cells[("KU091", "2021", "perhlkm")] = ".."
    head = git(repo, "rev-parse", "HEAD")
    summary = tmp_path / "step-summary.md"
    step = build(
        repo,
        "--strict",
        "publish-data",
        "--commit",
        env={"KUNTADATA_STATFIN_URL": pxweb_server.url, "GITHUB_STEP_SUMMARY": str(summary)},
    )
    assert step.returncode == 0, step.stdout + step.stderr
    assert "publish-data: 1 refreshed, 0 kept, 0 rejected, 0 failed, 0 pending" in step.stdout
    assert "| families | refreshed |" in summary.read_text("utf-8")
    assert git(repo, "rev-parse", "HEAD") != head
    message = git(repo, "log", "-1", "--format=%B")
    assert message.splitlines()[0] == "data: refresh 1 snapshot(s): families"
    assert "- statfin/families: 1 revised" in message
    assert git(repo, "status", "--porcelain", "data/raw", "data/changelog.csv") == ""

    rows = list(csv.DictReader((repo / "data/changelog.csv").open(encoding="utf-8")))
    revised = [r for r in rows if r["change"] == "revised"]
    assert len(rows) == len(revised) == 1
    row = revised[0]
    assert (row["dataset"], row["area"], row["period"], row["indicator"]) == (
        "families", "KU091", "2021", "families",
    )  # fmt: skip
    assert (row["old_value"], row["new_value"], row["old_status"], row["new_status"]) == (
        "160797", "", "", "..",
    )  # fmt: skip

    gate = build(repo, "--offline", "--strict", "package", "validate")
    assert gate.returncode == 0, gate.stdout + gate.stderr
    assert "validate: the package is valid" in gate.stdout
    stale = build(repo, "--offline", "--strict", "status")
    assert stale.returncode == 1
    assert re.search(r"warning: families: the source has not changed for \d+ days", stale.stdout)
    assert "--strict: 1 stale dataset(s)" in stale.stderr

    site = build(repo, "site", "--base-url", "https://example.github.io/fork/")
    assert site.returncode == 0, site.stdout + site.stderr
    page = (repo / "_site/en/uutta/index.html").read_text("utf-8")
    assert "Families 2021: revised: Families, Helsinki 160,797 → .." in page
    fi = (repo / "_site/fi/uutta/index.html").read_text("utf-8")
    assert f"Perheet 2021: korjattu: Perheitä, Helsinki 160{NBSP}797 → .." in fi
    feed = (repo / "_site/en/feed.xml").read_text("utf-8")
    assert "<id>https://example.github.io/fork/en/uutta/</id>" in feed
