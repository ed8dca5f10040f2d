#!/usr/bin/env python3
"""Fault benchmark: the fetch stage against each fault of the local PxWeb emulator.

For every fault mode of the PxWeb emulator, `kuntadata.sources.statfin.testing` (429, 503,
slow, truncated, html, changed_codes) and for "source down" (a closed port on 127.0.0.1), a
temporary project that already holds a good snapshot of `families` (table 12c1, the real PX
file) fetches again:

- `once`: the fault hits the first data query only (a passing hiccup the retries must ride out);
- `always`: the fault hits every call (the source is broken for the whole run).

Printed per run: the dataset's outcome, API calls, retries, 429 answers met, seconds, and what
became of the last good snapshot: `data/raw/` is compared byte for byte with the copy taken
before the run. A failed fetch must leave it identical; a recovered fetch replaces it with a
new snapshot whose data files must hold the same bytes (only provenance times differ).

The client is the production one with one change: a 2 s read timeout (instead of 60 s), so
`slow` (a 3 s delay) is a timeout without the benchmark taking minutes. Nothing touches the
network: every address is 127.0.0.1.

    python bench/faults.py
"""

from __future__ import annotations

import argparse
import os
import shutil
import socket
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(REPO), str(REPO / "tests")]  # tests/project.py

from project import make_project, tree  # noqa: E402

from kuntadata.areas import load_areas  # noqa: E402
from kuntadata.config import load_site_config  # noqa: E402
from kuntadata.fetch import fetch_datasets  # noqa: E402
from kuntadata.package import AREAS_DIR  # noqa: E402
from kuntadata.paths import ProjectPaths  # noqa: E402
from kuntadata.sources.http import HttpClient  # noqa: E402
from kuntadata.sources.statfin.testing import FAULT_MODES, PxWebServer  # noqa: E402
from kuntadata.sources.statfin.tidy import tidy_statfin  # noqa: E402
from kuntadata.spec import load_dataset_specs  # noqa: E402

DATASET = "families"
SOURCE_DOWN = "source down"
READ_TIMEOUT = 2.0
SLOW_DELAY = 3.0
ALWAYS = 10_000  # "every call": more calls than any run makes


@dataclass
class Run:
    mode: str
    kind: str
    outcome: str
    calls: int
    retries: int
    rate_limited: int
    seconds: float
    snapshot: str


def fetch_once(project: Path, statfin_url: str) -> tuple[str, HttpClient, float]:
    """One fetch of the project's datasets from `statfin_url`; the outcome of `families`."""
    os.environ["KUNTADATA_STATFIN_URL"] = statfin_url
    paths = ProjectPaths(project)
    config = load_site_config(paths.site_config)
    specs = load_dataset_specs(paths.datasets)
    areas = load_areas(paths.raw / AREAS_DIR)
    client = HttpClient(read_timeout=READ_TIMEOUT)
    started = time.perf_counter()
    summary = fetch_datasets(paths, config, specs, areas, client=client, report=lambda _: None)
    seconds = time.perf_counter() - started
    outcome = summary.outcomes[0]
    label = outcome.status + (f" ({outcome.cause})" if getattr(outcome, "cause", "") else "")
    return label, client, seconds


def snapshot_verdict(project: Path, before: dict[str, bytes], after: dict[str, bytes]) -> str:
    """Whether data/raw still holds a good snapshot: the same bytes, or a new snapshot whose
    responses are byte-identical, or (when the source changed its codes) one whose tidy
    values equal the old snapshot's."""
    if after == before:
        return "kept, identical bytes"
    data_before = {k: v for k, v in before.items() if "/data-" in k or "/metadata-" in k}
    data_after = {k: v for k, v in after.items() if "/data-" in k or "/metadata-" in k}
    if not data_after:
        return "LOST"
    if data_after == data_before:
        return "replaced, same data bytes"
    with tempfile.TemporaryDirectory() as tmp:
        old = Path(tmp)
        for name, content in before.items():
            (old / name).parent.mkdir(parents=True, exist_ok=True)
            (old / name).write_bytes(content)
        if tidy_values(project, old) == tidy_values(project, project / "data" / "raw"):
            return "replaced, other bytes, same values"
    return "REPLACED, VALUES DIFFER"


def tidy_values(project: Path, raw: Path) -> list[tuple]:
    """The tidy rows (area, period, dimensions, indicator, value, status) of a snapshot."""
    paths = ProjectPaths(project)
    spec = load_dataset_specs(paths.datasets)[0]
    areas = load_areas(paths.raw / AREAS_DIR)
    directory = raw / "statfin" / spec.id
    frame = tidy_statfin(spec, directory, {a.code for a in areas.all()}).frame
    columns = sorted(frame.columns)
    rows = frame[columns].astype(str).itertuples(index=False, name=None)
    return sorted(rows)


def closed_port_url() -> str:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}/PxWeb/api/v1"


def run_mode(template: Path, mode: str, kind: str) -> Run:
    with tempfile.TemporaryDirectory() as tmp, PxWebServer() as server:
        project = Path(tmp) / "project"
        shutil.copytree(template, project)
        before = tree(project / "data" / "raw")
        if mode == SOURCE_DOWN:
            url = closed_port_url()
        else:
            url = server.url
            times = 1 if kind == "once" else ALWAYS
            method = "POST" if kind == "once" else None  # "once": the first data query
            server.faults.add(mode, times, retry_after=1, delay=SLOW_DELAY, method=method)
        outcome, client, seconds = fetch_once(project, url)
        after = tree(project / "data" / "raw")
        return Run(
            mode,
            kind,
            outcome,
            client.calls,
            client.retries,
            client.rate_limited,
            seconds,
            snapshot_verdict(project, before, after),
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp, PxWebServer() as server:
        template = make_project(Path(tmp) / "template", (DATASET,))
        outcome, client, seconds = fetch_once(template, server.url)
        assert outcome == "fetched", outcome
        print(
            f"baseline: {DATASET} (table 12c1) fetched in {seconds:.2f} s, {client.calls} calls, "
            f"{client.retries} retries, {client.rate_limited} 429s met"
        )
        runs = [
            run_mode(template, mode, kind) for mode in FAULT_MODES for kind in ("once", "always")
        ]
        runs.append(run_mode(template, SOURCE_DOWN, "always"))
    header = (
        f"{'fault':<14}{'hits':<8}{'outcome':<44}{'calls':>6}{'retries':>8}{'429s':>6}"
        f"{'seconds':>9}  last good snapshot"
    )
    print(header)
    print("-" * len(header) + "-" * 10)
    for run in runs:
        print(
            f"{run.mode:<14}{run.kind:<8}{run.outcome:<44}{run.calls:>6}{run.retries:>8}"
            f"{run.rate_limited:>6}{run.seconds:>9.2f}  {run.snapshot}"
        )
    lost = [r for r in runs if r.snapshot.startswith(("LOST", "REPLACED"))]
    print(f"snapshot lost or changed in {len(lost)} of {len(runs)} runs (target 0)")


if __name__ == "__main__":
    main()
