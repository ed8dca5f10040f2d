"""Small holes (issue 12, part 9): XML escaping, CSV injection, Markdown injection from
site.yaml, optional dimension labels, duplicate YAML keys, an empty scope.

The site-level checks build one small site from the real fixture package (tests/site_fixtures.py)
with hostile site.yaml values and a hostile indicator title, then read the files a reader or
a machine would: sitemap.xml and feed.xml through an XML parser, the CSVs through the csv
module, the accessibility statement's HTML.
"""

from __future__ import annotations

import csv
import io
import json
import shutil
import xml.etree.ElementTree as ET
from datetime import UTC, datetime
from pathlib import Path

import pytest
from project import make_project as make_fetch_project
from site_fixtures import make_project, site_config

from kuntadata.areas import load_areas
from kuntadata.config import load_site_config
from kuntadata.errors import SpecError
from kuntadata.fetch import fetch_datasets
from kuntadata.package import AREAS_DIR, build_package
from kuntadata.paths import REPO_ROOT, ProjectPaths
from kuntadata.site import build_site
from kuntadata.site.csvsafe import safe_rows, text_cell
from kuntadata.spec import load_dataset_spec, load_dataset_specs

BUILT = datetime(2026, 11, 23, tzinfo=UTC)
BASE_URL = 'https://example.org/a"b&c/'
FORMULA = '=HYPERLINK("http://x","y")'
SCRIPT_TAG = "<img src=x onerror=alert(1)>"
MARKDOWN_IMAGE = "![pixel](https://example.org/pixel.png)"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
XHTML = "{http://www.w3.org/1999/xhtml}"
ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A site whose base_url has `"` and `&`, whose site.yaml values hold HTML and Markdown,
    and whose families indicator is titled with a spreadsheet formula."""
    paths = make_project(tmp_path_factory.mktemp("holes"))
    descriptor_path = paths.package / "datapackage.json"
    descriptor = json.loads(descriptor_path.read_text("utf-8"))
    families = next(r for r in descriptor["resources"] if r["name"] == "families")
    indicator = families["x-kuntadata"]["indicators"][0]
    indicator["title"] = {lang: FORMULA for lang in ("fi", "sv", "en")}
    descriptor_path.write_text(json.dumps(descriptor, ensure_ascii=False), "utf-8")
    config = site_config(
        base_url=BASE_URL,
        title={"fi": 'Data & "luvut"', "sv": 'Data & "tal"', "en": 'Data & "figures"'},
        contact={
            "organisation": {"fi": SCRIPT_TAG, "sv": MARKDOWN_IMAGE, "en": MARKDOWN_IMAGE},
            "email": SCRIPT_TAG,
            "feedback_url": MARKDOWN_IMAGE,
            "statement_date": "2026-11-01",
        },
    )
    build_site(paths, config, built_at=BUILT)
    return paths.site


# --- (a) every generated XML parses, with the base URL's `"` and `&` intact ---------------


def test_sitemap_parses_and_keeps_the_base_url(hostile_site: Path) -> None:
    root = ET.parse(hostile_site / "sitemap.xml").getroot()
    urls = root.findall(f"{SITEMAP}url")
    assert urls
    locs = [u.findtext(f"{SITEMAP}loc") for u in urls]
    assert f"{BASE_URL}en/" in locs
    hrefs = {link.get("href") for u in urls for link in u.findall(f"{XHTML}link")}
    assert f"{BASE_URL}fi/" in hrefs and all(h.startswith(BASE_URL) for h in hrefs)


@pytest.mark.parametrize("lang", ["fi", "sv", "en"])
def test_atom_feed_parses_and_keeps_the_base_url(hostile_site: Path, lang: str) -> None:
    feed = ET.parse(hostile_site / lang / "feed.xml").getroot()
    assert feed.findtext(f"{ATOM}id").startswith(BASE_URL)
    assert '"' in feed.findtext(f"{ATOM}title") and "&" in feed.findtext(f"{ATOM}title")
    self_link = next(link for link in feed.findall(f"{ATOM}link") if link.get("rel") == "self")
    assert self_link.get("href") == f"{BASE_URL}{lang}/feed.xml"


# --- (b) CSV injection ---------------------------------------------------------------------


def site_csv_cells(site: Path) -> list[tuple[str, str, str]]:
    """(file, column, cell) of every CSV the site publishes outside the package copy."""
    cells = []
    for path in sorted((site / "data").rglob("*.csv")):
        if "package" in path.relative_to(site / "data").parts:
            continue  # the data package itself: codes and numbers, read by machines
        rows = list(csv.reader(io.StringIO(path.read_text("utf-8"))))
        for row in rows[1:]:
            cells += [(path.name, column, cell) for column, cell in zip(rows[0], row, strict=False)]
    return cells


def test_formula_title_reaches_the_csvs_only_as_text(hostile_site: Path) -> None:
    cells = site_csv_cells(hostile_site)
    assert not [c for c in cells if c[2].startswith("=")], "a cell a spreadsheet would run"
    assert any(cell == "'" + FORMULA for _, _, cell in cells), "the title is in a CSV, neutralised"
    values = [cell for _, column, cell in cells if column == "value" and cell]
    assert values and all(float(v) == float(v) for v in values)  # numbers stay numbers


def test_only_text_columns_are_neutralised() -> None:
    header = ["area_code", "area_name", "period", "value", "status", "source", "fi"]
    rows = [["KU091", "-Helsinki", "2025", "-13377", "-", "@x", "+358"]]
    assert safe_rows(header, rows) == [
        ["KU091", "'-Helsinki", "2025", "-13377", "-", "'@x", "'+358"]
    ]
    assert [text_cell(c) for c in ("\tcmd", "\rcmd", "Helsinki", "")] == [
        "'\tcmd", "'\rcmd", "Helsinki", ""
    ]  # fmt: skip


# --- (c) site.yaml values inserted into Markdown stay text ----------------------------------


@pytest.mark.parametrize("lang, section", [("fi", "saavutettavuus"), ("en", "saavutettavuus")])
def test_site_yaml_values_are_not_markup_on_the_statement(
    hostile_site: Path, lang: str, section: str
) -> None:
    html = (hostile_site / lang / section / "index.html").read_text("utf-8")
    main = html[html.index("<main") : html.index("</main>")]
    assert "<img" not in main
    assert "&lt;img src=x onerror=alert(1)&gt;" in main  # shown as the text it is
    assert "![pixel](https://example.org/pixel.png)" in main


# --- (d) dimensions without labels, as documented in docs/datasets.md ---------------------

UI_DOWNLOAD = REPO_ROOT / "tests" / "fixtures" / "statfin" / "statfin_tjt_128c_ui_download_en.csv"
DOCUMENTED_SPEC = """title: {fi: Tulot desiileittäin, sv: Inkomster, en: Income by decile}
theme: economy
source:
  kind: file
  path: files/128c.csv
  area: SSS
  columns: {indicator: Information}
  dimensions: [{column: Decile, name: decile}]
  pivot: {column: period}
indicators:
  - id: gross_income
    select: 6. GROSS INCOME, mean
    title: {fi: Bruttotulot, sv: Bruttoinkomster, en: Gross income}
    unit: {fi: euroa, sv: euro, en: euros}
"""


def test_documented_dimensions_example_without_labels_packages(tmp_path: Path) -> None:
    root = make_fetch_project(tmp_path, ())
    (root / "datasets" / "income_deciles.yaml").write_text(DOCUMENTED_SPEC, "utf-8")
    (root / "files").mkdir()
    shutil.copy(UI_DOWNLOAD, root / "files" / "128c.csv")
    paths = ProjectPaths(root)
    config = load_site_config(paths.site_config)
    specs = load_dataset_specs(paths.datasets)
    areas = load_areas(paths.raw / AREAS_DIR)
    summary = fetch_datasets(paths, config, specs, areas, report=lambda _: None)
    assert [o.status for o in summary.outcomes] == ["fetched"]
    package = build_package(paths, config, specs, areas)  # raised on the enum "[]" before
    assert package.rows == 40  # 10 deciles × 4 years of the real file
    descriptor = json.loads((paths.package / "datapackage.json").read_text("utf-8"))
    resource = next(r for r in descriptor["resources"] if r["name"] == "income_deciles")
    field = next(f for f in resource["schema"]["fields"] if f["name"] == "decile")
    assert len(field["constraints"]["enum"]) == 10
    assert "I (Lowest-income 10 %)" in field["constraints"]["enum"]
    values = resource["x-kuntadata"]["dimensions"][0]["values"]
    assert list(values)[:3] == ["I (Lowest-income 10 %)", "II", "III"]  # the file's order
    assert values["II"] == {"fi": "II", "sv": "II", "en": "II"}  # the file's own text


# --- (e) duplicate YAML keys ---------------------------------------------------------------


def test_duplicate_key_in_site_yaml_names_file_and_lines(tmp_path: Path) -> None:
    text = (REPO_ROOT / "site.yaml").read_text("utf-8")
    lines = text.splitlines()
    scope_line = next(i for i, line in enumerate(lines, 1) if line.startswith("scope:"))
    (tmp_path / "site.yaml").write_text(text + "scope: [MK12]\n", "utf-8")
    with pytest.raises(SpecError) as caught:
        load_site_config(tmp_path / "site.yaml")
    assert str(caught.value).startswith(
        f"site.yaml:{len(lines) + 1}: duplicate key 'scope' (first on line {scope_line}); "
        "YAML would keep only the last value"
    )


def test_duplicate_key_in_a_dataset_spec_names_file_and_lines(tmp_path: Path) -> None:
    text = (REPO_ROOT / "datasets" / "families.yaml").read_text("utf-8")
    marker = "indicators:\n  - id: "
    assert marker in text
    first = text[: text.index(marker)].count("\n") + 2  # the line of the first indicator's id
    doubled = text.replace(marker, marker + "families\n    id: ", 1)
    (tmp_path / "families.yaml").write_text(doubled, "utf-8")
    with pytest.raises(SpecError) as caught:
        load_dataset_spec(tmp_path / "families.yaml")
    assert f"datasets/families.yaml:{first + 1}: duplicate key 'id' (first on line {first})" in (
        str(caught.value)
    )


# --- (f) an empty scope --------------------------------------------------------------------


@pytest.mark.parametrize("empty", ["[]", ""])
def test_empty_scope_says_what_to_write(tmp_path: Path, empty: str) -> None:
    text = (REPO_ROOT / "site.yaml").read_text("utf-8")
    lines = text.splitlines()
    number, line = next((i, x) for i, x in enumerate(lines, 1) if x.startswith("scope:"))
    lines[number - 1] = f"scope: {empty}"
    (tmp_path / "site.yaml").write_text("\n".join(lines) + "\n", "utf-8")
    with pytest.raises(SpecError) as caught:
        load_site_config(tmp_path / "site.yaml")
    assert caught.value.problems == [
        f"site.yaml:{number}: scope is empty: use `all`, a region code like MK12, or a list of "
        "municipality codes (`scope: all`, `scope: [MK12]`, `scope: [KU091, KU049]`)"
    ]
    assert line.startswith("scope: all")
