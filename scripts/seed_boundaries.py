#!/usr/bin/env python3
"""Seed the municipal boundaries snapshot in data/raw/geo/municipalities/.

Source: National Land Survey of Finland (MML), "hallinnolliset aluejaot 1:4 500 000",
municipalities of the 2023 division (309 incl. Pertunmaa 588) in WGS84, as published in
samilaine/hallinnollisetrajat (kuntarajat.2023.json @ 03f9203007160ef67177c8a5c6f3463cbf57af46),
CC BY 4.0. These machines have no internet, so the bytes are copied from the recorded copy
in tests/fixtures/geo/ (identical to that commit's file, see its README) and provenance
says so. The site stage simplifies the shapes when it builds the maps.

    python scripts/seed_boundaries.py
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from kuntadata.snapshot import RawFile, now_utc, write_snapshot  # noqa: E402

SOURCE_URL = (
    "https://raw.githubusercontent.com/samilaine/hallinnollisetrajat/"
    "03f9203007160ef67177c8a5c6f3463cbf57af46/kuntarajat.2023.json"
)
REALDATA = Path(os.environ.get("KUNTADATA_REALDATA") or REPO / "tests" / "fixtures")
RECORDED = REALDATA / "geo" / "kuntarajat_2023_mml_4500k_wgs84.geojson"


def main() -> int:
    content = RECORDED.read_bytes()
    fetched_at = now_utc()
    target = REPO / "data" / "raw" / "geo" / "municipalities"
    write_snapshot(
        target,
        [
            RawFile(
                "municipalities.geojson",
                content,
                SOURCE_URL,
                "GET",
                None,
                200,
                "data",
                "",
                fetched_at,
            )
        ],
        dataset="municipalities",
        source="geo",
        licence={
            "name": "CC-BY-4.0",
            "path": "https://creativecommons.org/licenses/by/4.0/",
            "title": "Creative Commons Attribution 4.0 International",
        },
        attribution="© Maanmittauslaitos (National Land Survey of Finland), administrative "
        "areas 1:4 500 000, 2023, CC BY 4.0",
        extra={
            "division_year": 2023,
            "replayed_from": ["geo/kuntarajat_2023_mml_4500k_wgs84.geojson"],
            "note": "Copied from the recorded copy of the file at the URL above because the "
            "build machine had no internet; bytes unchanged.",
        },
    )
    print(f"wrote {target} ({len(content):,} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
