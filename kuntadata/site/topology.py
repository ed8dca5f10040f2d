"""The simplified TopoJSON of the municipalities, drawn at build time as static SVG by the
indicator pages' choropleth (maps.py) and the municipality pages' locator map (locator.py).

Why TopoJSON and why this simplification: the package carries MML's 1:4 500 000 boundaries
(2023 division, 309 municipalities, ~330 KB GeoJSON). Neighbouring municipalities share their
borders, so the borders are cut into arcs at the points where three or more municipalities
meet, each shared arc is stored once, and each arc is simplified once (Douglas–Peucker with
its end points fixed). Both neighbours therefore draw exactly the same simplified line: no
gaps or slivers. Coordinates are quantised and delta-encoded (TopoJSON's own encoding, so
the intermediate stays a standard format a test or a reader can load).

Mergers after 2023 are dissolved honestly in the topology: the arcs the two municipalities
share are dropped and the remaining arcs are stitched into the merged outline (Pertunmaa 588
into Mäntyharju 507 from 2025), so the map shows the current division without inventing any
line. Only municipalities in the given scope are written.

The SVG helpers at the end turn rings of arcs into compact path data: both maps project
the same arcs and round them to whole viewBox units, so neighbours still share every point.
"""

from __future__ import annotations

import json
import math
from itertools import pairwise
from typing import Any

Point = tuple[int, int]
MIN_RING = 1.5  # a ring smaller than this in both directions (viewBox units) is not drawn
QUANTISE = 5000  # grid steps across the extent: ~230 m in latitude for Finland
TOLERANCE = 0.01  # degrees of latitude (~1.1 km); 1 px on a 520 px map is ~2 km
OBJECT = "municipalities"
CODE_PROPERTY = "NATCODE"


def _rings(geometry: dict[str, Any]) -> list[list[list[list[float]]]]:
    """Polygons of a Polygon or MultiPolygon, each a list of rings."""
    if geometry["type"] == "Polygon":
        return [geometry["coordinates"]]
    return list(geometry["coordinates"])


def _area(ring: list[Point]) -> float:
    return sum(
        x0 * y1 - x1 * y0 for (x0, y0), (x1, y1) in zip(ring, ring[1:] + ring[:1], strict=True)
    )


def _clean(ring: list[Point], exterior: bool) -> list[Point]:
    """Open ring without repeated points, exterior clockwise (d3-geo's spherical rule)."""
    out: list[Point] = []
    for point in ring:
        if not out or out[-1] != point:
            out.append(point)
    if len(out) > 1 and out[0] == out[-1]:
        out.pop()
    clockwise = _area(out) < 0
    if clockwise != exterior:
        out.reverse()
    return out


def _douglas_peucker(points: list[Point], tolerance: float, x_scale: float) -> list[Point]:
    """Keep end points; drop inner points closer than `tolerance` to the simplified line."""
    if len(points) < 3:
        return points
    keep = [False] * len(points)
    keep[0] = keep[-1] = True
    stack = [(0, len(points) - 1)]
    while stack:
        first, last = stack.pop()
        (ax, ay), (bx, by) = points[first], points[last]
        ax, bx = ax * x_scale, bx * x_scale
        dx, dy = bx - ax, by - ay
        length = math.hypot(dx, dy)
        best, index = -1.0, -1
        for i in range(first + 1, last):
            px, py = points[i][0] * x_scale, points[i][1]
            if length == 0:
                distance = math.hypot(px - ax, py - ay)
            else:
                distance = abs(dx * (ay - py) - (ax - px) * dy) / length
            if distance > best:
                best, index = distance, i
        if index > 0 and best > tolerance:
            keep[index] = True
            stack += [(first, index), (index, last)]
    return [p for p, k in zip(points, keep, strict=True) if k]


class _Topology:
    """Arcs shared between rings; `ring_arcs` holds signed arc indices (~i = reversed)."""

    def __init__(self, rings: list[list[Point]]) -> None:
        neighbours: dict[Point, set[Point]] = {}
        for ring in rings:
            for i, point in enumerate(ring):
                near = neighbours.setdefault(point, set())
                near.add(ring[i - 1])
                near.add(ring[(i + 1) % len(ring)])
        self.junctions = {p for p, near in neighbours.items() if len(near) > 2}
        self.arcs: list[list[Point]] = []
        self._index: dict[tuple[Point, ...], int] = {}
        self.ring_arcs = [self._cut(ring) for ring in rings]

    def _cut(self, ring: list[Point]) -> list[int]:
        starts = [i for i, p in enumerate(ring) if p in self.junctions]
        if not starts:  # an island or enclave: one closed arc from a canonical start
            start = ring.index(min(ring))
            return [self._arc(ring[start:] + ring[:start] + [ring[start]])]
        rotated = ring[starts[0] :] + ring[: starts[0]]
        refs, current = [], [rotated[0]]
        for point in [*rotated[1:], rotated[0]]:
            current.append(point)
            if point in self.junctions:
                refs.append(self._arc(current))
                current = [point]
        return refs

    def _arc(self, points: list[Point]) -> int:
        key = tuple(points)
        if key in self._index:
            return self._index[key]
        reverse = tuple(reversed(points))
        if reverse in self._index:
            return ~self._index[reverse]
        self._index[key] = len(self.arcs)
        self.arcs.append(points)
        return len(self.arcs) - 1


def _dissolve(polygons: list[list[list[int]]], arcs: list[list[Point]]) -> list[list[list[int]]]:
    """Merge polygons (lists of rings of arc refs): drop arcs used in both directions, then
    stitch the rest into rings by their end points. Rings come out as closed outlines; their
    winding tells exteriors (clockwise) from holes, as in the input."""
    refs = [r for polygon in polygons for ring in polygon for r in ring]
    used = {(r if r >= 0 else ~r) for r in refs}
    inner = {a for a in used if a in refs and ~a in refs}
    remaining = [r for r in refs if (r if r >= 0 else ~r) not in inner]

    def ends(ref: int) -> tuple[Point, Point]:
        points = arcs[ref] if ref >= 0 else arcs[~ref][::-1]
        return points[0], points[-1]

    by_start: dict[Point, list[int]] = {}
    for ref in remaining:
        by_start.setdefault(ends(ref)[0], []).append(ref)
    rings: list[list[int]] = []
    while by_start:
        start = next(iter(by_start))
        ring: list[int] = []
        point = start
        while point in by_start:
            ref = by_start[point].pop()
            if not by_start[point]:
                del by_start[point]
            ring.append(ref)
            point = ends(ref)[1]
            if point == start:
                break
        rings.append(ring)

    def signed(ring: list[int]) -> float:
        points = [p for ref in ring for p in (arcs[ref] if ref >= 0 else arcs[~ref][::-1])[:-1]]
        return _area(points)

    exteriors = [r for r in rings if signed(r) < 0]
    holes = [r for r in rings if signed(r) >= 0]
    if len(exteriors) == 1:
        return [[exteriors[0], *holes]]
    return [[r] for r in exteriors]  # several pieces: holes are rare; keep outlines only


def simplified_topology(
    geojson: dict[str, Any], scope: set[str], merged: dict[str, str]
) -> dict[str, Any]:
    """TopoJSON of the features whose `KU`+NATCODE is in `scope`; features of abolished
    municipalities in `merged` (old → new code) are dissolved into their successor."""
    features = []
    for feature in geojson.get("features", []):
        code = "KU" + str(feature["properties"][CODE_PROPERTY]).zfill(3)
        code = merged.get(code, code)
        if code in scope:
            features.append((code, _rings(feature["geometry"])))
    xs = [p[0] for _c, polys in features for poly in polys for ring in poly for p in ring]
    ys = [p[1] for _c, polys in features for poly in polys for ring in poly for p in ring]
    if not xs:
        empty = {"type": "GeometryCollection", "geometries": []}
        return {"type": "Topology", "objects": {OBJECT: empty}, "arcs": []}
    x0, y0 = min(xs), min(ys)
    kx = (max(xs) - x0) / (QUANTISE - 1) or 1.0
    ky = (max(ys) - y0) / (QUANTISE - 1) or 1.0
    rings: list[list[Point]] = []
    shapes: list[tuple[str, list[list[int]]]] = []  # code, polygons as lists of ring indexes
    for code, polys in features:
        shape = []
        for poly in polys:
            indexes = []
            for position, ring in enumerate(poly):
                points = [(round((x - x0) / kx), round((y - y0) / ky)) for x, y in ring]
                rings.append(_clean(points, exterior=position == 0))
                indexes.append(len(rings) - 1)
            shape.append(indexes)
        shapes.append((code, shape))
    topology = _Topology(rings)
    latitude = math.radians(y0 + ky * QUANTISE / 2)
    x_scale = kx * math.cos(latitude) / ky
    arcs = [_douglas_peucker(arc, TOLERANCE / ky, x_scale) for arc in topology.arcs]
    for refs in topology.ring_arcs:  # a ring simplified to a line would vanish: keep it whole
        if sum(len(arcs[r if r >= 0 else ~r]) - 1 for r in refs) < 4:
            for ref in refs:
                arcs[ref if ref >= 0 else ~ref] = topology.arcs[ref if ref >= 0 else ~ref]
    by_code: dict[str, list[list[list[int]]]] = {}
    for code, shape in shapes:
        polygons = [[topology.ring_arcs[i] for i in poly] for poly in shape]
        by_code.setdefault(code, []).extend(polygons)
    geometries = []
    for code in sorted(by_code):
        polygons = by_code[code]
        if len(polygons) > 1 and code in set(merged.values()):
            polygons = _dissolve(polygons, topology.arcs)
        kind = "Polygon" if len(polygons) == 1 else "MultiPolygon"
        geometries.append({"type": kind, "arcs": polygons[0] if kind == "Polygon" else polygons,
                           "properties": {"code": code}})  # fmt: skip
    return {
        "type": "Topology",
        "transform": {"scale": [kx, ky], "translate": [x0, y0]},
        "objects": {OBJECT: {"type": "GeometryCollection", "geometries": geometries}},
        "arcs": [_delta(arc) for arc in arcs],
    }


def _delta(arc: list[Point]) -> list[list[int]]:
    out, previous = [], (0, 0)
    for x, y in arc:
        out.append([x - previous[0], y - previous[1]])
        previous = (x, y)
    return out


def topology_json(topology: dict[str, Any]) -> str:
    return json.dumps(topology, separators=(",", ":"))


def decoded_arcs(topology: dict[str, Any]) -> list[list[tuple[int, int]]]:
    """The arcs back on the quantised grid (delta encoding undone), for drawing them again
    without a TopoJSON client (the locator maps); `transform` turns them into degrees."""
    arcs = []
    for arc in topology["arcs"]:
        x = y = 0
        points = []
        for dx, dy in arc:
            x, y = x + dx, y + dy
            points.append((x, y))
        arcs.append(points)
    return arcs


def polygons_of(geometry: dict[str, Any]) -> list[list[list[int]]]:
    """A Polygon's or MultiPolygon's polygons, each a list of rings of signed arc indices."""
    return [geometry["arcs"]] if geometry["type"] == "Polygon" else list(geometry["arcs"])


def ring_points(ring: list[int], arcs: list[list[Point]]) -> list[Point]:
    """The points of a ring of signed arc indices (~i = arc i reversed), joints once."""
    points: list[Point] = []
    for ref in ring:
        part = arcs[ref] if ref >= 0 else arcs[~ref][::-1]
        points.extend(part[1:] if points else part)
    return points


def transverse_mercator(lon: float, lat: float, central: float) -> tuple[float, float]:
    """Spherical transverse Mercator (radians of the sphere, y northwards) about `central`
    degrees east: Finland's own map grid (ETRS-TM35FIN) is this projection about 27° E, so
    the country keeps the shape readers know, which one plate carrée latitude cannot give
    over 60-70° N."""
    lam, phi = math.radians(lon - central), math.radians(lat)
    b = math.cos(phi) * math.sin(lam)
    return math.atanh(b), math.atan2(math.tan(phi), math.cos(lam))


def svg_path(
    rings: list[list[Point]], keep_one: bool = False, min_ring: float = MIN_RING
) -> tuple[str, tuple[int, ...]]:
    """SVG path data with relative moves (short: `M12 34l3 2 1-1z`) and the bounding box.
    Rings smaller than `min_ring` are left out (islets a pixel wide), except that `keep_one`
    keeps the largest when all are that small (a municipality must be drawn)."""
    cleaned = []
    for ring in rings:
        points = [p for i, p in enumerate(ring) if i == 0 or p != ring[i - 1]]
        if len(points) > 1 and points[0] == points[-1]:
            points.pop()
        if len(points) >= 3:
            cleaned.append(points)
    if not cleaned:
        return "", (0, 0, 0, 0)

    def extent(points: list[Point]) -> float:
        xs, ys = [x for x, _y in points], [y for _x, y in points]
        return max(max(xs) - min(xs), max(ys) - min(ys))

    shown = [r for r in cleaned if extent(r) >= min_ring]
    if not shown and keep_one:
        shown = [max(cleaned, key=extent)]
    parts = []
    for points in shown:
        (x, y) = points[0]
        moves = [(bx - ax, by - ay) for (ax, ay), (bx, by) in pairwise(points)]
        parts.append(f"M{x} {y}l{_numbers(moves)}z")
    if not parts:
        return "", (0, 0, 0, 0)
    xs = [x for ring in shown for x, _y in ring]
    ys = [y for ring in shown for _x, y in ring]
    return "".join(parts), (min(xs), min(ys), max(xs), max(ys))


def _numbers(pairs: list[Point]) -> str:
    """`3 2 1-1`: a space only where the next number has no minus sign to separate it."""
    text = ""
    for value in (v for pair in pairs for v in pair):
        token = str(value)
        text += token if not text or token.startswith("-") else " " + token
    return text
