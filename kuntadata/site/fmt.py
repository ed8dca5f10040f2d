"""Numbers, dates, changes and the one-sentence summaries, per language, via Babel.

Readers see `1 234,5` on Finnish and Swedish pages and `1,234.5` on English ones; the same
rules feed tables, headline figures and sentences, and the Vega charts get the matching
d3 locale (see charts.py), so a number reads the same everywhere on a page.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, datetime
from functools import lru_cache

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


def lower_first(text: str) -> str:
    """`Väkiluku` → `väkiluku` for mid-sentence use, but leave `EU-maat` and `HVA` alone."""
    if len(text) > 1 and text[0].isupper() and text[1].islower():
        return text[0].lower() + text[1:]
    return text


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


def main_sentence(
    _: Gettext,
    *,
    area: str,
    title: str,
    period: str,
    value: str,
    fraction: float | None,
    lang: str,
) -> str:
    """The municipality's sentence: direction in words, the change and the latest value."""
    words = {"area": area, "title": title, "title_lower": lower_first(title)}
    words.update(period=period, value=value)
    if fraction is None:
        return _("{title} in {area} was {value} in {period}.").format(**words)
    words["change"] = change_text(fraction, lang)
    kind = direction(fraction)
    if kind == "up":
        return _("{title} in {area} grew by {change} in {period} to {value}.").format(**words)
    if kind == "down":
        return _("{title} in {area} fell by {change} in {period} to {value}.").format(**words)
    return _("{title} in {area} did not change in {period}: it was {value}.").format(**words)


def comparison_sentence(
    _: Gettext, *, area: str, period: str, value: str, fraction: float | None, lang: str
) -> str:
    """One comparison clause for the region or the country, same period as the municipality."""
    words = {"area": area, "period": period, "value": value}
    if not value:
        return _("For {area} there is no figure for {period}.").format(**words)
    if fraction is None:
        return _("In {area} it was {value}.").format(**words)
    words["change"] = change_text(fraction, lang)
    kind = direction(fraction)
    if kind == "up":
        return _("In {area} it grew by {change}.").format(**words)
    if kind == "down":
        return _("In {area} it fell by {change}.").format(**words)
    return _("In {area} it did not change.").format(**words)


def missing_sentence(
    _: Gettext, *, area: str, title: str, period: str, reason: str, fetched: bool
) -> str:
    """Honest text when the latest figure is not there: a status symbol, or no rows at all."""
    words = {"area": area, "title": title, "title_lower": lower_first(title)}
    words.update(period=period, reason=reason)
    if not fetched:
        return _("No data: {title} has not been fetched for this municipality.").format(**words)
    return _("There is no figure for {title_lower} in {area} for {period}: {reason}.").format(
        **words
    )
