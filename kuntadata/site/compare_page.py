"""The compare pages: `fi/vertaa/` (pickers, filled by compare.js from data/json/) and one
pre-built comparison per municipality with its peers (`fi/vertaa/091-helsinki/`), whose table
is rendered here so it reads the same without JavaScript.

The texts compare.js needs (labels, "not available", period names, theme titles, CSV
headers) are prepared here through gettext and written into the page as JSON, so the script
holds no language of its own.
"""

from __future__ import annotations

from typing import Any

from . import fmt
from .compare import JSON_DIR, MAX_MUNICIPALITIES, compare_table, dumps, peers_of
from .context import SLUGS, Site, common
from .i18n import gettext_for
from .municipality import THEME_TITLES
from .peers import peer_index, size_class_label


def compare_page(site: Site, lang: str, code: str = "") -> dict[str, Any]:
    """The compare page (`code` empty) or the pre-built comparison of `code` and its peers."""
    _ = gettext_for(lang)
    path = site.compare_path(lang, code)
    paths = {other: site.compare_path(other, code) for other in site.languages}
    selected = [code, *peers_of(site, code)] if code else []
    names = [site.areas.display_name(c, lang) for c in selected]
    if code:
        title = _("Comparison: {areas}").format(areas=", ".join(names))
        intro = _peers_intro(site, code, lang, len(selected) > 1)
    else:
        title = _("Compare municipalities")
        intro = _(
            "Choose two to four municipalities to see their latest figures side by side. You "
            "can add their regions and the whole country."
        )
    page = common(site, lang, path, title, paths, description=intro)
    root = page["root"]
    table = compare_table(site, selected, lang) if selected else None
    if table is not None:
        table["columns"] = [
            {"name": name, "href": root + site.municipality_path(lang, c)}
            for c, name in zip(selected, names, strict=True)
        ]
        table["caption"] = _("Latest figures")
        table["explanation"] = _explanation(lang)
    return {
        "page": page,
        "heading": title,
        "crumb": names[0] if names else title,
        "intro": intro,
        "selected": ",".join(site.short_code(c) for c in selected),
        "json_href": root + JSON_DIR,
        "script_href": root + "static/compare.js",
        "index_href": root + site.compare_path(lang),
        "data_href": root + site.section_path(lang, "data"),
        "pickers": [
            {"id": f"compare-{n}", "label": _("Municipality {n}").format(n=n)}
            for n in range(1, MAX_MUNICIPALITIES + 1)
        ],
        "table": table,
        "prebuilt": [] if code else prebuilt_links(site, lang, root),
    }


def _peers_intro(site: Site, code: str, lang: str, has_peers: bool) -> str:
    _ = gettext_for(lang)
    name = site.areas.display_name(code, lang)
    index = peer_index(site)
    if code in index.size_class:
        return _(
            "{area} with the municipalities closest to it in population in the same municipal "
            "size class ({size_class})."
        ).format(area=name, size_class=size_class_label(index.size_class[code], lang))
    if has_peers:
        return _(
            "{area}: the population is not in this data, so the comparison municipalities are "
            "from the same region."
        ).format(area=name)
    return _("{area}: there are no municipalities to compare it with in this data.").format(
        area=name
    )


def prebuilt_links(site: Site, lang: str, root: str) -> list[dict[str, str]]:
    """Every municipality's pre-built comparison: `Helsinki: Espoo, Tampere, Vantaa`."""
    links = []
    for code in site.municipalities:
        peers = ", ".join(site.areas.display_name(p, lang) for p in peers_of(site, code))
        name = site.areas.display_name(code, lang)
        links.append({"href": root + site.compare_path(lang, code),
                      "text": f"{name}: {peers}" if peers else name})  # fmt: skip
    links.sort(key=lambda link: link["text"].casefold())
    return links


def text_json_path(lang: str) -> str:
    return f"{JSON_DIR}text-{lang}.json"


def script_texts(site: Site, lang: str) -> dict[str, Any]:
    """Everything compare.js says or writes, in `lang` (`data/json/text-fi.json`); links are
    relative to the site root, which the script knows from where it reads data/json/."""
    _ = gettext_for(lang)
    return {
        "lang": lang,
        "locale": {"fi": "fi-FI", "sv": "sv-FI", "en": "en-GB"}.get(lang, "en-GB"),
        "months": list(fmt.month_names(lang)),
        "quarters": list(fmt.quarter_names(lang)),
        "themes": {key: _(title) for key, title in THEME_TITLES.items()},
        "hrefs": {
            "municipality": f"{lang}/{SLUGS['municipality']}/",
            "region": f"{lang}/{SLUGS['region']}/",
            "country": site.home_path(lang),
        },
        "indicator": _("Indicator"),
        "caption": _("Latest figures"),
        "explanation": _explanation(lang),
        "not_available": _("not available"),
        "choose": _("Choose at least two municipalities."),
        "too_many": _("Choose at most four municipalities."),
        "loading": _("Loading the figures…"),
        "failed": _("The figures could not be loaded."),
        "unknown": _("No municipality is called “{name}”."),
        "shown": _("Comparison: {areas}."),
        "trend": _("Trend – {title}, {area}: {first} ({start}) to {last} ({end})."),
        "csv_link": _("Download as CSV"),
        "csv": {
            "theme": _("Theme"),
            "indicator": _("Indicator"),
            "unit": _("Unit"),
            "period": _("Period"),
            "status": _("Status"),
            "source": _("Source"),
            "licence": _("Licence"),
            "fetched": _("Fetched"),
        },
    }


def text_files(site: Site) -> list[tuple[str, str]]:
    """`data/json/text-<lang>.json` for every language of the site."""
    return [(text_json_path(lang), dumps(script_texts(site, lang))) for lang in site.languages]


def _explanation(lang: str) -> str:
    _ = gettext_for(lang)
    return _(
        "Latest figure of each area. The period is given after the indicator, or in the cell "
        "when the areas' latest figures are of different periods."
    )
