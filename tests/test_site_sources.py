"""Sources on the whole-Finland site built from the committed snapshots: THL's definition link,
the producer and coverage note under Sotkanet indicators, and no empty source fragments."""

from __future__ import annotations

import csv
import re
import shutil
from datetime import UTC, datetime
from html import unescape
from pathlib import Path

import pytest
from project import REPO, make_project
from test_cli import run

from kuntadata.config import load_site_config
from kuntadata.paths import ProjectPaths
from kuntadata.site import build_site

DATASETS = (
    "families",
    "population",
    "home_care",
    "elderly_population",
    "municipal_election_turnout_2021",
)


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("site")
    make_project(root, DATASETS)
    for source, name in (
        ("sotkanet", "home_care"),
        ("sotkanet", "elderly_population"),
        ("files", "municipal_election_turnout_2021"),
        ("statfin", "families"),
        ("statfin", "population"),
    ):
        shutil.copytree(
            REPO / "data/raw" / source / name, root / "data/raw" / source / name, dirs_exist_ok=True
        )
    for folder in ("content", "site_templates"):
        (root / folder).symlink_to(REPO / folder)
    assert run(root, "--offline", "package").exit_code == 0
    paths = ProjectPaths(root)
    build_site(
        paths, load_site_config(paths.site_config), built_at=datetime(2026, 11, 23, tzinfo=UTC)
    )
    return paths.site


def text_of(path: Path) -> str:
    html = path.read_text("utf-8")
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", html)))


def test_sotkanet_indicator_credits_producer_and_links_thl_definition(site: Path) -> None:
    html = (site / "fi/kunta/091-helsinki/index.html").read_text("utf-8")
    assert 'href="https://sotkanet.fi/sotkanet/fi/metadata/indicators/5513"' in html
    text = text_of(site / "fi/kunta/091-helsinki/index.html")
    assert "Tuottaja Terveyden ja hyvinvoinnin laitos (THL)" in text
    assert "Lähde: THL, Sotkanet.fi / Terveyden ja hyvinvoinnin laitos (THL)." in text
    assert "Kattavuus THL päivittää tiedon kerran vuodessa" in text
    sv = text_of(site / "sv/kunta/091-helsingfors/index.html")
    assert "Producent Institutet för hälsa och välfärd (THL)" in sv


def test_no_empty_source_fragments_on_any_municipality_page(site: Path) -> None:
    pages = sorted(site.glob("*/kunta/*/index.html"))
    assert len(pages) == 3 * 308
    for page in pages[::37]:
        text = text_of(page)
        assert " ()" not in text, page
        assert "päivittänyt ." not in text and "updated by the source ." not in text, page


def test_two_processes_build_exactly_the_same_site_as_one(site: Path, tmp_path, monkeypatch):
    """The whole-Finland build forks a worker for half the municipality pages."""
    root = site.parent
    monkeypatch.setenv("KUNTADATA_SITE_WORKERS", "1")
    single = ProjectPaths(tmp_path)
    for folder in ("content", "site_templates"):
        (tmp_path / folder).symlink_to(REPO / folder)
    (tmp_path / "data").mkdir()
    (tmp_path / "data/package").symlink_to(root / "data/package")
    build_site(
        single, load_site_config(root / "site.yaml"), built_at=datetime(2026, 11, 23, tzinfo=UTC)
    )
    forked = {p.relative_to(site): p.read_bytes() for p in site.rglob("*") if p.is_file()}
    alone = {
        p.relative_to(single.site): p.read_bytes() for p in single.site.rglob("*") if p.is_file()
    }
    assert len(forked) == len(alone) > 2000  # 3 × 308 pages, a CSV per dataset, workbooks
    assert forked == alone


def test_every_page_credits_the_producers_and_the_licence(site: Path) -> None:
    for page in (
        "fi/index.html",
        "fi/uutta/index.html",
        "sv/data/index.html",
        "en/kunta/091-helsinki/index.html",
    ):
        html = (site / page).read_text("utf-8")
        assert "creativecommons.org/licenses/by/4.0/deed." in html, page
    assert "Aineistot: Tilastokeskus, THL, Sotkanet.fi." in text_of(site / "fi/index.html")
    assert "Data: Statistics Finland, THL, Sotkanet.fi." in text_of(site / "en/index.html")
    rows = (site / "data/fi/indikaattori/families.csv").read_text("utf-8").splitlines()
    header = "rank,area_code,area_name,period,value,fetched_at,source,source_url,licence"
    assert rows[0] == header
    cells = next(csv.reader([rows[1]]))
    assert cells[:5] == ["1", "KU091", "Helsinki", "2022", "161417"]
    assert re.fullmatch(r"\d{4}-\d\d-\d\d", cells[5])  # the snapshot's fetch date
    assert cells[6:] == [
        "Lähde: Tilastokeskus, perheet (taulukko 12c1)",
        "https://pxdata.stat.fi/PxWeb/api/v1/fi/StatFin/12c1.px",
        "CC-BY-4.0 https://creativecommons.org/licenses/by/4.0/",
    ]
