"""Benchmark the site stage on a whole-Finland package; prints figures, asserts nothing.

    python bench/site.py                      # data/package/ of this repository
    python bench/site.py --package DIR        # any package directory
    python bench/site.py --make-package       # build one first from the real 12c1 PX file
                                              # (all municipalities, 2006-2022) into a temp dir

Prints pages, files, seconds, ms per page and the size of municipality pages (raw and
gzip). Targets: ≤ 5 ms per page on 2 cores, ≤ 60 KB gzipped HTML per municipality page.
"""

from __future__ import annotations

import argparse
import gzip
import re
import shutil
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from kuntadata.paths import ProjectPaths  # noqa: E402
from kuntadata.site import build_site  # noqa: E402


def _config() -> object:
    from kuntadata.config import SiteConfig

    return SiteConfig(
        title={"fi": "Kuntadata", "sv": "Kommundata", "en": "Municipal data"},
        languages=("fi", "sv", "en"),
        scope="all",
        base_url="https://example.org/kuntadata/",
        contact={"email": "bench@example.org", "feedback_url": "https://example.org/"},
    )


CHART_SVG = re.compile(r'<svg class="chart-svg".*?</g></svg>', re.S)


class _ChartTimer:
    """Times every chart_view call of this process (the forked worker's are not seen: its
    half of the pages costs the same per chart)."""

    def __init__(self, module) -> None:
        self.count, self.seconds = 0, 0.0
        original = module.chart_view

        def timed(**kwargs):
            started = time.perf_counter()
            try:
                return original(**kwargs)
            finally:
                self.seconds += time.perf_counter() - started
                self.count += 1

        module.chart_view = timed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--package", type=Path, default=REPO / "data" / "package")
    parser.add_argument(
        "--make-package",
        action="store_true",
        help="build a whole-Finland package from the real 12c1 PX file first",
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
        root = work / "project"
        (root / "data").mkdir(parents=True)
        (root / "data" / "package").symlink_to(package.resolve(), target_is_directory=True)
        for name in ("content", "site_templates"):
            (root / name).symlink_to(REPO / name, target_is_directory=True)
        paths = ProjectPaths(root)
        import kuntadata.site.municipality as municipality_module

        charts = _ChartTimer(municipality_module)
        started = time.perf_counter()
        summary = build_site(paths, _config(), built_at=datetime(2026, 11, 23, tzinfo=UTC))
        seconds = time.perf_counter() - started
        pages = sorted(paths.site.glob("*/kunta/*/index.html"))
        raw = [p.stat().st_size for p in pages]
        zipped = [len(gzip.compress(p.read_bytes(), 6)) for p in pages]
        svg = [len(s.encode("utf-8")) for p in pages
               for s in CHART_SVG.findall(p.read_text("utf-8"))]  # fmt: skip
        print(f"package            {package}")
        print(f"pages              {summary.pages}")
        print(f"files              {summary.files}")
        print(f"seconds            {seconds:.2f}")
        print(f"ms per page        {1000 * seconds / max(summary.pages, 1):.2f}")
        print(f"municipality pages {len(pages)}")
        if pages:
            print(f"  raw bytes        median {statistics.median(raw):,.0f}  max {max(raw):,}")
            print(
                f"  gzip bytes       median {statistics.median(zipped):,.0f}  max {max(zipped):,}"
            )
        if svg:
            print(f"chart SVGs         {len(svg):,} on municipality pages, median "
                  f"{statistics.median(svg):,.0f} B, max {max(svg):,} B, "
                  f"{sum(svg) / 1e6:.1f} MB")  # fmt: skip
        if charts.count:
            print(f"ms per chart       {1000 * charts.seconds / charts.count:.3f} "
                  f"({charts.count:,} charts chosen and drawn in this process)")  # fmt: skip
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
