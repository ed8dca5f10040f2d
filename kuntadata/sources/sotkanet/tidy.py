"""Sotkanet snapshot → the tidy table `area, period, indicator, value, status` plus THL metadata.

Sotkanet rows name regions by internal id; `regions.json` of the same snapshot maps them to
official codes (`KUNTA` 091 → KU091, `MAAKUNTA` 01 → MK01, `HYVINVOINTIALUE` 90 → HVA90,
`MAA` → SSS). A row whose id is not in that list cannot be placed: it is reported and left
out, never guessed (the real 2009 CSV has three such rows, all 0). A region-year Sotkanet
does not publish has no row, so it stays absent (the site says "not available"); a row
without a value is kept with status `suppressed`, never 0.
"""

from __future__ import annotations

import csv
import html
import io
import json
import re
from pathlib import Path
from typing import Any

import pandas as pd

from ...areas import Areas
from ...errors import PackageError
from ...snapshot import read_provenance
from ...spec import DatasetSpec
from ...tidy import TidyDataset, base_meta
from ..base import area_codes
from .adapter import METADATA_PAGE, parse_select

LANGS = ("fi", "sv", "en")
SUPPRESSED = "suppressed"
CATEGORIES = {  # Sotkanet category → (code prefix, digits, areas.csv level)
    "KUNTA": ("KU", 3, "municipality"),
    "MAAKUNTA": ("MK", 2, "region"),
    "SEUTUKUNTA": ("SK", 3, "subregion"),
    "HYVINVOINTIALUE": ("HVA", 2, "wellbeing_county"),
    "MAA": ("SSS", 0, "country"),
}
CSV_FIELDS = {"primary value": "value", "absolute value": "absValue"}
DEFINITION_KEYS = ("description", "interpretation", "limits")
PRODUCER_FALLBACK = {"fi": "THL", "sv": "THL", "en": "THL"}


def region_codes(regions: list[dict[str, Any]]) -> dict[int, tuple[str, str]]:
    """Sotkanet internal id → (official area code, level) for the categories the site uses."""
    out: dict[int, tuple[str, str]] = {}
    for region in regions:
        category = CATEGORIES.get(str(region.get("category", "")).upper())
        if category is None:
            continue
        prefix, digits, level = category
        code = prefix if not digits else prefix + str(region["code"]).zfill(digits)
        out[int(region["id"])] = (code, level)
    return out


def known_region_ids(regions: list[dict[str, Any]]) -> set[int]:
    return {int(region["id"]) for region in regions}


def read_rows(path: Path) -> list[dict[str, Any]]:
    """Data rows of a `/json` or `/csv` response as dicts with `value`/`absValue` numbers."""
    data = path.read_bytes()
    if path.suffix == ".json":
        return list(json.loads(data))
    rows = []
    reader = csv.DictReader(io.StringIO(data.decode("utf-8-sig")), delimiter=";")
    for raw in reader:
        row: dict[str, Any] = {
            "indicator": int(raw["indicator"]),
            "region": int(raw["region"]),
            "year": int(raw["year"]),
            "gender": raw["gender"],
        }
        for column, key in CSV_FIELDS.items():
            text = (raw.get(column) or "").strip()
            if text:
                row[key] = float(text)
        rows.append(row)
    return rows


def html_to_text(text: str | None) -> str:
    """THL's definitions contain HTML (`<p>`, `<br />`, links); the site gets plain text."""
    if not text:
        return ""
    text = re.sub(r"(?i)<br\s*/?>|</p>|</li>|</div>", "\n", text)
    text = re.sub(r"<[^>]*>", "", text)
    text = html.unescape(text).replace("\xa0", " ")
    lines = [" ".join(line.split()) for line in text.splitlines()]
    return re.sub(r"\n{2,}", "\n", "\n".join(lines)).strip()


def _i18n_text(value: Any) -> dict[str, str]:
    if not isinstance(value, dict):
        return {}
    return {lang: html_to_text(value.get(lang)) for lang in LANGS if value.get(lang)}


def tidy_dataset(spec: DatasetSpec, directory: Path, areas: Areas) -> TidyDataset:
    """The tidier registered for `kind: sotkanet` (the package stage's entry point)."""
    return tidy_sotkanet(spec, directory, area_codes(areas))


def tidy_sotkanet(spec: DatasetSpec, directory: Path, area_codes: set[str]) -> TidyDataset:
    """Map every data row to an official area code and the spec's indicator id."""
    provenance = read_provenance(directory)
    files = {entry["file"]: entry for entry in provenance["files"]}
    problems: list[str] = []
    warnings: list[str] = []
    notes: list[str] = []
    if "regions.json" not in files:
        raise PackageError(f"{directory}: the snapshot has no regions.json; run fetch again")
    regions = json.loads((directory / "regions.json").read_bytes())
    codes = region_codes(regions)
    listed = known_region_ids(regions)
    levels = set(spec.levels)
    gender = str(spec.source.get("gender", "total"))
    metadata = {
        name[len("indicator-") : -len(".json")]: json.loads((directory / name).read_bytes())
        for name, entry in files.items()
        if entry["role"] == "metadata"
    }
    rows: dict[tuple[str, str, str], tuple[float | None, str]] = {}
    unlisted: dict[int, list[str]] = {}
    dropped: set[str] = set()
    for indicator in spec.indicators:
        sotkanet_id, field = parse_select(indicator.select)
        name = next(
            (n for n in (f"data-{sotkanet_id}.json", f"data-{sotkanet_id}.csv") if n in files), None
        )
        if name is None:
            problems.append(
                f"{directory}: no data file for Sotkanet indicator {sotkanet_id} "
                f"({indicator.id}); run fetch again"
            )
            continue
        for row in read_rows(directory / name):
            if str(row.get("indicator")) != sotkanet_id or row.get("gender") != gender:
                continue
            region_id = int(row["region"])
            if region_id not in listed:
                unlisted.setdefault(region_id, []).append((str(row["year"]), row.get("value")))
                continue
            if region_id not in codes:
                continue
            code, level = codes[region_id]
            if level not in levels:
                continue
            if code not in area_codes:
                dropped.add(code)
                continue
            value = row.get(field)
            new = (None, SUPPRESSED) if value is None else (float(value), "")
            key = (code, str(row["year"]), indicator.id)
            if key in rows and rows[key] != new:
                problems.append(
                    f"{directory / name}: region {region_id} ({code}) year {row['year']} "
                    f"reported twice with different values {rows[key][0]} and {new[0]}"
                )
            rows[key] = new
    if unlisted:
        _report_unlisted(spec.id, unlisted, warnings, notes)
    if dropped:
        warnings.append(
            f"{spec.id}: left out {len(dropped)} area(s) not in the areas table: "
            f"{', '.join(sorted(dropped)[:8])}"
        )
    if problems:
        raise PackageError(problems)
    columns = ["area", "period", "indicator", "value", "status"]
    records = [(*key, value, status) for key, (value, status) in rows.items()]
    frame = pd.DataFrame.from_records(records, columns=columns).astype(
        {c: "string" for c in columns if c != "value"} | {"value": "float64"}
    )
    frame = frame.sort_values(["indicator", "area", "period"], kind="stable")
    frame = frame.reset_index(drop=True)
    meta = sotkanet_meta(spec, metadata, provenance)
    return TidyDataset(spec, frame, meta, _sources(spec, provenance), warnings, notes)


def _report_unlisted(
    dataset: str,
    unlisted: dict[int, list[tuple[str, Any]]],
    warnings: list[str],
    notes: list[str],
) -> None:
    """Rows for region ids the snapshot's own region list does not know are left out.

    When every such row is 0 or empty no figure of a real area is lost (the real 2009 CSV
    has three: ids 455, 456 and 730, all 0, none in the 2015 region list), so it is a note.
    Any other value is a figure the site cannot place: a warning, which fails --strict.
    """
    count = sum(map(len, unlisted.values()))
    shown = "; ".join(
        f"{rid} ({', '.join(f'{year}: {value}' for year, value in rows)})"
        for rid, rows in sorted(unlisted.items())
    )
    message = f"{dataset}: left out {count} row(s) for Sotkanet region ids not in regions.json"
    figures = [v for rows in unlisted.values() for _, v in rows if v not in (None, "", 0)]
    if figures:
        warnings.append(f"{message}: {shown}")
    else:
        notes.append(f"{message}, each 0 or empty (no figure lost): {shown}")


def sotkanet_meta(
    spec: DatasetSpec, metadata: dict[str, dict[str, Any]], provenance: dict[str, Any]
) -> dict[str, Any]:
    """`x-kuntadata`: the statfin keys plus THL's definition and producer per indicator."""
    indicators = []
    producers: list[dict[str, str]] = []
    updated: list[str] = []
    for ind in spec.indicators:
        sotkanet_id, field = parse_select(ind.select)
        meta = metadata.get(sotkanet_id) or {}
        producer = _producer(spec, meta)
        if producer not in producers:
            producers.append(producer)
        if meta.get("data-updated"):
            updated.append(str(meta["data-updated"]))
        decimals = ind.decimals
        if decimals is None:
            decimals = int(meta.get("decimals", 0)) if field == "value" else 0
        definition = {key: _i18n_text(meta.get(key)) for key in DEFINITION_KEYS}
        indicators.append(
            {
                "id": ind.id,
                "title": ind.title,
                "unit": ind.unit,
                "description": ind.description or definition["description"],
                "decimals": decimals,
                "higher_is": ind.higher_is,
                "responsible": ind.responsible,
                "additive": ind.additive,
                "sotkanet_id": sotkanet_id,
                "value_field": field,
                "thl_title": _i18n_text(meta.get("title")),
                "definition": {k: v for k, v in definition.items() if v},
                "producer": producer,
                "data_updated": str(meta.get("data-updated", "")),
                "range": meta.get("range") or {},
                "region_levels": list(
                    ((meta.get("classifications") or {}).get("region") or {}).get("values") or []
                ),
                "metadata_url": {
                    lang: METADATA_PAGE.format(lang=lang, id=sotkanet_id) for lang in LANGS
                },
            }
        )
    names = {lang: ", ".join(p[lang] for p in producers) for lang in LANGS}
    attribution = dict(spec.attribution) or {
        "fi": f"Lähde: THL, Sotkanet.fi / {names['fi']}",
        "sv": f"Källa: THL, Sotkanet.fi / {names['sv']}",
        "en": f"Source: THL, Sotkanet.fi / {names['en']}",
    }
    return {
        **base_meta(spec, provenance, attribution, {}),
        "updated": max(updated, default=""),
        "data_updated": max(updated, default=""),
        "indicators": indicators,
        "dimensions": [],
    }


def _producer(spec: DatasetSpec, meta: dict[str, Any]) -> dict[str, str]:
    """The producing organisation: from THL's metadata, else the spec's `source.producer`."""
    title = (meta.get("organization") or {}).get("title") or spec.source.get("producer")
    if not title:
        return dict(PRODUCER_FALLBACK)
    return {lang: html_to_text(title.get(lang) or title.get("fi", "")) for lang in LANGS}


def _sources(spec: DatasetSpec, provenance: dict[str, Any]) -> list[dict[str, Any]]:
    """One entry per indicator, naming THL's public metadata page (the canonical address)."""
    out = []
    data = [e for e in provenance["files"] if e["role"] == "data"]
    for entry in data:
        sotkanet_id = entry["file"].split("-", 1)[1].rsplit(".", 1)[0]
        out.append(
            {
                "title": f"THL, Sotkanet.fi, indicator {sotkanet_id}",
                "path": METADATA_PAGE.format(lang="en", id=sotkanet_id),
                "x-fetched-from": entry["url"],
                "x-fetched-at": entry["fetched_at"],
            }
        )
    return out
