"""Charts drawn as SVG at build time: line charts on a real time axis and bar charts.

Why our own renderer: drawing each chart in the browser needed the 898 KB Vega bundle, which
blocked a phone's main thread for seconds (total blocking time 4.7 s on the Helsinki page).
A chart here is a few dozen elements written with plain string templates in a fraction of a
millisecond, inlined in the page: no JavaScript, no blocking time, it prints, and it is one
`role="img"` named by the chart's sentence (`aria-labelledby`).

Layout: a chart is as wide as its column (site.css `width: 100%`) and a fixed number of pixels
high, so 13 px text stays 13 px on a phone and on a desktop (a viewBox would shrink it to 8 px on a
360 px screen). Horizontal positions are therefore percentages; the lines are drawn in a
nested SVG stretched only horizontally (`preserveAspectRatio="none"`, x in per mille), whose
strokes do not stretch (`vector-effect="non-scaling-stroke"`), and the points are drawn
outside it at the same percentages, so a point sits exactly on its line at any width.

Honest scales:
- value charts include zero, so a 3 % change looks like 3 % and a bar's length is its value;
- index charts include their base 100 and span at least `min_span` points;
- time is a time axis (months since year 0): 2019 → 2023 is four times as wide as
  2023 → 2024, months and quarters fall where they are in the year, and a line breaks where a
  period between two published ones is missing, so a gap is visible as a gap.
Lines differ in colour (each ≥ 3:1 against white), dash pattern and point shape, and a
legend names them. Tick labels are locale numbers and period words from `fmt`.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape
from itertools import pairwise
from urllib.parse import quote

from . import fmt

TOP = 36  # room for the axis title above the plot
PLOT = 160  # plot height (px)
HEIGHT = TOP + PLOT + 24  # and the time axis labels under it
X_LEFT, X_RIGHT = 1.5, 98.5  # % of the width the time axis spans (room for end points)
ROW = 46  # bar charts: one area per row (name, then its bar and value)
BAR_RIGHT = 80.0  # % of the width a bar may take; the value label goes after it
GRID, BASELINE, TEXT = "#d0d7de", "#6b6b6b", "#4d4d4d"  # baseline 5.3:1, text 8.5:1 on white
NARROW_PX, WIDE_PX = 290, 600  # widths the time axis labels must fit (phone, desktop)
# Presentation repeated on every chart lives in site.css (`.chart-svg …` rules, the same
# colours as here): the tick labels' colour and white halo (`.y`, `.x`), the axis title (`.t`),
# the grid and baseline strokes (`.g`, `.b`), the lines' width, join, colour and dash
# (the lines `path.s0`…`.s3`, non-scaling strokes) and the 13 px text, so each chart only
# writes its geometry.


@dataclass(frozen=True)
class Style:
    """How one line looks: colour, dash pattern (SVG `stroke-dasharray`, '' = solid) and the
    shape of its points; never colour alone (WCAG 1.4.1)."""

    colour: str
    dash: str
    marker: str  # circle | square | ring | box (ring and box are hollow)


# The municipality first (solid, dark blue), then its comparison areas; each ≥ 3:1 on white.
STYLES = (
    Style("#0b4f8a", "", "circle"),
    Style("#a3420f", "7 3", "square"),
    Style("#4a4a4a", "2 3", "ring"),
    Style("#6a3d9a", "10 3 2 3", "box"),
)
BAR_COLOURS = ("#0b4f8a", "#6b6b6b")  # the municipality, the areas compared: in site.css


@dataclass(frozen=True)
class Line:
    """One area's values, one per period of the chart (None: no figure for that period)."""

    label: str
    values: tuple[float | None, ...]


def month_number(period: str) -> int | None:
    """The first month of a period counted from year 0 (`2026M06` → 24317): the time axis."""
    start = fmt.period_date(period)
    return None if start is None else start.year * 12 + start.month - 1


STEP_MONTHS = {"year": 12, "quarter": 3, "month": 1}


def period_step(periods: Sequence[str]) -> int:
    """Months between two consecutive periods of the chart's finest kind (year 12, quarter 3,
    month 1): two published periods further apart than this have a gap between them."""
    kinds = {fmt.period_kind(p) for p in periods}
    return min((STEP_MONTHS[k] for k in kinds if k in STEP_MONTHS), default=12)


def nice_ticks(low: float, high: float, count: int = 4) -> list[float]:
    """Round tick values covering [low, high]: steps of 1, 2 or 5 × 10ⁿ (no 2.5: `7,5` would
    need a decimal the data may not have), about `count` of them and never more than six
    ticks on a 160 px axis. The first and last tick are the ends of the axis."""
    if high <= low:
        high = low + (abs(low) or 1.0)
    raw = (high - low) / count
    power = 10.0 ** math.floor(math.log10(raw))
    for step in (m * power for m in (1, 2, 5, 10, 20, 50)):
        if step < raw * 0.7:
            continue
        first = math.floor(low / step + 1e-9)
        last = math.ceil(high / step - 1e-9)
        if last - first <= 5:
            break
    return [round(i * step, 10) for i in range(first, last + 1)]


def tick_decimals(ticks: Sequence[float]) -> int:
    """Decimals needed to print every tick exactly (`0,25` needs 2, `2 500` none)."""
    for decimals in range(7):
        if all(abs(t * 10**decimals - round(t * 10**decimals)) < 1e-6 for t in ticks):
            return decimals
    return 6


def value_range(values: Sequence[float], baseline: float, min_span: float) -> tuple[float, float]:
    """The values and the baseline, widened around their middle to at least `min_span`."""
    low, high = min([*values, baseline]), max([*values, baseline])
    if high - low < min_span:
        middle = (low + high) / 2
        low, high = middle - min_span / 2, middle + min_span / 2
        if low > baseline or high < baseline:  # keep the baseline inside
            low, high = min(low, baseline), max(high, baseline)
    return low, high


def _pct(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".") + "%"


def _num(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def time_ticks(months: Sequence[int], labels: Sequence[str]) -> tuple[list[int], list[int]]:
    """Indices of the periods labelled on a phone, and of those added on a wider screen.

    Every k-th period from the first is labelled, k as small as lets the labels fit the width
    at about 8 px per character (13 px text); the last period is always labelled, replacing the one
    before it when the two would touch. The wide set's step divides the narrow one's, so the
    narrow labels are a subset of the wide ones and the page only adds labels when wider."""
    count = len(months)
    if count < 2:
        return list(range(count)), []
    width = max(len(text) for text in labels) * 8 + 14
    span = months[-1] - months[0] or 1

    def fits(chosen: list[int], pixels: int) -> bool:
        return all((months[b] - months[a]) / span * pixels >= width for a, b in pairwise(chosen))

    def pick(pixels: int, unit: int) -> tuple[list[int], int]:
        for step in range(unit, count, unit):
            chosen = list(range(0, count, step))
            if chosen[-1] != count - 1:
                chosen.append(count - 1)
                if not fits(chosen[-2:], pixels):
                    del chosen[-2]
            if fits(chosen, pixels):
                return chosen, step
        return [0, count - 1], count - 1

    wide, step = pick(WIDE_PX, 1)
    narrow, _step = pick(NARROW_PX, step)
    return narrow, [i for i in wide if i not in narrow]


def line_chart(
    periods: Sequence[str],
    lines: Sequence[Line],
    *,
    lang: str,
    y_title: str,
    labelledby: str,
    baseline: float = 0.0,
    min_span: float = 0.0,
) -> str:
    """An SVG line chart over `periods` (chronological), one line per area in STYLES order.

    `baseline` is always on the axis and drawn darker (0 for values, 100 for an index);
    `min_span` keeps a small change from filling the whole height (an index)."""
    months = [month_number(p) for p in periods]
    keep = [i for i, m in enumerate(months) if m is not None]
    periods = [periods[i] for i in keep]
    months = [months[i] for i in keep]  # type: ignore[misc]
    lines = [Line(line.label, tuple(line.values[i] for i in keep)) for line in lines]
    known = [v for line in lines for v in line.values if v is not None]
    ticks = nice_ticks(*value_range(known, baseline, min_span))
    low, high = ticks[0], ticks[-1]
    decimals = tick_decimals(ticks)

    def y(value: float) -> int:
        return round(TOP + PLOT * (high - value) / (high - low))

    first, span = months[0], max(months[-1] - months[0], 0)

    def x(month: int) -> float:
        if span == 0:
            return 50.0
        return X_LEFT + (month - first) / span * (X_RIGHT - X_LEFT)

    parts = [_open(labelledby, HEIGHT)]
    # Grid lines and the darker baseline are one path each in the stretched SVG below (x in
    # per mille, y in px), drawn before the lines as the separate <line>s used to be.
    grid = "".join(f"M0 {y(t)}H1000" for t in ticks if t != baseline)
    rules = f'<path class="g" d="{grid}"/>' if grid else ""
    if low <= baseline <= high:
        rules += f'<path class="b" d="M0 {y(baseline)}H1000"/>'
    step = period_step(periods)
    paths, points = [], []
    for number, line in enumerate(lines):
        style = STYLES[number % len(STYLES)]
        runs = _runs(months, line.values, step)
        for run in runs:
            if len(run) > 1:
                drawn = [(round(x(months[i]) * 10), y(line.values[i])) for i in run]
                paths.append(f'<path class="s{number % len(STYLES)}" d="{_line_path(drawn)}"/>')
        # Each stretch of the line is marked where it starts and ends (a point alone is a
        # stretch of one): the shapes tell the lines apart without colour, and a break in
        # the line shows at its marked ends. A marker on every point cost ~20 KB a page.
        marked = [i for run in runs for i in dict.fromkeys((run[0], run[-1]))]
        points.append(_markers(style, [(x(months[i]), y(line.values[i])) for i in marked],
                               f"p{number % len(STYLES)}"))  # fmt: skip
    # A nested SVG's width and height default to 100 % of the chart's: no attributes needed;
    # its fill="none" is inherited by the paths and lines (site.css: width, join, colour).
    parts.append(f'<svg viewBox="0 0 1000 {HEIGHT}" preserveAspectRatio="none" fill="none">'
                 f'{rules}{"".join(paths)}</svg>')  # fmt: skip
    parts.append('<g class="y">')
    parts += [f'<text y="{y(t) - 5}">{escape(fmt.number(t, decimals, lang))}</text>'
              for t in ticks]  # fmt: skip
    parts.append(f'</g><text class="t" y="13">{escape(y_title)}</text>')
    parts += points  # over the tick labels: a point at the left edge is never hidden
    labels = [fmt.period_label(p, lang) for p in periods]
    narrow, wide = time_ticks(months, labels)
    for group, chosen in (("x", narrow), ("x wide", wide)):
        if not chosen:
            continue
        parts.append(f'<g class="{group}">')  # site.css moves it under the plot (HEIGHT - 6)
        for i in chosen:
            anchor = _anchor(x(months[i]), span)
            parts.append(f'<text x="{_pct(x(months[i]))}"{anchor}>{escape(labels[i])}</text>')
        parts.append("</g>")
    parts.append(_close())
    return "".join(parts)


def _anchor(position: float, span: int) -> str:
    """The first label starts at its point and the last ends at it, so neither is cut off
    (the group centres the others)."""
    if span == 0:
        return ""
    if position <= X_LEFT + 0.01:
        return ' text-anchor="start"'
    return ' text-anchor="end"' if position >= X_RIGHT - 0.01 else ""


def _runs(months: Sequence[int], values: Sequence[float | None], step: int) -> list[list[int]]:
    """Indices of consecutive published periods: a missing value, or periods further apart
    than one step, start a new run (the line breaks there)."""
    runs: list[list[int]] = []
    for i, value in enumerate(values):
        if value is None:
            continue
        if runs and runs[-1][-1] == i - 1 and months[i] - months[i - 1] <= step:
            runs[-1].append(i)
        else:
            runs.append([i])
    return runs


def _line_path(points: list[tuple[int, int]]) -> str:
    """`M15 100l61 3 60-1…`: the first point, then each step relative to the one before
    (from the rounded points, so the steps add up exactly); a third shorter than the
    absolute `15,100 76,103 136,102…` of a polyline, on ~50 lines a page."""
    (x0, y0), steps = points[0], []
    for (xa, ya), (xb, yb) in pairwise(points):
        steps.append(f"{xb - xa} {yb - ya}")
    return f"M{x0} {y0}l" + " ".join(steps).replace(" -", "-")


def _markers(style: Style, points: Sequence[tuple[float, int]], css_class: str = "") -> str:
    """The points of one line: circles are centred by cx/cy; squares are placed by a group
    translated half their size, because a percentage x cannot be offset by pixels. In a
    chart the group names its style (`p0`…, painted by site.css); the legend sample, an
    image of its own, carries the paint itself."""
    if not points:
        return ""
    hollow = style.marker in ("ring", "box")
    if css_class:
        paint = f'class="{css_class}"'
    else:
        paint = (f'fill="#fff" stroke="{style.colour}" stroke-width="2"' if hollow
                 else f'fill="{style.colour}"')  # fmt: skip
    if style.marker in ("circle", "ring"):
        radius = 3.5 if hollow else 4
        items = "".join(f'<circle cx="{_pct(px)}" cy="{py}" r="{radius}"/>' for px, py in points)
        return f"<g {paint}>{items}</g>"
    size = 7 if hollow else 8
    items = "".join(f'<rect x="{_pct(px)}" y="{py}" width="{size}" height="{size}"/>'
                    for px, py in points)  # fmt: skip
    return f'<g {paint} transform="translate(-{size / 2:g} -{size / 2:g})">{items}</g>'


def bar_chart(
    bars: Sequence[tuple[str, float]],
    *,
    lang: str,
    decimals: int,
    unit: str,
    labelledby: str,
) -> str:
    """Horizontal bars for one period, one area per row with its value written at the bar's
    end; the first bar (the municipality) in the site's blue, the others grey. Bars start at
    zero (a vertical line); negative values point left."""
    values = [v for _label, v in bars]
    low, high = min([*values, 0.0]), max([*values, 0.0])
    left = 18.0 if low < 0 else 0.0  # room for a negative value's label
    right = BAR_RIGHT if high > 0 else 100.0 - 18.0

    def x(value: float) -> float:
        return left + (value - low) / ((high - low) or 1.0) * (right - left)

    zero = x(0.0)
    first = TOP - 8  # the top of the first row
    bottom = first + ROW * (len(bars) - 1) + 35  # the bottom of the last bar
    parts = [_open(labelledby, bottom + 6)]
    parts.append(f'<text class="t" y="13">{escape(unit)}</text>')
    for row, (label, value) in enumerate(bars):
        top = first + ROW * row
        # the municipality's row is class "m" (bold name, blue bar); the rest take site.css's
        # grey bars and dark text, not an attribute on every element
        own = ' class="m"' if row == 0 else ""
        start, end = sorted((zero, x(value)))
        parts.append(f'<text y="{top + 14}"{own}>{escape(label)}</text>')
        parts.append(f'<rect x="{_pct(start)}" y="{top + 19}" width="{_pct(end - start)}" '
                     f'height="16"{own}/>')  # fmt: skip
        side = ' dx="-4" text-anchor="end"' if value < 0 else ' dx="4"'
        number = escape(fmt.number(value, decimals, lang))
        parts.append(f'<text x="{_pct(x(value))}"{side} y="{top + 32}">{number}</text>')
    parts.append(f'<line x1="{_pct(zero)}" x2="{_pct(zero)}" y1="{first + 17}" '
                 f'y2="{bottom + 2}"/>')  # fmt: skip
    parts.append(_close())
    return "".join(parts)


def _open(labelledby: str, height: int) -> str:
    """The root element: one image named by the sentence under the chart's heading. No
    `<title>`: the name comes from that sentence, and a hover text repeating the heading cost
    ~100 bytes on each of ~60,000 charts. The drawing itself is hidden from assistive
    technology (`_close`): Chrome would otherwise list every tick label and the inner SVG as
    children of the image."""
    return (f'<svg class="chart-svg" height="{height}" role="img" '
            f'aria-labelledby="{escape(labelledby)}"><g aria-hidden="true">')  # fmt: skip


def _close() -> str:
    return "</g></svg>"


def legend(labels: Sequence[str]) -> str:
    """The key of a line chart as an HTML list, so it wraps on a phone. Each item's class
    `k<n>` draws that line's sample (colour, dash, point shape) from site.css, which holds
    the same STYLES (a test keeps the two equal). Hidden from assistive technology, which
    reads the chart's sentence and the table instead."""
    items = "".join(
        f'<li class="k{n % len(STYLES)}">{escape(label)}</li>' for n, label in enumerate(labels)
    )
    return f'<ul class="chart-legend" aria-hidden="true">{items}</ul>'


def legend_sample(style: Style) -> str:
    """The SVG of one legend sample (a line segment with its point), as site.css embeds it."""
    dash = f' stroke-dasharray="{style.dash}"' if style.dash else ""
    point = _markers(style, [(50.0, 6)]).replace("50%", "18")
    return (f'<svg xmlns="http://www.w3.org/2000/svg" width="36" height="12"><path d="M0 6h36" '
            f'stroke="{style.colour}" stroke-width="2.5"{dash}/>{point}</svg>')  # fmt: skip


def marker_css() -> str:
    """The site.css rules that paint the points of each line style (`p0`…)."""
    rules = []
    for number, style in enumerate(STYLES):
        hollow = style.marker in ("ring", "box")
        paint = (f"fill: #fff; stroke: {style.colour}; stroke-width: 2px;" if hollow
                 else f"fill: {style.colour};")  # fmt: skip
        rules.append(f".chart-svg .p{number} {{ {paint} }}")
    return "\n".join(rules)


def legend_css() -> str:
    """The site.css rules that draw the legend samples (`content: url(data:…)` prints, where a
    background image would not). Paste the output into site.css when STYLES change."""
    rules = []
    for number, style in enumerate(STYLES):
        svg = legend_sample(style).replace('"', "'")
        data = quote(svg, safe=" =:/,.-()'")
        rule = f'content: url("data:image/svg+xml,{data}");'
        rules.append(f".chart-legend .k{number}::before {{ {rule} }}")
    return "\n".join(rules)
