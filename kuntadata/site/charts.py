"""Vega-Lite specs built with Altair, one template per (indicator, language), reused per page.

Building a chart with Altair costs milliseconds; a whole-Finland site has thousands of chart
blocks. So each spec is built once per indicator and language with sentinel strings for the
two things that change per page (the CSV URL and the order of the compared areas), kept as
JSON text, and filled in with two string replacements per chart.

- Counts (`additive` indicators) are drawn as small multiples with independent y scales, so
  a municipality is not flattened against the whole country; rates and averages share one
  axis. Lines are told apart by dash pattern and point shape too, never by colour alone.
- `data.url` points at the chart's own CSV; the table under the chart holds the same rows.
- ARIA generation inside Vega is turned off: the chart container is one `role="img"` with
  the sentence as its name, and the full numbers are in the HTML table.
- The x axis is time: each row's `period` (`2025`, `2025Q3`, `2026M06`) becomes the first day
  of the period in a calculate transform, so a missing year or month leaves a visible gap.
  Axis labels and tooltips name the period in the page's language from Babel's month and
  quarter names (the same words as the tables; d3's own Swedish months are capitalised).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

import altair as alt
import vl_convert
from markupsafe import Markup

from .fmt import D3_LOCALES, month_names, period_kind, quarter_names
from .meta import script_json, script_safe

URL = "@@DATA_URL@@"
DOMAIN = "@@AREAS@@"
PALETTE = ["#0b4f8a", "#a3420f", "#4a4a4a"]  # ≥ 3:1 against white (WCAG 1.4.11)
DASHES = [[1, 0], [6, 3], [2, 2]]
SHAPES = ["circle", "square", "triangle-up"]


# `period` → the first day of the period, as a local date like Vega's own time scales use.
PERIOD_DATE = (
    "datetime(toNumber(substring(datum.period, 0, 4)), "
    "indexof(datum.period, 'M') == 4 ? toNumber(substring(datum.period, 5)) - 1 : "
    "indexof(datum.period, 'Q') == 4 ? 3 * (toNumber(substring(datum.period, 5)) - 1) : 0, 1)"
)
# Axis ticks at whole periods: never a tick between two years or two months.
TICKS = {
    "year": {"interval": "year", "step": 1},
    "quarter": {"interval": "month", "step": 3},
    "month": {"interval": "month", "step": 1},
}
# Bars span their period on the time axis.
TIME_UNITS = {"year": "year", "quarter": "yearquarter", "month": "yearmonth"}


@dataclass(frozen=True)
class ChartTexts:
    """Translated texts a chart shows (axis titles, tooltip labels) and the page's language,
    whose month and quarter names label the time axis."""

    period: str
    area: str
    unit: str
    lang: str = "en"


def chart_frequency(periods: Iterable[str]) -> str:
    """`month`, `quarter` or `year`: the finest kind among the chart's periods."""
    kinds = {period_kind(p) for p in periods}
    return next((k for k in ("month", "quarter") if k in kinds), "year")


def period_label_expr(date: str, frequency: str, lang: str) -> str:
    """A Vega expression naming the period that starts at `date`, e.g. `kesäkuu 2026`; the
    same words as `fmt.period_label`."""
    if frequency == "month":
        names = json.dumps(list(month_names(lang)), ensure_ascii=False)
        return f"{names}[month({date})] + ' ' + year({date})"
    if frequency == "quarter":
        names = json.dumps(list(quarter_names(lang)), ensure_ascii=False)
        return f"{names}[floor(month({date}) / 3)] + ' ' + year({date})"
    return f"'' + year({date})"


def _fmt(decimals: int) -> str:
    return f",.{decimals}f"


@lru_cache(maxsize=512)
def chart_template(
    kind: str,
    additive: bool,
    decimals: int,
    texts: ChartTexts,
    frequency: str = "year",
    single: bool = False,
) -> str:
    """A Vega-Lite spec as JSON text with URL/AREAS sentinels (see `fill_chart`).

    `single`: the chart has one period only. There is no time to show then, and a bar that
    spans its whole year across the chart reads badly, so the x axis is that one label.
    """
    data = alt.UrlData(
        url=URL, format=alt.CsvDataFormat(type="csv", parse={"value": "number", "period": "string"})
    )
    label = period_label_expr("datum.value", frequency, texts.lang)
    axis = alt.Axis(
        labelAngle=0,
        labelOverlap="greedy",
        labelSeparation=8,
        labelExpr=label,
        tickCount=TICKS[frequency],
        grid=False,
    )
    if single:
        x = alt.X("period_label:N", title=texts.period, axis=alt.Axis(labelAngle=0))
    elif kind == "bar":  # a bar spans its period, labelled from its left edge; the tick at the
        # end of the last bar starts a period with no bar, so it gets no label
        axis.labelAlign = "left"
        axis.labelExpr = f"datum.value < domain('x')[1] ? {label} : ''"
        x = alt.X("date:T", title=texts.period, axis=axis, timeUnit=TIME_UNITS[frequency])
    else:  # a little room for the end points, less than half a month of a small multiple
        x = alt.X("date:T", title=texts.period, axis=axis, scale=alt.Scale(padding=5))
    y = alt.Y(
        "value:Q",
        title=texts.unit,
        axis=alt.Axis(format=_fmt(decimals), tickCount=5),
        scale=alt.Scale(zero=kind == "bar"),
    )
    tooltip = [
        alt.Tooltip("area_name:N", title=texts.area),
        alt.Tooltip("period_label:N", title=texts.period),
        alt.Tooltip("value:Q", title=texts.unit, format=_fmt(decimals)),
    ]
    base = alt.Chart(data).transform_calculate(date=PERIOD_DATE)
    base = base.transform_calculate(
        period_label=period_label_expr("datum.date", frequency, texts.lang)
    )
    mark = (
        base.mark_bar(color=PALETTE[0])
        if kind == "bar"
        else base.mark_line(point=alt.OverlayMarkDef(filled=True, size=40), strokeWidth=2.5)
    )
    config = {"aria": False, "font": "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif"}
    if additive:
        chart = (
            mark.encode(x=x, y=y, tooltip=tooltip, color=alt.value(PALETTE[0]))
            .properties(width=190, height=160)
            .facet(
                facet=alt.Facet(
                    "area_name:N",
                    sort=[DOMAIN],
                    title=None,
                    header=alt.Header(
                        labelFontSize=13, labelFontWeight="bold", labelColor="#1a1a1a"
                    ),
                ),
                columns=3,
            )
            .resolve_scale(y="independent")
        )
        spec = chart.to_dict()
    else:
        scale = {"domain": [DOMAIN], "range": PALETTE}
        encoding = {
            "color": alt.Color("area_name:N", title=None, scale=alt.Scale(**scale),
                               legend=alt.Legend(orient="top")),
            "strokeDash": alt.StrokeDash("area_name:N", title=None, scale=alt.Scale(
                domain=[DOMAIN], range=DASHES), legend=alt.Legend(orient="top")),
            "shape": alt.Shape("area_name:N", title=None, scale=alt.Scale(domain=[DOMAIN],
                               range=SHAPES), legend=alt.Legend(orient="top")),
        }  # fmt: skip
        if kind == "bar":
            encoding = {"color": encoding["color"], "xOffset": alt.XOffset("area_name:N")}
        chart = mark.encode(x=x, y=y, tooltip=tooltip, **encoding).properties(
            width="container", height=260
        )
        spec = chart.to_dict()
        spec["autosize"] = {"type": "fit-x", "contains": "padding"}
    spec.setdefault("config", {}).update(config)
    spec["config"]["axis"] = {"labelFontSize": 12, "titleFontSize": 12, "labelColor": "#333333"}
    spec["config"]["legend"] = {"labelFontSize": 13, "symbolStrokeWidth": 2.5}
    for part in ("mark", "line", "point", "bar"):
        spec["config"].setdefault(part, {})["aria"] = False
    return json.dumps(spec, ensure_ascii=False, separators=(",", ":"), sort_keys=True)


def fill_chart(template: str, data_url: str, area_names: list[str]) -> str:
    """The page's spec: its CSV URL and area order; `<`, `>`, `&` escaped for a <script>."""
    text = template.replace(json.dumps(URL), json.dumps(data_url, ensure_ascii=False))
    text = text.replace(json.dumps([DOMAIN]), json.dumps(area_names, ensure_ascii=False))
    return script_safe(text)


@lru_cache(maxsize=4)
def vega_locale(lang: str) -> Markup:
    """d3 number and time format locale for vega-embed, as JSON for an inline script."""
    name = D3_LOCALES[lang]
    return script_json(
        {
            "number": vl_convert.get_format_locale(name),
            "time": vl_convert.get_time_format_locale(name),
        }
    )
