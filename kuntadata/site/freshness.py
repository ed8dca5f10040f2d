"""How fresh each dataset is, in words: for chart source lines and the catalogue page.

A reader who sees a figure needs to know how old it is: when the producer last updated it,
when this site fetched it and when the next release is due. The judgement "stale" is
`kuntadata.status.dataset_status`'s (the same rule `build.py status` warns with), measured at
the build date so a rebuilt site says the same thing as the day it was built.
"""

from __future__ import annotations

from typing import Any

from ..status import DatasetStatus, dataset_status
from . import fmt
from .i18n import N_, gettext_for

CADENCES = {
    "yearly": N_("Yearly"),
    "quarterly": N_("Quarterly"),
    "monthly": N_("Monthly"),
    "irregular": N_("Irregular"),
}


def statuses(site: Any) -> dict[str, DatasetStatus]:
    """Status of every dataset of the package, judged at the build date (read once per build)."""
    if "statuses" not in site.cache:
        found = dataset_status(site.package.directory, now=site.built_at)
        site.cache["statuses"] = {s.dataset: s for s in found}
    return site.cache["statuses"]


def date_sentence(status: DatasetStatus | None, lang: str) -> str:
    """`Data fetched 23.11.2026, updated by the source 1.4.2026. Next release 1.4.2027.`

    Only what is known is said: Sotkanet and file sources often give no update time, and an
    empty date must never read as "updated by the source ." on a page.
    """
    if status is None:
        return ""
    _ = gettext_for(lang)
    fetched = fmt.long_date(status.fetched_at, lang)
    updated = fmt.long_date(status.updated, lang)
    if updated:
        text = _("Data fetched %(fetched)s, updated by the source %(updated)s.") % {
            "fetched": fetched,
            "updated": updated,
        }
    else:
        text = _("Data fetched %(fetched)s.") % {"fetched": fetched}
    if status.next_release:
        date = fmt.long_date(status.next_release, lang)
        text += " " + _("Next release %(date)s.") % {"date": date}
    if status.stale:
        text += " " + stale_sentence(status, lang)
    return text


def stale_sentence(status: DatasetStatus, lang: str) -> str:
    _ = gettext_for(lang)
    return _(
        "The source has not updated this data for %(days)s days, longer than its usual "
        "cadence; newer figures may exist."
    ) % {"days": fmt.number(float(status.age_days or 0), 0, lang)}


def source_notes(site: Any, lang: str, by_dataset: dict[str, DatasetStatus]) -> dict[str, str]:
    """Chart id (`dataset-indicator`) → the date sentence shown under that chart."""
    notes: dict[str, str] = {}
    for dataset in site.package.datasets:
        sentence = date_sentence(by_dataset.get(dataset.id), lang)
        for indicator in dataset.indicators:
            notes[f"{dataset.id}-{indicator.id}"] = sentence
    return notes


def catalogue_facts(status: DatasetStatus | None, lang: str) -> dict[str, Any]:
    """Latest period, dates, cadence and the stale flag of one dataset for the catalogue."""
    _ = gettext_for(lang)
    if status is None:
        return {
            "latest": "",
            "updated": "",
            "fetched": "",
            "cadence": "",
            "next_release": "",
            "stale": False,
            "stale_text": "",
        }
    return {
        "latest": fmt.period_label(status.latest_period, lang) if status.latest_period else "–",
        "updated": fmt.long_date(status.updated, lang) or _("not given by the source"),
        "fetched": fmt.long_date(status.fetched_at, lang),
        "cadence": _(CADENCES.get(status.cadence, status.cadence)),
        "next_release": fmt.long_date(status.next_release, lang),
        "stale": status.stale,
        "stale_text": stale_sentence(status, lang) if status.stale else "",
    }
