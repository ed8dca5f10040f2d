"""Sharing charts (site/share.py, site/social_card.py): permalinks, the embed explanation,
social card PNGs and their cache, each page's og:image.

Each test builds the small real package (tests/site_fixtures.py: Statistics Finland's
population and families of Espoo, Helsinki, Vantaa and Kuopio) and checks what a reader or a
link preview sees. The embed view itself is checked in a browser (tests/test_browser.py).
"""

from __future__ import annotations

import csv
import os
import re
import time
from datetime import UTC, datetime
from html import unescape
from pathlib import Path

import pytest
from PIL import Image

from kuntadata.config import load_site_config
from kuntadata.errors import SpecError
from kuntadata.site import build_site
from kuntadata.site.context import Site
from kuntadata.site.package_data import load_package
from kuntadata.site.share import card_spec
from kuntadata.site.social_card import HEIGHT, WIDTH, _font, render

try:
    from tests.site_fixtures import make_project, site_config
except ModuleNotFoundError:  # pytest run without the repository root on sys.path
    from site_fixtures import make_project, site_config

BUILT = datetime(2026, 11, 23, tzinfo=UTC)
HELSINKI_FI = "fi/kunta/091-helsinki/index.html"


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory):
    paths = make_project(tmp_path_factory.mktemp("share"))
    build_site(paths, site_config(), built_at=BUILT)
    return paths


def test_every_chart_block_has_a_permalink_named_by_its_title(project) -> None:
    html = (project.site / HELSINKI_FI).read_text(encoding="utf-8")
    articles = re.findall(r'<article class="indicator" id="([^"]+)".*?</article>', html, re.S)
    assert articles[:3] == ["population", "families", "family_size"]
    for chart_id in articles:
        block = re.search(rf'<article class="indicator" id="{chart_id}".*?</article>', html, re.S)
        heading = re.search(r"<h3[^>]*>(.*?)</h3>", block.group(0)).group(1)
        title = re.sub(r"<[^>]+>", "", heading)  # the h3 is a link to the indicator page
        share = re.search(r'<p class="share">(.*?)</p>', block.group(0)).group(1)
        # the link's accessible name: "Linkki" and, hidden from sight, the chart's title
        assert f'<a href="#{chart_id}">Linkki<span class="vh">: {title}</span></a>' in share
        assert f'<a id="embed-{chart_id}" href="#embed">Upota</a>' in share
    # one explanation for readers without JavaScript, with the page's own embed address
    assert html.count('id="embed"') == 1
    code = unescape(re.search(r'<pre class="embed-example"><code>(.*?)</code>', html).group(1))
    assert 'src="https://example.org/kuntadata/fi/kunta/091-helsinki/#embed-CHART"' in code
    assert "(esimerkiksi population)" in html


def _site_of(paths) -> Site:
    package = load_package(paths.package, scope="all")
    config = site_config()
    return Site(config=config, package=package, languages=config.languages,
                base_url=config.base_url, built_at=BUILT, municipalities=[],
                regions=[])  # fmt: skip


def test_og_image_is_the_first_charts_card_drawn_from_the_real_numbers(project) -> None:
    html = (project.site / HELSINKI_FI).read_text(encoding="utf-8")
    url = re.search(r'<meta property="og:image" content="([^"]+)">', html).group(1)
    assert re.fullmatch(r"https://example\.org/kuntadata/cards/[0-9a-f]{64}\.png", url)
    assert '<meta property="og:image:width" content="1200">' in html
    assert '<meta property="og:image:height" content="630">' in html
    assert '<meta name="twitter:card" content="summary_large_image">' in html
    alt = re.search(r'<meta property="og:image:alt" content="([^"]+)">', html).group(1)
    assert alt == "Väkiluku, Helsinki – Helsingfors: 694\u00a0392\u00a0henkeä (2025)"
    png = project.site / url.removeprefix("https://example.org/kuntadata/")
    with Image.open(png) as image:
        assert image.size == (WIDTH, HEIGHT) == (1200, 630)
    site = _site_of(project)
    population = site.package.dataset("population")
    spec = card_spec(site, population, population.charted[0], "KU091", "fi")
    assert spec.value == "694\u00a0392" and spec.period == "2025"  # Helsinki, 11ra, 2025
    # the plot starts at zero, as the site's charts do: a 5 % rise stays a 5 % rise
    assert spec.low_label == "0" and spec.high_label == "694\u00a0392"
    assert spec.values[-1] == 694392
    assert spec.source == site.package.dataset("population").text("attribution", "fi")
    assert spec.source.startswith("Lähde: Tilastokeskus")
    assert png.name == f"{spec.key}.png"  # named by the hash of what is drawn
    assert png.read_bytes() == render(spec)  # and it is that drawing
    # the chart's own share line links the same card
    assert f'<a href="../../../cards/{spec.key}.png">Kuva (PNG)</a>' in html


def test_indicator_page_card_is_the_whole_countrys_series(project) -> None:
    html = (project.site / "sv/indikaattori/population/index.html").read_text(encoding="utf-8")
    alt = re.search(r'<meta property="og:image:alt" content="([^"]+)">', html).group(1)
    assert alt == "Folkmängd, Hela landet: 5\u00a0652\u00a0881\u00a0personer (2025)"
    url = re.search(r'<meta property="og:image" content="([^"]+)">', html).group(1)
    assert (project.site / url.removeprefix("https://example.org/kuntadata/")).is_file()


def test_cards_are_cached_by_content(tmp_path: Path) -> None:
    paths = make_project(tmp_path)
    cold = build_site(paths, site_config(), built_at=BUILT)
    cached = sorted(p.name for p in paths.cards.glob("*.png"))
    assert cold.cards_rendered == len(cached) == len(list((paths.site / "cards").glob("*.png")))
    assert cold.cards_rendered == 4 * 3 + 3 * 3  # 4 municipalities and 3 indicators, 3 languages

    warm = build_site(paths, site_config(), built_at=BUILT)
    assert warm.cards_rendered == 0  # nothing changed: every card from .cache/cards
    assert sorted(p.name for p in (paths.site / "cards").glob("*.png")) == cached
    before = (paths.site / HELSINKI_FI).read_text(encoding="utf-8")

    population = paths.package / "population.csv"
    with population.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    for row in rows:
        if (row["area"], row["period"], row["indicator"]) == ("KU091", "2025", "population"):
            assert row["value"] == "694392"
            row["value"] = "694393"
    with population.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)

    changed = build_site(paths, site_config(), built_at=BUILT)
    assert changed.cards_rendered == 3  # Helsinki's first chart in fi, sv and en; no other
    after = (paths.site / HELSINKI_FI).read_text(encoding="utf-8")
    image = re.compile(r'<meta property="og:image" content="([^"]+)">')
    assert image.search(after).group(1) != image.search(before).group(1)
    assert "694\u00a0393\u00a0henkeä (2025)" in after


def test_every_chart_mode_gives_each_chart_with_data_its_card(tmp_path: Path) -> None:
    paths = make_project(tmp_path)
    build_site(paths, site_config(social_cards="every_chart"), built_at=BUILT)
    html = (paths.site / HELSINKI_FI).read_text(encoding="utf-8")
    charts = re.findall(r'<p class="share">.*?</p>', html)
    links = re.findall(r'<a href="\.\./\.\./\.\./(cards/[0-9a-f]{64}\.png)">Kuva \(PNG\)</a>', html)
    assert len(links) == len(charts) == 3  # families, family size, population
    assert len(set(links)) == 3
    assert all((paths.site / link).is_file() for link in links)


def test_social_cards_key_is_checked(tmp_path: Path) -> None:
    text = (Path(__file__).parent.parent / "site.yaml").read_text(encoding="utf-8")
    good, bad = tmp_path / "good.yaml", tmp_path / "bad.yaml"
    good.write_text(text, "utf-8")
    bad.write_text(text.replace("social_cards: first_chart", "social_cards: all"), "utf-8")
    assert load_site_config(good).social_cards == "first_chart"
    with pytest.raises(SpecError) as error:
        load_site_config(bad)
    assert "social_cards: 'all' is not one of 'first_chart', 'every_chart'" in str(error.value)


@pytest.mark.parametrize(("letter", "base"), [("ä", "a"), ("ö", "o"), ("å", "a"), ("Ä", "A")])
def test_card_font_draws_finnish_and_swedish_letters(letter: str, base: str) -> None:
    """Pillow's own bundled font draws ä, ö and å as an empty box; the cards' font has
    them: each is its base letter with marks above it."""
    font = _font(40)
    marked, plain = font.getmask(letter), font.getmask(base)
    assert font.getbbox(letter)[1] < font.getbbox(base)[1]  # the marks reach higher
    assert marked.getbbox() != plain.getbbox()
    assert font.getlength(letter) == font.getlength(base)  # the same letter underneath


def test_cards_unused_for_a_month_leave_the_cache(tmp_path: Path) -> None:
    paths = make_project(tmp_path)
    build_site(paths, site_config(), built_at=BUILT)
    used = sorted(paths.cards.glob("*.png"))
    stale = paths.cards / f"{'0' * 64}.png"
    stale.write_bytes(used[0].read_bytes())
    month_ago = time.time() - 31 * 86400
    for path in (stale, used[0]):
        os.utime(path, (month_ago, month_ago))
    again = build_site(paths, site_config(), built_at=BUILT)
    assert again.cards_rendered == 0  # used[0] was still taken from the cache
    assert not stale.exists()
    assert sorted(paths.cards.glob("*.png")) == used
