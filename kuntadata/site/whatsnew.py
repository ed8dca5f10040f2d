"""The data changelog for readers: a "what's new" page and an Atom feed per language.

Journalists and municipal staff need to know what changed, not only see a new number: a new
year arrived, or last year's figure was revised from 160 797 to "confidential". The package's
`changes` resource (kuntadata/changelog.py) is grouped here by fetch date × dataset — one
group is one release of one source — and said in plain words with area names, indicator
titles and numbers in the reader's locale. The feed carries the same groups, so a reader can
subscribe instead of checking back.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from xml.etree import ElementTree as ET

from markupsafe import escape

from . import fmt
from .context import Site, common
from .i18n import gettext_for
from .package_data import Dataset, pick

ATOM = "http://www.w3.org/2005/Atom"
MAX_GROUPS = 60  # the page and feed show the latest releases; the CSV keeps them all
MAX_ITEMS = 40  # per group; a big revision is summarised with a pointer to the CSV
KIND_ORDER = {"new_dataset": 0, "new_period": 1, "new_values": 2, "revised": 3, "removed": 4}
CHANGES_CSV = "data/package/changes.csv"


@dataclass(frozen=True)
class ChangeGroup:
    """One release of one source: every change with the same fetch date and dataset."""

    date: str
    dataset: str
    rows: list[dict[str, str]]

    @property
    def anchor(self) -> str:
        stamp = "".join(ch for ch in self.date if ch.isalnum())
        return f"change-{stamp}-{self.dataset}"


def change_groups(site: Site) -> list[ChangeGroup]:
    """The package's changes, newest release first; areas outside the scope left out."""
    rows = _read_changes(site)
    municipalities = set(site.municipalities)
    grouped: dict[tuple[str, str], list[dict[str, str]]] = {}
    for row in rows:
        area = row.get("area", "")
        if area.startswith("KU") and area not in municipalities:
            continue  # a fork shows its own municipalities' revisions only
        grouped.setdefault((row.get("date", ""), row.get("dataset", "")), []).append(row)
    groups = [
        ChangeGroup(date, dataset, sorted(items, key=_row_order))
        for (date, dataset), items in grouped.items()
    ]
    groups.sort(key=lambda g: g.dataset)
    groups.sort(key=lambda g: g.date, reverse=True)
    return groups[:MAX_GROUPS]


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


def _row_order(row: dict[str, str]) -> tuple:
    return (
        KIND_ORDER.get(row.get("change", ""), 9),
        row.get("indicator", ""),
        row.get("period", ""),
        row.get("area", ""),
        row.get("dimensions", ""),
    )


def whatsnew_page(site: Site, lang: str, groups: list[ChangeGroup]) -> dict[str, Any]:
    """The page context: every group with its date, dataset title and sentences."""
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
    return {
        "page": page,
        "groups": [_group_context(site, lang, group) for group in groups],
        "feed_href": page["feed_href"],
        "changes_href": root + CHANGES_CSV,
        "data_href": root + site.section_path(lang, "data"),
    }


def _group_context(site: Site, lang: str, group: ChangeGroup) -> dict[str, Any]:
    _ = gettext_for(lang)
    dataset = site.package.dataset(group.dataset)
    title = dataset.text("title", lang) if dataset else group.dataset
    items = [change_sentence(site, lang, dataset, row) for row in group.rows[:MAX_ITEMS]]
    more = len(group.rows) - len(items)
    return {
        "id": group.anchor,
        "date": fmt.long_date(group.date, lang),
        "iso": _iso(group.date),
        "title": title,
        "heading": _("{date}: {dataset}").format(
            date=fmt.long_date(group.date, lang), dataset=title
        ),
        "changes": items,
        "more": _("…and {count} more changes in the changelog (CSV).").format(
            count=fmt.number(float(more), 0, lang)
        )
        if more > 0
        else "",
    }


def change_sentence(site: Site, lang: str, dataset: Dataset | None, row: dict[str, str]) -> str:
    """One change in plain words: `Number of families, Helsinki, 2021: revised from … to …`."""
    _ = gettext_for(lang)
    kind = row.get("change", "")
    indicator = (
        next((i for i in dataset.indicators if i.id == row.get("indicator")), None)
        if dataset
        else None
    )
    decimals = indicator.decimals if indicator else 0
    words = {
        "dataset": dataset.text("title", lang) if dataset else row.get("dataset", ""),
        "indicator": pick(indicator.title, lang) if indicator else row.get("indicator", ""),
        "period": row.get("period", ""),
        "area": _area_text(site, lang, dataset, row),
        "count": fmt.number(float(row.get("count") or 0), 0, lang),
        "old": _value_text(
            site, lang, row.get("old_value", ""), row.get("old_status", ""), decimals
        ),
        "new": _value_text(
            site, lang, row.get("new_value", ""), row.get("new_status", ""), decimals
        ),
    }
    if kind == "new_dataset":
        return _("New dataset: {dataset}.").format(**words)
    if kind == "new_period":
        return _("{indicator}: new figures for {period} ({count} figures).").format(**words)
    if kind == "new_values":
        return _("{indicator}, {period}: {count} figures added.").format(**words)
    if kind == "revised":
        return _("{indicator}, {area}, {period}: revised from {old} to {new}.").format(**words)
    if kind == "removed":
        return _("{indicator}, {area}, {period}: removed (was {old}).").format(**words)
    return f"{words['indicator']}, {words['area']}, {words['period']}: {kind}"


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


def _iso(date: str) -> str:
    """RFC 3339 for Atom; a timestamp without a zone is taken as UTC."""
    try:
        moment = datetime.fromisoformat(date.replace("Z", "+00:00"))
    except ValueError:
        return ""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def atom_feed(site: Site, lang: str, groups: list[ChangeGroup]) -> str:
    """Atom 1.0: one entry per release (date × dataset), content = the page's sentences."""
    _ = gettext_for(lang)
    ET.register_namespace("", ATOM)
    page_url = site.absolute(site.section_path(lang, "whatsnew"))
    site_title = pick(site.config.title, lang)
    feed = ET.Element(f"{{{ATOM}}}feed", {"{http://www.w3.org/XML/1998/namespace}lang": lang})
    contexts = [(g, _group_context(site, lang, g)) for g in groups]
    dated = [c["iso"] for _g, c in contexts if c["iso"]]
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
    for group, context in contexts:
        entry = _sub(feed, "entry")
        _sub(entry, "id", f"{page_url}#{group.anchor}")
        _sub(entry, "title", context["heading"])
        _sub(entry, "updated", context["iso"] or updated)
        _sub(entry, "link", rel="alternate", type="text/html", href=f"{page_url}#{group.anchor}")
        items = "".join(f"<li>{escape(item)}</li>" for item in context["changes"])
        more = f"<p>{escape(context['more'])}</p>" if context["more"] else ""
        _sub(entry, "content", f"<ul>{items}</ul>{more}", type="html")
    ET.indent(feed)
    return '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(feed, "unicode") + "\n"


def _sub(parent: ET.Element, tag: str, text: str = "", **attributes: str) -> ET.Element:
    element = ET.SubElement(parent, f"{{{ATOM}}}{tag}", attributes)
    if text:
        element.text = text
    return element
