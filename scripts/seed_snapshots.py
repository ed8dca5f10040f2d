#!/usr/bin/env python3
"""Seed the committed StatFin snapshots in data/raw/ from the real recorded responses.

These machines have no internet, so the first snapshots are fetched — by the real fetch
stage, through the real HTTP client — from the local PxWeb emulator in
kuntadata/sources/statfin/testing/, which serves only real data: table 12c1 from Statistics
Finland's complete PX file, and the tables of the real whole-country responses recorded in
PxWeb's `json` format (11re, 11ra, 121w, 14ww, 12bs, 12r5, …; its json_tables.py), all read
from tests/fixtures/.
provenance.json records exactly that: the 127.0.0.1 URLs that were called and which real
files stood behind them; the package publishes the public table URL instead. The first
scheduled build with internet replaces these snapshots with live ones.

Every StatFin spec whose table has such a recording is seeded with the spec's own queries;
population (11re) with the three recorded selections (2025 by sex everywhere, Helsinki
2021–2025, the whole country 2023–2025), so no value is invented for any other year.

    python scripts/seed_snapshots.py                 # every seedable dataset
    python scripts/seed_snapshots.py families income # some
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from kuntadata.areas import Areas, load_areas  # noqa: E402
from kuntadata.config import load_site_config  # noqa: E402
from kuntadata.fetch import fetch_datasets  # noqa: E402
from kuntadata.package import AREAS_DIR  # noqa: E402
from kuntadata.paths import ProjectPaths  # noqa: E402
from kuntadata.sources.statfin import PlannedQuery  # noqa: E402
from kuntadata.sources.statfin.testing import JSON_TABLES, PxWebServer  # noqa: E402
from kuntadata.spec import DatasetSpec, load_dataset_specs  # noqa: E402

RECORDED_JSON_NOTE = (
    "Fetched from the local PxWeb emulator (kuntadata/sources/statfin/testing/) because the build "
    "machine had no internet. It served table {table} from the real whole-country response that "
    "Statistics Finland's API gave in PxWeb's `json` format (recorded in 2026 after the June 2026 "
    "change; file {file}): only that file's period exists, values unchanged; area names from the "
    "classification key, content texts from the file's columns. Swedish and English metadata were "
    "not recorded."
)
REPLAYED = {
    "families": {
        "replayed_from": ["statfin/statfin_perh_12c1_2006-2022_all_areas.px"],
        "note": "Fetched from the local PxWeb emulator (kuntadata/sources/statfin/testing/) "
        "serving Statistics Finland's complete real PX table 12c1 (MATRIX 001_12c1_2022), "
        "because the build machine had no internet. Values are the PX file's, unchanged.",
    },
    "population": {
        "replayed_from": [
            "statfin/statfin_11re_metadata_get_fi.json",
            "statfin/statfin_11re_metadata_get_en.json",
            "statfin/statfin_11re_json_2025_all_municipalities_by_sex.json",
            "statfin/statfin_11re_jsonstat2_KU091_2021-2025.json",
            "statfin/statfin_11re_jsonstat2_SSS_2023-2025.json",
        ],
        "note": "Fetched from the local PxWeb emulator because the build machine had no "
        "internet. It served the real recorded 11re metadata and the real recorded "
        "responses: 2025 by sex for the whole country and all 308 municipalities (PxWeb "
        "`json` format), Helsinki 2021-2025 and the whole country 2023-2025 (json-stat2). "
        "No other year exists here. Swedish metadata was not recorded.",
    },
}
TOTALS = {"Sukupuoli": ("SSS",), "Ikä": ("SSS",)}
BY_SEX = {"Sukupuoli": ("SSS", "1", "2"), "Ikä": ("SSS",)}


def population_plan(areas: Areas) -> list[PlannedQuery]:
    """The three recorded 11re selections: 2025 by sex everywhere, two short total series."""
    everywhere = ("SSS", *(a.code for a in areas.municipalities(active_only=True)))
    return [
        PlannedQuery(everywhere, {"filter": "top", "values": ["1"]}, BY_SEX),
        PlannedQuery(("KU091",), {"filter": "top", "values": ["5"]}, TOTALS),
        PlannedQuery(("SSS",), {"filter": "top", "values": ["3"]}, TOTALS),
    ]


def seeded_datasets(specs: list[DatasetSpec]) -> dict[str, dict]:
    """Every StatFin spec whose table the emulator serves from a real recording."""
    out = {}
    for spec in specs:
        table = str(spec.source.get("table", ""))
        if spec.kind != "statfin":
            continue
        if spec.id in REPLAYED:
            out[spec.id] = REPLAYED[spec.id]
        elif table in JSON_TABLES and table != "11re":
            file = JSON_TABLES[table][0]
            out[spec.id] = {
                "replayed_from": [f"statfin/{file}"],
                "note": RECORDED_JSON_NOTE.format(table=table, file=file),
            }
    return out


def main(argv: list[str]) -> int:
    paths = ProjectPaths(REPO)
    all_specs = load_dataset_specs(paths.datasets)
    seeded = seeded_datasets(all_specs)
    unknown = [name for name in argv if name not in seeded]
    if unknown:
        print(f"no real recording serves: {', '.join(unknown)}; seedable: {', '.join(seeded)}")
        return 2
    only = set(argv or seeded)
    specs = [spec for spec in all_specs if spec.id in only]
    areas = load_areas(paths.raw / AREAS_DIR)
    with PxWebServer() as server:
        os.environ["KUNTADATA_STATFIN_URL"] = server.url
        config = load_site_config(paths.site_config)
        plans = {"population": population_plan(areas)}
        summary = fetch_datasets(paths, config, specs, areas, plans=plans, provenance_extra=seeded)
    for warning in summary.warnings:
        print(f"warning: {warning}")
    print(f"{summary.api_calls} API calls in {summary.seconds:.1f} s")
    return 1 if summary.failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
