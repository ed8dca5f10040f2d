"""The full municipality card: who is responsible, every theme, and what is not yet fetched.

Why: residents want to know whether their council or their wellbeing services county
answers for a figure (since 2023 health and social services belong to the counties), so every
indicator carries a responsibility label from its spec. And a page that silently drops a
theme reads as "nothing to see"; so every theme is shown, with the indicators whose specs are
written but not yet verified against the live source (`x-pending` of the package) listed as
"not yet fetched" — never as an empty chart.
"""

from __future__ import annotations

from typing import Any

from . import fmt
from .context import Site
from .harmonised import current_division_figures
from .i18n import N_, gettext_for
from .package_data import THEMES, pick

RESPONSIBLE = {
    "municipality": N_("Responsible: municipality"),
    "wellbeing_county": N_("Responsible: wellbeing services county"),
    "state": N_("Responsible: state"),
    "other": N_("Responsible: other"),
}
ALWAYS_SHOWN = ("population", "economy", "work", "education", "wellbeing", "environment")


def responsible_label(responsible: str, lang: str) -> str:
    """`Vastuu: hyvinvointialue`; an unknown value is shown as "other", never dropped."""
    _ = gettext_for(lang)
    return _(RESPONSIBLE.get(responsible, RESPONSIBLE["other"]))


def pending_datasets(site: Site) -> list[dict[str, Any]]:
    """`x-pending` of the package: specs with no data yet (possibly none)."""
    pending = site.package.descriptor.get("x-pending") or []
    return [p for p in pending if isinstance(p, dict)]


def pending_entry(item: dict[str, Any], lang: str) -> dict[str, Any]:
    """One not-yet-fetched dataset with its indicators, titles and responsibility."""
    _ = gettext_for(lang)
    return {
        "id": f"pending-{item.get('dataset', '')}",
        "title": pick(item.get("title"), lang) or str(item.get("dataset", "")),
        "why": _(
            "Not yet fetched: the specification of this data has not yet been verified against "
            "the live source. The first build with internet access fetches it."
        ),
        "indicators": [
            {
                "title": pick(i.get("title"), lang) or str(i.get("id", "")),
                "responsible": responsible_label(i.get("responsible") or "other", lang),
            }
            for i in item.get("indicators") or []
        ],
    }


def theme_sections(
    site: Site, titles: dict[str, str], charts: dict[str, list[dict[str, Any]]], lang: str
) -> list[dict[str, Any]]:
    """Every theme in THEMES order: the six main ones always, housing and democracy when
    they have data or pending specs; each with its chart blocks and pending entries."""
    _ = gettext_for(lang)
    pending = site.cache.get(("pending", lang))
    if pending is None:  # the same on every page of a language: prepared once
        pending = site.cache[("pending", lang)] = {}
        for item in pending_datasets(site):
            theme = item.get("theme") or "population"
            pending.setdefault(theme, []).append(pending_entry(item, lang))
    order = list(THEMES) + sorted((set(charts) | set(pending)) - set(THEMES))
    _link_blocks(charts)
    sections = []
    for theme in order:
        blocks, waiting = charts.get(theme, []), pending.get(theme, [])
        if theme not in ALWAYS_SHOWN and not blocks and not waiting:
            continue
        sections.append({
            "id": f"theme-{theme}",
            "key": theme,
            "title": _(titles.get(theme, theme)),
            "charts": blocks,
            "pending": waiting,
            "empty": "" if blocks or waiting else _("No indicators in this theme yet."),
            "finance": None,
        })  # fmt: skip
    return sections


def _link_blocks(charts: dict[str, list[dict[str, Any]]]) -> None:
    """What each chart block needs of its neighbours (macros.html `chart_block`): the id of
    the full source caption when an earlier drawn chart of its dataset holds it
    (`source_id`, "" for that first chart) and the chart just before it when of the same
    dataset (`previous`). Once per page here, not a filter over the theme per chart."""
    for blocks in charts.values():
        captions: dict[str, str] = {}
        previous: dict[str, Any] | None = None
        for block in blocks:
            block["source_id"] = captions.get(block["dataset"], "")
            if block.get("has_chart") and block["dataset"] not in captions:
                captions[block["dataset"]] = block["id"] + "-source"
            same = previous is not None and previous["dataset"] == block["dataset"]
            block["previous"] = previous if same else None
            previous = block


def merged_municipalities(site: Site, code: str, lang: str) -> list[dict[str, Any]]:
    """Municipalities that merged into `code` (area_mergers), with the figures the package
    still publishes under the old code. Those rows are not added to the new municipality:
    sources differ in whether they recompute past years for the current division, so the page
    says where the old figures are instead of mixing them in."""
    _ = gettext_for(lang)
    merged = []
    for old, year in site.areas.merged_into(code):
        if site.areas.get(old) is None:
            continue  # old mergers: the abolished municipality is not in areas.csv
        name = site.areas.name(old, lang)
        figures = []
        for dataset in site.package.datasets:
            for indicator in dataset.charted:
                series = dataset.series.get((indicator.id, old))
                at = series.latest_known() if series is not None else -1
                if at < 0:
                    continue
                figures.append({
                    "title": pick(indicator.title, lang),
                    "value": fmt.number(series.values[at], indicator.decimals, lang),
                    "unit": pick(indicator.unit, lang),
                    "period": fmt.period_label(series.periods[at], lang),
                })  # fmt: skip
        words = {"name": name, "code": site.areas.get(old).short_code, "year": year,
                 "area": site.areas.name(code, lang)}  # fmt: skip
        text = (
            _("{name} ({code}) merged into {area} in {year}.").format(**words)
            if year
            else _("{name} ({code}) has merged into {area}.").format(**words)
        )
        text += " " + _(
            "Figures published under the code of {name} stay under that code in this data and "
            "are not added to the figures shown here; sources that use the current division "
            "may already include {name} in {area}."
        ).format(**words)
        merged.append({"text": text, "figures": figures,
                       "figures_caption": _("Latest figures under the code of {name} ({code})"
                                            ).format(**words)})  # fmt: skip
    current = current_division_figures(site, code, lang)  # harmonised.py: counts summed
    if current:
        merged.append(current)
    return merged
