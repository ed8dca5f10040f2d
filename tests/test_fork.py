"""A fork for Pohjois-Karjala (`scope: [MK12]`) built from the real committed snapshots.

Everything a reader or a harvester meets must narrow to the region's 13 municipalities:
municipality pages, the home page's list (the search filters it), the sitemap and the DCAT
catalogue's dct:spatial; the region gets its aggregate page. A fork's mistakes (an unknown
scope code, a language without translations) stop the build with the message that says
what to fix.
"""

from __future__ import annotations

import csv
import dataclasses
import json
import re
import shutil
from datetime import UTC, datetime
from pathlib import Path

import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import DCTERMS
from test_cli import run

from kuntadata.areas import load_areas
from kuntadata.config import load_site_config
from kuntadata.dcat import COUNTRY_URI, municipality_uri
from kuntadata.errors import BuildError, KuntadataError
from kuntadata.paths import REPO_ROOT, ProjectPaths
from kuntadata.site import build_site

BUILT = datetime(2026, 11, 23, tzinfo=UTC)


def real_project(root: Path) -> Path:
    """site.yaml, every dataset spec and the committed snapshots, packaged offline."""
    root.mkdir(parents=True, exist_ok=True)
    shutil.copy(REPO_ROOT / "site.yaml", root / "site.yaml")
    shutil.copytree(REPO_ROOT / "datasets", root / "datasets")
    shutil.copytree(REPO_ROOT / "data" / "raw", root / "data" / "raw")
    for name in ("content", "site_templates"):
        (root / name).symlink_to(REPO_ROOT / name, target_is_directory=True)
    result = run(root, "--offline", "package")
    assert result.exit_code == 0, result.output
    return root


@pytest.fixture(scope="module")
def fork(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, set[str]]:
    root = real_project(tmp_path_factory.mktemp("fork") / "pohjois-karjala")
    config = load_site_config(root / "site.yaml")
    build_site(ProjectPaths(root), dataclasses.replace(config, scope=("MK12",)), built_at=BUILT)
    with (root / "data/package/areas.csv").open(encoding="utf-8") as handle:
        members = {
            r["code"] for r in csv.DictReader(handle)
            if r["level"] == "municipality" and r["region"] == "MK12" and not r["valid_to"]
        }  # fmt: skip
    return root / "_site", members


def test_only_the_regions_municipalities_get_pages(fork) -> None:
    site, members = fork
    assert len(members) == 13 and "KU167" in members
    for lang in ("fi", "sv", "en"):
        pages = {p.name.split("-")[0] for p in (site / lang / "kunta").iterdir()}
        assert pages == {code.removeprefix("KU") for code in members}, lang
    assert (site / "fi/kunta/167-joensuu/index.html").is_file()
    assert not (site / "fi/kunta/091-helsinki").exists()
    assert [p.name for p in (site / "fi/maakunta").iterdir()] == ["12-pohjois-karjala"]
    region = (site / "sv/maakunta/12-norra-karelen/index.html").read_text("utf-8")
    assert "Joensuu" in region and "Helsingfors" not in region
    assert sorted(p.name for p in (site / "data/kunta").glob("*.zip")) == sorted(
        f"kuntadata-{code.removeprefix('KU')}.zip" for code in members
    )
    shorts = {code.removeprefix("KU") for code in members}
    assert {p.name for p in (site / "data/kunta").iterdir() if p.is_dir()} == shorts


def test_home_list_and_sitemap_hold_only_the_region(fork) -> None:
    site, members = fork
    shorts = {code.removeprefix("KU") for code in members}
    home = (site / "fi/index.html").read_text("utf-8")
    linked = set(re.findall(r'href="\.\./fi/kunta/(\d{3})-[^"/]+/"', home))
    assert linked == shorts
    assert ">Joensuu<" in home and ">Helsinki<" not in home
    sitemap = (site / "sitemap.xml").read_text("utf-8")
    in_map = set(re.findall(r"<loc>[^<]*/kunta/(\d{3})-[^<]*</loc>", sitemap))
    assert in_map == shorts
    regions = set(re.findall(r"<loc>[^<]*/maakunta/(\d{2})-[^<]*</loc>", sitemap))
    assert regions == {"12"}


def test_catalogue_spatial_is_the_region_and_the_country(fork) -> None:
    site, members = fork
    graph = Graph().parse(data=(site / "data/catalog.jsonld").read_text("utf-8"), format="json-ld")
    allowed = {URIRef(municipality_uri(code, 2026)) for code in members} | {URIRef(COUNTRY_URI)}
    spatial = set(graph.objects(None, DCTERMS.spatial))
    assert spatial and spatial <= allowed
    assert URIRef(municipality_uri("KU167", 2026)) in spatial
    assert URIRef(municipality_uri("KU091", 2026)) not in spatial
    document = json.loads((site / "data/catalog.jsonld").read_text("utf-8"))
    assert document["@type"] == "dcat:Catalog"


def test_unknown_scope_code_names_close_matches_like_the_package_stage(tmp_path: Path) -> None:
    root = real_project(tmp_path / "fork")
    with pytest.raises(KuntadataError) as expected:
        load_areas(root / "data/raw/classification/areas").resolve_scope(("MK99",))
    first_line = str(expected.value).splitlines()[0]
    assert first_line == (
        "scope: MK99 is not an area code; close matches: MK09 Etelä-Karjala, MK19 Lappi"
    )
    config = dataclasses.replace(load_site_config(root / "site.yaml"), scope=("MK99",))
    with pytest.raises(KuntadataError) as raised:
        build_site(ProjectPaths(root), config)
    assert str(raised.value).splitlines()[0] == first_line
    assert "site.yaml" in str(raised.value)
    site_yaml = root / "site.yaml"
    site_yaml.write_text(site_yaml.read_text("utf-8").replace("scope: all", "scope: [MK99]"))
    result = run(root, "--offline", "site")
    assert result.exit_code == 1
    assert first_line in result.output
    assert not (root / "_site").exists()


def test_language_without_translations_says_where_the_catalogue_goes(tmp_path: Path) -> None:
    root = real_project(tmp_path / "fork")
    config = dataclasses.replace(load_site_config(root / "site.yaml"), languages=("fi", "de"))
    with pytest.raises(BuildError) as raised:
        build_site(ProjectPaths(root), config)
    message = str(raised.value)
    assert "unknown language 'de'" in message
    assert "kuntadata/site/locale/de/LC_MESSAGES/messages.po" in message
    site_yaml = root / "site.yaml"
    site_yaml.write_text(site_yaml.read_text("utf-8").replace("[fi, sv, en]", "[fi, de]"))
    result = run(root, "--offline", "site")
    assert result.exit_code == 1
    assert "languages" in result.output and "de" in result.output


def test_ranks_in_a_fork_are_among_the_forks_municipalities(fork) -> None:
    site, _ = fork
    html = (site / "fi/kunta/167-joensuu/index.html").read_text("utf-8")
    # Joensuu had the most families in Pohjois-Karjala in 2022 (12th in all of Finland).
    assert "Sijoitus (suurin ensin)</dt><dd>sijalla 1 / 13 kunnasta, joista on tieto" in html
    assert "/ 308" not in html and "/308" not in html
