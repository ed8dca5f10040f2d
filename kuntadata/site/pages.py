"""Contexts of the pages other than the municipality page: home, indicator,
catalogue, Markdown content pages, 404 and the root language chooser.

Templates receive finished strings and lists only (no logic, no formatting in Jinja).
"""

from __future__ import annotations

import re
from typing import Any

from markdown_it import MarkdownIt
from markupsafe import Markup

from . import fmt
from .aggregate import DERIVED_MARK, derived_words
from .card import responsible_label
from .catalog import catalogue_context
from .context import Site, common, relative_root
from .downloads import indicator_csv_path
from .freshness import date_sentence, statuses
from .home import former_municipalities, national_figures
from .i18n import LANGUAGE_NAMES, gettext_for
from .maps import indicator_map
from .mdsafe import markdown_link, markdown_text
from .meta import data_catalog_jsonld
from .municipality import THEME_TITLES, area_label
from .package_data import Dataset, Indicator, bare_attribution, pick
from .peers import peer_index, ranks_in_scope, size_class_label

_MARKDOWN = MarkdownIt("commonmark", {"html": False, "linkify": False}).enable("table")


def home_page(site: Site, lang: str) -> dict[str, Any]:
    """The whole country's key figures, then all municipalities grouped by region and the
    former ones that lead to their successor: a plain list that the search box filters."""
    _ = gettext_for(lang)
    path = site.home_path(lang)
    page = common(site, lang, path, pick(site.config.title, lang),
                  {x: site.home_path(x) for x in site.languages})  # fmt: skip
    root = page["root"]
    groups: dict[str, dict[str, Any]] = {}
    for code in site.municipalities:
        area = site.areas.get(code)
        region = area.region if area else ""
        group = groups.setdefault(
            region,
            {"name": site.areas.name(region, lang) if region else _("Other"),
             "href": root + site.region_path(lang, region) if region in site.regions else "",
             "municipalities": []},
        )  # fmt: skip
        label = area_label(site, code, lang)
        search = {site.areas.name(code, x).casefold() for x in ("fi", "sv", "en")}
        group["municipalities"].append(
            {**label, "href": root + site.municipality_path(lang, code),
             "search": " ".join(sorted(search))}
        )  # fmt: skip
    ordered = sorted(groups.items(), key=lambda item: item[0] or "ZZ")
    for _code, group in ordered:
        group["municipalities"].sort(key=lambda m: m["name"].casefold())
    indicators = [
        {"title": pick(i.title, lang), "href": root + site.indicator_path(lang, i.id)}
        for d in site.package.datasets for i in d.charted
    ]  # fmt: skip
    return {
        "page": page,
        "regions": [g for _c, g in ordered],
        "count": len(site.municipalities),
        "former": former_municipalities(site, lang, root),
        "country": {
            "name": site.areas.name("SSS", lang),
            "figures": national_figures(site, lang, root),
        },
        "indicators": indicators,
        "data_href": root + site.section_path(lang, "data"),
    }


def member_tables(
    site: Site, code: str, members: list[str], lang: str, root: str
) -> list[dict[str, Any]]:
    """An area's municipalities side by side: one table per theme whose columns are its
    datasets' key figures (the first chart of each, as on the key-figure cards), latest
    values, with the area's own row and the country's below (a figure computed from the
    members is marked). Every indicator of every member is one link away on its page; all of
    them here would make these pages grow by a column per indicator (~35 KB a region page)."""
    _ = gettext_for(lang)
    name = site.areas.name(code, lang)
    by_theme: dict[str, list[tuple[Dataset, Indicator]]] = {}
    for dataset in site.package.datasets:
        if dataset.key_figure is not None:
            by_theme.setdefault(dataset.theme, []).append((dataset, dataset.key_figure))
    tables = []
    members = sorted(members, key=lambda m: site.areas.display_name(m, lang).casefold())
    for theme, columns in by_theme.items():
        rows = []
        for member in [*members, code, "SSS"]:
            cells = [_latest_text(dataset, i, member, lang) for dataset, i in columns]
            href = root + site.municipality_path(lang, member) if member in members else ""
            rows.append({"name": site.areas.display_name(member, lang),
                         "name_html": site.areas.display_html(member, lang),
                         "href": href, "cells": cells,
                         "total": member not in members})  # fmt: skip
        title = THEME_TITLES.get(theme)
        sources = list(dict.fromkeys(dataset.text("attribution", lang) for dataset, _i in columns))
        # "Lähde: A; B": the first attribution keeps its "Lähde:/Källa:/Source:", the rest not
        sources = [sources[0], *(bare_attribution(s) for s in sources[1:])]
        tables.append({"caption": f"{_(title) if title else theme} – {name}",
                       "columns": [_column(dataset, i, lang) for dataset, i in columns],
                       "rows": rows, "source": "; ".join(sources)})  # fmt: skip
    return tables


def _column(dataset: Dataset, indicator: Indicator, lang: str) -> str:
    period = dataset.ranks.get(indicator.id, {}).get("period", "")
    unit = pick(indicator.unit, lang)
    return (
        f"{pick(indicator.title, lang)} ({unit}, {fmt.period_label(period, lang)})"
        if period
        else pick(indicator.title, lang)
    )


def _latest_text(dataset: Dataset, indicator: Indicator, code: str, lang: str) -> str:
    series = dataset.series.get((indicator.id, code))
    period = dataset.ranks.get(indicator.id, {}).get("period", "")
    if series is None or period not in series.periods:
        return "–"
    at = series.periods.index(period)
    text = fmt.number(series.values[at], indicator.decimals, lang)
    if text and series.is_derived(at):
        return f"{text}{fmt.NBSP}{DERIVED_MARK}"  # computed from the members (aggregate.py)
    return text or series.status[at] or "–"


def indicator_page(site: Site, dataset: Dataset, indicator: Indicator, lang: str) -> dict[str, Any]:
    """Every municipality in scope ranked, with regions and the country; linking the
    indicator's CSV, one file for every language (downloads.indicator_csv)."""
    _ = gettext_for(lang)
    path = site.indicator_path(lang, indicator.id)
    title = pick(indicator.title, lang)
    page = common(site, lang, path, title,
                  {x: site.indicator_path(x, indicator.id) for x in site.languages})  # fmt: skip
    root = page["root"]
    ranks = ranks_in_scope(site, dataset, indicator)  # among the site's municipalities
    period = ranks.get("period", "")
    positions = ranks.get("rank", {})
    size_classes = peer_index(site).size_class
    ranked = sorted(site.municipalities, key=lambda c: (positions.get(c, 10**6), c))
    rows = []
    map_values: dict[str, float | None] = {}
    source = dataset.text("attribution", lang)
    earlier = fmt.shift_period(period, 1) if period else None
    for code in ranked:
        series = dataset.series.get((indicator.id, code))
        value = series.value_at(period) if series else None
        map_values[code] = value
        fraction = fmt.change(value, series.value_at(earlier)) if series and earlier else None
        area = site.areas.get(code)
        rows.append({
            "rank": str(positions[code]) if code in positions else "–",
            "name": site.areas.display_name(code, lang),
            "name_html": site.areas.display_html(code, lang),
            "href": root + site.municipality_path(lang, code),
            "region": site.areas.name(area.region, lang) if area and area.region else "",
            "value": fmt.number(value, indicator.decimals, lang) or _("no data"),
            "change": fmt.percent(fraction, lang, signed=True) if fraction is not None else "–",
            "size_class": size_class_label(size_classes[code], lang)
            if code in size_classes else _("not known"),
        })  # fmt: skip
    comparison = [
        {"name": site.areas.name(code, lang), "value": _latest_text(dataset, indicator, code, lang),
         "href": root + site.area_path(lang, code) if code != "SSS" else ""}
        for code in ["SSS", *site.regions]
    ]  # fmt: skip
    marked = any(DERIVED_MARK in row["value"] for row in comparison)
    derived_note = f"{DERIVED_MARK} {derived_words(lang).capitalize()}." if marked else ""
    csv_path = indicator_csv_path(indicator.id)  # written once (builder._indicator_csvs)
    context = {
        "page": page,
        "indicator": {
            "title": title,
            "unit": pick(indicator.unit, lang),
            "description": pick(indicator.description, lang),
            "period": fmt.period_label(period, lang),
            "source": source,
            "dataset": dataset.text("title", lang),
            "fetched": fmt.long_date(dataset.meta.get("fetched_at"), lang),
            "dates": date_sentence(statuses(site).get(dataset.id), lang),
            "responsible": responsible_label(indicator.responsible, lang),
            "responsible_href": root + site.section_path(lang, "about") + "#responsibility",
        },
        "map": indicator_map(
            site, indicator, lang, title, fmt.period_label(period, lang), map_values, root
        ),
        "rows": rows,
        "comparison": comparison,
        "comparison_derived": derived_note,
        "csv_href": root + csv_path,
        "csv_name": csv_path.rsplit("/", 1)[-1],  # saved as `families.csv`, not `ranking.csv`
    }
    page["csv_links"].append({"href": root + csv_path, "title": title})
    return context


def catalogue_page(site: Site, lang: str) -> dict[str, Any]:
    """Every dataset with its source, licence, freshness and downloads (see catalog.py)."""
    _ = gettext_for(lang)
    path = site.section_path(lang, "data")
    page = common(site, lang, path, _("Data and downloads"),
                  {x: site.section_path(x, "data") for x in site.languages})  # fmt: skip
    context = catalogue_context(site, lang, page)
    page["jsonld"] = data_catalog_jsonld(site, lang, page, context["datasets"])
    return context


def content_page(
    site: Site, lang: str, section: str, markdown: str, values: dict[str, str]
) -> dict[str, Any]:
    """A Markdown page from content/<lang>/; `{placeholders}` filled from site.yaml."""
    literal = {key: markdown_text(value) for key, value in values.items()}  # never Markdown
    literal["contact_links"] = _contact_links(values, lang)  # links, their parts escaped
    text = re.sub(r"\{(\w+)\}", lambda m: literal.get(m.group(1), m.group(0)), markdown)
    title_match = re.search(r"^#\s+(.+)$", text, re.M)
    title = title_match.group(1).strip() if title_match else section
    body = _heading_ids(_MARKDOWN.render(text))
    path = site.section_path(lang, section)
    page = common(site, lang, path, title, {x: site.section_path(x, section) for x in
                                            site.languages})  # fmt: skip
    page["heading"] = ""  # the Markdown carries its own <h1>
    return {"page": page, "body": Markup(body)}


def _contact_links(values: dict[str, str], lang: str) -> str:
    """`[x@kunta.fi](mailto:x@kunta.fi) tai <https://…>` in Markdown: the accessibility
    statement's feedback channels as links a reader can follow (the email is required by
    site.yaml's schema, the feedback page optional)."""
    _ = gettext_for(lang)
    email, url = values.get("email", ""), values.get("feedback_url", "")
    mail = markdown_link(email, f"mailto:{email}") if email else ""
    page = markdown_link(url, url) if url else ""
    if mail and page:
        return _("{email} or {url}").format(email=mail, url=page)
    return mail or page


_HEADING_ID = re.compile(r"<h([1-6])>(.*?)\s*\{#([a-z][a-z0-9-]*)\}</h\1>")


def _heading_ids(html: str) -> str:
    """`## Vastuu {#responsibility}` → `<h2 id="responsibility">Vastuu</h2>`: the same anchor
    in every language, so pages link to one explanation whatever the heading says."""

    def with_id(match: re.Match[str]) -> str:
        level, text, anchor = match.groups()
        return f'<h{level} id="{anchor}">{text}</h{level}>'

    return _HEADING_ID.sub(with_id, html)


def not_found_page(site: Site) -> dict[str, Any]:
    lang = site.languages[0]
    _ = gettext_for(lang)
    page = common(
        site,
        lang,
        "404.html",
        _("Page not found"),
        {x: site.home_path(x) for x in site.languages},
        absolute_links=True,
    )
    links = [{"lang": x, "name": LANGUAGE_NAMES[x], "href": site.base_path + site.home_path(x)}
             for x in site.languages]  # fmt: skip
    return {"page": page, "links": links}


def root_index(site: Site) -> dict[str, Any]:
    lang = site.languages[0]
    links = [
        {"lang": x, "name": LANGUAGE_NAMES[x], "title": pick(site.config.title, x),
         "href": relative_root("") + site.home_path(x)}
        for x in site.languages
    ]  # fmt: skip
    return {
        "lang": lang,
        "title": pick(site.config.title, lang),
        "links": links,
        "css_href": "static/site.css",
        "primary_color": site.primary_color,
    }
