"""Choropleth maps of the indicator pages, drawn at build time as one inline SVG, and the
drawing geometry they share with the locator maps (locator.py).

Why static SVG and no map library: the map was a Vega-Lite spec that needed the 898 KB Vega
bundle and about a second of script on a phone (Lighthouse, /fi/indikaattori/population/:
performance 0.71, total blocking time 902 ms). The shapes are the same on every indicator
page and only their fills change, so the simplified boundaries (topology.py) are projected
once per build, and each page writes one path per municipality filled with the colour of its
class, with a `<title>` ("Helsinki: 694 392") that a pointer shows on hover. The legend is
an HTML list beside the drawing, and the ranked table under it holds every figure, so the
drawing itself is one `role="img"` named in words ("Kartta: väkiluku kunnittain 2025").
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from typing import Any

from markupsafe import Markup, escape

from . import fmt
from .i18n import gettext_for
from .package_data import pick
from .topology import (
    CODE_PROPERTY,
    OBJECT,
    Point,
    decoded_arcs,
    polygons_of,
    ring_points,
    simplified_topology,
    svg_path,
    transverse_mercator,
)

BOUNDARIES = "municipality_boundaries"
NO_DATA_FILL = "#d9d9d9"
CENTRAL_MERIDIAN = 27.0  # ETRS-TM35FIN's, so the country has its familiar shape
HEIGHT = 600  # viewBox units (and CSS pixels without CSS) along the map's height
PAD = 2  # viewBox units round the drawing, so the outermost border is not clipped
BORDER = "#ffffff"  # between municipalities; each fill class stays a solid shape


@dataclass(frozen=True)
class Geometry:
    """Every current municipality's polygons (signed arc indices) over the decoded arcs, on
    TopoJSON's quantised grid: degrees = (x0 + kx·x, y0 + ky·y)."""

    arcs: list[list[Point]]
    kx: float  # degrees of longitude per grid step
    ky: float  # degrees of latitude per grid step
    x0: float  # longitude of grid column 0
    y0: float  # latitude of grid row 0
    polygons: dict[str, list[list[list[int]]]]


def geometry_of(site: Any) -> Geometry | None:
    """All of Finland's current municipalities simplified once per build (Pertunmaa dissolved
    into Mäntyharju); None when the package has no boundaries. Every map of the site draws
    from it, so a border is the same line on every page, whatever the scope."""
    if "geometry" not in site.cache:
        site.cache["geometry"] = _build_geometry(site)
    return site.cache["geometry"]


def _build_geometry(site: Any) -> Geometry | None:
    loaded = boundaries(site)
    if loaded is None:
        return None
    geojson, division = loaded
    codes = {a.code for a in site.areas.municipalities()}
    topology = simplified_topology(geojson, codes, merged_since(site, geojson, division, codes))
    if not topology["arcs"]:
        return None
    (kx, ky), (x0, y0) = topology["transform"]["scale"], topology["transform"]["translate"]
    polygons = {
        g["properties"]["code"]: polygons_of(g) for g in topology["objects"][OBJECT]["geometries"]
    }
    return Geometry(decoded_arcs(topology), kx, ky, x0, y0, polygons)


def boundaries(site: Any) -> tuple[dict[str, Any], int] | None:
    """The package's `municipality_boundaries` GeoJSON and its division year (read once per
    build: the indicator maps and the locator maps both start from it); None without one."""
    if "boundaries" not in site.cache:
        resource = next(
            (r for r in site.package.descriptor.get("resources", [])
             if r.get("name") == BOUNDARIES),
            None,
        )  # fmt: skip
        path = site.package.directory / (resource or {}).get("path", "")
        if resource is None or not path.is_file():
            site.cache["boundaries"] = None
        else:
            geojson = json.loads(path.read_text(encoding="utf-8"))
            site.cache["boundaries"] = (geojson, int(resource.get("x-division-year") or 0))
    return site.cache["boundaries"]


def merged_since(
    site: Any, geojson: dict[str, Any], division: int, codes: set[str]
) -> dict[str, str]:
    """Municipalities drawn in the boundaries but merged after their division year into one of
    `codes` (old code → new code), to be dissolved into their successor."""
    present = {"KU" + str(f["properties"][CODE_PROPERTY]).zfill(3) for f in geojson["features"]}
    return {
        old: new
        for old, new, year in site.areas.mergers
        if old in present and new in codes and year and int(year) > division
    }


# Viridis in five classes, light for small values and dark for large (colour-blind safe).
CLASS_COLOURS = ("#fde725", "#5ec962", "#21918c", "#3b528b", "#440154")


@dataclass(frozen=True)
class MapClass:
    """One legend entry: values below `upper` (the last class: no upper bound) and at or above
    the previous class's `upper`; `label` is the range of the values actually in it."""

    upper: float | None
    label: str
    colour: str


def class_breaks(values: tuple[float, ...], decimals: int) -> tuple[float, ...]:
    """Quintile thresholds of the values shown, rounded as published.

    Counts such as families are so skewed that a linear colour scale paints every municipality
    but the largest cities the same colour; five classes of about equally many municipalities
    keep the map readable, and the legend states each class's range.
    """
    ordered = sorted(values)
    if len(ordered) < 5:
        return ()
    cuts = [ordered[int(len(ordered) * q / 5)] for q in range(1, 5)]
    return tuple(sorted({round(c, decimals) for c in cuts}))


def map_classes(values: tuple[float, ...], decimals: int, lang: str) -> tuple[MapClass, ...]:
    """The colour classes of a map: quintiles (fewer when values repeat or are few), each
    labelled with the lowest and highest value it holds as the CSV publishes them, so a
    legend entry never claims a range no municipality is in. Classes no value falls in are
    left out of the legend; their colours stay where they were, so darker still means more."""
    shown = sorted(float(f"{v:.{decimals}f}") for v in values)
    if not shown:
        return ()
    breaks = class_breaks(tuple(shown), decimals)
    count = len(breaks) + 1
    colours = [CLASS_COLOURS[round(i * 4 / (count - 1))] if count > 1 else CLASS_COLOURS[2]
               for i in range(count)]  # fmt: skip
    classes = []
    for index in range(count):
        lower = breaks[index - 1] if index else None
        upper = breaks[index] if index < len(breaks) else None
        members = [v for v in shown
                   if (lower is None or v >= lower) and (upper is None or v < upper)]  # fmt: skip
        label = _range_label(members[0], members[-1], decimals, lang) if members else ""
        classes.append(MapClass(upper, label, colours[index]))
    return tuple(classes)


def _range_label(low: float, high: float, decimals: int, lang: str) -> str:
    """`51,1–53,7`; one value alone; spaced dash when a minus sign would touch it."""
    first, last = fmt.number(low, decimals, lang), fmt.number(high, decimals, lang)
    if first == last:
        return first
    return f"{first} – {last}" if low < 0 or high < 0 else f"{first}–{last}"


def class_colour(value: float | None, classes: tuple[MapClass, ...], decimals: int) -> str:
    """The fill of one municipality: its class's colour, found on the value rounded as
    published (as `map_classes` sorts them), or the no-data grey for a missing figure."""
    if value is None or not math.isfinite(value) or not classes:
        return NO_DATA_FILL
    shown = float(f"{value:.{decimals}f}")
    return next(c.colour for c in classes if c.upper is None or shown < c.upper)


@dataclass(frozen=True)
class _Drawing:
    """The site's municipalities projected onto the viewBox: (code, path data) in code order."""

    width: int
    height: int
    shapes: tuple[tuple[str, str], ...]


def _drawing(site: Any) -> _Drawing | None:
    """Made once per build: every indicator page draws the same shapes."""
    if "choropleth" not in site.cache:
        site.cache["choropleth"] = _project(site)
    return site.cache["choropleth"]


def _project(site: Any) -> _Drawing | None:
    geometry = geometry_of(site)
    if geometry is None:
        return None
    codes = [c for c in sorted(site.municipalities) if c in geometry.polygons]
    used = {ref if ref >= 0 else ~ref for code in codes for polygon in geometry.polygons[code]
            for ring in polygon for ref in ring}  # fmt: skip
    if not used:
        return None
    projected = {
        index: [transverse_mercator(geometry.x0 + geometry.kx * x, geometry.y0 + geometry.ky * y,
                                    CENTRAL_MERIDIAN) for x, y in geometry.arcs[index]]
        for index in used
    }  # fmt: skip
    xs = [x for arc in projected.values() for x, _y in arc]
    ys = [y for arc in projected.values() for _x, y in arc]
    scale = (HEIGHT - 2 * PAD) / ((max(ys) - min(ys)) or 1.0)
    x_min, y_max = min(xs), max(ys)
    width = round((max(xs) - x_min) * scale) + 2 * PAD
    arcs: list[list[Point]] = [[] for _ in geometry.arcs]
    for index, arc in projected.items():  # rounded once per arc: neighbours share each point
        arcs[index] = [(round(PAD + (x - x_min) * scale), round(PAD + (y_max - y) * scale))
                       for x, y in arc]  # fmt: skip
    shapes = []
    for code in codes:
        rings = [ring_points(ring, arcs) for polygon in geometry.polygons[code] for ring in polygon]
        path, _box = svg_path(rings, keep_one=True)
        if path:
            shapes.append((code, path))
    return _Drawing(width, HEIGHT, tuple(shapes))


SHAPES_PATH = "data/kunnat.svg"


def map_shapes(site: Any) -> tuple[str, str] | None:
    """The file every indicator map draws its municipalities from: each shape a `<path>`
    named by its municipality code, without a fill (each `<use>` gives its own)."""
    drawing = _drawing(site)
    if drawing is None:
        return None
    paths = "".join(f'<path id="{code}" d="{path}"/>' for code, path in drawing.shapes)
    return SHAPES_PATH, (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {drawing.width} '
        f'{drawing.height}">{paths}</svg>\n'
    )


def _lower_first(text: str) -> str:
    """`väkiluku` inside a sentence; a title starting with an acronym (`EU-…`) stays."""
    return text[:1].lower() + text[1:] if text[1:2].islower() else text


def indicator_map(
    site: Any,
    indicator: Any,
    lang: str,
    title: str,
    period: str,
    values: dict[str, float | None],
    root: str,
) -> dict[str, Any] | None:
    """The map block of an indicator page: the SVG, its legend entries and caption; None when
    the package has no boundaries. `values` holds each municipality's figure of `period`
    (None where there is none: grey, and "ei tietoa" in its title). Each municipality is a
    `<use>` of its shape in `map_shapes` (one file for every page and language, `root` the
    page's way up to the site's root): the shapes are the same on every indicator page,
    ~90 bytes each, only the fill and the title differ."""
    drawing = _drawing(site)
    if drawing is None:
        return None
    _ = gettext_for(lang)
    no_data = _("no data")
    shown = tuple(v for v in values.values() if v is not None and math.isfinite(v))
    classes = map_classes(shown, indicator.decimals, lang)
    label = _("Map: {title} by municipality, {period}").format(
        title=_lower_first(title), period=period
    )
    shapes = root + SHAPES_PATH
    paths = []
    for code, _path in drawing.shapes:
        value = values.get(code)
        fill = class_colour(value, classes, indicator.decimals)
        figure = fmt.number(value, indicator.decimals, lang) or no_data
        name = escape(f"{site.areas.display_name(code, lang)}: {figure}")
        paths.append(f'<use href="{shapes}#{code}" fill="{fill}"><title>{name}</title></use>')
    svg = (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="choropleth" role="img" '
        f'aria-label="{escape(label)}" viewBox="0 0 {drawing.width} {drawing.height}" '
        f'width="{drawing.width}" height="{drawing.height}">'
        f'<g stroke="{BORDER}" stroke-width="0.5" stroke-linejoin="round">{"".join(paths)}</g>'
        "</svg>"
    )
    legend = [{"label": c.label, "colour": c.colour} for c in classes if c.label]
    legend.append({"label": no_data, "colour": NO_DATA_FILL})
    geojson, division = boundaries(site) or ({"features": []}, 0)
    merged = merged_since(site, geojson, division, set(site.municipalities))
    notes = [
        _("{old} merged into {new} in {year} and is drawn as part of it: the border between "
          "them is dissolved from the two municipalities' own boundary lines.").format(
            old=site.areas.name(old, lang), new=site.areas.name(new, lang),
            year=next((y for o, n, y in site.areas.mergers if o == old and n == new), ""))
        for old, new in sorted(merged.items())
    ]  # fmt: skip
    return {
        "svg": Markup(svg),
        "legend_title": pick(indicator.unit, lang),
        "legend": legend,
        "caption": _(
            "Darker means a larger value; grey means no data. The same figures are in the "
            "table below."
        ),
        "credit": _(
            "Boundaries: © Maanmittauslaitos, CC BY 4.0 (municipalities 1:4 500 000, "
            "{year} division, simplified)."
        ).format(year=division),
        "notes": notes,
    }
