"""What every source's tidier shares: the tidy table and the `x-kuntadata` keys alike for all.

Each source's tidier (`kuntadata/sources/<source>/tidy.py`) turns its raw snapshot into one
tidy long table per dataset: `area, period, <dims>, indicator, value, status`. A pure function
of `data/raw/` and the dataset spec. Missing cells keep the source's symbol in `status` with
an empty `value` (never 0). Rows are kept as the source reported them, under their own area
codes: nothing is added up unless the spec says so, so non-additive values such as averages
are never summed, and an abolished municipality's rows stay under its old code.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from .spec import DatasetSpec

LANGS = ("fi", "sv", "en")


@dataclass
class TidyDataset:
    spec: DatasetSpec
    frame: pd.DataFrame
    meta: dict[str, Any]
    sources: list[dict[str, Any]]
    warnings: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # expected conditions; never fail --strict


def base_meta(
    spec: DatasetSpec,
    provenance: dict[str, Any],
    attribution: dict[str, str],
    table_title: dict[str, str],
) -> dict[str, Any]:
    """The `x-kuntadata` keys every source kind gives the same way (the site reads these)."""
    return {
        "dataset": spec.id,
        "theme": spec.theme,
        "title": spec.title,
        "description": spec.description,
        "source_kind": spec.kind,
        "table": str(spec.source.get("table", "")),
        "table_title": table_title,
        "attribution": attribution,
        "licence": spec.licence["name"],
        "fetched_at": provenance["fetched_at"],
        "verified": spec.verified,
        "coverage_note": spec.source.get("coverage_note") or {},
        **({"not_applicable": spec.not_applicable} if spec.not_applicable else {}),
        "chart": {
            "type": spec.chart.get("type", "line"),
            "indicators": spec.chart.get("indicators") or [i.id for i in spec.indicators],
            **({"key_figure": False} if spec.chart.get("key_figure") is False else {}),
        },
    }
