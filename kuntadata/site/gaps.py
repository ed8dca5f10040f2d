"""The data-gaps list of a municipality page: every indicator of the site this municipality
lacks a figure for, grouped by kind, and why.

Why a list of its own: a reader looking for a figure should not have to open every chart's
table to learn that it is confidential, suppressed as a too-small count, not yet fetched, or
that the statistic does not apply here at all. The reasons come from the data, never guessed:
- a row with an empty value carries the source's symbol (`status`), explained by the
  package's `x-status`; the symbol decides the kind (`...` confidential, `suppressed` too
  small, `.` does not apply, the rest missing);
- no rows at all means the dataset was not fetched for this area (docs/architecture.md), and
  a spec in the package's `x-pending` has not been fetched for anyone yet;
- unless the dataset's spec declares the area `not_applicable` with a reason (Åland holds no
  municipal elections under the Finnish Election Act): then it is "does not apply", with
  that reason, not "not fetched".
The page says "complete" only when every kind is empty, pending specs included.

Entries are grouped by (kind, dataset, reason): a dataset of forty budget indicators without a
document for this municipality is one entry naming its forty indicators, not forty entries
repeating the same reason (on every page of the whole-Finland site that repetition was ~20 KB).
The counts stay counts of indicators.
"""

from __future__ import annotations

from typing import Any

from ..symbols import status_meaning
from . import fmt
from .card import pending_datasets
from .context import Site
from .i18n import N_, gettext_for
from .package_data import Dataset, Indicator, pick

# Kinds in the order the page lists them, with their headings.
KINDS = {
    "pending": N_("Not yet fetched"),
    "not_applicable": N_("Does not apply"),
    "confidential": N_("Confidential"),
    "too_small": N_("Too small to publish"),
    "missing": N_("Missing"),
}
SYMBOL_KINDS = {"...": "confidential", "suppressed": "too_small", ".": "not_applicable"}

Reason = dict[str, str]


def symbol_meaning(site: Site, symbol: str, lang: str) -> str:
    """The meaning of a status symbol: the package's `x-status` first, then symbols.py."""
    meaning = site.package.status_meanings.get(symbol)
    return pick(meaning, lang) if meaning else status_meaning(symbol, lang)


def data_gaps(site: Site, code: str, lang: str) -> dict[str, Any]:
    """`kinds`: the non-empty kinds in KINDS order, each with its heading, its count of
    indicators and one entry per (dataset, reason): the dataset, the reason (symbol, text)
    and its indicators (short title, link to its block, periods); `count`: how many
    indicators have any gap; `complete`: no gap of any kind."""
    _ = gettext_for(lang)
    found: dict[str, list[dict[str, Any]]] = {kind: [] for kind in KINDS}
    with_gaps: set[tuple[str, str]] = set()
    for dataset in site.package.datasets:
        not_applicable = not_applicable_reason(site, dataset, code, lang)
        for indicator in dataset.indicators:
            by_kind = _reasons(site, dataset, indicator, code, lang, _)
            if by_kind and not_applicable:  # declared in the spec: one reason, that one
                by_kind = {"not_applicable": [{"symbol": "", "periods": "",
                                               "text": not_applicable}]}  # fmt: skip
            charted = indicator in dataset.charted
            for kind, reasons in by_kind.items():
                found[kind].append({
                    "title": pick(indicator.title, lang),
                    "dataset": dataset.text("title", lang),
                    "href": f"#{indicator.id}" if charted else "",
                    "reasons": reasons,
                })  # fmt: skip
                with_gaps.add((dataset.id, indicator.id))
    for item in _pending(site, lang, _):
        found["pending"].append(item)
        with_gaps.add((item["dataset_id"], item["indicator_id"]))
    kinds = [
        {"kind": kind, "id": f"gaps-{kind.replace('_', '-')}", "title": _(title),
         "entries": group_by_reason(found[kind]), "count": len(found[kind])}
        for kind, title in KINDS.items()
        if found[kind]
    ]  # fmt: skip
    return {"kinds": kinds, "count": len(with_gaps), "complete": not kinds}


def group_by_reason(gaps: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """One entry per (dataset, symbol, reason) in the order first met, listing its indicators
    with the periods each lacks (when all of them link to one block, the dataset links to it
    instead); `count` is of indicators. An indicator's title loses its dataset's name when it
    begins with it ("Talousarvio ja -suunnitelma: vuosikate" → "vuosikate"): the entry names
    the dataset. Specs not yet fetched for anyone (`x-pending`) are one entry first, naming
    each dataset with its count of indicators and linking its block, which lists them."""
    groups: dict[tuple[str, str, str], dict[str, Any]] = {}
    specs = [gap for gap in gaps if gap.get("spec")]
    for gap in specs:  # pending specs: one entry naming the datasets, whose blocks list them
        reason = gap["reasons"][0]
        group = groups.setdefault(("", reason["symbol"], reason["text"]), {
            "dataset": "", "symbol": reason["symbol"], "text": reason["text"], "href": "",
            "indicators": [], "count": 0,
        })  # fmt: skip
        group["count"] += 1
        if not group["indicators"] or group["indicators"][-1]["title"] != gap["dataset"]:
            group["indicators"].append(
                {"title": gap["dataset"], "href": gap["href"], "periods": "", "count": 0}
            )
        group["indicators"][-1]["count"] += 1
    for gap in gaps:
        if gap.get("spec"):
            continue
        prefix = gap["dataset"] + ": "
        title = gap["title"]
        short = title[len(prefix) :] if title.startswith(prefix) and title != prefix else title
        for reason in gap["reasons"]:
            key = (gap["dataset"], reason["symbol"], reason["text"])
            group = groups.setdefault(key, {
                "dataset": gap["dataset"], "symbol": reason["symbol"], "text": reason["text"],
                "indicators": [], "count": 0,
            })  # fmt: skip
            group["count"] += 1
            group["indicators"].append(
                {"title": short, "href": gap["href"], "periods": reason["periods"], "count": 0}
            )
    for group in groups.values():
        _drop_shared_prefix(group["indicators"])
    for group in groups.values():  # every indicator links to one block: link the dataset
        if not group["dataset"]:
            group["href"] = ""
            continue
        hrefs = {item["href"] for item in group["indicators"]}
        group["href"] = hrefs.pop() if len(hrefs) == 1 and len(group["indicators"]) > 1 else ""
        if group["href"]:
            for item in group["indicators"]:
                item["href"] = ""
    return list(groups.values())


def covers(site: Site, areas: list[str], code: str) -> bool:
    """Whether `code` is one of `areas` or lies in one of them (its region, sub-region or
    wellbeing services county; `SSS` covers every municipality)."""
    wanted = set(areas)
    if code in wanted or "SSS" in wanted:
        return True
    area = site.areas.get(code)
    if area is None:
        return False
    return bool({area.region, area.subregion, area.wellbeing_county} & wanted)


def not_applicable_reason(site: Site, dataset: Dataset, code: str, lang: str) -> str:
    """The spec's `not_applicable.reason` when it covers `code`, else '' (public: a chart
    block can say the same instead of "not fetched")."""
    declared = dataset.meta.get("not_applicable") or {}
    if not declared or not covers(site, list(declared.get("areas") or []), code):
        return ""
    return pick(declared.get("reason"), lang)


def _reasons(
    site: Site, dataset: Dataset, indicator: Indicator, code: str, lang: str, _: Any
) -> dict[str, list[Reason]]:
    """This indicator's gaps for `code` by kind (an empty dict when it has every figure)."""
    series = dataset.series.get((indicator.id, code))
    if series is None or not series.periods:
        return {
            "pending": [
                {"symbol": "", "periods": "", "text": _no_rows_reason(site, dataset, code, _)}
            ]
        }
    by_kind: dict[str, list[Reason]] = {}
    by_symbol: dict[str, list[str]] = {}
    for period, value, symbol in zip(series.periods, series.values, series.status, strict=True):
        if value is None:
            by_symbol.setdefault(symbol, []).append(period)
    for symbol, periods in sorted(by_symbol.items()):
        text = (
            symbol_meaning(site, symbol, lang)
            if symbol
            else _("no value and no symbol from the source")
        )
        by_kind.setdefault(SYMBOL_KINDS.get(symbol, "missing"), []).append(
            {"symbol": symbol, "periods": _period_ranges(periods, lang), "text": text}
        )
    latest = dataset.ranks.get(indicator.id, {}).get("period", "")
    if latest and latest not in series.periods:
        by_kind.setdefault("missing", []).append(
            {"symbol": "", "periods": fmt.period_label(latest, lang),
             "text": _("no row for the latest period of the other municipalities")}
        )  # fmt: skip
    return by_kind


def _drop_shared_prefix(items: list[dict[str, Any]]) -> None:
    """ "Budget och plan: årsbidrag" and "Budget och plan: lånestock" → "årsbidrag",
    "lånestock": a prefix before ": " that every title of the entry shares says nothing there
    (the indicators may name their dataset differently from its title)."""
    heads = {item["title"].partition(": ")[0] for item in items}
    if len(items) > 1 and len(heads) == 1 and all(": " in item["title"] for item in items):
        for item in items:
            item["title"] = item["title"].partition(": ")[2]


def _no_rows_reason(site: Site, dataset: Dataset, code: str, _: Any) -> str:
    """Why an indicator has no rows for a municipality: the general reason, or the State
    Treasury's own (`no_document_reason`)."""
    return no_document_reason(site, dataset, code, _) or _(
        "not fetched for this municipality (no rows in the data)"
    )


def no_document_reason(site: Site, dataset: Dataset, code: str, _: Any) -> str:
    """The State Treasury's budgets are fetched document by document from its catalogue: a
    municipality without a single row there had no document recorded (docs/datasets.md,
    treasury), not a query that left it out — said so, here and in its chart blocks. ""
    for any other source, and for a municipality with rows but none for this indicator (a
    per-resident figure without the year's population keeps the general reason)."""
    if dataset.meta.get("source_kind") != "treasury" or not code.startswith("KU"):
        return ""
    key = ("gaps-documents", dataset.id)
    if key not in site.cache:
        areas = dataset.frame["area"]
        site.cache[key] = set(areas[areas.str.startswith("KU")])
    documented = site.cache[key]
    if code in documented:
        return ""
    return _("no document was recorded for this municipality (the data holds the documents of "
             "%(count)s municipalities)") % {"count": len(documented)}  # fmt: skip


def _pending(site: Site, lang: str, _: Any) -> list[dict[str, Any]]:
    """Indicators of the package's `x-pending` specs: written but not fetched for any area.
    The same on every page of a language, so prepared once per build."""
    key = ("gaps-pending", lang)
    if key not in site.cache:
        reason = _("not yet fetched: the specification has not yet been verified against the "
                   "live source")  # fmt: skip
        site.cache[key] = [
            {
                "title": pick(indicator.get("title"), lang) or str(indicator.get("id", "")),
                "dataset": pick(item.get("title"), lang) or str(item.get("dataset", "")),
                "href": f"#pending-{item.get('dataset', '')}",
                "reasons": [{"symbol": "", "periods": "", "text": reason}],
                "dataset_id": str(item.get("dataset", "")),
                "indicator_id": str(indicator.get("id", "")),
                "spec": True,
            }
            for item in pending_datasets(site)
            for indicator in item.get("indicators") or []
        ]
    return site.cache[key]


def _period_ranges(periods: list[str], lang: str) -> str:
    """`2006–2009, 2012` for consecutive years; months and quarters listed in words."""
    if not all(p.isdigit() for p in periods):
        return ", ".join(fmt.period_label(p, lang) for p in periods)
    years = sorted(int(p) for p in periods)
    parts: list[str] = []
    start = previous = years[0]
    for year in [*years[1:], None]:
        if year is not None and year == previous + 1:
            previous = year
            continue
        parts.append(str(start) if start == previous else f"{start}–{previous}")
        if year is not None:
            start = previous = year
    return ", ".join(parts)
