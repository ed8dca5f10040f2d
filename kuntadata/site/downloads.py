"""Downloads: the CSV behind each chart, a data package per municipality, the whole package.

Every CSV a reader downloads names its source and licence in its own columns, so a file
that travels alone still says where it came from. Zip files are written with fixed
timestamps and a fixed member order, so rebuilding unchanged data gives identical bytes.
"""

from __future__ import annotations

import csv
import io
import json
import zipfile
from functools import lru_cache
from pathlib import Path
from typing import Any

import pandas as pd

from . import fmt
from .package_data import Dataset, Indicator, Series, pick

CHART_COLUMNS = [
    "area_code", "area_name", "period", "indicator", "indicator_title", "value", "unit",
    "status", "status_meaning", "source", "licence",
]  # fmt: skip
ZIP_TIME = (1980, 1, 1, 0, 0, 0)
LICENCE_URLS = {"CC-BY-4.0": "https://creativecommons.org/licenses/by/4.0/"}


def chart_csv(
    site: Any,
    dataset: Dataset,
    indicator: Indicator,
    area_codes: list[str],
    names: list[str],
    series: dict[str, Series | None],
    lang: str,
) -> tuple[str, set[str]]:
    """The chart's rows (municipality, then comparison areas) and the status symbols used."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CHART_COLUMNS)
    title = pick(indicator.title, lang)
    unit = pick(indicator.unit, lang)
    source = pick(dataset.meta.get("attribution"), lang)
    licence_name = dataset.meta.get("licence") or "CC-BY-4.0"
    licence = f"{licence_name} {LICENCE_URLS.get(licence_name, '')}".strip()
    meanings = site.package.status_meanings
    symbols: set[str] = set()
    for code, name in zip(area_codes, names, strict=True):
        item = series.get(code)
        if item is None:
            continue
        for period, value, status in zip(item.periods, item.values, item.status, strict=True):
            meaning = pick(meanings.get(status), lang) if status else ""
            if status:
                symbols.add(status)
            writer.writerow(
                [code, name, period, indicator.id, title,
                 fmt.plain_number(value, indicator.decimals), unit, status, meaning, source,
                 licence]
            )  # fmt: skip
    return buffer.getvalue(), symbols


def _zip_bytes(members: list[tuple[str, bytes]]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data in members:
            info = zipfile.ZipInfo(name, date_time=ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, data)
    return buffer.getvalue()


@lru_cache(maxsize=4)
def _areas_frame(directory: Path) -> pd.DataFrame:
    return pd.read_csv(directory / "areas.csv", dtype=str, keep_default_na=False)


def municipality_zip(site: Any, code: str) -> bytes:
    """A valid Frictionless data package: this municipality plus its comparison areas."""
    package = site.package
    codes = [code, *site.areas.related(code, tuple(site.config.compare))]
    short = site.areas.get(code).short_code
    members: list[tuple[str, bytes]] = []
    areas = _areas_frame(package.directory)
    areas = areas[areas["code"].isin(codes)]
    areas_resource = next(
        (r for r in package.descriptor.get("resources", []) if r.get("name") == "areas"), None
    )
    resources = [_trim_resource(areas_resource or {"name": "areas", "path": "areas.csv"})]
    members.append(("areas.csv", _csv_bytes(areas)))
    for dataset in package.datasets:
        parts = [dataset.rows_by_area[c] for c in codes if c in dataset.rows_by_area]
        frame = pd.concat(parts) if parts else dataset.frame.iloc[0:0]
        path = Path(dataset.resource.get("path") or f"{dataset.id}.csv").name
        members.append((path, _csv_bytes(frame)))
        resource = _trim_resource(dataset.resource)
        resource["path"] = path
        resources.append(resource)
    descriptor = {
        "$schema": "https://datapackage.org/profiles/2.0/datapackage.json",
        "name": f"kuntadata-{short}",
        "title": f"{site.areas.name(code, 'fi')}: kuntadata",
        "description": "Data for one municipality with its region and the whole country for "
        "comparison, cut from the kuntadata package.",
        "licenses": package.descriptor.get("licenses") or [],
        "x-status": package.status_meanings,
        "resources": resources,
    }
    text = json.dumps(descriptor, ensure_ascii=False, indent=2, sort_keys=False) + "\n"
    members.insert(0, ("datapackage.json", text.encode("utf-8")))
    return _zip_bytes(members)


def _trim_resource(resource: dict[str, Any]) -> dict[str, Any]:
    """The package's resource without size/hash (the subset differs) and foreign keys kept."""
    trimmed = {k: v for k, v in resource.items() if k not in ("bytes", "hash")}
    trimmed["path"] = Path(resource.get("path") or f"{resource['name']}.csv").name
    return json.loads(json.dumps(trimmed))


def _csv_bytes(frame: pd.DataFrame) -> bytes:
    return frame.to_csv(index=False, lineterminator="\n").encode("utf-8")


def package_zip(directory: Path) -> bytes:
    """The whole data package as one zip (datapackage.json first, then files by name)."""
    files = sorted(p for p in directory.iterdir() if p.is_file())
    files.sort(key=lambda p: p.name != "datapackage.json")
    return _zip_bytes([(p.name, p.read_bytes()) for p in files])


def table_csv(header: list[str], rows: list[list[str]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue()
