"""An Excel workbook per municipality, in its own language, beside its CSV files.

The CSV files stay machine-friendly (UTF-8, comma, decimal point), which a Finnish or
Swedish Excel opens as one column of garbled text. The workbook is the same figures for
people who use Excel: one sheet per theme with every indicator of the municipality and its
comparison areas (periods down, areas across, like the tables on the page), numbers as real
numbers with a number format (Excel shows them with the reader's own separators), a missing
figure as the meaning of its status symbol (never 0 and never an empty cell), a frozen
header row with filters, and a sheet of sources with licence, fetch and update dates.

One language per workbook, and one workbook per municipality: the municipality's majority
language in areas.csv (Finnish for 277, Swedish for 31, among them the Åland municipalities,
where Finnish is not an official language). Headers, sheet names (≤ 31 characters), names
of areas and periods and the missing-value texts are words of one language; the numbers are
the same in every language. On the whole-Finland package (13 datasets, 43 charts) the 308
workbooks take 2.8 s of CPU (0.4 s preparing, 2.4 s writing) and 5.1 MB; one per site
language would be 924 files, about 8.3 s of CPU (some 4 s of a 15 s build on two cores,
growing with every dataset) and 15 MB for the same figures. XlsxWriter writes them 3 times
faster than openpyxl's write-only mode (2.35 s against 6.95 s of CPU; `python
bench/site.py --xlsx-writers`), with fixed zip timestamps and the newest fetch of the data
as creation date, so the same data gives the same file: a rebuild takes an unchanged
workbook from `.cache/workbooks/` (content_cache.py) instead of writing it again.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import xlsxwriter

from . import fmt
from .aggregate import DERIVED_MARK, derived_words
from .content_cache import ContentCache, content_key
from .downloads import licence_of, municipality_dir, source_url
from .gaps import symbol_meaning
from .i18n import LANGUAGE_NAMES, N_, gettext_for
from .municipality import THEME_TITLES
from .package_data import THEMES, Series, pick

SHEET_NAME_MAX = 31  # Excel refuses longer sheet names
_SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
LEAD_COLUMNS = ((N_("Indicator"), 44), (N_("Unit"), 16), (N_("Period"), 16))  # msgid, width
AREA_WIDTH = 18
SOURCE_COLUMNS = (
    (N_("Dataset"), 36), (N_("Theme"), 16), (N_("Indicators"), 50), (N_("Source"), 50),
    (N_("Source address"), 50), (N_("Producer"), 28), (N_("Licence"), 36),
    (N_("Licence address"), 40), (N_("Fetched"), 12), (N_("Updated by the source"), 12),
)  # fmt: skip


def workbook_language(site: Any, code: str) -> str:
    """The municipality's own language (its majority language in areas.csv) when the site
    has it, else the site's first: Närpes and the Åland municipalities get Swedish."""
    area = site.areas.get(code)
    lang = area.majority_language if area else ""
    return lang if lang in site.languages else site.languages[0]


def workbook_path(site: Any, code: str) -> str:
    """`data/kunta/091/091-helsinki.xlsx` (`545-narpes.xlsx`: named in its own language),
    beside the municipality's CSV files."""
    slug = site.areas.slug(code, workbook_language(site, code))
    return f"{municipality_dir(site, code)}{slug}.xlsx"


def workbook_link(site: Any, code: str, root: str) -> dict[str, str]:
    """What the municipality page's download list needs: address, file name, language."""
    path = workbook_path(site, code)
    lang = workbook_language(site, code)
    return {"href": root + path, "name": path.rsplit("/", 1)[-1], "lang": lang,
            "language": LANGUAGE_NAMES[lang]}  # fmt: skip


@dataclass
class Row:
    """One indicator in one period: a cell per area, each a number or, when missing, the
    reason in words (`values[i]` None and `missing[i]` the text)."""

    indicator: str
    unit: str
    period: str
    decimals: int
    values: list[float | None]
    missing: list[str]
    derived: list[bool] = field(default_factory=list)  # computed from the members (aggregate.py)


@dataclass
class Sheet:
    name: str
    rows: list[Row] = field(default_factory=list)


@dataclass
class Source:
    dataset: str
    theme: str
    indicators: str
    credit: str
    url: str
    producer: str
    licence: str
    licence_url: str
    fetched: datetime | None
    updated: datetime | None


@dataclass
class Workbook:
    """What one workbook holds, independent of the library that writes it."""

    title: str
    lang: str
    areas: list[str]  # column headings: the municipality, then its comparison areas
    sheets: list[Sheet]
    sources: list[Source]
    sources_name: str
    created: datetime  # the newest fetch of its data: the same data gives the same file


def workbook_content(site: Any, code: str, lang: str) -> Workbook:
    """Every indicator of every dataset, one sheet per theme: periods down (like the tables
    on the page), the municipality and its comparison areas across. An indicator without any
    figure still gets a row, so the workbook lists all of them."""
    _ = gettext_for(lang)
    areas = [code, *site.areas.related(code, tuple(site.config.compare))]
    no_data = _("No data")
    by_theme: dict[str, Sheet] = {}
    sources: list[Source] = []
    for dataset in site.package.datasets:
        theme_title = _(THEME_TITLES.get(dataset.theme, dataset.theme))
        sheet = by_theme.setdefault(dataset.theme, Sheet(theme_title))
        for indicator in dataset.indicators:
            title = pick(indicator.title, lang)
            unit = pick(indicator.unit, lang)
            found = [dataset.series.get((indicator.id, area)) for area in areas]
            periods = fmt.sorted_periods(p for s in found if s for p in s.periods) or [""]
            cells = [_by_period(s) for s in found]
            for period in periods:
                values: list[float | None] = []
                missing: list[str] = []
                derived: list[bool] = []
                for by_period in cells:
                    value, symbol, computed = by_period.get(period, (None, None, False))
                    values.append(value)
                    derived.append(computed and value is not None)
                    missing.append(
                        "" if value is not None
                        else no_data if symbol is None
                        else _missing_text(site, symbol, lang, _)
                    )  # fmt: skip
                label = fmt.period_label(period, lang) if period else "–"
                sheet.rows.append(Row(title, unit, label, indicator.decimals, values, missing,
                                      derived))  # fmt: skip
        titles = "; ".join(pick(i.title, lang) for i in dataset.indicators)
        sources.append(_source(dataset, theme_title, titles, lang))
    order = {theme: i for i, theme in enumerate(THEMES)}
    sheets = [by_theme[t] for t in sorted(by_theme, key=lambda t: order.get(t, len(order)))]
    sources_sheet = Sheet(_("Sources"))
    _unique_sheet_names([*sheets, sources_sheet])
    names = [site.areas.name(area, lang) for area in areas]
    for column, name in enumerate(names):  # a computed figure is shown "1 799 629 *"
        if any(row.derived[column] for sheet in sheets for row in sheet.rows):
            names[column] = f"{name} ({DERIVED_MARK} {derived_words(lang)})"
    title = f"{names[0]} – {pick(site.config.title, lang)}"
    fetched = [s.fetched for s in sources if s.fetched]
    created = max(fetched) if fetched else site.built_at.replace(tzinfo=None)
    return Workbook(title, lang, names, sheets, sources, sources_sheet.name, created)


def _by_period(series: Series | None) -> dict[str, tuple[float | None, str, bool]]:
    if series is None:
        return {}
    return {
        period: (series.values[at], series.status[at], series.is_derived(at))
        for at, period in enumerate(series.periods)
    }


def _missing_text(site: Any, symbol: str, lang: str, _: Any) -> str:
    if symbol:
        return symbol_meaning(site, symbol, lang)
    return _("no value and no symbol from the source")


def _source(dataset: Any, theme_title: str, indicators: str, lang: str) -> Source:
    licence = licence_of(dataset)
    return Source(
        dataset=dataset.text("title", lang),
        theme=theme_title,
        indicators=indicators,
        credit=dataset.text("attribution", lang),
        url=source_url(dataset, lang),
        producer=pick((dataset.meta.get("source") or {}).get("producer"), lang),
        licence=licence["title"] or licence["name"],
        licence_url=licence["path"],
        fetched=_datetime(dataset.meta.get("fetched_at")),
        updated=_datetime(dataset.meta.get("updated")),
    )


def _datetime(value: Any) -> datetime | None:
    """An ISO timestamp as a naive date-time (Excel has no time zones), or None."""
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed.replace(tzinfo=None)


def sheet_name(text: str) -> str:
    """Excel's rules: ≤ 31 characters, none of `[]:*?/\\`, not empty."""
    return _SHEET_FORBIDDEN.sub(" ", text).strip()[:SHEET_NAME_MAX].strip() or "Data"


def _unique_sheet_names(sheets: list[Sheet]) -> None:
    """Sheet names as `sheet_name`, made unique (Excel compares them case-insensitively)."""
    seen: set[str] = set()
    for sheet in sheets:
        base = name = sheet_name(sheet.name)
        number = 2
        while name.casefold() in seen:
            suffix = f" {number}"
            name = base[: SHEET_NAME_MAX - len(suffix)] + suffix
            number += 1
        seen.add(name.casefold())
        sheet.name = name


def number_format(decimals: int) -> str:
    """`#,##0.0`: grouping and decimals as Excel shows them in the reader's own locale."""
    return "#,##0" + ("." + "0" * decimals if decimals > 0 else "")


def write_xlsx(book: Workbook) -> bytes:
    """The workbook as .xlsx bytes (XlsxWriter, in memory)."""
    _ = gettext_for(book.lang)
    buffer = io.BytesIO()
    options = {"in_memory": True, "strings_to_numbers": False, "strings_to_formulas": False,
               "strings_to_urls": False}  # fmt: skip
    workbook = xlsxwriter.Workbook(buffer, options)
    workbook.set_properties({"title": book.title, "created": book.created, "comments": "kuntadata"})
    header = workbook.add_format({"bold": True, "bottom": 1, "text_wrap": True, "valign": "top"})
    missing = workbook.add_format({"italic": True, "font_color": "#595959"})
    numbers: dict[int, Any] = {}
    columns = (*((_(label), width) for label, width in LEAD_COLUMNS),
               *((name, AREA_WIDTH) for name in book.areas))  # fmt: skip
    first = len(LEAD_COLUMNS)
    for sheet in book.sheets:
        worksheet = workbook.add_worksheet(sheet.name)
        _header(worksheet, columns, header)
        for index, row in enumerate(sheet.rows, start=1):
            worksheet.write_string(index, 0, row.indicator)
            worksheet.write_string(index, 1, row.unit)
            worksheet.write_string(index, 2, row.period)
            style = numbers.get(row.decimals)
            if style is None:
                style = numbers[row.decimals] = workbook.add_format(
                    {"num_format": number_format(row.decimals)}
                )
            derived = row.derived or [False] * len(row.values)
            cells = zip(row.values, row.missing, derived, strict=True)
            for column, (value, text, computed) in enumerate(cells, start=first):
                if value is None:
                    worksheet.write_string(index, column, text, missing)
                elif computed:  # still a number; its format shows the mark
                    marked = numbers.get(-1 - row.decimals)
                    if marked is None:
                        marked = numbers[-1 - row.decimals] = workbook.add_format(
                            {"num_format": f'{number_format(row.decimals)}" {DERIVED_MARK}"'}
                        )
                    worksheet.write_number(index, column, value, marked)
                else:
                    worksheet.write_number(index, column, value, style)
        worksheet.autofilter(0, 0, max(len(sheet.rows), 1), len(columns) - 1)
    worksheet = workbook.add_worksheet(book.sources_name)
    _header(worksheet, tuple((_(label), width) for label, width in SOURCE_COLUMNS), header)
    date = workbook.add_format({"num_format": "yyyy-mm-dd", "align": "left"})
    not_known = _("not known")
    for index, source in enumerate(book.sources, start=1):
        texts = (source.dataset, source.theme, source.indicators, source.credit, source.url,
                 source.producer, source.licence, source.licence_url)  # fmt: skip
        for column, text in enumerate(texts):
            worksheet.write_string(index, column, text)
        for column, value in ((len(texts), source.fetched), (len(texts) + 1, source.updated)):
            if value is None:
                worksheet.write_string(index, column, not_known, missing)
            else:
                worksheet.write_datetime(index, column, value, date)
    workbook.close()
    return buffer.getvalue()


def _header(worksheet: Any, columns: tuple[tuple[str, int], ...], style: Any) -> None:
    for column, (label, width) in enumerate(columns):
        worksheet.write_string(0, column, label, style)
        worksheet.set_column(column, column, width)
    worksheet.freeze_panes(1, 0)


WRITER_VERSION = "1"  # bump when write_xlsx writes the same content differently


def workbook_key(book: Workbook) -> str:
    """The workbook's name in the cache: its whole content (every figure, text and date, by
    the dataclasses' repr) with the versions of this writer and of XlsxWriter."""
    return content_key(WRITER_VERSION, xlsxwriter.__version__, repr(book))


def municipality_workbook(site: Any, code: str, cache: ContentCache) -> tuple[str, bytes]:
    """(path, bytes) of the municipality's workbook, in its own language: from `cache` when
    a build has written the same content before (writing it is most of its cost)."""
    book = workbook_content(site, code, workbook_language(site, code))
    return workbook_path(site, code), cache.get(workbook_key(book), lambda: write_xlsx(book))
