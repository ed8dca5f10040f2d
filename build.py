#!/usr/bin/env python3
"""kuntadata command line: fetch → package → validate → site.

    python build.py all            # everything; offline it builds from data/raw/ snapshots
    python build.py fetch --only families
    python build.py package validate
    python build.py serve

Only this file speaks click: library code raises kuntadata's own exceptions, and they are
printed here as one clear message (tracebacks only with --debug).
"""

from __future__ import annotations

import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import click

from kuntadata.errors import KuntadataError, os_error_message
from kuntadata.paths import ProjectPaths


@dataclass
class Options:
    paths: ProjectPaths
    debug: bool
    strict: bool
    offline: bool
    only: tuple[str, ...]
    stats: dict[str, object] = field(default_factory=dict)
    stage: str = ""  # the writing stage running now: names its folder in a disk error
    locked: bool = False


class KuntadataGroup(click.Group):
    """Turn project errors into a message and exit 1; keep tracebacks for --debug."""

    def invoke(self, ctx: click.Context):  # type: ignore[override]
        try:
            return super().invoke(ctx)
        except KuntadataError as exc:
            if ctx.obj and ctx.obj.debug:
                raise
            click.secho(f"Error: {exc}", fg="red", err=True)
            ctx.exit(1)
        except OSError as exc:  # disk full, read-only or busy folder: say where, no traceback
            if ctx.obj and ctx.obj.debug:
                raise
            click.secho(
                f"Error: {os_error_message(exc, _stage_folder(ctx.obj))}", fg="red", err=True
            )
            ctx.exit(1)


def _stage_folder(opts: Options | None) -> Path | None:
    """The folder the running stage writes, for an OSError that names no file."""
    if opts is None:
        return None
    folders = {"fetch": opts.paths.raw, "package": opts.paths.package, "site": opts.paths.site}
    return folders.get(opts.stage, opts.paths.root)


def _writing(opts: Options, stage: str) -> None:
    """Hold the project's write lock from this stage to the end of the command line, so a
    second run waits (or stops naming the other run's pid) instead of writing alongside."""
    from kuntadata.lock import project_lock

    opts.stage = stage
    if not opts.locked:
        root = click.get_current_context().find_root()
        root.with_resource(project_lock(opts.paths, stage, report=click.echo))
        opts.locked = True


@click.group(cls=KuntadataGroup, chain=True)
@click.option("--only", multiple=True, metavar="DATASET", help="Only this dataset (repeatable).")
@click.option("--offline", is_flag=True, help="Use the snapshots in data/raw/; no network.")
@click.option("--strict", is_flag=True, help="Treat warnings as failures (for CI).")
@click.option("--debug", is_flag=True, help="Show tracebacks.")
@click.option(
    "--root",
    type=click.Path(path_type=Path, file_okay=False),
    default=None,
    help="Project root (default: this repository).",
)
@click.pass_context
def cli(ctx: click.Context, only, offline, strict, debug, root) -> None:
    """Build the kuntadata data package and site. Commands can be chained: `package validate`."""
    paths = ProjectPaths(root.resolve()) if root else ProjectPaths()
    ctx.obj = Options(paths=paths, debug=debug, strict=strict, offline=offline, only=only)


def _load(opts: Options, *, all_datasets: bool = False):
    from kuntadata.areas import load_areas
    from kuntadata.config import load_site_config
    from kuntadata.package import AREAS_DIR
    from kuntadata.spec import load_dataset_specs

    config = load_site_config(opts.paths.site_config)
    specs = load_dataset_specs(opts.paths.datasets, () if all_datasets else opts.only)
    areas = load_areas(opts.paths.raw / AREAS_DIR)
    areas.resolve_scope(config.scope)
    return config, specs, areas


@cli.command()
@click.pass_obj
def fetch(opts: Options) -> None:
    """Fetch every dataset into data/raw/ (keeps the last good snapshot on failure)."""
    from kuntadata.fetch import fetch_datasets

    _writing(opts, "fetch")
    config, specs, areas = _load(opts)
    mode = "offline: snapshots only" if opts.offline else "live sources"
    click.secho(f"fetch: {len(specs)} dataset(s), {mode}", bold=True)
    bar_state: dict[str, object] = {}

    def on_query(number: int, total: int) -> None:
        bar = bar_state.get("bar")
        if bar is None or number == 1:
            if bar is not None:
                bar.render_finish()  # type: ignore[attr-defined]
            bar = click.progressbar(length=total, label="    queries", show_pos=True)
            bar_state["bar"] = bar
        bar.update(1)  # type: ignore[attr-defined]
        if number == total:
            bar.render_finish()  # type: ignore[attr-defined]
            bar_state["bar"] = None

    summary = fetch_datasets(
        opts.paths, config, specs, areas, offline=opts.offline, report=click.echo, on_query=on_query
    )
    _fetch_summary(summary)
    opts.stats.update(api_calls=summary.api_calls)
    if summary.without_snapshot:
        names = ", ".join(o.dataset for o in summary.without_snapshot)
        raise click.ClickException(f"fetch failed for {names} (no snapshot to fall back on)")
    if opts.strict and summary.warnings:
        raise click.ClickException(f"--strict: {len(summary.warnings)} warning(s) in fetch")


def _fetch_summary(summary) -> None:
    """The closing lines: counts, then what the build will use and why (not the same remedy
    for a source that did not answer as for one whose answer no longer fits the spec)."""
    from kuntadata.fetch import SPEC_MISMATCH, UNREACHABLE

    click.echo(
        f"fetch: {summary.count('fetched')} fetched, {summary.count('kept')} kept from "
        f"snapshots, {summary.count('offline')} offline, {summary.count('skipped')} not yet "
        f"fetched, {summary.count('failed')} failed; {summary.api_calls} API calls "
        f"({summary.retries} retries) in {summary.seconds:.1f} s"
    )
    if summary.warnings:
        click.secho(f"  {len(summary.warnings)} warning(s); see above", fg="yellow")
    mismatched = [o for o in summary.failed if o.cause == SPEC_MISMATCH and o.has_snapshot]
    if mismatched:
        click.secho(
            f"fetch: the source answered, but {len(mismatched)} spec(s) no longer match it: "
            f"{', '.join(o.dataset for o in mismatched)}; their last good snapshots are used "
            "until datasets/<id>.yaml is fixed (see above)",
            fg="red",
        )
    used = [o for o in summary.outcomes if o.status in ("kept", "offline", "failed")]
    quiet = all(o.status == "offline" or o.cause == UNREACHABLE for o in used)
    if used and quiet and not summary.count("fetched"):
        dates = sorted({o.fetched_at[:10] for o in used if o.fetched_at})
        offline = all(o.status == "offline" for o in used)
        click.secho(
            f"fetch: {'offline' if offline else 'no source reached'}; building from the "
            f"committed snapshots in data/raw/ (fetched {', '.join(dates)})",
            bold=True,
        )


@cli.command()
@click.pass_obj
def package(opts: Options) -> None:
    """Turn data/raw/ into the validated data package in data/package/."""
    from kuntadata.package import build_package

    _writing(opts, "package")
    config, specs, areas = _load(opts, all_datasets=True)
    if opts.only:
        click.echo("package: --only applies to fetch; the package always holds every dataset")
    click.secho(f"package: {len(specs)} dataset(s) → {opts.paths.package}", bold=True)
    summary = build_package(opts.paths, config, specs, areas, strict=opts.strict)
    opts.stats.update(datasets=summary.datasets, rows=summary.rows)
    for note in summary.notes:
        click.echo(f"  note: {note}")
    for warning in summary.warnings:
        click.secho(f"  warning: {warning}", fg="yellow")
    for error in summary.errors:
        click.secho(f"  error: {error}", fg="red", err=True)
    click.echo(
        f"package: {summary.datasets} datasets, {summary.rows:,} rows, valid, "
        f"in {summary.seconds:.1f} s"
    )
    if summary.errors:
        raise click.ClickException(
            f"package: built without {len(summary.errors)} damaged snapshot(s); see the "
            "error(s) above"
        )
    if opts.strict and summary.warnings:
        raise click.ClickException(f"--strict: {len(summary.warnings)} warning(s) in package")


@cli.command()
@click.pass_obj
def validate(opts: Options) -> None:
    """Validate data/package/datapackage.json with frictionless; list every error."""
    from kuntadata.validate import validate_package

    descriptor = opts.paths.package / "datapackage.json"
    click.secho(f"validate: {descriptor}", bold=True)
    problems = validate_package(descriptor)
    if problems:
        for problem in problems:
            click.echo(f"  {problem}")
        raise click.ClickException(f"validation found {len(problems)} error(s)")
    click.echo("validate: the package is valid")


@cli.command()
@click.option("--live", is_flag=True, help="Resolve every StatFin spec against live metadata.")
@click.pass_obj
def check(opts: Options, live: bool) -> None:
    """Check the dataset specs; with --live, GET each StatFin table's metadata and resolve it.

    Run where there is internet (the scheduled build does): a spec whose table moved or whose
    values no longer exist is reported with the close matches before anything is published.
    """
    from kuntadata.check import check_live
    from kuntadata.sources.http import HttpClient

    config, specs, _areas = _load(opts)
    if not live:
        click.echo(
            f"check: {len(specs)} spec(s) load and match the schema "
            "(add --live to resolve them against StatFin)"
        )
        return
    if opts.offline:
        raise click.UsageError("check --live needs the network; leave out --offline")
    click.secho(
        f"check --live: {len(specs)} spec(s) against {config.source_url('statfin')}", bold=True
    )
    report = check_live(opts.paths, config, specs, HttpClient(), click.echo)
    if not report.ok:
        raise click.ClickException(
            f"check --live: {len(report.failed)} spec(s) need attention (see above)"
        )
    if opts.strict and any(r.warnings for r in report.checked):
        raise click.ClickException("--strict: check --live reported warnings")


@cli.command()
@click.pass_obj
def status(opts: Options) -> None:
    """Per dataset: latest period, fetch and update dates, cadence; warn when stale."""
    from kuntadata.status import dataset_status
    from kuntadata.validate import read_descriptor

    read_descriptor(opts.paths.package / "datapackage.json")  # a cut-short one: say so
    statuses = dataset_status(opts.paths.package)
    click.secho(f"status: {len(statuses)} dataset(s) in {opts.paths.package}", bold=True)
    stale = [s for s in statuses if s.stale]
    for item in statuses:
        click.echo(f"  {item.line()}")
    for item in stale:
        click.secho(
            f"  warning: {item.dataset}: the source has not changed for {item.age_days} days, "
            f"longer than its {item.cadence} cadence; check the table at the source",
            fg="yellow",
        )
    if opts.strict and stale:
        raise click.ClickException(f"--strict: {len(stale)} stale dataset(s)")


@cli.command()
@click.option("--base-url", default=None, help="Public base URL (GitHub Pages sets it).")
@click.pass_obj
def site(opts: Options, base_url: str | None) -> None:
    """Build the static site from data/package/ into _site/."""
    from kuntadata.config import load_site_config
    from kuntadata.site import build_site
    from kuntadata.validate import read_descriptor

    _writing(opts, "site")
    config = load_site_config(opts.paths.site_config)
    read_descriptor(opts.paths.package / "datapackage.json")  # a cut-short one: say so
    click.secho(f"site: building {', '.join(config.languages)} → {opts.paths.site}", bold=True)
    summary = build_site(opts.paths, config, base_url=base_url, progress=click.echo)
    opts.stats.update(pages=summary.pages)
    click.echo(f"site: {summary.pages:,} pages, {summary.files:,} files in {summary.seconds:.1f} s")


@cli.command()
@click.option("--port", default=8000, show_default=True)
@click.pass_obj
def serve(opts: Options, port: int) -> None:
    """Preview _site/ on http://127.0.0.1:PORT/ (build it first with `site`)."""
    from kuntadata.site import serve as serve_site

    serve_site(opts.paths.site, port=port)


@cli.command(name="publish-data")
@click.option("--commit", is_flag=True, help="Then commit data/raw/ and data/changelog.csv.")
@click.pass_obj
def publish_data_command(opts: Options, commit: bool) -> None:
    """The scheduled run: fetch each dataset, keep its new snapshot only if it packages.

    A dataset that fails keeps its last good snapshot; the others are refreshed (and committed
    with --commit). The summary also goes to $GITHUB_STEP_SUMMARY; exit 1 names what failed.
    """
    import os

    from kuntadata.publish import commit_snapshots, publish_data, summary_lines, summary_markdown

    if opts.offline:
        raise click.UsageError("publish-data fetches the sources; leave out --offline")
    _writing(opts, "fetch")
    config, specs, areas = _load(opts, all_datasets=True)
    unknown = sorted(set(opts.only) - {spec.id for spec in specs})
    if unknown:
        raise click.UsageError(f"--only: no datasets/{unknown[0]}.yaml")
    report = publish_data(
        opts.paths, config, specs, areas, only=opts.only, strict=opts.strict, report=click.echo
    )
    for line in summary_lines(report):
        click.echo(line)
    if os.environ.get("GITHUB_STEP_SUMMARY"):
        with open(os.environ["GITHUB_STEP_SUMMARY"], "a", encoding="utf-8") as handle:
            handle.write(summary_markdown(report))
    if commit:
        commit_snapshots(opts.paths.root, report=click.echo)
    if not report.ok:
        names = ", ".join(r.dataset for r in report.failed) or "the package"
        raise click.ClickException(
            f"publish-data: {names} failed (see above); the rest is "
            f"{'committed' if commit else 'in data/raw/'}"
        )


@cli.command(name="all")
@click.option("--base-url", default=None, help="Public base URL (GitHub Pages sets it).")
@click.pass_context
def all_stages(ctx: click.Context, base_url: str | None) -> None:
    """fetch → package → validate → site, with a closing summary."""
    started = time.perf_counter()
    ctx.invoke(fetch)
    ctx.invoke(package)
    ctx.invoke(validate)
    ctx.invoke(site, base_url=base_url)
    stats = ctx.obj.stats
    click.secho(
        f"all: {stats.get('datasets', 0)} datasets, {stats.get('rows', 0):,} rows, "
        f"{stats.get('api_calls', 0)} API calls, {stats.get('pages', 0):,} pages "
        f"in {time.perf_counter() - started:.1f} s",
        bold=True,
    )


if __name__ == "__main__":
    sys.exit(cli())
