"""Downloads as a reader gets them: the CSV per municipality and dataset (bytes, header,
cells), labels.csv, the Excel workbook (sheets, cells and formats read back with openpyxl),
and the build plumbing behind them: the task queue shared by two processes, and the old
site deleted in the background.

The site is built from the small real package of tests/site_fixtures.py (Espoo, Helsinki,
Vantaa and Kuopio, or Närpes where a Swedish-speaking municipality is needed).
"""

from __future__ import annotations

import csv
import io
import os
import re
import time
from datetime import UTC, datetime
from pathlib import Path

import openpyxl
import pytest
from site_fixtures import make_project, site_config

from kuntadata.errors import BuildError
from kuntadata.site import build_site
from kuntadata.site.workbook import SHEET_NAME_MAX, Sheet, _unique_sheet_names, sheet_name
from kuntadata.site.workers import remove_in_background, run_shared, sweep

BUILT = datetime(2026, 11, 23, tzinfo=UTC)
HEADER = (
    "area_code,area_name_fi,area_name_sv,area_name_en,period,indicator,value,status,derived,"
    "value_current_division,current_division_note,fetched_at,source,source_url,licence\n"
)


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    paths = make_project(tmp_path_factory.mktemp("downloads"))
    build_site(paths, site_config(), built_at=BUILT)
    return paths.site


def rows_of(path: Path) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"))))


def test_municipality_csv_is_utf8_comma_decimal_point_and_names_its_source(site: Path) -> None:
    data = (site / "data/kunta/091/091-helsinki-families.csv").read_bytes()
    assert not data.startswith(b"\xef\xbb\xbf")  # no BOM: pandas, R and Frictionless as is
    text = data.decode("utf-8")
    assert text.startswith(HEADER)
    assert ";" not in text and "\r" not in text
    rows = rows_of(site / "data/kunta/091/091-helsinki-families.csv")
    size = next(r for r in rows if r["indicator"] == "family_size" and r["area_code"] == "SSS")
    assert re.fullmatch(r"\d\.\d\d", size["value"])  # a decimal point, never a comma
    helsinki = next(
        r for r in rows
        if r["area_code"] == "KU091" and r["period"] == "2022" and r["indicator"] == "families"
    )  # fmt: skip
    assert helsinki["value"] == "161417"  # no thousands separator
    assert (helsinki["area_name_fi"], helsinki["area_name_sv"]) == ("Helsinki", "Helsingfors")
    assert helsinki["fetched_at"] == "2026-11-23"
    assert helsinki["source"] == "Lähde: Tilastokeskus, perheet"
    assert helsinki["licence"] == "CC-BY-4.0"
    assert {r["area_code"] for r in rows} == {"KU091", "MK01", "SSS"}


def test_one_csv_per_municipality_and_dataset_shared_by_languages_and_charts(site: Path) -> None:
    assert not (site / "data/fi/kunta").exists() and not (site / "data/sv/kunta").exists()
    assert sorted(p.name for p in (site / "data/kunta/091").iterdir()) == [
        "091-helsinki-families.csv", "091-helsinki-population.csv", "091-helsinki.xlsx",
    ]  # fmt: skip
    rows = rows_of(site / "data/kunta/091/091-helsinki-families.csv")
    assert {r["indicator"] for r in rows} == {"families", "family_size"}
    href = 'href="../../../data/kunta/091/091-helsinki-families.csv"'
    for page in ("fi/kunta/091-helsinki", "sv/kunta/091-helsingfors", "en/kunta/091-helsinki"):
        html = (site / page / "index.html").read_text("utf-8")
        # the file holds the whole dataset: offered under its first chart, not every chart
        first, second = (html.split(f'id="{block_id}"')[1].split("</article>")[0]
                         for block_id in ("families", "family_size"))  # fmt: skip
        assert href in first and href not in second, page
        assert html.count(href) == 2  # the dataset's first chart and the page's head
        assert html.count('type="text/csv"') == 2  # one alternate per file, not per chart


def test_a_dataset_without_rows_for_the_municipality_has_no_csv(site: Path) -> None:
    assert not (site / "data/kunta/297/297-kuopio-population.csv").exists()
    assert (site / "data/kunta/297/297-kuopio-families.csv").is_file()


def test_labels_file_names_indicators_units_datasets_and_symbols(site: Path) -> None:
    rows = rows_of(site / "data/labels.csv")
    found = {(r["kind"], r["dataset"], r["code"]): (r["fi"], r["sv"], r["en"]) for r in rows}
    assert found[("indicator", "families", "family_size")][2] == "Average family size"
    assert found[("unit", "population", "population")] == ("henkeä", "personer", "persons")
    assert found[("dataset", "families", "")][0] == "Perheet 31.12."
    assert found[("status", "", "..")][2].startswith("data not available")


def test_catalogue_page_says_csv_is_for_machines_and_excel_has_the_workbook(site: Path) -> None:
    html = (site / "fi/data/index.html").read_text("utf-8")
    assert "UTF-8" in html and "PerheitÃ¤" in html and "Tekstistä/CSV:stä" in html
    assert 'href="../../data/labels.csv"' in html
    en = (site / "en/data/index.html").read_text("utf-8")
    assert "decimal points and no thousands separators" in en


def test_workbook_sheets_numbers_formats_and_missing_values(site: Path) -> None:
    html = (site / "sv/kunta/091-helsingfors/index.html").read_text("utf-8")
    assert 'href="../../../data/kunta/091/091-helsinki.xlsx" download="091-helsinki.xlsx"' in html
    assert "Excel-arbetsbok (xlsx, språk: Suomi)" in html
    book = openpyxl.load_workbook(site / "data/kunta/091/091-helsinki.xlsx")
    assert book.sheetnames == ["Väestö", "Lähteet"]
    sheet = book["Väestö"]
    assert sheet.freeze_panes == "A2"
    header = [c.value for c in sheet[1]]
    assert header == ["Tunnusluku", "Yksikkö", "Ajanjakso", "Helsinki",
                      "Uusimaa (* laskettu kuntien luvuista)", "Koko maa"]  # fmt: skip
    rows = {(r[0].value, r[2].value): r for r in sheet.iter_rows(min_row=2)}
    families = rows[("Perheiden lukumäärä", "2022")]
    assert families[3].value == 161417 and families[3].number_format == "#,##0"
    size = rows[("Perheen keskikoko", "2022")]
    assert isinstance(size[5].value, float) and size[5].number_format == "#,##0.00"
    for row in sheet.iter_rows(min_row=2):
        for cell in row[3:]:
            assert cell.value is not None and cell.value != 0, (row[0].value, row[2].value)
    # Uusimaa has no population row in the package: the site sums its members (this small
    # package's areas table lists Espoo, Helsinki and Vantaa only), site/aggregate.py.
    population = rows[("Väkiluku", "2025")]
    assert population[3].value == 694392 and population[4].value == 1273064
    assert population[4].number_format == '#,##0" *"'  # still a number, shown marked
    assert population[3].number_format == "#,##0" and families[4].number_format == "#,##0"
    sources = book["Lähteet"]
    assert [c.value for c in sources[1]][:4] == ["Aineisto", "Aihe", "Tunnusluvut", "Lähde"]
    families_source = next(
        r for r in sources.iter_rows(min_row=2) if r[0].value == "Perheet 31.12."
    )
    assert families_source[6].value == "Creative Commons Attribution 4.0 International"
    assert families_source[8].value == datetime(2026, 11, 23, 19, 0)


def test_workbooks_are_cached_by_content_and_dated_by_their_data(tmp_path: Path) -> None:
    """A rebuild takes each unchanged workbook from .cache/workbooks (writing one was a fifth
    of the build's CPU with every dataset); a changed figure writes anew the workbooks that
    show it.
    A later build date changes nothing: the workbook is dated by its newest fetch."""
    paths = make_project(tmp_path)
    build_site(paths, site_config(), built_at=BUILT)
    cached = {p.name: p.read_bytes() for p in paths.workbooks.glob("*.xlsx")}
    site_books = sorted(paths.site.glob("data/kunta/*/*.xlsx"))
    assert len(cached) == len(site_books) == 4  # Espoo, Helsinki, Vantaa, Kuopio
    assert {p.read_bytes() for p in site_books} == set(cached.values())
    helsinki = paths.site / "data/kunta/091/091-helsinki.xlsx"
    book = openpyxl.load_workbook(helsinki)
    assert book.properties.created == datetime(2026, 11, 23, 19, 0)  # families' fetch, not BUILT
    before = helsinki.read_bytes()

    later = datetime(2026, 12, 24, tzinfo=UTC)
    build_site(paths, site_config(), built_at=later)
    assert {p.name for p in paths.workbooks.glob("*.xlsx")} == set(cached)  # none written
    assert helsinki.read_bytes() == before

    population = paths.package / "population.csv"
    text = population.read_text(encoding="utf-8")
    assert "KU091,2025,population,694392," in text
    population.write_text(text.replace("KU091,2025,population,694392,",
                                       "KU091,2025,population,694393,"), "utf-8")  # fmt: skip
    build_site(paths, site_config(), built_at=later)
    added = {p.name for p in paths.workbooks.glob("*.xlsx")} - set(cached)
    # Helsinki's, and Espoo's and Vantaa's, whose Uusimaa column sums Helsinki's population
    # (this package has no Uusimaa row); Kuopio's is taken from the cache
    assert len(added) == 3
    kuopio = paths.site / "data/kunta/297/297-kuopio.xlsx"
    assert kuopio.read_bytes() in cached.values()
    sheet = openpyxl.load_workbook(helsinki)["Väestö"]
    rows = {(r[0].value, r[2].value): r for r in sheet.iter_rows(min_row=2)}
    assert rows[("Väkiluku", "2025")][3].value == 694393


def test_a_missing_figure_is_its_status_meaning_in_the_workbook(tmp_path: Path) -> None:
    paths = make_project(tmp_path, municipalities=("KU091", "KU545"))
    families = paths.package / "families.csv"
    rows = families.read_text(encoding="utf-8").splitlines()
    rows = ["KU545,2022,families,,.." if r.startswith("KU545,2022,families,") else r for r in rows]
    families.write_text("\n".join(rows) + "\n", encoding="utf-8")
    build_site(paths, site_config(), built_at=BUILT)
    # Närpes is Swedish-speaking: its workbook is in Swedish, named in Swedish.
    book = openpyxl.load_workbook(paths.site / "data/kunta/545/545-narpes.xlsx")
    assert book.sheetnames == ["Befolkning", "Källor"]
    row = next(
        r for r in book["Befolkning"].iter_rows(min_row=2)
        if r[0].value == "Antal familjer" and r[2].value == "2022"
    )  # fmt: skip
    meaning = "uppgift inte tillgänglig, för osäker för att anges eller sekretessbelagd"
    assert row[3].value == meaning
    assert row[3].font.italic
    csv_rows = rows_of(paths.site / "data/kunta/545/545-narpio-families.csv")
    cell = next(r for r in csv_rows if r["area_code"] == "KU545" and r["period"] == "2022")
    assert (cell["value"], cell["status"]) == ("", "..")


def test_indicator_csv_of_a_fork_in_two_languages_keeps_a_missing_figures_symbol(
    tmp_path: Path,
) -> None:
    """A Swedish-first fork without English: the ranking file names areas in its two
    languages only, in its order, and Närpes's unpublished 2022 families carry `..` without a
    rank; both pages link to the one file."""
    paths = make_project(tmp_path, municipalities=("KU091", "KU545"))
    families = paths.package / "families.csv"
    rows = families.read_text(encoding="utf-8").splitlines()
    rows = ["KU545,2022,families,,.." if r.startswith("KU545,2022,families,") else r for r in rows]
    families.write_text("\n".join(rows) + "\n", encoding="utf-8")
    build_site(paths, site_config(languages=("sv", "fi")), built_at=BUILT)
    path = paths.site / "data/indikaattori/families.csv"
    assert path.read_text(encoding="utf-8").startswith(
        "rank,area_code,area_name_sv,area_name_fi,period,indicator,value,status,fetched_at,"
        "source,source_url,licence\n"
    )
    found = [(r["rank"], r["area_code"], r["area_name_sv"], r["area_name_fi"], r["period"],
              r["value"], r["status"]) for r in rows_of(path)]  # fmt: skip
    assert found == [
        ("1", "KU091", "Helsingfors", "Helsinki", "2022", "161417", ""),
        ("", "KU545", "Närpes", "Närpiö", "2022", "", ".."),
    ]
    assert sorted(p.name for p in (paths.site / "data").iterdir() if p.is_dir()) == [
        "alue", "indikaattori", "json", "kunta", "package"]  # fmt: skip
    for lang in ("sv", "fi"):
        html = (paths.site / f"{lang}/indikaattori/families/index.html").read_text("utf-8")
        assert 'href="../../../data/indikaattori/families.csv" download' in html, lang


def test_sheet_names_fit_excel() -> None:
    assert sheet_name("Talous: tase [milj. €] / asukas?") == "Talous  tase  milj. €    asukas"
    assert len(sheet_name("x" * 40)) == SHEET_NAME_MAX
    sheets = [Sheet("Väestö"), Sheet("VÄESTÖ"), Sheet("y" * 40), Sheet("y" * 40)]
    _unique_sheet_names(sheets)
    assert [s.name for s in sheets] == ["Väestö", "VÄESTÖ 2", "y" * 31, "y" * 29 + " 2"]


def test_two_processes_take_every_task_exactly_once(tmp_path: Path) -> None:
    def task(number: int) -> None:
        time.sleep(0.005)
        (tmp_path / f"{number}.{os.getpid()}").write_text("")

    tasks = [lambda n=n: task(n) for n in range(60)]
    report = run_shared(tasks, parallel=True, report=lambda: str(os.getpid()))
    done = [p.name.split(".") for p in tmp_path.iterdir()]
    assert sorted(int(n) for n, _pid in done) == list(range(60))
    workers = {pid for _n, pid in done}
    if report is not None:  # forked: both processes worked
        assert workers == {str(os.getpid()), report}


def test_a_failing_task_in_the_worker_fails_the_build(tmp_path: Path) -> None:
    parent = os.getpid()

    def fail_in_child() -> None:
        time.sleep(0.01)
        if os.getpid() != parent:
            raise ValueError("no such dataset")

    with pytest.raises(BuildError, match="failed in a worker: error ValueError: no such dataset"):
        run_shared([fail_in_child] * 20, parallel=True, report=lambda: "0 0")


def wait_until_gone(path: Path) -> bool:
    for _ in range(100):
        if not path.exists():
            return True
        time.sleep(0.05)
    return False


def test_old_site_is_deleted_in_the_background_and_leftovers_swept(tmp_path: Path) -> None:
    paths = make_project(tmp_path)
    build_site(paths, site_config(), built_at=BUILT)
    build_site(paths, site_config(), built_at=BUILT)
    assert (paths.site / "fi/kunta/091-helsinki/index.html").is_file()
    for old in tmp_path.glob("_site.old-*"):
        assert wait_until_gone(old), old
    crashed = tmp_path / "_site.tmp-999999999-abcdef12"  # no such process
    running = tmp_path / f"_site.tmp-{os.getpid()}-abcdef12"
    left = tmp_path / "_site.old-1-abcdef12"
    for folder in (crashed, running, left):
        (folder / "fi").mkdir(parents=True)
    sweep(paths.site)
    assert wait_until_gone(crashed) and wait_until_gone(left)
    assert running.is_dir()  # a build still running keeps its directory


def test_background_removal_returns_before_the_files_are_gone(tmp_path: Path) -> None:
    target = tmp_path / "old"
    for index in range(200):
        (target / str(index % 10)).mkdir(parents=True, exist_ok=True)
        (target / str(index % 10) / f"{index}.html").write_text("x" * 100)
    remove_in_background([target])
    assert wait_until_gone(target)
