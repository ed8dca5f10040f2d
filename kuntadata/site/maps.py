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
    resource = next(
        (r for r in site.package.descriptor.get("resources", []) if r.get("name") == BOUNDARIES),
        None,
    )
    path = site.package.directory / (resource or {}).get("path", "")
    if resource is None or not path.is_file():
        return None
    geojson = json.loads(path.read_text(encoding="utf-8"))
    division = int(resource.get("x-division-year") or 0)
    present = {"KU" + str(f["properties"][CODE_PROPERTY]).zfill(3) for f in geojson["features"]}
    scope = set(site.municipalities)
    merged = {
        old: new
        for old, new, year in site.areas.mergers
        if old in present and new in scope and year and int(year) > division
    }
    topology = simplified_topology(geojson, scope, merged)
    return SiteMap(topology_json(topology), merged, division)


# Viridis in five classes, light for small values and dark for large (colour-blind safe).
CLASS_COLOURS = ("#fde725", "#5ec962", "#21918c", "#3b528b", "#440154")


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


@lru_cache(maxsize=256)
def map_template(
    decimals: int, texts: tuple[str, str, str, str], breaks: tuple[float, ...] = ()
) -> str:
    """Vega-Lite spec with URL sentinels: municipalities coloured by `value` of the ranked CSV
    (lookup on the area code). Every municipality is first drawn grey (the "no data" legend
    entry, always shown), then those with a value are drawn over it in colour."""
    unit, area, no_data, rank = texts
    geo = alt.UrlData(url=GEO_URL, format=alt.TopoDataFormat(type="topojson", feature=OBJECT))
    values = alt.UrlData(
        url=DATA_URL,
        format=alt.CsvDataFormat(type="csv", parse={"value": "number", "rank": "string"}),
    )
    base = alt.Chart(geo).transform_lookup(
        lookup="properties.code",
        from_=alt.LookupData(data=values, key="area_code",
                             fields=["area_name", "value", "rank", "period"]),
    )  # fmt: skip
    shape = {"stroke": "#ffffff", "strokeWidth": 0.4}
    missing = (
        base.transform_calculate(status=json.dumps(no_data, ensure_ascii=False))
        .mark_geoshape(**shape)
        .encode(
            fill=alt.Fill("status:N", title=None,
                          scale=alt.Scale(domain=[no_data], range=[NO_DATA_FILL]),
                          legend=alt.Legend(orient="top")),
            tooltip=[alt.Tooltip("area_name:N", title=area)],
        )
    )  # fmt: skip
    known = (
        base.transform_filter("isValid(datum.value)")
        .mark_geoshape(**shape)
        .encode(
            color=alt.Color("value:Q", title=unit, scale=_colour_scale(breaks),
                            legend=alt.Legend(orient="top", format=f",.{decimals}f",
                                              symbolType="square")),
            tooltip=[alt.Tooltip("area_name:N", title=area),
                     alt.Tooltip("value:Q", title=unit, format=f",.{decimals}f"),
                     alt.Tooltip("rank:N", title=rank)],
        )
    )  # fmt: skip
    chart = (
        alt.layer(missing, known)
        .project(type="transverseMercator", rotate=[-27, 0, 0])
        .properties(width=320, height=540)
    )
    spec = chart.to_dict()
    spec.setdefault("config", {}).update({"aria": False, "view": {"stroke": None}})
    spec["config"]["mark"] = {"aria": False}
    spec["config"]["legend"] = {"labelFontSize": 13, "titleFontSize": 13}
    return json.dumps(spec, ensure_ascii=False, separators=(",", ":"), sort_keys=True)


def _colour_scale(breaks: tuple[float, ...]) -> alt.Scale:
    if not breaks:
        return alt.Scale(scheme="viridis", reverse=True)
    return alt.Scale(
        type="threshold", domain=list(breaks), range=list(CLASS_COLOURS[5 - len(breaks) - 1 :])
    )


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
    breaks = class_breaks(values, indicator.decimals)
    spec = fill_map(map_template(indicator.decimals, texts, breaks), root + MAP_PATH, csv_href)
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
