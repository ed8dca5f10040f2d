"""Pages of regions, wellbeing services counties and sub-regions.

An area page is a municipality page's blocks for a larger area: key figures with the area's
rank among the areas of its level ("3 of 19 regions with data"), one chart block per
indicator (municipality.py's `chart_block`) comparing it with its parent region and the whole
country, the member municipalities with links, and their figures side by side. Many figures
of these areas are not published by the source; aggregate.py derives the counts from the
members, and the blocks mark them. No finance gauge and no locator: the pages stay lean.
"""

from __future__ import annotations

from typing import Any

from . import fmt
from .aggregate import AREA_LEVELS, derived_words
from .card import theme_sections
from .context import SLUGS, Site, common
from .downloads import MunicipalityCsvs
from .i18n import N_, gettext_for
from .municipality import FIRST_CARD, THEME_TITLES, chart_block, headline
from .package_data import Dataset, Indicator, latest_values, rank_positions
from .pages import member_tables
from .share import embed_help

LEVEL_NAMES = {
    "region": N_("Region"),
    "wellbeing_county": N_("Wellbeing services county"),
    "subregion": N_("Sub-region"),
}
RANK_TEXTS = {
    "region": N_("{rank} of {count} regions with data"),
    "wellbeing_county": N_("{rank} of {count} wellbeing services counties with data"),
    "subregion": N_("{rank} of {count} sub-regions with data"),
}


def area_codes_in_scope(site: Site) -> list[str]:
    """Every region, wellbeing services county and sub-region with a member in the site's
    scope, regions first, then counties, then sub-regions, each in code order."""
    if "area_codes" not in site.cache:
        found: set[str] = set()
        for code in site.municipalities:
            area = site.areas.get(code)
            if area is not None:
                found |= {area.region, area.wellbeing_county, area.subregion}
        known = [c for c in found if c and site.areas.get(c) is not None]
        order = {level: i for i, level in enumerate(AREA_LEVELS)}
        site.cache["area_codes"] = sorted(
            known,
            key=lambda c: (order.get(site.areas.get(c).level, 9), c),  # type: ignore[union-attr]
        )
    return site.cache["area_codes"]


def parent_region(site: Site, code: str) -> str:
    """The region all of the area's members belong to ('' for a region itself, or when the
    members lie in several regions)."""
    area = site.areas.get(code)
    if area is None or area.level == "region":
        return ""
    regions = {site.areas.get(m).region for m in site.areas.members(code)}  # type: ignore[union-attr]
    return regions.pop() if len(regions) == 1 else ""


def comparison_areas(site: Site, code: str) -> list[str]:
    """The parent region (when it is a different set of municipalities: Åland's county HVA91
    is the region MK21, so it is not compared with itself) and the whole country."""
    parent = parent_region(site, code)
    if parent and site.areas.members(parent) != site.areas.members(code):
        return [parent, "SSS"]
    return ["SSS"]


def area_csv_path(site: Site, code: str) -> str:
    """`data/alue/maakunta-01-uusimaa.csv`: every chart's rows of the area's page in one file
    (indicator ids are unique across datasets), the same for every language."""
    level = site.areas.get(code).level  # type: ignore[union-attr]
    return f"data/alue/{SLUGS[level]}-{site.areas.slug(code, site.languages[0])}.csv"


def area_csv(site: Site, code: str) -> tuple[str, str]:
    """The area's CSV: its rows (with the `derived` column) and its comparison areas'."""
    csvs = site.cache.get("area_csvs")
    if csvs is None:
        csvs = site.cache["area_csvs"] = MunicipalityCsvs(site)
    return area_csv_path(site, code), csvs.combined([code, *comparison_areas(site, code)])


def level_ranks(site: Site, dataset: Dataset, indicator: Indicator, level: str) -> dict[str, Any]:
    """Ranks (largest first) among every area of `level` with a value in the latest period,
    derived figures included (they are whole sums or declared ratios); computed once."""
    key = ("level_ranks", dataset.id, indicator.id, level)
    if key not in site.cache:
        codes = [a.code for a in site.areas.areas.values() if a.level == level]
        period, values = latest_values(dataset, indicator.id, codes)
        site.cache[key] = {"period": period, "rank": rank_positions(values), "of": len(values)}
    return site.cache[key]


def _rank_text(site: Site, dataset: Dataset, indicator: Indicator, code: str, lang: str) -> str:
    _ = gettext_for(lang)
    level = site.areas.get(code).level  # type: ignore[union-attr]
    ranks = level_ranks(site, dataset, indicator, level)
    if code not in ranks["rank"]:
        return ""
    return _(RANK_TEXTS[level]).format(rank=ranks["rank"][code], count=ranks["of"])


def _position(site: Site, dataset: Dataset, indicator: Indicator, code: str, lang: str) -> str:
    _ = gettext_for(lang)
    level = site.areas.get(code).level  # type: ignore[union-attr]
    ranks = level_ranks(site, dataset, indicator, level)
    label = fmt.period_label(ranks["period"], lang)
    text = _rank_text(site, dataset, indicator, code, lang)
    if not text:
        if not ranks["period"]:
            return ""
        return _("No position: {area} has no figure for {period}.").format(
            area=site.areas.name(code, lang), period=label
        )
    return _("Position in {period} (largest first): {ranking}.").format(period=label, ranking=text)


def _headline(site: Site, dataset: Dataset, indicator: Indicator, code: str, lang: str) -> dict:
    item = headline(site, dataset, indicator, code, lang)
    series = dataset.series.get((indicator.id, code))
    at = series.latest_known() if series is not None else -1
    ranks = level_ranks(site, dataset, indicator, site.areas.get(code).level)  # type: ignore[union-attr]
    same_period = at >= 0 and series.periods[at] == ranks["period"]  # type: ignore[union-attr]
    item["rank"] = _rank_text(site, dataset, indicator, code, lang) if same_period else ""
    item["derived"] = derived_words(lang) if at >= 0 and series.is_derived(at) else ""  # type: ignore[union-attr]
    item["href"] = f"#{indicator.id}"
    return item


def _link(site: Site, code: str, lang: str, root: str) -> dict[str, Any]:
    return {
        "name": site.areas.display_name(code, lang),
        "name_html": site.areas.display_html(code, lang),
        "href": root + site.area_path(lang, code),
    }


def _related(site: Site, code: str, lang: str, root: str) -> list[dict[str, Any]]:
    """Links to the areas around this one: a sub-region's or county's region; a region's
    wellbeing services counties and sub-regions (those whose members all lie in it)."""
    _ = gettext_for(lang)
    pages = set(area_codes_in_scope(site))
    parent = parent_region(site, code)
    groups = []
    if parent in pages:
        groups.append({"title": _("Region"), "links": [_link(site, parent, lang, root)]})
    if site.areas.get(code).level == "region":  # type: ignore[union-attr]
        for level, title in (
            ("wellbeing_county", _("Wellbeing services counties")),
            ("subregion", _("Sub-regions")),
        ):
            inside = [
                c for c in area_codes_in_scope(site)
                if site.areas.get(c).level == level and parent_region(site, c) == code  # type: ignore[union-attr]
            ]  # fmt: skip
            if inside:
                groups.append(
                    {"title": title, "links": [_link(site, c, lang, root) for c in inside]}
                )
    return groups


def area_page(site: Site, code: str, lang: str) -> dict[str, Any]:
    """The template context of one region's, county's or sub-region's page."""
    _ = gettext_for(lang)
    path = site.area_path(lang, code)
    name = site.areas.name(code, lang)
    level = site.areas.get(code).level  # type: ignore[union-attr]
    paths = {other: site.area_path(other, code) for other in site.languages}
    page = common(site, lang, path, name, paths,
                  description=_("Statistics about {name} and its municipalities: population, "
                                "economy, work, wellbeing and more, compared with the whole "
                                "country.").format(name=name))  # fmt: skip
    root = page["root"]
    covered = site.areas.members(code)
    members = [m for m in site.municipalities if m in covered]
    compare = comparison_areas(site, code)
    csv_path = area_csv_path(site, code)
    headlines, charts = [], {}
    for dataset in site.package.datasets:
        if dataset.key_figure is not None:
            item = _headline(site, dataset, dataset.key_figure, code, lang)
            if item["has_value"]:
                headlines.append(item)
        for indicator in dataset.charted:
            position = _position(site, dataset, indicator, code, lang)
            block, _csv = chart_block(site, dataset, indicator, code, lang, root,
                                      compare=compare, csv_path=csv_path,
                                      position=position)  # fmt: skip
            # the definition is on the indicator page the title links to (said once above
            # the charts): ~150 bytes a chart on each of ~330 area pages
            block["definition"] = block["metadata_href"] = ""
            charts.setdefault(dataset.theme, []).append(block)
    headlines.sort(key=lambda item: item["key"] != FIRST_CARD)  # stable: the rest keep order
    themes = theme_sections(site, THEME_TITLES, charts, lang)
    for theme in themes:
        theme["pending"] = []  # not yet fetched datasets are listed on the municipality pages
    parent = parent_region(site, code)
    page["csv_links"].append({"href": root + csv_path, "title": name})
    member_links = [
        {**_link(site, m, lang, root), "href": root + site.municipality_path(lang, m)}
        for m in members
    ]
    member_links.sort(key=lambda link: link["name"].casefold())
    return {
        "page": page,
        "area": {
            "name": name,
            "level": _(LEVEL_NAMES[level]),
            "code": code,
            "parent_name": site.areas.name(parent, lang) if parent else "",
            "parent_href": root + site.area_path(lang, parent) if parent else "",
        },
        "related": _related(site, code, lang, root),
        "members": member_links,
        "count": len(members),
        "headlines": headlines,
        "themes": themes,
        "tables": member_tables(site, code, members, lang, root),
        "csv_href": root + csv_path,
        "csv_name": csv_path.rsplit("/", 1)[-1],
        "embed": embed_help(themes),
        "package_href": root + "data/kuntadata-package.zip",
        "derived_note": _("Where the source publishes no figure for this area, a count is "
                          "computed from the member municipalities' figures, only when every "
                          "member has one, and marked “{words}”. Rates, medians and averages "
                          "are never averaged from the municipalities.").format(
                              words=derived_words(lang)),
    }  # fmt: skip
