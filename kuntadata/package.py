"""The package stage: `data/raw/` + `datasets/` → one Frictionless Data Package v2.

A pure function of what fetch wrote. The package is written to a temporary directory,
validated there, and renamed into `data/package/` only when it is valid, so a failed
run leaves the previous package in place.
"""

from __future__ import annotations

import csv
import hashlib
import json
import shutil
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from . import __version__
from .areas import Areas
from .changelog import FIELDS as CHANGE_FIELDS
from .changelog import append_changelog, diff_packages, read_changelog, write_changelog
from .config import DEFAULT_SOURCES, SiteConfig
from .derive import add_per_resident
from .errors import PackageError, SnapshotMismatch
from .fetch import SOURCE_OF_KIND
from .paths import ProjectPaths
from .public_source import is_public_url, public_sources
from .snapshot import now_utc, read_provenance, snapshot_dir, swap_into_place
from .spec import DatasetSpec
from .symbols import STATUS_MEANINGS, status_meaning
from .tidy import TidyDataset, tidy_statfin
from .validate import validate_package

AREAS_DIR = Path("classification") / "areas"
BOUNDARIES_DIR = Path("geo") / "municipalities"
PROFILE = "https://datapackage.org/profiles/2.0/datapackage.json"
CC_BY = {
    "name": "CC-BY-4.0",
    "path": "https://creativecommons.org/licenses/by/4.0/",
    "title": "Creative Commons Attribution 4.0 International",
}
AREA_FIELDS = [
    (
        "code",
        "Area code (SSS country, KUnnn municipality, MKnn region, SKnnn sub-region, HVAnn "
        "wellbeing services county)",
    ),
    ("level", "country, region, subregion, wellbeing_county or municipality"),
    ("name_fi", "Name in Finnish"),
    ("name_sv", "Name in Swedish"),
    ("name_en", "Name in English"),
    ("region", "Region (maakunta) code"),
    ("subregion", "Sub-region (seutukunta) code"),
    ("wellbeing_county", "Wellbeing services county code"),
    ("language_status", "finnish, swedish or bilingual (Language Act 423/2003)"),
    ("majority_language", "fi or sv"),
    ("valid_from", "First year in the classification key (2013 = 2013 or earlier)"),
    ("valid_to", "Last year of an abolished municipality"),
]


@dataclass
class PackageSummary:
    datasets: int = 0
    rows: int = 0
    seconds: float = 0.0
    warnings: list[str] = field(default_factory=list)
    path: Path | None = None
    changes: int = 0
    skipped: list[str] = field(default_factory=list)
    # Expected conditions worth saying (pending specs, rows that carry no figure): unlike
    # warnings they never fail --strict.
    notes: list[str] = field(default_factory=list)


class StrictWarnings(PackageError):
    """--strict and the package has warnings: it is not swapped in, the previous one stays."""

    def __init__(self, warnings: list[str], package: Path) -> None:
        self.problems = list(warnings)
        lines = [f"warning: {w}" for w in warnings]
        lines.append(
            f"--strict: {len(warnings)} warning(s) in package; the new package was not swapped "
            f"in ({package} is unchanged)"
        )
        super(PackageError, self).__init__("\n".join(lines))  # not "Package stage failed"


def build_package(
    paths: ProjectPaths,
    config: SiteConfig,
    specs: list[DatasetSpec],
    areas: Areas,
    *,
    strict: bool = False,
) -> PackageSummary:
    """Tidy every dataset, write CSVs and datapackage.json, validate, swap into place.

    With `strict`, any warning raises StrictWarnings before anything is written, so the
    previous package (and data/changelog.csv) stay as they were.
    """
    started = time.perf_counter()
    summary = PackageSummary(path=paths.package)
    area_codes = {a.code for a in areas.all()}
    problems: list[str] = []
    tidied: list[TidyDataset] = []
    skipped: list[str] = []
    pending: list[dict[str, Any]] = []
    for spec in specs:
        directory = snapshot_dir(paths.raw, SOURCE_OF_KIND[spec.kind], spec.id)
        if not spec.verified and not (directory / "provenance.json").exists():
            skipped.append(spec.id)
            pending.append(_pending(spec))
            continue
        try:
            item = _tidy(spec, directory, area_codes, areas)
            tidied.append(_publish_sources(item, read_provenance(directory), config))
        except SnapshotMismatch as exc:
            summary.warnings.append(
                f"{spec.id}: left out of the package (the rest is built): {'; '.join(exc.problems)}"
            )
        except PackageError as exc:
            problems.extend(exc.problems)
    if problems:
        raise PackageError(problems)
    summary.warnings.extend(add_per_resident(tidied))
    for item in tidied:
        summary.warnings.extend(item.warnings)
        summary.notes.extend(item.notes)
    if skipped:  # expected: specs written without access to the source wait for a fetch
        summary.notes.append(
            f"{len(skipped)} unverified spec(s) without a snapshot left out (shown as not yet "
            f"fetched): {', '.join(skipped)}"
        )
    summary.skipped = skipped
    if strict and summary.warnings:
        raise StrictWarnings(summary.warnings, paths.package)
    paths.package.parent.mkdir(parents=True, exist_ok=True)
    tmp = paths.package.parent / f".package.tmp-{uuid.uuid4().hex[:8]}"
    tmp.mkdir()
    try:
        resources = [
            _copy_areas(paths.raw / AREAS_DIR, tmp),
            _copy_mergers(paths.raw / AREAS_DIR, tmp),
        ]
        boundaries = _copy_boundaries(paths.raw / BOUNDARIES_DIR, tmp)
        if boundaries:
            resources.append(boundaries)
        for item in tidied:
            resources.append(_write_dataset(item, tmp))
            summary.rows += len(item.frame)
        symbols = {s for item in tidied for s in item.frame["status"].dropna() if s}
        descriptor_path = tmp / "datapackage.json"
        _write_json(descriptor_path, _descriptor(config, resources, pending, symbols))
        previous = paths.package if (paths.package / "datapackage.json").exists() else None
        changes = diff_packages(previous, tmp) if previous else []
        changelog_path = paths.root / "data" / "changelog.csv"
        write_changelog(tmp / "changes.csv", read_changelog(changelog_path) + changes)
        resources.append(_changes_resource(tmp / "changes.csv"))
        _write_json(descriptor_path, _descriptor(config, resources, pending, symbols))
        errors = validate_package(descriptor_path)
        if errors:
            raise PackageError(errors)
        if changes:
            append_changelog(changelog_path, changes)
        summary.changes = len(changes)
        swap_into_place(tmp, paths.package)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    summary.datasets = len(tidied)
    summary.seconds = time.perf_counter() - started
    return summary


def _tidy(spec: DatasetSpec, directory: Path, area_codes: set[str], areas: Areas) -> TidyDataset:
    """Dispatch by source kind; each tidier reads only the dataset's snapshot directory."""
    if spec.kind == "statfin":
        return tidy_statfin(spec, directory, area_codes)
    if spec.kind == "sotkanet":
        from .tidy_sotkanet import tidy_sotkanet

        return tidy_sotkanet(spec, directory, area_codes)
    if spec.kind == "file":
        from .tidy_files import tidy_file

        return tidy_file(spec, directory, area_codes, areas)
    raise PackageError(f"{spec.label}: source kind {spec.kind!r} cannot be packaged")


def _publish_sources(
    item: TidyDataset, provenance: dict[str, Any], config: SiteConfig
) -> TidyDataset:
    """The public source instead of the addresses the snapshot was fetched from.

    Seeded snapshots were fetched from a local emulator; the package names the producer's
    public table, the producer and the licence (`sources`, `x-kuntadata.source`), while
    provenance.json keeps which URL was really called. Done before derived indicators copy
    their population dataset's sources.
    """
    item.sources, source = public_sources(item.spec, provenance, config, item.meta, item.sources)
    item.meta["source"] = source
    return item


def _copy_areas(source: Path, out: Path) -> dict[str, Any]:
    path = _copy(source / "areas.csv", out / "areas.csv")
    fields = [{"name": name, "type": "string", "description": text} for name, text in AREA_FIELDS]
    return _resource(
        "areas",
        path,
        "Areas: country, regions, sub-regions, wellbeing services counties and municipalities",
        fields,
        ["code"],
        [],
        sources=[
            {
                "title": "Statistics Finland, municipality classification (kunta_1, "
                "maakunta_1, seutukunta_1, hyvinvointialue_1, kielisuhde_1)",
                "path": DEFAULT_SOURCES["classification"],
            }
        ],
    )


def _copy_mergers(source: Path, out: Path) -> dict[str, Any]:
    path = _copy(source / "area_mergers.csv", out / "area_mergers.csv")
    fields = [
        {"name": "old_code", "type": "string", "description": "Abolished municipality"},
        {"name": "new_code", "type": "string", "description": "Municipality it merged into"},
        {"name": "year", "type": "integer", "description": "Year the merger took effect"},
    ]
    return _resource(
        "area_mergers",
        path,
        "Municipal mergers (old code → new code, year)",
        fields,
        ["old_code", "new_code"],
        [],
        sources=[],
    )


def _copy_boundaries(source: Path, out: Path) -> dict[str, Any] | None:
    """Municipal boundaries (GeoJSON) for the maps, carried as a non-tabular resource."""
    path = source / "municipalities.geojson"
    if not path.exists():
        return None
    provenance = json.loads((source / "provenance.json").read_text("utf-8"))
    target = out / "municipality_boundaries.geojson"
    shutil.copyfile(path, target)
    data = target.read_bytes()
    return {
        "name": "municipality_boundaries",
        "path": target.name,
        "type": "file",
        "format": "geojson",
        "mediatype": "application/geo+json",
        "encoding": "utf-8",
        "title": "Municipal boundaries (MML 1:4 500 000, "
        f"{provenance.get('division_year', '')} division)",
        "bytes": len(data),
        "hash": f"sha256:{hashlib.sha256(data).hexdigest()}",
        "licenses": [CC_BY],
        "sources": [_boundary_source(provenance)],
        "x-division-year": provenance.get("division_year"),
        "x-code-property": "NATCODE",
    }


def _boundary_source(provenance: dict[str, Any]) -> dict[str, Any]:
    """The boundary file's address when it is a public one (a local copy's is not)."""
    url = provenance["files"][0]["url"]
    source = {"title": provenance["attribution"]}
    return {**source, "path": url} if is_public_url(url) else source


def _changes_resource(path: Path) -> dict[str, Any]:
    resource = _resource(
        "changes",
        path,
        "Changelog: new periods and revised values",
        CHANGE_FIELDS,
        [],
        [],
        sources=[],
    )
    del resource["schema"]["primaryKey"]
    return resource


def _write_json(path: Path, data: dict[str, Any]) -> None:
    path.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


def _copy(source: Path, target: Path) -> Path:
    if not source.exists():
        raise PackageError(
            f"{source}: missing; run `python scripts/make_areas_reference.py` "
            "or restore data/raw/ from git"
        )
    shutil.copyfile(source, target)
    return target


def _write_dataset(item: TidyDataset, out: Path) -> dict[str, Any]:
    spec, frame = item.spec, item.frame
    decimals = {i["id"]: i["decimals"] for i in item.meta["indicators"]}
    path = out / f"{spec.id}.csv"
    _write_csv(frame, path, decimals)
    dims = [d["column"] for d in item.meta["dimensions"]]
    fields: list[dict[str, Any]] = [
        {
            "name": "area",
            "type": "string",
            "title": "Area code",
            "description": "Foreign key to areas.code",
        },
        {
            "name": "period",
            "type": "string",
            "title": "Period",
            "description": "Year (2025), quarter (2025Q3) or month (2025M07), as in the source",
        },
    ]
    for dim in item.meta["dimensions"]:
        fields.append(
            {
                "name": dim["column"],
                "type": "string",
                "title": dim["title"].get("en", dim["column"]),
                "constraints": {"enum": sorted(dim["values"])},
            }
        )
    fields += [
        {
            "name": "indicator",
            "type": "string",
            "title": "Indicator",
            "constraints": {"enum": [i["id"] for i in item.meta["indicators"]]},
        },
        {
            "name": "value",
            "type": "number",
            "title": "Value",
            "description": "Empty when the source does not publish the value; see status",
        },
        {
            "name": "status",
            "type": "string",
            "title": "Status symbol",
            "description": "Empty for a published value; otherwise the source's symbol "
            "(meanings in the package's x-status)",
        },
    ]
    resource = _resource(
        spec.id,
        path,
        spec.title["en"],
        fields,
        ["area", "period", *dims, "indicator"],
        [{"fields": ["area"], "reference": {"resource": "areas", "fields": ["code"]}}],
        sources=item.sources,
    )
    resource["description"] = spec.description.get("en", "")
    resource["licenses"] = [dict(spec.licence)]
    resource["x-kuntadata"] = {
        **item.meta,
        "cadence": spec.cadence,
        "next_release": spec.next_release,
        "verified": spec.verified,
        "periods": sorted(frame["period"].dropna().unique().tolist()),
    }
    return resource


def _write_csv(frame: pd.DataFrame, path: Path, decimals: dict[str, int]) -> None:
    """Values written at the indicator's published precision; empty when missing, never 0."""
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(frame.columns)
        value_at = list(frame.columns).index("value")
        indicator_at = list(frame.columns).index("indicator")
        for row in frame.itertuples(index=False, name=None):
            row = list(row)
            value = row[value_at]
            row[value_at] = "" if pd.isna(value) else f"{value:.{decimals[row[indicator_at]]}f}"
            writer.writerow("" if pd.isna(v) else v for v in row)


def _resource(name, path: Path, title, fields, primary_key, foreign_keys, sources) -> dict:
    data = path.read_bytes()
    resource: dict[str, Any] = {
        "name": name,
        "path": path.name,
        "type": "table",
        "scheme": "file",
        "format": "csv",
        "mediatype": "text/csv",
        "encoding": "utf-8",
        "title": title,
        "bytes": len(data),
        "hash": f"sha256:{hashlib.sha256(data).hexdigest()}",
        "schema": {"fields": fields, "missingValues": [""], "primaryKey": primary_key},
        "licenses": [CC_BY],
    }
    if foreign_keys:
        resource["schema"]["foreignKeys"] = foreign_keys
    if sources:
        resource["sources"] = sources
    return resource


def status_meanings(symbol: str) -> dict[str, str]:
    """fi/sv/en meaning of a status symbol (an unknown one is named as the source's symbol)."""
    return STATUS_MEANINGS.get(symbol) or {
        lang: status_meaning(symbol, lang) for lang in ("fi", "sv", "en")
    }


def _pending(spec: DatasetSpec) -> dict[str, Any]:
    """What the site needs to say "not yet fetched" for a spec that has no snapshot yet."""
    return {
        "dataset": spec.id,
        "theme": spec.theme,
        "title": spec.title,
        "source_kind": spec.kind,
        "table": str(spec.source.get("table", "")),
        "verified": spec.verified,
        "written_against": spec.written_against,
        "indicators": [
            {"id": i.id, "title": i.title, "unit": i.unit, "responsible": i.responsible}
            for i in spec.indicators
        ],
    }


def _package_sources(resources: list[dict]) -> list[dict[str, str]]:
    """Every public source of the resources, once each (title and address only)."""
    seen: set[str] = set()
    out = []
    for resource in resources:
        for source in resource.get("sources") or []:
            path = source.get("path", "")
            if is_public_url(path) and path not in seen:
                seen.add(path)
                out.append({"title": source["title"], "path": path})
    return out


def _descriptor(
    config: SiteConfig,
    resources: list[dict],
    pending: list[dict] | None = None,
    symbols: set[str] | None = None,
) -> dict[str, Any]:
    used = {"..", "...", "-", "."} | (symbols or set())  # every symbol in the data, explained
    return {
        "$schema": PROFILE,
        "name": "kuntadata",
        "title": config.title.get("en") or next(iter(config.title.values())),
        "description": "Official statistics about Finnish municipalities, their regions and "
        "the whole country, in tidy long form with sources and exact queries.",
        "version": __version__,
        "created": now_utc(),
        "licenses": [CC_BY],
        "sources": _package_sources(resources),
        "keywords": ["Finland", "municipalities", "kunnat", "kommuner", "statistics"],
        "x-status": {s: status_meanings(s) for s in sorted(used)},
        "x-scope": config.scope if isinstance(config.scope, str) else list(config.scope),
        "x-pending": pending or [],
        "resources": resources,
    }
