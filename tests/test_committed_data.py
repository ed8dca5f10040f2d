"""The offline default: the package built from the committed snapshots holds the real figures.

A fresh clone builds the whole site from `data/raw/` without internet, so what the snapshots
hold is what a resident sees. These are real values from the recorded StatFin responses and
the Tax Administration's decision, for every municipality, not a three-city demo.
"""

from __future__ import annotations

import csv
import shutil
from functools import cache
from pathlib import Path

import pytest
from project import REPO

from kuntadata.areas import load_areas
from kuntadata.config import load_site_config
from kuntadata.package import AREAS_DIR, build_package
from kuntadata.paths import ProjectPaths
from kuntadata.spec import load_dataset_specs

WHOLE_COUNTRY_DATASETS = (
    "population",
    "population_structure",
    "population_change",
    "income",
    "education_level",
    "unemployed_jobseekers",
    "municipal_tax_rate",
)


@pytest.fixture(scope="module")
def package(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The package of every committed snapshot, built offline in a copy of the project."""
    root = tmp_path_factory.mktemp("project")
    shutil.copy(REPO / "site.yaml", root / "site.yaml")
    shutil.copytree(REPO / "datasets", root / "datasets")
    shutil.copytree(REPO / "data" / "raw", root / "data" / "raw")
    for folder in ("site_templates", "content"):  # for the site test below
        shutil.copytree(REPO / folder, root / folder)
    paths = ProjectPaths(root)
    config = load_site_config(paths.site_config)
    specs = load_dataset_specs(paths.datasets)
    build_package(paths, config, specs, load_areas(paths.raw / AREAS_DIR))
    return paths.package


@cache
def _rows(directory: str, dataset: str) -> tuple[dict[str, str], ...]:
    path = Path(directory) / f"{dataset}.csv"
    with path.open(encoding="utf-8", newline="") as handle:
        return tuple(csv.DictReader(handle))


def value(package: Path, dataset: str, indicator: str, area: str, period: str, **dims: str):
    found = [
        r["value"]
        for r in _rows(str(package), dataset)
        if r["indicator"] == indicator
        and r["area"] == area
        and r["period"] == period
        and all(r[k] == v for k, v in dims.items())
    ]
    assert len(found) == 1, (dataset, indicator, area, period, found)
    return found[0]


def test_headline_figures_of_helsinki_and_the_country(package: Path) -> None:
    assert value(package, "population", "population", "KU091", "2025", sex="SSS") == "694392"
    assert value(package, "population", "population", "SSS", "2025", sex="SSS") == "5652881"
    assert value(package, "income", "median_equivalent_income", "KU091", "2024") == "33525"
    seekers = "unemployed_jobseekers"
    assert value(package, seekers, "unemployed_jobseekers", "KU091", "2026M06") == "52578"
    assert value(package, seekers, "unemployed_share_of_labour_force", "KU091", "2026M06") == (
        "14.2"
    )
    assert float(value(package, "municipal_tax_rate", "municipal_tax_rate", "KU091", "2026")) == 5.3


@pytest.mark.parametrize("dataset", WHOLE_COUNTRY_DATASETS)
def test_every_municipality_has_the_latest_figures(package: Path, dataset: str) -> None:
    """All 308 municipalities of 2026 appear in the latest period, each with a value or a
    status symbol (never a silent blank)."""
    current = {a.code for a in load_areas(REPO / "data/raw" / AREAS_DIR).municipalities()}
    assert len(current) == 308
    rows = _rows(str(package), dataset)
    latest = max((r["period"] for r in rows), key=lambda p: (p[:4], p))
    covered = {r["area"] for r in rows if r["period"] == latest and r["area"] in current}
    assert covered == current, sorted(current - covered)[:5]
    assert all(r["value"] or r["status"] for r in rows), "a blank value without a status"


def test_kuopio_malax_and_mantyharju_have_the_same_datasets(package: Path) -> None:
    """Typical municipalities (Finnish-speaking city, Swedish-speaking, merged in 2025)."""
    for code in ("KU297", "KU475", "KU507"):
        for dataset in WHOLE_COUNTRY_DATASETS:
            assert any(r["area"] == code and r["value"] for r in _rows(str(package), dataset)), (
                code,
                dataset,
            )
    # Mäntyharju on the 2026 division includes Pertunmaa, merged on 1.1.2025
    assert value(package, "population", "population", "KU507", "2025", sex="SSS") == "7034"


def test_each_value_of_a_dimension_is_its_own_indicator_on_the_site(package: Path) -> None:
    """Population: the total plus men and women; turnout (published for men and women only):
    the two, never one of them standing for all."""
    from kuntadata.site.package_data import load_package

    site_data = load_package(package)
    population = site_data.dataset("population")
    assert [i.id for i in population.charted] == [
        "population",
        "population_men",
        "population_women",
    ]
    titles = {i.id: i.title for i in population.indicators}
    assert titles["population_men"] == {"fi": "Väkiluku, miehet", "sv": "Folkmängd, män",
                                        "en": "Population, men"}  # fmt: skip
    latest = {i: population.series[(i, "KU091")].value_at("2025") for i in titles}
    assert latest == {"population": 694392, "population_men": 331843, "population_women": 362549}
    turnout = site_data.dataset("municipal_election_turnout_2021")
    assert "turnout" not in {i.id for i in turnout.indicators}
    assert turnout.series[("turnout_men", "KU091")].value_at("2021") == 59.2
    assert turnout.series[("turnout_women", "KU091")].value_at("2021") == 63.9


def test_key_figures_start_with_the_current_population(package: Path) -> None:
    """The key-figure cards: population 2025 first; Sotkanet's 2009 population is not a key
    figure (chart.key_figure: false); a dataset without a figure for the municipality (no
    budget document for Helsinki) gives no empty card."""
    import dataclasses
    import re

    from kuntadata.site import build_site

    root = package.parent.parent
    config = load_site_config(root / "site.yaml")
    build_site(ProjectPaths(root), dataclasses.replace(config, scope=("KU091",)))
    html = (root / "_site/fi/kunta/091-helsinki/index.html").read_text("utf-8")
    cards = html[html.index("Avainluvut") : html.index("</section>", html.index("Avainluvut"))]
    titles = re.findall(r"<h3><a[^>]*>([^<]*)</a>", cards)
    assert titles[0] == "Väkiluku"
    first_card = cards[: cards.index(titles[1])]
    assert '<span class="value">694\N{NO-BREAK SPACE}392</span>' in first_card
    assert "Väkiluku (Sotkanet)" not in titles
    assert not any(t.startswith("Talousarvio") for t in titles)
    assert len(titles) >= 10
