"""Staleness: per dataset the latest period, when it was fetched, when the producer last
updated it, the declared cadence and the next release — and a warning when a source has not
changed for longer than its cadence (the publish workflow prints these in its run summary).

A pure function of `data/package/datapackage.json`, like the site.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from .errors import BuildError

CADENCE_DAYS = {"monthly": 31 + 15, "quarterly": 92 + 30, "yearly": 365 + 60}


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

    def line(self) -> str:
        age = f"{self.age_days} days ago" if self.age_days is not None else "date unknown"
        text = (
            f"{self.dataset}: latest period {self.latest_period or '—'}, source updated "
            f"{self.updated[:10] or '—'} ({age}), fetched {self.fetched_at[:10]}, "
            f"cadence {self.cadence}"
        )
        if self.next_release:
            text += f", next release {self.next_release}"
        return text


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
        out.append(
            DatasetStatus(
                dataset=meta["dataset"],
                latest_period=(meta.get("periods") or [""])[-1],
                fetched_at=meta.get("fetched_at", ""),
                updated=meta.get("updated", ""),
                cadence=cadence,
                next_release=meta.get("next_release", ""),
                age_days=age,
                stale=bool(limit and age is not None and age > limit),
            )
        )
    return out


def _age_days(timestamp: str, now: datetime) -> int | None:
    if not timestamp:
        return None
    try:
        moment = datetime.fromisoformat(timestamp.replace("Z", "+00:00"))
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return (now - moment).days
