"""State Treasury adapter (`kind: treasury`): taxonomy, catalogue, then one document per entity.

Why this order: the taxonomy says what each fact code means (labels in fi/sv/en and, for the
budget/plan package KTAS, which planning column a cell is), so a spec's `select` is resolved
against it before hundreds of documents are fetched. The catalogue lists every document of
every municipality and joint authority; per municipality, package and period the document that
stands is chosen (a corrected `jalkikorjattu` one supersedes the final one). Only documents of
municipalities in the site's scope whose business id is in the mapping are fetched.

Everything received is kept: the taxonomy index and taxonomy, the catalogue (~13 MB for the
whole country, read with a long timeout: the service takes its time) and every document, each
with its URL and time in provenance.json. A document the catalogue lists but the service
answers 404 for is left out with a warning naming it; any other failure stops the dataset so
the last good snapshot is kept, never replaced by a partial one.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from ...errors import FetchError
from ...paths import ProjectPaths
from ...spec import DatasetSpec
from ..base import FetchedFile, FetchRequest, SourceResult
from ..http import HttpClient, Response
from . import api
from .business_ids import load_business_ids, mapping_path

# No rate limit is published [U]; the loader this was learnt from ran 12 parallel workers.
# Four calls a second, one at a time, is our own polite choice.
RATE_LIMIT = (4, 1.0)
CATALOGUE_READ_TIMEOUT = 180.0
SHOWN_UNKNOWN = 10
MAPPING_LABEL = str(mapping_path(Path("data/raw")))


def fetch(request: FetchRequest) -> SourceResult:
    """The adapter entry point registered for `kind: treasury`."""
    root = request.config.path.parent if request.config.path else Path.cwd()
    mapping = load_business_ids(ProjectPaths(root).raw)
    municipalities = {code for code in request.wanted_areas if code.startswith("KU")}
    return fetch_treasury(
        request.spec,
        request.client,
        mapping,
        municipalities,
        base=api.base_url(),
        taxonomy_index=api.taxonomy_index_url(),
        on_query=request.on_query,
    )


def package_of(spec: DatasetSpec) -> str:
    return str(spec.source["package"]).upper()


def taxonomy_of(spec: DatasetSpec) -> str | None:
    """The taxonomy package to read (default: the spec's package); None for `taxonomy: none`."""
    name = str(spec.source.get("taxonomy") or package_of(spec))
    return None if name.casefold() == "none" else name.upper()


def fetch_treasury(
    spec: DatasetSpec,
    client: HttpClient,
    mapping: dict[str, str],
    municipalities: set[str],
    *,
    base: str,
    taxonomy_index: str,
    on_query: Any = None,
    mapping_file: str = MAPPING_LABEL,
) -> SourceResult:
    """Fetch the taxonomy, the catalogue and the standing documents of the wanted municipalities."""
    client.set_rate_limit(base, *RATE_LIMIT)
    result = SourceResult()
    package = package_of(spec)
    taxonomy = _fetch_taxonomy(spec, client, taxonomy_index, result)
    problems = [
        p for ind in spec.indicators for p in api.resolve_select(ind.id, ind.select, taxonomy)[1]
    ]
    if problems:
        raise FetchError(
            "\n  ".join(f"{spec.label}: {p}" for p in problems),
            hint="fix indicators[].select (a taxonomy label, a code, or codes joined by +)",
        )
    catalogue_url = f"{base}{api.CATALOGUE_PATH}"
    response = fetch_catalogue(client, catalogue_url, spec)
    result.files.append(FetchedFile("catalogue.json", response, "catalogue", ""))
    try:
        entries, unreadable = api.parse_catalogue(response.json())
    except ValueError as exc:
        raise _unexpected(spec, response, str(exc)) from exc
    quarter = str(spec.source.get("quarter") or "")
    mine = [e for e in entries if e.package == package and e.period == e.year + quarter]
    years, absent = api.select_years([e.year for e in mine], spec.source.get("years"))
    if absent:
        result.warnings.append(
            f"{spec.id}: the catalogue lists no {package}{(' ' + quarter) if quarter else ''} "
            f"documents for {', '.join(absent)}"
        )
    standing = api.standing_documents([e for e in mine if e.year in years])
    documents: list[dict[str, Any]] = []
    missing: list[dict[str, Any]] = []
    unknown: dict[str, list[str]] = {}
    todo = []
    for key in sorted(standing):
        entry = standing[key]
        area = mapping.get(entry.business_id)
        if area is None:
            unknown.setdefault(entry.business_id, []).append(entry.label())
        elif area in municipalities:
            todo.append((entry, area))
    for number, (entry, area) in enumerate(todo, start=1):
        url = api.document_url(base, entry)
        fetched = _fetch_document(spec, client, entry, url, result, missing)
        if fetched is not None:
            name = f"document-{entry.package}-{entry.period}-{entry.business_id}.json"
            result.files.append(FetchedFile(name, fetched, "document", ""))
            result.areas[name] = area
            documents.append(_document_record(name, entry, area))
        if on_query:
            on_query(number, len(todo))
    if todo and not documents:
        raise FetchError(
            f"{spec.id}: none of the {len(todo)} {package} documents could be read",
            url=catalogue_url,
            hint="the API may have changed; the last good snapshot is kept",
        )
    if unknown:
        result.warnings.append(_unknown_warning(spec, unknown, mapping_file))
    result.queries.append({"package": package, "years": years, "quarter": quarter})
    result.provenance = {
        "package": package,
        "years": years,
        "quarter": quarter,
        "catalogue": {
            "url": catalogue_url,
            "entries": len(entries),
            "package_entries": len(mine),
            "unreadable": unreadable[:20],
        },
        "documents": documents,
        "missing_documents": missing,
        "unknown_business_ids": unknown,
        "business_id_mapping": mapping_file,
        "warnings": list(result.warnings),
    }
    return result


@contextmanager
def _long_read_timeout(client: HttpClient, seconds: float) -> Iterator[None]:
    """The shared client's read timeout, raised for one call and restored afterwards."""
    before = client.timeout
    client.timeout = (before[0], max(before[1], seconds))
    try:
        yield
    finally:
        client.timeout = before


def fetch_catalogue(client: HttpClient, url: str, spec: DatasetSpec) -> Response:
    """One GET per run: datasets of several packages share the catalogue (`remembered`)."""
    response = client.remembered.get(url)
    if response is None:
        with _long_read_timeout(client, CATALOGUE_READ_TIMEOUT):
            response = client.get(url, what=f"{spec.id}: Treasury document catalogue", stream=True)
        client.remembered[url] = response
    return response


def _fetch_taxonomy(
    spec: DatasetSpec, client: HttpClient, index_url: str, result: SourceResult
) -> dict[str, api.TaxonomyCell] | None:
    """The taxonomy index, then the package's taxonomy file it points at."""
    name = taxonomy_of(spec)
    if name is None:
        return None
    index = client.remembered.get(index_url) or client.get(
        index_url, what=f"{spec.id}: Treasury taxonomy index"
    )
    client.remembered[index_url] = index
    urls = index.json()
    if not isinstance(urls, list) or not all(isinstance(u, str) for u in urls):
        raise _unexpected(spec, index, "a JSON list of taxonomy file URLs")
    url = next((u for u in urls if Path(u.split("?")[0]).stem.upper() == name), None)
    if url is None:
        raise FetchError(
            f"{spec.label}: the taxonomy index lists no {name}.json",
            url=index_url,
            hint=f"check source.taxonomy (one of: {', '.join(sorted(_stems(urls)))}, or none)",
        )
    response = client.get(url, what=f"{spec.id}: Treasury taxonomy {name}")
    try:
        cells = api.parse_taxonomy(response.json())
    except ValueError as exc:
        raise _unexpected(spec, response, str(exc)) from exc
    result.files.append(FetchedFile("taxonomy-index.json", index, "taxonomy_index", "mul"))
    result.files.append(FetchedFile(f"taxonomy-{name}.json", response, "taxonomy", "mul"))
    return cells


def _stems(urls: list[str]) -> set[str]:
    return {Path(u.split("?")[0]).stem.upper() for u in urls}


def _fetch_document(
    spec: DatasetSpec,
    client: HttpClient,
    entry: api.CatalogueEntry,
    url: str,
    result: SourceResult,
    missing: list[dict[str, Any]],
) -> Response | None:
    """A document, or None (with a warning naming it) when the service has no such document."""
    what = f"{spec.id}: Treasury document {entry.package} {entry.period} of {entry.business_id}"
    try:
        response = client.get(url, what=what)
    except FetchError as exc:
        if exc.status != 404:
            raise
        result.warnings.append(
            f"{spec.id}: the catalogue lists the document {entry.label()}, but the service "
            "answers HTTP 404 (no such document); left out, the rest is built"
        )
        missing.append({"url": url, "status": 404, **_entry_fields(entry)})
        return None
    if not isinstance(response.json(), list):
        result.warnings.append(
            f"{spec.id}: the document {entry.label()} is not a JSON list of facts; left out"
        )
        missing.append({"url": url, "status": response.status, **_entry_fields(entry)})
        return None
    return response


def _entry_fields(entry: api.CatalogueEntry) -> dict[str, str]:
    return {
        "business_id": entry.business_id,
        "package": entry.package,
        "period": entry.period,
        "approval_stage": entry.approval_stage,
        "approved_at": entry.approved_at,
        "published_at": entry.published_at,
    }


def _document_record(name: str, entry: api.CatalogueEntry, area: str) -> dict[str, Any]:
    return {"file": name, "area": area, **_entry_fields(entry)}


def _unknown_warning(spec: DatasetSpec, unknown: dict[str, list[str]], mapping_file: str) -> str:
    shown = sorted(unknown.items())[:SHOWN_UNKNOWN]
    listed = "; ".join(f"{bid}: {', '.join(docs)}" for bid, docs in shown)
    more = len(unknown) - len(shown)
    tail = f"; and {more} more (all in provenance.json unknown_business_ids)" if more else ""
    return (
        f"{spec.id}: {len(unknown)} business id(s) map to no municipality in {mapping_file} "
        f"(joint authorities, or municipalities not yet listed); their documents were left "
        f"out: {listed}{tail}"
    )


def _unexpected(spec: DatasetSpec, response: Response, expected: str) -> FetchError:
    return FetchError(
        f"{spec.id}: the State Treasury answered something else than {expected}",
        url=response.url,
        status=response.status,
        body=response.content,
        hint="the API may have changed; compare with the last snapshot and the API docs",
    )
