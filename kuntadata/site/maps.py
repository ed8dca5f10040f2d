"""Choropleth maps: one simplified TopoJSON of the municipalities per site (topology.py), and
the Vega-Lite spec of an indicator map that joins it to the indicator's ranked CSV.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import altair as alt
from markupsafe import Markup

from . import fmt
from .i18n import gettext_for
from .meta import script_safe
from .package_data import pick
from .topology import CODE_PROPERTY, OBJECT, simplified_topology, topology_json

MAP_PATH = "data/geo/municipalities.topo.json"
BOUNDARIES = "municipality_boundaries"
GEO_URL = "@@GEO_URL@@"
DATA_URL = "@@DATA_URL@@"
NO_DATA_FILL = "#d9d9d9"


@dataclass(frozen=True)
class SiteMap:
    """The simplified topology (JSON text) and which abolished municipalities it dissolved."""

    text: str
    merged: dict[str, str]
    division_year: int


def site_map(site: Any) -> SiteMap | None:
    """The build's map, from the package's `municipality_boundaries`; None without one."""
    if "map" not in site.cache:
        site.cache["map"] = _site_map(site)
    return site.cache["map"]


def _site_map(site: Any) -> SiteMap | None:
    loaded = boundaries(site)
    if loaded is None:
        return None
    geojson, division = loaded
    merged = merged_since(site, geojson, division, set(site.municipalities))
    topology = simplified_topology(geojson, set(site.municipalities), merged)
    return SiteMap(topology_json(topology), merged, division)


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


def _class_expression(classes: tuple[MapClass, ...], no_data: str) -> str:
    """Vega expression naming the class of `datum.number`: the same thresholds as
    `map_classes`, and the no-data entry for an empty, unparsable or missing value."""
    expression = json.dumps(classes[-1].label if classes else no_data, ensure_ascii=False)
    for item in reversed(classes[:-1]):
        label = json.dumps(item.label, ensure_ascii=False)
        expression = f"datum.number < {item.upper!r} ? {label} : ({expression})"
    missing = json.dumps(no_data, ensure_ascii=False)
    return f"!isValid(datum.number) || !isFinite(datum.number) ? {missing} : ({expression})"


@lru_cache(maxsize=256)
def map_template(
    decimals: int, texts: tuple[str, str, str, str], classes: tuple[MapClass, ...] = ()
) -> str:
    """Vega-Lite spec with URL sentinels: each municipality filled by its class (lookup on the
    area code in the ranked CSV). One layer and one legend: the classes, then "no data" in
    grey, always shown. The CSV's empty value is converted explicitly (`toNumber("")` is
    null), so a municipality without a figure can never fall into the lowest class."""
    unit, area, no_data, rank = texts
    geo = alt.UrlData(url=GEO_URL, format=alt.TopoDataFormat(type="topojson", feature=OBJECT))
    values = alt.UrlData(
        url=DATA_URL,
        format=alt.CsvDataFormat(type="csv", parse={"value": "string", "rank": "string"}),
    )
    legend = [c for c in classes if c.label]
    missing = json.dumps(no_data, ensure_ascii=False)
    chart = (
        alt.Chart(geo)
        .transform_lookup(
            lookup="properties.code",
            from_=alt.LookupData(data=values, key="area_code",
                                 fields=["area_name", "value", "rank"]),
        )
        .transform_calculate(number="toNumber(datum.value)")
        .transform_calculate(group=_class_expression(classes, no_data))
        .transform_calculate(
            shown=f"isValid(datum.number) && isFinite(datum.number) ? "
                  f"format(datum.number, ',.{decimals}f') : {missing}"
        )
        .mark_geoshape(stroke="#ffffff", strokeWidth=0.5)
        .encode(
            fill=alt.Fill("group:N", title=unit,
                          scale=alt.Scale(domain=[c.label for c in legend] + [no_data],
                                          range=[c.colour for c in legend] + [NO_DATA_FILL]),
                          legend=alt.Legend(orient="top", columns=2, symbolType="square",
                                            symbolSize=200, labelLimit=220)),
            tooltip=[alt.Tooltip("area_name:N", title=area),
                     alt.Tooltip("shown:N", title=unit),
                     alt.Tooltip("rank:N", title=rank)],
        )
        .project(type="transverseMercator", rotate=[-27, 0, 0])
        .properties(width="container", height="container")
    )  # fmt: skip
    spec = chart.to_dict()
    spec["autosize"] = {"type": "fit", "contains": "padding"}
    spec.setdefault("config", {}).update({"aria": False, "view": {"stroke": None}})
    spec["config"]["mark"] = {"aria": False}
    spec["config"]["legend"] = {"labelFontSize": 14, "titleFontSize": 14}
    return json.dumps(spec, ensure_ascii=False, separators=(",", ":"), sort_keys=True)


def fill_map(template: str, geo_url: str, data_url: str) -> str:
    """The page's spec, safe inside a <script type="application/json">."""
    text = template.replace(json.dumps(GEO_URL), json.dumps(geo_url, ensure_ascii=False))
    text = text.replace(json.dumps(DATA_URL), json.dumps(data_url, ensure_ascii=False))
    return script_safe(text)


def indicator_map(
    site: Any,
    indicator: Any,
    lang: str,
    root: str,
    csv_href: str,
    title: str,
    period: str,
    values: tuple[float, ...] = (),
) -> dict[str, Any] | None:
    """The map block of an indicator page, or None when the package has no boundaries."""
    the_map = site_map(site)
    if the_map is None:
        return None
    _ = gettext_for(lang)
    texts = (pick(indicator.unit, lang), _("Municipality"), _("no data"), _("Rank"))
    classes = map_classes(values, indicator.decimals, lang)
    spec = fill_map(map_template(indicator.decimals, texts, classes), root + MAP_PATH, csv_href)
    notes = [
        _("{old} merged into {new} in {year} and is drawn as part of it: the border between "
          "them is dissolved from the two municipalities' own boundary lines.").format(
            old=site.areas.name(old, lang), new=site.areas.name(new, lang),
            year=next((y for o, n, y in site.areas.mergers if o == old and n == new), ""))
        for old, new in sorted(the_map.merged.items())
    ]  # fmt: skip
    return {
        "id": "indicator-map",
        "spec": Markup(spec),
        "label": _(
            "Map: {title} by municipality, {period}. Darker means a larger value; "
            "grey means no data. The same figures are in the table below."
        ).format(title=title, period=period),
        "credit": _(
            "Boundaries: © Maanmittauslaitos, CC BY 4.0 (municipalities 1:4 500 000, "
            "{year} division, simplified)."
        ).format(year=the_map.division_year),
        "notes": notes,
    }
