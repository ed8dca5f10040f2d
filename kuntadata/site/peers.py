"""Peers and position: a municipality's rank among all municipalities and among those of
similar size, for every indicator.

Why size classes: a rank of 250 of 309 says little when most of the 309 are ten times larger.
Statistics Finland groups municipalities by population into seven classes (kuntakokoluokat);
we use exactly those bounds so a reader can look the grouping up. A municipality's class comes
from its current population: the latest figure of the `population` dataset (StatFin 11re,
31 December), and only when StatFin has none for it, THL Sotkanet's indicator 127
(`population_sotkanet_2009`, many years older). The page says which figure and year each
class rests on. A municipality whose population is not in the package is not put in any
class; the page says so instead of guessing.

Ranks count only the municipalities of the scope with a real value in the ranking period, and
the text says so ("3 of 293 municipalities with data").

Everything is computed once per build (`site.cache`) and looked up per page.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from . import fmt
from .context import Site
from .i18n import gettext_for, pgettext_for
from .package_data import Dataset, Indicator, bare_attribution, latest_values, rank_positions

# Statistics Finland's municipal size classes: [lower, upper) in residents.
SIZE_CLASSES: tuple[tuple[int, int | None], ...] = (
    (0, 2000),
    (2000, 5000),
    (5000, 10000),
    (10000, 20000),
    (20000, 50000),
    (50000, 100000),
    (100000, None),
)
# (dataset id, indicator id), most preferred first.
POPULATION_SOURCES = (
    ("population", "population"),
    ("population_sotkanet_2009", "population_sotkanet"),
)


@dataclass(frozen=True)
class PopulationFigure:
    value: float
    period: str
    dataset: Dataset


@dataclass
class PeerIndex:
    """Population and size class per municipality in scope; ranks filled lazily."""

    population: dict[str, PopulationFigure]
    size_class: dict[str, int]
    members: dict[int, list[str]]
    ranks: dict[tuple[str, str], dict[str, Any]] = field(default_factory=dict)


def size_class_of(population: float) -> int:
    """Index into SIZE_CLASSES for a population figure."""
    for index, (lower, upper) in enumerate(SIZE_CLASSES):
        if population >= lower and (upper is None or population < upper):
            return index
    return 0


@lru_cache(maxsize=64)
def size_class_label(index: int, lang: str) -> str:
    """`10 000–19 999 residents` in the reader's language and number format."""
    _ = gettext_for(lang)
    lower, upper = SIZE_CLASSES[index]
    if lower == 0:
        return _("under {upper} residents").format(upper=fmt.number(upper, 0, lang))
    if upper is None:
        return _("{lower} residents and over").format(lower=fmt.number(lower, 0, lang))
    return _("{lower}–{upper} residents").format(
        lower=fmt.number(lower, 0, lang), upper=fmt.number(upper - 1, 0, lang)
    )


@lru_cache(maxsize=8)
def all_class_labels(lang: str) -> str:
    return ", ".join(size_class_label(i, lang) for i in range(len(SIZE_CLASSES)))


def peer_index(site: Site) -> PeerIndex:
    """The build's PeerIndex, computed on first use."""
    index = site.cache.get("peers")
    if index is None:
        index = site.cache["peers"] = _build_index(site)
    return index


def _build_index(site: Site) -> PeerIndex:
    sources = [(site.package.dataset(d), indicator_id) for d, indicator_id in POPULATION_SOURCES]
    population: dict[str, PopulationFigure] = {}
    for code in site.municipalities:
        for dataset, indicator_id in sources:
            series = dataset.series.get((indicator_id, code)) if dataset else None
            at = series.latest_known() if series is not None else -1
            if at >= 0:
                population[code] = PopulationFigure(series.values[at], series.periods[at], dataset)
                break
    size_class = {code: size_class_of(p.value) for code, p in population.items()}
    members: dict[int, list[str]] = {}
    for code, index in size_class.items():
        members.setdefault(index, []).append(code)
    return PeerIndex(population, size_class, members)


def ranks_in_scope(site: Site, dataset: Dataset, indicator: Indicator) -> dict[str, Any]:
    """Ranks (largest first, ties share a rank) in the latest period, overall and per class."""
    index = peer_index(site)
    key = (dataset.id, indicator.id)
    if key in index.ranks:
        return index.ranks[key]
    latest, values = latest_values(dataset, indicator.id, site.municipalities)
    by_class: dict[int, list[tuple[float, str]]] = {}
    for value, code in values:
        if code in index.size_class:
            by_class.setdefault(index.size_class[code], []).append((value, code))
    result = {
        "period": latest,
        "rank": rank_positions(values),
        "of": len(values),
        "class_rank": {k: rank_positions(v) for k, v in by_class.items()},
        "class_of": {k: len(v) for k, v in by_class.items()},
    }
    index.ranks[key] = result
    return result


def position_text(site: Site, dataset: Dataset, indicator: Indicator, code: str, lang: str) -> str:
    """One sentence: rank among all municipalities with data and among those of similar size."""
    _ = gettext_for(lang)
    ranks = ranks_in_scope(site, dataset, indicator)
    period = ranks["period"]
    name = site.areas.name(code, lang)
    label = fmt.period_label(period, lang)
    if not period or code not in ranks["rank"]:
        if not period:
            return _("No position: no municipality has a figure for this indicator.")
        if fmt.is_sub_annual(period):
            p_ = pgettext_for(lang)
            return p_("month or quarter", "No position: {area} has no figure for {period}."
                      ).format(area=name, period=label)  # fmt: skip
        return _("No position: {area} has no figure for {period}.").format(area=name, period=label)
    index = peer_index(site)
    if code not in index.size_class:
        overall = _(
            "Position in {period} (largest first): {rank} of {count} municipalities with data"
        ).format(period=label, rank=ranks["rank"][code], count=ranks["of"])
        return (
            overall
            + "; "
            + _(
                "the population of {area} is not known in this data, so it is not ranked among "
                "municipalities of similar size."
            ).format(area=name)
        )
    # Short, because it is written under ~49 charts on ~1,250 pages: what "with data" and
    # "similar size" mean is said once above the charts (`ranks_hint`).
    size = index.size_class[code]
    return _(
        "Position in {period} (largest first): {rank}/{count} municipalities, "
        "{class_rank}/{class_count} of similar size."
    ).format(
        period=label,
        rank=ranks["rank"][code],
        count=ranks["of"],
        class_rank=ranks["class_rank"][size][code],
        class_count=ranks["class_of"][size],
    )


def ranks_hint(site: Site, code: str, lang: str) -> str:
    """The page's one explanation of the charts' position lines: who is counted and which
    municipalities are "of similar size" for this one."""
    _ = gettext_for(lang)
    index = peer_index(site)
    text = _("Positions count the municipalities that have a figure for the period.")
    if code in index.size_class:
        size = index.size_class[code]
        text += " " + _("Of similar size: the {count} municipalities with {size_class}.").format(
            count=len(index.members[size]), size_class=size_class_label(size, lang)
        )
    return text


def _source_name(dataset: Dataset, lang: str) -> str:
    """`Tilastokeskus, väestörakenne, taulukko 11re`: the attribution without `Lähde:` and
    without its own parentheses, because the sentences put the source in parentheses."""
    return re.sub(r"\s*\(([^()]*)\)$", r", \1", bare_attribution(dataset.text("attribution", lang)))


def class_basis(site: Site, lang: str) -> str:
    """Which population figures the classes rest on: one sentence, the same on every page.

    When every municipality has the StatFin figure of one year, that year is said; otherwise
    each source and year with its number of municipalities, so a reader sees how many
    classes rest on an older figure.
    """
    key = ("class_basis", lang)
    if key in site.cache:
        return site.cache[key]
    _ = gettext_for(lang)
    groups: dict[tuple[str, str], tuple[Dataset, int]] = {}
    for figure in peer_index(site).population.values():
        group = (figure.dataset.id, figure.period)
        count = groups.get(group, (figure.dataset, 0))[1]
        groups[group] = (figure.dataset, count + 1)
    order = [d for d, _i in POPULATION_SOURCES]
    ordered = sorted(
        groups.items(),
        key=lambda item: (order.index(item[0][0]) if item[0][0] in order else len(order),
                          fmt.period_key(item[0][1])),
    )  # fmt: skip
    if len(ordered) == 1:
        (_dataset_id, period), (dataset, _count) = ordered[0]
        text = _("The classes use the municipalities' population in {year} ({source}).").format(
            year=fmt.period_label(period, lang), source=_source_name(dataset, lang)
        )
    elif ordered:
        parts = [
            _("{source}, {year}: {count}").format(
                source=_source_name(dataset, lang), year=fmt.period_label(period, lang),
                count=fmt.number(count, 0, lang))
            for (_dataset_id, period), (dataset, count) in ordered
        ]  # fmt: skip
        text = _(
            "Each municipality's class is taken from its latest population figure in this "
            "data, from Statistics Finland where it has one (municipalities per source and "
            "year: {groups})."
        ).format(groups="; ".join(parts))
    else:
        text = ""
    site.cache[key] = text
    return text


def peers_explanation(site: Site, code: str, lang: str) -> str:
    """How peers are chosen, with the figure and year used for this municipality."""
    _ = gettext_for(lang)
    index = peer_index(site)
    name = site.areas.name(code, lang)
    classes = all_class_labels(lang)
    figure = index.population.get(code)
    if figure is None:
        return _(
            "Municipalities of similar size: the population of {area} is not in this data, so "
            "it is ranked only among all municipalities. Peers are grouped by Statistics "
            "Finland's municipal size classes ({classes})."
        ).format(area=name, classes=classes)
    size = index.size_class[code]
    words = {
        "area": name,
        "population": fmt.number(figure.value, 0, lang),
        "year": fmt.period_label(figure.period, lang),
        "source": _source_name(figure.dataset, lang),
        "count": len(index.members.get(size, [])),
        "size_class": size_class_label(size, lang),
        "classes": classes,
    }
    text = _(
        "Municipalities of similar size: {area} had {population} residents in {year} "
        "({source}), so it is compared with the {count} municipalities of {size_class} in "
        "Statistics Finland's municipal size classes ({classes})."
    ).format(**words)
    if figure.dataset.id != POPULATION_SOURCES[0][0]:
        text += " " + _(
            "Statistics Finland's population figure for {area} is not in this data, so its "
            "class comes from the {year} figure of {source}."
        ).format(**words)
    basis = class_basis(site, lang)
    return f"{text} {basis}" if basis else text
