"""Figures for regions, wellbeing services counties and sub-regions, derived from their members.

Many sources publish a dataset for municipalities and the whole country only, so a region
(MK), a wellbeing services county (HVA) or a sub-region (SK) would have no figure to compare
with. Where the package has no row for such an area and period, the site derives one here,
from the package's own municipality rows, and flags it (`Series.derived`), so every page,
table and CSV can say "computed from the municipalities' figures":

- a count (`additive: true`) is the sum over the member municipalities, only when every member
  has a value for that period (a partial sum would pass for the whole);
- a rate or share is derived only when its spec declares how (`aggregate: {numerator,
  denominator, multiply}`): the summed numerator over the summed denominator, never an average
  of the members' rates;
- a median, index, coefficient, average or a rate without `aggregate` is not derived.

An area that gets no figure has a reason in `Dataset.not_derived[(indicator, area)]`, so pages
say why ("not available: a median cannot be computed from the municipalities' figures").

Membership is the current division (the package's areas table) for every period: a region's
2015 figure is the sum over today's members, with a merged municipality's old parts added in
(`harmonised.py`), which is what a time series of today's region needs; the source's own
figure for an older division of the region, where it has one, is kept as reported.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from . import fmt
from .harmonised import harmonised_series
from .i18n import N_, gettext_for
from .package_data import Dataset, Indicator, PackageData, Series

AREA_LEVELS = ("region", "wellbeing_county", "subregion")
MEMBER_MISSING = "member_missing"  # a count: a member has no figure for the period
PARTS_MISSING = "parts_missing"  # a declared rate: its numerator or denominator is missing
NOT_SUMMABLE = "not_summable"  # a median, index, average or an undeclared rate


@dataclass(frozen=True)
class NotDerived:
    """Why an area has no derived figure: the reason's kind and the period it concerns."""

    kind: str
    period: str


def area_codes(package: PackageData, levels: tuple[str, ...] = AREA_LEVELS) -> list[str]:
    """Codes of the areas whose figures may be derived, in code order."""
    return sorted(a.code for a in package.areas.areas.values() if a.level in levels)


def derive_area_figures(package: PackageData) -> None:
    """Add derived periods to every region-level area's series, in place (see the module)."""
    codes = [c for c in area_codes(package) if package.areas.members(c)]
    for dataset in package.datasets:
        for indicator in dataset.indicators:
            if indicator.additive:
                _derive_sums(dataset, indicator, codes, package)
    for dataset in package.datasets:
        for indicator in dataset.indicators:
            if not indicator.additive:
                _derive_rates(dataset, indicator, codes, package)


def _member_values(
    dataset: Dataset, indicator: Indicator, package: PackageData
) -> dict[str, dict[str, float | None]]:
    """Each municipality's figures on the current division, period → value (None: no
    figure, or a merged part missing)."""
    found: dict[str, dict[str, float | None]] = {}
    for area in package.areas.municipalities():
        reported = dataset.series.get((indicator.id, area.code))
        current = harmonised_series(dataset, indicator, area.code, package.areas)
        if reported is None or current is None:
            continue
        found[area.code] = {p: h.value for p, h in zip(reported.periods, current, strict=True)}
    return found


def _derive_sums(
    dataset: Dataset, indicator: Indicator, codes: list[str], package: PackageData
) -> None:
    by_member = _member_values(dataset, indicator, package)
    if not by_member:
        return
    periods = fmt.sorted_periods({p for values in by_member.values() for p in values})
    for code in codes:
        own = dataset.series.get((indicator.id, code))
        members = package.areas.members(code)
        added: dict[str, float] = {}
        for period in periods:
            if own is not None and period in own.periods:
                continue  # the source's own figure, as reported
            values = [by_member.get(m, {}).get(period) for m in members]
            if all(v is not None for v in values):
                added[period] = sum(v for v in values if v is not None)
        if added:
            dataset.series[(indicator.id, code)] = _with_derived(own, added)
        latest = periods[-1]
        if latest not in added and (own is None or latest not in own.periods):
            dataset.not_derived[(indicator.id, code)] = NotDerived(MEMBER_MISSING, latest)


def _derive_rates(
    dataset: Dataset, indicator: Indicator, codes: list[str], package: PackageData
) -> None:
    rule = indicator.aggregate
    member_periods = {
        p for (ind, area), s in dataset.series.items() if ind == indicator.id and
        area.startswith("KU") for p in s.periods
    }  # fmt: skip
    if not member_periods:
        return
    latest = fmt.latest_period(member_periods)
    for code in codes:
        own = dataset.series.get((indicator.id, code))
        if not rule:
            if own is None or latest not in own.periods:
                dataset.not_derived[(indicator.id, code)] = NotDerived(NOT_SUMMABLE, latest)
            continue
        numerator = dataset.series.get((rule["numerator"], code))
        denominator = _denominator(package, rule, code)
        added: dict[str, float] = {}
        for period in fmt.sorted_periods(member_periods):
            if own is not None and period in own.periods:
                continue
            top = numerator.value_at(period) if numerator else None
            base = denominator.value_at(period) if denominator else None
            if top is not None and base:
                added[period] = top / base * float(rule.get("multiply", 1))
        if added:
            dataset.series[(indicator.id, code)] = _with_derived(own, added)
        if latest not in added and (own is None or latest not in own.periods):
            dataset.not_derived[(indicator.id, code)] = NotDerived(PARTS_MISSING, latest)


def _denominator(package: PackageData, rule: dict[str, Any], code: str) -> Series | None:
    dataset_id, _dot, indicator_id = str(rule.get("denominator", "")).partition(".")
    dataset = package.dataset(dataset_id)
    return dataset.series.get((indicator_id, code)) if dataset else None


def _with_derived(own: Series | None, added: dict[str, float]) -> Series:
    """The area's reported periods with the derived ones merged in, chronologically."""
    rows: dict[str, tuple[float | None, str, bool]] = {}
    if own is not None:
        for at, period in enumerate(own.periods):
            rows[period] = (own.values[at], own.status[at], own.is_derived(at))
    for period, value in added.items():
        rows[period] = (value, "", True)
    periods = fmt.sorted_periods(rows)
    return Series(
        periods=list(periods),
        values=[rows[p][0] for p in periods],
        status=[rows[p][1] for p in periods],
        derived=[rows[p][2] for p in periods],
    )


def is_derived(series: Series | None, period: str) -> bool:
    """Whether `series`' figure for `period` was computed from the municipalities."""
    if series is None or period not in series.periods:
        return False
    return series.is_derived(series.periods.index(period))


# --- how pages say it -------------------------------------------------------------------
DERIVED_MARK = "*"  # after a derived number in a data table, explained under it
REASONS = {
    MEMBER_MISSING: N_("not every member municipality has a figure for {period}, and a sum of "
                       "some of them is not the area's figure"),
    PARTS_MISSING: N_("it can be computed only from the numerator and denominator of every "
                      "member municipality, and not all of them have one for {period}"),
    NOT_SUMMABLE: N_("a rate, median, index or average cannot be computed from the "
                     "municipalities' own figures"),
}  # fmt: skip


def derived_words(lang: str) -> str:
    """The words a derived figure carries wherever it is shown."""
    return gettext_for(lang)("computed from the municipalities' figures")


def not_derived_text(dataset: Dataset, indicator: Indicator, code: str, lang: str) -> str:
    """Why `code` has no figure the site could derive, or '' (a municipality, the country,
    or an area the source simply reports as missing)."""
    reason = dataset.not_derived.get((indicator.id, code))
    if reason is None:
        return ""
    words = gettext_for(lang)(REASONS[reason.kind])
    return words.format(period=fmt.period_label(reason.period, lang))


def derived_notes(series: dict[str, Series | None], lang: str) -> list[dict[str, str]]:
    """The table note explaining DERIVED_MARK, when any cell of the table carries it."""
    if not any(s is not None and any(s.derived) for s in series.values()):
        return []
    return [{"symbol": DERIVED_MARK, "meaning": derived_words(lang).capitalize()}]
