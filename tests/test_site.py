"""Site stage: pages, numbers, sentences, downloads and every bad-input message.

Each test builds a small real package (tests/site_fixtures.py) and checks what a reader
sees: a number on a page, a CSV cell, an error's text.
"""

from __future__ import annotations

import ast
import csv
import io
import json
import re
import zipfile
from datetime import UTC, datetime
from pathlib import Path

import pytest

from kuntadata.errors import BuildError
from kuntadata.site import build_site
from kuntadata.site.fmt import number, percent

try:
    from tests.site_fixtures import make_project, site_config
except ModuleNotFoundError:  # pytest run without the repository root on sys.path
    from site_fixtures import make_project, site_config

BUILT = datetime(2026, 11, 23, tzinfo=UTC)
NBSP = "\u00a0"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    paths = make_project(tmp_path_factory.mktemp("site"))
    build_site(paths, site_config(), built_at=BUILT)
    return paths.site


def read(site: Path, path: str) -> str:
    return (site / path).read_text(encoding="utf-8")


def text_of(html: str) -> str:
    return re.sub(r"[ \t\r\n]+", " ", re.sub(r"<[^>]+>", " ", html))


def test_number_formats_follow_the_locale() -> None:
    assert number(1234.5, 1, "fi") == f"1{NBSP}234,5"
    assert number(1234.5, 1, "sv") == f"1{NBSP}234,5"
    assert number(1234.5, 1, "en") == "1,234.5"
    assert percent(0.008, "fi") == f"0,8{NBSP}%"
    assert percent(-0.0123, "en", signed=True) == f"\u22121.2{NBSP}%"


def test_every_page_of_the_url_layout_exists(site: Path) -> None:
    for path in [
        "index.html", "404.html", "sitemap.xml",
        "fi/index.html", "sv/index.html", "en/index.html",
        "fi/kunta/091-helsinki/index.html", "sv/kunta/091-helsingfors/index.html",
        "en/kunta/091-helsinki/index.html", "fi/kunta/297-kuopio/index.html",
        "fi/maakunta/01-uusimaa/index.html", "sv/maakunta/01-nyland/index.html",
        "fi/indikaattori/families/index.html", "fi/data/index.html",
        "fi/tietoa/index.html", "sv/saavutettavuus/index.html",
        "data/kuntadata-package.zip", "data/kunta/kuntadata-091.zip",
    ]:  # fmt: skip
        assert (site / path).is_file(), path


def test_municipality_page_sentence_has_real_figures_and_direction(site: Path) -> None:
    """Title and area stand as labels in their dictionary form ("Perheitä (Helsinki, 2022):"),
    so neither Finnish nor Swedish has to inflect them and English needs no article."""
    fi = text_of(read(site, "fi/kunta/091-helsinki/index.html"))
    # Helsinki 2024 684 018 → 2025 694 392 (+1.5 %); whole country 5 635 971 → 5 652 881
    assert (
        f"Väkiluku (Helsinki, 2025): 694{NBSP}392{NBSP}henkeä, kasvua 1,5{NBSP}% edellisestä "
        "vuodesta." in fi
    )
    assert f"Koko maa: 5{NBSP}652{NBSP}881{NBSP}henkeä, kasvua 0,3{NBSP}%." in fi
    assert "Vertailualue" not in fi and "kasvoi" not in fi
    sv = text_of(read(site, "sv/kunta/091-helsingfors/index.html"))
    assert (
        f"Folkmängd (Helsingfors, 2025): 694{NBSP}392{NBSP}personer, en ökning med 1,5{NBSP}% "
        "från föregående år." in sv
    )
    assert f"Hela landet: 5{NBSP}652{NBSP}881{NBSP}personer, en ökning med 0,3{NBSP}%." in sv
    en = text_of(read(site, "en/kunta/297-kuopio/index.html"))
    # Kuopio families 2021 31 913 → 2022 32 041; North Savo fell; whole country fell
    assert (
        f"Number of families (Kuopio, 2022): 32,041{NBSP}families, up 0.4{NBSP}% from the "
        "previous year." in en
    )
    # The fixture's areas table lists Kuopio alone in North Savo: an area covering exactly
    # the same municipalities is left out of the comparison (areas_view.related).
    kuopio = read(site, "en/kunta/297-kuopio/index.html").split('id="families"')[1]
    assert '<li class="k0">Kuopio</li><li class="k1">Whole country</li></ul>' in kuopio
    assert '<p class="subtitle">2006–2022</p>' in kuopio
    assert "Average family size (Kuopio, 2022): " in en and "unchanged from the previous" in en


def test_headline_figures_show_value_period_changes_and_rank(site: Path) -> None:
    page = text_of(read(site, "en/kunta/091-helsinki/index.html"))
    assert "694,392 persons Period 2025 Change in one year +1.5" in page
    assert "Change in five years no data" in page  # 2020 is not in the package
    assert "Rank (largest first) 1 of 3 municipalities with data" in page


def test_missing_rows_are_said_in_words_never_a_blank_chart(site: Path) -> None:
    html = read(site, "en/kunta/297-kuopio/index.html")
    block = html.split('id="population"')[1].split("</article>")[0]
    assert "Population (Kuopio): no data, not fetched for this municipality." in block
    assert "data-spec" not in block and "<table" not in block
    assert not (site / "data/kunta/297/297-kuopio-population.csv").exists()


def test_status_symbol_shows_the_reason(tmp_path: Path) -> None:
    paths = make_project(tmp_path)
    families = paths.package / "families.csv"
    rows = families.read_text(encoding="utf-8").splitlines()
    rows = ["KU297,2022,families,,.." if r.startswith("KU297,2022,families,") else r for r in rows]
    families.write_text("\n".join(rows) + "\n", encoding="utf-8")
    build_site(paths, site_config(), built_at=BUILT)
    page = text_of(read(paths.site, "en/kunta/297-kuopio/index.html"))
    assert (
        "Number of families (Kuopio, 2022): no figure; data not available, too uncertain to be "
        "presented, or confidential." in page
    )
    with (paths.site / "data/kunta/297/297-kuopio-families.csv").open(encoding="utf-8") as handle:
        row = next(r for r in csv.DictReader(handle) if r["period"] == "2022")
    assert (row["value"], row["status"]) == ("", "..")
    with (paths.site / "data/labels.csv").open(encoding="utf-8") as handle:
        meaning = next(
            r for r in csv.DictReader(handle) if r["kind"] == "status" and r["code"] == ".."
        )
    assert meaning["en"].startswith("data not available")


def test_chart_csv_matches_table_and_names_source_and_licence(site: Path) -> None:
    with (site / "data/kunta/091/091-helsinki-families.csv").open(encoding="utf-8") as handle:
        rows = [r for r in csv.DictReader(handle) if r["indicator"] == "families"]
    assert {r["area_code"] for r in rows} == {"KU091", "MK01", "SSS"}
    helsinki_2022 = next(r for r in rows if r["area_code"] == "KU091" and r["period"] == "2022")
    assert helsinki_2022["value"] == "161417"
    assert helsinki_2022["source"] == "Lähde: Tilastokeskus, perheet"  # no public address here
    assert helsinki_2022["licence"] == "CC-BY-4.0"
    html = read(site, "fi/kunta/091-helsinki/index.html")
    table = html.split('id="families"')[1].split("</table>")[0]
    assert f"<th>2022<td>161{NBSP}417<td>" in table  # optional end tags left out
    block = html.split('id="families"')[1].split("</article>")[0]
    assert 'href="../../../data/kunta/091/091-helsinki-families.csv"' in block  # its dataset's
    assert '<svg class="chart-svg"' in block  # drawn at build time, no script needed


def test_language_versions_and_bilingual_names(site: Path) -> None:
    sv = read(site, "sv/kunta/091-helsingfors/index.html")
    assert '<html lang="sv">' in sv
    assert '<h1><span lang="fi">Helsinki</span> – Helsingfors</h1>' in sv  # its own languages
    assert 'hreflang="fi" href="https://example.org/kuntadata/fi/kunta/091-helsinki/"' in sv
    assert 'href="../../../fi/kunta/091-helsinki/" lang="fi" hreflang="fi"' in sv
    fi = read(site, "fi/kunta/091-helsinki/index.html")
    assert '<h1>Helsinki – <span lang="sv">Helsingfors</span></h1>' in fi
    assert "Siirry sisältöön" in fi and "Hoppa till innehållet" in sv
    kuopio = read(site, "fi/kunta/297-kuopio/index.html")
    assert "<h1>Kuopio</h1>" in kuopio


def test_metadata_jsonld_og_csv_alternates_and_dates(site: Path) -> None:
    html = read(site, "en/kunta/091-helsinki/index.html")
    data = json.loads(re.search(r'application/ld\+json">(.*?)</script>', html).group(1))
    assert data["@type"] == "Dataset" and data["spatialCoverage"]["identifier"] == "KU091"
    assert data["temporalCoverage"] == "2006/2025"
    assert '<meta property="og:title" content="Helsinki – Helsingfors – Municipal data">' in html
    assert (
        '<link rel="alternate" type="text/csv" href="../../../data/kunta/091/091-helsinki-' in html
    )
    assert "Site built on 23 November 2026" in html
    assert "Data fetched 23 November 2026, updated by the source 1 April 2026." in html
    sitemap = read(site, "sitemap.xml")
    assert "<loc>https://example.org/kuntadata/sv/kunta/091-helsingfors/</loc>" in sitemap


def test_accessibility_statement_uses_site_contact(site: Path) -> None:
    html = read(site, "fi/saavutettavuus/index.html")
    page = text_of(html)
    assert "Esimerkkikunta" in page and "1.11.2026" in page
    assert "Kerro siitä meille: avoindata@example.org tai https://example.org/palaute" in page
    assert '<a href="mailto:avoindata@example.org">avoindata@example.org</a>' in html
    assert '<a href="https://example.org/palaute">https://example.org/palaute</a>' in html


def write_site_yaml(root: Path, old: str, new: str) -> Path:
    """The repository's site.yaml with one piece of text replaced, in `root`."""
    text = (Path(__file__).parent.parent / "site.yaml").read_text(encoding="utf-8")
    assert old in text, old
    (root / "site.yaml").write_text(text.replace(old, new, 1), encoding="utf-8")
    return root / "site.yaml"


@pytest.mark.parametrize(
    "old, new, message",
    [
        ("  email: saavutettavuus@kuntadata.invalid\n", "",
         "site.yaml:16: contact.email: missing; add the address where readers report "
         "accessibility problems, e.g. `email: saavutettavuus@example.fi`"),
        ("saavutettavuus@kuntadata.invalid", "saavutettavuus at kunta.fi",
         "site.yaml:23: contact.email: 'saavutettavuus at kunta.fi' is not an email address; "
         "write it as name@domain, e.g. saavutettavuus@example.fi"),
        ("https://github.com/kuntadata/kuntadata/issues", "www.kunta.fi/palaute",
         "site.yaml:24: contact.feedback_url: 'www.kunta.fi/palaute' is not a web address; "
         "write it with https://, e.g. https://example.fi/palaute, or remove the key"),
        ("contact:  ", "contact_removed:  ",
         "site.yaml:1: contact: missing; add the address where readers report accessibility "
         "problems, e.g. `contact: {email: saavutettavuus@example.fi}` (the accessibility "
         "statement links to it)"),
    ],
)  # fmt: skip
def test_site_yaml_contact_is_required_and_checked(
    tmp_path: Path, old: str, new: str, message: str
) -> None:
    from kuntadata.config import load_site_config
    from kuntadata.errors import SpecError

    path = write_site_yaml(tmp_path, old, new)
    if new.startswith("contact_removed"):  # the whole block goes, not only its key
        text = path.read_text(encoding="utf-8")
        path.write_text(re.sub(r"contact_removed:.*?\n(?=theme:)", "", text, flags=re.S))
    with pytest.raises(SpecError) as caught:
        load_site_config(path)
    assert caught.value.problems == [message]
    assert str(caught.value).endswith("Aborted with 1 error in site.yaml")


def test_repository_site_yaml_marks_its_placeholder_address() -> None:
    """The published default has no real mailbox: the address is RFC 2606's reserved
    `.invalid`, said to be a placeholder, and the fork guide says to change it."""
    from kuntadata.config import load_site_config

    repo = Path(__file__).parent.parent
    config = load_site_config(repo / "site.yaml")
    assert config.contact["email"].endswith(".invalid")
    assert "PLACEHOLDER" in (repo / "site.yaml").read_text(encoding="utf-8")
    assert "Change `contact.email` first." in (repo / "docs/forking.md").read_text("utf-8")


def test_municipality_zip_is_a_valid_data_package(site: Path, tmp_path: Path) -> None:
    frictionless = pytest.importorskip("frictionless")
    with zipfile.ZipFile(site / "data/kunta/kuntadata-091.zip") as archive:
        archive.extractall(tmp_path)
        names = archive.namelist()
    assert names[0] == "datapackage.json"
    report = frictionless.validate(str(tmp_path / "datapackage.json"))
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])
    with (tmp_path / "families.csv").open(encoding="utf-8") as handle:
        areas = {row["area"] for row in csv.DictReader(handle)}
    assert areas == {"KU091", "MK01", "SSS"}


def test_home_lists_every_municipality_for_search(site: Path) -> None:
    html = read(site, "fi/index.html")
    assert 'data-names="helsingfors helsinki"' in html
    assert '<a href="../fi/kunta/297-kuopio/">Kuopio</a>' in html
    root = read(site, "index.html")
    assert 'href="fi/" lang="fi"' in root and "<script" not in root


def test_label_with_script_is_escaped(tmp_path: Path) -> None:
    paths = make_project(tmp_path)
    descriptor_path = paths.package / "datapackage.json"
    descriptor = json.loads(descriptor_path.read_text(encoding="utf-8"))
    families = next(r for r in descriptor["resources"] if r["name"] == "families")
    families["x-kuntadata"]["indicators"][0]["title"]["en"] = "<script>alert(1)</script>"
    descriptor_path.write_text(json.dumps(descriptor), encoding="utf-8")
    build_site(paths, site_config(), built_at=BUILT)
    html = read(paths.site, "en/kunta/091-helsinki/index.html")
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    ranking = read(paths.site, "en/indikaattori/families/index.html")
    assert "<script>alert" not in ranking


def test_missing_package_says_to_run_package(tmp_path: Path) -> None:
    paths = make_project(tmp_path)
    for file in paths.package.iterdir():
        file.unlink()
    paths.package.rmdir()
    with pytest.raises(BuildError, match=r"run `python build\.py package` first"):
        build_site(paths, site_config())


def test_dataset_without_metadata_is_refused(tmp_path: Path) -> None:
    paths = make_project(tmp_path)
    descriptor_path = paths.package / "datapackage.json"
    descriptor = json.loads(descriptor_path.read_text(encoding="utf-8"))
    del next(r for r in descriptor["resources"] if r["name"] == "families")["x-kuntadata"]
    descriptor_path.write_text(json.dumps(descriptor), encoding="utf-8")
    with pytest.raises(BuildError, match="resource 'families' has no x-kuntadata metadata"):
        build_site(paths, site_config())


def test_unknown_language_is_refused(tmp_path: Path) -> None:
    paths = make_project(tmp_path)
    with pytest.raises(BuildError, match="unknown language 'de'"):
        build_site(paths, site_config(languages=("fi", "de")))


def test_failed_build_keeps_the_previous_site(tmp_path: Path) -> None:
    paths = make_project(tmp_path)
    build_site(paths, site_config(), built_at=BUILT)
    before = read(paths.site, "fi/kunta/091-helsinki/index.html")
    (paths.package / "families.csv").unlink()
    with pytest.raises(BuildError, match=r"families\.csv: listed in datapackage\.json but missing"):
        build_site(paths, site_config())
    assert read(paths.site, "fi/kunta/091-helsinki/index.html") == before
    assert not list(tmp_path.glob("_site.tmp-*"))


def test_build_is_deterministic(tmp_path: Path) -> None:
    first = make_project(tmp_path / "a")
    second = make_project(tmp_path / "b")
    build_site(first, site_config(), built_at=BUILT)
    build_site(second, site_config(), built_at=BUILT)
    for path in ("fi/kunta/091-helsinki/index.html", "data/kunta/kuntadata-091.zip"):
        assert (first.site / path).read_bytes() == (second.site / path).read_bytes(), path


def test_site_never_imports_sources() -> None:
    for module in Path("kuntadata/site").rglob("*.py"):
        tree = ast.parse(module.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom):
                assert "sources" not in (node.module or ""), module
            if isinstance(node, ast.Import):
                assert not any("sources" in a.name for a in node.names), module


def test_every_ui_string_is_translated() -> None:
    from babel.messages.pofile import read_po

    for lang in ("fi", "sv"):
        path = Path(f"kuntadata/site/locale/{lang}/LC_MESSAGES/messages.po")
        catalog = read_po(io.BytesIO(path.read_bytes()))
        untranslated = [m.id for m in catalog if m.id and not m.string]
        assert not untranslated, (lang, untranslated)


def test_every_string_in_the_code_and_templates_has_a_translation() -> None:
    """An English source text missing from the fi/sv catalogues would silently show English
    on a Finnish page; extract every `_`, `N_` and `p_` (context) call like pybabel does."""
    from babel.messages.extract import extract_from_dir
    from babel.messages.pofile import read_po

    keywords = {"_": None, "N_": None, "p_": ((1, "c"), 2), "gettext": None}
    method_map = [("kuntadata/site/**.py", "python"), ("site_templates/**.html", "jinja2")]
    options = {"site_templates/**.html": {"extensions": "jinja2.ext.i18n"}}
    used = {
        (message if isinstance(message, str) else message[0], context)
        for root in (".",)
        for _file, _line, message, _comments, context in extract_from_dir(
            root, method_map, options, keywords=keywords
        )
    }
    for lang in ("fi", "sv"):
        path = Path(f"kuntadata/site/locale/{lang}/LC_MESSAGES/messages.po")
        catalog = read_po(io.BytesIO(path.read_bytes()))
        known = {(m.id if isinstance(m.id, str) else m.id[0], m.context) for m in catalog if m.id}
        assert not sorted(used - known, key=str), (lang, sorted(used - known, key=str))
