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
from pathlib import Path
from typing import Any

import pandas as pd

from ..public_source import is_public_url
from . import fmt
from .package_data import Dataset, Indicator, Series, pick

CHART_COLUMNS = [
    "area_code", "area_name", "period", "indicator", "indicator_title", "value", "unit",
    "status", "status_meaning", "source", "licence",
]  # fmt: skip
ZIP_TIME = (1980, 1, 1, 0, 0, 0)
LICENCE_URLS = {"CC-BY-4.0": "https://creativecommons.org/licenses/by/4.0/"}


def source_url(dataset: Dataset, lang: str) -> str:
    """The producer's public address for the dataset (`x-kuntadata.source`), in `lang` where
    the producer has one per language; empty when the package names none.

    Only public http(s) addresses are returned: a package built from snapshots fetched from a
    local server must not send readers to their own machine.
    """
    source = dataset.meta.get("source") or {}
    url = (source.get("url_by_lang") or {}).get(lang) or source.get("url") or ""
    return url if is_public_url(url) else ""


def source_credit(dataset: Dataset, lang: str) -> str:
    """The source column of a download: the credit line and, when known, the public address
    (like the licence column: name, then URL), so a CSV that travels alone says where to
    find the original."""
    return " ".join(t for t in (dataset.text("attribution", lang), source_url(dataset, lang)) if t)


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
    source = source_credit(dataset, lang)
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


class MunicipalityZips:
    """Per-municipality data packages, with every dataset's CSV split by area only once.

    A whole-Finland build writes ~300 zips that share the same region and country rows, so
    each dataset is serialised once and its lines are grouped by area; a zip is then a
    concatenation of ready-made lines plus one small descriptor.
    """

    def __init__(self, site: Any) -> None:
        self.site = site
        self._descriptor_template: str | None = None
        package = site.package
        self.parts: dict[str, tuple[str, str, dict[str, list[str]]]] = {}
        areas = pd.read_csv(package.directory / "areas.csv", dtype=str, keep_default_na=False)
        self.parts["areas"] = ("areas.csv", *_lines_by(areas, "code"))
        self.resources: list[dict[str, Any]] = []
        areas_resource = next(
            (r for r in package.descriptor.get("resources", []) if r.get("name") == "areas"),
            {"name": "areas", "path": "areas.csv"},
        )
        self.resources.append(_trim_resource(areas_resource))
        for dataset in package.datasets:
            path = Path(dataset.resource.get("path") or f"{dataset.id}.csv").name
            self.parts[dataset.id] = (path, *_lines_by(dataset.frame, "area"))
            self.resources.append(_trim_resource(dataset.resource))

    def build(self, code: str) -> bytes:
        """A valid Frictionless data package: this municipality plus its comparison areas."""
        site = self.site
        codes = [code, *site.areas.related(code, tuple(site.config.compare))]
        short = site.areas.get(code).short_code
        members: list[tuple[str, bytes]] = []
        for path, header, lines in self.parts.values():
            body = "".join(line for c in codes for line in lines.get(c, ()))
            members.append((path, (header + body).encode("utf-8")))
        if self._descriptor_template is None:  # the same for every municipality but two fields
            descriptor = {
                "$schema": "https://datapackage.org/profiles/2.0/datapackage.json",
                "name": NAME_SLOT,
                "title": TITLE_SLOT,
                "description": "Data for one municipality with its region and the whole country "
                "for comparison, cut from the kuntadata package.",
                "licenses": site.package.descriptor.get("licenses") or [],
                "x-status": site.package.status_meanings,
                "resources": self.resources,
            }
            self._descriptor_template = json.dumps(descriptor, ensure_ascii=False, indent=2)
        title = f"{site.areas.name(code, 'fi')}: kuntadata"
        text = (
            self._descriptor_template.replace(
                json.dumps(NAME_SLOT), json.dumps(f"kuntadata-{short}")
            ).replace(json.dumps(TITLE_SLOT), json.dumps(title, ensure_ascii=False))
            + "\n"
        )
        return _zip_bytes([("datapackage.json", text.encode("utf-8")), *members])


NAME_SLOT = "@@name@@"
TITLE_SLOT = "@@title@@"


def _lines_by(frame: pd.DataFrame, column: str) -> tuple[str, dict[str, list[str]]]:
    """The frame as CSV: its header line and its row lines grouped by `column`."""
    lines = frame.to_csv(index=False, lineterminator="\n").splitlines(keepends=True)
    grouped: dict[str, list[str]] = {}
    for key, line in zip(frame[column], lines[1:], strict=True):
        grouped.setdefault(key, []).append(line)
    return lines[0], grouped


def _trim_resource(resource: dict[str, Any]) -> dict[str, Any]:
    """The package's resource without size/hash (the subset differs) and foreign keys kept."""
    trimmed = {k: v for k, v in resource.items() if k not in ("bytes", "hash")}
    trimmed["path"] = Path(resource.get("path") or f"{resource['name']}.csv").name
    return json.loads(json.dumps(trimmed))


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
