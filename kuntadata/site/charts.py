"""Which chart an indicator gets on a municipality page, drawn as SVG at build time.

The choice follows what the numbers can honestly show:
- one period: no time to draw. A count is a figure (the municipality's number, large), also
  when only the comparison areas have more periods; a rate, share or per-resident value is a
  bar per area with its value, bars from zero.
- several periods, a count (`additive`) of a stock such as population: the municipality and
  its comparison areas as an index, the first period all of them have = 100, because a
  town's count drawn against its region's on one axis compares sizes, not change. The axis
  says "Index, 2006 = 100" and a note under the chart says what that means.
- several periods, a count that cannot be indexed (a flow such as net migration, which can
  be zero or negative, or no comparison area with data): the municipality's own values on
  an axis from zero.
- several periods, a rate, share or average: every area on one axis from zero.
Comparison areas without any figure for the indicator are left out of the chart (the
sentence says they have none); the rest keep their order and line style.

Drawing is svgchart.py's; this module only decides and translates. Nothing here runs in the
browser, so a page needs no chart library at all.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from markupsafe import Markup

from . import fmt
from .package_data import Series
from .svgchart import Line, bar_chart, legend, line_chart

INDEX_BASE = 100.0
INDEX_MIN_SPAN = 20.0  # an index axis spans at least 20 points: +3 % is not a cliff


@dataclass(frozen=True)
class ChartArea:
    """One area of a chart block: its name as shown and its series (None: no rows)."""

    code: str
    name: str
    series: Series | None


def _values(series: Series | None, periods: Sequence[str]) -> tuple[float | None, ...]:
    if series is None:
        return tuple(None for _period in periods)
    by_period = dict(zip(series.periods, series.values, strict=True))
    return tuple(by_period.get(p) for p in periods)


def index_base(periods: Sequence[str], rows: Sequence[tuple[float | None, ...]]) -> int | None:
    """The index of the base period: the earliest in which the municipality (row 0) and as
    many comparison areas as ever have a positive figure; None when the municipality has no
    positive figure or no comparison area shares a period with it. An area with a single
    positive figure shows no change, so it does not pull the base: Uusimaa's population
    computed for 2025 alone (aggregate.py) would otherwise make the last year the base."""
    best, best_count = None, 0
    changing = [row for row in rows[1:] if sum(1 for v in row if v is not None and v > 0) > 1]
    for at in range(len(periods)):
        own = rows[0][at]
        if own is None or own <= 0:
            continue
        count = sum(1 for row in changing if row[at] is not None and row[at] > 0)
        if count > best_count:
            best, best_count = at, count
    return best


def chart_view(
    *,
    areas: Sequence[ChartArea],
    periods: Sequence[str],
    unit: str,
    decimals: int,
    additive: bool,
    chart_type: str,
    lang: str,
    labelledby: str,
    _: Callable[[str], str],
) -> dict[str, Any] | None:
    """The block's chart: `kind` (single | bars | index | values), the inline `svg` and
    `legend`, a `figure` (value, unit, period) for a single count, and a `note`; None when the
    municipality has no figure at all. `periods` are chronological; `areas[0]` is the
    municipality."""
    rows = [_values(area.series, periods) for area in areas]
    if all(v is None for v in rows[0]):
        return None
    shown = [0, *(i for i in range(1, len(areas)) if any(v is not None for v in rows[i]))]
    view: dict[str, Any] = {"kind": "", "svg": "", "legend": "", "figure": None, "note": ""}
    own_known = [at for at, value in enumerate(rows[0]) if value is not None]
    if additive and (len(periods) == 1 or len(own_known) == 1):
        # one figure of a count: no trend to index, and a town's count beside a region's
        # on one axis would compare sizes
        at = own_known[-1]
        view["kind"] = "single"
        view["figure"] = {
            "value": fmt.number(rows[0][at], decimals, lang),
            "unit": unit,
            "period": fmt.period_label(periods[at], lang),
        }
        return view
    if len(periods) == 1:
        bars = [(areas[i].name, rows[i][0]) for i in shown if rows[i][0] is not None]
        view["kind"] = "bars"
        view["svg"] = Markup(bar_chart(bars, lang=lang, decimals=decimals, unit=unit,
                                       labelledby=labelledby))  # fmt: skip
        return view
    base = index_base(periods, [rows[i] for i in shown]) if additive else None
    if additive and base is not None and chart_type == "line":
        kept = [i for i in shown if rows[i][base] is not None and rows[i][base] > 0]
        lines = [
            Line(areas[i].name, tuple(None if v is None else v / rows[i][base] * INDEX_BASE
                                      for v in rows[i]))
            for i in kept
        ]  # fmt: skip
        base_label = fmt.period_label(periods[base], lang)
        y_title = _("Index, {period} = 100").format(period=base_label)
        view["kind"] = "index"
        view["note"] = _("Each area's figure in {period} = 100. The lines compare change, "
                         "not size.").format(period=base_label)  # fmt: skip
        view["svg"] = Markup(line_chart(periods, lines, lang=lang, y_title=y_title,
                                        labelledby=labelledby,
                                        baseline=INDEX_BASE, min_span=INDEX_MIN_SPAN))  # fmt: skip
        view["legend"] = Markup(legend([line.label for line in lines]))
        return view
    drawn = [0] if additive else shown
    lines = [Line(areas[i].name, rows[i]) for i in drawn]
    view["kind"] = "values"
    view["svg"] = Markup(line_chart(periods, lines, lang=lang, y_title=unit,
                                    labelledby=labelledby))  # fmt: skip
    view["legend"] = Markup(legend([line.label for line in lines]))
    return view
