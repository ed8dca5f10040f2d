#!/usr/bin/env python3
"""Benchmark of the data pipeline for whole Finland, against the local PxWeb emulator.

Prints, for table 12c1: fetch seconds and API calls (with the theoretical minimum: 1 ?config
+ 3 metadata GETs + ceil(cells / maxCells) POSTs per dataset), package-stage seconds and
rows. The emulator serves 12c1 from Statistics Finland's complete real PX file, so "whole
Finland" there is every area of that table: the country, 19 regions, 69 sub-regions, 23
wellbeing services counties and 309 municipalities (2023 division).

Then the same for every dataset whose table the emulator serves from a real whole-country
recording (11re, 11ra, 121w, 14ww, 12bs, 12r5 and 12c1), fetched together as the committed
snapshots were seeded, and the whole committed package (every dataset of data/raw/).

    python bench/pipeline.py                 # published limit (120 000 cells per query)
    python bench/pipeline.py --max-cells 5000 --runs 3
"""

from __future__ import annotations

import argparse
import math
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(REPO), str(REPO / "tests"), str(REPO / "scripts")]

from project import make_project  # noqa: E402

from kuntadata.areas import load_areas  # noqa: E402
from kuntadata.config import load_site_config  # noqa: E402
from kuntadata.fetch import fetch_datasets, wanted_areas  # noqa: E402
from kuntadata.package import AREAS_DIR, build_package  # noqa: E402
from kuntadata.paths import ProjectPaths  # noqa: E402
from kuntadata.sources.http import HttpClient  # noqa: E402
from kuntadata.sources.statfin.testing import PxWebServer  # noqa: E402
from kuntadata.spec import load_dataset_specs  # noqa: E402


def one_run(max_cells: int) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as tmp, PxWebServer() as server:
        server.config.update(maxCells=max_cells, maxValues=max_cells, maxCalls=10_000)
        os.environ["KUNTADATA_STATFIN_URL"] = server.url
        paths = ProjectPaths(make_project(Path(tmp), ("families",)))
        config = load_site_config(paths.site_config)
        specs = load_dataset_specs(paths.datasets)
        areas = load_areas(paths.raw / AREAS_DIR)
        client = HttpClient()
        started = time.perf_counter()
        summary = fetch_datasets(paths, config, specs, areas, client=client, report=lambda _: None)
        fetch_seconds = time.perf_counter() - started
        assert not summary.failed, summary.outcomes
        started = time.perf_counter()
        package = build_package(paths, config, specs, areas)
        package_seconds = time.perf_counter() - started
        spec = specs[0]
        lines = (paths.package / "families.csv").read_text("utf-8").splitlines()[1:]
        table_areas = len({line.split(",", 1)[0] for line in lines})
        cells = table_areas * 17 * len(spec.indicators)
        minimum = 4 + math.ceil(cells / max_cells)
        shutil.rmtree(paths.package, ignore_errors=True)
        return {
            "fetch_s": fetch_seconds,
            "calls": client.calls,
            "rate_limited": client.rate_limited,
            "minimum_calls": minimum,
            "wanted": len(wanted_areas(spec, areas, config.scope)),
            "areas": table_areas,
            "package_s": package_seconds,
            "rows": package.rows,
        }


def seedable_run() -> dict[str, float]:
    """Fetch and package every StatFin dataset with a real recording, as seeding does."""
    from seed_snapshots import population_plan, seeded_datasets

    with tempfile.TemporaryDirectory() as tmp, PxWebServer() as server:
        server.config.update(maxCalls=10_000)
        os.environ["KUNTADATA_STATFIN_URL"] = server.url
        names = tuple(seeded_datasets(load_dataset_specs(REPO / "datasets")))
        paths = ProjectPaths(make_project(Path(tmp), names))
        config = load_site_config(paths.site_config)
        specs = load_dataset_specs(paths.datasets)
        areas = load_areas(paths.raw / AREAS_DIR)
        client = HttpClient()
        started = time.perf_counter()
        summary = fetch_datasets(
            paths,
            config,
            specs,
            areas,
            client=client,
            report=lambda _: None,
            plans={"population": population_plan(areas)},
        )
        fetch_seconds = time.perf_counter() - started
        assert not summary.failed, summary.outcomes
        started = time.perf_counter()
        package = build_package(paths, config, specs, areas)
        return {
            "datasets": len(specs),
            "fetch_s": fetch_seconds,
            "calls": client.calls,
            "rate_limited": client.rate_limited,
            "package_s": time.perf_counter() - started,
            "rows": package.rows,
        }


def committed_run() -> dict[str, float]:
    """The package stage over every committed snapshot (what `build.py all` does offline)."""
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        shutil.copy(REPO / "site.yaml", root / "site.yaml")
        shutil.copytree(REPO / "datasets", root / "datasets")
        shutil.copytree(REPO / "data" / "raw", root / "data" / "raw")
        paths = ProjectPaths(root)
        config = load_site_config(paths.site_config)
        specs = load_dataset_specs(paths.datasets)
        areas = load_areas(paths.raw / AREAS_DIR)
        started = time.perf_counter()
        package = build_package(paths, config, specs, areas)
        return {"package_s": time.perf_counter() - started, "rows": package.rows}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--max-cells", type=int, default=120_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    runs = [one_run(args.max_cells) for _ in range(args.runs)]
    first = runs[0]
    print(
        f"whole Finland, table 12c1 (families, 3 indicators × 17 years), maxCells "
        f"{args.max_cells:,}, {args.runs} runs (median)"
    )
    print(
        f"  fetch:   {statistics.median(r['fetch_s'] for r in runs):.2f} s, "
        f"{first['calls']} API calls (theoretical minimum {first['minimum_calls']}: "
        f"{first['areas']} areas in the table of {first['wanted']} wanted), "
        f"{max(r['rate_limited'] for r in runs)} 429s met (target 0)"
    )
    print(
        f"  package: {statistics.median(r['package_s'] for r in runs):.2f} s, "
        f"{first['rows']:,} rows (validation included)"
    )
    seeded = [seedable_run() for _ in range(args.runs)]
    print(
        f"every recorded whole-country StatFin dataset ({seeded[0]['datasets']} datasets), "
        "fetched from the emulator and packaged:"
    )
    print(
        f"  fetch:   {statistics.median(r['fetch_s'] for r in seeded):.2f} s, "
        f"{seeded[0]['calls']} API calls, {max(r['rate_limited'] for r in seeded)} 429s met "
        "(target 0)"
    )
    print(
        f"  package: {statistics.median(r['package_s'] for r in seeded):.2f} s, "
        f"{seeded[0]['rows']:,} rows"
    )
    committed = [committed_run() for _ in range(args.runs)]
    print(
        f"committed snapshots (data/raw/, every dataset): package "
        f"{statistics.median(r['package_s'] for r in committed):.2f} s, "
        f"{committed[0]['rows']:,} rows"
    )


if __name__ == "__main__":
    main()
