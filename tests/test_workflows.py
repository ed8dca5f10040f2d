"""The GitHub Actions workflows: actionlint and zizmor (offline) find nothing; the publish
workflow keeps least privilege, pins every action to a commit SHA and never overlaps."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml
from workflow_runner import run_steps, shell_command

WORKFLOWS = Path(__file__).resolve().parent.parent / ".github" / "workflows"
FILES = sorted(WORKFLOWS.glob("*.yml"))


def tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        pytest.fail(f"{name} is not installed; run `pip install -e .[test]`")
    return path


def test_both_workflows_exist() -> None:
    assert [f.name for f in FILES] == ["ci.yml", "publish.yml"]


def test_actionlint_finds_nothing() -> None:
    result = subprocess.run([tool("actionlint"), *map(str, FILES)], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_zizmor_offline_finds_nothing() -> None:
    result = subprocess.run(
        [tool("zizmor"), "--offline", "--persona=auditor", str(WORKFLOWS)],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "No findings to report" in result.stdout + result.stderr


def test_every_action_is_pinned_to_a_full_sha_with_its_version() -> None:
    for path in FILES:
        for line in path.read_text("utf-8").splitlines():
            match = re.search(r"uses:\s*(\S+)", line)
            if match:
                assert re.fullmatch(r"[\w.-]+/[\w.-]+@[0-9a-f]{40}", match.group(1)), line
                assert re.search(r"# v\d+\.\d+\.\d+", line), f"version comment missing: {line}"


def test_publish_permissions_are_least_privilege() -> None:
    workflow = yaml.safe_load((WORKFLOWS / "publish.yml").read_text("utf-8"))
    assert workflow["permissions"] == {}
    assert workflow["concurrency"] == {"group": "publish", "cancel-in-progress": False}
    on = workflow[True]  # YAML 1.1 reads the key `on` as True
    assert "workflow_dispatch" in on
    minute = on["schedule"][0]["cron"].split()[0]
    assert minute != "0", "schedule off the hour"
    jobs = workflow["jobs"]
    assert jobs["refresh"]["permissions"] == {"contents": "write"}
    assert jobs["build"]["permissions"] == {"contents": "read", "pages": "read"}
    assert jobs["deploy"]["permissions"] == {"pages": "write", "id-token": "write"}
    steps = " ".join(str(s) for s in jobs["build"]["steps"])
    assert "--offline --strict package validate" in steps  # a warning is not deployed
    assert "Settings → Pages" in steps


def test_every_run_step_of_publish_stops_at_its_first_failing_command(tmp_path) -> None:
    """Run each `run:` script as the runner would, with python, git and tee failing: every
    step must fail, and write no output (a `sha` after a failed push would deploy it).

    Without `shell: bash` the runner uses `bash -e`, where `python build.py package | tee`
    succeeds when packaging fails: the scheduled run then committed broken data (issue 12).
    """
    workflow = yaml.safe_load((WORKFLOWS / "publish.yml").read_text("utf-8"))
    assert workflow["defaults"] == {"run": {"shell": "bash"}}
    shims = tmp_path / "bin"
    shims.mkdir()
    for name in ("python", "git"):
        (shims / name).write_text('#!/bin/sh\necho "$0 fails" >&2\nexit 3\n', "utf-8")
        (shims / name).chmod(0o755)
    steps = [(job, shell, step) for job, shell, step in run_steps(workflow)]
    assert len(steps) >= 6
    for number, (job, shell, step) in enumerate(steps):
        if step["run"].strip().startswith("python -m pip install"):
            continue
        script = tmp_path / f"step{number}.sh"
        script.write_text(step["run"], "utf-8")
        output = tmp_path / f"output{number}"
        output.write_text("", "utf-8")
        env = {
            "PATH": f"{shims}{os.pathsep}{os.environ['PATH']}",
            "GITHUB_OUTPUT": str(output),
            "GITHUB_STEP_SUMMARY": str(tmp_path / f"summary{number}"),
        }
        done = subprocess.run(
            shell_command(shell, script), env=env, capture_output=True, text=True, cwd=tmp_path
        )
        label = f"{job}: {step.get('name') or step['run']}"
        assert done.returncode != 0, label
        assert output.read_text("utf-8") == "", label


def test_ci_runs_the_readme_command_and_needs_nothing_else() -> None:
    """A fork's CI must pass as it is: no second checkout, no repository variable or secret."""
    text = (WORKFLOWS / "ci.yml").read_text("utf-8")
    workflow = yaml.safe_load(text)
    steps = workflow["jobs"]["test"]["steps"]
    runs = [step["run"] for step in steps if "run" in step]
    assert runs == ["bash .ci/run"]
    checkouts = [step for step in steps if step.get("uses", "").startswith("actions/checkout@")]
    assert len(checkouts) == 1 and "repository" not in checkouts[0].get("with", {})
    assert "vars." not in text and "secrets." not in text
