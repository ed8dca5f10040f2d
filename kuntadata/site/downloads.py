"""Downloads: a CSV per municipality and dataset, a workbook, a data package per
municipality, the whole package, and one labels file.

Every CSV is UTF-8 without BOM, comma-separated, with decimal points and no thousands
separators: what journalists' tools, pandas, R and Frictionless read without options. A
Finnish Excel opens such a file as one column, so each municipality also gets an Excel
workbook (workbook.py) beside its CSVs.

The CSV files are shared by every language of the site: codes and language-neutral headers,
area names in each site language (`area_name_fi`, `area_name_sv`, …), indicator titles,
units, status meanings and credit lines in `data/labels.csv`. One file per municipality and
dataset holds exactly the rows of that dataset's charts (the municipality and its comparison
areas) with an `indicator` column, and each of those charts links to it: a whole-Finland site
with every dataset stays within a static host's file budget (30 datasets × 308 municipalities
is 9,240 files; one file per chart and language would be 45,000). One file per indicator,
`data/indikaattori/<indicator>.csv`, holds its ranking in the latest period, linked from the
indicator page in every language: one copy, not one per language.

Every CSV names its source and licence in its own columns (`fetched_at`, `source`,
`source_url`, `licence`), so a file that travels alone still says where it came from. Zip
files are written with fixed timestamps and a fixed member order, so rebuilding unchanged
data gives identical bytes.
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
from .csvsafe import safe_rows
from .harmonised import harmonised_series
from .package_data import Dataset, Indicator, Series, pick
from .peers import ranks_in_scope

ZIP_TIME = (1980, 1, 1, 0, 0, 0)
# `derived` column: `true` where the site computed this region's, county's or sub-region's
# figure from its member municipalities (aggregate.py), `false` for a figure as reported
DERIVED_CELL = ("false", "true")
LABELS_PATH = "data/labels.csv"


def source_url(dataset: Dataset, lang: str) -> str:
    """The producer's public address for the dataset (`x-kuntadata.source`), in `lang` where
    the producer has one per language; empty when the package names none.

    Only public http(s) addresses are returned: a package built from snapshots fetched from a
    local server must not send readers to their own machine.
    """
    source = dataset.meta.get("source") or {}
    url = (source.get("url_by_lang") or {}).get(lang) or source.get("url") or ""
    return url if is_public_url(url) else ""


def source_title(dataset: Dataset, lang: str) -> str:
    """The public source's title (`Statistics Finland, StatFin table 12c1`), else the credit
    line in `lang`: a CSV names its source even when the package has no public address."""
    source = dataset.meta.get("source") or {}
    return str(source.get("title") or "") or dataset.text("attribution", lang)


def licence_of(dataset: Dataset) -> dict[str, str]:
    """The dataset's licence (`name`, `path`, `title`): the public source's, else the
    resource's first; a dataset that claims none says so instead of inheriting CC BY."""
    source = dataset.meta.get("source") or {}
    licence = source.get("licence") or (dataset.resource.get("licenses") or [None])[0]
    if isinstance(licence, dict) and licence.get("name"):
        return {k: str(licence.get(k) or "") for k in ("name", "path", "title")}
    name = str(dataset.meta.get("licence") or "")
    return {"name": name, "path": "", "title": name}


def municipality_stem(site: Any, code: str) -> str:
    """`091-helsinki`: every per-municipality file name starts with the code and the name in
    the site's first language, so a downloaded file still says whose figures it holds."""
    return site.areas.slug(code, site.languages[0])


def municipality_dir(site: Any, code: str) -> str:
    return f"data/kunta/{site.short_code(code)}/"


def municipality_csv_path(site: Any, code: str, dataset_id: str) -> str:
    """`data/kunta/091/091-helsinki-families.csv`, the same file for every language."""
    return f"{municipality_dir(site, code)}{municipality_stem(site, code)}-{dataset_id}.csv"


def municipality_csv_columns(languages: tuple[str, ...]) -> list[str]:
    return [
        "area_code", *[f"area_name_{lang}" for lang in languages], "period", "indicator",
        "value", "status", "derived", "value_current_division", "current_division_note",
        "fetched_at", "source", "source_url", "licence",
    ]  # fmt: skip


def indicator_csv_path(indicator_id: str) -> str:
    """`data/indikaattori/families.csv`: the indicator page's ranking, the same file for
    every language."""
    return f"data/indikaattori/{indicator_id}.csv"


def indicator_csv_columns(languages: tuple[str, ...]) -> list[str]:
    return [
        "rank", "area_code", *[f"area_name_{lang}" for lang in languages], "period",
        "indicator", "value", "status", "fetched_at", "source", "source_url", "licence",
    ]  # fmt: skip


def indicator_csv(site: Any, dataset: Dataset, indicator: Indicator) -> tuple[str, str]:
    """(path, text) of the indicator page's download: the site's municipalities in the
    latest period, ranked as on the page (largest first, ties share a rank).

    Only cells the package has are rows: a value, or an empty value with the source's
    symbol in `status` (unranked, after the ranked rows); a municipality with no row for that
    period has none here either, as in the municipality files. No `derived` column: a
    municipality's figure is always as reported (aggregate.py derives only regions'), and
    the source and licence columns are those of the municipality files.
    """
    ranks = ranks_in_scope(site, dataset, indicator)  # among the site's municipalities
    period = ranks.get("period", "")
    positions = ranks.get("rank", {})
    languages = tuple(site.languages)
    first = languages[0]
    tail = [fmt.iso_date(dataset.meta.get("fetched_at")), source_title(dataset, first),
            source_url(dataset, first), licence_of(dataset)["name"]]  # fmt: skip
    rows = []
    for code in sorted(site.municipalities, key=lambda c: (positions.get(c, 10**6), c)):
        series = dataset.series.get((indicator.id, code))
        if series is None or period not in series.periods:
            continue
        at = series.periods.index(period)
        rows.append([str(positions.get(code, "")), code,
                     *[site.areas.name(code, lang) for lang in languages], period, indicator.id,
                     fmt.plain_number(series.values[at], indicator.decimals), series.status[at],
                     *tail])  # fmt: skip
    return indicator_csv_path(indicator.id), table_csv(indicator_csv_columns(languages), rows)


def status_symbols(series: dict[str, Series | None]) -> set[str]:
    """The status symbols a chart's rows carry (explained under its table)."""
    return {s for item in series.values() if item for s in item.status if s}


class MunicipalityCsvs:
    """The per-municipality dataset CSVs, with each (dataset, area) block of lines made once.

    A region's and the country's rows are the same in the files of every municipality that is
    compared with them, so each block is serialised on first use and then concatenated.
    """

    def __init__(self, site: Any) -> None:
        self.site = site
        self.languages = tuple(site.languages)
        self.columns = municipality_csv_columns(self.languages)
        self.header = _csv_lines([self.columns])
        self._blocks: dict[tuple[str, str], str] = {}
        self._tails: dict[str, list[str]] = {}

    def _tail(self, dataset: Dataset) -> list[str]:
        tail = self._tails.get(dataset.id)
        if tail is None:
            first = self.site.languages[0]
            url = source_url(dataset, first)
            fetched = fmt.iso_date(dataset.meta.get("fetched_at"))
            licence = licence_of(dataset)["name"]
            tail = self._tails[dataset.id] = [fetched, source_title(dataset, first), url, licence]
        return tail

    def _block(self, dataset: Dataset, area_code: str) -> str:
        key = (dataset.id, area_code)
        block = self._blocks.get(key)
        if block is None:
            names = [self.site.areas.name(area_code, lang) for lang in self.languages]
            tail = self._tail(dataset)
            rows = []
            for indicator in dataset.charted:
                item = dataset.series.get((indicator.id, area_code))
                if item is None:
                    continue
                current = harmonised_series(dataset, indicator, area_code, self.site.areas)
                for at, (period, value, status) in enumerate(
                    zip(item.periods, item.values, item.status, strict=True)
                ):
                    number = fmt.plain_number(value, indicator.decimals)
                    cell = current[at] if current else None
                    whole = fmt.plain_number(cell.value, indicator.decimals) if cell else ""
                    note = cell.note if cell else ""
                    derived = DERIVED_CELL[item.is_derived(at)]
                    rows.append([area_code, *names, period, indicator.id, number, status,
                                 derived, whole, note, *tail])  # fmt: skip
            block = self._blocks[key] = _csv_lines(safe_rows(self.columns, rows))  # csvsafe.py
        return block

    def combined(self, areas: list[str]) -> str:
        """Every dataset's chart rows for `areas` in one file: an area page's download
        (indicator ids are unique across datasets, so no dataset column is needed)."""
        body = "".join(self._block(d, a) for d in self.site.package.datasets for a in areas)
        return self.header + body

    def files(self, code: str) -> list[tuple[str, str]]:
        """(path, text) for every dataset with chart rows for this municipality; a dataset
        without any row for it gets no file (the page says "no data" instead of a link)."""
        site = self.site
        areas = [code, *site.areas.related(code, tuple(site.config.compare))]
        found = []
        for dataset in site.package.datasets:
            if not any((i.id, code) in dataset.series for i in dataset.charted):
                continue
            body = "".join(self._block(dataset, area) for area in areas)
            found.append((municipality_csv_path(site, code, dataset.id), self.header + body))
        return found


def labels_csv(site: Any) -> str:
    """`data/labels.csv`: the words the language-neutral CSVs leave out, in each site
    language: indicator titles and units, dataset titles and credit lines, and the meaning of
    every status symbol."""
    languages = tuple(site.languages)
    rows: list[list[str]] = []
    for dataset in site.package.datasets:
        rows.append(["dataset", dataset.id, "", *[dataset.text("title", x) for x in languages]])
        rows.append(
            ["source", dataset.id, "", *[dataset.text("attribution", x) for x in languages]]
        )
        for indicator in dataset.indicators:
            key = [dataset.id, indicator.id]
            rows.append(["indicator", *key, *[pick(indicator.title, x) for x in languages]])
            rows.append(["unit", *key, *[pick(indicator.unit, x) for x in languages]])
    for symbol, meaning in sorted(site.package.status_meanings.items()):
        rows.append(["status", "", symbol, *[pick(meaning, x) for x in languages]])
    return table_csv(["kind", "dataset", "code", *languages], rows)


def _csv_lines(rows: list[list[str]]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(rows)
    return buffer.getvalue()


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
    concatenation of ready-made lines plus one small descriptor. The rows are read from the
    package's own CSV files, not from the site's view of them (which may regroup indicators),
    so each zip is a valid cut of the package under the package's own schemas.
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
            frame = pd.read_csv(package.directory / path, dtype=str, keep_default_na=False)
            self.parts[dataset.id] = (path, *_lines_by(frame, "area"))
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
            # compact: the descriptor (every dataset's schema, sources with their exact
            # queries, fi/sv/en metadata) is ~85 % of each of ~300 zips; indented it was 23 kB
            # of a 29 kB zip, compact 19 kB. The whole package's own descriptor stays indented.
            self._descriptor_template = json.dumps(
                descriptor, ensure_ascii=False, separators=(",", ":")
            )
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
    writer.writerows(safe_rows(header, rows))  # no text cell starts a formula (csvsafe.py)
    return buffer.getvalue()
