"""Region, wellbeing services county and sub-region pages built from the committed data.

The figures a source does not publish for these areas are derived from the member
municipalities (kuntadata/site/aggregate.py). The tests recompute the sums here from the
package's own CSV and compare them with what a reader sees on the page and in the CSV: a
region's population must add up; a rate, median or average must never be averaged.
"""

from __future__ import annotations

import csv
import dataclasses
import io
import re
import shutil
from datetime import UTC, datetime
from pathlib import Path

import pytest
from project import REPO

from kuntadata.areas import load_areas
from kuntadata.config import load_site_config
from kuntadata.errors import SpecError
from kuntadata.package import AREAS_DIR, build_package
from kuntadata.paths import ProjectPaths
from kuntadata.site import build_site
from kuntadata.spec import load_dataset_specs

NBSP = "\N{NO-BREAK SPACE}"
SCOPE = ("MK01", "MK21")  # Uusimaa (26 municipalities) and Åland (region = county HVA91)


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> ProjectPaths:
    """The package of every committed snapshot and a site of Uusimaa and Åland from it."""
    root = tmp_path_factory.mktemp("areas")
    shutil.copy(REPO / "site.yaml", root / "site.yaml")
    for folder in ("datasets", "site_templates", "content"):
        shutil.copytree(REPO / folder, root / folder)
    shutil.copytree(REPO / "data" / "raw", root / "data" / "raw")
    paths = ProjectPaths(root)
    config = load_site_config(paths.site_config)
    build_package(paths, config, load_dataset_specs(paths.datasets),
                  load_areas(paths.raw / AREAS_DIR))  # fmt: skip
    build_site(paths, dataclasses.replace(config, scope=SCOPE),
               built_at=datetime(2026, 11, 23, tzinfo=UTC))  # fmt: skip
    return paths


def rows(path: Path) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"))))


def members(paths: ProjectPaths, column: str, code: str) -> set[str]:
    """Current municipalities of an area, read from the package's areas table."""
    return {
        r["code"] for r in rows(paths.package / "areas.csv")
        if r["level"] == "municipality" and not r["valid_to"] and r[column] == code
    }  # fmt: skip


def page_text(path: Path) -> str:
    html = path.read_text(encoding="utf-8")
    html = re.sub(r"<svg.*?</svg>", "", html, flags=re.S)
    return re.sub(r"[ \t\r\n]+", " ", re.sub(r"<[^>]+>", " ", html)).replace("&#39;", "'")


def population_2025(paths: ProjectPaths, codes: set[str]) -> int:
    return sum(
        int(r["value"]) for r in rows(paths.package / "population.csv")
        if r["area"] in codes and r["period"] == "2025" and r["sex"] == "SSS"
    )  # fmt: skip


def grouped(number: int) -> str:
    return f"{number:,}".replace(",", NBSP)


def test_uusimaa_population_is_the_sum_of_its_municipalities(project: ProjectPaths) -> None:
    uusimaa = members(project, "region", "MK01")
    assert len(uusimaa) == 26
    assert not any(
        r["area"] == "MK01" for r in rows(project.package / "population.csv")
    )  # the source gives no region figure: the page's is computed
    total = population_2025(project, uusimaa)
    assert total == 1_799_629
    html = (project.site / "fi/maakunta/01-uusimaa/index.html").read_text("utf-8")
    cards = html[
        html.index('id="key-figures"') : html.index("</section>", html.index("Avainluvut"))
    ]
    first = cards[: cards.index("</li>")]
    assert ">Väkiluku<" in first
    assert f'<span class="value">{grouped(total)}</span>' in first
    assert "laskettu kuntien luvuista" in first  # the card says the figure was computed
    assert "sijalla 1 / 19 maakunnasta, joista on tieto" in first
    text = page_text(project.site / "fi/maakunta/01-uusimaa/index.html")
    assert (
        f"Väkiluku (Uusimaa, 2025): {grouped(total)}{NBSP}henkeä (laskettu kuntien luvuista)."
        in text
    )


def test_the_regions_add_up_to_the_country(project: ProjectPaths) -> None:
    """Every region's derived population; together they are the country's published one."""
    from kuntadata.site.package_data import load_package

    package = load_package(project.package)
    population = package.dataset("population")
    regions = [f"MK{n:02d}" for n in range(1, 22)]
    figures = {c: s for c in regions if (s := population.series.get(("population", c)))}
    assert len(figures) == 19
    assert all(s.derived == [True] for s in figures.values())
    assert sum(s.value_at("2025") for s in figures.values()) == 5_652_881


def test_derived_figures_are_marked_in_the_csv_files(project: ProjectPaths) -> None:
    area_rows = rows(project.site / "data/alue/maakunta-01-uusimaa.csv")
    region = next(r for r in area_rows if r["area_code"] == "MK01" and r["indicator"] ==
                  "population" and r["period"] == "2025")  # fmt: skip
    assert region["value"] == "1799629"
    assert region["derived"] == "true"
    country = next(r for r in area_rows if r["area_code"] == "SSS" and r["indicator"] ==
                   "population" and r["period"] == "2025")  # fmt: skip
    assert (country["value"], country["derived"]) == ("5652881", "false")  # as the source gives it
    helsinki = rows(project.site / "data/kunta/091/091-helsinki-population.csv")
    compared = next(r for r in helsinki if r["area_code"] == "MK01" and r["period"] == "2025"
                    and r["indicator"] == "population")  # fmt: skip
    assert compared["derived"] == "true"
    own = next(r for r in helsinki if r["area_code"] == "KU091" and r["period"] == "2025"
               and r["indicator"] == "population")  # fmt: skip
    assert (own["value"], own["derived"]) == ("694392", "false")


def test_a_municipality_page_shows_its_region_derived_and_marked(project: ProjectPaths) -> None:
    text = page_text(project.site / "fi/kunta/091-helsinki/index.html")
    assert f"Uusimaa: 1{NBSP}799{NBSP}629{NBSP}henkeä (laskettu kuntien luvuista)." in text
    assert "Maakunta: Uusimaa · Seutukunta: Helsinki · Hyvinvointialue: Helsingin kaupunki" in text
    html = (project.site / "fi/kunta/091-helsinki/index.html").read_text("utf-8")
    assert '<a href="../../../fi/seutukunta/011-helsinki/">Helsinki</a>' in html
    assert f"1{NBSP}799{NBSP}629{NBSP}*" in html  # the table cell, explained under the table
    assert "<dt>*</dt><dd>Laskettu kuntien luvuista</dd>" in html


def test_a_rate_or_median_is_never_averaged(project: ProjectPaths) -> None:
    """The tax rate has no region figure in the source, and medians none for sub-regions:
    the page says not available and why, and no value is made up."""
    text = page_text(project.site / "fi/maakunta/01-uusimaa/index.html")
    assert (
        "Kunnallisveroprosentti (Uusimaa): ei saatavilla; osuutta, mediaania, indeksiä tai "
        "keskiarvoa ei voi laskea kuntien omista luvuista." in text
    )
    # nothing to link, embed or rank: the block says why, and no empty share or rank line
    html = (project.site / "fi/maakunta/01-uusimaa/index.html").read_text(encoding="utf-8")
    block = re.search(r'<article class="indicator" id="municipal_tax_rate".*?</article>', html,
                      re.S).group(0)  # fmt: skip
    assert "<figure" not in block and 'class="share"' not in block
    assert '<p class="position"></p>' not in block
    sub = page_text(project.site / "sv/seutukunta/011-helsingfors/index.html")
    assert (
        "(Helsingfors): inte tillgänglig; en andel, median, ett index eller medeltal kan inte "
        "beräknas ur kommunernas egna siffror." in sub
    )
    csv_rows = rows(project.site / "data/alue/seutukunta-011-helsinki.csv")
    assert not [r for r in csv_rows if r["area_code"] == "SK011" and r["indicator"] in
                ("median_equivalent_income", "municipal_tax_rate")]  # fmt: skip
    helsinki = page_text(project.site / "en/kunta/091-helsinki/index.html")
    assert (
        "Uusimaa: no figure for 2026; a rate, median, index or average cannot be computed "
        "from the municipalities' own figures." in helsinki
    )


def test_a_declared_ratio_is_computed_from_sums(project: ProjectPaths) -> None:
    """Home care share of the 75+: declared `aggregate` (clients / population aged 75+);
    the City of Helsinki's wellbeing area (HVA90) gets 7,491 / 57,877 = 12.9 %."""
    text = page_text(project.site / "fi/hyvinvointialue/90-helsingin-kaupunki/index.html")
    assert f"(Helsingin kaupunki, 2023): 12,9{NBSP}% (laskettu kuntien luvuista)" in text
    uusimaa = page_text(project.site / "fi/maakunta/01-uusimaa/index.html")
    assert "eikä kaikilla ole niitä (2023)" in uusimaa  # only five municipalities recorded


@pytest.mark.parametrize(
    ("path", "member"),
    [
        ("fi/seutukunta/011-helsinki/", "fi/kunta/049-espoo/"),
        ("sv/seutukunta/011-helsingfors/", "sv/kunta/049-esbo/"),
        ("en/seutukunta/011-helsinki/", "en/kunta/049-espoo/"),
        ("fi/hyvinvointialue/01-ita-uudenmaan-hyvinvointialue/", "fi/kunta/638-porvoo/"),
        ("sv/hyvinvointialue/01-ostra-nylands-valfardsomrade/", "sv/kunta/638-borga/"),
        ("en/hyvinvointialue/01-east-uusimaa-wellbeing-services-county/", "en/kunta/638-porvoo/"),
    ],
)
def test_sub_region_and_county_pages_link_their_members(
    project: ProjectPaths, path: str, member: str
) -> None:
    html = (project.site / path / "index.html").read_text("utf-8")
    assert f'href="../../../{member}"' in html
    assert (project.site / member / "index.html").exists()
    lang = path[:2]
    region = {"fi": "fi/maakunta/01-uusimaa/", "sv": "sv/maakunta/01-nyland/",
              "en": "en/maakunta/01-uusimaa/"}[lang]  # fmt: skip
    assert f'href="../../../{region}"' in html  # the parent region, linked
    assert (project.site / region / "index.html").exists()
    sitemap = (project.site / "sitemap.xml").read_text("utf-8")
    assert path in sitemap


@pytest.mark.parametrize("path", ["fi/maakunta/01-uusimaa/", "sv/seutukunta/011-helsingfors/"])
def test_area_page_links_point_within_the_page_and_its_embeds_credit_the_source(
    project: ProjectPaths, path: str
) -> None:
    """Each chart's Embed link reaches the page's embedding help, and the embed view has
    its credit line with the licence (an area page had neither before)."""
    html = (project.site / path / "index.html").read_text("utf-8")
    ids = re.findall(r' id="([^"]+)"', html)
    assert len(ids) == len(set(ids)), "an id is used twice"
    targets = set(re.findall(r'href="#([^"]+)"', html))
    assert {"embed", "population"} <= targets and targets <= set(ids), targets - set(ids)
    assert html.count('<p class="embed-credit">') == 1 and "CC BY 4.0</a></p>" in html
    assert "#embed-CHART" in html


def test_aland_is_compared_once(project: ProjectPaths) -> None:
    """Åland's region (MK21) and wellbeing county (HVA91) have the same 16 members: neither
    page compares with the other, and Mariehamn's page names Åland once per sentence."""
    assert members(project, "region", "MK21") == members(project, "wellbeing_county", "HVA91")
    for path in ("sv/maakunta/21-aland/", "sv/hyvinvointialue/91-aland/"):
        html = (project.site / path / "index.html").read_text("utf-8")
        summary = html[html.index('<p class="summary"') :]
        summary = summary[: summary.index("</p>")]
        assert summary.count("Åland") == 1 and "Hela landet: " in summary, summary
        assert "Åland, Åland" not in html
    text = page_text(project.site / "sv/kunta/478-mariehamn/index.html")
    sentence = text[text.index("Folkmängd (Mariehamn") :]
    sentence = sentence[: sentence.index("Placering")]
    assert sentence.count("Åland:") == 1
    assert "Åland: 30" in sentence and "(beräknad ur kommunernas siffror)" in sentence


def test_aggregate_is_only_for_a_rate_with_a_count_as_numerator(tmp_path: Path) -> None:
    text = (REPO / "datasets" / "home_care.yaml").read_text("utf-8")
    text = text.replace("numerator: home_care_75_clients", "numerator: home_care_75_share")
    (tmp_path / "home_care.yaml").write_text(text, "utf-8")
    with pytest.raises(SpecError) as caught:
        load_dataset_specs(tmp_path)
    assert (
        "indicators[0].aggregate.numerator: 'home_care_75_share' is not an additive "
        "indicator of this dataset" in str(caught.value)
    )
