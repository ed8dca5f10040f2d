"""Benchmark the site stage as a user waits for it; prints figures, asserts nothing.

    python bench/site.py                      # data/package/ of this repository, 3 runs
    python bench/site.py --runs 5             # more runs (the machine may be shared: medians)
    python bench/site.py --package DIR        # any package directory
    python bench/site.py --make-package       # build one first from the real 12c1 PX file
    python bench/site.py --project            # also measure "every dataset" (see below)
    python bench/site.py --xlsx-writers       # openpyxl vs XlsxWriter on every workbook

Each run is the whole process a user waits for: `python build.py --root TMP site` in a fresh
interpreter (imports, rendering in two processes, the swap of `_site/`), timed from start to
exit; runs after the first replace an existing site, as a rebuild does. It prints the median
and every run, then what `_site/` holds: bytes and files by kind, the municipality pages'
size raw and gzipped and their chart SVGs. The first run starts with an empty social card
cache (`.cache/cards/` of the temporary project: every card drawn, "cold"); the later runs
take every card from it ("warm"), as a rebuild with unchanged data does. Targets with every
dataset: `_site` ≤ 250 MB, ≤ 15,000 files (GitHub Pages: 1 GB), ≤ 15 s on 2 cores.

`--project` measures the site with every dataset of `datasets/*.yaml` instead of guessing
it: each pending spec is packaged with its own ids, titles, chart indicators and number of
periods, and real values borrowed from a packaged series (`every_dataset_package`), and that
site is built and measured like the real one, once cold and `--warm-runs` times warm. The
borrowed package lives in a temporary folder and is never published. (An earlier version
fitted fixed + per chart + per dataset on subsets of the package and extrapolated from 13 to
~30 datasets; its spread was wide and its time estimate moved by a third between runs.)
"""

from __future__ import annotations

import argparse
import gzip
import io
import json
import os
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

CHART_SVG = re.compile(rb'<svg class="chart-svg".*?</g></svg>', re.S)
TARGETS = {"bytes": 250_000_000, "files": 15_000, "seconds": 15.0}


def make_root(work: Path, package: Path) -> Path:
    """A project folder using this repository's site.yaml, content and templates and
    `package` as data/package (symlinked, so nothing is copied or changed)."""
    root = work / "project"
    (root / "data").mkdir(parents=True)
    (root / "data" / "package").symlink_to(package.resolve(), target_is_directory=True)
    for name in ("content", "site_templates"):
        (root / name).symlink_to(REPO / name, target_is_directory=True)
    shutil.copy(REPO / "site.yaml", root / "site.yaml")
    return root


def run_build(root: Path) -> tuple[float, float, str]:
    """Seconds from starting `build.py site` to its exit, CPU seconds of the build and its
    worker (user + system: on a shared machine the wall clock also counts others' work), and
    its last line of output. The background deletion of an old site is not waited for."""
    env = {**os.environ, "SOURCE_DATE_EPOCH": "1795392000"}  # 2026-11-23: same pages each run
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, str(REPO / "build.py"), "--root", str(root), "site"],
        capture_output=True, text=True, env=env, check=False,
    )  # fmt: skip
    seconds = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime
    if done.returncode != 0:
        raise SystemExit(f"build failed:\n{done.stdout}\n{done.stderr}")
    return seconds, cpu, done.stdout.strip().splitlines()[-1]


LANGUAGE_FOLDERS = {"fi", "sv", "en"}
CARDS_KIND = "files cards/ .png"  # kind_of("cards/<hash>.png"): the social cards


def kind_of(relative: str) -> str:
    """The kind of a file of `_site/` by its top-level path, so a new kind of page (region,
    compare, social cards, …) shows up under its own folder name without a change here:
    `pages kunta/` for fi|sv|en/kunta/…/index.html, `pages (top)` for a language's own index
    pages, `files data/kunta/ .csv` for the rest by folder and suffix."""
    parts = relative.split("/")
    if parts[0] in LANGUAGE_FOLDERS:
        parts = parts[1:]
    suffix = Path(relative).suffix or "(none)"
    folder = "/".join(parts[:2]) + "/" if parts[0] == "data" and len(parts) > 2 else (
        parts[0] + "/" if len(parts) > 1 else "(top)"
    )  # fmt: skip
    if relative.endswith(".html"):
        return f"pages {folder}"
    return f"files {folder} {suffix}"


def site_figures(site: Path) -> dict[str, object]:
    """Bytes and files of `_site/`, by kind; municipality pages raw and gzipped."""
    by_kind: Counter[str] = Counter()
    files_by_kind: Counter[str] = Counter()
    pages_raw, pages_gzip, svg = [], [], []
    for path in site.rglob("*"):
        if not path.is_file():
            continue
        relative = path.relative_to(site).as_posix()
        size = path.stat().st_size
        kind = kind_of(relative)
        by_kind[kind] += size
        files_by_kind[kind] += 1
        if kind == "pages kunta/" and len(pages_raw) < 400:
            data = path.read_bytes()
            pages_raw.append(len(data))
            pages_gzip.append(len(gzip.compress(data, 6)))
            svg += [len(s) for s in CHART_SVG.findall(data)]
    return {
        "bytes": sum(by_kind.values()),
        "files": sum(files_by_kind.values()),
        "by_kind": by_kind,
        "files_by_kind": files_by_kind,
        "page_raw": statistics.median(pages_raw) if pages_raw else 0,
        "page_gzip": statistics.median(pages_gzip) if pages_gzip else 0,
        "svg": svg,
        "pages_sampled": len(pages_raw),
    }


def chart_counts(package: Path) -> tuple[int, int]:
    """(charts per municipality page, datasets) as the site sees the package."""
    from kuntadata.site.package_data import load_package

    data = load_package(package)
    return sum(len(d.charted) for d in data.datasets), len(data.datasets)


VALUE_DONOR = "families"  # the longest real series here (17 years, three area levels)
META_DONOR = {"sotkanet": "elderly_population", "statfin": "families"}  # definitions, producer…


def every_dataset_package(package: Path, target: Path) -> list[str]:
    """`package` with every pending spec of `datasets/*.yaml` packaged, as the site will be
    once each is fetched, so "with every dataset" can be built and measured instead of
    extrapolated. Returns a line per added dataset.

    Each pending spec gets its own id, theme, titles, units and chart indicators, as many
    periods as its query asks for (the last 5 for `top: 5`, 2010–2025 for `from: 2010`;
    "all" and unknown ones as many as the donor has), the real values of the donor series
    (families, cycled over its indicators and cut to those periods) and the definition,
    producer and source notes of a real dataset of its kind. Nothing of it is published: it
    lives in a temporary folder and only its size and build time are measured."""
    import yaml

    target.mkdir(parents=True)
    descriptor = json.loads((package / "datapackage.json").read_text("utf-8"))
    resources = {r["name"]: r for r in descriptor["resources"] if "x-kuntadata" in r}
    donor = resources[VALUE_DONOR]
    donor_rows = _csv_rows(package / donor["path"])
    donor_ids = donor["x-kuntadata"]["chart"]["indicators"]
    donor_periods = sorted({row["period"] for row in donor_rows})
    added = []
    for pending in descriptor.get("x-pending") or []:
        spec = yaml.safe_load((REPO / "datasets" / f"{pending['dataset']}.yaml").read_text("utf-8"))
        periods = donor_periods[-_period_count(spec, len(donor_periods)) :]
        ids = [i["id"] for i in spec["indicators"]]
        charted = (spec.get("chart") or {}).get("indicators") or ids
        meta_donor = resources[META_DONOR.get(pending["source_kind"], VALUE_DONOR)]
        resource = _pending_resource(pending, spec, meta_donor, charted, periods)
        rows = [
            {**row, "indicator": new}
            for number, new in enumerate(ids)
            for row in donor_rows
            if row["indicator"] == donor_ids[number % len(donor_ids)] and row["period"] in periods
        ]
        _write_csv_rows(target / resource["path"], rows)
        descriptor["resources"].append(resource)
        added.append(f"{pending['dataset']} ({len([i for i in ids if i in charted])} charts, "
                     f"{len(periods)} periods)")  # fmt: skip
    descriptor["x-pending"] = []
    for path in package.iterdir():
        if path.is_file() and path.name != "datapackage.json":
            (target / path.name).symlink_to(path.resolve())
    (target / "datapackage.json").write_text(json.dumps(descriptor, ensure_ascii=False), "utf-8")
    return added


def _period_count(spec: dict[str, Any], most: int) -> int:
    """How many yearly periods the spec's query asks for (`top: N`, `from: YYYY`)."""
    source = spec.get("source") or {}
    asked = source.get("years") or source.get("time")
    if isinstance(asked, dict) and "top" in asked:
        return min(int(asked["top"]), most)
    if isinstance(asked, dict) and "from" in asked:
        return min(2025 - int(asked["from"]) + 1, most)
    return most


def _pending_resource(
    pending: dict[str, Any], spec: dict[str, Any], meta_donor: dict[str, Any],
    charted: list[str], periods: list[str],
) -> dict[str, Any]:  # fmt: skip
    name = pending["dataset"]
    resource = json.loads(json.dumps(meta_donor))
    resource.update(name=name, path=f"{name}.csv")
    resource.pop("bytes", None)
    resource.pop("hash", None)
    meta = resource["x-kuntadata"]
    borrowed = meta["indicators"][0]
    meta["indicators"] = [
        {**borrowed, "id": i["id"], "title": i["title"], "unit": i.get("unit") or borrowed["unit"],
         "responsible": i.get("responsible") or "other", "additive": i.get("additive", True),
         "decimals": int(i.get("decimals") or 0)}
        for i in spec["indicators"]
    ]  # fmt: skip
    meta.update(dataset=name, theme=pending["theme"], title=pending["title"], dimensions=[],
                periods=periods, chart={"type": "line" if len(periods) > 1 else "bar",
                                        "indicators": charted})  # fmt: skip
    for field in resource["schema"]["fields"]:
        if field["name"] == "indicator":
            field["constraints"] = {"enum": [i["id"] for i in spec["indicators"]]}
    return resource


def _csv_rows(path: Path) -> list[dict[str, str]]:
    import csv

    with path.open(encoding="utf-8", newline="") as file:
        return list(csv.DictReader(file))


def _write_csv_rows(path: Path, rows: list[dict[str, str]]) -> None:
    import csv

    with path.open("w", encoding="utf-8", newline="") as file:
        writer = csv.DictWriter(file, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def measure(
    package: Path, work: Path, runs: int
) -> tuple[list[float], list[float], str, dict[str, object]]:
    root = make_root(work, package)
    times, cpus, last = [], [], ""
    drawn = 0
    for _ in range(runs):
        seconds, cpu, last = run_build(root)
        times.append(seconds)
        cpus.append(cpu)
        drawn = drawn or len(list((root / ".cache" / "cards").glob("*.png")))  # the cold run
    figures = site_figures(root / "_site")
    figures["cards_drawn_cold"] = drawn
    return times, cpus, last, figures


def print_site(
    times: list[float], cpus: list[float], last: str, figures: dict[str, object]
) -> None:
    print(f"whole process      median {statistics.median(times):.2f} s wall  "
          f"(runs: {', '.join(f'{t:.2f}' for t in times)})")  # fmt: skip
    print(f"CPU, both cores    median {statistics.median(cpus):.2f} s  "
          f"(runs: {', '.join(f'{t:.2f}' for t in cpus)}; load now "
          f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} cores)")  # fmt: skip
    if len(times) > 1:
        print(f"cold vs warm       {times[0]:.2f} s wall, {cpus[0]:.2f} s CPU with an empty card "
              f"cache ({figures.get('cards_drawn_cold', 0):,} cards drawn); warm median "
              f"{statistics.median(times[1:]):.2f} s wall, {statistics.median(cpus[1:]):.2f} s "
              "CPU (every card from the cache)")  # fmt: skip
    print(f"build.py said      {last}")
    print(f"_site              {figures['bytes'] / 1e6:,.1f} MB in {figures['files']:,} files")
    by_kind, files_by_kind = figures["by_kind"], figures["files_by_kind"]
    for kind, size in sorted(by_kind.items(), key=lambda item: -item[1]):  # type: ignore[union-attr]
        print(f"  {kind:26} {size / 1e6:8.1f} MB {files_by_kind[kind]:7,} files")  # type: ignore[index]
    print(f"municipality page  median {figures['page_raw']:,.0f} B raw, "
          f"{figures['page_gzip']:,.0f} B gzip")  # fmt: skip
    cards = figures["files_by_kind"].get(CARDS_KIND, 0)  # type: ignore[union-attr]
    if cards:
        size = figures["by_kind"][CARDS_KIND]  # type: ignore[index]
        print(f"social cards       {cards:,} PNG files, {size / 1e6:.1f} MB, "
              f"average {size / cards / 1e3:.1f} kB")  # fmt: skip
    svg: list[int] = figures["svg"]  # type: ignore[assignment]
    if svg:
        print(f"chart SVGs         {len(svg):,} on {figures['pages_sampled']} municipality "
              f"pages, median {statistics.median(svg):,.0f} B, max {max(svg):,} B, "
              f"{sum(svg) / 1e6:.1f} MB")  # fmt: skip


def startup_seconds() -> float:
    """Wall seconds to start Python and import what the site stage imports: the part of a
    build that no second core can share."""
    started = time.perf_counter()
    subprocess.run([sys.executable, "-c", "import kuntadata.site.builder"], cwd=REPO, check=True)
    return time.perf_counter() - started


SAVINGS = {  # what each choice would remove from the municipality and area pages
    "data tables filled from the CSV by script (a ~150 B stub each)": (
        re.compile(r'<details class="data-table">.*?</details>\n?', re.S), 150),
    "Link/Embed lines built by script (~20 B kept for the embed target)": (
        re.compile(r'<p class="share">.*?</p>\n?', re.S), 20),
    "definitions only on the indicator pages": (
        re.compile(r'<dl class="definition">.*?</dl>\n?', re.S), 0),
}  # fmt: skip
AREA_PAGES = ("kunta", "maakunta", "seutukunta", "hyvinvointialue")
LEAN_CSV_DROPS = ("area_name_sv", "area_name_en", "source", "licence")


def print_savings(site: Path) -> None:
    """Bytes that each choice still open would save on `site`, measured on its files (none
    of them is built: they are product decisions, see issue 11's note)."""
    import csv

    saved = Counter()
    for path in site.glob("*/*/*/index.html"):
        if path.parent.parent.name not in AREA_PAGES:
            continue
        html = path.read_text(encoding="utf-8")
        for label, (pattern, kept) in SAVINGS.items():
            saved[label] += sum(len(m.encode()) - kept for m in pattern.findall(html))
    before = after = 0
    for path in site.glob("data/kunta/*/*.csv"):
        text = path.read_text(encoding="utf-8")
        rows = list(csv.DictReader(io.StringIO(text)))
        before += len(text.encode())
        if not rows:
            after += len(text.encode())
            continue
        out = io.StringIO()
        fields = [f for f in rows[0] if f not in LEAN_CSV_DROPS]
        writer = csv.DictWriter(out, fieldnames=fields, extrasaction="ignore",
                                lineterminator="\n")  # fmt: skip
        writer.writeheader()
        writer.writerows(rows)
        after += len(out.getvalue().encode())
    saved["municipality CSVs without " + ", ".join(LEAN_CSV_DROPS)] = before - after
    print("choices still open (bytes each would save on this site, measured, not built):")
    for label, size in saved.items():
        print(f"  {label:70} {size / 1e6:6.1f} MB")
    print(f"  {'all of them':70} {sum(saved.values()) / 1e6:6.1f} MB")


def project(package: Path, work: Path, warm_runs: int = 2) -> None:
    """Build and measure the site with every dataset the specs declare
    (`every_dataset_package`), once cold and `warm_runs` times warm, as a rebuild of the
    daily publish is."""
    part = work / "every-dataset"
    added = every_dataset_package(package, part)
    charts, datasets = chart_counts(part)
    print(f"\nevery dataset: {datasets} datasets, {charts} charts per municipality page "
          f"({len(added)} pending specs packaged with borrowed real values):")  # fmt: skip
    print(f"  {'; '.join(added)}")
    times, cpus, last, figures = measure(part, work / "site-every-dataset", 1 + warm_runs)
    print_site(times, cpus, last, figures)
    print_savings(work / "site-every-dataset" / "project" / "_site")
    verdict = {True: "ok", False: "OVER"}
    warm = statistics.median(times[1:]) if len(times) > 1 else times[0]
    print(f"targets            _site {figures['bytes'] / 1e6:,.1f} MB ≤ 250 MB: "
          f"{verdict[figures['bytes'] <= TARGETS['bytes']]}; {figures['files']:,} files ≤ "
          f"15,000: {verdict[figures['files'] <= TARGETS['files']]}; warm {warm:.2f} s ≤ 15 s: "
          f"{verdict[warm <= TARGETS['seconds']]} (cold {times[0]:.2f} s)")  # fmt: skip


def xlsx_writers(package: Path) -> None:
    """Write every municipality's workbook content with XlsxWriter and with openpyxl's
    write-only mode (numbers, number formats, italic missing texts, frozen header), twice
    each; print CPU seconds and bytes."""
    from datetime import UTC, datetime

    import openpyxl
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    from kuntadata.config import load_site_config
    from kuntadata.site import workbook as wb
    from kuntadata.site.context import Site
    from kuntadata.site.i18n import gettext_for
    from kuntadata.site.package_data import load_package

    config = load_site_config(REPO / "site.yaml")
    data = load_package(package, scope=config.scope)
    codes = [a.code for a in data.areas.resolve_scope(config.scope)]
    built = datetime(2026, 11, 23, tzinfo=UTC)
    site = Site(config=config, package=data, languages=tuple(config.languages), base_url="/",
                built_at=built, municipalities=codes, regions=[])  # fmt: skip
    books = [wb.workbook_content(site, code, wb.workbook_language(site, code)) for code in codes]

    def with_openpyxl(book) -> bytes:  # type: ignore[no-untyped-def]
        _ = gettext_for(book.lang)
        workbook = openpyxl.Workbook(write_only=True)
        bold, italic = Font(bold=True), Font(italic=True, color="595959")
        for sheet in book.sheets:
            worksheet = workbook.create_sheet(sheet.name)
            worksheet.freeze_panes = "A2"
            header = [_(label) for label, _width in wb.LEAD_COLUMNS] + list(book.areas)
            cells = []
            for text in header:
                cell = WriteOnlyCell(worksheet, value=text)
                cell.font = bold
                cells.append(cell)
            worksheet.append(cells)
            for row in sheet.rows:
                out: list[object] = [row.indicator, row.unit, row.period]
                for value, missing in zip(row.values, row.missing, strict=True):
                    cell = WriteOnlyCell(worksheet, value=missing if value is None else value)
                    if value is None:
                        cell.font = italic
                    else:
                        cell.number_format = wb.number_format(row.decimals)
                    out.append(cell)
                worksheet.append(out)
        worksheet = workbook.create_sheet(book.sources_name)
        worksheet.append([_(label) for label, _width in wb.SOURCE_COLUMNS])
        for source in book.sources:
            worksheet.append([source.dataset, source.theme, source.indicators, source.credit,
                              source.url, source.producer, source.licence, source.licence_url,
                              source.fetched, source.updated])  # fmt: skip
        buffer = io.BytesIO()
        workbook.save(buffer)
        return buffer.getvalue()

    print(f"\n{len(books)} workbooks (one per municipality, in its own language), CPU seconds:")
    for name, write in (("XlsxWriter", wb.write_xlsx), ("openpyxl", with_openpyxl)):
        seconds, size = [], 0
        for _ in range(2):
            started = time.process_time()
            size = sum(len(write(book)) for book in books)
            seconds.append(time.process_time() - started)
        print(f"  {name:10} {min(seconds):6.2f} s (runs {', '.join(f'{s:.2f}' for s in seconds)}), "
              f"{size / 1e6:.1f} MB")  # fmt: skip


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--package", type=Path, default=REPO / "data" / "package")
    parser.add_argument(
        "--make-package",
        action="store_true",
        help="build a whole-Finland package from the real 12c1 PX file first",
    )
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument(
        "--warm-runs",
        type=int,
        default=2,
        help="--project: warm builds of each measured site",
    )
    parser.add_argument("--project", action="store_true", help='measure "every dataset"')
    parser.add_argument(
        "--xlsx-writers",
        action="store_true",
        help="compare openpyxl and XlsxWriter on every workbook",
    )
    args = parser.parse_args()  # fmt: skip
    work = Path(tempfile.mkdtemp(prefix="kuntadata-bench-"))
    try:
        package = args.package
        if args.make_package:
            from tests.site_fixtures import write_package

            package = write_package(work / "package", municipalities=None)
        if not (package / "datapackage.json").exists():
            print(f"{package}: no data package; run `python build.py package` or pass "
                  "--make-package", file=sys.stderr)  # fmt: skip
            return 2
        charts, datasets = chart_counts(package)
        print(f"package            {package} ({datasets} datasets, {charts} charts per page)")
        print(f"cores              {os.cpu_count()}")
        times, cpus, last, figures = measure(package, work / "site", args.runs)
        print_site(times, cpus, last, figures)
        if args.project:
            project(package, work, args.warm_runs)
        if args.xlsx_writers:
            xlsx_writers(package)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
