"""The data changelog: what changed in the figures between two builds of the package.

Statistics get revised (Statistics Finland republishes earlier years; THL recomputes
indicators), and users — journalists especially — need to know what changed, not just see a
new number. Each package build is compared with the previous package; the differences are
appended to `data/changelog.csv`, which is committed with the snapshots (so it survives fresh
clones and CI), and the whole changelog is carried in the package as resource `changes`.

The changelog records what a reader of the data would call a change, not every row that
differs:
- new figures are summarised per indicator and period (`count` rows, `municipalities`), a
  whole new dataset per period, a new indicator of an existing dataset as `new_indicator`;
- a revision or a removal is one row per figure (old → new), because that is what a user
  checks against a figure they have already quoted;
- figures that only got a new id — the same area, period and value under another indicator
  or dataset in the same build, as when an indicator id is renamed — are `moved`, one row per
  indicator and period, never thousands of removals plus a "new period";
- a column left out of the table that only ever held one value (a fixed filter such as
  `age=SSS`) does not make the dataset unrecognisable: rows are still paired on the rest;
- a dataset left out of a build (a damaged snapshot, a spec typo) and back in a later one is
  compared with its last packaged rows, which the package keeps in `.left-out/`, or, when
  those are gone, is known from the changelog's history: it is never a "new dataset";
- the same change is never recorded twice (two runs at once, a retried swap): see
  `unrecorded`.
"""

from __future__ import annotations

import csv
import json
import math
import uuid
from dataclasses import dataclass
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
    "municipalities",
    "moved_from",
]
CHANGE_KINDS = (
    "new_dataset",
    "new_indicator",
    "new_period",
    "new_values",
    "revised",
    "removed",
    "moved",
    "restructured",
)
FIELDS = [
    {"name": "date", "type": "string", "description": "Fetch time of the data that changed"},
    {"name": "dataset", "type": "string"},
    {"name": "indicator", "type": "string"},
    {
        "name": "change",
        "type": "string",
        "constraints": {"enum": list(CHANGE_KINDS)},
        "description": "new_dataset (per period), new_indicator, new_period and new_values "
        "(more figures for a period already published) per indicator and period; revised "
        "(old → new) and removed per figure; moved (the same figures under a new id, "
        "moved_from names the old one); restructured (the table's columns changed)",
    },
    {"name": "period", "type": "string"},
    {"name": "area", "type": "string", "description": "Area code (revised and removed rows)"},
    {"name": "dimensions", "type": "string", "description": "Other key columns, col=value;…"},
    {"name": "old_value", "type": "number"},
    {"name": "new_value", "type": "number"},
    {"name": "old_status", "type": "string"},
    {"name": "new_status", "type": "string"},
    {"name": "count", "type": "integer", "description": "Rows summarised by this entry"},
    {
        "name": "municipalities",
        "type": "integer",
        "description": "Municipalities with figures in this entry (new and moved entries)",
    },
    {
        "name": "moved_from",
        "type": "string",
        "description": "dataset/indicator the figures of a moved entry were published under",
    },
]
# The columns every dataset table has; the rest of the primary key are dimension columns.
FIXED_KEY = ("area", "period", "indicator")
# Inside a package: the last packaged rows of datasets left out of it (resources.json + CSVs),
# never published (the site and the zip take only the package's top-level files).
LEFT_OUT_DIR = ".left-out"
LEFT_OUT_INDEX = "resources.json"
# Changes recorded per figure; the others summarise many figures in one row.
FIGURE_KINDS = ("revised", "removed")


@dataclass(frozen=True)
class _Rows:
    """Rows of one dataset in a comparable shape: area, period, indicator, dims, value, status.

    `old_periods`/`old_indicators` describe the old table, so added rows can be told apart as
    a new period, more figures for a known period, or a new indicator; None for a new dataset
    (and for a dataset left out of the new build, whose `date` is empty).
    """

    dataset: str
    date: str
    frame: pd.DataFrame
    old_periods: frozenset[str] | None = None
    old_indicators: frozenset[str] | None = None


def diff_packages(
    old_dir: Path, new_dir: Path, known_datasets: frozenset[str] = frozenset()
) -> list[dict[str, Any]]:
    """Every change from the package in `old_dir` to the one in `new_dir` (same layout).

    A dataset missing from the new package is not recorded as removed: a dataset is left out
    of a build when its snapshot does not match its spec, and comes back with the next good
    fetch. Its rows still count as the source of a move. When it comes back it is compared
    with the rows `old_dir` kept of it in `.left-out/`; without those, a dataset named in
    `known_datasets` (the committed changelog's history) is not recorded as new either.
    """
    old_descriptor = _descriptor(old_dir)
    new_descriptor = _descriptor(new_dir)
    if new_descriptor is None:
        return []
    old_resources = {
        r["name"]: r for r in (old_descriptor or {}).get("resources", []) if r.get("x-kuntadata")
    }
    current = {r["name"] for r in new_descriptor["resources"] if r.get("x-kuntadata")}
    for name, resource in left_out_resources(old_dir).items():
        if name in current:  # only a returning dataset is paired with its kept rows
            old_resources.setdefault(name, resource)
    entries: list[dict[str, Any]] = []
    added: list[_Rows] = []
    removed: list[_Rows] = []
    for resource in new_descriptor["resources"]:
        meta = resource.get("x-kuntadata")
        if not meta:
            continue
        dataset, date = meta["dataset"], meta.get("fetched_at", "")
        key = resource["schema"]["primaryKey"]
        old = old_resources.pop(resource["name"], None)
        new_frame = _read(new_dir / resource["path"])
        if old is None:
            # The first build is the start, not a change; a dataset the changelog already
            # knows was published before and left out since, so it is not new either.
            if old_descriptor is not None and dataset not in known_datasets:
                added.append(_Rows(dataset, date, _long(new_frame, key)))
            continue
        old_frame, new_frame = _comparable(_read(old_dir / old["path"]), new_frame)
        if old_frame is None:
            # The dataset changed shape (a dimension added or split): rows cannot be paired.
            entries.append(_entry(date, dataset, "", "restructured", count=len(new_frame)))
            continue
        entries.extend(_diff_resource(old_frame, new_frame, key, dataset, date, added, removed))
    for gone in old_resources.values():  # left out of this build: only the source of a move
        frame = _long(_read(old_dir / gone["path"]), gone["schema"]["primaryKey"])
        removed.append(_Rows(gone["x-kuntadata"]["dataset"], "", frame))
    entries.extend(_moves_and_additions(added, removed))
    return entries


def _diff_resource(
    old: pd.DataFrame,
    new: pd.DataFrame,
    key: list[str],
    dataset: str,
    date: str,
    added: list[_Rows],
    removed: list[_Rows],
) -> list[dict[str, Any]]:
    """Revisions of one dataset as entries; its added and removed rows go to `added` and
    `removed`, to be told apart from moves once every dataset has been compared."""
    key = [c for c in key if c in new.columns]
    merged = old.merge(new, on=key, how="outer", suffixes=("_old", "_new"), indicator=True)
    both = merged[merged["_merge"] == "both"]
    unchanged = [
        _same_value(old_value, new_value) and old_status == new_status
        for old_value, new_value, old_status, new_status in zip(
            both["value_old"], both["value_new"], both["status_old"], both["status_new"],
            strict=True,
        )
    ]  # fmt: skip
    changed = both[~pd.Series(unchanged, index=both.index, dtype=bool)]
    new_rows = merged[merged["_merge"] == "right_only"].rename(
        columns={"value_new": "value", "status_new": "status"}
    )
    old_rows = merged[merged["_merge"] == "left_only"].rename(
        columns={"value_old": "value", "status_old": "status"}
    )
    added.append(
        _Rows(
            dataset,
            date,
            _long(new_rows, key),
            frozenset(old["period"]),
            frozenset(old["indicator"]),
        )
    )
    removed.append(_Rows(dataset, date, _long(old_rows, key)))
    dims = [c for c in key if c not in FIXED_KEY]
    return [
        _entry(
            date,
            dataset,
            record["indicator"],
            "revised",
            period=record["period"],
            area=record["area"],
            dimensions=_dims(record, dims),
            old_value=record["value_old"],
            new_value=record["value_new"],
            old_status=record["status_old"],
            new_status=record["status_new"],
            count=1,
        )
        for record in changed.to_dict("records")
    ]


def _moves_and_additions(added: list[_Rows], removed: list[_Rows]) -> list[dict[str, Any]]:
    """Removed rows that reappear elsewhere become one `moved` entry per indicator and period;
    what is left is recorded as new (summarised) and removed (per figure)."""
    entries: list[dict[str, Any]] = []
    pools: dict[tuple[str, str, str], tuple[_Rows, pd.DataFrame]] = {}
    for rows in added:
        for (indicator, period), group in rows.frame.groupby(["indicator", "period"], sort=True):
            pools[(rows.dataset, indicator, period)] = (rows, group)
    taken: dict[tuple[str, str, str], set[int]] = {}
    for rows in removed:
        for (indicator, period), group in rows.frame.groupby(["indicator", "period"], sort=True):
            target = _move_target(rows.dataset, indicator, period, group, pools, taken)
            if target is not None:
                (new_rows, matched), indexes = target
                taken.setdefault((new_rows.dataset, matched, period), set()).update(indexes)
                entries.append(
                    _entry(
                        new_rows.date,
                        new_rows.dataset,
                        matched,
                        "moved",
                        period=period,
                        count=len(group),
                        municipalities=_municipalities(group),
                        moved_from=f"{rows.dataset}/{indicator}",
                    )
                )
                continue
            if not rows.date:
                continue  # a dataset left out of the build: not a removal (diff_packages)
            entries.extend(_removed_entries(rows, group))
    for rows in added:
        entries.extend(_added_entries(rows, taken))
    return entries


def _move_target(
    dataset: str,
    indicator: str,
    period: str,
    group: pd.DataFrame,
    pools: dict[tuple[str, str, str], tuple[_Rows, pd.DataFrame]],
    taken: dict[tuple[str, str, str], set[int]],
) -> tuple[tuple[_Rows, str], set[int]] | None:
    """The added indicator (same period, another id) holding every removed figure, if any.

    All-or-nothing per indicator and period, and at least one non-zero figure: one matching 0
    somewhere else is a coincidence, a whole column of the same figures is a move.
    """
    if not any(_number(v) for v in group["value"]):
        return None
    wanted = _signatures(group)
    for (pool_dataset, pool_indicator, pool_period), (rows, pool) in pools.items():
        if pool_period != period or (pool_dataset, pool_indicator) == (dataset, indicator):
            continue
        used = taken.get((pool_dataset, pool_indicator, pool_period), set())
        free = pool[~pool.index.isin(used)]
        by_signature: dict[tuple[str, str, str], list[int]] = {}
        for index, signature in zip(free.index, _signatures(free), strict=True):
            by_signature.setdefault(signature, []).append(index)
        indexes: set[int] = set()
        for signature in wanted:
            candidates = by_signature.get(signature)
            if not candidates:
                break
            indexes.add(candidates.pop())
        else:
            return (rows, pool_indicator), indexes
    return None


def _removed_entries(rows: _Rows, group: pd.DataFrame) -> list[dict[str, Any]]:
    return [
        _entry(
            rows.date,
            rows.dataset,
            record["indicator"],
            "removed",
            period=record["period"],
            area=record["area"],
            dimensions=record["dims"],
            old_value=record["value"],
            old_status=record["status"],
            count=1,
        )
        for record in group.to_dict("records")
    ]


def _added_entries(rows: _Rows, taken: dict[tuple[str, str, str], set[int]]) -> list[dict]:
    """New figures summarised: per period for a new dataset, else per indicator and period."""
    frame = rows.frame
    used = set().union(*(v for (d, _i, _p), v in taken.items() if d == rows.dataset))
    frame = frame[~frame.index.isin(used)]
    if frame.empty:
        return []
    if rows.old_periods is None:
        return [
            _entry(rows.date, rows.dataset, "", "new_dataset", period=period, count=len(group),
                   municipalities=_municipalities(group))
            for period, group in frame.groupby("period", sort=True)
        ]  # fmt: skip
    entries = []
    for (indicator, period), group in frame.groupby(["indicator", "period"], sort=True):
        if indicator not in (rows.old_indicators or ()):
            kind = "new_indicator"
        elif period in rows.old_periods:
            kind = "new_values"  # the period is known: more areas or breakdowns for it
        else:
            kind = "new_period"
        entries.append(
            _entry(rows.date, rows.dataset, indicator, kind, period=period, count=len(group),
                   municipalities=_municipalities(group))
        )  # fmt: skip
    return entries


def _comparable(old: pd.DataFrame, new: pd.DataFrame) -> tuple[pd.DataFrame | None, pd.DataFrame]:
    """Both tables on the same columns, or None for the old one when they cannot be paired.

    A column on one side only is dropped when it holds a single value there (a fixed filter
    such as `age=SSS` that stopped being written out): it tells no rows apart.
    """
    for frame, other in ((old, new), (new, old)):
        for column in frame.columns:
            if column not in other.columns and frame[column].nunique() > 1:
                return None, new
    common = [c for c in new.columns if c in old.columns]
    if {*FIXED_KEY, "value", "status"} - set(common):
        return None, new
    return old[common], new[common]


def _long(frame: pd.DataFrame, key: list[str]) -> pd.DataFrame:
    """area, period, indicator, dims (`col=value;…`), value, status — a shape any two datasets
    share, so a figure can be followed from one dataset to another."""
    dims = [c for c in key if c not in FIXED_KEY and c in frame.columns]
    frame = frame.reset_index(drop=True)
    return pd.DataFrame(
        {
            "area": frame["area"],
            "period": frame["period"],
            "indicator": frame["indicator"],
            "dims": [_dims(r, dims) for r in frame[dims].to_dict("records")] if dims else "",
            "value": frame["value"].fillna(""),
            "status": frame["status"].fillna(""),
        }
    )


def _signatures(frame: pd.DataFrame) -> list[tuple[str, str, str]]:
    """What identifies a figure across ids: its area, number and status (the period is
    matched separately; dimension columns may be named differently in another dataset)."""
    return [
        (area, _canonical(value), status)
        for area, value, status in zip(frame["area"], frame["value"], frame["status"], strict=True)
    ]


def _municipalities(frame: pd.DataFrame) -> int:
    return int(frame.loc[frame["area"].str.startswith("KU"), "area"].nunique())


def _same_value(old: Any, new: Any) -> bool:
    """Equal as numbers: `10573` and `10573.0` written by two versions of the package stage
    are the same figure, not a revision."""
    return _canonical(old) == _canonical(new)


def _canonical(value: Any) -> str:
    number = _number(value)
    if number is None:
        return _text(value)
    return repr(number) if number != 0 else "0"


def _number(value: Any) -> float | None:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(number) else number


def left_out_resources(package_dir: Path) -> dict[str, dict[str, Any]]:
    """Resources of datasets a package left out, with paths into its `.left-out/` folder."""
    index = package_dir / LEFT_OUT_DIR / LEFT_OUT_INDEX
    try:
        resources = json.loads(index.read_text("utf-8"))
    except (OSError, ValueError):
        return {}
    out = {}
    for resource in resources if isinstance(resources, list) else []:
        path = package_dir / LEFT_OUT_DIR / str(resource.get("path", ""))
        if resource.get("x-kuntadata") and path.is_file():
            out[resource["name"]] = {**resource, "path": f"{LEFT_OUT_DIR}/{path.name}"}
    return out


def history_datasets(rows: list[dict[str, Any]]) -> frozenset[str]:
    """Datasets the changelog has recorded (each was in a published package at some point)."""
    return frozenset(str(row.get("dataset") or "") for row in rows) - {""}


def unrecorded(recorded: list[dict[str, Any]], entries: list[dict[str, Any]]) -> list[dict]:
    """The entries that are not in the changelog yet, each once.

    Two package runs at once, or a swap that failed and was retried, used to write the same
    revision twice. A figure's change (dataset, indicator, area, period, dimensions, old →
    new) counts as recorded when it is that figure's latest recorded change, so a value that
    goes back and forth is still told each time; a summary row (new period, move, …) when the
    very same row is there.
    """
    latest: dict[tuple[str, ...], tuple[str, ...]] = {}
    summaries: set[tuple[str, ...]] = set()
    for row in recorded:
        _remember(row, latest, summaries)
    fresh = []
    for row in entries:
        if _remember(row, latest, summaries):
            fresh.append(row)
    return fresh


def _remember(
    row: dict[str, Any],
    latest: dict[tuple[str, ...], tuple[str, ...]],
    summaries: set[tuple[str, ...]],
) -> bool:
    """Note the row as recorded; False when it already was (see `unrecorded`)."""
    figure = tuple(_text(row.get(c)) for c in ("dataset", "indicator", "area", "period"))
    figure += (_text(row.get("dimensions")),)
    change = (
        _text(row.get("change")),
        _canonical(row.get("old_value")),
        _canonical(row.get("new_value")),
        _text(row.get("old_status")),
        _text(row.get("new_status")),
        _text(row.get("moved_from")),
    )
    if change[0] in FIGURE_KINDS:
        if latest.get(figure) == change:
            return False
        latest[figure] = change
        return True
    summary = (*figure, *change, *(_text(row.get(c)) for c in ("date", "count", "municipalities")))
    if summary in summaries:
        return False
    summaries.add(summary)
    return True


def append_changelog(path: Path, entries: list[dict[str, Any]]) -> int:
    """Append the entries not recorded yet, atomically (temp file, then rename); how many."""
    staged, fresh = stage_changelog(path, entries)
    if staged is not None:
        staged.replace(path)
    return len(fresh)


def stage_changelog(path: Path, entries: list[dict[str, Any]]) -> tuple[Path | None, list]:
    """The changelog with the unrecorded entries appended, written to a temporary sibling.

    The package stage renames it over `path` only once the new package is in place, so a
    failed or retried build never leaves changes recorded for a package that was not
    published. None when there is nothing to add.
    """
    rows = read_changelog(path)
    fresh = unrecorded(rows, entries)
    if not fresh:
        return None, []
    path.parent.mkdir(parents=True, exist_ok=True)
    staged = path.parent / f".{path.name}.tmp-{uuid.uuid4().hex[:8]}"
    try:
        write_changelog(staged, rows + fresh)
    except BaseException:
        staged.unlink(missing_ok=True)
        raise
    return staged, fresh


def read_changelog(path: Path) -> list[dict[str, Any]]:
    """The committed changelog's rows (columns added later read as empty)."""
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
    return pd.read_csv(path, dtype=str, keep_default_na=False)


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
