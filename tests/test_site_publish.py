"""Publication: the DCAT-AP catalogue, the catalogue page, freshness lines, the what's-new
page and its Atom feed, and the fork's logo.

The catalogue and freshness tests use the small real package of tests/site_fixtures.py; the
what's-new test builds the package twice with the real package stage against the local PxWeb
emulator (a revised value and a new period, as in tests/test_changelog.py) and reads what a
reader sees on the page and in the feed.
"""

from __future__ import annotations

import csv
import json
import re
import shutil
from datetime import UTC, datetime
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest
from project import make_project as make_stage_project
from rdflib import Graph, Namespace, URIRef
from rdflib.namespace import DCTERMS, RDF
from site_fixtures import make_project, site_config
from test_statfin import run_fetch

from kuntadata.config import load_site_config
from kuntadata.dcat import COUNTRY_URI, municipality_uri
from kuntadata.errors import BuildError
from kuntadata.package import build_package
from kuntadata.paths import REPO_ROOT, ProjectPaths
from kuntadata.site import build_site

BUILT = datetime(2026, 11, 23, tzinfo=UTC)
BASE = "https://example.org/kuntadata/"
DCAT = Namespace("http://www.w3.org/ns/dcat#")
ATOM = "{http://www.w3.org/2005/Atom}"
NBSP = "\u00a0"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    paths = make_project(tmp_path_factory.mktemp("publish"))
    descriptor_path = paths.package / "datapackage.json"
    descriptor = json.loads(descriptor_path.read_text("utf-8"))
    for resource in descriptor["resources"]:
        meta = resource.get("x-kuntadata") or {}
        if meta.get("dataset") == "population":
            meta.update(cadence="yearly", next_release="2027-04-01")
        if meta.get("dataset") == "families":
            meta.update(cadence="yearly", periods=["2006", "2022"])
    descriptor_path.write_text(json.dumps(descriptor, ensure_ascii=False), "utf-8")
    build_site(paths, site_config(), built_at=BUILT)
    return paths.site


def text_of(html: str) -> str:
    return re.sub(r"[ \t\r\n]+", " ", re.sub(r"<[^>]+>", " ", html)).replace("&#39;", "'")


def page_text(site: Path, path: str) -> str:
    return text_of((site / path).read_text("utf-8"))


def test_dcat_catalogue_names_every_dataset_with_titles_licence_and_real_files(site: Path) -> None:
    graph = Graph().parse(data=(site / "data/catalog.jsonld").read_text("utf-8"), format="json-ld")
    descriptor = json.loads((site / "data/package/datapackage.json").read_text("utf-8"))
    names = [r["name"] for r in descriptor["resources"] if "x-kuntadata" in r]
    assert sorted(names) == ["families", "population"]
    assert set(graph.subjects(RDF.type, DCAT.Dataset)) == {
        URIRef(f"{BASE}data/#{name}") for name in names
    }
    for name in names:
        subject = URIRef(f"{BASE}data/#{name}")
        titles = {t.language: str(t) for t in graph.objects(subject, DCTERMS.title)}
        assert set(titles) == {"fi", "sv", "en"}, name
        licence = URIRef("http://creativecommons.org/licenses/by/4.0/")
        assert (subject, DCTERMS.license, licence) in graph
        distributions = graph.objects(subject, DCAT.distribution)
        urls = [str(graph.value(d, DCAT.downloadURL)) for d in distributions]
        assert f"{BASE}data/package/{name}.csv" in urls
        assert f"{BASE}data/kuntadata-package.zip" in urls
        for url in urls:
            assert (site / url.removeprefix(BASE)).is_file(), url
    titles = {t.language: str(t) for t in graph.objects(URIRef(f"{BASE}data/#families"),
                                                         DCTERMS.title)}  # fmt: skip
    assert titles == {"fi": "Perheet 31.12.", "sv": "Familjer 31.12", "en": "Families 31 December"}
    spatial = set(graph.objects(URIRef(f"{BASE}data/#families"), DCTERMS.spatial))
    expected = {URIRef(municipality_uri(c, 2026)) for c in ("KU049", "KU091", "KU092", "KU297")}
    assert spatial == expected | {URIRef(COUNTRY_URI)}
    population = set(graph.objects(URIRef(f"{BASE}data/#population"), DCTERMS.spatial))
    assert URIRef(municipality_uri("KU297", 2026)) not in population  # Kuopio: no rows


def test_catalogue_page_has_datacatalog_jsonld_link_and_freshness(site: Path) -> None:
    html = (site / "en/data/index.html").read_text("utf-8")
    script = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    data = json.loads(script.group(1))
    assert data["@type"] == "DataCatalog"
    assert {d["identifier"] for d in data["dataset"]} == {"families", "population"}
    assert all(d["distribution"][0]["contentUrl"].startswith(BASE) for d in data["dataset"])
    assert 'href="../../data/catalog.jsonld"' in html
    families = text_of(html.split('id="dataset-families"')[1].split("</article>")[0])
    assert "Latest period 2022" in families
    assert "Updated by the source 16 June 2023" in families
    assert "Fetched 23 November 2026" in families
    assert "Release cadence Yearly" in families
    # 16 June 2023 → 23 November 2026 is 1,255 full days, far beyond a yearly cadence
    assert "May be out of date. The source has not updated this data for 1,255 days" in families
    population = text_of(html.split('id="dataset-population"')[1].split("</article>")[0])
    assert "May be out of date" not in population
    assert "Next release 1 April 2027" in population
    fi = page_text(site, "fi/data/index.html")
    assert "Julkaisutiheys Vuosittain" in fi and "Seuraava julkaisu 1.4.2027" in fi
    assert "1/2 aineistosta voi olla vanhentunut" in fi


def test_chart_source_line_gives_dates_and_next_release(site: Path) -> None:
    html = (site / "en/kunta/091-helsinki/index.html").read_text("utf-8")
    captions = re.findall(r'<figcaption class="source"[^>]*>(.*?)</figcaption>', html, re.S)
    population = next(c for c in captions if "population structure" in c)
    assert (
        "Data fetched 23 November 2026, updated by the source 1 April 2026. "
        "Next release 1 April 2027." in population
    )
    families = next(c for c in captions if "families" in c)
    assert "updated by the source 16 June 2023." in families
    assert "has not updated this data for 1,255 days" in families
    # a dataset's later charts name the source and link its full credit above
    short = re.findall(r'<figcaption class="source">(.*?)</figcaption>', html, re.S)
    ids = re.findall(r'<figcaption class="source" id="([^"]+)">', html)
    assert short and all(re.search(r'<a href="#([\w-]+)">', c)[1] in ids for c in short)
    fi = (site / "fi/kunta/091-helsinki/index.html").read_text("utf-8")
    assert "Seuraava julkaisu 1.4.2027." in fi


def test_unknown_update_time_is_left_out_not_shown_blank(tmp_path: Path) -> None:
    paths = make_project(tmp_path)
    descriptor_path = paths.package / "datapackage.json"
    descriptor = json.loads(descriptor_path.read_text("utf-8"))
    for resource in descriptor["resources"]:
        (resource.get("x-kuntadata") or {}).pop("updated", None)
    descriptor_path.write_text(json.dumps(descriptor), "utf-8")
    build_site(paths, site_config(), built_at=BUILT)
    html = (paths.site / "en/kunta/091-helsinki/index.html").read_text("utf-8")
    full = r'<figcaption class="source" id="[^"]+">(.*?)</figcaption>'  # under a first chart
    captions = re.findall(full, html, re.S)
    assert captions and all("Data fetched 23 November 2026." in c for c in captions)
    assert not any("updated by the source" in c for c in captions)
    assert "Updated by the source not given by the source" in page_text(
        paths.site, "en/data/index.html"
    )


def test_every_page_links_the_feed_and_an_empty_changelog_says_so(site: Path) -> None:
    for lang in ("fi", "sv", "en"):
        pages = sorted((site / lang).rglob("index.html"))
        assert len(pages) > 10
        for page in pages:
            head = page.read_text("utf-8").split("</head>")[0]
            link = re.search(r'<link rel="alternate" type="application/atom\+xml" href="([^"]+)"',
                             head)  # fmt: skip
            assert link and link.group(1).endswith(f"{lang}/feed.xml"), page
            assert (page.parent / link.group(1)).resolve() == (site / lang / "feed.xml").resolve()
    assert "There are no changes yet." in page_text(site, "en/uutta/index.html")
    assert "Muutoksia ei ole vielä." in page_text(site, "fi/uutta/index.html")
    assert "Nytt" in page_text(site, "sv/uutta/index.html")
    feed = ET.parse(site / "en/feed.xml").getroot()
    assert feed.tag == f"{ATOM}feed" and feed.findall(f"{ATOM}entry") == []
    assert feed.findtext(f"{ATOM}updated") == "2026-11-23T00:00:00Z"


def test_whats_new_lists_revised_value_and_new_period(tmp_path, monkeypatch, pxweb_server) -> None:
    root = make_stage_project(tmp_path)
    spec = root / "datasets" / "families.yaml"
    full = spec.read_text("utf-8")
    spec.write_text(full.replace("time: all", "time: {values: ['2020', '2021']}"), "utf-8")
    paths, config, specs, areas, _ = run_fetch(root, monkeypatch, pxweb_server)
    build_package(paths, config, specs, areas)
    spec.write_text(full.replace("time: all", "time: {values: ['2020', '2021', '2022']}"), "utf-8")
    pxweb_server.status_cells[("KU091", "2021", "perhlkm")] = ".."
    paths, config, specs, areas, _ = run_fetch(root, monkeypatch, pxweb_server)
    build_package(paths, config, specs, areas)
    for name in ("content", "site_templates"):
        (root / name).symlink_to(REPO_ROOT / name, target_is_directory=True)
    build_site(ProjectPaths(root), load_site_config(root / "site.yaml"), built_at=BUILT)
    site = root / "_site"
    rows = list(csv.DictReader((root / "data/changelog.csv").open(encoding="utf-8")))
    date = rows[0]["date"]

    fi = page_text(site, "fi/uutta/index.html")
    day = datetime.fromisoformat(date.replace("Z", "+00:00"))
    assert f"{day.day}.{day.month}.{day.year} Perheet 2022: uusi vuosi, 309 kuntaa" in fi
    assert (
        f"Perheet 2021: korjattu: Perheitä, Helsinki 160{NBSP}797 → .. (tietoa ei ole "
        "saatu, se on liian epävarma esitettäväksi tai se on salassapidettävä)" in fi
    )
    sv = page_text(site, "sv/uutta/index.html")
    assert f"Familjer 2021: reviderat: Familjer, Helsingfors 160{NBSP}797 → .." in sv
    en = page_text(site, "en/uutta/index.html")
    assert "Families 2021: revised: Families, Helsinki 160,797 → .." in en
    assert "Families 2022: new year, 309 municipalities" in en
    assert en.index("Families 2022: new year") < en.index("revised: Families, Helsinki")

    feed = ET.parse(site / "en/feed.xml").getroot()
    assert feed.tag == f"{ATOM}feed"
    assert feed.findtext(f"{ATOM}id") == "https://kuntadata.github.io/kuntadata/en/uutta/"
    assert feed.findtext(f"{ATOM}title").startswith("What's new")
    self_link = feed.find(f"{ATOM}link[@rel='self']")
    assert self_link.get("href") == "https://kuntadata.github.io/kuntadata/en/feed.xml"
    entries = feed.findall(f"{ATOM}entry")
    assert [e.findtext(f"{ATOM}title") for e in entries] == [  # one per dataset and period
        "Families 2022: new year, 309 municipalities",
        "Families 2021: revised: Families, Helsinki 160,797 → .. (data not available, too "
        "uncertain to be presented, or confidential)",
    ]
    entry = entries[0]
    assert entry.findtext(f"{ATOM}id").startswith(
        "https://kuntadata.github.io/kuntadata/en/uutta/#"
    )
    assert entry.findtext(f"{ATOM}updated") == day.strftime("%Y-%m-%dT%H:%M:%SZ")
    assert feed.findtext(f"{ATOM}updated") == entry.findtext(f"{ATOM}updated")


def test_fork_logo_is_shown_with_the_site_title_as_alt_text(tmp_path: Path) -> None:
    shutil.copytree(REPO_ROOT / "site_templates", tmp_path / "site_templates")
    (tmp_path / "site_templates/static/logo.svg").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>', "utf-8"
    )
    paths = make_project(tmp_path)
    theme = {"primary_color": "#00594f", "logo": "static/logo.svg"}
    build_site(paths, site_config(theme=theme), built_at=BUILT)
    html = (paths.site / "sv/kunta/091-helsingfors/index.html").read_text("utf-8")
    assert '<img class="logo" src="../../../static/logo.svg" alt="Kommundata">' in html
    assert "--primary: #00594f" in html
    assert (paths.site / "static/logo.svg").is_file()
    missing = {"logo": "static/missing.svg"}
    with pytest.raises(BuildError, match=r"theme\.logo: .*site_templates/static/missing\.svg not"):
        build_site(paths, site_config(theme=missing))
