"""`build.py check --live` for `kind: statfin`: does the spec still resolve against its table?

Why: StatFin renames things under us (the June 2026 migration shortened table ids,
vintage-stamped variable codes and prefixed some content codes), and most specs were written
against second-hand metadata (`verified: false`). A fetch fails on the first problem of a
dataset and keeps the old snapshot; this check GETs only the Finnish metadata of each table,
resolves the spec exactly as the fetch would (`resolve_query`: variables by role, values by
code or label) and lists *every* problem, with what to do about it. It never POSTs a query.
"""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import quote

from ...config import SiteConfig
from ...errors import FetchError, KuntadataError, SourceUnreachable, SpecError
from ...spec import DatasetSpec
from ..base import CheckRequest, LiveCheck
from ..http import HttpClient
from .adapter import DEFAULT_CALLS, table_url
from .query import resolve_query


def live_check(request: CheckRequest) -> LiveCheck:
    """The live check registered for `kind: statfin`, on the configured StatFin base."""
    return check_spec(
        request.spec,
        request.client,
        request.config.source_url("statfin"),
        request.wanted_areas,
        request.optional_areas,
    )


def check_spec(
    spec: DatasetSpec,
    client: HttpClient,
    base_url: str,
    wanted: list[str],
    optional_areas: frozenset[str] = frozenset(),
) -> LiveCheck:
    """One spec: the metadata GET, then `resolve_query` — never a data query."""
    table = str(spec.source["table"])
    url = table_url(base_url, "fi", spec)
    result = LiveCheck(url, table)
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


def apply_published_limits(
    client: HttpClient, config: SiteConfig, report: Callable[[str], None]
) -> None:
    """Throttle to the service's published call window, as the fetch does; fall back to the
    documented 30 calls / 10 s when `?config` cannot be read (the check goes on regardless).
    Run once before the first StatFin spec is checked."""
    base_url = config.source_url("statfin")
    client.set_rate_limit(base_url, *DEFAULT_CALLS)
    try:
        limits = client.get(f"{base_url}/fi/?config", what="StatFin API limits (?config)").json()
    except (FetchError, ValueError) as exc:
        report(
            f"  note: StatFin ?config not read ({str(exc).splitlines()[0]}); using 30 calls/10 s"
        )
        return
    client.set_rate_limit(
        base_url,
        int(limits.get("maxCalls", DEFAULT_CALLS[0])),
        float(limits.get("timeWindow", DEFAULT_CALLS[1])),
    )
