"""The municipality page: headline figures, then one chart block per indicator by theme.

Each chart block carries everything a reader needs without the chart: a sentence in words
with the real figures, the source and period, the data table and the CSV of exactly the
chart's rows. Missing data is said in words (with the source's reason), never drawn as 0.
"""

from __future__ import annotations

from typing import Any

from . import fmt
from .aggregate import (
    DERIVED_MARK,
    derived_notes,
    derived_words,
    is_derived,
    not_derived_text,
)
from .card import merged_municipalities, responsible_label, theme_sections
from .charts import ChartArea, chart_view
from .context import Site, common
from .downloads import municipality_csv_path, status_symbols
from .finance_gauge import finance_gauge
from .gaps import data_gaps, no_document_reason, symbol_meaning
from .i18n import N_, gettext_for
from .locator import locator_map
from .meta import municipality_jsonld
from .package_data import Dataset, Indicator, Series, pick
from .peers import peers_explanation, position_text, ranks_hint
from .share import embed_help

THEME_TITLES = {
    "population": N_("Population"),
    "economy": N_("Economy and finances"),
    "work": N_("Work and business"),
    "education": N_("Education"),
    "wellbeing": N_("Wellbeing"),
    "environment": N_("Environment"),
    "housing": N_("Housing"),
    "democracy": N_("Democracy"),
}


def area_label(site: Site, code: str, lang: str) -> dict[str, Any]:
    """The municipality in its own language(s) (`AreaIndex.shown_names`): `name` plain text
    ("Närpes – Närpiö"), `name_html` with `lang` on the foreign names."""
    return {
        "name": site.areas.display_name(code, lang),
        "name_html": site.areas.display_html(code, lang),
    }


# The card shown first: how many people live here frames every other figure on the page.
FIRST_CARD = ("population", "population")


def _change_cell(series: Series | None, index: int, years: int, lang: str, _: Any) -> str:
    """`+1,5 %` against the same period `years` earlier; for a month or quarter it names that
    period (`+2,1 % (vrt. kesäkuu 2025)`), so it cannot be read as a change from last month."""
    if series is None or index < 0:
        return _("no data")
    period = series.periods[index]
    earlier = fmt.shift_period(period, years)
    old = series.value_at(earlier) if earlier else None
    fraction = fmt.change(series.values[index], old)
    if fraction is None:
        return _("no data")
    text = fmt.percent(fraction, lang, signed=True)
    if earlier and fmt.is_sub_annual(period):
        compared = _("compared with {period}").format(period=fmt.period_label(earlier, lang))
        text = f"{text} ({compared})"
    return text


def headline(site: Site, dataset: Dataset, indicator: Indicator, code: str, lang: str) -> dict:
    """Latest value, its period, change over one and five years (against the same month or
    quarter), rank among the municipalities that have a value in that period."""
    _ = gettext_for(lang)
    series = dataset.series.get((indicator.id, code))
    index = series.latest_known() if series is not None else -1
    ranks = dataset.ranks.get(indicator.id, {})
    rank = ranks.get("rank", {}).get(code)
    item: dict[str, Any] = {
        "key": (dataset.id, indicator.id),
        "title": pick(indicator.title, lang),
        "unit": pick(indicator.unit, lang),
        "href": "",
        "has_value": index >= 0,
        "value": "",
        "period": "",
        "change_1y": _change_cell(series, index, 1, lang, _),
        "change_5y": _change_cell(series, index, 5, lang, _),
        "rank": "",
    }
    if index >= 0:
        item["value"] = fmt.number(series.values[index], indicator.decimals, lang)
        item["period"] = fmt.period_label(series.periods[index], lang)
        if rank and series.periods[index] == ranks.get("period"):
            item["rank"] = _("{rank} of {count} municipalities with data").format(
                rank=rank, count=ranks["of"]
            )
    return item


def chart_block(
    site: Site,
    dataset: Dataset,
    indicator: Indicator,
    code: str,
    lang: str,
    root: str,
    *,
    compare: list[str] | None = None,
    csv_path: str | None = None,
    position: str | None = None,
) -> tuple[dict[str, Any], str | None]:
    """One indicator's block and the path of the CSV holding its rows (one file per
    municipality and dataset, shared by its charts and languages), or None without data.

    An area page (area_page.py) passes its own comparison areas, CSV file and position
    sentence; a municipality's come from site.yaml `compare`, its CSV and its ranks."""
    _ = gettext_for(lang)
    title = pick(indicator.title, lang)
    unit = pick(indicator.unit, lang)
    if compare is None:
        compare = site.areas.related(code, tuple(site.config.compare))
    area_codes = [code, *compare]
    names = [site.areas.name(a, lang) for a in area_codes]
    series = {a: dataset.series.get((indicator.id, a)) for a in area_codes}
    own = series[code]
    block: dict[str, Any] = {
        # the chart's anchor: the indicator id, unique across datasets (spec.py)
        "id": indicator.id,
        "dataset": dataset.id,  # its first chart on the page holds the dataset's full source
        "title": title,
        "unit": unit,
        "source": dataset.text("attribution", lang),
        "definition": pick(indicator.definition, lang) or pick(indicator.description, lang),
        "producer": pick(indicator.producer, lang),
        "metadata_href": pick(indicator.metadata_url, lang),
        "coverage_note": dataset.text("coverage_note", lang),
        "fetched": fmt.long_date(dataset.meta.get("fetched_at"), lang),
        "updated": fmt.long_date(dataset.meta.get("updated"), lang),
        "indicator_href": root + site.indicator_path(lang, indicator.id),
        "responsible": responsible_label(indicator.responsible, lang),
        "responsible_href": root + site.section_path(lang, "about") + "#responsibility",
        "position": position_text(site, dataset, indicator, code, lang)
        if position is None
        else position,
        "has_chart": False,
        "sentences": [],
        "period": "",
        "chart": None,
        "csv_href": "",
        "table": None,
        "card_href": "",  # its social card image, when it has one (share.py)
    }
    area_name = names[0]
    if own is None or not own.periods:
        why = not_derived_text(dataset, indicator, code, lang) or no_document_reason(
            site, dataset, code, _
        )
        block["sentences"] = [
            _("{title} ({area}): not available; {reason}.").format(
                title=title, area=area_name, reason=why)
            if why else
            fmt.missing_sentence(_, area=area_name, title=title, period="", reason="",
                                 fetched=False)
        ]  # fmt: skip
        return block, None
    periods = fmt.sorted_periods(p for s in series.values() if s for p in s.periods)
    block["period"] = fmt.period_span(periods, lang)
    latest = own.periods[-1]
    block["sentences"] = _sentences(site, lang, dataset, indicator, area_codes, names, series,
                                    latest)  # fmt: skip
    csv_path = csv_path or municipality_csv_path(site, code, dataset.id)
    notes = status_symbols(series)
    block["csv_href"] = root + csv_path
    block["table"] = _table(indicator, names, series, area_codes, periods, lang, title, _)
    block["notes"] = [
        {"symbol": s, "meaning": symbol_meaning(site, s, lang)} for s in sorted(notes)
    ] + derived_notes(series, lang)
    block["chart"] = chart_view(
        areas=[ChartArea(a, n, series[a]) for a, n in zip(area_codes, names, strict=True)],
        periods=periods, unit=unit, decimals=indicator.decimals,
        additive=indicator.additive, chart_type=(dataset.meta.get("chart") or {}).get("type")
        or "line", lang=lang, labelledby=f"{block['id']}-summary", _=_,
    )  # fmt: skip
    block["has_chart"] = block["chart"] is not None
    return block, csv_path


def _sentences(site, lang, dataset, indicator, area_codes, names, series, latest) -> list[str]:
    """The municipality's sentence and one per comparison area, all for `latest`; a month or
    quarter is compared with the same month or quarter a year earlier, and says so.

    Names stand as labels in their dictionary form ("Koko maa: …", "Helsingin kaupunki: …"),
    so no language has to inflect them (see the sentence notes in fmt.py).
    """
    _ = gettext_for(lang)
    title = pick(indicator.title, lang)
    unit = pick(indicator.unit, lang)
    own = series[area_codes[0]]
    index = own.periods.index(latest)
    value = own.values[index]
    yearly = not fmt.is_sub_annual(latest)
    label = fmt.period_label(latest, lang)
    if value is None:
        reason = symbol_meaning(site, own.status[index], lang)
        return [
            fmt.missing_sentence(_, area=names[0], title=title, period=label, reason=reason,
                                 fetched=True)
        ]  # fmt: skip

    def shown(v: float | None, code: str) -> str:
        if v is None:
            return ""
        text = f"{fmt.number(v, indicator.decimals, lang)}{fmt.NBSP}{unit}"
        derived = is_derived(series[code], latest)  # computed from the members: said so
        return f"{text} ({derived_words(lang)})" if derived else text

    earlier = fmt.shift_period(latest, 1)
    fraction = fmt.change(value, own.value_at(earlier) if earlier else None)
    earlier_label = "" if yearly or not earlier else fmt.period_label(earlier, lang)
    sentences = [
        fmt.main_sentence(_, area=names[0], title=title, period=label,
                          value=shown(value, area_codes[0]),
                          fraction=fraction, lang=lang, earlier=earlier_label)
    ]  # fmt: skip
    said = {names[0]}
    for code, name in zip(area_codes[1:], names[1:], strict=True):
        if name in said:
            continue  # Åland is both the region and the "county" (HVA91): said once
        said.add(name)
        other = series[code]
        other_value = other.value_at(latest) if other else None
        other_fraction = fmt.change(other_value, other.value_at(earlier)) if other else None
        why = (
            not_derived_text(dataset, indicator, code, lang)
            or no_document_reason(site, dataset, code, _)
            if other_value is None
            else ""
        )
        if why:
            sentences.append(_("{area}: no figure for {period}; {reason}.").format(
                area=name, period=label, reason=why))  # fmt: skip
            continue
        sentences.append(
            fmt.comparison_sentence(_, area=name, period=label, value=shown(other_value, code),
                                    fraction=other_fraction, lang=lang, yearly=yearly)
        )  # fmt: skip
    return sentences


def _table(indicator, names, series, area_codes, periods, lang, title, _) -> dict[str, Any]:
    """Periods down, areas across; a missing cell shows the source's symbol or a dash."""
    rows = []
    for period in reversed(periods):
        cells = []
        for code in area_codes:
            item = series[code]
            text, symbol = "", ""
            if item is not None and period in item.periods:
                at = item.periods.index(period)
                text = fmt.number(item.values[at], indicator.decimals, lang)
                symbol = item.status[at] if item.values[at] is None else ""
                if text and item.is_derived(at):
                    text = f"{text}{fmt.NBSP}{DERIVED_MARK}"
            cells.append({"text": text or symbol or "–", "missing": not text})
        rows.append({"period": fmt.period_label(period, lang), "cells": cells})
    # the areas are the column headers right under it: not named again (~30 B a chart)
    caption = f"{title} ({pick(indicator.unit, lang)})"
    return {"caption": caption, "columns": names, "rows": rows}


def source_captions(themes: list[dict[str, Any]]) -> dict[str, str]:
    """Each charted dataset's full source caption, which the page's list of sources links
    to: the block that writes it is the drawn one without a `source_id` (card._link_blocks
    decides which)."""
    captions: dict[str, str] = {}
    for theme in themes:
        for chart in theme["charts"]:
            if chart.get("has_chart") and not chart["source_id"]:
                captions.setdefault(chart["dataset"], chart["id"] + "-source")
    return captions


def municipality_page(site: Site, code: str, lang: str) -> tuple[dict, list[str]]:
    """The template context and the paths of the CSV files its charts link to."""
    _ = gettext_for(lang)
    path = site.municipality_path(lang, code)
    label = area_label(site, code, lang)
    paths = {other: site.municipality_path(other, code) for other in site.languages}
    page = common(site, lang, path, label["name"], paths,
                  own_languages=site.areas.own_languages(code),
                  description=_("Statistics about {name}: population, economy, work, wellbeing "
                                "and more, compared with the region and the whole country."
                                ).format(name=label["name"]))  # fmt: skip
    root = page["root"]
    area = site.areas.get(code)
    files: list[str] = []
    charts: dict[str, list[dict[str, Any]]] = {}
    headlines = []
    for dataset in site.package.datasets:
        if dataset.key_figure is not None:
            item = headline(site, dataset, dataset.key_figure, code, lang)
            item["href"] = f"#{dataset.key_figure.id}"
            if item["has_value"]:  # a card says a figure; a missing one is told in its chart
                headlines.append(item)
        for indicator in dataset.charted:
            block, csv_path = chart_block(site, dataset, indicator, code, lang, root)
            charts.setdefault(dataset.theme, []).append(block)
            if csv_path and csv_path not in files:
                files.append(csv_path)
                page["csv_links"].append(
                    {"href": block["csv_href"], "title": dataset.text("title", lang)}
                )
    headlines.sort(key=lambda item: item["key"] != FIRST_CARD)  # stable: the rest keep order
    themes = theme_sections(site, THEME_TITLES, charts, lang)
    for theme in themes:
        if theme["key"] == "economy":
            theme["finance"] = finance_gauge(site, code, lang)
    region = area.region if area else ""
    merged = merged_municipalities(site, code, lang)
    page["jsonld"] = municipality_jsonld(site, code, lang, page)
    context = {
        "page": page,
        "area": {
            **label,
            "code": site.short_code(code),
            "region_name": site.areas.name(region, lang) if region else "",
            "region_href": root + site.region_path(lang, region) if region in site.regions else "",
            "parents": _parent_links(site, area, lang, root),
            "merged": merged,
        },
        "headlines": headlines,
        "themes": themes,
        "peers": peers_explanation(site, code, lang),
        "ranks_hint": ranks_hint(site, code, lang),
        "captions": source_captions(themes),
        "gaps": data_gaps(site, code, lang),
        "locator": locator_map(site, code, lang),
        "compare_href": root + site.compare_path(lang, code),
        "zip_href": root + site.municipality_zip_path(code),
        "zip_name": site.municipality_zip_path(code).rsplit("/", 1)[-1],
        "package_href": root + "data/kuntadata-package.zip",
        "sources": _sources(site, lang),
        "embed": embed_help(themes),
    }
    return context, files


def _parent_links(site: Site, area: Any, lang: str, root: str) -> list[dict[str, str]]:
    """The municipality's region, sub-region and wellbeing services county, each linked to
    its page (area_page.py), for the lede."""
    _ = gettext_for(lang)
    if area is None:
        return []
    levels = ((area.region, _("Region")), (area.subregion, _("Sub-region")),
              (area.wellbeing_county, _("Wellbeing services county")))  # fmt: skip
    return [
        {"label": label, "name": site.areas.name(code, lang),
         "href": root + site.area_path(lang, code)}
        for code, label in levels if code and site.areas.get(code) is not None
    ]  # fmt: skip


def _sources(site: Site, lang: str) -> list[dict[str, str]]:
    return [
        {
            "id": dataset.id,
            "title": dataset.text("title", lang),
            "attribution": dataset.text("attribution", lang),
            "fetched": fmt.long_date(dataset.meta.get("fetched_at"), lang),
            "updated": fmt.long_date(dataset.meta.get("updated"), lang),
        }
        for dataset in site.package.datasets
    ]
