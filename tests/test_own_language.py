"""Each municipality in its own language (issue 14 part 5).

A small site built from the real areas table for Närpes (bilingual, Swedish majority),
Helsinki (bilingual, Finnish majority), Kuopio (Finnish), Raseborg (bilingual, Swedish
majority) and Mariehamn (Swedish). The rule (`AreaIndex.shown_names`): a municipality's
official names, majority language first, the same on every language's pages; the page's
language's own name added after them only when the municipality has one not already shown;
a foreign name carries `lang`. The language switch names the municipality's languages first.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path

import pytest

from kuntadata.site import build_site
from kuntadata.site.areas_view import load_area_index

try:
    from tests.site_fixtures import AREAS_CSV, make_project, site_config
except ModuleNotFoundError:  # pytest run without the repository root on sys.path
    from site_fixtures import AREAS_CSV, make_project, site_config

CODES = ("KU545", "KU091", "KU297", "KU710", "KU478")
SLUGS = {
    "KU545": {"fi": "545-narpio", "sv": "545-narpes", "en": "545-narpes"},
    "KU091": {"fi": "091-helsinki", "sv": "091-helsingfors", "en": "091-helsinki"},
    "KU297": {"fi": "297-kuopio", "sv": "297-kuopio", "en": "297-kuopio"},
    "KU710": {"fi": "710-raasepori", "sv": "710-raseborg", "en": "710-raseborg"},
    "KU478": {"fi": "478-maarianhamina", "sv": "478-mariehamn", "en": "478-mariehamn"},
}


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    paths = make_project(tmp_path_factory.mktemp("own-language"), municipalities=CODES)
    build_site(paths, site_config(), built_at=datetime(2026, 11, 23, tzinfo=UTC))
    return paths.site


def page(site: Path, lang: str, code: str) -> str:
    return (site / lang / "kunta" / SLUGS[code][lang] / "index.html").read_text("utf-8")


def h1(html: str) -> str:
    found = re.search(r"<h1>(.*?)</h1>", html, re.S)
    assert found, "no h1"
    return found.group(1)


def text(fragment: str) -> str:
    return re.sub(r"<[^>]+>", "", fragment)


def switch(html: str) -> list[str]:
    nav = re.search(r'<nav class="lang-switch".*?</nav>', html, re.S)
    assert nav
    return re.findall(r'hreflang="(\w+)"', nav.group(0))


def test_names_follow_the_areas_table() -> None:
    areas = load_area_index(AREAS_CSV.parent)
    expected = {
        "KU545": "Närpes – Närpiö",
        "KU091": "Helsinki – Helsingfors",
        "KU297": "Kuopio",
        "KU710": "Raseborg – Raasepori",
    }
    for code, name in expected.items():
        for lang in ("fi", "sv", "en"):
            assert areas.display_name(code, lang) == name, (code, lang)
    # Swedish-speaking Mariehamn: its Swedish name everywhere, the Finnish page adds its own
    assert areas.display_name("KU478", "sv") == areas.display_name("KU478", "en") == "Mariehamn"
    assert areas.display_name("KU478", "fi") == "Mariehamn – Maarianhamina"
    # Finnish-speaking Tampere: Finnish name, the Swedish page adds Tammerfors
    assert areas.display_name("KU837", "fi") == "Tampere"
    assert areas.display_name("KU837", "sv") == "Tampere – Tammerfors"
    assert str(areas.display_html("KU837", "sv")) == '<span lang="fi">Tampere</span> – Tammerfors'
    assert areas.display_name("MK01", "sv") == "Nyland"  # regions: the page's language
    assert areas.own_languages("KU545") == ("sv", "fi")
    assert areas.own_languages("KU091") == ("fi", "sv")
    assert areas.own_languages("KU297") == ("fi",)
    assert areas.own_languages("KU478") == ("sv",)


def test_narpes_finnish_page_names_it_in_swedish_first(site: Path) -> None:
    html = page(site, "fi", "KU545")
    heading = h1(html)
    assert heading.startswith('<span lang="sv">Närpes</span>')
    assert "Närpiö" in heading
    assert text(heading) == "Närpes – Närpiö"
    assert "<title>Närpes – Närpiö – " in html
    crumb = re.search(r'<nav class="breadcrumb".*?</nav>', html, re.S)
    assert crumb and '<span lang="sv">Närpes</span> – Närpiö' in crumb.group(0)
    sv = h1(page(site, "sv", "KU545"))
    assert sv == 'Närpes – <span lang="fi">Närpiö</span>'


def test_helsinki_is_finnish_first_on_every_page(site: Path) -> None:
    assert h1(page(site, "fi", "KU091")) == 'Helsinki – <span lang="sv">Helsingfors</span>'
    assert h1(page(site, "sv", "KU091")) == '<span lang="fi">Helsinki</span> – Helsingfors'
    assert h1(page(site, "en", "KU091")) == 'Helsinki – <span lang="sv">Helsingfors</span>'
    assert h1(page(site, "fi", "KU710")) == '<span lang="sv">Raseborg</span> – Raasepori'
    for lang in ("fi", "sv", "en"):
        assert h1(page(site, lang, "KU297")) == "Kuopio"


def test_language_switch_names_own_languages_first(site: Path) -> None:
    for lang in ("fi", "sv", "en"):
        assert switch(page(site, lang, "KU545")) == ["sv", "fi", "en"]
        assert switch(page(site, lang, "KU478")) == ["sv", "fi", "en"]
        assert switch(page(site, lang, "KU091")) == ["fi", "sv", "en"]
        assert switch(page(site, lang, "KU297")) == ["fi", "sv", "en"]
    home = (site / "fi" / "index.html").read_text("utf-8")
    assert switch(home) == ["fi", "sv", "en"]  # other pages keep the site's order
    # each switch link keeps the municipality
    html = page(site, "fi", "KU545")
    nav = re.search(r'<nav class="lang-switch".*?</nav>', html, re.S)
    assert nav and "545-narpes/" in nav.group(0) and "545-narpio/" in nav.group(0)


def test_home_lists_and_search_entries(site: Path) -> None:
    for lang in ("fi", "sv", "en"):
        html = (site / lang / "index.html").read_text("utf-8")
        items = re.findall(r'<li data-names="([^"]*)"><a href="([^"]*)">(.*?)</a></li>', html)
        by_href = {href: (names, shown) for names, href, shown in items}
        for code in CODES:
            href = f"../{lang}/kunta/{SLUGS[code][lang]}/"  # the page in the reader's language
            assert href in by_href, (lang, code)
            names, _shown = by_href[href]
            assert (site / href.removeprefix("../") / "index.html").exists()
            areas_row = {"KU545": ("närpes", "närpiö"), "KU091": ("helsinki", "helsingfors"),
                         "KU710": ("raseborg", "raasepori"), "KU297": ("kuopio",),
                         "KU478": ("mariehamn", "maarianhamina")}[code]  # fmt: skip
            for name in areas_row:
                assert name in names.split(), (lang, code, names)
        narpes = by_href[f"../{lang}/kunta/{SLUGS['KU545'][lang]}/"][1]
        assert text(narpes) == "Närpes – Närpiö"
        if lang == "fi":
            assert narpes == '<span lang="sv">Närpes</span> – Närpiö'


def test_region_and_indicator_pages_name_municipalities_alike(site: Path) -> None:
    region = site / "fi" / "maakunta" / "15-pohjanmaa" / "index.html"
    html = region.read_text("utf-8")
    assert (
        '<a href="../../../fi/kunta/545-narpio/"><span lang="sv">Närpes</span> – Närpiö</a>' in html
    )
    indicators = sorted((site / "sv" / "indikaattori").glob("*/index.html"))
    assert indicators
    html = indicators[0].read_text("utf-8")
    assert '<span lang="fi">Helsinki</span> – Helsingfors</a><td>' in html
    if 'class="choropleth"' in html:  # drawn when the build has the boundaries
        assert "<title>Närpes – Närpiö: " in html
