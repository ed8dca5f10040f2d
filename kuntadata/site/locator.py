"""The locator map of a municipality page: where the municipality lies in its region.

Why a static SVG made at build time: a reader should see at a glance where a place is
without waiting for any script, and the page must stay light. The drawing uses the same
simplified TopoJSON arcs as the indicator maps (maps.geometry), so borders agree, and carries
only two paths inline: the region's outline (lightly filled) and the municipality (filled in
the site's colour), in a few KB. It is one `role="img"` named in words ("Kartta: Helsinki
Uudenmaan maakunnassa"); a municipality too small to see at this scale (Kauniainen) is
circled.

All of Finland's current municipalities are drawn, not only the site's scope: a fork for one
municipality still shows its whole region around it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from markupsafe import Markup, escape

from .i18n import gettext_for
from .maps import Geometry, geometry_of
from .topology import Point, ring_points, svg_path

SIZE = 240  # viewBox units along the region's longer side
PAD = 10  # units around the region (room for the circle of a small border municipality)
WIDTH_PX = 200  # the drawing's own size without CSS (print, reader modes)
MARK_BELOW = 12  # a municipality smaller than this in both directions is circled
REGION_FILL, REGION_STROKE = "#e8ecf1", "#5c6773"  # outline 5.6:1 against white

# Finnish says "Uudenmaan maakunnassa" (genitive); the regions' names do not inflect by rule,
# so the 19 are listed. A region not listed (a renamed one) is named without inflection.
FI_REGION_GENITIVE = {
    "Uusimaa": "Uudenmaan", "Varsinais-Suomi": "Varsinais-Suomen", "Satakunta": "Satakunnan",
    "Kanta-Häme": "Kanta-Hämeen", "Pirkanmaa": "Pirkanmaan", "Päijät-Häme": "Päijät-Hämeen",
    "Kymenlaakso": "Kymenlaakson", "Etelä-Karjala": "Etelä-Karjalan", "Etelä-Savo": "Etelä-Savon",
    "Pohjois-Savo": "Pohjois-Savon", "Pohjois-Karjala": "Pohjois-Karjalan",
    "Keski-Suomi": "Keski-Suomen", "Etelä-Pohjanmaa": "Etelä-Pohjanmaan",
    "Pohjanmaa": "Pohjanmaan", "Keski-Pohjanmaa": "Keski-Pohjanmaan",
    "Pohjois-Pohjanmaa": "Pohjois-Pohjanmaan", "Kainuu": "Kainuun", "Lappi": "Lapin",
    "Ahvenanmaa": "Ahvenanmaan",
}  # fmt: skip


@dataclass(frozen=True)
class _Frame:
    """A region's drawing: the projection onto its viewBox (equirectangular at the region's
    middle latitude, which at a region's size distorts less than a line width) and its
    outline path."""

    x_min: int
    y_max: int
    x_scale: float  # viewBox units per grid step
    y_scale: float
    width: int
    height: int
    outline: str = ""

    def project(self, point: Point) -> Point:
        x, y = point
        return (
            round(PAD + (x - self.x_min) * self.x_scale),
            round(PAD + (self.y_max - y) * self.y_scale),
        )


def locator_map(site: Any, code: str, lang: str) -> Markup | None:
    """The inline SVG for `code`'s page, or None without boundaries, region or shape."""
    area = site.areas.get(code)
    if area is None or not area.region:
        return None
    drawing = _drawing(site, code, area.region)
    if drawing is None:
        return None
    return Markup(drawing.replace("@@LABEL@@", str(escape(_label(site, code, area.region, lang)))))


def _label(site: Any, code: str, region: str, lang: str) -> str:
    _ = gettext_for(lang)
    name, region_name = site.areas.name(code, lang), site.areas.name(region, lang)
    genitive = FI_REGION_GENITIVE.get(site.areas.name(region, "fi"), "")
    if lang == "fi" and not genitive:
        return _("Map: {name}, region {region}").format(name=name, region=region_name)
    return _("Map: {name} in the region of {region}").format(
        name=name, region=region_name, region_genitive=genitive
    )


def _drawing(site: Any, code: str, region: str) -> str | None:
    """The SVG with a label placeholder: the same in every language, so made once."""
    key = ("locator", code)
    if key in site.cache:
        return site.cache[key]
    geometry = geometry_of(site)
    frame = _frame(site, geometry, region) if geometry else None
    own = geometry.polygons.get(code) if geometry else None
    drawing = None
    if geometry and frame and own:
        rings = [
            [frame.project(p) for p in points]
            for polygon in own
            for points in (ring_points(ring, geometry.arcs) for ring in polygon)
        ]
        shape, (x0, y0, x1, y1) = svg_path(rings, keep_one=True)
        mark = ""
        if x1 - x0 < MARK_BELOW and y1 - y0 < MARK_BELOW:
            mark = (f'<circle cx="{(x0 + x1) / 2:g}" cy="{(y0 + y1) / 2:g}" r="{MARK_BELOW - 2}" '
                    f'fill="none" stroke="{site.primary_color}" stroke-width="2"/>')  # fmt: skip
        height_px = round(WIDTH_PX * frame.height / frame.width)
        drawing = (
            f'<svg xmlns="http://www.w3.org/2000/svg" class="locator-map" role="img" '
            f'aria-label="@@LABEL@@" viewBox="0 0 {frame.width} {frame.height}" '
            f'width="{WIDTH_PX}" height="{height_px}">'
            f'<path d="{frame.outline}" fill="{REGION_FILL}" stroke="{REGION_STROKE}" '
            f'stroke-width="1" stroke-linejoin="round" vector-effect="non-scaling-stroke" '
            f'fill-rule="evenodd"/>'
            f'<path d="{shape}" fill="{site.primary_color}" fill-rule="evenodd"/>{mark}</svg>'
        )
    site.cache[key] = drawing
    return drawing


def _frame(site: Any, geometry: Geometry, region: str) -> _Frame | None:
    """The region's projection and outline, made once per region."""
    key = ("locator-frame", region)
    if key in site.cache:
        return site.cache[key]
    members = [a.code for a in site.areas.children(region) if a.code in geometry.polygons]
    frame = None
    if members:
        rings = _outline(
            [ring for code in members for polygon in geometry.polygons[code] for ring in polygon],
            geometry.arcs,
        )
        xs = [x for ring in rings for x, _y in ring]
        ys = [y for ring in rings for _x, y in ring]
        latitude = math.radians(geometry.y0 + geometry.ky * (min(ys) + max(ys)) / 2)
        kx, ky = geometry.kx * math.cos(latitude), geometry.ky  # degrees → equal lengths
        scale = (SIZE - 2 * PAD) / max((max(xs) - min(xs)) * kx, (max(ys) - min(ys)) * ky)
        width = round((max(xs) - min(xs)) * kx * scale) + 2 * PAD
        height = round((max(ys) - min(ys)) * ky * scale) + 2 * PAD
        frame = _Frame(min(xs), max(ys), kx * scale, ky * scale, width, height)
        outline, _box = svg_path([[frame.project(p) for p in ring] for ring in rings])
        frame = _Frame(frame.x_min, frame.y_max, frame.x_scale, frame.y_scale, width, height,
                       outline)  # fmt: skip
    site.cache[key] = frame
    return frame


def _arc_points(ref: int, arcs: list[list[Point]]) -> list[Point]:
    return arcs[ref] if ref >= 0 else arcs[~ref][::-1]


def _outline(rings: list[list[int]], arcs: list[list[Point]]) -> list[list[Point]]:
    """The region's boundary as closed rings: the arcs its municipalities do not share with
    each other (a shared border is used once in each direction), chained end to start. Each
    point has as many arcs in as out, so every chain closes; drawn with the even-odd rule the
    rings fill exactly the region, whatever order they were chained in."""
    uses: dict[int, int] = {}
    for ring in rings:
        for ref in ring:
            index = ref if ref >= 0 else ~ref
            uses[index] = uses.get(index, 0) + 1
    by_start: dict[Point, list[int]] = {}
    for ring in rings:
        for ref in ring:
            if uses[ref if ref >= 0 else ~ref] == 1:
                by_start.setdefault(_arc_points(ref, arcs)[0], []).append(ref)
    closed: list[list[Point]] = []
    while by_start:
        start = next(iter(by_start))
        points: list[Point] = [start]
        point = start
        while point in by_start:
            ref = by_start[point].pop()
            if not by_start[point]:
                del by_start[point]
            points.extend(_arc_points(ref, arcs)[1:])
            point = points[-1]
            if point == start:
                break
        closed.append(points)
    return closed
