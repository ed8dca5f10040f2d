"""The data changelog for readers: a "what's new" page and an Atom feed per language.

Journalists and municipal staff need to know what changed, not only see a new number: a new
year arrived, or last year's figure was revised from 160 797 to "confidential". The package's
`changes` resource (kuntadata/changelog.py) is read here as a release note: one line per day,
dataset and period ("Väestö 31.12.2025: uusi vuosi, 308 kuntaa"), with the dataset and
indicator titles, area names and numbers of the reader's language — never ids. Revisions sit
on the line of their dataset and period (`Helsinki 160 797 → 160 821`), and many of them fold
into "N revised figures" with the list behind a details element. A new dataset, a new
indicator or figures moved to a new id are one line each, whatever the number of periods.
The feed has one entry per line, so a reader can subscribe instead of checking back.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from xml.etree import ElementTree as ET

from markupsafe import escape

from . import fmt
from .context import Site, common
from .i18n import gettext_for, translations
from .meta import xml_text
from .package_data import Dataset, pick

ATOM = "http://www.w3.org/2005/Atom"
MAX_LINES = 100  # the page and feed show the latest lines; the CSV keeps them all
MAX_ITEMS = 40  # revisions listed per line; the rest are counted with a pointer to the CSV
INLINE_REVISIONS = 3  # up to this many revisions are said on the line itself
CHANGES_CSV = "data/package/changes.csv"
NEW_KINDS = ("new_dataset", "new_indicator", "new_period", "new_values")
# Kinds whose rows of several periods make one line ("Tulot 2020–2024: uusi aineisto").
SPAN_KINDS = ("new_dataset", "new_indicator", "moved", "restructured")
_DATE_AT_END = re.compile(r"\d{1,2}\.\d{1,2}\.?$")  # "Väestö 31.12." / "Befolkning 31.12"


@dataclass(frozen=True)
class ChangeLine:
    """The changelog rows said in one line: one day, one dataset, one period (or, for a new
    dataset, a new indicator, a move or a restructuring, every period at once)."""

    day: str  # YYYY-MM-DD of the fetch
    dataset: str
    topic: str  # `period:2025`, `new_dataset`, `new_indicator:<id>`, `moved:<from>><to>`, …
    rows: tuple[dict[str, str], ...]

    @property
    def anchor(self) -> str:
        text = f"change-{self.day}-{self.dataset}-{self.topic}"
        return re.sub(r"[^A-Za-z0-9_-]+", "-", text).strip("-")

    @property
    def date(self) -> str:
        """The latest fetch time of the line's rows (the entry's `updated`)."""
        return max(row.get("date", "") for row in self.rows)

    @property
    def kinds(self) -> set[str]:
        return {row.get("change", "") for row in self.rows}

    @property
    def period(self) -> str:
        return self.topic.removeprefix("period:") if self.topic.startswith("period:") else ""


def change_groups(site: Site) -> list[ChangeLine]:
    """The package's changes as lines, newest day first; areas outside the scope left out."""
    municipalities = set(site.municipalities)
    grouped: dict[tuple[str, str, str], list[dict[str, str]]] = {}
    for row in _read_changes(site):
        area = row.get("area") or ""
        if area.startswith("KU") and area not in municipalities:
            continue  # a fork shows its own municipalities' revisions only
        key = ((row.get("date") or "")[:10], row.get("dataset") or "", _topic(row))
        grouped.setdefault(key, []).append(row)
    lines = [ChangeLine(*key, tuple(rows)) for key, rows in grouped.items()]
    lines.sort(key=lambda line: fmt.period_key(line.period), reverse=True)
    lines.sort(key=lambda line: (_line_rank(line), line.dataset))
    lines.sort(key=lambda line: line.day, reverse=True)
    return lines[:MAX_LINES]


def _topic(row: dict[str, str]) -> str:
    """What a row is about on the page: its period, or the whole of a span kind."""
    kind = row.get("change") or ""
    if kind == "new_indicator":
        return f"new_indicator:{row.get('indicator', '')}"
    if kind == "moved":
        return f"moved:{row.get('moved_from', '')}>{row.get('indicator', '')}"
    if kind in SPAN_KINDS or not row.get("period"):
        return kind
    return f"period:{row['period']}"


def _line_rank(line: ChangeLine) -> int:
    """New figures first, then revisions and removals, then moves and restructurings."""
    if line.kinds & set(NEW_KINDS):
        return 0
    return 1 if line.kinds & {"revised", "removed"} else 2


def _read_changes(site: Site) -> list[dict[str, str]]:
    resource = next(
        (r for r in site.package.descriptor.get("resources", []) if r.get("name") == "changes"),
        None,
    )
    if resource is None:
        return []
    path = site.package.directory / (resource.get("path") or "changes.csv")
    if not path.exists():
        return []
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def whatsnew_page(site: Site, lang: str, lines: list[ChangeLine]) -> dict[str, Any]:
    """The page context: one section per day, one list item per line."""
    _ = gettext_for(lang)
    path = site.section_path(lang, "whatsnew")
    page = common(
        site,
        lang,
        path,
        _("What's new"),
        {x: site.section_path(x, "whatsnew") for x in site.languages},
        description=_("New periods and revised figures in the data, newest first."),
    )
    root = page["root"]
    days: list[dict[str, Any]] = []
    for line in lines:
        if not days or days[-1]["day"] != line.day:
            days.append(
                {
                    "day": line.day,
                    "id": f"changes-{line.day}",
                    "date": fmt.long_date(line.day, lang),
                    "iso": line.day,
                    "lines": [],
                }
            )
        days[-1]["lines"].append(line_context(site, lang, line))
    return {
        "page": page,
        "days": days,
        "feed_href": page["feed_href"],
        "changes_href": root + CHANGES_CSV,
        "data_href": root + site.section_path(lang, "data"),
    }


def line_context(site: Site, lang: str, line: ChangeLine) -> dict[str, Any]:
    """The line's text, and the revisions folded behind it when there are many."""
    _ = gettext_for(lang)
    dataset = site.package.dataset(line.dataset)
    revised = [row for row in line.rows if row.get("change") == "revised"]
    folded = len(revised) > INLINE_REVISIONS
    items = [_revision(site, lang, dataset, row) for row in revised[:MAX_ITEMS]] if folded else []
    more = len(revised) - len(items) if folded else 0
    return {
        "id": line.anchor,
        "iso": _iso(line.date),
        "text": line_text(site, lang, dataset, line),
        "details": items,
        "summary": _("Show the revised figures"),
        "more": _("…and {count} more changes in the changelog (CSV).").format(
            count=_number(more, lang)
        )
        if more > 0
        else "",
    }


def line_text(site: Site, lang: str, dataset: Dataset | None, line: ChangeLine) -> str:
    """`Väestö 31.12.2025: uusi vuosi, 308 kuntaa` — the heading of the dataset and period,
    then what happened to it, parts joined by semicolons."""
    _ = gettext_for(lang)
    ngettext = translations(lang).ngettext
    title = dataset.text("title", lang) if dataset else line.dataset
    rows = line.rows
    kinds = line.kinds
    periods = fmt.sorted_periods(row["period"] for row in rows if row.get("period"))
    head = with_period(title, fmt.period_span(periods, lang))
    parts: list[str] = []
    if "restructured" in kinds:
        count = sum(_count(row) for row in rows)
        return _("{dataset}: the table's columns changed, {count} figures published anew").format(
            dataset=title, count=_number(count, lang)
        )
    if "moved" in kinds:
        parts.append(
            _("figures moved to the indicator {indicator}").format(
                indicator=_indicator_title(dataset, rows[0].get("indicator", ""), lang)
            )
        )
    elif "new_dataset" in kinds:
        parts.append(_("new dataset"))
    elif "new_indicator" in kinds:
        parts.append(
            _("new indicator {indicator}").format(
                indicator=_indicator_title(dataset, rows[0].get("indicator", ""), lang)
            )
        )
    elif "new_period" in kinds:
        parts.append(_new_period_word(lang, line.period))
    elif "new_values" in kinds:
        parts.append(_("more figures"))
    municipalities = max((_int(row.get("municipalities")) for row in rows), default=0)
    if parts and municipalities:
        parts[-1] += ", " + municipality_count(lang, municipalities)
    revised = [row for row in rows if row.get("change") == "revised"]
    if len(revised) > INLINE_REVISIONS:
        parts.append(
            ngettext("{count} revised figure", "{count} revised figures", len(revised)).format(
                count=_number(len(revised), lang)
            )
        )
    elif revised:
        said = "; ".join(_revision(site, lang, dataset, row) for row in revised)
        parts.append(_("revised: {revisions}").format(revisions=said))
    removed = sum(_count(row) for row in rows if row.get("change") == "removed")
    if removed:
        parts.append(
            ngettext("{count} figure removed", "{count} figures removed", removed).format(
                count=_number(removed, lang)
            )
        )
    return f"{head}: {'; '.join(parts)}" if parts else head


def with_period(title: str, period: str) -> str:
    """The dataset title with its period as a person writes it: `Väestö 31.12.` + 2025 →
    `Väestö 31.12.2025`, `Population on 31 December 2025`, `Tulot 2024`; a title that already
    names the period (`Kuntavaalit 2021, …`) is left as it is."""
    if not period or re.search(rf"(?<!\d){re.escape(period)}(?!\d)", title):
        return title
    if _DATE_AT_END.search(title) and period[:1].isdigit():
        return f"{title.rstrip('.')}.{period}"
    return f"{title} {period}"


def municipality_count(lang: str, count: int) -> str:
    """`308 kuntaa` / `308 kommuner` / `308 municipalities` (`1 kunta`)."""
    ngettext = translations(lang).ngettext
    text = ngettext("{count} municipality", "{count} municipalities", count)
    return text.format(count=_number(count, lang))


def _number(count: int, lang: str) -> str:
    return fmt.number(float(count), 0, lang)


def _new_period_word(lang: str, period: str) -> str:
    _ = gettext_for(lang)
    kind = fmt.period_kind(period)
    if kind == "year":
        return _("new year")
    if kind == "month":
        return _("new month")
    if kind == "quarter":
        return _("new quarter")
    return _("new period")


def _revision(site: Site, lang: str, dataset: Dataset | None, row: dict[str, str]) -> str:
    """`Helsinki 160 797 → 160 821`, led by the indicator's title when the dataset has more
    than one indicator (`Perheitä, Helsinki 160 797 → ..`)."""
    indicator = _indicator(dataset, row.get("indicator", ""))
    decimals = indicator.decimals if indicator else 0
    old = _value_text(site, lang, row.get("old_value", ""), row.get("old_status", ""), decimals)
    new = _value_text(site, lang, row.get("new_value", ""), row.get("new_status", ""), decimals)
    text = f"{_area_text(site, lang, dataset, row)} {old} → {new}"
    if dataset is not None and len(dataset.indicators) > 1:
        return f"{_indicator_title(dataset, row.get('indicator', ''), lang)}, {text}"
    return text


def _indicator(dataset: Dataset | None, indicator_id: str) -> Any:
    if dataset is None:
        return None
    return next((i for i in dataset.indicators if i.id == indicator_id), None)


def _indicator_title(dataset: Dataset | None, indicator_id: str, lang: str) -> str:
    indicator = _indicator(dataset, indicator_id)
    return pick(indicator.title, lang) if indicator else indicator_id


def _area_text(site: Site, lang: str, dataset: Dataset | None, row: dict[str, str]) -> str:
    """Area name, plus dimension labels (`Sex: Females`) when the row has any."""
    name = site.areas.name(row.get("area", ""), lang)
    labels = []
    dimensions = (
        {d.get("column"): d for d in (dataset.meta.get("dimensions") or [])} if dataset else {}
    )
    for part in filter(None, (row.get("dimensions") or "").split(";")):
        column, _sep, value = part.partition("=")
        dim = dimensions.get(column) or {}
        value_label = pick((dim.get("values") or {}).get(value), lang) or value
        labels.append(f"{pick(dim.get('title'), lang) or column}: {value_label}")
    return f"{name} ({', '.join(labels)})" if labels else name


def _value_text(site: Site, lang: str, value: str, status: str, decimals: int) -> str:
    """A number in the reader's locale, or the source's symbol with its meaning."""
    if value not in ("", None):
        try:
            return fmt.number(float(value), decimals, lang)
        except ValueError:
            return value
    if status:
        meaning = pick(site.package.status_meanings.get(status), lang)
        return f"{status} ({meaning})" if meaning else status
    return "–"


def _count(row: dict[str, str]) -> int:
    return _int(row.get("count")) or 1


def _int(value: str | None) -> int:
    try:
        return int(float(value or 0))
    except ValueError:
        return 0


def _iso(date: str) -> str:
    """RFC 3339 for Atom; a timestamp without a zone is taken as UTC."""
    try:
        moment = datetime.fromisoformat(date.replace("Z", "+00:00"))
    except ValueError:
        return ""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def atom_feed(site: Site, lang: str, lines: list[ChangeLine]) -> str:
    """Atom 1.0: one entry per line (day × dataset × period); the title is the page's line,
    the content lists the revisions when there are any."""
    _ = gettext_for(lang)
    ET.register_namespace("", ATOM)
    page_url = site.absolute(site.section_path(lang, "whatsnew"))
    site_title = pick(site.config.title, lang)
    feed = ET.Element(f"{{{ATOM}}}feed", {"{http://www.w3.org/XML/1998/namespace}lang": lang})
    contexts = [(line, line_context(site, lang, line)) for line in lines]
    dated = [c["iso"] for _line, c in contexts if c["iso"]]
    updated = max(dated) if dated else site.built_at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    _sub(feed, "id", page_url)
    _sub(feed, "title", _("What's new") + f" – {site_title}")
    _sub(feed, "subtitle", _("New periods and revised figures in the data, newest first."))
    _sub(feed, "updated", updated)
    _sub(
        feed,
        "link",
        rel="self",
        type="application/atom+xml",
        href=site.absolute(f"{lang}/feed.xml"),
    )
    _sub(feed, "link", rel="alternate", type="text/html", href=page_url)
    author = _sub(feed, "author")
    organisation = pick((site.config.contact or {}).get("organisation"), lang)
    _sub(author, "name", organisation or site_title)
    for line, context in contexts:
        entry = _sub(feed, "entry")
        _sub(entry, "id", f"{page_url}#{line.anchor}")
        _sub(entry, "title", context["text"])
        _sub(entry, "updated", context["iso"] or updated)
        _sub(entry, "link", rel="alternate", type="text/html", href=f"{page_url}#{line.anchor}")
        items = "".join(f"<li>{escape(item)}</li>" for item in context["details"])
        body = f"<ul>{items}</ul>" if items else f"<p>{escape(context['text'])}</p>"
        more = f"<p>{escape(context['more'])}</p>" if context["more"] else ""
        _sub(entry, "content", body + more, type="html")
    ET.indent(feed)
    return '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(feed, "unicode") + "\n"


def _sub(parent: ET.Element, tag: str, text: str = "", **attributes: str) -> ET.Element:
    """ElementTree escapes `<`, `&` and `"`; characters XML cannot hold at all are dropped."""
    element = ET.SubElement(
        parent, f"{{{ATOM}}}{tag}", {k: xml_text(v) for k, v in attributes.items()}
    )
    if text:
        element.text = xml_text(text)
    return element
