"""StatFin PxWeb API v1 adapter: table metadata first, then json-stat2 queries.

Since June 2026 StatFin's variable codes carry a vintage stamp (`alue_23_20260101`) that
changes when the classification year changes, and table ids are short (`11re`). So this
adapter never hard-codes a variable code: it GETs the table metadata, finds the area, time
and content variables by role, matches other variables by their text or their code without
the stamp, and selects values by stable value codes (`SSS`, `KU091`) or labels. Queries are
split so that none passes the cell limit the service publishes at `?config`.
"""

from __future__ import annotations

from typing import Any

from ...errors import FetchError
from ...spec import DatasetSpec
from ..base import FetchedFile, FetchRequest, SourceResult
from ..http import HttpClient
from .query import PlannedQuery, explicit_queries, plan_queries, resolve_query

LANGUAGES = ("fi", "sv", "en")
DEFAULT_MAX_CELLS = 100_000
DEFAULT_CALLS = (30, 10.0)


def fetch(request: FetchRequest) -> SourceResult:
    """The adapter entry point registered for `kind: statfin`."""
    base_url = request.config.source_url("statfin")
    result = fetch_statfin(
        request.spec,
        request.client,
        base_url,
        request.wanted_areas,
        plan=request.plan,
        on_query=request.on_query,
        optional_areas=request.optional_areas,
    )
    result.provenance = {
        "table": request.spec.source["table"],
        "database": request.spec.source.get("database", "StatFin"),
    }
    return result


def table_url(base_url: str, lang: str, spec: DatasetSpec) -> str:
    database = spec.source.get("database", "StatFin")
    table = str(spec.source["table"])
    path = table if table.endswith(".px") else f"{table}.px"
    return f"{base_url}/{lang}/{database}/{path}"


def fetch_statfin(
    spec: DatasetSpec,
    client: HttpClient,
    base_url: str,
    wanted_areas: list[str],
    *,
    plan: list[PlannedQuery] | None = None,
    on_query: Any = None,
    optional_areas: frozenset[str] = frozenset(),
) -> SourceResult:
    """Fetch one dataset: config, metadata in fi/sv/en, then the split json-stat2 queries."""
    result = SourceResult()
    max_cells = _read_config(client, base_url, result)
    metadata: dict[str, dict[str, Any]] = {}
    for lang in LANGUAGES:
        url = table_url(base_url, lang, spec)
        try:
            response = client.get(url, what=f"{spec.id}: table metadata ({lang})")
        except FetchError as exc:
            if lang == "fi":
                raise _table_error(spec, base_url, exc) from exc
            result.warnings.append(
                f"{spec.id}: {lang} metadata not available ({exc.status or 'no answer'}); "
                "labels in that language fall back to the spec and Finnish"
            )
            continue
        metadata[lang] = response.json()
        result.files.append(FetchedFile(f"metadata-{lang}.json", response, "metadata", lang))
    resolved = resolve_query(spec, metadata, wanted_areas, optional_areas)
    result.warnings.extend(resolved.warnings)
    queries = (
        plan_queries(resolved, max_cells) if plan is None else explicit_queries(resolved, plan)
    )
    url = table_url(base_url, "fi", spec)
    for number, body in enumerate(queries, start=1):
        response = client.post_json(url, body, what=f"{spec.id}: query {number}/{len(queries)}")
        data = response.json()
        if data.get("class") != "dataset":
            raise FetchError(
                f"{spec.id}: query {number} did not return a json-stat2 dataset",
                url=url,
                status=response.status,
                body=response.content,
                hint="check that response.format is json-stat2",
            )
        result.files.append(FetchedFile(f"data-{number:03d}.json", response, "data", "fi"))
        result.queries.append(body)
        if on_query:
            on_query(number, len(queries))
    return result


def _read_config(client: HttpClient, base_url: str, result: SourceResult) -> int:
    """Read the published limits and throttle to them (the default is the documented 30/10 s).

    Read once per run and host: every dataset's snapshot keeps the same response.
    """
    url = f"{base_url}/fi/?config"
    response = client.remembered.get(url)
    if response is None:
        client.set_rate_limit(base_url, *DEFAULT_CALLS)
        response = client.get(url, what="StatFin API limits (?config)")
        client.remembered[url] = response
    config = response.json()
    result.files.append(FetchedFile("config.json", response, "config", "fi"))
    max_calls = int(config.get("maxCalls", DEFAULT_CALLS[0]))
    window = float(config.get("timeWindow", DEFAULT_CALLS[1]))
    client.set_rate_limit(base_url, max_calls, window)
    limits = [int(v) for k, v in config.items() if k in ("maxCells", "maxValues") and v]
    return min(limits) if limits else DEFAULT_MAX_CELLS


def _table_error(spec: DatasetSpec, base_url: str, exc: FetchError) -> FetchError:
    table = spec.source["table"]
    database = spec.source.get("database", "StatFin")
    if exc.status in (400, 404):
        return FetchError(
            f"{spec.label}: table {table!r} was not found in {database} "
            f"(HTTP {exc.status}, body {exc.body_start!r})",
            url=exc.url,
            status=exc.status,
            hint=(
                f"look the table up with GET {base_url}/fi/{database}?query=<words> or browse "
                f"the subject folder (e.g. {base_url}/fi/{database}/vaerak); since June 2026 "
                "StatFin uses short ids such as 11re, not statfin_vaerak_pxt_11re"
            ),
        )
    return exc
