"""Months and quarters: what a reader sees of `2026M06` and `2025Q3` on every page, how periods
sort, what a monthly change is compared with, and the time axis of the charts.

Real figures: the job seekers of StatFin table 12r5 for June 2026 (the recorded whole-country
response in `../shared/realdata/statfin/`), added to tests/site_fixtures.py's real package.
There is no real recorded series of more than one month or of quarters, so the comparison with
a year earlier is shown with two clearly marked TEST INPUT datasets (titles say TEST), never
presented as statistics.
"""

from __future__ import annotations

import csv
import json
import re
import xml.etree.ElementTree as ET
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest

from kuntadata.site import build_site
from kuntadata.site.fmt import (
    latest_period,
    period_date,
    period_key,
    period_label,
    period_span,
    sorted_periods,
)
from kuntadata.site.svgchart import Line, line_chart

try:
    from tests.site_fixtures import CC_BY, MUNICIPALITIES, REALDATA, make_project, site_config
except ModuleNotFoundError:  # pytest run without the repository root on sys.path
    from site_fixtures import CC_BY, MUNICIPALITIES, REALDATA, make_project, site_config

BUILT = datetime(2026, 11, 23, tzinfo=UTC)
NBSP = "\u00a0"
JOBSEEKERS_12R5 = REALDATA / "statfin_12r5_json_2026M06_all_areas.json"
TEST_MONTHLY = [  # TEST INPUT, NOT statistics: June 2025 → June 2026 is +2.1 %, May → June −14.9 %
    ("KU091", "2025M06", "1000"),
    ("KU091", "2026M05", "1200"),
    ("KU091", "2026M06", "1021"),
    ("SSS", "2025M06", "5000"),
    ("SSS", "2026M05", "4900"),
    ("SSS", "2026M06", "4950"),
]
TEST_QUARTERLY = [  # TEST INPUT, NOT statistics
    ("KU091", "2024Q3", "200"),
    ("KU091", "2025Q2", "180"),
    ("KU091", "2025Q3", "190"),
]


def test_months_and_quarters_read_as_words_in_each_language() -> None:
    assert period_label("2026M06", "fi") == "kesäkuu 2026"  # nominative, not "kesäkuuta"
    assert period_label("2026M06", "sv") == "juni 2026"
    assert period_label("2026M06", "en") == "June 2026"
    assert period_label("2025Q3", "fi") == "3. neljännes 2025"
    assert period_label("2025Q3", "sv") == "3:e kvartalet 2025"
    assert period_label("2025Q1", "sv") == "1:a kvartalet 2025"
    assert period_label("2025Q3", "en") == "Q3 2025"
    assert period_label("2025", "fi") == "2025"
    assert period_label("2019-2021", "en") == "2019-2021"  # an unknown form is left as it is
    assert period_span(["2025M01", "2026M06"], "fi") == "tammikuu 2025 – kesäkuu 2026"
    assert period_span(["2021", "2025"], "sv") == "2021–2025"
    assert period_span(["2026M06"], "en") == "June 2026"


def test_periods_sort_chronologically_for_every_kind() -> None:
    periods = ["2026M01", "2025M12", "2025M02", "2025Q4", "2025", "2024", "2025Q1"]
    assert sorted_periods(periods) == [
        "2024", "2025", "2025Q1", "2025M02", "2025Q4", "2025M12", "2026M01",
    ]  # fmt: skip
    assert latest_period(["2025M09", "2025M10", "2025M08"]) == "2025M10"
    assert latest_period(["2024Q4", "2025Q1"]) == "2025Q1"
    assert latest_period([]) == ""
    assert period_key("2025") < period_key("2025M01") < period_key("2025M02")
    assert period_date("2026M06") == date(2026, 6, 1)
    assert period_date("2025Q3") == date(2025, 7, 1)
    assert period_date("2025") == date(2025, 1, 1)


def _jobseekers_rows(codes: set[str]) -> list[dict[str, str]]:
    """TYOTTOMATLOPUSSA (unemployed job seekers) of the real 12r5 response for `codes`."""
    data = json.loads(JOBSEEKERS_12R5.read_text(encoding="utf-8"))
    contents = [c["code"] for c in data["columns"] if c["type"] == "c"]
    at = contents.index("TYOTTOMATLOPUSSA")
    rows = []
    for item in data["data"]:
        area, period = item["key"]
        if area in codes:
            value = item["values"][at]
            number = re.fullmatch(r"\d+", value)
            rows.append(
                {
                    "area": area,
                    "period": period,
                    "indicator": "unemployed_jobseekers",
                    "value": value if number else "",
                    "status": "" if number else value,
                }
            )
    return sorted(rows, key=lambda r: r["area"])  # fmt: skip


def _resource(name: str, title: dict[str, str], indicator: dict[str, Any], rows) -> dict:
    return {
        "name": name, "path": f"{name}.csv", "type": "table", "format": "csv",
        "licenses": [CC_BY], "rows": rows,
        "x-kuntadata": {
            "dataset": name, "theme": "work", "title": title,
            "attribution": {"fi": f"Lähde: {title['fi']}", "sv": f"Källa: {title['sv']}",
                            "en": f"Source: {title['en']}"},
            "fetched_at": "2026-11-23T19:00:00Z", "indicators": [indicator], "dimensions": [],
            "chart": {"type": "line", "indicators": [indicator["id"]]},
        },
    }  # fmt: skip


def _test_indicator(id_: str) -> dict[str, Any]:
    return {"id": id_, "title": {"fi": "Testiluku (TESTI)", "sv": "Testtal (TEST)",
            "en": "Test figure (TEST)"}, "unit": {"fi": "henkeä", "sv": "personer",
            "en": "persons"}, "decimals": 0, "responsible": "other", "additive": False}  # fmt: skip


def periods_project(root: Path) -> Any:
    """The fixture package + real June 2026 job seekers + the two TEST INPUT datasets."""
    paths = make_project(root)
    package = paths.package
    with (package / "areas.csv").open(encoding="utf-8", newline="") as handle:
        codes = {row["code"] for row in csv.DictReader(handle)}
    jobseekers = {"id": "unemployed_jobseekers", "decimals": 0, "responsible": "municipality",
                  "title": {"fi": "Työttömät työnhakijat", "sv": "Arbetslösa arbetssökande",
                            "en": "Unemployed job seekers"},
                  "unit": {"fi": "henkeä", "sv": "personer", "en": "persons"}}  # fmt: skip
    test_rows = [dict(zip(("area", "period", "value"), r, strict=True)) for r in TEST_MONTHLY]
    quarter_rows = [dict(zip(("area", "period", "value"), r, strict=True)) for r in TEST_QUARTERLY]
    resources = [
        _resource("unemployed_jobseekers", {"fi": "Työttömät työnhakijat (12r5)",
                  "sv": "Arbetslösa arbetssökande (12r5)", "en": "Unemployed job seekers (12r5)"},
                  jobseekers, _jobseekers_rows(codes)),
        _resource("test_monthly", {"fi": "Testiaineisto kuukausittain", "sv": "Testdata per månad",
                  "en": "Monthly test data"}, _test_indicator("test_monthly"),
                  [{**r, "indicator": "test_monthly", "status": ""} for r in test_rows]),
        _resource("test_quarterly", {"fi": "Testiaineisto neljännesvuosittain",
                  "sv": "Testdata per kvartal", "en": "Quarterly test data"},
                  _test_indicator("test_quarterly"),
                  [{**r, "indicator": "test_quarterly", "status": ""} for r in quarter_rows]),
    ]  # fmt: skip
    descriptor = json.loads((package / "datapackage.json").read_text(encoding="utf-8"))
    for resource in resources:
        rows = resource.pop("rows")
        with (package / resource["path"]).open("w", encoding="utf-8", newline="") as handle:
            writer = csv.DictWriter(handle, ["area", "period", "indicator", "value", "status"],
                                    lineterminator="\n")  # fmt: skip
            writer.writeheader()
            writer.writerows(rows)
        descriptor["resources"].append(resource)
    (package / "datapackage.json").write_text(json.dumps(descriptor, ensure_ascii=False))
    return paths


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    paths = periods_project(tmp_path_factory.mktemp("periods"))
    build_site(paths, site_config(), built_at=BUILT)
    return paths.site


def block_text(site: Path, path: str, block_id: str) -> str:
    """Text of one `<article id=…>` block, or of one key-figure card (`<li class="card">`)."""
    html = (site / path).read_text(encoding="utf-8")
    html = html[html.index(f'id="{block_id}"') :]
    html = re.sub(r"<script.*?</script>", " ", html[: html.index("</article>")], flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).replace(NBSP, " ")


def card_text(site: Path, path: str, anchor: str) -> str:
    html = (site / path).read_text(encoding="utf-8")
    start = html.index(f'href="#{anchor}"')
    card = html[start : html.index("</li>", start)]
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", card)).replace(NBSP, " ")


def _jobseekers(code: str) -> int:
    return int(next(r["value"] for r in _jobseekers_rows({code})))


def test_a_real_month_reads_as_words_on_cards_sentences_and_tables(site: Path) -> None:
    helsinki = _jobseekers("KU091")
    assert helsinki == 52578  # the real 12r5 figure for June 2026
    values = {c: _jobseekers(c) for c in MUNICIPALITIES}
    rank = sorted(values.values(), reverse=True).index(helsinki) + 1
    fi_card = card_text(site, "fi/kunta/091-helsinki/index.html",
                        "unemployed_jobseekers")  # fmt: skip
    assert "52 578 henkeä Ajanjakso kesäkuu 2026" in fi_card
    assert f"sijalla {rank} / {len(values)} kunnasta, joista on tieto" in fi_card
    fi = block_text(site, "fi/kunta/091-helsinki/index.html",
                    "unemployed_jobseekers")  # fmt: skip
    assert ("Työttömät työnhakijat (Helsinki, kesäkuu 2026): 52 578 henkeä; vuotta aiempaa "
            "vertailulukua (kesäkuu 2025) ei ole.") in fi  # fmt: skip
    assert fi.index("kesäkuu 2026") < fi.index("Työttömät työnhakijat (Helsinki")  # subtitle
    assert "Koko maa: " in fi
    # one month only: no table, the sentences give each area's figure for that month
    assert "Ajanjakso Helsinki Uusimaa Koko maa" not in fi
    sv = block_text(site, "sv/kunta/091-helsingfors/index.html",
                    "unemployed_jobseekers")  # fmt: skip
    assert "Arbetslösa arbetssökande (Helsingfors, juni 2026): 52 578 personer; det finns " \
        "ingen siffra för ett år tidigare (juni 2025) att jämföra med." in sv  # fmt: skip
    en = block_text(site, "en/kunta/091-helsinki/index.html",
                    "unemployed_jobseekers")  # fmt: skip
    assert "Unemployed job seekers (Helsinki, June 2026): 52,578 persons; there is no figure " \
        "for a year earlier (June 2025) to compare with." in en  # fmt: skip
    csv_path = site / "data/kunta/091/091-helsinki-unemployed_jobseekers.csv"
    csv_text = csv_path.read_text(encoding="utf-8")
    assert "KU091,Helsinki,Helsingfors,Helsinki,2026M06,unemployed_jobseekers" in csv_text  # code


def test_monthly_change_is_against_the_same_month_a_year_earlier(site: Path) -> None:
    fi_card = card_text(site, "fi/kunta/091-helsinki/index.html", "test_monthly")
    assert "Ajanjakso kesäkuu 2026 Muutos vuodessa +2,1 % (vrt. kesäkuu 2025)" in fi_card
    fi = block_text(site, "fi/kunta/091-helsinki/index.html", "test_monthly")
    assert ("Testiluku (TESTI) (Helsinki, kesäkuu 2026): 1 021 henkeä, kasvua 2,1 % vuotta "
            "aiemmasta (kesäkuu 2025).") in fi  # fmt: skip
    assert "Koko maa: 4 950 henkeä, laskua 1,0 % vuotta aiemmasta." in fi  # 4 950 vs 5 000
    assert "14,9" not in fi and "kasvua 1,0 %" not in fi  # never against May
    en = block_text(site, "en/kunta/091-helsinki/index.html", "test_monthly")
    assert ("Test figure (TEST) (Helsinki, June 2026): 1,021 persons, up 2.1 % from a year "
            "earlier (June 2025).") in en  # fmt: skip
    assert "Whole country: 4,950 persons, down 1.0 % from a year earlier." in en
    sv_card = card_text(site, "sv/kunta/091-helsingfors/index.html", "test_monthly")
    assert "+2,1 % (jämfört med juni 2025)" in sv_card
    table = block_text(site, "fi/kunta/091-helsinki/index.html", "test_monthly")
    assert "kesäkuu 2026 1 021 – 4 950 toukokuu 2026 1 200 – 4 900 kesäkuu 2025 1 000" in table


def test_quarters_read_as_words_and_compare_with_the_same_quarter(site: Path) -> None:
    fi = block_text(site, "fi/kunta/091-helsinki/index.html", "test_quarterly")
    assert ("Testiluku (TESTI) (Helsinki, 3. neljännes 2025): 190 henkeä, laskua 5,0 % vuotta "
            "aiemmasta (3. neljännes 2024).") in fi  # fmt: skip
    assert "Testiluku (TESTI) 3. neljännes 2024 – 3. neljännes 2025 " in fi  # the subtitle
    sv = card_text(site, "sv/kunta/091-helsingfors/index.html", "test_quarterly")
    assert "Period 3:e kvartalet 2025" in sv and "−5,0 % (jämfört med 3:e kvartalet 2024)" in sv
    en = card_text(site, "en/kunta/091-helsinki/index.html", "test_quarterly")
    assert "Period Q3 2025" in en


def test_region_and_indicator_pages_name_the_month(site: Path) -> None:
    region = (site / "fi/maakunta/01-uusimaa/index.html").read_text(encoding="utf-8")
    assert "Työttömät työnhakijat (henkeä, kesäkuu 2026)" in region
    indicator = (site / "en/indikaattori/unemployed_jobseekers/index.html").read_text("utf-8")
    assert "Period: June 2026." in indicator
    assert "Unemployed job seekers by municipality, June 2026, largest first" in indicator


def _chart_svg(site: Path, page: str, block_id: str) -> ET.Element | None:
    """The block's chart as drawn at build time (inline SVG), or None when it has none."""
    html = (site / page).read_text(encoding="utf-8")
    block = re.search(rf'<article class="indicator" id="{block_id}".*?</article>', html, re.S)
    found = re.search(r'<svg class="chart-svg".*?</svg>\s*<figcaption', block.group(0), re.S)
    if found is None:
        return None
    return ET.fromstring(found.group(0).rsplit("<figcaption", 1)[0])


def _time_labels(svg: ET.Element) -> list[str]:
    return [t.text or "" for g in svg.iter("g") if (g.get("class") or "").startswith("x")
            for t in g.iter("text")]  # fmt: skip


def test_chart_has_a_time_axis_labelled_in_the_page_language(site: Path) -> None:
    svg = _chart_svg(site, "fi/kunta/091-helsinki/index.html", "test_monthly")
    labels = _time_labels(svg)
    assert "kesäkuu 2025" in labels and "kesäkuu 2026" in labels
    # months keep their place: May 2026 is eleven twelfths of the way from June to June
    helsinki = next(g for g in svg.iter("g") if g.get("class") == "p0")
    june, may, next_june = (float(c.get("cx").rstrip("%")) for c in helsinki.iter("circle"))
    assert may - june == pytest.approx((next_june - june) * 11 / 12, abs=0.1)
    # one month alone has no time axis: it is a figure with its month in words
    page = (site / "fi/kunta/091-helsinki/index.html").read_text(encoding="utf-8")
    block = re.search(r'id="unemployed_jobseekers".*?</article>', page,
                      re.S).group(0)  # fmt: skip
    assert '<span class="period">kesäkuu 2026</span>' in block and "<svg" not in block
    yearly = _chart_svg(site, "sv/kunta/091-helsingfors/index.html", "family_size")
    labels = _time_labels(yearly)
    assert labels[0] == "2006" and "2022" in labels


@pytest.mark.parametrize("lang", ["fi", "sv", "en"])
def test_chart_labels_are_the_same_words_as_the_tables(lang: str) -> None:
    """The time axis names each period exactly as fmt.period_label does for the tables."""
    for periods in ([f"2025M{m:02d}" for m in range(1, 13)], [f"2025Q{q}" for q in range(1, 5)]):
        values = tuple(float(i) for i in range(len(periods)))  # TEST values
        svg = ET.fromstring(line_chart(periods, [Line("TEST", values)], lang=lang, y_title="",
                                       labelledby="s"))  # fmt: skip
        labels = _time_labels(svg)
        assert labels and set(labels) <= {period_label(p, lang) for p in periods}
        assert period_label(periods[0], lang) in labels


def test_sorting_in_the_package_is_chronological(tmp_path: Path) -> None:
    from kuntadata.site.package_data import load_package

    paths = periods_project(tmp_path)
    path = paths.package / "test_monthly.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    path.write_text("\n".join([lines[0], *reversed(lines[1:])]) + "\n", encoding="utf-8")
    package = load_package(paths.package)
    series = package.dataset("test_monthly").series[("test_monthly", "KU091")]
    assert series.periods == ["2025M06", "2026M05", "2026M06"]
