"""Browser tests: a built site served on 127.0.0.1, driven by Debian's Chromium.

For the Helsinki page in each language: charts render SVG marks, the table holds the same
numbers as the chart's CSV, the download link returns that CSV, the language switch keeps
the municipality, no console errors, no request leaves 127.0.0.1, and axe-core finds no
WCAG 2.0/2.1 A/AA violations. The home page's search finds Helsingfors and Kuopio by
keyboard. Run: `python -m pytest tests/test_browser.py -q` (marker: browser).
"""

from __future__ import annotations

import csv
import io
import re
import shutil
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from kuntadata.site import build_site
from kuntadata.site.serve import serve_in_thread

try:
    from tests.site_fixtures import make_project, site_config
except ModuleNotFoundError:  # pytest run without the repository root on sys.path
    from site_fixtures import make_project, site_config

pytestmark = pytest.mark.browser
playwright_api = pytest.importorskip("playwright.sync_api")
CHROMIUM = shutil.which("chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
PAGES = {
    "fi": ("fi/kunta/091-helsinki/", "Helsinki"),
    "sv": ("sv/kunta/091-helsingfors/", "Helsingfors"),
    "en": ("en/kunta/091-helsinki/", "Helsinki"),
}
SWITCH_TO = {"fi": "sv", "sv": "en", "en": "fi"}
WCAG = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    paths = make_project(tmp_path_factory.mktemp("browser"))
    build_site(paths, site_config(), built_at=datetime(2026, 11, 23, tzinfo=UTC))
    httpd, base = serve_in_thread(paths.site)
    yield base
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if CHROMIUM is None:
        pytest.skip("Debian's chromium is not installed")
    with playwright_api.sync_playwright() as p:
        instance = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield instance
        instance.close()


class Watched:
    """A page whose console errors and off-host requests are recorded (and aborted)."""

    def __init__(self, browser: Any) -> None:
        self.context = browser.new_context(accept_downloads=True)
        self.errors: list[str] = []
        self.outside: list[str] = []
        self.context.route("**/*", self._route)
        self.page = self.context.new_page()
        self.page.on("console", self._console)
        self.page.on("pageerror", lambda error: self.errors.append(f"pageerror: {error}"))

    def _route(self, route: Any) -> None:
        host = urlsplit(route.request.url).hostname
        if route.request.url.startswith("data:") or host == "127.0.0.1":
            route.continue_()
        else:
            self.outside.append(route.request.url)
            route.abort()

    def _console(self, message: Any) -> None:
        if message.type == "error":
            self.errors.append(message.text)

    def close(self) -> None:
        self.context.close()


@pytest.fixture
def watched(browser: Any) -> Iterator[Watched]:
    item = Watched(browser)
    yield item
    item.close()
    assert item.outside == [], f"requests left 127.0.0.1: {item.outside}"
    assert item.errors == [], f"console errors: {item.errors}"


def numbers_in(text: str, lang: str) -> float | None:
    cleaned = re.sub(r"[\s\u00a0\u202f]", "", text)
    cleaned = cleaned.replace(",", ".") if lang in ("fi", "sv") else cleaned.replace(",", "")
    try:
        return float(cleaned.replace("\u2212", "-"))
    except ValueError:
        return None


@pytest.mark.parametrize("lang", ["fi", "sv", "en"])
def test_municipality_page(server: str, watched: Watched, lang: str) -> None:
    path, name = PAGES[lang]
    page = watched.page
    page.goto(server + path)
    expect = playwright_api.expect
    expect(page.locator("h1")).to_contain_text(name)
    # Every chart is drawn at build time: lines or bars are there without waiting for a script.
    charts = page.locator("svg.chart-svg")
    assert charts.count() >= 2
    for index in range(charts.count()):
        assert charts.nth(index).locator("path[class^='s'], rect").count() > 0, (
            f"chart {index} is empty"
        )

    # The table under the families chart holds exactly the CSV's numbers.
    block = page.locator("#families")
    block.locator("summary").click()
    headers = block.locator("thead th").all_inner_texts()[1:]
    table: dict[tuple[str, str], float | None] = {}
    for row in block.locator("tbody tr").all():
        period = row.locator("th").inner_text()
        for area, cell in zip(headers, row.locator("td").all_inner_texts(), strict=True):
            table[(area, period)] = numbers_in(cell, lang)
    link = block.locator("a[download]")
    csv_text = page.request.get(link.evaluate("a => a.href")).text()
    rows = [r for r in csv.DictReader(io.StringIO(csv_text)) if r["indicator"] == "families"]
    from_csv = {(r[f"area_name_{lang}"], r["period"]): float(r["value"]) for r in rows
                if r["value"]}  # fmt: skip
    assert from_csv and {k: v for k, v in table.items() if v is not None} == from_csv

    # The download link gives that same CSV file.
    with page.expect_download() as download_info:
        link.click()
    download = download_info.value
    assert Path(download.path()).read_text(encoding="utf-8") == csv_text
    assert download.suggested_filename == "091-helsinki-families.csv"

    # axe-core: no WCAG 2.0/2.1 A or AA violations (charts rendered, table open).
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": WCAG}})
    assert results.violations_count == 0, results.generate_report()

    # The language switch, used with the keyboard, stays on the same municipality.
    target = SWITCH_TO[lang]
    switch = page.locator(f'.lang-switch a[hreflang="{target}"]')
    switch.focus()
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(rf"/{target}/kunta/091-"))
    assert page.locator("html").get_attribute("lang") == target
    expect(page.locator("h1")).to_contain_text(PAGES[target][1])


def _sentence(page: Any, chart: Any) -> str:
    """The text of the element a chart's aria-labelledby points at, whitespace collapsed."""
    target = page.locator("#" + chart.get_attribute("aria-labelledby"))
    return " ".join(target.inner_text().split())


@pytest.mark.parametrize("lang", ["fi", "sv", "en"])
def test_each_chart_is_named_by_its_sentence(server: str, watched: Watched, lang: str) -> None:
    """The accessibility tree (what a screen reader gets): every chart is one image whose name
    is the sentence under its heading; nothing is named "Vega visualization"."""
    page = watched.page
    page.goto(server + PAGES[lang][0])
    tree = " ".join(page.locator("main").aria_snapshot().split())
    assert "Vega visualization" not in tree and "graphics-document" not in tree
    charts = page.locator("svg.chart-svg")
    assert charts.count() >= 2
    for index in range(charts.count()):
        chart = charts.nth(index)
        sentence = _sentence(page, chart)
        assert sentence and sentence[0].isupper(), sentence
        playwright_api.expect(chart).to_have_role("img")
        playwright_api.expect(chart).to_have_accessible_name(sentence)
        assert "\n" not in chart.aria_snapshot().strip()  # no tick labels inside the image
        assert page.get_by_role("img", name=sentence, exact=True).count() == 1


def test_charts_fit_a_phone_without_javascript(server: str, browser: Any) -> None:
    """390 px wide, no script: every chart is visible, inside the screen, and the page does
    not scroll sideways; the time axis shows its first and last year."""
    context = browser.new_context(java_script_enabled=False, viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.goto(server + "fi/kunta/091-helsinki/")
    charts = page.locator("svg.chart-svg")
    assert charts.count() >= 2
    for index in range(charts.count()):
        box = charts.nth(index).bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 390, box
        assert box["height"] > 100
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    families = page.locator("#families svg.chart-svg")
    shown = families.locator('g[class="x"] text')
    assert shown.first.text_content() == "2006" and shown.last.text_content() == "2022"
    assert families.locator("g.x.wide text").first.is_hidden()  # more labels only when wider
    context.close()


def test_municipality_and_home_pages_load_no_chart_library(server: str, watched: Watched) -> None:
    page = watched.page
    scripts: list[str] = []
    page.on("request", lambda request: scripts.append(request.url) if request.resource_type ==
            "script" else None)  # fmt: skip
    for path in ("sv/kunta/091-helsingfors/", "sv/"):
        page.goto(server + path, wait_until="networkidle")
    assert scripts == [server + "static/site.js"] * 2


def test_chart_tables_pass_axe_on_a_phone(server: str, watched: Watched) -> None:
    """390 px with every chart's table open: a table wider than the screen scrolls in a box
    that the keyboard can reach (axe's scrollable-region-focusable)."""
    from axe_playwright_python.sync_playwright import Axe

    page = watched.page
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(server + "fi/kunta/091-helsinki/")
    for summary in page.locator("details.data-table summary").all():
        summary.click()
    results = Axe().run(page, context={"include": [["details.data-table"]]},
                        options={"runOnly": {"type": "tag", "values": WCAG}})  # fmt: skip
    assert results.violations_count == 0, results.generate_report()
    wrap = page.locator("#families .table-wrap")
    wrap.focus()
    playwright_api.expect(wrap).to_be_focused()
    playwright_api.expect(wrap).to_have_accessible_name(wrap.locator("caption").inner_text())


@pytest.mark.parametrize("query, code", [("Helsingfors", "091"), ("Kuopio", "297")])
def test_search_as_you_type(server: str, watched: Watched, query: str, code: str) -> None:
    page = watched.page
    page.goto(server + "fi/")
    search = page.locator("#search-input")
    playwright_api.expect(search).to_be_visible()
    search.focus()
    page.keyboard.type(query)
    visible = page.locator("li[data-names]:visible a")
    playwright_api.expect(visible).to_have_count(1)
    assert f"/kunta/{code}-" in visible.first.get_attribute("href")
    playwright_api.expect(page.locator("#search-status")).to_contain_text("1")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(rf"/fi/kunta/{code}-"))


@pytest.mark.parametrize(
    "path", ["fi/", "sv/maakunta/01-nyland/", "en/indikaattori/families/", "fi/data/",
             "fi/indikaattori/population/", "sv/indikaattori/family_size/",
             "sv/saavutettavuus/", "en/tietoa/", "index.html", "no/such/page/",
             "en/seutukunta/011-helsinki/", "sv/hyvinvointialue/03-vastra-nylands-valfardsomrade/",
             "fi/kuntatalous-arviointi/", "sv/vertaa/"]
)  # fmt: skip
def test_other_pages_pass_axe(server: str, watched: Watched, path: str) -> None:
    from axe_playwright_python.sync_playwright import Axe

    page = watched.page
    response = page.goto(server + path)
    assert response is not None and response.status == (404 if "no/such" in path else 200)
    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": WCAG}})
    assert results.violations_count == 0, results.generate_report()
    if path == "no/such/page/":
        watched.errors.clear()  # the browser logs the 404 status itself


def test_page_without_javascript_still_has_numbers(server: str, browser: Any) -> None:
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(server + "sv/kunta/091-helsingfors/")
    block = page.locator("#families")
    assert "161\u00a0417" in block.locator(".summary").inner_text()  # the sentence, visible
    block.locator("summary").click()  # <details> opens without JavaScript
    assert "161\u00a0417" in block.locator("table").inner_text()
    # a body row's first cell is a <th> without scope: still the row's header to a screen
    # reader (the HTML table model's "auto" scope), and the years' columns are named
    tree = block.locator("table").aria_snapshot()
    assert '- rowheader "2022"' in tree and '- columnheader "Helsingfors"' in tree
    assert '- cell "161\u00a0417"' in tree or '- cell "161 417"' in tree, tree
    assert page.locator("[data-search]").is_hidden()
    assert page.locator("a[href$='297-kuopio/']").count() == 0  # municipality page, not home
    page.goto(server + "sv/")
    assert page.locator("li[data-names] a").count() == 4
    context.close()


@pytest.fixture(scope="module")
def publish_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A site with a changelog (one revised value, one new period) and a fork's logo."""
    import json

    from kuntadata.changelog import FIELDS, write_changelog

    root = tmp_path_factory.mktemp("publish-browser")
    shutil.copytree(Path(__file__).resolve().parent.parent / "site_templates",
                    root / "site_templates")  # fmt: skip
    (root / "site_templates/static/logo.svg").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" width="40" height="40">'
        '<rect width="40" height="40" fill="#00594f"/></svg>', "utf-8"
    )  # fmt: skip
    paths = make_project(root)
    write_changelog(paths.package / "changes.csv", [
        {"date": "2026-11-23T19:00:00Z", "dataset": "families", "indicator": "families",
         "change": "new_period", "period": "2022", "count": 8},
        {"date": "2026-11-23T19:00:00Z", "dataset": "families", "indicator": "families",
         "change": "revised", "period": "2021", "area": "KU091", "old_value": "160797",
         "new_value": "", "old_status": "", "new_status": "..", "count": 1},
    ])  # fmt: skip
    descriptor_path = paths.package / "datapackage.json"
    descriptor = json.loads(descriptor_path.read_text("utf-8"))
    descriptor["resources"].append({"name": "changes", "path": "changes.csv", "type": "table",
                                    "format": "csv", "schema": {"fields": FIELDS}})  # fmt: skip
    descriptor_path.write_text(json.dumps(descriptor, ensure_ascii=False), "utf-8")
    config = site_config(theme={"primary_color": "#00594f", "logo": "static/logo.svg"})
    build_site(paths, config, built_at=datetime(2026, 11, 23, tzinfo=UTC))
    httpd, base = serve_in_thread(paths.site)
    yield base
    httpd.shutdown()
    httpd.server_close()


@pytest.mark.parametrize("path", ["fi/uutta/", "sv/uutta/", "en/uutta/", "en/data/",
                                  "sv/kunta/091-helsingfors/"])  # fmt: skip
def test_publication_pages_pass_axe(publish_server: str, watched: Watched, path: str) -> None:
    """What's new (with changes), the catalogue (stale flag, DCAT link) and the logo header."""
    from axe_playwright_python.sync_playwright import Axe

    page = watched.page
    response = page.goto(publish_server + path)
    assert response is not None and response.status == 200
    if "uutta" in path:
        assert page.locator("section.release li").count() == 2
    assert page.locator("header img.logo").get_attribute("alt") in {
        "Kuntadata", "Kommundata", "Municipal data",
    }  # fmt: skip
    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": WCAG}})
    assert results.violations_count == 0, results.generate_report()


@pytest.fixture(scope="module")
def card_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The card site of tests/test_site_card.py: boundaries, pending spec, Mäntyharju."""
    try:
        from tests.test_site_card import card_project
    except ModuleNotFoundError:  # pytest run without the repository root on sys.path
        from test_site_card import card_project
    paths = card_project(tmp_path_factory.mktemp("card-browser"))
    build_site(paths, site_config(), built_at=datetime(2026, 11, 23, tzinfo=UTC))
    httpd, base = serve_in_thread(paths.site)
    yield base
    httpd.shutdown()
    httpd.server_close()


MAP_NAMES = {"fi": r"^Kartta: .+ kunnittain \d{4}$", "sv": r"^Karta: .+ per kommun \d{4}$",
             "en": r"^Map: .+ by municipality, \d{4}$"}  # fmt: skip
NO_DATA = {"fi": "ei tietoa", "sv": "inga uppgifter", "en": "no data"}


@pytest.mark.parametrize("lang", ["fi", "sv", "en"])
def test_indicator_map_is_drawn_without_script_and_passes_axe(
    card_server: str, watched: Watched, browser: Any, lang: str
) -> None:
    """The map is in the HTML: one image named in words, a filled shape per municipality and
    the grey "no data" entry in the legend. The page fetches no Vega, and the map shows the
    same with JavaScript off."""
    from axe_playwright_python.sync_playwright import Axe

    page = watched.page
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    page.goto(card_server + f"{lang}/indikaattori/families/", wait_until="load")
    the_map = page.get_by_role("img", name=re.compile(MAP_NAMES[lang]))
    playwright_api.expect(the_map).to_have_count(1)
    assert page.locator("svg.choropleth use[fill]").count() == 5  # the scope, Pertunmaa in one
    # each shape is drawn from the shared data/kunnat.svg: the reference resolved to a shape
    sizes = page.evaluate("[...document.querySelectorAll('svg.choropleth use')]"
                          ".map(u => u.getBBox().width * u.getBBox().height)")  # fmt: skip
    assert len(sizes) == 5 and min(sizes) > 0, sizes
    assert NO_DATA[lang] in (page.locator(".map-legend").text_content() or "")
    assert not [url for url in requested if "vega" in url.lower()], requested
    assert page.evaluate("typeof window.vega === 'undefined' && typeof window.vegaEmbed === "
                         "'undefined'")  # fmt: skip
    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": WCAG}})
    violations = results.response["violations"]
    assert violations == [], results.generate_report()
    context = browser.new_context(java_script_enabled=False)
    static = context.new_page()
    static.goto(card_server + f"{lang}/indikaattori/families/")
    box = static.locator("svg.choropleth").bounding_box()
    assert box is not None and box["height"] >= 300, box
    context.close()


def test_full_card_page_passes_axe(card_server: str, watched: Watched) -> None:
    from axe_playwright_python.sync_playwright import Axe

    page = watched.page
    page.goto(card_server + "fi/kunta/507-mantyharju/")
    playwright_api.expect(page.locator("#data-gaps")).to_have_text("Puuttuvat tiedot")
    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": WCAG}})
    violations = results.response["violations"]
    assert violations == [], results.generate_report()


def test_finance_gauge_tables_scroll_from_the_keyboard_on_a_phone(
    card_server: str, watched: Watched
) -> None:
    """At 390 px the gauge's tables are wider than the screen: each scrolls in a box the
    keyboard reaches, named by its table's caption (axe found 6 boxes it could not reach)."""
    from axe_playwright_python.sync_playwright import Axe

    page = watched.page
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(card_server + "fi/kunta/507-mantyharju/")
    boxes = page.locator("#finance-gauge .table-wrap")
    assert boxes.count() >= 2
    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": WCAG}})
    assert results.violations_count == 0, results.generate_report()
    first = boxes.first
    first.focus()
    playwright_api.expect(first).to_be_focused()
    playwright_api.expect(first).to_have_accessible_name(
        "Tarvittavat tiedot ja niiden tila tässä aineistossa"
    )


@pytest.fixture(scope="module")
def turnout_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """tests/test_gaps_and_maps.py's site: the real 2021 turnout, Åland without figures."""
    try:
        from tests.test_gaps_and_maps import turnout_project
    except ModuleNotFoundError:  # pytest run without the repository root on sys.path
        from test_gaps_and_maps import turnout_project
    paths = turnout_project(tmp_path_factory.mktemp("turnout-browser"))
    httpd, base = serve_in_thread(paths.site)
    yield base
    httpd.shutdown()
    httpd.server_close()


MAP_FILLS = """() => {
  const fills = {areas: {}, legend: {}, titles: {}};
  document.querySelectorAll('.map-legend li').forEach(function (li) {
    fills.legend[li.textContent.trim()] = getComputedStyle(li.querySelector('rect')).fill;
  });
  document.querySelectorAll('svg.choropleth use').forEach(function (p) {
    const title = p.querySelector('title').textContent;
    const name = title.slice(0, title.lastIndexOf(': '));
    fills.areas[name] = getComputedStyle(p).fill;
    fills.titles[name] = title;
  });
  const box = document.querySelector('svg.choropleth').getBoundingClientRect();
  fills.size = [box.width, box.height];
  fills.scroll = document.documentElement.scrollWidth;
  return fills;
}"""


@pytest.mark.parametrize("width", [1280, 390])
def test_turnout_map_paints_aland_grey_as_no_data(
    turnout_server: str, watched: Watched, width: int
) -> None:
    """Åland's municipalities have no 2021 turnout (no row in the CSV): the colour they are
    painted in is the grey of the legend's "ei tietoa" entry, never the lowest class;
    Helsinki is painted in the colour of the legend entry whose range holds its turnout, and
    its hover title says the figure. The map is large enough to read and never wider than
    the phone."""
    page = watched.page
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(turnout_server + "fi/indikaattori/turnout_women/")
    fills = page.evaluate(MAP_FILLS)
    legend, areas = fills["legend"], fills["areas"]
    no_data = legend["ei tietoa"]
    assert no_data == "rgb(217, 217, 217)"  # #d9d9d9
    assert areas["Brändö"] == areas["Mariehamn – Maarianhamina"] == no_data  # own language
    assert len(areas) == 23 and list(areas.values()).count(no_data) == 16  # all of Åland
    csv_text = page.request.get(turnout_server + "data/indikaattori/turnout_women.csv").text()
    helsinki = next(r for r in csv.DictReader(io.StringIO(csv_text)) if r["area_code"] == "KU091")
    value = float(helsinki["value"])
    holding = [
        label for label in legend if label != "ei tietoa"
        and (bounds := [numbers_in(b, "fi") for b in label.split("–")])
        and bounds[0] <= value <= bounds[-1]
    ]  # fmt: skip
    assert len(holding) == 1, (value, list(legend))
    assert areas["Helsinki – Helsingfors"] == legend[holding[0]] != no_data
    assert numbers_in(fills["titles"]["Helsinki – Helsingfors"].split(": ")[1], "fi") == value
    map_width, map_height = fills["size"]
    if width == 1280:
        assert map_height >= 600  # ~600 px of map beside the legend
    else:
        assert map_width >= 340 and fills["scroll"] <= 390  # the full column on a phone


# --- Phone layout, header search and layout stability (issue 11, part 9) ---------------------


def test_ranking_value_column_is_on_a_phone_screen(server: str, watched: Watched) -> None:
    """At 390 px the ranking table shows rank, name, value and change without scrolling; only
    region and size class lie beyond the edge, inside the table's own scroll box."""
    page = watched.page
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(server + "fi/indikaattori/families/")
    table = page.locator("table.ranking")
    header = table.locator("thead th").nth(2)
    playwright_api.expect(header).to_contain_text("Arvo")
    for cell in (header, table.locator("tbody tr").first.locator("td").nth(1)):
        box = cell.bounding_box()
        assert box is not None and box["x"] + box["width"] <= 390, box
    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # the page never scrolls


def test_header_search_on_any_page_leads_to_the_home_list(server: str, watched: Watched) -> None:
    page = watched.page
    page.goto(server + "sv/kunta/091-helsingfors/")
    page.locator("#site-search-input").fill("Kuopio")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/sv/\?q=Kuopio#municipality-list$"))
    playwright_api.expect(page.locator("#search-input")).to_have_value("Kuopio")
    visible = page.locator("li[data-names]:visible a")
    playwright_api.expect(visible).to_have_count(1)
    assert "/kunta/297-kuopio/" in visible.first.get_attribute("href")
    page.keyboard.press("Enter")  # the home box has the focus: Enter opens the one match
    page.wait_for_url(re.compile(r"/sv/kunta/297-kuopio/"))


def test_header_search_without_javascript_reaches_the_list(server: str, browser: Any) -> None:
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(server + "fi/indikaattori/families/")
    page.locator("#site-search-input").fill("Kuopio")
    page.locator(".site-search button").click()
    page.wait_for_url(re.compile(r"/fi/\?q=Kuopio#municipality-list$"))
    assert page.locator("#municipality-list a[href$='297-kuopio/']").is_visible()
    context.close()


LAYOUT_SHIFTS = """() => new Promise(resolve => {
  let total = 0;
  new PerformanceObserver(list => {
    for (const entry of list.getEntries()) if (!entry.hadRecentInput) total += entry.value;
  }).observe({type: "layout-shift", buffered: true});
  setTimeout(() => resolve(total), 500);
})"""


@pytest.mark.parametrize("width", [1280, 390])
def test_home_page_does_not_shift_when_search_appears(
    server: str, watched: Watched, width: int
) -> None:
    page = watched.page
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(server + "fi/", wait_until="load")
    playwright_api.expect(page.locator("#search-input")).to_be_visible()
    assert page.evaluate(LAYOUT_SHIFTS) == 0


@pytest.fixture(scope="module")
def own_language_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Närpes, Helsinki, Kuopio, Raseborg and Mariehamn from the real areas table."""
    paths = make_project(tmp_path_factory.mktemp("own-language-browser"),
                         municipalities=("KU545", "KU091", "KU297", "KU710", "KU478"))  # fmt: skip
    build_site(paths, site_config(), built_at=datetime(2026, 11, 23, tzinfo=UTC))
    httpd, base = serve_in_thread(paths.site)
    yield base
    httpd.shutdown()
    httpd.server_close()


@pytest.mark.parametrize("query", ["Närpiö", "narpes"])
def test_search_finds_narpes_by_either_name_in_its_own_language(
    own_language_server: str, watched: Watched, query: str
) -> None:
    """Either name finds Närpes; the match says both names, Swedish first, and opens the
    Finnish page, whose language switch starts with Svenska; axe finds no violation."""
    from axe_playwright_python.sync_playwright import Axe

    page = watched.page
    page.goto(own_language_server + "fi/")
    page.locator("#search-input").fill(query)
    visible = page.locator("li[data-names]:visible a")
    playwright_api.expect(visible).to_have_count(1)
    assert visible.first.inner_text() == "Närpes – Närpiö"
    assert visible.first.locator("span[lang=sv]").inner_text() == "Närpes"
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/fi/kunta/545-narpio/$"))
    assert page.locator("h1").inner_text() == "Närpes – Närpiö"
    switch = page.locator(".lang-switch a")
    assert [switch.nth(i).get_attribute("lang") for i in range(3)] == ["sv", "fi", "en"]
    switch.first.click()
    page.wait_for_url(re.compile(r"/sv/kunta/545-narpes/$"))
    assert page.locator("h1 span[lang=fi]").inner_text() == "Närpiö"
    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": WCAG}})
    assert results.violations_count == 0, results.generate_report()
