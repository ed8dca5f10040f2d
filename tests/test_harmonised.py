"""Series on the current division (kuntadata/site/harmonised.py), on the committed package:
families (StatFin 12c1, 1.1.2023 division) still reports Pertunmaa (KU588) apart from
Mäntyharju (KU507), which it merged into in 2025 (area_mergers)."""

from __future__ import annotations

import csv
import io
import shutil
import tempfile
from dataclasses import replace
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from typing import Any

from kuntadata.areas import load_areas
from kuntadata.config import load_site_config
from kuntadata.package import AREAS_DIR, build_package
from kuntadata.paths import REPO_ROOT, ProjectPaths
from kuntadata.site.context import Site
from kuntadata.site.downloads import MunicipalityCsvs
from kuntadata.site.harmonised import current_division_figures, harmonised_series
from kuntadata.site.package_data import Series, load_package
from kuntadata.spec import load_dataset_specs

try:
    from tests.site_fixtures import site_config
except ModuleNotFoundError:  # pytest run without the repository root on sys.path
    from site_fixtures import site_config


@cache
def _package() -> Path:
    """The package of the committed snapshots, built once in a temporary copy (a fresh clone
    has no data/package: it is built, not committed)."""
    root = Path(tempfile.mkdtemp(prefix="kuntadata-harmonised-"))
    shutil.copy(REPO_ROOT / "site.yaml", root / "site.yaml")
    shutil.copytree(REPO_ROOT / "datasets", root / "datasets")
    shutil.copytree(REPO_ROOT / "data" / "raw", root / "data" / "raw")
    paths = ProjectPaths(root)
    specs = load_dataset_specs(paths.datasets)
    config = load_site_config(paths.site_config)
    build_package(paths, config, specs, load_areas(paths.raw / AREAS_DIR))
    return paths.package


@cache
def _site() -> Site:
    loaded = load_package(_package(), scope="all")
    codes = [a.code for a in loaded.areas.municipalities()]
    return Site(config=site_config(), package=loaded, languages=("fi", "sv", "en"),
                base_url="https://example.org/", built_at=datetime(2026, 11, 29, tzinfo=UTC),
                municipalities=codes, regions=[])  # fmt: skip


def _package_value(area: str, period: str, indicator: str) -> float:
    """The value as the package CSV has it (read without the site's code)."""
    with (_package() / "families.csv").open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            if (row["area"], row["period"], row["indicator"]) == (area, period, indicator):
                return float(row["value"])
    raise AssertionError(f"no {indicator} row for {area} {period} in families.csv")


def _indicator(site: Site, dataset_id: str, indicator_id: str) -> Any:
    dataset = site.package.dataset(dataset_id)
    assert dataset is not None
    return dataset, next(i for i in dataset.indicators if i.id == indicator_id)


def test_mantyharju_families_2022_include_pertunmaa() -> None:
    site = _site()
    dataset, families = _indicator(site, "families", "families")
    assert families.additive
    series = harmonised_series(dataset, families, "KU507", site.areas)
    assert series is not None
    at = dataset.series[("families", "KU507")].periods.index("2022")
    expected = _package_value("KU507", "2022", "families") + _package_value(
        "KU588", "2022", "families"
    )
    assert series[at].value == expected
    assert series[at].note == "includes:KU588"
    # the as-reported series is unchanged beside it
    assert dataset.series[("families", "KU507")].values[at] == _package_value(
        "KU507", "2022", "families"
    )


def test_a_rate_has_no_harmonised_value() -> None:
    site = _site()
    dataset, size = _indicator(site, "families", "average_family_size")
    assert not size.additive
    series = harmonised_series(dataset, size, "KU507", site.areas)
    assert series and all(h.value is None and h.note == "not_additive" for h in series)


def test_a_missing_part_leaves_the_figure_empty_with_the_reason() -> None:
    site = _site()
    dataset, families = _indicator(site, "families", "families")
    part = dataset.series[("families", "KU588")]
    at = part.periods.index("2022")
    values = list(part.values)
    values[at] = None
    changed = replace(dataset, series={**dataset.series, ("families", "KU588"): Series(
        list(part.periods), values, list(part.status))})  # fmt: skip
    series = harmonised_series(changed, families, "KU507", site.areas)
    assert series is not None
    mine = changed.series[("families", "KU507")].periods.index("2022")
    assert series[mine].value is None and series[mine].note == "missing:KU588"


def test_the_municipality_csv_has_the_current_division_column() -> None:
    site = _site()
    files = dict(MunicipalityCsvs(site).files("KU507"))
    text = next(body for path, body in files.items() if path.endswith("-families.csv"))
    rows = list(csv.DictReader(io.StringIO(text)))
    expected = _package_value("KU507", "2022", "families") + _package_value(
        "KU588", "2022", "families"
    )
    (row,) = [
        r for r in rows
        if (r["area_code"], r["period"], r["indicator"]) == ("KU507", "2022", "families")
    ]  # fmt: skip
    assert float(row["value_current_division"]) == expected
    assert row["current_division_note"] == "includes:KU588"
    assert float(row["value"]) == _package_value("KU507", "2022", "families")
    tax = next(body for path, body in files.items() if path.endswith("-municipal_tax_rate.csv"))
    rates = [r for r in csv.DictReader(io.StringIO(tax)) if r["area_code"] == "KU507"]
    assert rates and all(r["value"] for r in rates)  # the rate as reported …
    assert all(r["value_current_division"] == "" for r in rates)  # … and no harmonised one
    assert all(r["current_division_note"] == "not_additive" for r in rates)


def test_the_page_note_says_which_series_is_which() -> None:
    site = _site()
    note = current_division_figures(site, "KU507", "en")
    assert note is not None
    assert "Pertunmaa (merged 2025)" in note["figures_caption"]
    assert "as the source reports them" in note["text"]
    assert any(f["title"].startswith("Families") for f in note["figures"])
    assert current_division_figures(site, "KU091", "en") is None
