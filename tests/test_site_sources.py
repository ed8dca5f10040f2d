"""Sources on the whole-Finland site built from the committed snapshots: THL's definition link,
the producer and coverage note under Sotkanet indicators, and no empty source fragments."""

from __future__ import annotations

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
