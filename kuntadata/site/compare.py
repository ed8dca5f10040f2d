"""Compare municipalities: the JSON files the compare page reads, the peers of the pre-built
comparisons and the side-by-side table.

Why JSON per area: the compare page is static, so a reader's choice of two to four
municipalities (`?k=091,049,092`) is put together in the browser from one small file per
area (`data/json/KU091.json`) plus one `indicators.json` with titles, units, decimals, themes
and sources in every language. The numbers are those of the pages (package_data.py's series),
at the precision the pages show them; compare.js formats them with `Intl.NumberFormat`, which
gives the same text as fmt.number.

Why pre-built pages: without JavaScript the page can still offer each municipality with its
peers (`fi/vertaa/091-helsinki/`), rendered at build time from `compare_table`, the same rows
and cells that compare.js draws.
"""

from __future__ import annotations

import json
from typing import Any

from . import fmt
from .aggregate import DERIVED_MARK, derived_words
from .context import Site
from .downloads import licence_of, source_url
from .gaps import symbol_meaning
from .i18n import gettext_for
from .municipality import THEME_TITLES
from .package_data import Dataset, Indicator, Series, pick
from .peers import peer_index

JSON_DIR = "data/json/"
INDICATORS_JSON = JSON_DIR + "indicators.json"
COUNTRY = "SSS"
MAX_PEERS = 3
MAX_MUNICIPALITIES = 4


def compared_indicators(site: Site) -> list[tuple[Dataset, Indicator]]:
    """Every charted indicator in page order (themes, then the package's order)."""
    return [(d, i) for d in site.package.datasets for i in d.charted]


def json_areas(site: Site) -> list[str]:
    """The areas a reader can put side by side: the municipalities in scope, their regions
    and the whole country."""
    country = [COUNTRY] if site.areas.get(COUNTRY) else []
    return [*site.municipalities, *site.regions, *country]


def area_json_path(code: str) -> str:
    return f"{JSON_DIR}{code}.json"


def _number(value: float | None, decimals: int) -> float | int | None:
    """The value at its published precision, an integer written without `.0` (bytes count:
    one file per area)."""
    if value is None:
        return None
    rounded = round(value, decimals)
    return int(rounded) if decimals == 0 or rounded.is_integer() else rounded


def area_json(site: Site, code: str) -> str:
    """`{"code": "KU091", "series": [[periods, values, statuses, derived] | null, …]}`: one
    entry per indicator of indicators.json, in its order; statuses left out when all are empty
    and nothing is derived; `derived` (1 where a region's figure was computed from its
    members, aggregate.py) only when something is."""
    series: list[list[Any] | None] = []
    for dataset, indicator in compared_indicators(site):
        item = dataset.series.get((indicator.id, code))
        if item is None or not item.periods:
            series.append(None)
            continue
        entry: list[Any] = [
            item.periods,
            [_number(v, indicator.decimals) for v in item.values],
        ]
        if any(item.status) or any(item.derived):
            entry.append(item.status)
        if any(item.derived):
            entry.append([int(flag) for flag in item.derived])
        series.append(entry)
    return dumps({"code": code, "series": series})


def indicators_json(site: Site) -> str:
    """Indicators (titles, units, decimals, theme, dataset), datasets (source, licence, fetch
    date), areas for the picker and the status symbols' meanings, in every language."""
    languages = site.languages
    datasets = [d for d in site.package.datasets if d.charted]
    areas = []
    for code in json_areas(site):
        area = site.areas.get(code)
        areas.append({
            "code": code,
            "short": site.short_code(code),
            "level": area.level if area else "",
            "region": area.region if area and area.level == "municipality" else "",
            "name": {lang: site.areas.display_name(code, lang) for lang in languages},
            "slug": {lang: site.areas.slug(code, lang) for lang in languages},
        })  # fmt: skip
    document = {
        "languages": list(languages),
        "datasets": [_dataset_entry(d, languages) for d in datasets],
        "indicators": [
            {
                "id": indicator.id,
                "dataset": dataset.id,
                "theme": dataset.theme,
                "title": {lang: pick(indicator.title, lang) for lang in languages},
                "unit": {lang: pick(indicator.unit, lang) for lang in languages},
                "decimals": indicator.decimals,
            }
            for dataset, indicator in compared_indicators(site)
        ],
        "areas": areas,
        "status": {
            symbol: {lang: symbol_meaning(site, symbol, lang) for lang in languages}
            for symbol in sorted(_symbols(site))
        },
        "derived": {lang: derived_words(lang).capitalize() for lang in languages},
    }
    return dumps(document)


def _symbols(site: Site) -> set[str]:
    """Every status symbol in the series compare.js may show."""
    found: set[str] = set()
    for dataset in site.package.datasets:
        charted = {i.id for i in dataset.charted}
        for (indicator_id, _area), series in dataset.series.items():
            if indicator_id in charted:
                found.update(series.status)
    return found - {""}


def _dataset_entry(dataset: Dataset, languages: tuple[str, ...]) -> dict[str, Any]:
    licence = licence_of(dataset)
    return {
        "id": dataset.id,
        "attribution": {lang: dataset.text("attribution", lang) for lang in languages},
        "source_url": source_url(dataset, languages[0]),
        "licence": licence["name"],
        "licence_url": licence["path"],
        "fetched": fmt.iso_date(dataset.meta.get("fetched_at")),
    }


def dumps(document: Any) -> str:
    return json.dumps(document, ensure_ascii=False, separators=(",", ":"))


def json_files(site: Site) -> list[tuple[str, str]]:
    """Every file under data/json/: indicators.json and one file per area."""
    files = [(INDICATORS_JSON, indicators_json(site))]
    files += [(area_json_path(code), area_json(site, code)) for code in json_areas(site)]
    return files


# --- peers --------------------------------------------------------------------------------


def peers_of(site: Site, code: str) -> list[str]:
    """At most three municipalities to compare `code` with: those of its size class
    (peers.py, Statistics Finland's classes) closest to it in population. A municipality
    whose population is not in the data gets those of its region instead (code order)."""
    index = peer_index(site)
    own = index.population.get(code)
    if own is not None:
        members = [m for m in index.members.get(index.size_class[code], []) if m != code]
        members.sort(key=lambda m: (abs(index.population[m].value - own.value), m))
        return members[:MAX_PEERS]
    area = site.areas.get(code)
    region = area.region if area else ""
    same_region = [
        m
        for m in site.municipalities
        if m != code and region and site.areas.get(m).region == region
    ]
    return same_region[:MAX_PEERS]


# --- the side-by-side table ---------------------------------------------------------------


def latest_cell(series: Series | None, indicator: Indicator, site: Site, lang: str) -> dict:
    """The area's latest figure with a value; "not available" with the source's symbol of
    its latest period when it has none (never blank, never 0)."""
    _ = gettext_for(lang)
    at = series.latest_known() if series is not None else -1
    if at < 0:
        symbol = next((s for s in reversed(series.status) if s), "") if series else ""
        text = _("not available")
        return {"value": "", "period": "", "missing": True, "symbol": symbol,
                "text": f"{text} ({symbol})" if symbol else text}  # fmt: skip
    return {
        "value": fmt.number(series.values[at], indicator.decimals, lang)
        + (f"{fmt.NBSP}{DERIVED_MARK}" if series.is_derived(at) else ""),
        "period": fmt.period_label(series.periods[at], lang),
        "missing": False,
        "symbol": DERIVED_MARK if series.is_derived(at) else "",
        "text": "",
    }


def compare_table(site: Site, codes: list[str], lang: str) -> dict[str, Any]:
    """Rows = indicators grouped by theme, columns = areas, each cell the area's latest
    figure. The period stands in the row header when every area's figure is of the same
    period, else in each cell (compare.js makes the same choice)."""
    _ = gettext_for(lang)
    themes: list[dict[str, Any]] = []
    symbols: set[str] = set()
    for dataset, indicator in compared_indicators(site):
        cells = [
            latest_cell(dataset.series.get((indicator.id, code)), indicator, site, lang)
            for code in codes
        ]
        periods = {c["period"] for c in cells if not c["missing"]}
        shared = periods.pop() if len(periods) == 1 else ""
        if shared:
            for cell in cells:
                cell["period"] = ""
        symbols |= {c["symbol"] for c in cells if c["symbol"]}
        if not themes or themes[-1]["key"] != dataset.theme:
            title = THEME_TITLES.get(dataset.theme)
            themes.append({"key": dataset.theme, "title": _(title) if title else dataset.theme,
                           "rows": []})  # fmt: skip
        themes[-1]["rows"].append({
            "title": pick(indicator.title, lang),
            "unit": pick(indicator.unit, lang),
            "period": shared,
            "cells": cells,
        })  # fmt: skip
    return {
        "columns": [site.areas.display_name(code, lang) for code in codes],
        "themes": themes,
        "notes": [
            {
                "symbol": s,
                "meaning": derived_words(lang).capitalize()
                if s == DERIVED_MARK
                else symbol_meaning(site, s, lang),
            }
            for s in sorted(symbols)
        ],
    }
