"""The what's-new page and feed read as a release note, in Finnish, Swedish and English.

The site is the small real package of tests/site_fixtures.py (population 31.12. and families
from Statistics Finland's 11re and 12c1) plus unemployed job seekers for June 2026 (the real
recorded 12r5 response, `statfin_12r5_json_2026M06_all_areas.json`). Its `changes` resource
holds changelog rows as kuntadata/changelog.py writes them; every old value in them is read
from the package or the real 12c1 file, so no figure here is made up. The assertions are
the lines a reader sees on `/{lang}/uutta/` and the titles of the Atom entries.
"""

from __future__ import annotations

import csv
import json
import re
from datetime import UTC, datetime
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest
from site_fixtures import CC_BY, family_rows, i18n, make_project, site_config

from kuntadata.changelog import FIELDS, write_changelog
from kuntadata.site import build_site
from kuntadata.site.whatsnew import municipality_count, with_period

BUILT = datetime(2026, 11, 29, tzinfo=UTC)
ATOM = "{http://www.w3.org/2005/Atom}"
NBSP = "\u00a0"
DAY = "2026-11-29T20:42:43Z"  # the fetch time the seeded StatFin snapshots carry
EARLIER = "2026-11-23T19:00:00Z"
# 12r5, June 2026, real recorded response (see the module docstring)
JOBSEEKERS = [
    ("KU049", "unemployed_jobseekers", "20581"),
    ("KU091", "unemployed_jobseekers", "52578"),
    ("KU092", "unemployed_jobseekers", "20597"),
    ("SSS", "unemployed_jobseekers", "352001"),
    ("KU049", "open_vacancies", "722"),
    ("KU091", "open_vacancies", "1831"),
    ("KU092", "open_vacancies", "950"),
    ("SSS", "open_vacancies", "26641"),
]


def _indicator(id_: str, title: dict[str, str]) -> dict:
    return {"id": id_, "title": title, "unit": i18n("henkeä", "personer", "persons"),
            "description": {}, "decimals": 0, "higher_is": "neutral", "responsible": "state",
            "additive": True}  # fmt: skip


def _add_jobseekers(package: Path, descriptor: dict) -> None:
    with (package / "unemployed_jobseekers.csv").open("w", encoding="utf-8", newline="") as out:
        out.write("area,period,indicator,value,status\n")
        out.writelines(f"{a},2026M06,{i},{v},\n" for a, i, v in JOBSEEKERS)
    descriptor["resources"].append({
        "name": "unemployed_jobseekers", "path": "unemployed_jobseekers.csv", "type": "table",
        "format": "csv", "mediatype": "text/csv", "encoding": "utf-8",
        "title": "Unemployed job seekers", "licenses": [CC_BY],
        "schema": {"fields": [{"name": c, "type": "number" if c == "value" else "string"}
                              for c in ("area", "period", "indicator", "value", "status")],
                   "missingValues": [""], "primaryKey": ["area", "period", "indicator"]},
        "x-kuntadata": {
            "dataset": "unemployed_jobseekers", "theme": "work",
            "title": i18n("Työttömät työnhakijat", "Arbetslösa arbetssökande",
                          "Unemployed job seekers"),
            "fetched_at": DAY, "licence": "CC-BY-4.0", "dimensions": [],
            "indicators": [
                _indicator("unemployed_jobseekers", i18n(
                    "Työttömät työnhakijat", "Arbetslösa arbetssökande", "Unemployed job seekers")),
                _indicator("open_vacancies", i18n(
                    "Avoimet työpaikat", "Lediga jobb", "Open vacancies")),
            ],
            "chart": {"type": "line"},
        },
    })  # fmt: skip


def _value(package: Path, dataset: str, area: str, period: str, indicator: str) -> str:
    with (package / f"{dataset}.csv").open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            if (row["area"], row["period"], row["indicator"]) == (area, period, indicator):
                return row["value"]
    raise AssertionError(f"{dataset} has no {area} {period} {indicator}")


def _changes(package: Path) -> list[dict]:
    """Changelog rows as the package stage writes them for two releases."""
    rows: list[dict] = [
        # 29.11.: a new year of population, a new month of job seekers (two indicators)
        {"date": DAY, "dataset": "population", "indicator": "population",
         "change": "new_period", "period": "2025", "count": 4, "municipalities": 3},
        {"date": DAY, "dataset": "unemployed_jobseekers", "indicator": "unemployed_jobseekers",
         "change": "new_period", "period": "2026M06", "count": 4, "municipalities": 3},
        {"date": DAY, "dataset": "unemployed_jobseekers", "indicator": "open_vacancies",
         "change": "new_period", "period": "2026M06", "count": 4, "municipalities": 3},
        # one revision in 2021 (said on the line), five in 2020 (folded), one of them in an
        # area outside the site's scope (Alajärvi), which a reader of this site never sees
        {"date": DAY, "dataset": "families", "indicator": "families", "change": "revised",
         "period": "2021", "area": "KU091", "count": 1, "new_status": "..",
         "old_value": _value(package, "families", "KU091", "2021", "families")},
        # a real removal
        {"date": DAY, "dataset": "population", "indicator": "population", "change": "removed",
         "period": "2021", "area": "KU091", "count": 1,
         "old_value": _value(package, "population", "KU091", "2021", "population")},
        # 23.11.: the family size indicator got a new id, all periods at once
        *({"date": EARLIER, "dataset": "families", "indicator": "family_size",
           "change": "moved", "period": str(year), "count": 9, "municipalities": 4,
           "moved_from": "families/average_family_size"} for year in range(2006, 2023)),
    ]  # fmt: skip
    for area in ("KU049", "KU091", "KU092", "KU297", "SSS"):
        old = _value(package, "families", area, "2020", "family_size")
        rows.append({"date": DAY, "dataset": "families", "indicator": "family_size",
                     "change": "revised", "period": "2020", "area": area, "count": 1,
                     "old_value": old, "new_status": ".."})  # fmt: skip
    alajarvi = next(r for r in family_rows({"KU005"}) if r["period"] == "2020"
                    and r["indicator"] == "family_size")  # fmt: skip
    rows.append({**rows[-1], "area": "KU005", "old_value": alajarvi["value"]})  # out of scope
    return rows


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    paths = make_project(tmp_path_factory.mktemp("whatsnew"))
    descriptor_path = paths.package / "datapackage.json"
    descriptor = json.loads(descriptor_path.read_text("utf-8"))
    _add_jobseekers(paths.package, descriptor)
    write_changelog(paths.package / "changes.csv", _changes(paths.package))
    descriptor["resources"].append({"name": "changes", "path": "changes.csv", "type": "table",
                                    "format": "csv", "schema": {"fields": FIELDS}})  # fmt: skip
    descriptor_path.write_text(json.dumps(descriptor, ensure_ascii=False), "utf-8")
    build_site(paths, site_config(), built_at=BUILT)
    return paths.site


def lines(site: Path, lang: str) -> list[str]:
    """The text of each what's-new line (a list item with a change anchor), as a reader reads
    it: tags dropped, white space collapsed, the folded details left out."""
    html = (site / lang / "uutta" / "index.html").read_text("utf-8")
    items = re.findall(r'<li id="change-[^"]+">(.*?)(?:<details>|</li>)', html, re.S)
    return [re.sub(r"[ \t\r\n]+", " ", re.sub(r"<[^>]+>", "", item)).strip().replace("&#39;", "'")
            for item in items]  # fmt: skip


def test_new_periods_are_one_line_per_dataset_and_period(site: Path) -> None:
    fi, sv, en = (lines(site, lang) for lang in ("fi", "sv", "en"))
    assert fi[:2] == [
        "Väestö 31.12.2025: uusi vuosi, 3 kuntaa",
        "Työttömät työnhakijat kesäkuu 2026: uusi kuukausi, 3 kuntaa",
    ]
    assert sv[:2] == [
        "Befolkning 31.12.2025: nytt år, 3 kommuner",
        "Arbetslösa arbetssökande juni 2026: ny månad, 3 kommuner",
    ]
    assert en[:2] == [
        "Population 31 December 2025: new year, 3 municipalities",
        "Unemployed job seekers June 2026: new month, 3 municipalities",
    ]


def test_revisions_show_old_and_new_and_many_fold_into_a_count(site: Path) -> None:
    fi, en = lines(site, "fi"), lines(site, "en")
    assert (
        f"Perheet 31.12.2021: korjattu: Perheiden lukumäärä, Helsinki 160{NBSP}797 → .. "
        "(tietoa ei ole saatu, se on liian epävarma esitettäväksi tai se on salassapidettävä)"
    ) in fi
    assert "Families 31 December 2021: revised: Number of families, Helsinki 160,797 → .. " \
        "(data not available, too uncertain to be presented, or confidential)" in en  # fmt: skip
    # five revisions in scope (the sixth, Alajärvi, is outside it): a count and a details list
    assert "Perheet 31.12.2020: 5 korjattua lukua" in fi
    assert "Familjer 31.12.2020: 5 reviderade värden" in lines(site, "sv")
    assert "Families 31 December 2020: 5 revised figures" in en
    html = (site / "en/uutta/index.html").read_text("utf-8")
    details = re.search(r"<details>(.*?)</details>", html, re.S).group(1)
    assert "<summary>Show the revised figures</summary>" in details
    items = [
        re.sub(r"[ \t\r\n]+", " ", i).strip() for i in re.findall(r"<li>(.*?)</li>", details, re.S)
    ]
    assert len(items) == 5 and items[0].startswith("Average family size, Espoo 2.")
    assert not any("Alajärvi" in item for item in items)


def test_a_move_is_one_line_and_a_real_removal_a_count(site: Path) -> None:
    fi, sv, en = (lines(site, lang) for lang in ("fi", "sv", "en"))
    assert "Väestö 31.12.2021: 1 luku poistettu" in fi
    assert "Befolkning 31.12.2021: 1 värde borttaget" in sv
    assert "Population 31 December 2021: 1 figure removed" in en
    # 17 rows of the changelog (one per year) are one line, not 17 and not removals
    assert fi[-1] == (
        "Perheet 31.12.2006–2022: luvut siirretty indikaattoriin Perheen keskikoko, 4 kuntaa"
    )
    assert sv[-1] == (
        "Familjer 31.12.2006–2022: värdena flyttade till indikatorn Familjens medelstorlek, "
        "4 kommuner"
    )
    assert en[-1] == (
        "Families 31 December 2006–2022: figures moved to the indicator Average family size, "
        "4 municipalities"
    )
    assert len(en) == 6
    assert not any("family_size" in line or "population," in line for line in fi + sv + en)


def test_lines_are_grouped_under_their_day(site: Path) -> None:
    html = (site / "fi/uutta/index.html").read_text("utf-8")
    headings = re.findall(r'<h2 id="changes-[^"]+"><time datetime="([^"]+)">([^<]+)</time>', html)
    assert headings == [("2026-11-29", "29.11.2026"), ("2026-11-23", "23.11.2026")]


def test_feed_has_one_entry_per_dataset_and_period(site: Path) -> None:
    feed = ET.parse(site / "fi/feed.xml").getroot()
    entries = feed.findall(f"{ATOM}entry")
    titles = [e.findtext(f"{ATOM}title") for e in entries]
    assert titles == lines(site, "fi")
    assert titles[0] == "Väestö 31.12.2025: uusi vuosi, 3 kuntaa"
    first = entries[0]
    assert first.findtext(f"{ATOM}updated") == DAY
    assert first.findtext(f"{ATOM}id") == (
        "https://example.org/kuntadata/fi/uutta/#change-2026-11-29-population-period-2025"
    )
    folded = next(e for e in entries if "5 korjattua lukua" in e.findtext(f"{ATOM}title"))
    assert folded.findtext(f"{ATOM}content").count("<li>") == 5
    assert feed.findtext(f"{ATOM}updated") == DAY


@pytest.mark.parametrize(
    ("title", "period", "expected"),
    [
        ("Väestö 31.12.", "2025", "Väestö 31.12.2025"),
        ("Befolkning 31.12", "2025", "Befolkning 31.12.2025"),
        ("Population on 31 December", "2025", "Population on 31 December 2025"),
        ("Työttömät työnhakijat", "kesäkuu 2026", "Työttömät työnhakijat kesäkuu 2026"),
        ("Tulot", "2020–2024", "Tulot 2020–2024"),
        ("Kuntavaalit 2021, äänestäneet", "2021", "Kuntavaalit 2021, äänestäneet"),
        ("Väestö 31.12.2009 (Sotkanet)", "2009", "Väestö 31.12.2009 (Sotkanet)"),
    ],
)
def test_dataset_title_with_its_period(title: str, period: str, expected: str) -> None:
    assert with_period(title, period) == expected


def test_municipality_counts_in_each_language() -> None:
    assert [municipality_count("fi", n) for n in (1, 308)] == ["1 kunta", "308 kuntaa"]
    assert [municipality_count("sv", n) for n in (1, 308)] == ["1 kommun", "308 kommuner"]
    assert municipality_count("en", 1234) == "1,234 municipalities"
