#!/usr/bin/env python3
"""Seed the committed StatFin snapshots in data/raw/ from the real recorded responses.

These machines have no internet, so the first snapshots are fetched — by the real fetch
stage, through the real HTTP client — from the local PxWeb emulator in tests/pxweb_server.py,
which serves only real data: table 12c1 from Statistics Finland's complete PX file
(../shared/realdata/statfin/statfin_perh_12c1_2006-2022_all_areas.px) and table 11re by
replaying the recorded API responses. provenance.json records exactly that: the 127.0.0.1
URLs that were called and which real files stood behind them. The first scheduled build with
internet replaces these snapshots with live ones.

The recorded 11re responses cover only Helsinki 2021–2025, Espoo/Helsinki/Vantaa 2025 and the
whole country 2023–2025, so the population snapshot is fetched with exactly those three
queries; no value is invented for any other area (the site shows them as not yet fetched).

    python scripts/seed_snapshots.py            # both datasets
    python scripts/seed_snapshots.py families   # one
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "tests"))

from pxweb_server import PxWebServer  # noqa: E402

from kuntadata.areas import load_areas  # noqa: E402
from kuntadata.config import load_site_config  # noqa: E402
from kuntadata.fetch import fetch_datasets  # noqa: E402
from kuntadata.package import AREAS_DIR  # noqa: E402
from kuntadata.paths import ProjectPaths  # noqa: E402
from kuntadata.sources.statfin import PlannedQuery  # noqa: E402
from kuntadata.spec import load_dataset_specs  # noqa: E402

REPLAYED = {
    "families": {
        "replayed_from": ["statfin/statfin_perh_12c1_2006-2022_all_areas.px"],
        "note": "Fetched from the local PxWeb emulator (tests/pxweb_server.py) serving Statistics "
        "Finland's complete real PX table 12c1 (MATRIX 001_12c1_2022), because the build "
        "machine had no internet. Values are the PX file's, unchanged.",
    },
    "population": {
        "replayed_from": [
            "statfin/statfin_11re_metadata_get_fi.json",
            "statfin/statfin_11re_metadata_get_en.json",
            "statfin/statfin_11re_jsonstat2_KU091_2021-2025.json",
            "statfin/statfin_11re_jsonstat2_3cities_2025.json",
            "statfin/statfin_11re_jsonstat2_SSS_2023-2025.json",
        ],
        "note": "Fetched from the local PxWeb emulator replaying real recorded StatFin API "
        "responses (2026), because the build machine had no internet. Only the recorded "
        "areas and years exist: Helsinki 2021-2025, Espoo/Helsinki/Vantaa 2025, whole country "
        "2023-2025. Swedish metadata was not recorded.",
    },
}
TOTALS = {"Sukupuoli": ("SSS",), "Ikä": ("SSS",)}  # only totals were recorded
PLANS = {
    "population": [
        PlannedQuery(("KU091",), {"filter": "top", "values": ["5"]}, TOTALS),
        PlannedQuery(("KU049", "KU091", "KU092"), {"filter": "top", "values": ["1"]}, TOTALS),
        PlannedQuery(("SSS",), {"filter": "top", "values": ["3"]}, TOTALS),
    ]
}


def main(argv: list[str]) -> int:
    paths = ProjectPaths(REPO)
    only = tuple(argv) or tuple(REPLAYED)
    with PxWebServer() as server:
        os.environ["KUNTADATA_STATFIN_URL"] = server.url
        config = load_site_config(paths.site_config)
        specs = load_dataset_specs(paths.datasets, only)
        areas = load_areas(paths.raw / AREAS_DIR)
        summary = fetch_datasets(
            paths, config, specs, areas, plans=PLANS, provenance_extra=REPLAYED
        )
    for warning in summary.warnings:
        print(f"warning: {warning}")
    print(f"{summary.api_calls} API calls in {summary.seconds:.1f} s")
    return 1 if summary.failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
