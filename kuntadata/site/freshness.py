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
    """`Data fetched 23.11.2026, updated by the source 1.4.2026. Next release 1.4.2027.` (or
    the estimated next figure, see `next_sentence`).

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
    text += " " + next_sentence(status, lang)
    if status.stale:
        text += " " + stale_sentence(status, lang)
    return text


# how often, as said after "estimate: published …"
PUBLISHED = {
    "yearly": N_("published yearly"),
    "quarterly": N_("published quarterly"),
    "monthly": N_("published monthly"),
}


def next_sentence(status: DatasetStatus, lang: str) -> str:
    """When the next figure is due, as `kuntadata.status` judged it: the producer's announced
    date as it is, an estimate labelled as one (`Next figure expected around April 2027
    (estimate: published yearly).`), overdue when that time has passed, and no guess at all
    for an irregular source or one that gives no update time."""
    _ = gettext_for(lang)
    if status.next_due and not status.next_estimated:
        date = fmt.long_date(status.next_due, lang)
        if status.overdue:
            return _("Next figure overdue since %(date)s, the date the source announced.") % {
                "date": date
            }
        return _("Next release %(date)s.") % {"date": date}
    how = _(PUBLISHED[status.cadence]) if status.cadence in PUBLISHED else ""
    if status.next_due:
        year, month = (int(part) for part in status.next_due.split("-")[:2])
        words = {"month": month_year(year, month, lang), "how": how}
        if status.overdue:
            return _("Next figure overdue since around %(month)s (estimate: %(how)s).") % words
        return _("Next figure expected around %(month)s (estimate: %(how)s).") % words
    if status.cadence == "irregular":
        return _("Published irregularly; when the next figure is due is not known.")
    return _("When the next figure is due is not known.")


def month_year(year: int, month: int, lang: str) -> str:
    """`kesäkuussa 2027` (Finnish inessive, "in June"), `juni 2027`, `June 2027`."""
    name = fmt.month_names(lang)[month - 1]
    if lang == "fi":  # every Finnish month name ends in -kuu: kesäkuu → kesäkuussa
        name += "ssa"
    return f"{name} {year}"


def stale_sentence(status: DatasetStatus, lang: str) -> str:
    _ = gettext_for(lang)
    return _(
        "The source has not updated this data for %(days)s days, longer than its usual "
        "cadence; newer figures may exist."
    ) % {"days": fmt.number(float(status.age_days or 0), 0, lang)}


def source_notes(site: Any, lang: str, by_dataset: dict[str, DatasetStatus]) -> dict[str, str]:
    """Chart id (the indicator id) → the date sentence shown under that chart."""
    notes: dict[str, str] = {}
    for dataset in site.package.datasets:
        sentence = date_sentence(by_dataset.get(dataset.id), lang)
        for indicator in dataset.indicators:
            notes[indicator.id] = sentence
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
