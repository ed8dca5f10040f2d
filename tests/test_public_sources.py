"""Published sources are the real ones: the package and the site built from the committed
snapshots name the producer's public table, the producer and the licence, never the local
emulator (127.0.0.1) the snapshots were seeded from; provenance.json keeps what happened.

Built from `data/raw/` as committed (every snapshotted dataset, so new datasets are covered
too), with the source URLs overridden to local addresses the way tests and seeding do, to
prove the override never reaches a published file.
"""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
import zipfile
from datetime import UTC, datetime
from urllib.parse import urlsplit

import pytest
from project import REPO, make_project
from test_cli import run

from kuntadata.config import load_site_config
from kuntadata.paths import ProjectPaths
from kuntadata.public_source import is_public_url, public_base
from kuntadata.site import build_site

LOCAL = re.compile(rb"127\.0\.0\.1|localhost")
FAMILIES_URL = "https://pxdata.stat.fi/PxWeb/api/v1/fi/StatFin/12c1.px"
OVERRIDES = {
    "KUNTADATA_STATFIN_URL": "http://127.0.0.1:9/PxWeb/api/v1",
    "KUNTADATA_SOTKANET_URL": "http://localhost:9/rest/1.1",
    "KUNTADATA_FILES_URL": "http://127.0.0.1:9",
}


def snapshotted() -> list[tuple[str, str]]:
    """(source folder, dataset id) of every committed snapshot that has a spec."""
    return [
        (p.parent.parent.name, p.parent.name)
        for p in sorted((REPO / "data/raw").glob("*/*/provenance.json"))
        if p.parent.parent.name in ("statfin", "sotkanet", "files")
        and (REPO / "datasets" / f"{p.parent.name}.yaml").exists()
    ]


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> ProjectPaths:
    root = tmp_path_factory.mktemp("public")
    datasets = snapshotted()
    make_project(root, tuple(name for _, name in datasets), scope="[MK01]")
    for source, name in [*datasets, ("geo", "municipalities")]:
        shutil.copytree(REPO / "data/raw" / source / name, root / "data/raw" / source / name)
    for folder in ("content", "site_templates"):
        (root / folder).symlink_to(REPO / folder)
    result = run(root, "--offline", "package", env=OVERRIDES)
    assert result.exit_code == 0, result.output
    paths = ProjectPaths(root)
    build_site(
        paths, load_site_config(paths.site_config), built_at=datetime(2026, 11, 23, tzinfo=UTC)
    )
    return paths


def descriptor(paths: ProjectPaths) -> dict:
    return json.loads((paths.package / "datapackage.json").read_text("utf-8"))


def resource(paths: ProjectPaths, name: str) -> dict:
    return next(r for r in descriptor(paths)["resources"] if r["name"] == name)


def provenance(paths: ProjectPaths, source: str, name: str) -> dict:
    return json.loads((paths.raw / source / name / "provenance.json").read_text("utf-8"))


def test_snapshots_were_seeded_locally_so_the_test_means_something(project) -> None:
    recorded = provenance(project, "statfin", "families")["files"]
    assert all(urlsplit(f["url"]).hostname == "127.0.0.1" for f in recorded), recorded


def test_families_source_is_the_public_statfin_table_with_producer_and_licence(project) -> None:
    families = resource(project, "families")
    assert [s["path"] for s in families["sources"]] == [FAMILIES_URL]
    assert families["sources"][0]["title"] == "Statistics Finland, StatFin table 12c1"
    source = families["x-kuntadata"]["source"]
    assert source["url"] == FAMILIES_URL
    assert source["url_by_lang"]["sv"] == "https://pxdata.stat.fi/PxWeb/api/v1/sv/StatFin/12c1.px"
    assert source["producer"] == {
        "fi": "Tilastokeskus",
        "sv": "Statistikcentralen",
        "en": "Statistics Finland",
    }
    assert source["licence"]["name"] == "CC-BY-4.0"
    assert families["licenses"][0]["path"] == "https://creativecommons.org/licenses/by/4.0/"
    assert FAMILIES_URL in [s["path"] for s in descriptor(project)["sources"]]


def test_query_bodies_are_published_exactly_as_recorded(project) -> None:
    """The real queries travel with the data; only the address is the public one."""
    for source, name in snapshotted():
        recorded = [f for f in provenance(project, source, name)["files"] if f["role"] == "data"]
        published = resource(project, name)["sources"]
        if source == "statfin":
            recorded_at = provenance(project, source, name)
            table = str(recorded_at["table"]).removesuffix(".px")
            public = f"https://pxdata.stat.fi/PxWeb/api/v1/fi/{recorded_at['database']}/{table}.px"
            assert published[0]["path"] == public
            assert published[0]["x-query"] == [f["body"] for f in recorded]
        if source == "sotkanet":
            requests = [urlsplit(s["x-request"]) for s in published]
            assert [r.query for r in requests] == [urlsplit(f["url"]).query for f in recorded]
            assert {f"{r.scheme}://{r.netloc}{r.path.rsplit('/', 1)[0]}" for r in requests} == {
                "https://sotkanet.fi/rest/1.1"
            }
            assert all(
                s["path"].startswith("https://sotkanet.fi/sotkanet/en/metadata/") for s in published
            )


def test_election_file_names_the_producers_page_and_the_declared_file(project) -> None:
    turnout = resource(project, "municipal_election_turnout_2021")
    assert turnout["sources"][0]["path"] == "https://stat.fi/tilasto/kvaa"
    assert turnout["sources"][0]["x-file"].startswith(
        "https://raw.githubusercontent.com/olliKolli1/CSS/e16f497a52b4877eabfbf97ab2899406a680c225/"
    )


def test_provenance_keeps_what_happened(project) -> None:
    """The package stage reads provenance.json and never rewrites it."""
    for source, name in snapshotted():
        path = f"data/raw/{source}/{name}/provenance.json"
        assert (project.root / path).read_bytes() == (REPO / path).read_bytes(), path


def test_no_published_file_names_a_local_address(project) -> None:
    """Every file under data/package/ and _site/data/, zip members included."""
    checked = 0
    for path in [*project.package.rglob("*"), *(project.site / "data").rglob("*")]:
        if not path.is_file():
            continue
        members = [(path.name, path.read_bytes())]
        if path.suffix == ".zip":
            with zipfile.ZipFile(path) as archive:
                members = [(n, archive.read(n)) for n in archive.namelist()]
        for member, data in members:
            assert not LOCAL.search(data), f"{path} {member}: {LOCAL.search(data)}"
            checked += 1
    assert checked > 100
    zipped = project.site / "data/kunta/kuntadata-091.zip"
    with zipfile.ZipFile(zipped) as archive:
        inner = json.loads(archive.read("datapackage.json"))
    families = next(r for r in inner["resources"] if r["name"] == "families")
    assert families["sources"][0]["path"] == FAMILIES_URL
    catalog = json.loads((project.site / "data/catalog.jsonld").read_text("utf-8"))
    entry = next(d for d in catalog["dcat:dataset"] if d["dct:identifier"] == "families")
    assert entry["dct:source"] == [{"@id": FAMILIES_URL}]
    assert {"@value": "Statistics Finland", "@language": "en"} in entry["dct:creator"]["foaf:name"]


def test_chart_csv_names_the_public_source_beside_the_licence(project) -> None:
    path = project.site / "data/kunta/091/091-helsinki-families.csv"
    rows = list(csv.DictReader(io.StringIO(path.read_text("utf-8"))))
    assert rows[0]["source"] == "Statistics Finland, StatFin table 12c1"
    assert rows[0]["source_url"] == FAMILIES_URL
    assert rows[0]["licence"] == "CC-BY-4.0"


def test_pages_credit_the_public_source_never_a_local_one(project) -> None:
    pages = sorted(project.site.rglob("*.html"))
    assert len(pages) > 100
    for page in pages:
        assert not LOCAL.search(page.read_bytes()), page
    catalogue = (project.site / "fi/data/index.html").read_text("utf-8")
    assert (
        f'<a href="{FAMILIES_URL}">Lähde: Tilastokeskus, perheet (taulukko 12c1)</a>' in catalogue
    )
    sv = (project.site / "sv/data/index.html").read_text("utf-8")
    assert 'href="https://pxdata.stat.fi/PxWeb/api/v1/sv/StatFin/12c1.px"' in sv
    helsinki = (project.site / "fi/kunta/091-helsinki/index.html").read_text("utf-8")
    based_on = re.search(r'"isBasedOn":(\[[^\]]*\])', helsinki)
    assert based_on and FAMILIES_URL in json.loads(based_on.group(1))


def test_public_addresses_only() -> None:
    assert is_public_url(FAMILIES_URL)
    for url in (
        "http://127.0.0.1:45699/PxWeb/api/v1/fi/StatFin/12c1.px",
        "http://localhost:8000/x.csv",
        "http://[::1]:9/x",
        "http://0.0.0.0/x",
        "data/raw/files/x.csv",
        "",
    ):
        assert not is_public_url(url), url


def test_a_local_base_in_site_yaml_falls_back_to_the_producers_own(tmp_path) -> None:
    text = (REPO / "site.yaml").read_text("utf-8")
    text = text.replace(
        "statfin: https://pxdata.stat.fi/PxWeb/api/v1", "statfin: http://127.0.0.1:8/api"
    )
    (tmp_path / "site.yaml").write_text(text, "utf-8")
    config = load_site_config(tmp_path / "site.yaml")
    assert public_base(config, "statfin") == "https://pxdata.stat.fi/PxWeb/api/v1"
    assert public_base(config, "sotkanet") == "https://sotkanet.fi/rest/1.1"
