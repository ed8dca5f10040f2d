"""The fetch stage: every dataset spec → a snapshot in `data/raw/`, or the last good one kept.

This is the only stage that opens sockets. A source that cannot be reached is found out by
its first call (the HTTP client marks the host offline), and every dataset of that source
keeps its last good snapshot with a warning naming its date; the stage fails only for a
dataset that has no snapshot at all (or, with --strict, for any warning).

Each outcome says what happened, because the remedy differs: a source that did not answer
(or answered 5xx) is waited out, the last good snapshot is used meanwhile (`kept`); a source
that answered that what the spec asks for is not there (a value code, a table, a column is
gone) will not heal by itself, so that dataset is `failed` with "spec no longer matches the
source", even though its last good snapshot is still used. Unverified specs that were never
fetched are expected while offline and are a note, not a warning.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from .areas import Areas
from .config import SiteConfig
from .errors import FetchError, KuntadataError, SourceUnreachable, SpecError
from .paths import ProjectPaths
from .snapshot import RawFile, read_provenance, snapshot_dir, write_snapshot
from .sources import SOURCES
from .sources.base import FetchRequest, SourceResult
from .sources.http import HttpClient
from .sources.statfin import PlannedQuery
from .spec import DatasetSpec

# source.kind → the snapshots' folder, data/raw/<folder>/ (`file` → `files`)
SOURCE_OF_KIND = {kind: source.folder for kind, source in SOURCES.items()}


# Why a dataset was not refreshed (DatasetOutcome.cause).
UNREACHABLE = "source unreachable"
SOURCE_ERROR = "source failed"
SPEC_MISMATCH = "spec no longer matches the source"
# HTTP statuses by which a source says that what was asked for does not exist.
GONE_STATUSES = (400, 404, 410)


@dataclass
class DatasetOutcome:
    """What happened to one dataset in a fetch.

    `status`: fetched | kept (the source did not answer usably; the last good snapshot is
    used) | offline | skipped (unverified spec, no snapshot yet) | failed (needs a person:
    the spec no longer matches the source, or there is no snapshot to fall back on).
    `fetched_at` is the new snapshot's time, or the kept one's; empty when there is none.
    """

    dataset: str
    status: str
    message: str = ""
    files: int = 0
    fetched_at: str = ""
    cause: str = ""  # UNREACHABLE | SOURCE_ERROR | SPEC_MISMATCH, when not fetched

    @property
    def has_snapshot(self) -> bool:
        return bool(self.fetched_at)


@dataclass
class FetchSummary:
    outcomes: list[DatasetOutcome] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # expected conditions; --strict ignores
    api_calls: int = 0
    retries: int = 0
    seconds: float = 0.0

    @property
    def failed(self) -> list[DatasetOutcome]:
        """Datasets that need a person, whether or not a last good snapshot was kept."""
        return [o for o in self.outcomes if o.status == "failed"]

    @property
    def without_snapshot(self) -> list[DatasetOutcome]:
        """Failed datasets with nothing to build from: the only ones that stop the build."""
        return [o for o in self.failed if not o.has_snapshot]

    def count(self, status: str) -> int:
        return sum(o.status == status for o in self.outcomes)


def wanted_areas(spec: DatasetSpec, areas: Areas, scope: str | tuple[str, ...]) -> list[str]:
    """Area codes a dataset should be fetched for: scope municipalities and their parents.

    Abolished municipalities merged into one in scope are included, because tables on an
    older division (12c1 uses 2023) still report them and their rows are kept as reported.
    """
    municipalities = list(areas.resolve_scope(scope))
    in_scope = set(municipalities)
    for area in areas.municipalities(active_only=False):
        if area.valid_to and areas.merged_into(area.code) in in_scope:
            municipalities.append(area.code)
    levels = set(spec.levels)
    codes: list[str] = []
    if "country" in levels:
        codes.append("SSS")
    for level in ("region", "subregion", "wellbeing_county"):  # an Area attribute each
        if level in levels:
            found = {getattr(areas.get(code), level) for code in in_scope}
            codes.extend(sorted(c for c in found if c))
    if "municipality" in levels:
        codes.extend(municipalities)
    return codes


def fetch_datasets(
    paths: ProjectPaths,
    config: SiteConfig,
    specs: list[DatasetSpec],
    areas: Areas,
    *,
    offline: bool = False,
    client: HttpClient | None = None,
    report: Callable[[str], None] = print,
    on_query: Callable[[int, int], None] | None = None,
    plans: dict[str, list[PlannedQuery]] | None = None,
    provenance_extra: dict[str, dict] | None = None,
) -> FetchSummary:
    """Fetch each spec; keep the last good snapshot of anything that fails."""
    started = time.perf_counter()
    client = client or HttpClient()
    summary = FetchSummary()
    for spec in specs:
        target = snapshot_dir(paths.raw, SOURCE_OF_KIND[spec.kind], spec.id)
        previous = _previous(target)
        if offline:
            summary.outcomes.append(_offline(spec, target, previous, report, summary))
            continue
        try:
            files, extra = _fetch_one(spec, config, areas, client, on_query, plans, summary, report)
        except KuntadataError as exc:
            summary.outcomes.append(_keep_or_fail(spec, target, previous, exc, summary, report))
            continue
        extra.update((provenance_extra or {}).get(spec.id, {}))
        provenance = write_snapshot(
            target,
            files,
            dataset=spec.id,
            source=SOURCE_OF_KIND[spec.kind],
            licence=spec.licence,
            attribution=spec.attribution.get("en", ""),
            extra=extra,
        )
        summary.outcomes.append(
            DatasetOutcome(
                spec.id, "fetched", files=len(files), fetched_at=provenance["fetched_at"]
            )
        )
        report(f"  {spec.id}: fetched {len(files)} responses → {_rel(target, paths.root)}")
    skipped = [o.dataset for o in summary.outcomes if o.status == "skipped"]
    if skipped and offline:  # expected: the site lists them as not yet fetched
        note = (
            f"{len(skipped)} unverified spec(s) have no snapshot yet and were not fetched "
            f"(a build with internet fetches them): {', '.join(skipped)}"
        )
        summary.notes.append(note)
        report(f"  note: {note}")
    elif skipped:  # tried and not fetched: the reasons are above
        warning = (
            f"{len(skipped)} unverified spec(s) could not be fetched and have no snapshot "
            f"yet (see above): {', '.join(skipped)}"
        )
        summary.warnings.append(warning)
        report(f"  warning: {warning}")
    summary.api_calls = client.calls
    summary.retries = client.retries
    summary.seconds = time.perf_counter() - started
    return summary


def _fetch_one(spec, config, areas, client, on_query, plans, summary, report):
    source = SOURCES.get(spec.kind)
    if source is None:
        raise FetchError(
            f"{spec.label}: source kind {spec.kind!r} has no fetch adapter in this version",
            hint=f"use one of: {', '.join(sorted(SOURCES))}",
        )
    request = FetchRequest(
        spec=spec,
        config=config,
        areas=areas,
        client=client,
        wanted_areas=wanted_areas(spec, areas, config.scope),
        plan=(plans or {}).get(spec.id),
        on_query=on_query,
        optional_areas=frozenset(a.code for a in areas.all() if a.valid_to),
    )
    result = source.fetch(request)
    summary.warnings.extend(result.warnings)
    for warning in result.warnings:
        report(f"  warning: {warning}")
    return raw_files(result), dict(result.provenance)


def raw_files(result: SourceResult) -> list[RawFile]:
    """An adapter's responses as the snapshot files to write, each with its provenance."""
    return [
        RawFile(
            name=f.name,
            content=f.response.content,
            url=f.response.url,
            method=f.response.method,
            body=f.response.body,
            status=f.response.status,
            role=f.role,
            lang=f.lang,
            fetched_at=f.response.fetched_at,
            area=result.areas.get(f.name, ""),
        )
        for f in result.files
    ]


def _previous(target: Path) -> dict | None:
    try:
        return read_provenance(target)
    except KuntadataError:
        return None


def _offline(spec, target, previous, report, summary) -> DatasetOutcome:
    if previous is None and not spec.verified:
        return DatasetOutcome(spec.id, "skipped")
    if previous is None:
        message = (
            f"{spec.id}: --offline and no snapshot in {target}; run `python build.py fetch` "
            "with internet first"
        )
        report(f"  {message}")
        return DatasetOutcome(spec.id, "failed", message)
    report(f"  {spec.id}: offline, using snapshot fetched {previous['fetched_at']}")
    return DatasetOutcome(spec.id, "offline", fetched_at=previous["fetched_at"])


def failure_cause(exc: KuntadataError) -> str:
    """Whether the source did not answer usably (wait it out) or answered "not here" (fix).

    A SpecError from an adapter means the source's answer no longer fits the spec (a value
    code, a column, a readable file); 400/404/410 means the table, indicator or file named
    in the spec is not there. Anything else (5xx, 429, timeouts, HTML error pages) is the
    source's trouble, and tomorrow's run may well succeed.
    """
    if isinstance(exc, SourceUnreachable):
        return UNREACHABLE
    if isinstance(exc, SpecError):
        return SPEC_MISMATCH
    if isinstance(exc, FetchError) and exc.status in GONE_STATUSES:
        return SPEC_MISMATCH
    return SOURCE_ERROR


def _keep_or_fail(spec, target, previous, exc, summary, report) -> DatasetOutcome:
    """Keep the last good snapshot; without one, fail — unless the spec is not yet verified.

    An unreachable host is explained once; later datasets of the same source get one line.
    A spec that no longer matches the source fails even with a snapshot to fall back on:
    the site keeps showing the last good data, but someone has to fix the spec.
    """
    reason = str(exc)
    cause = failure_cause(exc)
    repeated = cause == UNREACHABLE and "unreachable earlier in this run" in reason
    detail = "" if repeated else f"\n    {_indent(reason)}"
    if previous is None and not spec.verified:
        if not repeated:
            report(f"  {spec.id}: not fetched:{detail}")
        return DatasetOutcome(spec.id, "skipped", reason, cause=cause)
    if previous is None:
        report(f"  {spec.id}: FAILED and no earlier snapshot exists:{detail or ' ' + reason}")
        return DatasetOutcome(spec.id, "failed", reason, cause=cause)
    kept = f"kept the last good snapshot fetched {previous['fetched_at']} ({target})"
    if cause == SPEC_MISMATCH:
        first_line = reason.splitlines()[0] if reason else ""
        warning = f"{spec.id}: {SPEC_MISMATCH}: {first_line}; {kept}"
        summary.warnings.append(warning)
        report(f"  {spec.id}: FAILED: {SPEC_MISMATCH}; {kept}{detail}")
        return DatasetOutcome(
            spec.id, "failed", reason, fetched_at=previous["fetched_at"], cause=cause
        )
    warning = f"{spec.id}: {cause}; {kept}"
    summary.warnings.append(warning)
    report(f"  warning: {warning}{detail}")
    return DatasetOutcome(spec.id, "kept", reason, fetched_at=previous["fetched_at"], cause=cause)


def _indent(text: str) -> str:
    return text.replace("\n", "\n    ")


def _rel(path: Path, root: Path) -> str:
    try:
        return str(path.relative_to(root))
    except ValueError:
        return str(path)
