"""Series on the current division: a merged municipality's counts added into its successor.

The package keeps every figure as the source reports it. A source on an older division
(families, StatFin 12c1 on the 1.1.2023 division) still reports Pertunmaa (KU588) apart from
Mäntyharju (KU507), which it merged into in 2025. For an ADDITIVE indicator (counts: persons,
families, euros; `additive: true` in the spec) the figure on the current division is the sum
of the parts, so the site computes it here, from the package's own rows and its merger key
(`area_mergers`: old_code, new_code, year), beside the as-reported series, never instead of it.
Rates, shares, medians and means (`additive: false`) cannot be summed: they are only as
reported.

A sum is given only when every part has a value for that period. Otherwise the figure is
empty and a note code says why, so a partial sum is never presented as the whole:

- `includes:KU588`: the sum of the municipality and the listed merged parts;
- `missing:KU588`: a part (or the municipality itself) has no value for the period;
- `not_in_dataset:KU588`: the dataset has no rows for the merged part at all, so the package
  cannot tell whether the source already counts it in its successor (a table on the current
  division does, a fetch narrowed to a few municipalities would not);
- `split:KU003`: the old municipality was divided between several successors, so its counts
  cannot be given to one of them;
- `not_additive`: a rate, share, median or mean, only as reported.

A period needs harmonising when the merged part has a row for it, or when it is before the
merger year. Other periods of a municipality, and every period of a region, a county or the
country (the merger key concerns municipalities), are copied as reported with an empty note.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .package_data import Dataset, Indicator, Series

NOT_ADDITIVE = "not_additive"


@dataclass(frozen=True)
class Harmonised:
    """One period of a series on the current division: the value (None when not known) and
    the note code (see the module's docstring); an empty note means "as reported"."""

    value: float | None
    note: str


@dataclass(frozen=True)
class Part:
    code: str
    year: int | None  # the merger year, None where the key does not tell
    split: bool  # the old municipality went to several successors


def merged_parts(areas: Any, code: str) -> list[Part]:
    """The abolished municipalities merged into `code` according to the merger key. Asked
    for every chart of every page (tens of thousands of times a build), so each answer is
    kept with the area index it came from."""
    cache: dict[str, list[Part]] = vars(areas).setdefault("_merged_parts", {})
    if code not in cache:
        cache[code] = _merged_parts(areas, code)
    return cache[code]


def _merged_parts(areas: Any, code: str) -> list[Part]:
    merged = areas.merged_into(code)
    if not merged:
        return []
    successors: dict[str, set[str]] = {}
    for old, new, _year in areas.mergers:
        successors.setdefault(old, set()).add(new)
    parts = []
    for old, year in merged:
        number = int(year) if str(year).strip().isdigit() else None
        parts.append(Part(old, number, len(successors.get(old, ())) > 1))
    return parts


def _year(period: str) -> int | None:
    head = period[:4]
    return int(head) if head.isdigit() else None


def harmonised_series(
    dataset: Dataset, indicator: Indicator, code: str, areas: Any
) -> list[Harmonised] | None:
    """`code`'s series of `indicator` on the current division, one item per reported period
    (aligned with `dataset.series[(indicator.id, code)]`); None when `code` has no series."""
    reported = dataset.series.get((indicator.id, code))
    if reported is None:
        return None
    if not indicator.additive:
        return [Harmonised(None, NOT_ADDITIVE) for _ in reported.periods]
    area = areas.get(code)
    parts = merged_parts(areas, code) if area is not None and area.level == "municipality" else []
    if not parts:
        return [Harmonised(v, "") for v in reported.values]
    part_series: dict[str, Series | None] = {
        part.code: dataset.series.get((indicator.id, part.code)) for part in parts
    }
    result = []
    for period, value in zip(reported.periods, reported.values, strict=True):
        result.append(_one(period, value, code, parts, part_series))
    return result


def _one(
    period: str,
    value: float | None,
    code: str,
    parts: list[Part],
    part_series: dict[str, Series | None],
) -> Harmonised:
    year = _year(period)
    needed = []
    for part in parts:
        series = part_series[part.code]
        has_row = series is not None and period in series.periods
        before = part.year is not None and year is not None and year < part.year
        if has_row or before:
            needed.append(part)
    if not needed:
        return Harmonised(value, "")
    codes = ",".join(p.code for p in needed)
    split = [p.code for p in needed if p.split]
    if split:
        return Harmonised(None, "split:" + ",".join(split))
    absent = [p.code for p in needed if part_series[p.code] is None]
    if absent:
        return Harmonised(None, "not_in_dataset:" + ",".join(absent))
    values = {p.code: part_series[p.code].value_at(period) for p in needed}  # type: ignore[union-attr]
    missing = ([code] if value is None else []) + [c for c, v in values.items() if v is None]
    if missing:
        return Harmonised(None, "missing:" + ",".join(missing))
    total = value + sum(v for v in values.values() if v is not None)  # type: ignore[operator]
    return Harmonised(total, "includes:" + codes)


NOTE_WORDS = {
    "fi": "Nykyisellä aluejaolla, {parts} mukaan lukien",
    "sv": "Enligt nuvarande indelning, inklusive {parts}",
    "en": "On the current division, including {parts}",
}
MERGED_WORDS = {
    "fi": "{name} (yhdistyi {year})",
    "sv": "{name} (sammanslogs {year})",
    "en": "{name} (merged {year})",
}


def current_division_figures(site: Any, code: str, lang: str) -> dict[str, Any] | None:
    """For the municipality page: each additive charted indicator's latest figure on the
    current division where it differs from the as-reported series shown in the chart (a
    merged part was added in), as an item of the page's merger notes (`area.merged`: text,
    figures, figures_caption). None when no figure needed harmonising."""
    from . import fmt
    from .package_data import pick

    parts = merged_parts(site.areas, code)
    if not parts:
        return None
    figures = []
    for dataset in site.package.datasets:
        for indicator in dataset.charted:
            series = harmonised_series(dataset, indicator, code, site.areas)
            reported = dataset.series.get((indicator.id, code))
            if not series or reported is None:
                continue
            found = [i for i, h in enumerate(series) if h.note.startswith("includes:")]
            if not found:
                continue
            at = found[-1]
            figures.append({
                "title": pick(indicator.title, lang),
                "value": fmt.number(series[at].value, indicator.decimals, lang),
                "unit": pick(indicator.unit, lang),
                "period": fmt.period_label(reported.periods[at], lang),
            })  # fmt: skip
    if not figures:
        return None
    words = MERGED_WORDS.get(lang, MERGED_WORDS["en"])
    names = ", ".join(
        words.format(name=site.areas.name(p.code, lang), year=p.year or "?") for p in parts
    )
    caption = NOTE_WORDS.get(lang, NOTE_WORDS["en"]).format(parts=names)
    text = {
        "fi": "Kaaviot näyttävät luvut sellaisina kuin lähde ne julkaisee. Yhteenlaskettavien "
        "lukujen sarja nykyisellä aluejaolla on kunnan CSV-tiedostojen sarakkeessa "
        "value_current_division; viimeisimmät:",
        "sv": "Diagrammen visar siffrorna så som källan publicerar dem. Serien enligt nuvarande "
        "indelning för summerbara tal finns i kolumnen value_current_division i kommunens "
        "CSV-filer; de senaste:",
        "en": "The charts show the figures as the source reports them. The series of additive "
        "figures on the current division is in the column value_current_division of the "
        "municipality's CSV files; the latest:",
    }
    return {"text": text.get(lang, text["en"]), "figures": figures, "figures_caption": caption}
