"""`build.py check --live`: does every StatFin spec still resolve against its live table?

Why a separate check: StatFin renames things under us (the June 2026 migration shortened table
ids, vintage-stamped variable codes and prefixed some content codes), and most specs were
written against second-hand metadata (`verified: false`). A fetch fails on the first problem
of a dataset and keeps the old snapshot; this check GETs only the Finnish metadata of each
table, resolves the spec exactly as the fetch would (`resolve_query`, variables by role, values
by code or label) and lists *every* problem of *every* spec, with what to do about it. It never
POSTs a query and writes nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import quote

from .areas import load_areas
from .config import SiteConfig
from .errors import FetchError, KuntadataError, SourceUnreachable, SpecError
from .fetch import wanted_areas
from .paths import ProjectPaths
from .sources.http import HttpClient
from .sources.statfin import DEFAULT_CALLS, resolve_query, table_url
from .spec import DatasetSpec

AREAS_DIR = ("classification", "areas")


@dataclass
class SpecCheck:
    """The outcome for one dataset spec: OK, skipped (not StatFin) or a list of problems."""

    dataset: str
    label: str
    table: str = ""
    url: str = ""
    problems: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    skipped: str = ""
    verified: bool = True
    kind: str = "statfin"

    @property
    def ok(self) -> bool:
        return not self.skipped and not self.problems

    @property
    def status(self) -> str:
        if self.skipped:
            return "skipped"
        return "OK" if not self.problems else "FAILED"


@dataclass
class CheckReport:
    results: list[SpecCheck] = field(default_factory=list)

    @property
    def checked(self) -> list[SpecCheck]:
        return [r for r in self.results if not r.skipped]

    @property
    def failed(self) -> list[SpecCheck]:
        return [r for r in self.results if r.problems]

    @property
    def ok(self) -> bool:
        return not self.failed

    def result(self, dataset: str) -> SpecCheck:
        return next(r for r in self.results if r.dataset == dataset)

    @property
    def summary(self) -> str:
        skipped = len(self.results) - len(self.checked)
        statfin = [r for r in self.checked if r.kind == "statfin"]
        failed = [r for r in statfin if r.problems]
        problems = sum(len(r.problems) for r in failed)
        treasury = [r for r in self.checked if r.kind == "treasury"]
        also = (
            f"; {len(treasury)} Treasury spec(s) checked, "
            f"{sum(not r.problems for r in treasury)} OK"
            if treasury
            else ""
        )
        return (
            f"check --live: {len(statfin)} StatFin spec(s) checked, "
            f"{len(statfin) - len(failed)} OK, {len(failed)} with "
            f"{problems} problem(s){also}; {skipped} other spec(s) skipped"
        )


def check_live(
    paths: ProjectPaths,
    config: SiteConfig,
    specs: list[DatasetSpec],
    client: HttpClient,
    report: Callable[[str], None] = print,
) -> CheckReport:
    """GET each StatFin table's Finnish metadata and resolve its spec; report every problem.

    Only `kind: statfin` specs are checked (Sotkanet and file sources have their own shape and
    are listed as skipped). The wanted areas are computed as the fetch computes them, so a
    table that lacks areas the site needs shows up as a warning here first.
    """
    areas = load_areas(paths.raw.joinpath(*AREAS_DIR))
    base_url = config.source_url("statfin")
    outcome = CheckReport()
    statfin_specs = [s for s in specs if s.kind == "statfin"]
    if statfin_specs:
        _apply_published_limits(client, base_url, report)
    for spec in specs:
        if spec.kind == "treasury":  # the raw layout rebuilt from docs: verify it live
            from .sources.treasury.check import check_treasury_spec

            url, problems, warnings = check_treasury_spec(spec, client, paths.raw)
            result = SpecCheck(
                spec.id,
                spec.label,
                table=str(spec.source["package"]),
                url=url,
                problems=problems,
                warnings=warnings,
                verified=spec.verified,
                kind="treasury",
            )
            outcome.results.append(result)
            _report(result, report)
            continue
        if spec.kind != "statfin":
            outcome.results.append(
                SpecCheck(spec.id, spec.label, skipped=f"source kind {spec.kind} is not checked")
            )
            continue
        optional = frozenset(a.code for a in areas.all() if a.valid_to)
        result = check_spec(
            spec, client, base_url, wanted_areas(spec, areas, config.scope), optional
        )
        outcome.results.append(result)
        _report(result, report)
    report(outcome.summary)
    return outcome


def check_spec(
    spec: DatasetSpec,
    client: HttpClient,
    base_url: str,
    wanted: list[str],
    optional_areas: frozenset[str] = frozenset(),
) -> SpecCheck:
    """One spec: the metadata GET, then `resolve_query` — never a data query."""
    table = str(spec.source["table"])
    url = table_url(base_url, "fi", spec)
    result = SpecCheck(spec.id, spec.label, table=table, url=url, verified=spec.verified)
    try:
        response = client.get(url, what=f"{spec.id}: table metadata (fi)")
        metadata = response.json()
    except SourceUnreachable as exc:
        result.problems.append(
            f"{spec.label}: cannot reach {base_url} ({exc.args[0].splitlines()[0]}); "
            "check the network or KUNTADATA_STATFIN_URL"
        )
        return result
    except FetchError as exc:
        result.problems.append(_table_problem(spec, base_url, exc))
        return result
    except ValueError as exc:  # a 200 whose body is not JSON (the client checks, but be sure)
        result.problems.append(f"{spec.label}: {url} did not return JSON metadata ({exc})")
        return result
    try:
        resolved = resolve_query(spec, {"fi": metadata}, wanted, optional_areas)
    except SpecError as exc:
        result.problems.extend(exc.problems)
        return result
    except KuntadataError as exc:
        result.problems.append(f"{spec.label}: {exc}")
        return result
    result.warnings.extend(resolved.warnings)
    return result


def _table_problem(spec: DatasetSpec, base_url: str, exc: FetchError) -> str:
    """Name the table and database, and the search that finds where it went."""
    table = spec.source["table"]
    database = spec.source.get("database", "StatFin")
    status = f"HTTP {exc.status}" if exc.status is not None else "no answer"
    words = quote(spec.title.get("fi", spec.id))
    if exc.status in (400, 404):
        return (
            f"{spec.label}: table {table!r} was not found in {database} ({status}); it may have "
            f"moved, been renamed or been discontinued (then it is in StatFin_Passiivi). "
            f"Search the table list: GET {base_url}/fi/{database}?query={words} "
            f"(or ?query=<words of the table title>), and update source.table"
        )
    return f"{spec.label}: metadata of table {table!r} in {database} failed ({status}): {exc}"


def _apply_published_limits(
    client: HttpClient, base_url: str, report: Callable[[str], None]
) -> None:
    """Throttle to the service's published call window, as the fetch does; fall back to the
    documented 30 calls / 10 s when `?config` cannot be read (the check goes on regardless)."""
    client.set_rate_limit(base_url, *DEFAULT_CALLS)
    try:
        config = client.get(f"{base_url}/fi/?config", what="StatFin API limits (?config)").json()
    except (FetchError, ValueError) as exc:
        report(
            f"  note: StatFin ?config not read ({str(exc).splitlines()[0]}); using 30 calls/10 s"
        )
        return
    client.set_rate_limit(
        base_url,
        int(config.get("maxCalls", DEFAULT_CALLS[0])),
        float(config.get("timeWindow", DEFAULT_CALLS[1])),
    )


def _report(result: SpecCheck, report: Callable[[str], None]) -> None:
    unverified = "" if result.verified else " [verified: false]"
    report(f"  {result.dataset} ({result.table}): {result.status}{unverified}")
    for problem in result.problems:
        report(f"    problem: {problem}")
    for warning in result.warnings:
        report(f"    warning: {warning}")
