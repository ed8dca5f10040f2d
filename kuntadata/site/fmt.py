"""Numbers, dates, changes and the one-sentence summaries, per language, via Babel.

Readers see `1 234,5` on Finnish and Swedish pages and `1,234.5` on English ones; the same
rules feed tables, headline figures and sentences, and the Vega charts get the matching
d3 locale (see charts.py), so a number reads the same everywhere on a page.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from datetime import date, datetime
from functools import lru_cache

from babel import Locale
from babel.dates import format_date
from babel.numbers import format_decimal

BABEL_LOCALES = {"fi": "fi_FI", "sv": "sv_FI", "en": "en_GB"}
D3_LOCALES = {"fi": "fi-FI", "sv": "sv-SE", "en": "en-GB"}
MINUS = "\u2212"
NBSP = "\u00a0"

Gettext = Callable[[str], str]


@lru_cache(maxsize=8)
def _symbols(lang: str) -> tuple[str, str]:
    """(group, decimal) separators of the locale, taken from Babel's CLDR data once."""
    sample = format_decimal(1234.5, format="#,##0.0", locale=BABEL_LOCALES[lang])
    return sample[1], sample[-2]


def number(value: float | None, decimals: int, lang: str) -> str:
    """A value at its published precision in the reader's locale; '' when unknown.

    Same result as Babel's `#,##0.00` patterns (grouping by three, half-even rounding as
    Python's format does), but a hundred times faster: a whole-Finland build formats a few
    hundred thousand numbers.
    """
    if value is None:
        return ""
    group, decimal = _symbols(lang)
    text = f"{value:,.{decimals}f}"
    if text.startswith("-") and float(text.replace(",", "")) == 0:
        text = text[1:]
    text = text.replace(",", "\0").replace(".", decimal).replace("\0", group)
    return text.replace("-", MINUS)


def plain_number(value: float | None, decimals: int) -> str:
    """Machine-readable number for CSV: dot decimal, no grouping, empty when unknown."""
    return "" if value is None else f"{value:.{decimals}f}"


def percent(fraction: float, lang: str, signed: bool = False) -> str:
    """`0,8 %` / `0.8 %` (one decimal, no-break space); `+`/`−` sign when `signed`."""
    text = number(abs(fraction) * 100, 1, lang)
    sign = ""
    if signed and round(fraction * 100, 1) != 0:
        sign = "+" if fraction > 0 else MINUS
    return f"{sign}{text}{NBSP}%"


def change(new: float | None, old: float | None) -> float | None:
    """Relative change new/old − 1, or None when either is unknown or old is zero."""
    if new is None or old is None or old == 0:
        return None
    return new / old - 1


# --- periods ------------------------------------------------------------------------------
# The package keeps periods as the source gives them: `2025` (year), `2025Q3` (quarter),
# `2026M06` (month). Readers see words ("kesäkuu 2026"), charts get real dates, and every
# comparison of a month or quarter is with the same month or quarter a year earlier, so a
# seasonal series never reads as a month-to-month change.

_PERIOD = re.compile(r"(\d{4})(?:([MQ])(\d{1,2}))?")
PERIOD_KINDS = ("year", "quarter", "month")
# Quarter names: Babel's stand-alone form ("3. neljännes", "3:e kvartalet"); in English the
# abbreviated "Q3" reads more naturally on a page than "3rd quarter 2025".
_QUARTER_WIDTH = {"fi": "wide", "sv": "wide", "en": "abbreviated"}


@lru_cache(maxsize=4096)
def period_parts(period: str) -> tuple[int, str, int] | None:
    """`2026M06` → (2026, "month", 6), `2025Q3` → (2025, "quarter", 3), `2025` → (2025,
    "year", 0); None for anything else (such periods are shown and sorted as they are)."""
    match = _PERIOD.fullmatch(period)
    if match is None:
        return None
    year, letter, number = int(match.group(1)), match.group(2), match.group(3)
    if letter is None:
        return year, "year", 0
    value = int(number)
    if (letter == "M" and 1 <= value <= 12) or (letter == "Q" and 1 <= value <= 4):
        return year, "month" if letter == "M" else "quarter", value
    return None


def period_kind(period: str) -> str:
    """`year`, `quarter` or `month`; '' for a period the site does not understand."""
    parts = period_parts(period)
    return parts[1] if parts else ""


def period_key(period: str) -> tuple[int, int, int, str]:
    """Chronological sort key: by start date, a year before its quarters and months; periods
    of an unknown form after the known ones of their year (or last), by their text."""
    parts = period_parts(period)
    if parts is None:
        year = int(period[:4]) if period[:4].isdigit() else 99999
        return year, 13, 9, period
    year, kind, number = parts
    month = 1 if kind == "year" else number if kind == "month" else 3 * number - 2
    return year, month, PERIOD_KINDS.index(kind), period


def sorted_periods(periods: Iterable[str]) -> list[str]:
    """Distinct periods in chronological order (string order puts `2025M10` right, but not a
    mix of kinds, and that is not a guarantee worth relying on)."""
    return sorted(set(periods), key=period_key)


def latest_period(periods: Iterable[str]) -> str:
    """The chronologically latest of `periods`, or '' when there are none."""
    return max(periods, key=period_key, default="")


def period_date(period: str) -> date | None:
    """The first day of the period (`2026M06` → 2026-06-01), the chart's time axis value."""
    parts = period_parts(period)
    if parts is None:
        return None
    year, kind, number = parts
    month = 1 if kind == "year" else number if kind == "month" else 3 * number - 2
    return date(year, month, 1)


@lru_cache(maxsize=16)
def month_names(lang: str) -> tuple[str, ...]:
    """January … December in the locale's stand-alone nominative (`kesäkuu`, not `kesäkuuta`)."""
    months = Locale.parse(BABEL_LOCALES[lang]).months["stand-alone"]["wide"]
    return tuple(months[m] for m in range(1, 13))


@lru_cache(maxsize=16)
def quarter_names(lang: str) -> tuple[str, ...]:
    """`1. neljännes` … / `1:a kvartalet` … / `Q1` …, from Babel's CLDR data."""
    quarters = Locale.parse(BABEL_LOCALES[lang]).quarters["stand-alone"][_QUARTER_WIDTH[lang]]
    return tuple(quarters[q] for q in range(1, 5))


@lru_cache(maxsize=8192)
def period_label(period: str, lang: str) -> str:
    """What a reader sees: `kesäkuu 2026` / `juni 2026` / `June 2026`, `3. neljännes 2025` /
    `3:e kvartalet 2025` / `Q3 2025`; a year as it is; an unknown form unchanged."""
    parts = period_parts(period)
    if parts is None:
        return period
    year, kind, number = parts
    if kind == "month":
        return f"{month_names(lang)[number - 1]} {year}"
    if kind == "quarter":
        return f"{quarter_names(lang)[number - 1]} {year}"
    return str(year)


def period_span(periods: list[str], lang: str) -> str:
    """`2021–2025`, or `tammikuu 2025 – kesäkuu 2026` (spaced dash between words); one period
    alone as its label. `periods` must be in chronological order."""
    if not periods:
        return ""
    first, last = period_label(periods[0], lang), period_label(periods[-1], lang)
    if len(periods) == 1 or first == last:
        return first
    dash = "–" if " " not in first + last else " – "
    return f"{first}{dash}{last}"


def is_sub_annual(period: str) -> bool:
    """A month or a quarter: its change is said against the same period a year earlier."""
    return period_kind(period) in ("month", "quarter")


def shift_period(period: str, years: int) -> str | None:
    """The period `years` earlier: `2025`→`2024`, `2025Q3`→`2024Q3`, `2025M07`→`2024M07`."""
    match = re.fullmatch(r"(\d{4})(.*)", period)
    if match is None:
        return None
    return f"{int(match.group(1)) - years}{match.group(2)}"


def long_date(value: str | date | datetime | None, lang: str) -> str:
    """`23.11.2026` (fi), `23 november 2026` (sv), `23 November 2026` (en); '' if unknown."""
    if isinstance(value, str):
        return _long_date_text(value, lang)  # the same few fetch dates on every page: cached
    return _long_date(value, lang)


@lru_cache(maxsize=4096)
def _long_date_text(value: str, lang: str) -> str:
    return _long_date(value, lang)


def _long_date(value: str | date | datetime | None, lang: str) -> str:
    if not value:
        return ""
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            return value
    day = value.date() if isinstance(value, datetime) else value
    style = "short" if lang == "fi" else "long"
    return format_date(day, format=style, locale=BABEL_LOCALES[lang])


def iso_date(value: str | date | datetime | None) -> str:
    if not value:
        return ""
    if isinstance(value, str):
        return value[:10]
    return value.isoformat()[:10]


def direction(fraction: float) -> str:
    """grew / fell / same, judged at the precision the reader sees (one decimal of a percent)."""
    if fraction == 0:
        return "same"
    return "up" if fraction > 0 else "down"


def change_text(fraction: float, lang: str) -> str:
    """`0,8 %`, or `alle 0,1 %` style text when a real change rounds to zero."""
    if fraction != 0 and round(abs(fraction) * 100, 1) == 0:
        return _LESS_THAN[lang]
    return percent(fraction, lang)


_LESS_THAN = {"fi": f"alle 0,1{NBSP}%", "sv": f"under 0,1{NBSP}%", "en": f"less than 0.1{NBSP}%"}


# --- sentences ----------------------------------------------------------------------------
# Every sentence starts with the indicator's title and the area's name as labels, followed by
# a colon: "Perheitä (Helsinki, 2022): 161 417 perhettä, kasvua 0,4 % edellisestä vuodesta."
# Finnish and Swedish would otherwise have to inflect both (a title such as "Perheitä" or
# "Työttömät työnhakijat" cannot be the subject of "kasvoi"/"oli", and "kuntaan Mäntyharju"
# is not Finnish), and English needs "the" before some names ("the City of Helsinki").
# Names and titles therefore always stand in their dictionary form, in every language.


def main_sentence(
    _: Gettext,
    *,
    area: str,
    title: str,
    period: str,
    value: str,
    fraction: float | None,
    lang: str,
    earlier: str = "",
) -> str:
    """The municipality's sentence: the latest value and its change, in words.

    `period` is the label the reader sees. For a month or a quarter pass `earlier` (the label
    of the same period a year before): the sentence then says the change is against it,
    because "up 2 % in June" would read as a change from May.
    """
    words = {"area": area, "title": title, "period": period, "value": value, "earlier": earlier}
    if earlier:
        return _sub_annual_sentence(_, words, fraction, lang)
    if fraction is None:
        return _("{title} ({area}, {period}): {value}.").format(**words)
    words["change"] = change_text(fraction, lang)
    kind = direction(fraction)
    if kind == "up":
        return _("{title} ({area}, {period}): {value}, up {change} from the previous year.").format(
            **words
        )
    if kind == "down":
        return _(
            "{title} ({area}, {period}): {value}, down {change} from the previous year."
        ).format(**words)
    return _("{title} ({area}, {period}): {value}, unchanged from the previous year.").format(
        **words
    )


def _sub_annual_sentence(
    _: Gettext, words: dict[str, str], fraction: float | None, lang: str
) -> str:
    if fraction is None:
        return _(
            "{title} ({area}, {period}): {value}; there is no figure for a year earlier "
            "({earlier}) to compare with."
        ).format(**words)
    words["change"] = change_text(fraction, lang)
    kind = direction(fraction)
    if kind == "up":
        return _(
            "{title} ({area}, {period}): {value}, up {change} from a year earlier ({earlier})."
        ).format(**words)
    if kind == "down":
        return _(
            "{title} ({area}, {period}): {value}, down {change} from a year earlier ({earlier})."
        ).format(**words)
    return _(
        "{title} ({area}, {period}): {value}, unchanged from a year earlier ({earlier})."
    ).format(**words)


def comparison_sentence(
    _: Gettext,
    *,
    area: str,
    period: str,
    value: str,
    fraction: float | None,
    lang: str,
    yearly: bool = True,
) -> str:
    """One comparison for the region, county or country, same period as the municipality's
    sentence before it: "Uusimaa: 1 234 perhettä, kasvua 0,6 %." For a month or quarter
    (`yearly=False`) the change is said against a year earlier, in words."""
    words = {"area": area, "period": period, "value": value}
    if not value:
        return _("{area}: no figure for {period}.").format(**words)
    if fraction is None:
        return _("{area}: {value}.").format(**words)
    words["change"] = change_text(fraction, lang)
    kind = direction(fraction)
    if not yearly:
        if kind == "up":
            return _("{area}: {value}, up {change} from a year earlier.").format(**words)
        if kind == "down":
            return _("{area}: {value}, down {change} from a year earlier.").format(**words)
        return _("{area}: {value}, unchanged from a year earlier.").format(**words)
    if kind == "up":
        return _("{area}: {value}, up {change}.").format(**words)
    if kind == "down":
        return _("{area}: {value}, down {change}.").format(**words)
    return _("{area}: {value}, unchanged.").format(**words)


def missing_sentence(
    _: Gettext,
    *,
    area: str,
    title: str,
    period: str,
    reason: str,
    fetched: bool,
) -> str:
    """Honest text when the latest figure is not there: a status symbol, or no rows at all.
    The period stands as a label in parentheses, so a year and a month read alike."""
    words = {"area": area, "title": title, "period": period, "reason": reason}
    if not fetched:
        return _("{title} ({area}): no data, not fetched for this municipality.").format(**words)
    return _("{title} ({area}, {period}): no figure; {reason}.").format(**words)
