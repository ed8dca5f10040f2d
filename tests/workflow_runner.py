"""Run a GitHub Actions workflow's jobs locally, as the runner would, for replay tests.

Only what `.github/workflows/publish.yml` uses is emulated, and it is emulated the way GitHub
documents it, so a replay catches the workflow's own mistakes:
- a `run:` script is started as the runner starts it: `bash -e {0}` when no shell is given,
  `bash --noprofile --norc -eo pipefail {0}` with `shell: bash` (a pipe into `tee` hides a
  failure in the first case, not in the second);
- `${{ }}` expressions in `if:`, `env:`, `with:` and job outputs: contexts `steps`, `needs`,
  `github`, `secrets`, the operators `! && || == !=` and `success() failure() always()
  cancelled()`;
- `continue-on-error` (the step's outcome is failure, its conclusion success), `$GITHUB_OUTPUT`
  and `$GITHUB_STEP_SUMMARY`;
- the actions: checkout clones the "GitHub" remote (a bare repository) at `ref`; setup-python
  and `pip install` are skipped (the test's Python already has the project installed);
  configure-pages answers a base URL; upload-pages-artifact copies the folder; deploy-pages
  publishes the last uploaded artifact to `deployed/`.

The push URL the workflow builds (`https://x-access-token:…@github.com/<repo>.git`) is rewritten
to the bare remote by git's `url.<base>.insteadOf`, and `GIT_ALLOW_PROTOCOL=file` makes any
other URL an error, so nothing leaves the machine.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

TOKEN = "test-token"


def shell_command(shell: str | None, script: Path) -> list[str]:
    """How the runner starts a `run:` script on Linux (GitHub docs, "defaults.run.shell")."""
    if shell is None:
        return ["bash", "-e", str(script)]
    if shell == "bash":
        return ["bash", "--noprofile", "--norc", "-eo", "pipefail", str(script)]
    if shell == "sh":
        return ["sh", "-e", str(script)]
    raise ValueError(f"shell {shell!r} is not emulated")


def run_steps(workflow: dict[str, Any]) -> list[tuple[str, str | None, dict[str, Any]]]:
    """(job, shell, step) for every `run:` step, with the shell it would run in."""
    default = (workflow.get("defaults") or {}).get("run", {}).get("shell")
    found = []
    for name, job in workflow["jobs"].items():
        job_default = (job.get("defaults") or {}).get("run", {}).get("shell", default)
        for step in job.get("steps", []):
            if "run" in step:
                found.append((name, step.get("shell", job_default), step))
    return found


@dataclass
class StepResult:
    name: str
    outcome: str  # success | failure | skipped
    conclusion: str
    outputs: dict[str, str] = field(default_factory=dict)
    log: str = ""


@dataclass
class JobResult:
    name: str
    result: str  # success | failure | skipped
    outputs: dict[str, str] = field(default_factory=dict)
    steps: dict[str, StepResult] = field(default_factory=dict)
    summary: str = ""
    log: str = ""


@dataclass
class Runner:
    workflow_path: Path
    remote: Path  # the bare repository standing in for GitHub
    work: Path  # where checkouts, artifacts and the deployed site go
    repository: str = "kuntadata-fork/kuntadata"
    branch: str = "main"
    env: dict[str, str] = field(default_factory=dict)  # the runner's environment additions
    base_url: str = "https://kuntadata-fork.github.io/kuntadata"
    runs: int = 0

    def __post_init__(self) -> None:
        self.workflow = yaml.safe_load(self.workflow_path.read_text("utf-8"))
        self.work.mkdir(parents=True, exist_ok=True)
        self.deployed = self.work / "deployed"
        bin_dir = self.work / "bin"
        bin_dir.mkdir(exist_ok=True)
        python = bin_dir / "python"
        if not python.exists():
            python.symlink_to(sys.executable)
        gitconfig = self.work / "gitconfig"
        push_url = f"https://x-access-token:{TOKEN}@github.com/{self.repository}.git"
        gitconfig.write_text(
            f'[url "{self.remote}"]\n\tinsteadOf = {push_url}\n'
            "[init]\n\tdefaultBranch = main\n[advice]\n\tdetachedHead = false\n",
            "utf-8",
        )
        keep = {k: v for k, v in os.environ.items() if not k.startswith(("GITHUB_", "GIT_"))}
        keep = {k: v for k, v in keep.items() if not k.startswith("KUNTADATA_")}
        self.base_env = {
            **keep,
            "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}",
            "HOME": str(self.work),
            "GIT_CONFIG_GLOBAL": str(gitconfig),
            "GIT_CONFIG_NOSYSTEM": "1",
            "GIT_ALLOW_PROTOCOL": "file",
            "GITHUB_ACTIONS": "true",
            "KUNTADATA_BASE_URL": "",
        }

    def run(self) -> dict[str, JobResult]:
        """One run of every job in order (they form a chain in publish.yml)."""
        self.runs += 1
        done: dict[str, JobResult] = {}
        for name, job in self.workflow["jobs"].items():
            done[name] = self.run_job(name, job, done)
        return done

    def run_job(self, name: str, job: dict[str, Any], done: dict[str, JobResult]) -> JobResult:
        needs = job.get("needs", [])
        needs = [needs] if isinstance(needs, str) else list(needs)
        context: dict[str, Any] = {
            "needs": {n: {"result": done[n].result, "outputs": done[n].outputs} for n in needs},
            "steps": {},
            "github": {"repository": self.repository, "ref_name": self.branch},
            "secrets": {"GITHUB_TOKEN": TOKEN},
        }
        all_ok = all(done[n].result == "success" for n in needs)
        if not _truthy(evaluate(job.get("if", "success()"), context, all_ok)):
            return JobResult(name, "skipped")
        workdir = self.work / f"run{self.runs}-{name}"
        result = JobResult(name, "success")
        default_shell = (self.workflow.get("defaults") or {}).get("run", {}).get("shell")
        for number, step in enumerate(job["steps"]):
            step_id = step.get("id", f"step{number}")
            ok = result.result == "success"
            if not _truthy(evaluate(step.get("if", "success()"), context, ok)):
                context["steps"][step_id] = {"outcome": "skipped", "outputs": {}}
                continue
            started = time.perf_counter()
            if "uses" in step:
                outcome, outputs, log = self._action(step, context, workdir, ok)
            else:
                outcome, outputs, log = self._script(step, context, workdir, default_shell)
            conclusion = "success" if step.get("continue-on-error") else outcome
            if conclusion == "failure":
                result.result = "failure"
            label = step.get("name") or step.get("uses") or step["run"].splitlines()[0]
            result.steps[step_id] = StepResult(label, outcome, conclusion, outputs, log)
            result.log += f"--- {label}: {outcome} ({time.perf_counter() - started:.1f} s)\n{log}\n"
            context["steps"][step_id] = {"outcome": outcome, "outputs": outputs}
        result.summary = "".join(
            p.read_text("utf-8") for p in sorted(workdir.parent.glob(f"{workdir.name}.summary-*"))
        )
        result.outputs = {
            k: str(interpolate(v, context, True)) for k, v in (job.get("outputs") or {}).items()
        }
        return result

    def _script(self, step, context, workdir: Path, default_shell) -> tuple[str, dict, str]:
        script = step["run"]
        if script.strip().startswith("python -m pip install"):
            return "success", {}, "(skipped: the project is installed in the test's Python)"
        number = len(context["steps"])
        output = workdir.parent / f"{workdir.name}.output-{number}"
        summary = workdir.parent / f"{workdir.name}.summary-{number:02d}"
        path = workdir.parent / f"{workdir.name}.step-{number}.sh"
        path.write_text(script, "utf-8")
        output.write_text("", "utf-8")
        env = {
            **self.base_env,
            **self.env,
            **{k: str(interpolate(v, context, True)) for k, v in (step.get("env") or {}).items()},
            "GITHUB_OUTPUT": str(output),
            "GITHUB_STEP_SUMMARY": str(summary),
        }
        done = subprocess.run(
            shell_command(step.get("shell", default_shell), path),
            cwd=workdir,
            env=env,
            capture_output=True,
            text=True,
            timeout=600,
        )
        outputs = dict(
            line.split("=", 1) for line in output.read_text("utf-8").splitlines() if "=" in line
        )
        outcome = "success" if done.returncode == 0 else "failure"
        return outcome, outputs, done.stdout + done.stderr

    def _action(self, step, context, workdir: Path, ok: bool) -> tuple[str, dict, str]:
        action = step["uses"].split("@")[0]
        given = {k: str(interpolate(v, context, ok)) for k, v in (step.get("with") or {}).items()}
        if action == "actions/checkout":
            git = ["git", "-c", "advice.detachedHead=false"]
            subprocess.run([*git, "clone", "--quiet", str(self.remote), str(workdir)],
                           check=True, env=self.base_env)  # fmt: skip
            if given.get("ref"):
                subprocess.run([*git, "checkout", "--quiet", given["ref"]], cwd=workdir,
                               check=True, env=self.base_env)  # fmt: skip
            return "success", {}, f"checked out {given.get('ref') or self.branch}"
        if action == "actions/setup-python":
            return "success", {}, "(the test's Python)"
        if action == "actions/configure-pages":
            return "success", {"base_url": self.base_url}, ""
        if action == "actions/upload-pages-artifact":
            self.artifact = self.work / f"artifact-{self.runs}"
            shutil.copytree(workdir / given["path"], self.artifact, symlinks=True)
            return "success", {}, f"uploaded {given['path']}"
        if action == "actions/deploy-pages":
            shutil.rmtree(self.deployed, ignore_errors=True)
            shutil.copytree(self.artifact, self.deployed, symlinks=True)
            return "success", {"page_url": f"{self.base_url}/"}, "deployed"
        if action == "actions/cache":
            # GitHub restores the newest saved copy before the step and saves the folder
            # after the job: one folder kept across runs, linked into each checkout, does both.
            kept = self.work / "actions-cache" / given["path"]
            kept.mkdir(parents=True, exist_ok=True)
            target = workdir / given["path"]
            target.parent.mkdir(parents=True, exist_ok=True)
            target.symlink_to(kept, target_is_directory=True)
            return "success", {"cache-hit": "false"}, f"cache {given['path']} linked"
        raise ValueError(f"action {action} is not emulated")


EXPRESSION = re.compile(r"\$\{\{(.*?)\}\}", re.S)
TOKENS = re.compile(
    r"\s*('(?:[^']|'')*'|[A-Za-z_][\w.-]*\(\)|[A-Za-z_][\w.-]*|&&|\|\||==|!=|!|\(|\))"
)


def interpolate(text: Any, context: dict[str, Any], ok: bool) -> Any:
    """A value with `${{ }}` parts replaced; a value that is one expression keeps its type."""
    if not isinstance(text, str):
        return text
    whole = EXPRESSION.fullmatch(text.strip())
    if whole:
        return _eval(whole.group(1), context, ok)
    return EXPRESSION.sub(lambda m: str(_eval(m.group(1), context, ok)), text)


def evaluate(condition: str | bool, context: dict[str, Any], ok: bool) -> Any:
    """An `if:` condition, with or without `${{ }}` around it."""
    if isinstance(condition, bool):
        return condition
    whole = EXPRESSION.fullmatch(condition.strip())
    return _eval(whole.group(1) if whole else condition, context, ok)


def _eval(expression: str, context: dict[str, Any], ok: bool) -> Any:
    position, parts, values = 0, [], {}
    expression = expression.strip()
    while position < len(expression):
        match = TOKENS.match(expression, position)
        if match is None:
            raise ValueError(f"cannot read expression {expression!r} at {position}")
        token = match.group(1)
        position = match.end()
        if token.startswith("'"):
            parts.append(repr(token[1:-1].replace("''", "'")))
        elif token in ("&&", "||", "!"):
            parts.append({"&&": " and ", "||": " or ", "!": " not "}[token])
        elif token in ("==", "!=", "(", ")"):
            parts.append(f" {token} ")
        elif token.endswith("()"):
            calls = {"success()": ok, "failure()": not ok, "always()": True, "cancelled()": False}
            parts.append(repr(calls[token]))
        elif token in ("true", "false"):
            parts.append(repr(token == "true"))
        else:
            name = f"v{len(values)}"
            values[name] = _lookup(token, context)
            parts.append(name)
    return eval("".join(parts), {"__builtins__": {}}, values)  # our own tokens only


def _lookup(dotted: str, context: dict[str, Any]) -> Any:
    value: Any = context
    for part in dotted.split("."):
        value = value.get(part, "") if isinstance(value, dict) else ""
    return value


def _truthy(value: Any) -> bool:
    return bool(value)
