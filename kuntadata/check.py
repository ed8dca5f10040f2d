"""`build.py check --live`: does every spec still fit its live source?

Why a separate check: sources rename things under us (StatFin's June 2026 migration shortened
table ids and vintage-stamped variable codes), and most specs were written against second-hand
metadata (`verified: false`). A fetch fails on the first problem of a dataset and keeps the old
snapshot; this check reads only metadata, resolves each spec as the fetch would, and lists
*every* problem of *every* spec, with what to do about it. It never queries data and writes
nothing. Each source with a live check has it in `kuntadata/sources/<source>/check.py`; the
specs of a source without one (Sotkanet, files) are listed as skipped.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from .areas import load_areas
from .config import SiteConfig
from .fetch import wanted_areas
from .paths import ProjectPaths
from .sources import SOURCES
from .sources.base import CheckRequest
from .sources.http import HttpClient
from .spec import DatasetSpec

AREAS_DIR = ("classification", "areas")


@dataclass
class SpecCheck:
    """The outcome for one dataset spec: OK, skipped (its source has no live check) or a list
    of problems."""

    dataset: str
    label: str
    table: str = ""
    url: str = ""
    problems: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    skipped: str = ""
    verified: bool = True
    kind: str = ""

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
        """Per source with a live check: specs checked, OK, with problems; then the skipped.

        The first such source (StatFin) is always named, even with no spec of its own checked.
        """
        checkable = [source for source in SOURCES.values() if source.check_live]
        parts = []
        for source in checkable:
            results = [r for r in self.checked if r.kind == source.kind]
            if not results and source is not checkable[0]:
                continue
            failed = [r for r in results if r.problems]
            problems = sum(len(r.problems) for r in failed)
            parts.append(
                f"{len(results)} {source.title} spec(s) checked, "
                f"{len(results) - len(failed)} OK, {len(failed)} with {problems} problem(s)"
            )
        skipped = len(self.results) - len(self.checked)
        return f"check --live: {'; '.join(parts)}; {skipped} other spec(s) skipped"


def check_live(
    paths: ProjectPaths,
    config: SiteConfig,
    specs: list[DatasetSpec],
    client: HttpClient,
    report: Callable[[str], None] = print,
) -> CheckReport:
    """Check each spec against its live source with its source's check; report every problem.

    Specs of a source without a live check are listed as skipped. The wanted areas are computed
    as the fetch computes them, so a table that lacks areas the site needs shows up as a
    warning here first. A source's `prepare_check` (StatFin: its published call window) runs
    once, before any spec is checked.
    """
    areas = load_areas(paths.raw.joinpath(*AREAS_DIR))
    outcome = CheckReport()
    kinds = {spec.kind for spec in specs}
    for kind, source in SOURCES.items():
        if kind in kinds and source.check_live and source.prepare_check:
            source.prepare_check(client, config, report)
    optional = frozenset(a.code for a in areas.all() if a.valid_to)
    for spec in specs:
        source = SOURCES.get(spec.kind)
        if source is None or source.check_live is None:
            outcome.results.append(
                SpecCheck(
                    spec.id,
                    spec.label,
                    skipped=f"source kind {spec.kind} is not checked",
                    kind=spec.kind,
                )
            )
            continue
        wanted = wanted_areas(spec, areas, config.scope)
        live = source.check_live(CheckRequest(spec, config, client, paths.raw, wanted, optional))
        result = SpecCheck(
            spec.id,
            spec.label,
            table=live.table,
            url=live.url,
            problems=live.problems,
            warnings=live.warnings,
            verified=spec.verified,
            kind=spec.kind,
        )
        outcome.results.append(result)
        _report(result, report)
    report(outcome.summary)
    return outcome


def _report(result: SpecCheck, report: Callable[[str], None]) -> None:
    unverified = "" if result.verified else " [verified: false]"
    report(f"  {result.dataset} ({result.table}): {result.status}{unverified}")
    for problem in result.problems:
        report(f"    problem: {problem}")
    for warning in result.warnings:
        report(f"    warning: {warning}")
