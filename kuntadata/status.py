"""Staleness: per dataset the latest period, when it was fetched, when the producer last
updated it, the declared cadence and the next release — and a warning when a source has not
changed for longer than its cadence (the publish workflow prints these in its run summary).

When the next figure is due: the date the producer announced (the spec's `next_release`), or
else an estimate, the month one cadence after the producer's last update (`updated`).
`irregular`, an unknown cadence or no update time from the producer gives no estimate (the
latest period alone does not say when a figure was released: Sotkanet's and the files'
snapshots carry no update time, and a spec with fixed years never fetches the next one).
A due date before the judging day makes the figure overdue.

A pure function of `data/package/datapackage.json`, like the site.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from .errors import BuildError

CADENCE_DAYS = {"monthly": 31 + 15, "quarterly": 92 + 30, "yearly": 365 + 60}
CADENCE_MONTHS = {"monthly": 1, "quarterly": 3, "yearly": 12}


@dataclass(frozen=True)
class DatasetStatus:
    dataset: str
    latest_period: str
    fetched_at: str
    updated: str
    cadence: str
    next_release: str
    age_days: int | None
    stale: bool
    # when the next figure is due: `YYYY-MM-DD` announced, `YYYY-MM` estimated, '' unknown
    next_due: str = ""
    next_estimated: bool = False
    overdue: bool = False

    def next_words(self) -> str:
        """`next figure expected around 2027-04 (estimate)`, `next release 2027-03-31
        (announced)`, `overdue since …`, or what is (not) known."""
        if self.next_due:
            kind = "estimate" if self.next_estimated else "announced"
            if self.overdue:
                return f"next figure overdue since {self.next_due} ({kind})"
            if self.next_estimated:
                return f"next figure expected around {self.next_due} ({kind})"
            return f"next release {self.next_due} ({kind})"
        return "next figure: not known"

    def line(self) -> str:
        age = f"{self.age_days} days ago" if self.age_days is not None else "date unknown"
        text = (
            f"{self.dataset}: latest period {self.latest_period or '—'}, source updated "
            f"{self.updated[:10] or '—'} ({age}), fetched {self.fetched_at[:10]}, "
            f"cadence {self.cadence}"
        )
        return f"{text}, {self.next_words()}"


def dataset_status(package_dir: Path, now: datetime | None = None) -> list[DatasetStatus]:
    descriptor = package_dir / "datapackage.json"
    if not descriptor.exists():
        raise BuildError(f"{descriptor}: missing; run `python build.py package` first")
    now = now or datetime.now(UTC)
    out = []
    for resource in json.loads(descriptor.read_text("utf-8"))["resources"]:
        meta = resource.get("x-kuntadata")
        if not meta:
            continue
        reference = meta.get("updated") or meta.get("fetched_at") or ""
        age = _age_days(reference, now)
        cadence = meta.get("cadence", "yearly")
        limit = CADENCE_DAYS.get(cadence)
        latest = (meta.get("periods") or [""])[-1]
        announced = str(meta.get("next_release") or "")
        due, estimated = next_figure(cadence, meta.get("updated", ""), announced)
        out.append(
            DatasetStatus(
                dataset=meta["dataset"],
                latest_period=latest,
                fetched_at=meta.get("fetched_at", ""),
                updated=meta.get("updated", ""),
                cadence=cadence,
                next_release=announced,
                age_days=age,
                stale=bool(limit and age is not None and age > limit),
                next_due=due,
                next_estimated=estimated,
                overdue=is_overdue(due, now),
            )
        )
    return out


def _age_days(timestamp: str, now: datetime) -> int | None:
    moment = _parse(timestamp)
    return None if moment is None else (now - moment).days


def next_figure(cadence: str, updated: str, announced: str) -> tuple[str, bool]:
    """(due, estimated): the announced date wins (`YYYY-MM-DD`, not an estimate); else the
    month one cadence after the producer's update (`YYYY-MM`); else nothing ('', False)."""
    if announced:
        return announced[:10], False
    months = CADENCE_MONTHS.get(cadence)
    moment = _parse(updated)
    if months is None or moment is None:
        return "", False
    index = moment.year * 12 + moment.month - 1 + months
    return f"{index // 12:04d}-{index % 12 + 1:02d}", True


def is_overdue(due: str, now: datetime) -> bool:
    """A due day before `now`'s day, or an estimated month wholly before `now`'s month."""
    if len(due) == 7:
        return due < f"{now.year:04d}-{now.month:02d}"
    return bool(due) and due < now.date().isoformat()


def _parse(timestamp: str) -> datetime | None:
    if not timestamp:
        return None
    try:
        moment = datetime.fromisoformat(timestamp.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
