"""The scheduled publish run (`build.py publish-data`): refresh what packages, keep the rest.

Before, the workflow fetched into `data/raw/`, packaged, and committed whatever was there: a
fetched file with an unknown area was committed and pushed, the build failed, and every later
run failed at its first step (packaging the committed snapshots), so nothing was fetched
again until someone repaired the repository by hand. Here a new snapshot reaches `data/raw/`
only after a package built with it (in a temporary project holding just that dataset and the
datasets it derives from) is valid, so what is committed always builds:

1. package the committed snapshots: the previous release, which the changelog diffs against
   (when even that fails, say so and go on: today's fetch may be what repairs it);
2. per dataset: fetch into a temporary copy, package and validate there, and only then swap
   the new snapshot into `data/raw/` (a failing dataset keeps its last good snapshot);
3. package everything once more, recording new periods and revisions in data/changelog.csv;
   should that fail where step 1 worked, today's snapshots are all put back;
4. a summary per dataset, for the log and GitHub's step summary.

The caller commits `data/raw/` and `data/changelog.csv` (`commit_snapshots`) and exits non-zero
when a dataset failed, after the good ones are committed.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from .areas import Areas
from .config import SiteConfig
from .errors import KuntadataError
from .fetch import SOURCE_OF_KIND, SPEC_MISMATCH, DatasetOutcome, fetch_datasets
from .package import AREAS_DIR, PackageSummary, build_package
from .paths import ProjectPaths
from .snapshot import read_provenance, snapshot_dir, swap_into_place
from .sources.http import HttpClient
from .spec import DatasetSpec

# DatasetResult.status; the first two fail the run.
REJECTED = "rejected"  # fetched, but its package did not build or validate: not kept
FAILED = "failed"  # the spec no longer matches the source, or no snapshot at all
REFRESHED = "refreshed"  # the new snapshot is in data/raw/
KEPT = "kept"  # the source did not answer usably today; the last good snapshot stays
PENDING = "pending"  # an unverified spec never fetched yet
FAILING = (REJECTED, FAILED)
COMMITTED_PATHS = ("data/raw", "data/changelog.csv")


@dataclass
class DatasetResult:
    dataset: str
    status: str
    detail: str = ""  # one line for the table
    problem: str = ""  # the full message, for a failing dataset
    snapshot: str = ""  # fetched_at of the snapshot data/raw/ holds after the run


@dataclass
class PublishReport:
    results: list[DatasetResult] = field(default_factory=list)
    previous_problem: str = ""  # the committed snapshots did not package
    package_problem: str = ""  # the final package failed
    package: PackageSummary | None = None

    @property
    def failed(self) -> list[DatasetResult]:
        return [r for r in self.results if r.status in FAILING]

    @property
    def ok(self) -> bool:
        return not self.failed and not self.package_problem

    def count(self, status: str) -> int:
        return sum(r.status == status for r in self.results)


def publish_data(
    paths: ProjectPaths,
    config: SiteConfig,
    specs: list[DatasetSpec],
    areas: Areas,
    *,
    only: tuple[str, ...] = (),
    strict: bool = False,
    client: HttpClient | None = None,
    report: Callable[[str], None] = print,
) -> PublishReport:
    """Steps 1-3 of the module docstring; `strict` also rejects a snapshot whose package
    has warnings, so the committed data always passes the `--strict` gate before deploying."""
    result = PublishReport()
    report("publish-data: 1/3 package the committed snapshots (the previous release)")
    try:
        build_package(paths, config, specs, areas)
    except KuntadataError as exc:
        result.previous_problem = str(exc)
        report(f"  the committed snapshots do not package; going on, a fetch may repair it:\n{exc}")
    client = client or HttpClient()
    by_id = {spec.id: spec for spec in specs}
    backups: dict[str, Path | None] = {}
    with tempfile.TemporaryDirectory(prefix="kuntadata-publish-") as work:
        report("publish-data: 2/3 fetch, package and validate each dataset on its own")
        for spec in specs:
            if only and spec.id not in only:
                continue
            previous = _fetched_at(_snapshot(paths, spec))
            outcome, trial = _fetch_trial(paths, config, spec, by_id, areas, client, report, work)
            item = _judge(outcome, previous, trial, config, spec, by_id, areas, strict, report)
            if item.status == REFRESHED:
                backups[spec.id] = _accept(paths, trial, spec, Path(work))
            result.results.append(item)
        report("publish-data: 3/3 package everything (new periods and revisions → changelog)")
        try:
            result.package = build_package(paths, config, specs, areas)
        except KuntadataError as exc:
            _final_package_failed(paths, result, exc, backups, by_id, report)
    return result


def _fetch_trial(paths, config, spec, by_id, areas, client, report, work):
    """Fetch one dataset into a temporary project holding the committed snapshot, if any."""
    trial = ProjectPaths(Path(work) / spec.id)
    shutil.copytree(paths.raw / AREAS_DIR, trial.raw / AREAS_DIR)
    for needed in (spec, *_derived_from(spec, by_id)):
        source = _snapshot(paths, needed)
        if (source / "provenance.json").exists():
            shutil.copytree(source, _snapshot(trial, needed))
    summary = fetch_datasets(trial, config, [spec], areas, client=client, report=report)
    return summary.outcomes[0], trial


def _judge(
    outcome: DatasetOutcome, previous: str, trial, config, spec, by_id, areas, strict, report
):
    """A fetched snapshot is good when a package of it (and what it derives from) is valid
    and holds the dataset; anything else keeps the last good snapshot (`previous`)."""
    if outcome.status == "kept":
        return DatasetResult(
            spec.id,
            KEPT,
            f"{outcome.cause}; kept the last good snapshot",
            snapshot=outcome.fetched_at,
        )
    if outcome.status == "skipped":
        why = f": {outcome.cause}" if outcome.cause else ""
        return DatasetResult(spec.id, PENDING, f"unverified spec, not fetched yet{why}")
    if outcome.status == "failed":
        cause = outcome.cause or "no snapshot"
        kept = "; kept the last good snapshot" if outcome.has_snapshot else "; no snapshot"
        return DatasetResult(
            spec.id,
            FAILED,
            f"{cause}{kept}",
            problem=outcome.message,
            snapshot=outcome.fetched_at,
        )
    problem = _package_problem(trial, config, spec, by_id, areas, strict)
    if problem:
        report(f"  {spec.id}: NOT KEPT: its package did not build:\n    {_indent(problem)}")
        keeps = "kept the last good snapshot" if previous else "no snapshot yet"
        return DatasetResult(
            spec.id,
            REJECTED,
            f"fetched, but its package failed; {keeps}",
            problem=problem,
            snapshot=previous,
        )
    return DatasetResult(spec.id, REFRESHED, "packaged and valid", snapshot=outcome.fetched_at)


def _package_problem(trial, config, spec, by_id, areas, strict) -> str:
    needed = [spec, *_derived_from(spec, by_id)]
    try:
        summary = build_package(trial, config, needed, areas, strict=strict)
    except KuntadataError as exc:
        problem = str(exc)
    else:
        if (trial.package / f"{spec.id}.csv").exists():
            return ""
        problem = "\n".join([*summary.errors, *summary.warnings]) or f"{spec.id}: not packaged"
    return problem.replace(f"{trial.root}/", "(fetched) ")  # not the temporary folder's path


def _accept(paths: ProjectPaths, trial: ProjectPaths, spec, work: Path) -> Path | None:
    """Swap the checked snapshot into data/raw/; keep the old one in `work` to put back."""
    target = _snapshot(paths, spec)
    backup = None
    if target.exists():
        backup = work / "previous" / spec.id
        shutil.copytree(target, backup)
    target.parent.mkdir(parents=True, exist_ok=True)
    staged = target.parent / f".{spec.id}.tmp-{uuid.uuid4().hex[:8]}"
    shutil.copytree(_snapshot(trial, spec), staged)
    swap_into_place(staged, target)
    return backup


def _final_package_failed(paths, result, exc, backups, by_id, report) -> None:
    """Together the new snapshots did not package although the committed ones did: put every
    new one back, so what is committed still builds. When the committed snapshots did not
    package either, today's (each valid on its own) are kept: they cannot make it worse."""
    result.package_problem = str(exc)
    report(f"  the package with today's snapshots failed:\n{exc}")
    if result.previous_problem:
        return
    for item in result.results:
        if item.status != REFRESHED:
            continue
        target = _snapshot(paths, by_id[item.dataset])
        backup = backups.get(item.dataset)
        if backup is None:
            shutil.rmtree(target)
        else:
            staged = target.parent / f".{item.dataset}.tmp-{uuid.uuid4().hex[:8]}"
            shutil.copytree(backup, staged)
            swap_into_place(staged, target)
        item.status = REJECTED
        item.detail = "valid on its own, but the whole package failed; put back"
        item.problem = str(exc)
        item.snapshot = _fetched_at(target)


def _derived_from(spec: DatasetSpec, by_id: dict[str, DatasetSpec]) -> list[DatasetSpec]:
    """Datasets a derived indicator divides by (per_resident's population), when declared."""
    ids = {indicator.per_resident["population"].split(".", 1)[0] for indicator in spec.derived}
    return [by_id[i] for i in sorted(ids) if i in by_id and i != spec.id]


def _snapshot(paths: ProjectPaths, spec: DatasetSpec) -> Path:
    return snapshot_dir(paths.raw, SOURCE_OF_KIND[spec.kind], spec.id)


def _fetched_at(directory: Path) -> str:
    try:
        return str(read_provenance(directory).get("fetched_at", ""))
    except KuntadataError:
        return ""


def _indent(text: str) -> str:
    return text.replace("\n", "\n    ")


def summary_lines(report: PublishReport) -> list[str]:
    """Plain text: a line per dataset, then what failed and what happens next."""
    lines = [_headline(report)]
    for item in report.results:
        when = f" (snapshot {item.snapshot})" if item.snapshot else ""
        lines.append(f"  {item.dataset}: {item.status}: {item.detail}{when}")
    lines.extend(_closing(report))
    return lines


def summary_markdown(report: PublishReport) -> str:
    """The same for GitHub's step summary: a table, then each failure's full message."""
    rows = ["| dataset | outcome | snapshot in data/raw | detail |", "|---|---|---|---|"]
    for item in report.results:
        outcome = f"**{item.status}**" if item.status in FAILING else item.status
        rows.append(
            f"| {item.dataset} | {outcome} | {item.snapshot or '—'} | {_cell(item.detail)} |"
        )
    parts = [f"### {_headline(report)}", "", *rows, "", *_closing(report)]
    for item in report.failed:
        parts += ["", f"<details><summary>{item.dataset}</summary>", "", "```"]
        parts += [item.problem.strip(), "```", "", "</details>"]
    for title, text in (
        ("The committed snapshots did not package", report.previous_problem),
        ("The package with today's snapshots failed", report.package_problem),
    ):
        if text:
            parts += ["", f"**{title}:**", "", "```", text.strip(), "```"]
    return "\n".join(parts) + "\n"


def _headline(report: PublishReport) -> str:
    counts = ", ".join(
        f"{report.count(s)} {s}" for s in (REFRESHED, KEPT, REJECTED, FAILED, PENDING)
    )
    return f"publish-data: {counts}"


def _closing(report: PublishReport) -> list[str]:
    lines = []
    if report.failed:
        names = ", ".join(r.dataset for r in report.failed)
        lines.append(
            f"FAILED: {names}. Each keeps its last good snapshot; the other datasets are "
            "committed. Fix the source or datasets/<id>.yaml (messages below); the next run "
            "fetches them again."
        )
    mismatched = [r.dataset for r in report.results if r.detail.startswith(SPEC_MISMATCH)]
    if mismatched:
        lines.append(f"Spec no longer matches the source: {', '.join(mismatched)}.")
    kept = [r.dataset for r in report.results if r.status == KEPT]
    if kept and not report.count(REFRESHED):
        lines.append(
            f"No source answered today ({', '.join(kept)}): nothing new to commit; the site "
            "is built from the last good snapshots."
        )
    if report.previous_problem:
        lines.append("The committed snapshots did not package before this run (see below).")
    if report.package_problem:
        lines.append("The package with today's snapshots failed (see below).")
    return lines


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def commit_snapshots(root: Path, report: Callable[[str], None] = print) -> str | None:
    """Commit data/raw/ and data/changelog.csv (only those paths) with the message of
    scripts/snapshot_commit_message.py; returns the new commit, or None when nothing changed.

    Only snapshots that packaged are in data/raw/ by now, so committing the folder commits
    exactly the good ones. The push is the workflow's, which holds the token.
    """
    present = [p for p in COMMITTED_PATHS if (root / p).exists()]
    _git(root, "add", "--", *present)
    changed = subprocess.run(
        ["git", "diff", "--cached", "--quiet", "--", *present], cwd=root, check=False
    )
    if changed.returncode == 0:
        report("publish-data: no snapshot changed; nothing to commit")
        return None
    script = root / "scripts" / "snapshot_commit_message.py"
    message = (
        subprocess.run(
            [sys.executable, str(script)], cwd=root, capture_output=True, text=True, check=True
        ).stdout
        if script.exists()
        else "data: refresh snapshots\n"
    )
    _git(root, "commit", "--quiet", "--file", "-", "--", *present, stdin=message)
    sha = _git(root, "rev-parse", "HEAD").strip()
    report(f"publish-data: committed {sha[:12]}: {message.splitlines()[0]}")
    return sha


def _git(root: Path, *args: str, stdin: str | None = None) -> str:
    done = subprocess.run(
        ["git", *args], cwd=root, input=stdin, capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        raise KuntadataError(
            f"git {' '.join(args)} failed in {root} (exit {done.returncode}): "
            f"{done.stderr.strip() or done.stdout.strip()}"
        )
    return done.stdout
