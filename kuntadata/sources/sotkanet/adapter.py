"""THL Sotkanet REST API 1.1 adapter: region list, indicator metadata, then the data rows.

Why this order: Sotkanet data rows name regions by Sotkanet's *internal* id (Helsinki = 46),
which only the `/regions` list maps to official codes, and the list changes (wellbeing
county ids were renumbered in 2023), so it is fetched with every snapshot and never
persisted as a mapping. The per-indicator metadata carries THL's definition, the producer
organisation (needed for the attribution THL asks for) and the years available, which
resolve `years: {top: N}` / `{from: ...}` into the explicit, repeated `years=` parameters
the API wants. THL publishes no rate limit; one request per second is the polite default.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from ...errors import FetchError, SourceUnreachable
from ...spec import DatasetSpec
from ..base import FetchedFile, FetchRequest, SourceResult
from ..http import HttpClient, Response

RATE_LIMIT = (1, 1.0)  # calls per seconds: THL's expectation (APIS.md §3)
FORMATS = ("json", "csv")
CSV_HEADER = "indicator;region;year;gender;primary value"
METADATA_PAGE = "https://sotkanet.fi/sotkanet/{lang}/metadata/indicators/{id}"
SEARCH_PAGE = "https://sotkanet.fi/sotkanet/fi/haku"
VALUE_FIELDS = {"value": "value", "abs": "absValue", "absvalue": "absValue"}


def fetch(request: FetchRequest) -> SourceResult:
    """The adapter entry point registered for `kind: sotkanet`."""
    base_url = request.config.source_url("sotkanet")
    result = fetch_sotkanet(request.spec, request.client, base_url, on_query=request.on_query)
    result.provenance = {
        "indicators": indicator_ids(request.spec),
        "gender": request.spec.source.get("gender", "total"),
        "format": data_format(request.spec),
    }
    return result


def parse_select(select: str) -> tuple[str, str]:
    """`"171"` → ("171", "value"); `"171:abs"` → ("171", "absValue") (the count beside a rate)."""
    indicator_id, _, field = str(select).partition(":")
    return indicator_id.strip(), VALUE_FIELDS.get(field.strip().casefold() or "value", "")


def indicator_ids(spec: DatasetSpec) -> list[str]:
    """Sotkanet ids in spec order, each once (a rate and its count share one fetch)."""
    ids: list[str] = []
    for indicator in spec.indicators:
        indicator_id, _ = parse_select(indicator.select)
        if indicator_id not in ids:
            ids.append(indicator_id)
    return ids


def data_format(spec: DatasetSpec) -> str:
    return str(spec.source.get("format", "json"))


def data_url(base_url: str, indicator_id: str, years: list[str], gender: str, fmt: str) -> str:
    """`years` and `genders` are repeated parameters; comma-separated years give HTTP 400."""
    params = [("indicator", indicator_id), *(("years", y) for y in years), ("genders", gender)]
    return f"{base_url}/{fmt}?{urlencode(params)}"


def fetch_sotkanet(
    spec: DatasetSpec, client: HttpClient, base_url: str, *, on_query: Any = None
) -> SourceResult:
    """Fetch regions, then metadata and data per indicator; any data failure aborts all."""
    problems = _check_spec(spec)
    if problems:
        raise FetchError("\n  ".join(problems), hint="fix the dataset spec")
    client.set_rate_limit(base_url, *RATE_LIMIT)
    result = SourceResult()
    regions = client.get(f"{base_url}/regions", what=f"{spec.id}: Sotkanet region list")
    if not isinstance(regions.json(), list):
        raise _unexpected(spec, regions, "a JSON list of regions")
    result.files.append(FetchedFile("regions.json", regions, "regions", "mul"))
    gender = str(spec.source.get("gender", "total"))
    fmt = data_format(spec)
    ids = indicator_ids(spec)
    for number, indicator_id in enumerate(ids, start=1):
        metadata = _fetch_metadata(spec, client, base_url, indicator_id, result)
        years = resolve_years(spec, indicator_id, metadata, result.warnings)
        url = data_url(base_url, indicator_id, years, gender, fmt)
        what = f"{spec.id}: Sotkanet indicator {indicator_id} data"
        response = client.get(url, expect="json" if fmt == "json" else "bytes", what=what)
        _check_data(spec, response, fmt)
        result.files.append(FetchedFile(f"data-{indicator_id}.{fmt}", response, "data", ""))
        result.queries.append(
            {"indicator": indicator_id, "years": years, "genders": gender, "format": fmt}
        )
        if on_query:
            on_query(number, len(ids))
    return result


def _check_spec(spec: DatasetSpec) -> list[str]:
    problems = []
    for index, indicator in enumerate(spec.indicators):
        indicator_id, field = parse_select(indicator.select)
        if not indicator_id.isdigit() or not field:
            problems.append(
                f"{spec.label}: indicators[{index}].select: {indicator.select!r} is not a "
                "Sotkanet indicator id (a number such as 127, or 171:abs for the count)"
            )
    if data_format(spec) not in FORMATS:
        problems.append(f"{spec.label}: source.format must be one of {', '.join(FORMATS)}")
    return problems


def _fetch_metadata(
    spec: DatasetSpec, client: HttpClient, base_url: str, indicator_id: str, result: SourceResult
) -> dict[str, Any] | None:
    """The indicator's metadata; 404 means the id does not exist and stops the fetch.

    Any other failure only costs the definition texts (the data is what the page needs), so
    it is a warning and the page falls back to the spec's texts.
    """
    url = f"{base_url}/indicators/{indicator_id}"
    try:
        response = client.get(url, what=f"{spec.id}: Sotkanet indicator {indicator_id} metadata")
    except SourceUnreachable:
        raise
    except FetchError as exc:
        if exc.status in (400, 404):
            raise FetchError(
                f"{spec.label}: Sotkanet has no indicator {indicator_id} "
                f"(HTTP {exc.status} from /indicators/{indicator_id})",
                url=url,
                status=exc.status,
                hint=(
                    f"check indicators[].select; look the id up at {SEARCH_PAGE} (the id is "
                    f"the number in the indicator's metadata address, e.g. "
                    f"{METADATA_PAGE.format(lang='fi', id=127)}) or in GET {base_url}/indicators"
                ),
            ) from exc
        result.warnings.append(
            f"{spec.id}: Sotkanet indicator {indicator_id}: metadata not available "
            f"({exc.status or 'no answer'}); titles and definitions come from the spec"
        )
        return None
    metadata = response.json()
    if not isinstance(metadata, dict) or str(metadata.get("id")) != indicator_id:
        raise _unexpected(spec, response, f"the metadata object of indicator {indicator_id}")
    result.files.append(FetchedFile(f"indicator-{indicator_id}.json", response, "metadata", "mul"))
    return metadata


def resolve_years(
    spec: DatasetSpec, indicator_id: str, metadata: dict[str, Any] | None, warnings: list[str]
) -> list[str]:
    """The spec's `years` as explicit years; top/from/all need the metadata's `range`."""
    years = spec.source.get("years", "all")
    span = (metadata or {}).get("range") or {}
    start, end = span.get("start"), span.get("end")
    if isinstance(years, dict) and "values" in years:
        chosen = [str(y) for y in years["values"]]
        if start and end:
            outside = [y for y in chosen if not start <= int(y) <= end]
            if outside:
                warnings.append(
                    f"{spec.id}: Sotkanet indicator {indicator_id} has data for "
                    f"{start}–{end}; asked years {', '.join(outside)} will be empty"
                )
        return chosen
    if not (start and end):
        raise FetchError(
            f"{spec.label}: source.years {years!r} needs the years of indicator {indicator_id} "
            "from its metadata, which is not available",
            hint="give the years explicitly: years: {values: ['2022', '2023']}",
        )
    every = [str(y) for y in range(int(start), int(end) + 1)]
    if years == "all":
        return every
    if "top" in years:
        return every[-int(years["top"]) :]
    chosen = [y for y in every if y >= str(years["from"])]
    if not chosen:
        raise FetchError(
            f"{spec.label}: source.years.from {years['from']!r}: indicator {indicator_id} "
            f"has data for {start}–{end} only",
            hint=f"choose a year up to {end}",
        )
    return chosen


def _check_data(spec: DatasetSpec, response: Response, fmt: str) -> None:
    """The JSON client already rejects HTML and truncation; CSV needs the same care here."""
    if fmt == "json":
        if not isinstance(response.json(), list):
            raise _unexpected(spec, response, "a JSON list of data rows")
        return
    head = response.content[:200].lstrip().lower()
    if head.startswith((b"<!doctype", b"<html", b"<")):
        raise _unexpected(spec, response, "CSV (the service answered with an HTML page)")
    first_line = response.content.split(b"\n", 1)[0].decode("utf-8", "replace").strip()
    if not first_line.startswith(CSV_HEADER):
        raise _unexpected(spec, response, f"CSV starting with the header {CSV_HEADER!r}")


def _unexpected(spec: DatasetSpec, response: Response, expected: str) -> FetchError:
    return FetchError(
        f"{spec.id}: Sotkanet answered something else than {expected}",
        url=response.url,
        status=response.status,
        body=response.content,
        hint="the API may have changed; compare with docs and the last snapshot",
    )
