"""Browser test of the embed view (site/share.py): a municipality page opened at
`#embed-<chart id>` shows that chart alone, with its sentence, source and licence, and the
code that the chart's "Embed" link gives points at exactly that view.

Uses the built site and Chromium of tests/test_browser.py. Run:
`python -m pytest tests/test_browser_share.py -q` (marker: browser).
"""

from __future__ import annotations

import re
from html import unescape
from typing import Any

import pytest

try:
    from tests.test_browser import Watched, browser, playwright_api, server, watched
except ModuleNotFoundError:  # pytest run without the repository root on sys.path
    from test_browser import Watched, browser, playwright_api, server, watched

pytestmark = pytest.mark.browser
__all__ = ["browser", "server", "watched"]  # the fixtures, used by name
HELSINKI = "fi/kunta/091-helsinki/"
CANONICAL = "https://example.org/kuntadata/" + HELSINKI  # site_config()'s base_url


def assert_embed_view(page: Any, chart_id: str) -> None:
    """Only the chart `chart_id` is on screen: its drawing, sentence, source and the credit
    with the licence; no other chart, no header, navigation or footer."""
    expect = playwright_api.expect
    article = page.locator(f"#{chart_id}")
    expect(article.locator("svg.chart-svg")).to_be_visible()
    expect(article.locator(".summary")).to_be_visible()
    expect(article.locator("figcaption.source")).to_contain_text("Lähde: Tilastokeskus")
    credit = page.locator(".embed-credit")
    expect(credit).to_be_visible()
    expect(credit.locator('a[href^="https://creativecommons.org/licenses/by/4.0/"]')).to_have_text(
        "CC BY 4.0"
    )
    expect(credit.locator("a").first).to_have_attribute("href", CANONICAL)
    assert page.locator("article:visible").count() == 1
    for hidden in ("header", "nav", "footer", "h1", ".key-figures", ".share", "details"):
        assert page.locator(f"{hidden}:visible").count() == 0, hidden


def test_embed_page_renders_its_chart_alone(server: str, watched: Watched) -> None:
    page = watched.page
    page.set_viewport_size({"width": 600, "height": 400})
    page.goto(server + HELSINKI + "#embed-families")
    assert_embed_view(page, "families")
    sentence = " ".join(page.locator("#families .summary").inner_text().split())
    # Helsinki's families in 2022 from Statistics Finland's 12c1, as in the page's table
    assert sentence.startswith(
        "Perheiden lukumäärä (Helsinki, 2022): 161 417 perhettä, kasvua 0,4 %"
    )
    box = page.locator("#families svg.chart-svg").bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 600


def test_embed_link_gives_the_code_of_that_view(server: str, watched: Watched) -> None:
    page = watched.page
    page.goto(server + HELSINKI)
    assert page.locator("article:visible").count() > 3  # the full page, not the embed view
    page.locator("#embed-families").click()
    field = page.locator("#families .embed-code textarea")
    playwright_api.expect(field).to_be_focused()
    playwright_api.expect(page.locator("#families .embed-code label")).to_contain_text(
        "Upotuskoodi"
    )
    code = field.input_value()
    match = re.fullmatch(
        r'<iframe src="([^"]+)" title="([^"]+)" width="100%" height="680" style="border:0">'
        r"</iframe>",
        code,
    )
    assert match, code
    src, title = match.group(1), unescape(match.group(2))
    assert src == CANONICAL + "#embed-families"
    assert title == "Perheiden lukumäärä – Helsinki – Helsingfors"
    assert page.url.endswith(HELSINKI)  # the click did not navigate
    # The code's address, on this test server, is the embed view of the families chart.
    page.goto(server + src.removeprefix("https://example.org/kuntadata/"))
    assert_embed_view(page, "families")


def test_embed_link_without_javascript_leads_to_the_explanation(server: str, browser) -> None:
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(server + HELSINKI)
    page.locator("#embed-families").click()
    page.wait_for_url(re.compile(r"#embed$"))
    help_text = page.locator("#embed + p")
    playwright_api.expect(help_text).to_be_visible()
    playwright_api.expect(page.locator("pre.embed-example")).to_contain_text(
        f'<iframe src="{CANONICAL}#embed-CHART"'
    )
    assert page.locator("article:visible").count() > 3  # #embed is not an embed view
    context.close()
