"""The compare page in Debian's Chromium, the site served on 127.0.0.1 (fetch needs http).

Issue 14's test: the compare page for Helsinki, Espoo and Vantaa shows the same values as
their pages, and its CSV matches the table. Also: the URL follows the choice, a fourth
municipality typed by keyboard joins, axe finds no WCAG A/AA violation, and without
JavaScript the pre-built comparison still shows its table. Marker: browser.
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path
from typing import Any

import pytest

try:
    from tests.test_browser import WCAG, Watched, browser, numbers_in, server, watched
except ModuleNotFoundError:  # pytest run without the repository root on sys.path
    from test_browser import WCAG, Watched, browser, numbers_in, server, watched

pytestmark = pytest.mark.browser
playwright_api = pytest.importorskip("playwright.sync_api")
FIXTURES = (browser, server, watched)  # the fixtures of test_browser.py, used by name below
PAGES = {
    "Helsinki – Helsingfors": "fi/kunta/091-helsinki/",
    "Espoo – Esbo": "fi/kunta/049-espoo/",
    "Vantaa – Vanda": "fi/kunta/092-vantaa/",
}

# Every body row of a document's table: row header text, its <small> (unit · period), and per
# cell the figure without its <small> (period), the <small> text and whether it is missing.
ROWS_OF = """doc => Array.from(doc.querySelectorAll('table.compare-table tbody tr'))
  .filter(tr => !tr.classList.contains('theme'))
  .map(tr => {
    const th = tr.querySelector('th');
    const small = el => (el.querySelector('small') || {textContent: ''}).textContent;
    const own = el => Array.from(el.childNodes).filter(n => n.nodeType === 3)
                           .map(n => n.textContent).join('').trim();
    return {title: own(th), small: small(th),
            cells: Array.from(tr.querySelectorAll('td')).map(td => ({
              text: own(td), period: small(td), missing: td.classList.contains('missing')}))};
  })"""
READ_TABLE = f"() => ({ROWS_OF})(document)"
# The same rows of the page as the server wrote it (before compare.js redrew it).
READ_SERVED = f"""async () => {{
  const html = await (await fetch(location.href)).text();
  return ({ROWS_OF})(new DOMParser().parseFromString(html, 'text/html'));
}}"""


def normalised(text: str) -> str:
    """No-break and narrow no-break spaces as plain spaces (Intl and Babel may differ)."""
    return re.sub(r"[\u00a0\u202f ]", " ", text)


def key_figure_text(page: Any, base: str, path: str) -> str:
    html = page.request.get(base + path).text()
    match = re.search(r'<a href="#population">[^<]*</a></h3>\s*<p class="figure">'
                      r'<span class="value">([^<]+)', html)  # fmt: skip
    assert match, path
    return match.group(1)


def test_compare_three_cities_matches_their_pages_and_the_csv(
    server: str, watched: Watched
) -> None:
    page = watched.page
    page.goto(server + "fi/vertaa/?k=091,049,092")
    expect = playwright_api.expect
    expect(page.locator("table.compare-table")).to_be_visible()
    expect(page.locator("#compare-status")).to_have_text(
        "Vertailu: Helsinki – Helsingfors, Espoo – Esbo, Vantaa – Vanda."
    )
    headers = page.locator("table.compare-table thead th").all_inner_texts()
    assert headers[1:] == list(PAGES)
    rows = page.evaluate(READ_TABLE)
    by_title = {row["title"]: row for row in rows}
    population = by_title["Väkiluku"]
    assert population["small"] == "henkeä · 2025"
    shown = [normalised(cell["text"]) for cell in population["cells"]]
    on_pages = [normalised(key_figure_text(page, server, path)) for path in PAGES.values()]
    assert shown == on_pages
    assert shown[0] == "694 392"
    # The exact characters of the pages too (fmt.number: U+00A0 between groups).
    assert population["cells"][0]["text"] == "694\u00a0392"

    # Small charts: one image per cell with two or more figures, named by a sentence.
    spark = page.get_by_role("img", name=re.compile(r"^Kehitys – Väkiluku, Helsinki"))
    expect(spark).to_have_count(1)
    assert spark.get_attribute("aria-label") == (
        "Kehitys – Väkiluku, Helsinki – Helsingfors: 658\u00a0457 (2021) – 694\u00a0392 (2025)."
    )

    # The CSV holds exactly the rows and columns of the table.
    link = page.locator("#compare-csv")
    with page.expect_download() as download_info:
        link.click()
    download = download_info.value
    assert download.suggested_filename == "kuntadata-091-049-092.csv"
    text = Path(download.path()).read_text(encoding="utf-8")
    lines = list(csv.reader(io.StringIO(text)))
    header, body = lines[0], lines[1:]
    assert header[:3] == ["Aihe", "Tunnusluku", "Yksikkö"]
    assert header[3:6] == ["Helsinki – Helsingfors", "Helsinki – Helsingfors – Ajanjakso",
                           "Helsinki – Helsingfors – Tila"]  # fmt: skip
    assert header[-3:] == ["Lähde", "Lisenssi", "Haettu"]
    assert [line[1] for line in body] == [row["title"] for row in rows]
    for line, row in zip(body, rows, strict=True):
        assert line[2] == row["small"].split(" · ")[0], line
        row_period = row["small"].split(" · ")[1] if " · " in row["small"] else ""
        for index, cell in enumerate(row["cells"]):
            value, period, status = line[3 + 3 * index : 6 + 3 * index]
            if cell["missing"]:
                assert value == "" and cell["text"].startswith("ei saatavilla"), (line, cell)
                assert status in cell["text"]
                continue
            assert float(value) == numbers_in(cell["text"], "fi"), (line, cell)
            assert period == (cell["period"] or row_period), (line, cell)
        assert line[-2] == "CC-BY-4.0" and line[-1] == "2026-11-23"
        assert line[-3].startswith("Lähde: Tilastokeskus")
    population_line = next(line for line in body if line[1] == "Väkiluku")
    assert population_line[3:6] == ["694392", "2025", ""]


def test_choice_follows_the_url_and_the_keyboard(server: str, watched: Watched) -> None:
    """Adding the regions and the country, and a fourth municipality typed and entered,
    redraw the table and keep the URL shareable."""
    from axe_playwright_python.sync_playwright import Axe

    page = watched.page
    page.goto(server + "sv/vertaa/?k=091,049,092")
    expect = playwright_api.expect
    expect(page.locator("table.compare-table")).to_be_visible()
    assert page.locator("#compare-1").input_value() == "Helsinki – Helsingfors"
    page.locator("#compare-regions").check()
    expect(page.locator("table.compare-table thead th")).to_have_count(5)  # + Nyland
    page.locator("#compare-country").check()
    expect(page.locator("table.compare-table thead th").last).to_have_text("Hela landet")
    assert page.url.endswith("/sv/vertaa/?k=091,049,092&r=1&c=1")
    country = page.evaluate(READ_TABLE)[0]  # Folkmängd: the country's 2025 figure
    assert country["title"] == "Folkmängd"
    assert normalised(country["cells"][-1]["text"]) == "5 652 881"
    # Nyland has no published figure: the region's cell is computed from its members and
    # marked "*" (aggregate.py); the small test package lists three of its municipalities,
    # so here it is their sum.
    members = sum(numbers_in(normalised(c["text"]), "sv") for c in country["cells"][:3])
    assert country["cells"][3]["text"].endswith("\u00a0*")
    assert numbers_in(normalised(country["cells"][3]["text"]).rstrip(" *"), "sv") == members
    assert page.locator("#compare-result dl.notes").inner_text().count("*") == 1
    page.locator("#compare-4").fill("kuopio")
    page.keyboard.press("Enter")
    expect(page.locator("table.compare-table thead th")).to_have_count(8)
    assert page.url.endswith("?k=091,049,092,297&r=1&c=1")
    page.reload()
    expect(page.locator("table.compare-table thead th")).to_have_count(8)
    assert page.locator("#compare-country").is_checked()
    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": WCAG}})
    assert results.violations_count == 0, results.generate_report()


def test_unknown_name_is_said_and_the_table_stays(server: str, watched: Watched) -> None:
    page = watched.page
    page.goto(server + "en/vertaa/?k=091,049")
    expect = playwright_api.expect
    expect(page.locator("table.compare-table thead th")).to_have_count(3)
    page.locator("#compare-3").fill("Atlantis")
    page.locator("#compare-form button").click()
    expect(page.locator("#compare-status")).to_have_text("No municipality is called “Atlantis”.")
    expect(page.locator("table.compare-table thead th")).to_have_count(3)


def test_prebuilt_comparison_without_javascript(server: str, browser: Any) -> None:
    """No script: the compare page lists the pre-built comparisons; Helsinki's has its table
    with the figures, and the form (useless without the script) stays hidden."""
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(server + "fi/vertaa/")
    assert page.locator("#compare-form").is_hidden()
    page.get_by_role("link", name="Helsinki – Helsingfors: Espoo – Esbo, Vantaa – Vanda").click()
    page.wait_for_url(re.compile(r"/fi/vertaa/091-helsinki/$"))
    rows = page.locator("table.compare-table tbody tr:not(.theme)")
    first = rows.first.locator("td").all_inner_texts()
    assert [normalised(t) for t in first] == ["694 392", "325 716", "252 956"]
    context.close()


def test_prebuilt_comparison_redrawn_alike_passes_axe(server: str, watched: Watched) -> None:
    """The pre-built page once compare.js has redrawn it (small charts in the cells): the
    same cells as the server wrote, no axe violation, and another choice opens the compare
    page (the pre-built page's heading names its own municipalities)."""
    from axe_playwright_python.sync_playwright import Axe

    page = watched.page
    page.goto(server + "sv/vertaa/091-helsingfors/")
    playwright_api.expect(page.locator("svg.spark").first).to_be_visible()
    assert page.url.endswith("/sv/vertaa/091-helsingfors/")  # no ?k= until the reader chooses
    # compare.js (Intl.NumberFormat, its period labels) writes exactly the text fmt.py wrote
    # into the pre-built table, cell by cell, decimals and "not available" included.
    drawn, served = page.evaluate(READ_TABLE), page.evaluate(READ_SERVED)
    assert len(served) == len(drawn) == 3 and drawn == served
    assert drawn[2]["title"] == "Familjens medelstorlek"
    assert [cell["text"] for cell in drawn[2]["cells"]] == ["2,66", "2,84", "2,76"]  # 12c1, 2022
    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": WCAG}})
    assert results.violations_count == 0, results.generate_report()
    # Another choice leaves the page whose heading names Helsinki's peers, for the compare page.
    page.locator("#compare-3").fill("Kuopio")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/sv/vertaa/\?k=091,049,297#compare-form$"))
    headers = page.locator("table.compare-table thead th")
    playwright_api.expect(headers.last).to_have_text("Kuopio")
    assert page.locator("h1").inner_text() == "Jämför kommuner"
