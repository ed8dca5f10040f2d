"""The SVG charts of municipality pages (svgchart.py, charts.py): what a reader sees.

Each test reads the drawn SVG as XML and checks the elements a reader sees: axis labels,
where points fall on the time axis, whether a line is drawn at all. The figures are real:
families and average family size 2006–2022 (StatFin 12c1) and population 2021–2025 (11re)
from the recorded files tests/site_fixtures.py reads; the shares of under-15-year-olds 2025,
natural increase 2025 and job seekers June 2026 as the committed snapshots give them. The
short monthly and 2019/2023/2024 series only exercise the time axis and are labelled TEST.
"""

from __future__ import annotations

import re
import time
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from kuntadata.site.charts import ChartArea, chart_view, index_base
from kuntadata.site.i18n import gettext_for
from kuntadata.site.package_data import Series
from kuntadata.site.svgchart import (
    BAR_COLOURS,
    STYLES,
    Line,
    bar_chart,
    legend,
    legend_css,
    line_chart,
    marker_css,
    nice_ticks,
    time_ticks,
)

try:
    from tests.site_fixtures import family_rows, population_rows
except ModuleNotFoundError:  # pytest run without the repository root on sys.path
    from site_fixtures import family_rows, population_rows

SITE_CSS = Path(__file__).resolve().parent.parent / "site_templates" / "static" / "site.css"
YEARS = [str(year) for year in range(2006, 2023)]


def recorded(rows: list[dict[str, str]], indicator: str, area: str) -> dict[str, float]:
    return {
        r["period"]: float(r["value"])
        for r in rows
        if r["indicator"] == indicator and r["area"] == area and r.get("sex", "SSS") == "SSS"
    }


FAMILIES = family_rows({"KU091", "SSS"})
HELSINKI_FAMILIES = tuple(recorded(FAMILIES, "families", "KU091")[y] for y in YEARS)
COUNTRY_FAMILIES = tuple(recorded(FAMILIES, "families", "SSS")[y] for y in YEARS)
HELSINKI_POPULATION = recorded(population_rows(), "population", "KU091")


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)


def texts(root: ET.Element, group_class: str) -> list[str]:
    """Texts of the <g class="…"> group: `y` ticks, `x` time labels shown on a phone, `x wide`
    those a wider screen adds."""
    return [(t.text or "") for g in root.iter("g") if g.get("class") == group_class
            for t in g.iter("text")]  # fmt: skip


def lines_of(root: ET.Element) -> list[list[tuple[int, int]]]:
    """Each drawn line (`<path class="s0…">`, "M15 100l61 3 60-1…") as its absolute points."""
    drawn = []
    for path in root.iter("path"):
        if not (path.get("class") or "").startswith("s"):
            continue
        head, _l, steps = path.get("d", "").partition("l")
        x, y = (int(v) for v in head[1:].split())
        numbers = [int(v) for v in re.findall(r"-?\d+", steps)]
        points = [(x, y)]
        for dx, dy in zip(numbers[::2], numbers[1::2], strict=True):
            x, y = x + dx, y + dy
            points.append((x, y))
        drawn.append(points)
    return drawn


def points_of(root: ET.Element, number: int) -> list[float]:
    """x positions (% of the width) of the points of line `number`, left to right."""
    group = next(g for g in root.iter("g") if g.get("class") == f"p{number}")
    xs = [float((e.get("cx") or e.get("x") or "").rstrip("%")) for e in group]
    return sorted(xs)


def series(periods: list[str], values: list[float | None]) -> Series:
    return Series(list(periods), list(values), ["" if v is not None else ".." for v in values])


def test_a_count_axis_starts_at_zero() -> None:
    """Helsinki's population grew 5 % in four years: the axis runs from 0, so it looks 5 %."""
    svg = line_chart(list(HELSINKI_POPULATION), [Line("Helsinki",
                     tuple(HELSINKI_POPULATION.values()))], lang="fi", y_title="henkeä",
                     labelledby="s")  # fmt: skip
    labels = texts(parse(svg), "y")
    assert labels[0] == "0"
    assert labels[-1] in {"700\u00a0000", "800\u00a0000"}  # the top tick is above the data
    assert all(re.fullmatch(r"[\d\u00a0]+", label) for label in labels)  # locale grouping


def test_time_axis_keeps_the_gap_between_2019_and_2023() -> None:
    """TEST series: points in 2019, 2023, 2024; four years are four times one year wide, and
    no line crosses the years without figures."""
    svg = line_chart(["2019", "2023", "2024"], [Line("TEST", (8.1, 8.6, 8.9))], lang="fi",
                     y_title="%", labelledby="s")  # fmt: skip
    root = parse(svg)
    x2019, x2023, x2024 = points_of(root, 0)
    assert (x2023 - x2019) == pytest.approx(4 * (x2024 - x2023), abs=0.2)
    lines = lines_of(root)
    assert len(lines) == 1  # 2023–2024 only; 2019 stands alone as a point
    assert len(lines[0]) == 2


def test_a_missing_value_breaks_the_line() -> None:
    values = list(HELSINKI_FAMILIES)
    values[5] = None  # a year published as ".." is a gap, not a straight line across it
    svg = line_chart(YEARS, [Line("Helsinki", tuple(values))], lang="en", y_title="families",
                     labelledby="s")  # fmt: skip
    assert len(lines_of(parse(svg))) == 2


@pytest.mark.parametrize("lang, june", [("fi", "kesäkuu"), ("sv", "juni"), ("en", "June")])
def test_month_axis_names_months_in_the_page_language(lang: str, june: str) -> None:
    """TEST series of four months: labels are month words, positions are real months."""
    months = ["2025M06", "2025M12", "2026M05", "2026M06"]
    values = (50100.0, 50400.0, 50500.0, 52578.0)  # TEST values
    svg = line_chart(months, [Line("TEST", values)], lang=lang, y_title="", labelledby="s")
    root = parse(svg)
    labels = texts(root, "x")
    assert labels[0] == f"{june} 2025" and labels[-1] == f"{june} 2026"
    x_june, x_december, x_may, x_next_june = points_of(root, 0)
    assert x_december - x_june == pytest.approx((x_next_june - x_june) / 2, abs=0.1)
    assert x_next_june - x_may == pytest.approx((x_next_june - x_june) / 12, abs=0.1)
    assert len(lines_of(root)) == 1  # May–June 2026; the other months stand alone


def test_time_labels_fit_a_phone_and_add_more_on_a_desktop() -> None:
    months = list(range(2006 * 12, 2023 * 12, 12))
    narrow, wide = time_ticks(months, YEARS)
    assert narrow[0] == 0 and narrow[-1] == 16 and len(narrow) <= 6
    assert not set(narrow) & set(wide) and len(narrow) + len(wide) > len(narrow)


def test_an_index_chart_says_it_is_an_index() -> None:
    """Helsinki's families against the whole country's: sizes differ tenfold, so the chart
    compares change, indexed to 2006."""
    view = chart_view(
        areas=[ChartArea("KU091", "Helsinki", series(YEARS, list(HELSINKI_FAMILIES))),
               ChartArea("SSS", "Koko maa", series(YEARS, list(COUNTRY_FAMILIES)))],
        periods=YEARS, unit="perhettä", decimals=0, additive=True,
        chart_type="line", lang="fi", labelledby="families-summary", _=gettext_for("fi"),
    )  # fmt: skip
    assert view is not None and view["kind"] == "index"
    root = parse(str(view["svg"]))
    axis_title = [t.text for t in root.iter("text")]
    assert "Indeksi, 2006 = 100" in axis_title
    assert "100" in texts(root, "y")
    assert view["note"].startswith("Kunkin alueen luku 2006 = 100.")
    assert "Helsinki" in str(view["legend"]) and "Koko maa" in str(view["legend"])
    # Helsinki's last point: 161 417 / 143 650 = 112.4 → above the country's 99.9
    helsinki, country = lines_of(root)[:2]
    assert helsinki[-1][1] < country[-1][1]  # higher up: a smaller y
    assert helsinki[0] == country[0]  # both start at 100 in 2006


def test_index_base_is_the_first_period_shared_by_most_areas() -> None:
    rows = [(None, 10.0, 11.0), (5.0, None, 6.0), (7.0, 8.0, 9.0)]
    assert index_base(["2020", "2021", "2022"], rows) == 2


def test_an_area_with_one_figure_does_not_move_the_index_base() -> None:
    """Helsinki 2021–2025, the country from 2023, Uusimaa computed for 2025 only: the base is
    2023 (the first year Helsinki shares with an area that changes), not the last year."""
    rows = [(1.0, 2.0, 3.0, 4.0, 5.0), (None, None, None, None, 9.0), (None, None, 6.0, 7.0, 8.0)]
    assert index_base(["2021", "2022", "2023", "2024", "2025"], rows) == 2


def test_a_rate_is_compared_on_one_axis_from_zero() -> None:
    """Average family size: Helsinki against the whole country, both on one axis from 0."""
    sizes = {a: recorded(FAMILIES, "family_size", a) for a in ("KU091", "SSS")}
    view = chart_view(
        areas=[ChartArea("KU091", "Helsinki", series(YEARS, [sizes["KU091"][y] for y in YEARS])),
               ChartArea("SSS", "Koko maa", series(YEARS, [sizes["SSS"][y] for y in YEARS]))],
        periods=YEARS, unit="henkeä", decimals=2, additive=False,
        chart_type="line", lang="fi", labelledby="s", _=gettext_for("fi"),
    )  # fmt: skip
    assert view is not None and view["kind"] == "values"
    root = parse(str(view["svg"]))
    assert texts(root, "y")[0] == "0" and len(lines_of(root)) == 2


def test_a_single_period_is_a_figure_or_bars_never_a_line() -> None:
    jobseekers = chart_view(
        areas=[ChartArea("KU091", "Helsinki", series(["2026M06"], [52578])),
               ChartArea("SSS", "Koko maa", series(["2026M06"], [352001]))],
        periods=["2026M06"], unit="henkeä", decimals=0,
        additive=True, chart_type="line", lang="fi", labelledby="s", _=gettext_for("fi"),
    )  # fmt: skip
    assert jobseekers is not None and jobseekers["kind"] == "single" and not jobseekers["svg"]
    assert jobseekers["figure"] == {"value": "52\u00a0578", "unit": "henkeä",
                                    "period": "kesäkuu 2026"}  # fmt: skip
    shares = chart_view(
        areas=[ChartArea("KU091", "Helsinki", series(["2025"], [13.9])),
               ChartArea("MK01", "Uusimaa", series(["2025"], [15.2])),
               ChartArea("SSS", "Koko maa", series(["2025"], [14.3]))],
        periods=["2025"], unit="%", decimals=1,
        additive=False, chart_type="line", lang="fi", labelledby="s", _=gettext_for("fi"),
    )  # fmt: skip
    assert shares is not None and shares["kind"] == "bars"
    root = parse(str(shares["svg"]))
    assert not lines_of(root)
    shown = [t.text for t in root.iter("text")]
    assert shown[1:] == ["Helsinki", "13,9", "Uusimaa", "15,2", "Koko maa", "14,3"]
    widths = [float(r.get("width", "").rstrip("%")) for r in root.iter("rect")]
    assert widths[1] / widths[0] == pytest.approx(15.2 / 13.9, rel=0.01)  # bars from zero


def test_a_count_with_one_figure_is_a_figure_beside_longer_comparisons() -> None:
    """Espoo's population is recorded for 2025 only, the whole country's for 2023–2025: there is
    no trend of Espoo's to index, so its one figure is shown, not a lone dot at 100."""
    population = population_rows()
    country = recorded(population, "population", "SSS")
    espoo = recorded(population, "population", "KU049")
    view = chart_view(
        areas=[ChartArea("KU049", "Espoo", series(list(espoo), list(espoo.values()))),
               ChartArea("SSS", "Koko maa", series(list(country), list(country.values())))],
        periods=list(country), unit="henkeä", decimals=0, additive=True,
        chart_type="line", lang="fi", labelledby="s", _=gettext_for("fi"),
    )  # fmt: skip
    assert view is not None and view["kind"] == "single" and not view["svg"]
    assert view["figure"]["value"] == "325\u00a0716" and view["figure"]["period"] == "2025"


def test_a_negative_bar_points_left_from_zero() -> None:
    """Natural increase 2025: Helsinki +1 305, the whole country −13 377 (bars of a count
    only exercise the drawing here; pages draw a single count as a figure)."""
    svg = bar_chart([("Helsinki", 1305.0), ("Whole country", -13377.0)], lang="en", decimals=0,
                    unit="persons", labelledby="s")  # fmt: skip
    root = parse(svg)
    first, second = root.iter("rect")
    zero = float(next(e for e in root.iter("line")).get("x1").rstrip("%"))
    assert float(first.get("x").rstrip("%")) == pytest.approx(zero, abs=0.11)
    end = float(second.get("x").rstrip("%")) + float(second.get("width").rstrip("%"))
    assert end == pytest.approx(zero, abs=0.11)  # ends at zero, so it points left
    assert "\u221213,377" in [t.text for t in root.iter("text")]


def test_the_chart_is_one_image_named_by_its_sentence() -> None:
    svg = line_chart(YEARS, [Line("Helsinki <&>", HELSINKI_FAMILIES)], lang="fi",
                     y_title="perhettä", labelledby="families-families-summary")  # fmt: skip
    root = parse(svg)
    assert root.get("role") == "img"
    assert root.get("aria-labelledby") == "families-families-summary"
    # named by the sentence alone: no <title> repeating the heading as a hover text
    assert root.find("title") is None
    assert "Helsinki &lt;&amp;&gt;" in legend(["Helsinki <&>"])


def test_ticks_are_round_numbers() -> None:
    assert nice_ticks(0, 694392) == [0, 200000, 400000, 600000, 800000]
    assert nice_ticks(95, 113) == [95, 100, 105, 110, 115]
    assert nice_ticks(0, 0.9) == [0, 0.2, 0.4, 0.6, 0.8, 1.0]


def test_legend_samples_in_site_css_match_the_line_styles() -> None:
    assert legend_css() in SITE_CSS.read_text(encoding="utf-8")


def test_a_chart_is_small_and_fast() -> None:
    """~49 charts on each of 924 pages: a four-line, 17-year chart stays under 3 KB and takes
    well under a millisecond (measured ~0.1 ms; the bound leaves room for a busy machine)."""
    names = ["Helsinki", "Uusimaa", "Helsingin kaupunki", "Koko maa"]
    lines = [Line(name, tuple(v * (1 + k / 50) for v in HELSINKI_FAMILIES))
             for k, name in enumerate(names)]  # fmt: skip
    svg = line_chart(YEARS, lines, lang="fi", y_title="Indeksi, 2006 = 100", labelledby="s",
                     baseline=100, min_span=20)  # fmt: skip
    assert len(svg.encode("utf-8")) + len(legend([ln.label for ln in lines])) < 3000
    started = time.perf_counter()
    for _round in range(200):
        line_chart(YEARS, lines, lang="fi", y_title="Indeksi", labelledby="s")
    assert (time.perf_counter() - started) / 200 < 0.001


def test_line_styles_in_site_css_match_the_line_styles() -> None:
    """The lines carry only a class (`s0`…): site.css holds their colour and dash."""
    css = SITE_CSS.read_text(encoding="utf-8")
    for number, style in enumerate(STYLES):
        dash = f" stroke-dasharray: {style.dash};" if style.dash else ""
        assert f".chart-svg .s{number} {{ stroke: {style.colour};{dash} }}" in css


def test_bar_colours_are_in_site_css_and_only_the_municipality_is_marked() -> None:
    """Bars carry no colour of their own: the first row (the municipality) is class `m`,
    blue and bold in site.css; the areas compared are grey."""
    svg = bar_chart([("Helsinki", 13.9), ("Uusimaa", 15.2), ("Koko maa", 14.3)], lang="fi",
                    decimals=1, unit="%", labelledby="s")  # fmt: skip
    root = parse(svg)
    rects = list(root.iter("rect"))
    assert [r.get("class") for r in rects] == ["m", None, None]
    assert not any(r.get("fill") for r in rects)
    names = [t for t in root.iter("text") if t.text in ("Helsinki", "Uusimaa", "Koko maa")]
    assert [t.get("class") for t in names] == ["m", None, None]
    assert [t.text for t in root.iter("text")][-1] == "14,3"
    css = SITE_CSS.read_text(encoding="utf-8")
    assert f".chart-bars .chart-svg rect {{ fill: {BAR_COLOURS[1]}; }}" in css
    assert f".chart-bars .chart-svg .m {{ fill: {BAR_COLOURS[0]}; }}" in css


def test_point_styles_in_site_css_match_the_line_styles() -> None:
    """The points carry only a class (`p0`…): site.css paints them as svgchart says."""
    assert marker_css() in SITE_CSS.read_text(encoding="utf-8")


def test_a_line_is_a_relative_path_whose_steps_add_up_to_its_points() -> None:
    """Helsinki's families 2006–2022 (real 12c1 values): the path's steps, added from its
    first point, land on each year's x and y as the markers at both ends say."""
    svg = line_chart(YEARS, [Line("Helsinki", HELSINKI_FAMILIES)], lang="fi",
                     y_title="perhettä", labelledby="s")  # fmt: skip
    root = parse(svg)
    (line,) = lines_of(root)
    assert len(line) == len(YEARS)
    path = next(p for p in root.iter("path") if p.get("class") == "s0")
    assert path.get("d").startswith(f"M{line[0][0]} {line[0][1]}l") and "," not in path.get("d")
    ends = [c for g in root.iter("g") if g.get("class") == "p0" for c in g]
    assert [int(c.get("cy")) for c in ends] == [line[0][1], line[-1][1]]
    assert [float(c.get("cx").rstrip("%")) * 10 for c in ends] == pytest.approx(
        [line[0][0], line[-1][0]], abs=0.6
    )
