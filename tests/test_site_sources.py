"""Sources on the whole-Finland site built from the committed snapshots: THL's definition link,
the producer and coverage note under Sotkanet indicators, and no empty source fragments."""

from __future__ import annotations

import csv
import json
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


FAMILIES_URL = "https://pxdata.stat.fi/PxWeb/api/v1/fi/StatFin/12c1.px"


def test_one_ranking_csv_per_indicator_shared_by_every_language(site: Path) -> None:
    """The indicator page's download is one file for fi, sv and en, in the convention of the
    municipality files: names in every language, the public source and its licence."""
    path = site / "data/indikaattori/families.csv"
    rows = list(csv.DictReader(path.read_text("utf-8").splitlines()))
    assert list(rows[0]) == [
        "rank", "area_code", "area_name_fi", "area_name_sv", "area_name_en", "period",
        "indicator", "value", "status", "fetched_at", "source", "source_url", "licence",
    ]  # fmt: skip
    provenance = json.loads((site.parent / "data/raw/statfin/families/provenance.json")
                            .read_text("utf-8"))  # fmt: skip
    assert rows[0] == {
        "rank": "1", "area_code": "KU091", "area_name_fi": "Helsinki",
        "area_name_sv": "Helsingfors", "area_name_en": "Helsinki", "period": "2022",
        "indicator": "families", "value": "161417", "status": "",
        "fetched_at": provenance["fetched_at"][:10],  # the snapshot's fetch date
        "source": "Statistics Finland, StatFin table 12c1", "source_url": FAMILIES_URL,
        "licence": "CC-BY-4.0",
    }  # fmt: skip
    by_code = {row["area_code"]: row for row in rows}
    assert len(by_code) == len(rows) == 308  # each municipality once, every one with a figure
    assert (by_code["KU545"]["area_name_fi"], by_code["KU545"]["area_name_sv"]) == (
        "Närpiö", "Närpes")  # fmt: skip
    assert by_code["KU092"]["area_name_sv"] == "Vanda"
    assert {row["period"] for row in rows} == {"2022"}
    assert all(re.fullmatch(r"\d+", row["value"]) for row in rows)  # plain numbers
    assert [int(row["rank"]) for row in rows] == sorted(int(row["rank"]) for row in rows)
    for lang in ("fi", "sv", "en"):
        assert not (site / f"data/{lang}/indikaattori").exists(), lang
        assert not (site / f"data/{lang}").exists(), lang  # nothing per language under data/
        html = (site / f"{lang}/indikaattori/families/index.html").read_text("utf-8")
        download = re.search(r'<p class="download"><a href="([^"]+)" download="([^"]+)"', html)
        alternate = re.search(r'<link rel="alternate" type="text/csv" href="([^"]+)"', html)
        assert download and alternate, lang
        assert download.group(2) == "families.csv"  # saved under its own name
        assert download.group(1) == alternate.group(1) == "../../../data/indikaattori/families.csv"
        page = site / f"{lang}/indikaattori/families/"
        assert (page / download.group(1)).resolve() == path.resolve(), lang
