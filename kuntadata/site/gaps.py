"""The data-gaps list of a municipality page: every indicator of the package this
municipality lacks a figure for, and why.

Why a list of its own: a reader looking for a figure should not have to open every chart's
table to learn that it is confidential, suppressed as a too-small count, or simply not
fetched for this municipality. The reasons come from the data, never guessed: a row with an
empty value carries the source's symbol (`status`), explained by the package's `x-status`;
no rows at all means the dataset was not fetched for this area (docs/architecture.md).
"""

from __future__ import annotations

from typing import Any

from ..symbols import status_meaning
from .context import Site
from .i18n import gettext_for
from .package_data import Dataset, Indicator, pick


def symbol_meaning(site: Site, symbol: str, lang: str) -> str:
    """The meaning of a status symbol: the package's `x-status` first, then symbols.py."""
    meaning = site.package.status_meanings.get(symbol)
    return pick(meaning, lang) if meaning else status_meaning(symbol, lang)


def data_gaps(site: Site, code: str, lang: str) -> list[dict[str, Any]]:
    """One entry per indicator with gaps: title, link to its block, reasons with periods."""
    _ = gettext_for(lang)
    gaps = []
    for dataset in site.package.datasets:
        for indicator in dataset.indicators:
            reasons = _reasons(site, dataset, indicator, code, lang, _)
            if reasons:
                charted = indicator in dataset.charted
                gaps.append({
                    "title": pick(indicator.title, lang),
                    "dataset": dataset.text("title", lang),
                    "href": f"#{dataset.id}-{indicator.id}" if charted else "",
                    "reasons": reasons,
                })  # fmt: skip
    return gaps


def _reasons(
    site: Site, dataset: Dataset, indicator: Indicator, code: str, lang: str, _: Any
) -> list[dict[str, str]]:
    series = dataset.series.get((indicator.id, code))
    if series is None or not series.periods:
        return [{"symbol": "", "periods": "",
                 "text": _("not fetched for this municipality (no rows in the data)")}]  # fmt: skip
    reasons = []
    by_symbol: dict[str, list[str]] = {}
    for period, value, symbol in zip(series.periods, series.values, series.status, strict=True):
        if value is None:
            by_symbol.setdefault(symbol, []).append(period)
    for symbol, periods in sorted(by_symbol.items()):
        text = (
            symbol_meaning(site, symbol, lang)
            if symbol
            else _("no value and no symbol from the source")
        )
        reasons.append({"symbol": symbol, "periods": _period_ranges(periods), "text": text})
    latest = dataset.ranks.get(indicator.id, {}).get("period", "")
    if latest and latest not in series.periods:
        reasons.append({"symbol": "", "periods": latest,
                        "text": _("no row for the latest period of the other "
                                  "municipalities")})  # fmt: skip
    return reasons


def _period_ranges(periods: list[str]) -> str:
    """`2006–2009, 2012` for consecutive years; other periods listed as they are."""
    if not all(p.isdigit() for p in periods):
        return ", ".join(periods)
    years = sorted(int(p) for p in periods)
    parts: list[str] = []
    start = previous = years[0]
    for year in [*years[1:], None]:
        if year is not None and year == previous + 1:
            previous = year
            continue
        parts.append(str(start) if start == previous else f"{start}–{previous}")
        if year is not None:
            start = previous = year
    return ", ".join(parts)
