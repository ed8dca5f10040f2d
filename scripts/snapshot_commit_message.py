#!/usr/bin/env python3
"""Print the commit message for refreshed snapshots: which datasets changed and how.

Used by .github/workflows/publish.yml after `git add data/raw data/changelog.csv`, so that
git history says, per release, which sources changed (new periods, revised values).
"""

from __future__ import annotations

import csv
import subprocess
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def staged_datasets() -> list[str]:
    names = subprocess.run(
        ["git", "diff", "--cached", "--name-only", "--", "data/raw"],
        capture_output=True,
        text=True,
        check=True,
        cwd=REPO,
    ).stdout.split()
    datasets = {"/".join(Path(n).parts[2:4]) for n in names if len(Path(n).parts) > 4}
    return sorted(datasets)


def latest_changes() -> Counter[tuple[str, str]]:
    path = REPO / "data" / "changelog.csv"
    if not path.exists():
        return Counter()
    rows = list(csv.DictReader(path.open(encoding="utf-8")))
    if not rows:
        return Counter()
    newest = max(r["date"] for r in rows)
    return Counter((r["dataset"], r["change"]) for r in rows if r["date"] == newest)


def main() -> None:
    datasets = staged_datasets()
    print(
        f"data: refresh {len(datasets)} snapshot(s): {', '.join(d.split('/')[1] for d in datasets)}"
    )
    print()
    changes = latest_changes()
    for source_dataset in datasets:
        dataset = source_dataset.split("/")[1]
        kinds = {k: n for (d, k), n in changes.items() if d == dataset}
        detail = ", ".join(f"{n} {k.replace('_', ' ')}" for k, n in sorted(kinds.items()))
        print(f"- {source_dataset}: {detail or 'responses changed (no value changed)'}")


if __name__ == "__main__":
    main()
