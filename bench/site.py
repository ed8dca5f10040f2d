"""Benchmark the site stage as a user waits for it; prints figures, asserts nothing.

    python bench/site.py                      # data/package/ of this repository, 3 runs
    python bench/site.py --runs 5             # more runs (the machine may be shared: medians)
    python bench/site.py --package DIR        # any package directory
    python bench/site.py --make-package       # build one first from the real 12c1 PX file
    python bench/site.py --project            # also project "every dataset" (see below)
    python bench/site.py --xlsx-writers       # openpyxl vs XlsxWriter on every workbook

Each run is the whole process a user waits for: `python build.py --root TMP site` in a fresh
interpreter (imports, rendering in two processes, the swap of `_site/`), timed from start to
exit; runs after the first replace an existing site, as a rebuild does. It prints the median
and every run, then what `_site/` holds: bytes and files by kind, the municipality pages'
size raw and gzipped and their chart SVGs. The first run starts with an empty social card
cache (`.cache/cards/` of the temporary project: every card drawn, "cold"); the later runs
take every card from it ("warm"), as a rebuild with unchanged data does. Targets with every
dataset: `_site` ≤ 250 MB, ≤ 15,000 files (GitHub Pages: 1 GB), ≤ 15 s on 2 cores.

`--project` estimates the site with every dataset of `datasets/*.yaml` without inventing a
single figure: it builds the site from subsets of the real package (whole datasets left
out), fits bytes, files and seconds = fixed + per chart × charts + per dataset × datasets by
least squares, and extrapolates to the charts and datasets the specs declare (a pending
spec counts its declared chart indicators; the site may split a dimension into more, so the
chart count is a floor). `--charts N --datasets M` also projects to that count (issue 11
named "about 49 charts" when the specs declared fewer than today's 77). Six subsets, each
built cold and `--warm-runs` times warm (the least warm CPU is fitted); each projection
prints the range of the fits that leave one subset out, because extrapolating from 13 to
~30 datasets turns a 10 % wobble of one subset into seconds.
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


def spec_counts(package: Path) -> tuple[int, int]:
    """Charts and datasets with every spec of datasets/*.yaml: the packaged datasets as the
    site charts them, plus each pending spec's declared chart indicators."""
    import yaml

    charts, datasets = chart_counts(package)
    packaged = {r["name"] for r in json.loads((package / "datapackage.json").read_text("utf-8"))
                .get("resources", [])}  # fmt: skip
    for path in sorted((REPO / "datasets").glob("*.yaml")):
        if path.stem in packaged:
            continue
        spec = yaml.safe_load(path.read_text("utf-8")) or {}
        ids = [i.get("id") for i in spec.get("indicators") or []]
        wanted = (spec.get("chart") or {}).get("indicators") or ids
        charts += len([i for i in ids if i in wanted])
        datasets += 1
    return charts, datasets


def subset_package(package: Path, keep: list[str], target: Path) -> Path:
    """`package` with only the dataset resources named in `keep` (files symlinked)."""
    target.mkdir(parents=True)
    descriptor = json.loads((package / "datapackage.json").read_text("utf-8"))
    descriptor["resources"] = [
        r for r in descriptor["resources"] if "x-kuntadata" not in r or r["name"] in keep
    ]
    for path in package.iterdir():
        if path.is_file() and path.name != "datapackage.json":
            (target / path.name).symlink_to(path.resolve())
    (target / "datapackage.json").write_text(json.dumps(descriptor, ensure_ascii=False), "utf-8")
    return target


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


def project(
    package: Path, work: Path, charts: int | None, datasets: int | None, warm_runs: int = 2
) -> None:
    """Fit fixed + per chart + per dataset on subsets of the real package, kind by kind;
    extrapolate to every dataset the specs declare and, with --charts/--datasets, to that
    count too.

    The subsets are chosen so that charts and datasets do not grow together (the datasets
    with the most charts, those with one chart, all of them, all but the richest, two
    mixes); otherwise the two costs cannot be told apart. Each subset is built once cold and
    `warm_runs` times warm; the fit takes the least warm CPU (on a shared machine the extra
    over the least is other work). The spread of the projection is printed as the range of
    the fits that leave one subset out: the extrapolation to ~30 datasets magnifies a 10 %
    wobble of one subset into seconds.
    """
    import numpy as np

    from kuntadata.site.package_data import load_package

    data_charts = {d.id: len(d.charted) for d in load_package(package).datasets}
    ids = sorted(data_charts, key=lambda i: (-data_charts[i], i))
    rich = ids[: max(2, len(ids) // 4)]
    lean = [i for i in ids if data_charts[i] <= 1] or ids[-3:]
    subsets = {
        "all": ids, "most charts": rich, "one chart": lean, "mix": ids[::2],
        "other mix": ids[1::2], "all but most": [i for i in ids if i not in rich],
    }  # fmt: skip
    rows, measured = [], []
    print(f"\nsubsets of the real package (whole datasets left out; a cold and {warm_runs} warm "
          "runs each):")  # fmt: skip
    for name, keep in subsets.items():
        slug = name.replace(" ", "-")
        part = subset_package(package, keep, work / f"package-{slug}")
        n_charts, n_datasets = chart_counts(part)
        # the first run draws every social card (cold); the others take them from the cache
        # as the daily publish does (its workflow keeps .cache/cards): the warm runs are fitted
        times, cpus, _last, figures = measure(part, work / f"subset-{slug}", 1 + warm_runs)
        rows.append([1.0, n_charts, n_datasets])
        measured.append((figures, min(cpus[1:])))
        size, count = figures["bytes"] / 1e6, figures["files"]
        print(f"  {name:12} {n_datasets:3} datasets {n_charts:4} charts: {size:7.1f} MB "
              f"{count:7,} files  warm CPU {', '.join(f'{c:.2f}' for c in cpus[1:])} s, wall "
              f"{min(times[1:]):.2f} s (cold {cpus[0]:.2f} s CPU)")  # fmt: skip
    design = np.array(rows)
    start = startup_seconds()
    spec_point = spec_counts(package)
    points = [spec_point]
    if charts or datasets:
        points.append((charts or spec_point[0], datasets or spec_point[1]))
    for point_charts, point_datasets in points:
        _print_projection(design, measured, point_charts, point_datasets, start,
                          from_specs=(point_charts, point_datasets) == spec_point)  # fmt: skip


def _print_projection(
    design: Any, measured: list, charts: int, datasets: int, start: float, from_specs: bool
) -> None:
    import numpy as np

    point = np.array([1.0, charts, datasets])

    def fit(values: list[float], rows: Any = None) -> tuple[Any, float]:
        rows = np.arange(len(values)) if rows is None else rows
        coefficients, *_ = np.linalg.lstsq(design[rows], np.array(values, dtype=float)[rows],
                                           rcond=None)  # fmt: skip
        return coefficients, float(point @ coefficients)

    def spread(values: list[float]) -> tuple[float, float]:
        """The projection of each fit that leaves one subset out: its lowest and highest."""
        every = range(len(values))
        results = [fit(values, np.array([i for i in every if i != out]))[1] for out in every]
        return min(results), max(results)

    where = "from datasets/*.yaml" if from_specs else "from --charts/--datasets"
    print(f"\nevery dataset: {datasets} datasets, {charts} charts per municipality page ({where})")
    print("  (a floor: the site may split a dimension into more charts). Fitted fixed + per "
          "chart + per dataset, by kind:")  # fmt: skip
    kinds = sorted({k for figures, _cpu in measured for k in figures["by_kind"]})
    total_size = total_files = 0.0
    sizes = [0.0] * len(measured)
    for kind in kinds:
        values = [figures["by_kind"].get(kind, 0) for figures, _cpu in measured]
        sizes = [a + b for a, b in zip(sizes, values, strict=True)]
        (fixed, per_chart, per_dataset), size = fit(values)
        _coefficients, files = fit(
            [figures["files_by_kind"].get(kind, 0) for figures, _cpu in measured]
        )
        total_size += size
        total_files += files
        print(f"  {kind:26} {size / 1e6:8.1f} MB {files:8,.0f} files   "
              f"(MB: {fixed / 1e6:.1f} + {per_chart / 1e6:.2f}/chart + "
              f"{per_dataset / 1e6:.2f}/dataset)")  # fmt: skip
    cpus = [c for _figures, c in measured]
    (fixed, per_chart, per_dataset), cpu = fit(cpus)
    low_size, high_size = spread(sizes)
    low_cpu, high_cpu = spread(cpus)

    def wall(cpu_seconds: float) -> float:
        return start + max(cpu_seconds - start, 0.0) / 2

    verdict = {True: "ok", False: "OVER"}
    print(f"  _site          {total_size / 1e6:8.1f} MB  (leaving one subset out: "
          f"{low_size / 1e6:.1f}–{high_size / 1e6:.1f}; target ≤ 250 MB: "
          f"{verdict[total_size <= TARGETS['bytes']]}; GitHub Pages 1 GB)")  # fmt: skip
    print(f"  files          {total_files:8,.0f}     (target ≤ 15,000: "
          f"{verdict[total_files <= TARGETS['files']]})")  # fmt: skip
    print(f"  CPU            {cpu:8.1f} s   ({fixed:.1f} + {per_chart:.3f}/chart + "
          f"{per_dataset:.3f}/dataset, both processes; leaving one subset out: "
          f"{low_cpu:.1f}–{high_cpu:.1f})")  # fmt: skip
    print(f"  wall, 2 cores  {wall(cpu):8.1f} s   (start-up {start:.1f} s + the rest on two "
          f"cores; leaving one subset out: {wall(low_cpu):.1f}–{wall(high_cpu):.1f}; target "
          f"≤ 15 s: {verdict[wall(cpu) <= TARGETS['seconds']]})")  # fmt: skip


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
        help="--project: warm builds of each subset (the least CPU is fitted)",
    )
    parser.add_argument("--project", action="store_true", help='project "every dataset"')
    parser.add_argument("--charts", type=int, help="charts per page to project to")
    parser.add_argument("--datasets", type=int, help="datasets to project to")
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
            project(package, work, args.charts, args.datasets, args.warm_runs)
        if args.xlsx_writers:
            xlsx_writers(package)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
