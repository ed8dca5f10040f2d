"""What every page shares: URLs, language alternates, the site's texts, the build date.

URLs inside the site are relative (`../../data/…`), so `_site/` works at a domain root, under
a GitHub Pages sub-path and opened from disk alike. Only the addresses meant for other
machines (canonical, hreflang, Open Graph, JSON-LD, sitemap) use `base_url`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from . import fmt
from .areas_view import AreaIndex
from .i18n import LANGUAGE_NAMES, OG_LOCALES, gettext_for
from .package_data import PackageData, bare_attribution, pick

SLUGS = {
    "municipality": "kunta",
    "region": "maakunta",
    "wellbeing_county": "hyvinvointialue",
    "subregion": "seutukunta",
    "indicator": "indikaattori",
    "data": "data",
    "about": "tietoa",
    "accessibility": "saavutettavuus",
    "whatsnew": "uutta",
    "compare": "vertaa",
    "finance_law": "kuntatalous-arviointi",
}


@dataclass
class Site:
    """Everything that is the same for all pages of one build."""

    config: Any
    package: PackageData
    languages: tuple[str, ...]
    base_url: str
    built_at: datetime
    municipalities: list[str]  # codes in scope, code order
    regions: list[str]
    logo: str = ""  # path under static/ of the fork's logo (site.yaml theme.logo), or ""
    content: Path | None = None  # content/ (finance criteria); None in bare test sites
    cache: dict[Any, Any] = field(default_factory=dict)  # per-build lookups, filled on first use

    @property
    def areas(self) -> AreaIndex:
        return self.package.areas

    @property
    def primary_color(self) -> str:
        return (self.config.theme or {}).get("primary_color") or "#0b4f8a"

    @property
    def base_path(self) -> str:
        """Path part of base_url (`/kuntadata/`), for pages served at any depth (404.html)."""
        path = urlsplit(self.base_url).path or "/"
        return path if path.endswith("/") else path + "/"

    def absolute(self, path: str) -> str:
        base = self.base_url if self.base_url.endswith("/") else self.base_url + "/"
        return base + path

    # --- page paths (relative to the site root, always ending in "/") --------------------
    def home_path(self, lang: str) -> str:
        return f"{lang}/"

    def municipality_path(self, lang: str, code: str) -> str:
        return f"{lang}/{SLUGS['municipality']}/{self.areas.slug(code, lang)}/"

    def region_path(self, lang: str, code: str) -> str:
        return f"{lang}/{SLUGS['region']}/{self.areas.slug(code, lang)}/"

    def area_path(self, lang: str, code: str) -> str:
        """A region's, wellbeing services county's or sub-region's page: `fi/maakunta/01-uusimaa/`
        (a region keeps the address `region_path` always gave it), `fi/hyvinvointialue/…`,
        `fi/seutukunta/…`."""
        level = self.areas.get(code).level  # type: ignore[union-attr]
        return f"{lang}/{SLUGS[level]}/{self.areas.slug(code, lang)}/"

    def indicator_path(self, lang: str, indicator_id: str) -> str:
        return f"{lang}/{SLUGS['indicator']}/{indicator_id}/"

    def section_path(self, lang: str, section: str) -> str:
        return f"{lang}/{SLUGS[section]}/"

    def compare_path(self, lang: str, code: str = "") -> str:
        """`fi/vertaa/`, or a municipality's pre-built comparison `fi/vertaa/091-helsinki/`."""
        slug = f"{self.areas.slug(code, lang)}/" if code else ""
        return f"{lang}/{SLUGS['compare']}/{slug}"

    def municipality_zip_path(self, code: str) -> str:
        return f"data/kunta/kuntadata-{self.short_code(code)}.zip"

    def short_code(self, code: str) -> str:
        """`KU091` → `091`; a code not in areas.csv as it is."""
        area = self.areas.get(code)
        return area.short_code if area else code


PACKAGE_ZIP = "data/kuntadata-package.zip"


def relative_root(page_path: str) -> str:
    """`fi/kunta/091-helsinki/` → `../../../`: how to get from a page to the site root."""
    return "../" * page_path.count("/")


def common(
    site: Site,
    lang: str,
    page_path: str,
    title: str,
    paths_by_lang: dict[str, str],
    *,
    description: str = "",
    absolute_links: bool = False,
    own_languages: tuple[str, ...] = (),
) -> dict[str, Any]:
    """The `page` context every template gets (head, header, footer, language switch).

    `own_languages`: a municipality's own languages, majority first; its language switch
    names them first (Närpes: Svenska, Suomi, English), the site's other languages after."""
    _ = gettext_for(lang)
    root = site.base_path if absolute_links else relative_root(page_path)
    site_title = pick(site.config.title, lang)
    alternates = []
    ordered = [x for x in own_languages if x in site.languages]
    ordered += [x for x in site.languages if x not in ordered]
    for other in ordered:
        target = paths_by_lang.get(other)
        if target is None:
            continue
        alternates.append(
            {
                "lang": other,
                "name": LANGUAGE_NAMES[other],
                "href": root + target,
                "absolute": site.absolute(target),
                "current": other == lang,
            }
        )
    nav = [
        {"href": root + site.home_path(lang), "text": _("Municipalities"), "key": "home"},
        {"href": root + site.section_path(lang, "data"), "text": _("Data"), "key": "data"},
        {"href": root + site.compare_path(lang), "text": _("Compare"), "key": "compare"},
        {
            "href": root + site.section_path(lang, "whatsnew"),
            "text": _("What's new"),
            "key": "whatsnew",
        },
        {"href": root + site.section_path(lang, "about"), "text": _("About"), "key": "about"},
        {
            "href": root + site.section_path(lang, "accessibility"),
            "text": _("Accessibility"),
            "key": "accessibility",
        },
    ]
    full_title = title if title == site_title else f"{title} – {site_title}"
    return {
        "lang": lang,
        "root": root,
        "title": full_title,
        "heading": title,
        "site_title": site_title,
        "description": description or pick(site.config.description, lang),
        "canonical": site.absolute(page_path),
        "alternates": alternates,
        "nav": nav,
        "home_href": root + site.home_path(lang),
        "css_href": root + "static/site.css",
        "js_href": root + "static/site.js",
        "primary_color": site.primary_color,
        "logo_href": root + "static/" + site.logo if site.logo else "",
        "feed_href": root + f"{lang}/feed.xml",
        "feed_title": _("What's new") + f" – {site_title}",
        "og_locale": OG_LOCALES[lang],
        "og_alternates": [OG_LOCALES[x] for x in site.languages if x != lang],
        "built": fmt.long_date(site.built_at, lang),
        "built_iso": fmt.iso_date(site.built_at),
        "data_credit": data_credit(site, lang),
        "licence_href": f"https://creativecommons.org/licenses/by/4.0/deed.{lang}",
        "csv_links": [],
        "jsonld": "",
        "og_image": None,  # share.py: the page's social card, when it has a chart
    }


PRODUCERS = {
    "statfin": {"fi": "Tilastokeskus", "sv": "Statistikcentralen", "en": "Statistics Finland"},
    "sotkanet": {"fi": "THL, Sotkanet.fi", "sv": "THL, Sotkanet.fi", "en": "THL, Sotkanet.fi"},
}


def data_credit(site: Site, lang: str) -> str:
    """The producers of the data on this site, named in the footer of every page.

    Statistics Finland's and THL's CC BY 4.0 asks for the source on every page that shows
    their data; file sources name themselves by their attribution text.
    """
    key = ("data_credit", lang)
    if key not in site.cache:
        names: list[str] = []
        for dataset in site.package.datasets:
            kind = dataset.meta.get("source_kind", "")
            name = PRODUCERS.get(kind, {}).get(lang) or _producer_of(dataset, lang)
            if name and name not in names:
                names.append(name)
        site.cache[key] = ", ".join(names)
    return site.cache[key]


def _producer_of(dataset: Any, lang: str) -> str:
    return bare_attribution(dataset.text("attribution", lang)).split(",")[0].strip()
