"""The compare page's data and pre-built pages (compare.py, compare_page.py, compare.html).

A small real site (tests/site_fixtures.py: Espoo, Helsinki, Vantaa, Kuopio): the per-area JSON
holds the package's figures (Helsinki 2025: 694 392 residents, the whole country 5 652 881),
and the pre-built comparison of Helsinki with its peers shows, cell by cell, the text of the
municipality pages' key figures. The browser side is tests/test_compare_browser.py.
"""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from html.parser import HTMLParser
from pathlib import Path

import pytest

from kuntadata.site import build_site

try:
    from tests.site_fixtures import make_project, site_config
except ModuleNotFoundError:  # pytest run without the repository root on sys.path
    from site_fixtures import make_project, site_config

BUILT = datetime(2026, 11, 23, tzinfo=UTC)
NBSP = "\u00a0"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    paths = make_project(tmp_path_factory.mktemp("compare"))
    build_site(paths, site_config(), built_at=BUILT)
    return paths.site


def read(site: Path, path: str) -> str:
    return (site / path).read_text(encoding="utf-8")


class TableReader(HTMLParser):
    """Rows of the first table as lists of cell texts; a cell's <small> (unit, period) is
    kept apart, so a cell reads `("694 392", "")` and a row header `("Väkiluku", "henkeä ·
    2025")`."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.rows: list[list[tuple[str, str]]] = []
        self.classes: list[str] = []
        self._in_table = self._done = self._in_small = False
        self._cell: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self._done:
            return
        if tag == "table":
            self._in_table = True
        elif self._in_table and tag == "tr":
            self._close_cell()
            self.rows.append([])
            self.classes.append(dict(attrs).get("class") or "")
        elif self._in_table and tag in ("th", "td"):
            self._close_cell()
            self._cell = ["", ""]
            if dict(attrs).get("class") == "missing":
                self._cell[1] = "missing"
        elif tag == "small":
            self._in_small = True

    def handle_endtag(self, tag: str) -> None:
        if tag == "table" and self._in_table:
            self._close_cell()
            self._in_table, self._done = False, True
        elif tag == "small":
            self._in_small = False

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell[1 if self._in_small else 0] += data

    def _close_cell(self) -> None:
        if self._cell is not None and self.rows:
            self.rows[-1].append((self._cell[0].strip(), self._cell[1].strip()))
        self._cell = None


def table_of(html: str) -> TableReader:
    reader = TableReader()
    reader.feed(html)
    return reader


def key_figure(html: str, anchor: str) -> str:
    """The value of the municipality page's key figure card linking to `#anchor`."""
    match = re.search(
        rf'<a href="#{anchor}">[^<]*</a></h3>\s*<p class="figure"><span class="value">([^<]+)',
        html,
    )
    assert match, anchor
    return match.group(1)


def test_area_json_holds_the_package_figures(site: Path) -> None:
    meta = json.loads(read(site, "data/json/indicators.json"))
    ids = [(i["dataset"], i["id"]) for i in meta["indicators"]]
    at = ids.index(("population", "population"))
    population = meta["indicators"][at]
    assert population["title"] == {"fi": "Väkiluku", "sv": "Folkmängd", "en": "Population"}
    assert population["decimals"] == 0 and population["theme"] == "population"
    dataset = next(d for d in meta["datasets"] if d["id"] == "population")
    assert dataset["licence"] == "CC-BY-4.0" and dataset["fetched"] == "2026-11-23"
    assert dataset["attribution"]["fi"].startswith("Lähde: Tilastokeskus")
    helsinki = json.loads(read(site, "data/json/KU091.json"))
    periods, values = helsinki["series"][at][:2]
    assert dict(zip(periods, values, strict=True))["2025"] == 694392
    assert periods == ["2021", "2022", "2023", "2024", "2025"]
    country = json.loads(read(site, "data/json/SSS.json"))
    assert dict(zip(*country["series"][at][:2], strict=True))["2025"] == 5652881
    # Kuopio has no population rows in this package: no series, not a zero.
    assert json.loads(read(site, "data/json/KU297.json"))["series"][at] is None
    # Uusimaa has no published population: its figures are computed from the members
    # (aggregate.py) and flagged 1 in the fourth array, which compare.js marks "*".
    uusimaa = json.loads(read(site, "data/json/MK01.json"))["series"][at]
    assert uusimaa[3][uusimaa[0].index("2025")] == 1
    assert "laskettu kuntien luvuista" in meta["derived"]["fi"].casefold()
    families = ids.index(("families", "families"))
    assert helsinki["series"][families][1][-1] == 161417  # 2022
    areas = {a["code"]: a for a in meta["areas"]}
    assert set(areas) == {"KU049", "KU091", "KU092", "KU297", "MK01", "MK11", "SSS"}
    assert areas["KU091"]["name"]["sv"] == "Helsinki – Helsingfors"  # majority language first
    assert areas["KU091"]["region"] == "MK01" and areas["KU091"]["short"] == "091"
    text = json.loads(read(site, "data/json/text-fi.json"))
    assert text["not_available"] == "ei saatavilla" and text["locale"] == "fi-FI"


def test_prebuilt_page_shows_the_municipality_pages_figures(site: Path) -> None:
    """Helsinki with its peers of the same size class (Espoo, Vantaa; Kuopio's population
    is not in this package, so it has no class): each population cell is the text of that
    municipality's key figure card."""
    html = read(site, "fi/vertaa/091-helsinki/index.html")
    table = table_of(html)
    header = [text for text, _small in table.rows[0]]
    assert header == ["Tunnusluku", "Helsinki – Helsingfors", "Espoo – Esbo", "Vantaa – Vanda"]
    rows = {row[0][0]: row for row in table.rows[1:] if len(row) > 1}
    population = rows["Väkiluku"]
    assert population[0][1] == "henkeä · 2025"  # one period for the row: every area has 2025
    pages = ["fi/kunta/091-helsinki/", "fi/kunta/049-espoo/", "fi/kunta/092-vantaa/"]
    shown = [key_figure(read(site, p + "index.html"), "population") for p in pages]
    assert [cell[0] for cell in population[1:]] == shown
    assert shown[0] == f"694{NBSP}392"
    assert [cell[0] for cell in rows["Perheiden lukumäärä"][1:]] == [
        f"161{NBSP}417", f"81{NBSP}011", f"62{NBSP}519"
    ]  # fmt: skip
    themes = [row[0][0] for row, cls in zip(table.rows, table.classes, strict=True)
              if cls == "theme"]  # fmt: skip
    assert themes[0] == "Väestö"
    assert 'data-selected="091,049,092"' in html
    assert '<script src="../../../static/compare.js" defer></script>' in html


def test_missing_figure_is_not_available_never_blank(site: Path) -> None:
    """Kuopio has no population rows and no peers in this package: its page says so, and the
    population cell says "not available", never 0 or an empty cell."""
    html = read(site, "sv/vertaa/297-kuopio/index.html")
    assert "Kuopio: det finns inga kommuner att jämföra med i dessa data." in html
    rows = {row[0][0]: row for row in table_of(html).rows[1:] if len(row) > 1}
    assert rows["Folkmängd"][1] == ("inte tillgänglig", "missing")
    assert rows["Antal familjer"][1] == (f"32{NBSP}041", "")  # 2022, in the row header


def test_compare_page_links_every_prebuilt_comparison_and_the_pages_link_it(site: Path) -> None:
    html = read(site, "fi/vertaa/index.html")
    listed = html.split('class="link-list prebuilt-list">')[1].split("</ul>")[0]
    links = re.findall(r'<li><a href="([^"]+)">([^<]+)</a>', listed)
    assert ("../../fi/vertaa/091-helsinki/", "Helsinki – Helsingfors: Espoo – Esbo, "
            "Vantaa – Vanda") in links  # fmt: skip
    assert len(links) == 4
    assert "<table" not in html  # the table comes with the reader's choice
    municipality = read(site, "fi/kunta/091-helsinki/index.html")
    assert '<a href="../../../fi/vertaa/091-helsinki/">Vertaa muihin kuntiin</a>' in municipality
    assert '<a href="../en/vertaa/">Compare</a>' in read(site, "en/index.html")
    sitemap = read(site, "sitemap.xml")
    assert "https://example.org/kuntadata/sv/vertaa/091-helsingfors/" in sitemap
    assert "https://example.org/kuntadata/fi/vertaa/</loc>" in sitemap
