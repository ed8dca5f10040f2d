"""The data changelog: new periods and revised values between two builds of the package.

Statistics get revised (Statistics Finland republishes earlier years; THL recomputes
indicators), and users — journalists especially — need to know what changed, not just see a
new number. Each package build is compared with the previous package; the differences are
appended to `data/changelog.csv`, which is committed with the snapshots (so it survives fresh
clones and CI), and the whole changelog is carried in the package as resource `changes`.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

import pandas as pd

COLUMNS = [
    "date",
    "dataset",
    "indicator",
    "change",
    "period",
    "area",
    "dimensions",
    "old_value",
    "new_value",
    "old_status",
    "new_status",
    "count",
]
CHANGE_KINDS = ("new_dataset", "new_period", "new_values", "revised", "removed")
FIELDS = [
    {"name": "date", "type": "string", "description": "Fetch time of the data that changed"},
    {"name": "dataset", "type": "string"},
    {"name": "indicator", "type": "string"},
    {
        "name": "change",
        "type": "string",
        "constraints": {"enum": list(CHANGE_KINDS)},
        "description": "new_dataset, new_period (count = rows), new_values (more areas for a "
        "period already published), revised (old → new), removed",
    },
    {"name": "period", "type": "string"},
    {"name": "area", "type": "string", "description": "Area code (revised and removed rows)"},
    {"name": "dimensions", "type": "string", "description": "Other key columns, col=value;…"},
    {"name": "old_value", "type": "number"},
    {"name": "new_value", "type": "number"},
    {"name": "old_status", "type": "string"},
    {"name": "new_status", "type": "string"},
    {"name": "count", "type": "integer", "description": "Rows summarised by this entry"},
]


def diff_packages(old_dir: Path, new_dir: Path) -> list[dict[str, Any]]:
    """Every change from the package in `old_dir` to the one in `new_dir` (same layout)."""
    old_descriptor = _descriptor(old_dir)
    new_descriptor = _descriptor(new_dir)
    if new_descriptor is None:
        return []
    old_resources = {r["name"]: r for r in (old_descriptor or {}).get("resources", [])}
    entries: list[dict[str, Any]] = []
    for resource in new_descriptor["resources"]:
        meta = resource.get("x-kuntadata")
        if not meta:
            continue
        date = meta.get("fetched_at", "")
        old = old_resources.get(resource["name"])
        if old is None:
            if old_descriptor is not None:
                entries.append(_entry(date, meta["dataset"], "", "new_dataset"))
            continue
        entries.extend(
            _diff_resource(
                old_dir / old["path"],
                new_dir / resource["path"],
                resource["schema"]["primaryKey"],
                meta["dataset"],
                date,
            )
        )
    return entries


def _diff_resource(
    old_path: Path, new_path: Path, key: list[str], dataset: str, date: str
) -> list[dict[str, Any]]:
    old = _read(old_path)
    new = _read(new_path)
    if set(key) - set(old.columns) or list(old.columns) != list(new.columns):
        # The dataset changed shape (a dimension added or removed): rows cannot be paired.
        return [_entry(date, dataset, "", "new_dataset", count=len(new))]
    merged = old.merge(new, on=key, how="outer", suffixes=("_old", "_new"), indicator=True)
    dims = [c for c in key if c not in ("area", "period", "indicator")]
    entries: list[dict[str, Any]] = []
    old_periods = set(zip(old["indicator"], old["period"], strict=True))
    added = merged[merged["_merge"] == "right_only"]
    for (indicator, period), group in added.groupby(["indicator", "period"], sort=True):
        kind = "new_values" if (indicator, period) in old_periods else "new_period"
        entries.append(_entry(date, dataset, indicator, kind, period=period, count=len(group)))
    both = merged[merged["_merge"] == "both"]
    changed = both[
        (both["value_old"] != both["value_new"]) | (both["status_old"] != both["status_new"])
    ]
    removed = merged[merged["_merge"] == "left_only"]
    # a removed row's new side is empty (NaN), written as ""
    for change, rows in (("revised", changed), ("removed", removed)):
        for row in rows.itertuples(index=False):
            record = row._asdict()
            entries.append(
                _entry(
                    date,
                    dataset,
                    record["indicator"],
                    change,
                    period=record["period"],
                    area=record["area"],
                    dimensions=_dims(record, dims),
                    old_value=record["value_old"],
                    new_value=record["value_new"],
                    old_status=record["status_old"],
                    new_status=record["status_new"],
                    count=1,
                )
            )
    return entries


def append_changelog(path: Path, entries: list[dict[str, Any]]) -> None:
    """Append entries to the committed changelog, atomically (temp file, then rename)."""
    rows = read_changelog(path) + entries
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".csv.tmp")
    write_changelog(tmp, rows)
    tmp.replace(path)


def read_changelog(path: Path) -> list[dict[str, Any]]:
    if not path.exists():
        return []
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def write_changelog(path: Path, rows: list[dict[str, Any]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, COLUMNS, lineterminator="\n")
        writer.writeheader()
        for row in rows:
            writer.writerow({c: _text(row.get(c)) for c in COLUMNS})


def _read(path: Path) -> pd.DataFrame:
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    return frame


def _descriptor(directory: Path) -> dict[str, Any] | None:
    path = directory / "datapackage.json"
    return json.loads(path.read_text("utf-8")) if path.exists() else None


def _dims(record: dict[str, Any], dims: list[str]) -> str:
    return ";".join(f"{d}={record[d]}" for d in dims)


def _entry(date: str, dataset: str, indicator: str, change: str, **fields: Any) -> dict:
    return {"date": date, "dataset": dataset, "indicator": indicator, "change": change, **fields}


def _text(value: Any) -> str:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return ""
    return str(value)
