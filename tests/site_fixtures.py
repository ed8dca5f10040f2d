"""A small, real data package for site tests, following docs/architecture.md exactly.

Every number comes from a real Statistics Finland file in `tests/fixtures/statfin/`:
- population 31.12. (table 11re, json-stat2 responses): Espoo, Helsinki, Vantaa 2025,
  Helsinki 2021-2025, whole country 2023-2025. Kuopio and Uusimaa have no population rows,
  which is exactly the "not fetched for this area" case the site must show honestly.
- families (table 12c1, the complete real PX file): number of families and average family
  size 2006-2022 for the municipalities, their regions and the whole country.
Areas are a subset of `data/raw/classification/areas/areas.csv` (the real classification).
Dates that are not in the source files (`fetched_at`) are fixed constants so builds repeat.
"""

from __future__ import annotations

import csv
import json
import os
import re
from pathlib import Path
from typing import Any

from kuntadata.paths import REPO_ROOT
from kuntadata.sources.testing import read_fixture

# The real recorded files (tests/fixtures/README.md); KUNTADATA_REALDATA names another copy.
# Not imported from pxweb_jsonstat: this module is also imported as tests.site_fixtures.
FIXTURES = Path(os.environ.get("KUNTADATA_REALDATA") or REPO_ROOT / "tests" / "fixtures")
REALDATA = FIXTURES / "statfin"
AREAS_CSV = REPO_ROOT / "data" / "raw" / "classification" / "areas" / "areas.csv"
MERGERS_CSV = REPO_ROOT / "data" / "raw" / "classification" / "areas" / "area_mergers.csv"
PX_12C1 = REALDATA / "statfin_perh_12c1_2006-2022_all_areas.px"
FETCHED_AT = "2026-11-23T19:00:00Z"
MUNICIPALITIES = ("KU049", "KU091", "KU092", "KU297")  # Espoo, Helsinki, Vantaa, Kuopio
AREA_FIELDS = [
    "code", "level", "name_fi", "name_sv", "name_en", "region", "subregion",
    "wellbeing_county", "language_status", "majority_language", "valid_from", "valid_to",
]  # fmt: skip
CC_BY = {
    "name": "CC-BY-4.0",
    "path": "https://creativecommons.org/licenses/by/4.0/",
    "title": "Creative Commons Attribution 4.0 International",
}
STATUS = {
    "..": {
        "fi": "tietoa ei ole saatu, se on liian epävarma esitettäväksi tai se on salassapidettävä",
        "sv": "uppgift inte tillgänglig, för osäker för att anges eller sekretessbelagd",
        "en": "data not available, too uncertain to be presented, or confidential",
    },
}


def read_areas(codes: set[str] | None = None) -> list[dict[str, str]]:
    """Rows of the real areas.csv: `codes` and their parents, or all rows when None."""
    with AREAS_CSV.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    if codes is None:
        return rows
    wanted = set(codes) | {"SSS"}
    for row in rows:
        if row["code"] in codes:
            wanted |= {row["region"], row["subregion"], row["wellbeing_county"]} - {""}
    return [row for row in rows if row["code"] in wanted]


def population_rows() -> list[dict[str, str]]:
    """Population 31.12. from the three recorded json-stat2 responses of table 11re."""
    rows: dict[tuple[str, str], str] = {}
    for name in (
        "statfin_11re_jsonstat2_3cities_2025.json",
        "statfin_11re_jsonstat2_KU091_2021-2025.json",
        "statfin_11re_jsonstat2_SSS_2023-2025.json",
    ):
        data = json.loads((REALDATA / name).read_text(encoding="utf-8"))
        dims = data["id"]
        index = {d: list(data["dimension"][d]["category"]["index"]) for d in dims}
        area_dim, time_dim = dims[0], "timeperiod_y"
        sizes = data["size"]
        for flat, value in enumerate(data["value"]):
            position, rest = {}, flat
            for dim, size in zip(reversed(dims), reversed(sizes), strict=True):
                position[dim] = index[dim][rest % size]
                rest //= size
            rows[(position[area_dim], position[time_dim])] = str(value)
    return [
        {"area": area, "period": period, "indicator": "population", "value": value, "status": ""}
        for (area, period), value in sorted(rows.items())
    ]


def _px_list(text: str, keyword: str) -> list[str]:
    match = re.search(re.escape(keyword) + r"=(.*?);\s*\n", text, re.S)
    if match is None:
        raise ValueError(f"{PX_12C1.name}: {keyword} not found")
    return re.findall(r'"([^"]*)"', match.group(1))


def family_rows(areas: set[str]) -> list[dict[str, str]]:
    """Families (perhlkm) and average family size (perhkoko) from the real 12c1 PX file.

    A minimal reader for exactly this file's layout: STUB Vuosi, Alue, Perhetyyppi (one
    value), HEADING Tiedot; DATA row-major. Tests may not import kuntadata.sources.
    """
    text = read_fixture(PX_12C1).decode("iso-8859-15")
    years = _px_list(text, 'CODES("Vuosi")')
    area_codes = _px_list(text, 'CODES("Alue")')
    contents = _px_list(text, 'CODES("Tiedot")')
    data = text[text.index("DATA=") + 5 :].replace(";", " ").split()
    wanted = {"perhlkm": ("families", 0), "perhkoko": ("family_size", 2)}
    rows = []
    width = len(contents)
    for y, year in enumerate(years):
        for a, area in enumerate(area_codes):
            if area not in areas:
                continue
            start = (y * len(area_codes) + a) * width
            for c, content in enumerate(contents):
                if content not in wanted:
                    continue
                indicator, decimals = wanted[content]
                token = data[start + c].strip('"')
                if re.fullmatch(r"-?\d+(\.\d+)?", token):
                    value, status = f"{float(token):.{decimals}f}", ""
                else:
                    value, status = "", token
                rows.append(
                    {"area": area, "period": year, "indicator": indicator, "value": value,
                     "status": status}
                )  # fmt: skip
    rows.sort(key=lambda r: (r["area"], r["period"], r["indicator"]))
    return rows


def i18n(fi: str, sv: str, en: str) -> dict[str, str]:
    return {"fi": fi, "sv": sv, "en": en}


def _fields(indicators: list[str]) -> list[dict[str, Any]]:
    return [
        {"name": "area", "type": "string", "title": "Area code"},
        {"name": "period", "type": "string", "title": "Period"},
        {"name": "indicator", "type": "string", "title": "Indicator",
         "constraints": {"enum": indicators}},
        {"name": "value", "type": "number", "title": "Value"},
        {"name": "status", "type": "string", "title": "Status symbol"},
    ]  # fmt: skip


def _resource(name: str, title: str, indicators: list[str], meta: dict) -> dict[str, Any]:
    return {
        "name": name,
        "path": f"{name}.csv",
        "type": "table",
        "scheme": "file",
        "format": "csv",
        "mediatype": "text/csv",
        "encoding": "utf-8",
        "title": title,
        "schema": {
            "fields": _fields(indicators),
            "missingValues": [""],
            "primaryKey": ["area", "period", "indicator"],
            "foreignKeys": [
                {"fields": ["area"], "reference": {"resource": "areas", "fields": ["code"]}}
            ],
        },
        "licenses": [CC_BY],
        "x-kuntadata": meta,
    }


POPULATION_META: dict[str, Any] = {
    "dataset": "population",
    "theme": "population",
    "title": i18n("Väestö 31.12.", "Befolkning 31.12", "Population 31 December"),
    "description": i18n(
        "Kunnan väkiluku vuoden lopussa.",
        "Kommunens folkmängd vid årets slut.",
        "Population of the municipality at the end of the year.",
    ),
    "source_kind": "statfin",
    "table": "11re",
    "table_title": i18n(
        "11re -- Väestö iän (1-v.) ja sukupuolen mukaan alueittain, 1972-2025",
        "11re -- Befolkning efter ålder (1-år) och kön efter område, 1972-2025",
        "11re -- Population according to age (1-year) and sex by area, 1972-2025",
    ),
    "attribution": i18n(
        "Lähde: Tilastokeskus, väestörakenne",
        "Källa: Statistikcentralen, befolkningsstruktur",
        "Source: Statistics Finland, population structure",
    ),
    "licence": "CC-BY-4.0",
    "fetched_at": FETCHED_AT,
    "updated": "2026-04-01T05:00:00Z",
    "indicators": [
        {
            "id": "population",
            "title": i18n("Väkiluku", "Folkmängd", "Population"),
            "unit": i18n("henkeä", "personer", "persons"),
            "description": i18n("Väestö 31.12.", "Befolkning 31.12", "Population on 31 December"),
            "decimals": 0,
            "higher_is": "neutral",
            "responsible": "other",
            "additive": True,
        },
    ],
    "dimensions": [],
    "chart": {"type": "line", "indicators": ["population"]},
}

FAMILIES_META: dict[str, Any] = {
    "dataset": "families",
    "theme": "population",
    "title": i18n("Perheet 31.12.", "Familjer 31.12", "Families 31 December"),
    "description": i18n(
        "Perheiden lukumäärä ja keskikoko.",
        "Antal familjer och deras medelstorlek.",
        "Number of families and average family size.",
    ),
    "source_kind": "statfin",
    "table": "12c1",
    "table_title": i18n(
        "12c1 -- Tunnuslukuja perheistä perhetyypin mukaan alueittain, 2006-2022",
        "12c1 -- Nyckeltal för familjer efter familjetyp och område, 2006-2022",
        "12c1 -- Key figures on families by type of family and area, 2006-2022",
    ),
    "attribution": i18n(
        "Lähde: Tilastokeskus, perheet",
        "Källa: Statistikcentralen, familjer",
        "Source: Statistics Finland, families",
    ),
    "licence": "CC-BY-4.0",
    "fetched_at": FETCHED_AT,
    "updated": "2023-06-16T08:00:00",
    "indicators": [
        {
            "id": "families",
            "title": i18n("Perheiden lukumäärä", "Antal familjer", "Number of families"),
            "unit": i18n("perhettä", "familjer", "families"),
            "description": {},
            "decimals": 0,
            "higher_is": "neutral",
            "responsible": "other",
            "additive": True,
        },
        {
            "id": "family_size",
            "title": i18n("Perheen keskikoko", "Familjens medelstorlek", "Average family size"),
            "unit": i18n("henkeä", "personer", "persons"),
            "description": {},
            "decimals": 2,
            "higher_is": "neutral",
            "responsible": "other",
            "additive": False,
        },
    ],
    "dimensions": [],
    "chart": {"type": "line", "indicators": ["families", "family_size"]},
}


def _write_csv(path: Path, fields: list[str], rows: list[dict[str, str]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=fields, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def write_package(
    directory: Path,
    municipalities: tuple[str, ...] | None = MUNICIPALITIES,
    *,
    with_population: bool = True,
) -> Path:
    """Write a package to `directory` (created); `municipalities=None` = all of Finland."""
    directory.mkdir(parents=True, exist_ok=True)
    areas = read_areas(set(municipalities) if municipalities else None)
    codes = {row["code"] for row in areas}
    _write_csv(directory / "areas.csv", AREA_FIELDS, areas)
    with MERGERS_CSV.open(encoding="utf-8", newline="") as handle:
        mergers = [r for r in csv.DictReader(handle) if r["new_code"] in codes]
    _write_csv(directory / "area_mergers.csv", ["old_code", "new_code", "year"], mergers)
    resources: list[dict[str, Any]] = [
        {"name": "areas", "path": "areas.csv", "type": "table", "format": "csv",
         "mediatype": "text/csv", "encoding": "utf-8", "title": "Areas",
         "schema": {"fields": [{"name": f, "type": "string"} for f in AREA_FIELDS],
                    "missingValues": [""], "primaryKey": ["code"]}},
    ]  # fmt: skip
    datasets = []
    if with_population:
        datasets.append(("population", POPULATION_META, population_rows(), ["population"]))
    datasets.append(("families", FAMILIES_META, family_rows(codes), ["families", "family_size"]))
    fields = ["area", "period", "indicator", "value", "status"]
    for name, meta, rows, indicators in datasets:
        rows = [r for r in rows if r["area"] in codes]
        _write_csv(directory / f"{name}.csv", fields, rows)
        resources.append(_resource(name, meta["title"]["en"], indicators, json.loads(
            json.dumps(meta))))  # fmt: skip
    descriptor = {
        "$schema": "https://datapackage.org/profiles/2.0/datapackage.json",
        "name": "kuntadata",
        "title": "Kuntadata test package",
        "licenses": [CC_BY],
        "x-status": STATUS,
        "x-built-at": FETCHED_AT,
        "resources": resources,
    }
    (directory / "datapackage.json").write_text(
        json.dumps(descriptor, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
    )
    return directory


def site_config(**changes: Any) -> Any:
    """A SiteConfig for tests (kuntadata.config's dataclass), with `changes` applied."""
    from kuntadata.config import SiteConfig

    values: dict[str, Any] = {
        "title": i18n("Kuntadata", "Kommundata", "Municipal data"),
        "description": i18n(
            "Avointa tilastotietoa kunnista.",
            "Öppen statistik om kommuner.",
            "Open statistics about municipalities.",
        ),
        "base_url": "https://example.org/kuntadata/",
        "languages": ("fi", "sv", "en"),
        "scope": "all",
        "compare": ("region", "country"),
        "contact": {
            "organisation": i18n("Esimerkkikunta", "Exempelkommun", "Example municipality"),
            "email": "avoindata@example.org",
            "feedback_url": "https://example.org/palaute",
            "statement_date": "2026-11-01",
        },
        "theme": {"primary_color": "#0b4f8a"},
    }
    values.update(changes)
    return SiteConfig(**values)


def make_project(root: Path, **package_options: Any) -> Any:
    """A project root with `data/package/`, the repository's content/ and site_templates/."""
    from kuntadata.paths import ProjectPaths

    write_package(root / "data" / "package", **package_options)
    for name in ("content", "site_templates"):
        link = root / name
        if not link.exists():
            link.symlink_to(REPO_ROOT / name, target_is_directory=True)
    return ProjectPaths(root)
