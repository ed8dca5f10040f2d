"""Read the data package once and precompute everything pages look up.

Pages never touch pandas: every dataset is grouped here, once, into plain lists per
(indicator, area), and ranks per indicator are computed once. That is what keeps a
whole-Finland build at a few milliseconds per page.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import pandas as pd

from ..errors import BuildError
from . import fmt
from .areas_view import AreaIndex, load_area_index

THEMES = (
    "population",
    "economy",
    "work",
    "education",
    "wellbeing",
    "environment",
    "housing",
    "democracy",
)
FIXED_COLUMNS = ("area", "period", "indicator", "value", "status")


@dataclass(frozen=True)
class Indicator:
    id: str
    title: dict[str, str]
    unit: dict[str, str]
    description: dict[str, str]
    decimals: int
    higher_is: str
    additive: bool
    responsible: str = "other"  # municipality | wellbeing_county | state | other
    definition: dict[str, str] = field(default_factory=dict)  # the producer's (THL) definition
    producer: dict[str, str] = field(default_factory=dict)
    metadata_url: dict[str, str] = field(default_factory=dict)
    # a rate's rule for regions: {numerator, denominator: dataset.indicator, multiply}
    aggregate: dict[str, Any] = field(default_factory=dict)


@dataclass
class Series:
    """One indicator for one area, periods in chronological order (`fmt.period_key`: years,
    quarters and months alike); `values[i]` is None when not published. `derived[i]` is True
    where the site computed the figure from the member municipalities (aggregate.py); the
    list is empty for a series exactly as the package reports it."""

    periods: list[str]
    values: list[float | None]
    status: list[str]
    derived: list[bool] = field(default_factory=list)

    def is_derived(self, index: int) -> bool:
        return bool(self.derived) and self.derived[index]

    def latest_known(self) -> int:
        """Index of the latest period with a value, or -1."""
        for index in range(len(self.values) - 1, -1, -1):
            if self.values[index] is not None:
                return index
        return -1

    def value_at(self, period: str) -> float | None:
        try:
            return self.values[self.periods.index(period)]
        except ValueError:
            return None


@dataclass
class Dataset:
    id: str
    meta: dict[str, Any]
    resource: dict[str, Any]
    theme: str
    indicators: list[Indicator]
    charted: list[Indicator]
    frame: pd.DataFrame  # every row as strings, exactly as in the package CSV
    series: dict[tuple[str, str], Series] = field(default_factory=dict)
    ranks: dict[str, dict[str, Any]] = field(default_factory=dict)
    # (indicator id, area code) → why a region's figure could not be derived (aggregate.py)
    not_derived: dict[tuple[str, str], Any] = field(default_factory=dict)

    @property
    def key_figure(self) -> Indicator | None:
        """The indicator of the dataset's key-figure card (municipality and area pages, the
        members side by side): its first chart, unless the spec says `chart.key_figure:
        false`."""
        if not self.charted or (self.meta.get("chart") or {}).get("key_figure", True) is False:
            return None
        return self.charted[0]

    def text(self, key: str, lang: str) -> str:
        """A text of the dataset in `lang`. The producer's own table title is given only in
        the languages the producer wrote it in (StatFin has no Swedish title for 11re and only
        a Finnish one for many tables), so it is left out rather than shown in another
        language; texts of the spec fall back as `pick` does."""
        if key in PRODUCER_TEXTS:
            texts = self.meta.get(key)
            return texts.get(lang, "") if isinstance(texts, dict) else ""
        return pick(self.meta.get(key), lang)


PRODUCER_TEXTS = ("table_title",)
ATTRIBUTION_PREFIXES = ("Lähde:", "Källa:", "Source:")  # how the specs' attributions begin


def bare_attribution(text: str) -> str:
    """An attribution without its leading "Lähde:" / "Källa:" / "Source:", for a text that
    says that word once itself (a sentence, a list of several sources)."""
    for prefix in ATTRIBUTION_PREFIXES:
        text = text.removeprefix(prefix)
    return text.strip()


@dataclass
class PackageData:
    directory: Path
    descriptor: dict[str, Any]
    areas: AreaIndex
    datasets: list[Dataset]

    @property
    def status_meanings(self) -> dict[str, dict[str, str]]:
        return self.descriptor.get("x-status") or {}

    def dataset(self, dataset_id: str) -> Dataset | None:
        return next((d for d in self.datasets if d.id == dataset_id), None)


def pick(texts: Any, lang: str) -> str:
    """A fi/sv/en text in `lang`, falling back to English, then Finnish, then anything."""
    if isinstance(texts, str):
        return texts
    if not isinstance(texts, dict) or not texts:
        return ""
    return texts.get(lang) or texts.get("en") or texts.get("fi") or next(iter(texts.values()))


def load_package(
    directory: Path,
    municipality_codes: set[str] | None = None,
    scope: str | tuple[str, ...] | None = None,
) -> PackageData:
    """Load `datapackage.json` and every dataset; raise BuildError naming what is wrong.

    Ranks are among the municipalities of `scope` (a fork for a region ranks its own), or of
    `municipality_codes`, or of every current municipality.
    """
    descriptor_path = directory / "datapackage.json"
    if not descriptor_path.exists():
        raise BuildError(
            f"{descriptor_path}: data package not found; run `python build.py package` first"
        )
    descriptor = json.loads(descriptor_path.read_text(encoding="utf-8"))
    areas = load_area_index(directory)
    datasets: list[Dataset] = []
    for resource in descriptor.get("resources", []):
        if not _is_dataset(resource):
            continue  # areas, area_mergers, changes…: copied into downloads, not charted
        datasets.append(_load_dataset(directory, resource, descriptor_path))
    datasets.sort(key=lambda d: _theme_order(d.theme))  # stable: package order within a theme
    if scope is not None and not municipality_codes:
        municipality_codes = {a.code for a in areas.resolve_scope(scope)}
    municipalities = municipality_codes or {a.code for a in areas.municipalities()}
    for dataset in datasets:
        _rank(dataset, municipalities)
    package = PackageData(directory, descriptor, areas, datasets)
    from .aggregate import derive_area_figures  # aggregate.py builds on this module's types

    derive_area_figures(package)  # regions, counties, sub-regions the source has no figure for
    return package


def _is_dataset(resource: dict[str, Any]) -> bool:
    """A tidy dataset resource: it has x-kuntadata, or the tidy columns of the contract."""
    if "x-kuntadata" in resource:
        return True
    if resource.get("name") in ("areas", "area_mergers"):
        return False
    fields = {f.get("name") for f in (resource.get("schema") or {}).get("fields", [])}
    return set(FIXED_COLUMNS) <= fields and not fields & {"old_value", "new_value"}


def _theme_order(theme: str) -> int:
    return THEMES.index(theme) if theme in THEMES else len(THEMES)


def _load_dataset(directory: Path, resource: dict[str, Any], descriptor_path: Path) -> Dataset:
    name = resource.get("name", "?")
    meta = resource.get("x-kuntadata")
    if not isinstance(meta, dict) or not meta.get("indicators"):
        raise BuildError(
            f"{descriptor_path}: resource {name!r} has no x-kuntadata metadata (title, "
            "indicators, chart), so the site cannot show it; add datasets/"
            f"{name}.yaml and run `python build.py package` again"
        )
    indicators = [
        Indicator(
            id=item["id"],
            title=item.get("title") or {},
            unit=item.get("unit") or {},
            description=item.get("description") or {},
            decimals=int(item.get("decimals") or 0),
            higher_is=item.get("higher_is") or "neutral",
            additive=bool(item.get("additive", True)),
            responsible=item.get("responsible") or "other",
            definition=item.get("definition") or {},
            producer=item.get("producer") or {},
            metadata_url=item.get("metadata_url") or {},
            aggregate=item.get("aggregate") or {},
        )
        for item in meta["indicators"]
    ]
    wanted = (meta.get("chart") or {}).get("indicators") or [i.id for i in indicators]
    path = directory / resource.get("path", f"{name}.csv")
    if not path.exists():
        raise BuildError(f"{path}: listed in datapackage.json but missing; rebuild the package")
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    missing = [c for c in FIXED_COLUMNS if c not in frame.columns]
    if missing:
        raise BuildError(f"{path}: columns {', '.join(missing)} missing; rebuild the package")
    frame, indicators, wanted = _breakdowns(frame, meta, indicators, wanted)
    charted = [i for i in indicators if i.id in wanted]
    dataset = Dataset(
        id=name,
        meta=meta,
        resource=resource,
        theme=meta.get("theme") or "population",
        indicators=indicators,
        charted=charted,
        frame=frame,
    )
    dataset.series = _series(frame, meta.get("dimensions") or [])
    return dataset


def _breakdowns(
    frame: pd.DataFrame,
    meta: dict[str, Any],
    indicators: list[Indicator],
    wanted: list[str],
) -> tuple[pd.DataFrame, list[Indicator], list[str]]:
    """Each value of a dimension column becomes an indicator of its own on the site.

    The package keeps the tidy form (`sex` = SSS, 1, 2); a page needs one series per chart.
    Population by sex is shown as the total (the indicator itself) plus one indicator per
    value ("Väkiluku, miehet", id `population_men`); turnout, published for men and women
    only, as those two — never one value picked to stand for the whole. With more than one
    dimension column only totals are shown (a breakdown of a breakdown is not a key figure).
    """
    dimensions = [d for d in meta.get("dimensions") or [] if d.get("column") in frame.columns]
    if len(dimensions) != 1:
        return frame, indicators, wanted
    dim = dimensions[0]
    column, total = dim["column"], dim.get("total")
    labels: dict[str, dict[str, str]] = dim.get("values") or {}
    codes = [c for c in dict.fromkeys(frame[column]) if c != total]
    ids = {code: _breakdown_id(labels.get(code) or {}, code) for code in codes}
    expanded: list[Indicator] = []
    charted: list[str] = []
    for indicator in indicators:
        parts = [] if total is None else [indicator]
        for code in codes:
            label = labels.get(code) or {}
            parts.append(
                replace(
                    indicator,
                    id=f"{indicator.id}_{ids[code]}",
                    title={
                        lang: f"{text}, {_lower_first(label.get(lang) or code)}"
                        for lang, text in indicator.title.items()
                    },
                )
            )
        expanded.extend(parts)
        if indicator.id in wanted:
            charted.extend(p.id for p in parts)
    suffix = frame[column].map(lambda code: "" if code == total else f"_{ids[code]}")
    frame = frame.assign(indicator=frame["indicator"] + suffix).drop(columns=[column])
    return frame, expanded, charted


def _breakdown_id(label: dict[str, str], code: str) -> str:
    """`men` from the English label "Men"; the code when there is no usable label."""
    slug = re.sub(r"[^a-z0-9]+", "_", (label.get("en") or "").casefold()).strip("_")
    return slug or re.sub(r"[^a-z0-9]+", "_", code.casefold()).strip("_") or "value"


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


def _series(frame: pd.DataFrame, dimensions: list[dict[str, Any]]) -> dict:
    """Totals over every dimension column, grouped into one Series per (indicator, area)."""
    totals = frame
    for dim in dimensions:
        column = dim.get("column")
        if column not in totals.columns:
            continue
        total = dim.get("total") or ("SSS" if (totals[column] == "SSS").any() else None)
        if total is None:  # no total to show; never let one value stand for all
            return {}
        totals = totals[totals[column] == total]
    order = {p: i for i, p in enumerate(fmt.sorted_periods(totals["period"].unique()))}
    totals = totals.assign(_order=totals["period"].map(order))
    totals = totals.sort_values(["indicator", "area", "_order"], kind="stable")
    numbers = pd.to_numeric(totals["value"].replace("", None), errors="coerce")
    series: dict[tuple[str, str], Series] = {}
    for indicator, area, period, value, status in zip(
        totals["indicator"],
        totals["area"],
        totals["period"],
        numbers,
        totals["status"],
        strict=True,
    ):
        item = series.get((indicator, area))
        if item is None:
            item = series[(indicator, area)] = Series([], [], [])
        item.periods.append(period)
        item.values.append(None if pd.isna(value) else float(value))
        item.status.append(status)
    return series


def _rank(dataset: Dataset, municipalities: set[str]) -> None:
    """Rank municipalities (largest first) in each indicator's latest period, once.

    `of` is how many municipalities of the scope have a real value in that period (a status
    symbol or no row does not count), so "3 of 293" says among how many the rank is.
    """
    for indicator in dataset.indicators:
        latest, values = latest_values(dataset, indicator.id, municipalities)
        dataset.ranks[indicator.id] = {
            "period": latest,
            "rank": rank_positions(values),
            "of": len(values),
        }


def latest_values(
    dataset: Dataset, indicator_id: str, codes: Iterable[str]
) -> tuple[str, list[tuple[float, str]]]:
    """The latest period in which any of `codes` has a value, and their (value, code) in it,
    largest first. A newer period published only as status symbols (`..` everywhere) is not
    the ranking period: a rank "of 0" would say nothing."""
    found = [
        (code, s) for code in codes if (s := dataset.series.get((indicator_id, code))) is not None
    ]
    latest = fmt.latest_period(
        {s.periods[at] for _code, s in found if (at := s.latest_known()) >= 0}
    )
    values = [(v, code) for code, s in found if (v := s.value_at(latest)) is not None]
    values.sort(key=lambda item: (-item[0], item[1]))
    return latest, values


def rank_positions(values: list[tuple[float, str]]) -> dict[str, int]:
    """Code → rank for (value, code) pairs sorted largest first; ties share a rank."""
    positions: dict[str, int] = {}
    previous: float | None = None
    rank = 0
    for order, (value, code) in enumerate(values, start=1):
        if value != previous:
            rank, previous = order, value
        positions[code] = rank
    return positions
