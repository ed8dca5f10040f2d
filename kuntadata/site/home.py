"""What the home page adds to its list of municipalities: the whole country's key figures and
the former municipalities, so a search for "Pertunmaa" leads to Mäntyharju.

Why here: the home page is the one page every visitor may land on without a municipality in
mind, so it answers "how is Finland doing" with a few national figures (each with its period
and source, never a number without both), and it is where the header search of every page
lands, so a name that no longer exists must still find its way.
"""

from __future__ import annotations

from typing import Any

from . import fmt
from .context import Site
from .i18n import gettext_for
from .package_data import pick

COUNTRY = "SSS"
# (dataset, indicator, indicators said beside it): population, job seekers with their share
# of the labour force, median income. A fork without one of these datasets simply shows
# fewer figures; nothing here is computed, every value is the producer's own national figure.
NATIONAL_FIGURES: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("population", "population", ()),
    ("unemployed_jobseekers", "unemployed_jobseekers", ("unemployed_share_of_labour_force",)),
    ("income", "median_equivalent_income", ()),
)


def national_figures(site: Site, lang: str, root: str) -> list[dict[str, Any]]:
    """The whole country's latest value of each NATIONAL_FIGURES indicator that the package
    has: title, value, unit, period label, source line and the indicator page (its map)."""
    figures = []
    for dataset_id, indicator_id, beside in NATIONAL_FIGURES:
        dataset = site.package.dataset(dataset_id)
        if dataset is None:
            continue
        indicators = {i.id: i for i in dataset.indicators}
        indicator = indicators.get(indicator_id)
        series = dataset.series.get((indicator_id, COUNTRY))
        index = series.latest_known() if series is not None else -1
        if indicator is None or index < 0:
            continue
        period = series.periods[index]
        extras = []
        for other_id in beside:
            other = indicators.get(other_id)
            other_series = dataset.series.get((other_id, COUNTRY))
            value = other_series.value_at(period) if other_series is not None else None
            if other is not None and value is not None:
                extras.append({"title": pick(other.title, lang),
                               "value": fmt.number(value, other.decimals, lang),
                               "unit": pick(other.unit, lang)})  # fmt: skip
        figures.append({
            "title": pick(indicator.title, lang),
            "value": fmt.number(series.values[index], indicator.decimals, lang),
            "unit": pick(indicator.unit, lang),
            "period": fmt.period_label(period, lang),
            "source": dataset.text("attribution", lang),
            "extras": extras,
            "href": root + site.indicator_path(lang, indicator_id)
            if any(i.id == indicator_id for i in dataset.charted) else "",
        })  # fmt: skip
    return figures


def former_municipalities(site: Site, lang: str, root: str) -> list[dict[str, str]]:
    """Abolished municipalities in areas.csv with their successor in this site's scope, as
    "Pertunmaa → Mäntyharju (kuntaliitos 2025)": names stay in their dictionary form, so no
    language has to inflect them. `search` holds the old names the search box matches."""
    _ = gettext_for(lang)
    in_scope = set(site.municipalities)
    former = []
    for old, new, year in site.areas.mergers:
        area = site.areas.get(old)
        if area is None or area.level != "municipality" or not area.valid_to:
            continue  # mergers older than the classification have no names to search for
        if new not in in_scope:
            continue
        names = {site.areas.name(old, x).casefold() for x in ("fi", "sv", "en")}
        former.append({
            "name": site.areas.display_name(old, lang),
            "name_html": site.areas.display_html(old, lang),
            "successor": site.areas.display_name(new, lang),
            "successor_html": site.areas.display_html(new, lang),
            "href": root + site.municipality_path(lang, new),
            "note": _("merger {year}").format(year=year) if year else _("merger"),
            "search": " ".join(sorted(names)),
        })  # fmt: skip
    return sorted(former, key=lambda item: (item["name"].casefold(), item["successor"]))
