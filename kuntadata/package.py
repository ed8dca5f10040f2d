"""The package stage: `data/raw/` + `datasets/` → one Frictionless Data Package v2.

A pure function of what fetch wrote. The package is written to a temporary directory,
validated there, and renamed into `data/package/` only when it is valid, so a failed
run leaves the previous package in place. Only then is `data/changelog.csv` replaced, so it
never records changes of a package that was not published; one run at a time holds the
project's write lock (lock.py). Two builds of the same snapshots are byte-identical:
`created` is the latest fetch time (or SOURCE_DATE_EPOCH), never the clock.
"""

from __future__ import annotations

import csv
import functools
import hashlib
import json
import os
import shutil
import time
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pandas as pd

from . import __version__
from .areas import Areas
from .changelog import FIELDS as CHANGE_FIELDS
from .changelog import (
    LEFT_OUT_DIR,
    LEFT_OUT_INDEX,
    diff_packages,
    history_datasets,
    left_out_resources,
    read_changelog,
    stage_changelog,
    unrecorded,
    write_changelog,
)
from .config import DEFAULT_SOURCES, SiteConfig
from .derive import add_per_resident
from .errors import PackageError, SnapshotCorrupt, SnapshotMismatch, WriteError
from .fetch import SOURCE_OF_KIND
from .lock import project_lock
from .paths import ProjectPaths
from .public_source import is_public_url, public_sources
from .snapshot import (
    now_utc,
    read_snapshot,
    snapshot_dir,
    swap_into_place,
    verify_snapshot,
)
from .sources import SOURCES
from .spec import DatasetSpec
from .symbols import STATUS_MEANINGS, status_meaning
from .tidy import TidyDataset
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
    # Datasets left out because their snapshot is damaged: the rest is built, but the
    # command fails, since the committed raw data must be restored or fetched again.
    errors: list[str] = field(default_factory=list)
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


def _one_writer(build):
    """Run the package stage under the project's write lock; a refused write (disk full,
    read-only, busy folder) is a WriteError naming the path, not a traceback."""

    @functools.wraps(build)
    def locked(
        paths: ProjectPaths,
        config: SiteConfig,
        specs: list[DatasetSpec],
        areas: Areas,
        *,
        strict: bool = False,
    ) -> PackageSummary:
        with project_lock(paths, "package"):
            try:
                return build(paths, config, specs, areas, strict=strict)
            except OSError as exc:
                raise WriteError(exc, paths.package) from exc

    return locked


@_one_writer
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
            provenance = read_snapshot(directory)
            item = _tidy(spec, directory, areas)
            tidied.append(_publish_sources(item, provenance, config))
        except SnapshotCorrupt as exc:
            summary.errors.append(
                f"{spec.id}: left out of the package (the rest is built): {'; '.join(exc.problems)}"
            )
        except SnapshotMismatch as exc:
            summary.warnings.append(
                f"{spec.id}: left out of the package (the rest is built): {'; '.join(exc.problems)}"
            )
        except PackageError as exc:
            problems.extend(exc.problems)
    problems.extend(_damaged_reference(paths.raw / AREAS_DIR))
    if problems:
        raise PackageError(problems)
    summary.warnings.extend(add_per_resident(tidied))
    for item in tidied:
        _declare_aggregates(item)
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
    staged: Path | None = None
    try:
        resources = [
            _copy_areas(paths.raw / AREAS_DIR, tmp),
            _copy_mergers(paths.raw / AREAS_DIR, tmp),
        ]
        boundaries = _copy_boundaries(paths.raw / BOUNDARIES_DIR, tmp, summary)
        if boundaries:
            resources.append(boundaries)
        for item in tidied:
            resources.append(_write_dataset(item, tmp))
            summary.rows += len(item.frame)
        symbols = {s for item in tidied for s in item.frame["status"].dropna() if s}
        descriptor_path = tmp / "datapackage.json"
        _write_json(descriptor_path, _descriptor(config, resources, pending, symbols))
        previous = _previous_package(paths.package, summary)
        _keep_left_out(previous, tmp, {item.spec.id for item in tidied}, {s.id for s in specs})
        changelog_path = paths.root / "data" / "changelog.csv"
        recorded = read_changelog(changelog_path)
        changes = diff_packages(previous, tmp, history_datasets(recorded)) if previous else []
        changes = unrecorded(recorded, changes)
        write_changelog(tmp / "changes.csv", recorded + changes)
        resources.append(_changes_resource(tmp / "changes.csv"))
        _write_json(descriptor_path, _descriptor(config, resources, pending, symbols))
        errors = validate_package(descriptor_path)
        if errors:
            raise PackageError(errors)
        staged, _ = stage_changelog(changelog_path, changes)
        summary.changes = len(changes)
        swap_into_place(tmp, paths.package)
        if staged is not None:  # recorded only now that the package it describes is in place
            staged.replace(changelog_path)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        if staged is not None:
            staged.unlink(missing_ok=True)
        raise
    summary.datasets = len(tidied)
    summary.seconds = time.perf_counter() - started
    return summary


def _tidy(spec: DatasetSpec, directory: Path, areas: Areas) -> TidyDataset:
    """The tidier of the spec's source kind; it reads only the dataset's snapshot directory."""
    source = SOURCES.get(spec.kind)
    if source is None:
        raise PackageError(f"{spec.label}: source kind {spec.kind!r} cannot be packaged")
    return source.tidy(spec, directory, areas)


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


def _copy_boundaries(source: Path, out: Path, summary: PackageSummary) -> dict[str, Any] | None:
    """Municipal boundaries (GeoJSON) for the maps, carried as a non-tabular resource;
    left out, with an error, when the snapshot does not match its provenance."""
    path = source / "municipalities.geojson"
    if not path.exists():
        return None
    try:
        provenance = read_snapshot(source)
    except SnapshotCorrupt as exc:
        summary.errors.append(
            "municipality_boundaries: left out of the package (the rest is built): "
            + "; ".join(exc.problems)
        )
        return None
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


def _write_json(path: Path, data: Any) -> None:
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


def _declare_aggregates(item: Any) -> None:
    """Carry each indicator's `aggregate` rule into x-kuntadata: the site reads only the
    package, and derives a region's rate from its members only where the spec says how."""
    rules = {i.id: i.aggregate for i in item.spec.indicators if i.aggregate}
    for meta in item.meta["indicators"]:
        if meta["id"] in rules:
            meta["aggregate"] = {"multiply": 1, **rules[meta["id"]]}


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
        "created": _created(resources),
        "licenses": [CC_BY],
        "sources": _package_sources(resources),
        "keywords": ["Finland", "municipalities", "kunnat", "kommuner", "statistics"],
        "x-status": {s: status_meanings(s) for s in sorted(used)},
        "x-scope": config.scope if isinstance(config.scope, str) else list(config.scope),
        "x-pending": pending or [],
        "resources": resources,
    }


def _created(resources: list[dict]) -> str:
    """When the package's data was made: SOURCE_DATE_EPOCH (reproducible builds), else the
    latest fetch time of its datasets, so two builds of the same snapshots are identical."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch:
        try:
            moment = datetime.fromtimestamp(int(epoch), tz=UTC)
        except (ValueError, OverflowError, OSError) as exc:
            raise PackageError(
                f"SOURCE_DATE_EPOCH={epoch}: not a Unix time in seconds; set it to an integer "
                "(`git log -1 --format=%ct`) or unset it"
            ) from exc
        return moment.isoformat().replace("+00:00", "Z")
    fetched = [r["x-kuntadata"].get("fetched_at") or "" for r in resources if "x-kuntadata" in r]
    return max(fetched, default="") or now_utc()


def _damaged_reference(directory: Path) -> list[str]:
    """The areas reference checked like a snapshot; without it there is no package at all."""
    if not (directory / "provenance.json").exists():
        return []  # _copy_areas names what is missing and how to make it
    try:
        problems = verify_snapshot(directory)
    except SnapshotCorrupt as exc:
        problems = exc.problems[:-1]
    if not problems:
        return []
    return [
        *problems,
        f"restore it with `git checkout -- data/raw/{AREAS_DIR.as_posix()}` or rebuild it with "
        "`python3 scripts/make_areas_reference.py`",
    ]


def _previous_package(package: Path, summary: PackageSummary) -> Path | None:
    """The package being replaced, to diff against; None when there is none or it is
    unreadable (it is rebuilt now, but its changes cannot be listed)."""
    descriptor = package / "datapackage.json"
    if not descriptor.exists():
        return None
    try:
        json.loads(descriptor.read_bytes())
    except (UnicodeDecodeError, json.JSONDecodeError):
        summary.warnings.append(
            f"{descriptor}: empty or cut short; the package is rebuilt, but what changed "
            "since it cannot be recorded in data/changelog.csv"
        )
        return None
    return package


def _keep_left_out(previous: Path | None, out: Path, built: set[str], specs: set[str]) -> None:
    """Carry the last packaged rows of datasets left out of this build (a damaged snapshot,
    a spec that does not match) into `out/.left-out/`, so when one comes back the changelog
    compares it with them instead of calling it a new dataset. A deleted spec's are dropped.
    """
    if previous is None:
        return
    descriptor = json.loads((previous / "datapackage.json").read_bytes())
    old = {r["name"]: r for r in descriptor.get("resources", []) if r.get("x-kuntadata")}
    for name, resource in left_out_resources(previous).items():
        old.setdefault(name, resource)
    kept = []
    for name, resource in sorted(old.items()):
        if name in built or name not in specs or not (previous / resource["path"]).is_file():
            continue
        folder = out / LEFT_OUT_DIR
        folder.mkdir(exist_ok=True)
        shutil.copyfile(previous / resource["path"], folder / f"{name}.csv")
        kept.append({**resource, "path": f"{name}.csv"})
    if kept:
        _write_json(out / LEFT_OUT_DIR / LEFT_OUT_INDEX, kept)
