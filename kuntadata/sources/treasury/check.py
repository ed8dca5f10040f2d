"""`build.py check --live` for `kind: treasury`: does the real API have the layout we assumed?

The raw layout of the catalogue, the documents and the taxonomy files was never recorded (the
Treasury specs say `verified: false`): it was rebuilt from the API's field list and a
third-party loader. This check reads the real taxonomy index and taxonomy, the catalogue (once
per run, shared by every Treasury spec) and one standing document of the spec's package, and
lists every place where they differ from what the adapter reads, and every select the
taxonomy does not resolve. It writes nothing.
"""

from __future__ import annotations

from pathlib import Path

from ...errors import FetchError, KuntadataError
from ...spec import DatasetSpec
from ..base import CheckRequest, LiveCheck
from ..http import HttpClient
from . import api
from .adapter import fetch_catalogue, package_of, taxonomy_of
from .business_ids import load_business_ids


def live_check(request: CheckRequest) -> LiveCheck:
    """The live check registered for `kind: treasury`: the raw layout rebuilt from docs,
    verified against the real API (the package stands for the table in the report)."""
    spec = request.spec
    url, problems, warnings = check_treasury_spec(spec, request.client, request.raw)
    return LiveCheck(url, str(spec.source["package"]), problems, warnings)


def check_treasury_spec(
    spec: DatasetSpec, client: HttpClient, raw_root: Path | None = None
) -> tuple[str, list[str], list[str]]:
    """(catalogue URL, problems, warnings) for one spec; never raises for a source problem.

    The document read is the latest one of a municipality in the business-id mapping under
    `raw_root` (`data/raw/`), when there is one: a municipality's report, not a joint one's.
    """
    base = api.base_url()
    url = f"{base}{api.CATALOGUE_PATH}"
    problems: list[str] = []
    warnings: list[str] = []
    try:
        taxonomy = _taxonomy(spec, client, problems)
        selections = []
        for indicator in spec.indicators:
            selection, found = api.resolve_select(indicator.id, indicator.select, taxonomy)
            problems.extend(f"{spec.label}: {p}" for p in found)
            selections.append(selection)
        response = fetch_catalogue(client, url, spec)
        try:
            entries, unreadable = api.parse_catalogue(response.json())
        except ValueError as exc:
            problems.append(f"{spec.label}: {url} is not {exc}; the adapter cannot read it")
            return url, problems, warnings
        if unreadable:
            warnings.append(f"{len(unreadable)} catalogue entries unreadable: {unreadable[:3]}")
        package = package_of(spec)
        quarter = str(spec.source.get("quarter") or "")
        mine = [e for e in entries if e.package == package and e.period == e.year + quarter]
        if not mine:
            problems.append(f"{spec.label}: the catalogue lists no {package}{quarter} documents")
            return url, problems, warnings
        known = set(load_business_ids(raw_root)) if raw_root else set()
        newest = max(e.year for e in mine)
        candidates = [e for e in mine if e.year == newest]
        latest = min(candidates, key=lambda e: (e.business_id not in known, e.business_id))
        document = api.document_url(base, latest)
        _check_document(spec, client, document, latest, selections, problems, warnings)
    except FetchError as exc:
        problems.append(f"{spec.label}: {str(exc).splitlines()[0]} ({exc.url})")
    except KuntadataError as exc:
        problems.append(f"{spec.label}: {exc}")
    return url, problems, warnings


def _taxonomy(
    spec: DatasetSpec, client: HttpClient, problems: list[str]
) -> dict[str, api.TaxonomyCell] | None:
    name = taxonomy_of(spec)
    if name is None:
        return None
    index_url = api.taxonomy_index_url()
    urls = client.get(index_url, what=f"{spec.id}: taxonomy index").json()
    match = [
        u for u in urls if isinstance(u, str) and u.rsplit("/", 1)[-1].upper() == f"{name}.JSON"
    ]
    if not match:
        problems.append(f"{spec.label}: the taxonomy index {index_url} lists no {name}.json")
        return None
    try:
        return api.parse_taxonomy(client.get(match[0], what=f"{spec.id}: taxonomy").json())
    except ValueError as exc:
        problems.append(f"{spec.label}: {match[0]} is not {exc}")
        return None


def _check_document(
    spec: DatasetSpec,
    client: HttpClient,
    url: str,
    entry: api.CatalogueEntry,
    selections: list[api.Selection],
    problems: list[str],
    warnings: list[str],
) -> None:
    """One real document: a list of facts with `tunnusluku` and `arvo`, the selects present."""
    facts = client.get(url, what=f"{spec.id}: one document").json()
    if not isinstance(facts, list) or not all(isinstance(f, dict) for f in facts):
        problems.append(f"{spec.label}: {url} is not a JSON list of fact objects")
        return
    missing_keys = {k for f in facts for k in ("tunnusluku", "arvo") if k not in f}
    if missing_keys:
        problems.append(f"{spec.label}: facts of {url} lack {', '.join(sorted(missing_keys))}")
    codes = {str(f.get("tunnusluku")).strip() for f in facts}
    for selection in selections:
        wanted = [c for group in selection.codes.values() for c in group]
        absent = [c for c in wanted if c not in codes]
        if absent:
            warnings.append(
                f"{selection.indicator}: code(s) {', '.join(absent)} not in {entry.label()} "
                "(does every municipality report them?)"
            )
