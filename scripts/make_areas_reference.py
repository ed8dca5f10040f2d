"""Generate the committed areas reference (`data/raw/classification/areas/`) from the real key.

Usage::

    python scripts/make_areas_reference.py [--realdata DIR] [--out DIR] [--generated-at TIME]

Why this script exists: the Statistics Finland classification service
(`data.stat.fi/api/classifications/v2`) could not be reached or tested offline, so instead
of an untested adapter the project commits one small derivative of the real municipality
key, made by this script, and every later stage reads only that derivative. Re-running the
script with the same inputs gives byte-identical `areas.csv` and `area_mergers.csv` (and an
identical `provenance.json` when `--generated-at` repeats the recorded time);
`tests/test_areas.py` checks that.

Inputs (under `--realdata`, default `$KUNTADATA_REALDATA` or `tests/fixtures`, whose README
names each file's source; a `NAME.gz` beside a missing `NAME` is read decompressed, so the
3.9 MB stacked key travels with the repository as 200 KB and gives the same bytes and hash):

- `classification/geofi_municipality_key_2026.csv`: the 308 municipalities of 1.1.2026 with
  fi/sv/en names, maakunta, seutukunta, hyvinvointialue and kielisuhde. rOpenGov/geofi
  built it from the classification service; R stored codes as integers, so they are padded
  here (kunta 3 digits, maakunta 2, seutukunta 3, hyvinvointialue 2).
- `classification/geofi_municipality_key_2013_2026.csv`: the same key stacked for every year
  2013-2026. Gives `valid_from` (first year present; 2013 means "2013 or earlier" because the
  stack starts there), `valid_to` of abolished municipalities (last year present) and their
  last known names and parents, and the year of each merger since 2013.
- `classification/statficlassifications_abolished_mun_key.csv`: `joiner,joinee` from
  Statistics Finland's list of abolished municipalities up to 2024 (via pttry/
  statficlassifications). Identity rows (the then-current municipalities) are dropped.

Decisions the inputs do not make for us (each one is also recorded in `provenance.json`):

- Pertunmaa `KU588` merged into Mäntyharju `KU507` on 1.1.2025; the abolished key predates it.
  The stacked key shows the code present in 2024 and gone in 2025; the joinee comes from
  `SUPPLEMENTARY_MERGERS` below (confirmed by the MML 2023 boundaries and shared/APIS.md
  section 2.1).
- A merger row whose chain never reaches a 2026 municipality (the joinee is neither current
  nor itself abolished in the key) cannot be followed and is left out, listed under
  `excluded_mergers`.
- Some old municipalities were split between several others, so one `old_code` can have
  several rows. Chains are kept as direct steps (old -> its joinee), not collapsed.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import io
import json
import os
import shutil
import sys
import tempfile
from collections import defaultdict
from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT))

from kuntadata.areas import AREAS_COLUMNS, MERGERS_COLUMNS  # noqa: E402  (one definition)
from kuntadata.sources.testing import find_fixture, read_fixture  # noqa: E402

DEFAULT_REALDATA = Path(os.environ.get("KUNTADATA_REALDATA") or REPO_ROOT / "tests" / "fixtures")
DEFAULT_OUT = REPO_ROOT / "data" / "raw" / "classification" / "areas"

KEY_2026 = "classification/geofi_municipality_key_2026.csv"
KEY_STACKED = "classification/geofi_municipality_key_2013_2026.csv"
ABOLISHED_KEY = "classification/statficlassifications_abolished_mun_key.csv"

INPUT_SOURCES = {
    KEY_2026: "rOpenGov/geofi : data/municipality_key_2026.rda"
    " @ de9392bbeac7ce09d13637ec000b8c9e69ce5c52 (converted to CSV)",
    KEY_STACKED: "rOpenGov/geofi : data/municipality_key.rda"
    " @ de9392bbeac7ce09d13637ec000b8c9e69ce5c52 (converted to CSV)",
    ABOLISHED_KEY: "pttry/statficlassifications : data/abolished_mun_key.rda"
    " @ 1ca8f09050929f8edeef3e99dc4dafb2e1dc6f8b (converted to CSV)",
}


CURRENT_YEAR = 2026
COUNTRY = {
    "code": "SSS",
    "level": "country",
    "name_fi": "Koko maa",
    "name_sv": "Hela landet",
    "name_en": "Whole country",
}

# kielisuhde_code -> (language_status, majority_language). The key's own English labels are
# checked against this table at run time, so a recoded classification fails loudly.
LANGUAGE_STATUS = {
    "0": ("finnish", "fi", "monolingual finnish"),
    "1": ("bilingual", "fi", "bilingual municipality with finnish"),
    "2": ("swedish", "sv", "monolingual swedish"),
    "3": ("bilingual", "sv", "bilingual municipality with swedish"),
}

# Mergers the abolished key is too old to contain: old code -> joinee, with the evidence.
SUPPLEMENTARY_MERGERS = {
    "KU588": (
        "KU507",
        "Pertunmaa merged into Mäntyharju on 1.1.2025: present in the stacked key in 2024, "
        "absent from 2025; the MML 2023 boundaries still have it; shared/APIS.md section 2.1",
    ),
}

LICENCE = {
    "name": "CC-BY-4.0",
    "path": "https://creativecommons.org/licenses/by/4.0/",
    "title": "Creative Commons Attribution 4.0 International",
}
ATTRIBUTION = (
    "Source: Statistics Finland, municipality classification (via rOpenGov/geofi municipality keys)"
)


class InputError(Exception):
    """The inputs contradict an assumption this script relies on; nothing is written."""


def pad(code: str, width: int) -> str:
    """Zero-pad an integer code that R stored without its leading zeros ("91" -> "091")."""
    code = code.strip()
    if not code.isdigit():
        raise InputError(f"expected a numeric code, got {code!r}")
    return code.zfill(width)


def clean(name: str) -> str:
    """Strip and collapse the stray spaces the key carries ('Gustav Adolfs  ')."""
    return " ".join(name.split())


def read_input(path: Path) -> bytes:
    """The input's bytes, decompressed when only `NAME.gz` exists: provenance records the
    hash and size of these bytes, so both forms of a file reproduce the same reference."""
    try:
        return read_fixture(path)
    except FileNotFoundError as exc:
        raise InputError(f"input not found: {path}") from exc


def read_rows(data: bytes) -> list[dict[str, str]]:
    """Read a CSV as strings only, so no code ever loses a leading zero."""
    with io.TextIOWrapper(io.BytesIO(data), encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def language_of(row: dict[str, str]) -> tuple[str, str]:
    code = row["kielisuhde_code"].strip()
    if code not in LANGUAGE_STATUS:
        raise InputError(f"kunta {row['kunta']}: unknown kielisuhde_code {code!r}")
    status, majority, label_start = LANGUAGE_STATUS[code]
    label = row["kielisuhde_name_en"].strip().casefold().replace("-speaking", "")
    if not label.startswith(label_start):
        raise InputError(
            f"kielisuhde_code {code} is labelled {row['kielisuhde_name_en']!r}; "
            f"the mapping in LANGUAGE_STATUS expects {label_start!r}"
        )
    return status, majority


def municipality_row(row: dict[str, str], valid_from: int, valid_to: int | None) -> dict:
    """One municipality in the areas.csv shape, parents as prefixed padded codes."""
    status, majority = language_of(row)
    hva = row["hyvinvointialue_code"].strip()
    return {
        "code": "KU" + pad(row["kunta"], 3),
        "level": "municipality",
        "name_fi": clean(row["municipality_name_fi"]),
        "name_sv": clean(row["municipality_name_sv"]),
        "name_en": clean(row["municipality_name_en"]),
        "region": "MK" + pad(row["maakunta_code"], 2),
        "subregion": "SK" + pad(row["seutukunta_code"], 3),
        # Abolished before the classification had wellbeing counties: no parent to give.
        "wellbeing_county": "HVA" + pad(hva, 2) if hva else "",
        "language_status": status,
        "majority_language": majority,
        "valid_from": str(valid_from),
        "valid_to": "" if valid_to is None else str(valid_to),
    }


def parent_rows(
    key_2026: list[dict[str, str]], first_year: dict[tuple[str, str], int]
) -> list[dict]:
    """Regions, sub-regions and wellbeing counties of 2026, named as the key names them."""
    specs = [
        ("region", "MK", "maakunta", 2),
        ("subregion", "SK", "seutukunta", 3),
        ("wellbeing_county", "HVA", "hyvinvointialue", 2),
    ]
    rows: dict[str, dict] = {}
    for level, prefix, column, width in specs:
        for row in key_2026:
            raw = row[f"{column}_code"].strip()
            code = prefix + pad(raw, width)
            area = {
                "code": code,
                "level": level,
                "name_fi": clean(row[f"{column}_name_fi"]),
                "name_sv": clean(row[f"{column}_name_sv"]),
                "name_en": clean(row[f"{column}_name_en"]),
                "region": "MK" + pad(row["maakunta_code"], 2) if level == "subregion" else "",
                "subregion": "",
                "wellbeing_county": "",
                "language_status": "",
                "majority_language": "",
                "valid_from": str(first_year[(column, raw)]),
                "valid_to": "",
            }
            if code in rows and rows[code] != area:
                raise InputError(f"{code}: the 2026 key gives it two different rows")
            rows[code] = area
    return list(rows.values())


def build_areas(
    key_2026: list[dict[str, str]], stacked: list[dict[str, str]]
) -> tuple[list[dict], dict[str, tuple[int, int]]]:
    """All area rows, and each municipality code's (first, last) year in the stacked key."""
    years: dict[str, list[int]] = defaultdict(list)
    last_row: dict[str, tuple[int, dict[str, str]]] = {}
    first_year: dict[tuple[str, str], int] = {}
    for row in stacked:
        year = int(row["year"])
        code = "KU" + pad(row["kunta"], 3)
        years[code].append(year)
        if code not in last_row or year > last_row[code][0]:
            last_row[code] = (year, row)
        for column in ("maakunta", "seutukunta", "hyvinvointialue"):
            raw = row[f"{column}_code"].strip()
            if raw:
                key = (column, raw)
                first_year[key] = min(year, first_year.get(key, year))
    span = {code: (min(ys), max(ys)) for code, ys in years.items()}
    for code, ys in years.items():
        if len(ys) != span[code][1] - span[code][0] + 1:
            raise InputError(f"{code} has gaps in the stacked key: {sorted(ys)}")

    current = {"KU" + pad(row["kunta"], 3): row for row in key_2026}
    if len(current) != len(key_2026):
        raise InputError("the 2026 key repeats a municipality code")
    stacked_current = {c for c, (_, last) in span.items() if last == CURRENT_YEAR}
    if stacked_current != set(current):
        raise InputError("the 2026 key and the stacked key's 2026 rows disagree")

    municipalities = []
    for code in sorted(span):
        first, last = span[code]
        if code in current:
            municipalities.append(municipality_row(current[code], first, None))
        else:
            municipalities.append(municipality_row(last_row[code][1], first, last))

    country = (
        dict.fromkeys(AREAS_COLUMNS, "") | COUNTRY | {"valid_from": str(min(span.values())[0])}
    )
    parents = parent_rows(key_2026, first_year)
    order = {"region": 1, "subregion": 2, "wellbeing_county": 3}
    parents.sort(key=lambda area: (order[area["level"]], area["code"]))
    areas = [country, *parents, *municipalities]

    codes = {area["code"] for area in areas}
    for area in municipalities:
        for column in ("region", "subregion", "wellbeing_county"):
            if area[column] and area[column] not in codes:
                raise InputError(f"{area['code']}: {column} {area[column]} is not an area")
    return areas, span


def build_mergers(
    abolished: list[dict[str, str]], span: dict[str, tuple[int, int]], current: set[str]
) -> tuple[list[dict], list[dict]]:
    """Direct merger steps with years where the stacked key tells, and the rows left out."""
    steps: dict[tuple[str, str], str] = {}
    for row in abolished:
        old, new = row["joiner"].strip(), row["joinee"].strip()
        if old != new:
            steps[(old, new)] = "statficlassifications abolished key"
    for old, (new, why) in SUPPLEMENTARY_MERGERS.items():
        steps[(old, new)] = why

    # Every municipality that left the stacked key must have somewhere to go.
    joiners = {old for old, _ in steps}
    for code, (_, last) in span.items():
        if last < CURRENT_YEAR and code not in joiners:
            raise InputError(
                f"{code} leaves the stacked key after {last} but no merger row names it; "
                "add it to SUPPLEMENTARY_MERGERS with its evidence"
            )

    successors: dict[str, list[str]] = defaultdict(list)
    for old, new in steps:
        successors[old].append(new)

    def reaches_current(code: str, seen: frozenset[str]) -> bool:
        if code in current:
            return True
        if code in seen or code not in successors:
            return False
        return all(reaches_current(nxt, seen | {code}) for nxt in successors[code])

    rows, excluded = [], []
    for old, new in sorted(steps):
        if not reaches_current(new, frozenset({old})):
            excluded.append(
                {
                    "old_code": old,
                    "new_code": new,
                    "reason": f"{new} is neither a {CURRENT_YEAR} municipality nor an abolished "
                    "municipality in the key, so the chain cannot be followed",
                }
            )
            continue
        year = ""
        if old in span:
            # The merger takes effect on 1 January after the last year the old code exists;
            # the joinee must exist that year.
            merged_year = span[old][1] + 1
            if new not in span or not span[new][0] <= merged_year <= span[new][1]:
                raise InputError(f"{old} -> {new}: {new} does not exist in {merged_year}")
            year = str(merged_year)
        rows.append({"old_code": old, "new_code": new, "year": year})
    return rows, excluded


def csv_text(rows: Iterable[dict], columns: list[str]) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue()


def write_atomically(out: Path, files: dict[str, bytes]) -> None:
    """Write every file into a temporary sibling, then swap it into place in one rename.

    A failure half way leaves the previous reference untouched.
    """
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.tmp-", dir=out.parent))
    try:
        tmp.chmod(0o755)  # mkdtemp makes 0700; the reference is an ordinary shared folder
        for name, data in files.items():
            (tmp / name).write_bytes(data)
        backup = None
        if out.exists():
            backup = out.parent / f".{out.name}.old-{os.getpid()}"
            out.rename(backup)
        tmp.rename(out)
        if backup is not None:
            shutil.rmtree(backup)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


def generate(realdata: Path, out: Path, generated_at: str) -> dict[str, int]:
    """Build and write the reference; returns row counts per level (for the summary line)."""
    paths = {name: realdata / name for name in INPUT_SOURCES}
    missing = [str(path) for path in paths.values() if find_fixture(path) is None]
    if missing:
        raise InputError("input not found: " + ", ".join(missing) + " (see --realdata)")
    inputs = {name: read_input(path) for name, path in paths.items()}
    key_2026 = read_rows(inputs[KEY_2026])
    stacked = read_rows(inputs[KEY_STACKED])
    abolished = read_rows(inputs[ABOLISHED_KEY])

    areas, span = build_areas(key_2026, stacked)
    current = {a["code"] for a in areas if a["level"] == "municipality" and not a["valid_to"]}
    mergers, excluded = build_mergers(abolished, span, current)

    areas_csv = csv_text(areas, AREAS_COLUMNS).encode("utf-8")
    mergers_csv = csv_text(mergers, MERGERS_COLUMNS).encode("utf-8")
    counts: dict[str, int] = defaultdict(int)
    for area in areas:
        level = area["level"]
        if level == "municipality":
            level = "municipality (abolished)" if area["valid_to"] else "municipality (2026)"
        counts[level] += 1
    provenance = {
        "dataset": "areas",
        "source": "classification",
        "generated_at": generated_at,
        "generated_by": "scripts/make_areas_reference.py",
        "licence": LICENCE,
        "attribution": ATTRIBUTION,
        "note": (
            "The Statistics Finland classification service (data.stat.fi/api/classifications/"
            "v2) could not be tested offline, so its response format is not relied on: this "
            "reference file is generated from the real municipality key as converted by "
            "rOpenGov/geofi and pttry/statficlassifications. Codes are zero-padded strings "
            "(kunta 3 digits, maakunta 2, seutukunta 3, hyvinvointialue 2). valid_from 2013 "
            "means '2013 or earlier' (the stacked key starts in 2013); valid_to is the last "
            "year an abolished municipality existed; a merger's year is that year + 1 and is "
            "empty for mergers before 2013."
        ),
        "inputs": [
            {
                "file": name,
                "source": source,
                "sha256": hashlib.sha256(inputs[name]).hexdigest(),
                "bytes": len(inputs[name]),
            }
            for name, source in INPUT_SOURCES.items()
        ],
        "supplementary_mergers": [
            {"old_code": old, "new_code": new, "evidence": why}
            for old, (new, why) in SUPPLEMENTARY_MERGERS.items()
        ],
        "excluded_mergers": excluded,
        "files": [
            {
                "file": "areas.csv",
                "sha256": hashlib.sha256(areas_csv).hexdigest(),
                "rows": len(areas),
                "rows_by_level": dict(sorted(counts.items())),
            },
            {
                "file": "area_mergers.csv",
                "sha256": hashlib.sha256(mergers_csv).hexdigest(),
                "rows": len(mergers),
            },
        ],
    }
    provenance_json = (json.dumps(provenance, indent=2, ensure_ascii=False) + "\n").encode("utf-8")
    write_atomically(
        out,
        {
            "areas.csv": areas_csv,
            "area_mergers.csv": mergers_csv,
            "provenance.json": provenance_json,
        },
    )
    counts["mergers"] = len(mergers)
    counts["excluded mergers"] = len(excluded)
    return dict(counts)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--realdata", type=Path, default=DEFAULT_REALDATA, help="realdata folder")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="output folder")
    parser.add_argument(
        "--generated-at",
        help="time to record in provenance.json (default: now, UTC); repeat the recorded "
        "value to reproduce the committed files byte for byte",
    )
    args = parser.parse_args(argv)
    generated_at = args.generated_at or datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    try:
        counts = generate(args.realdata.resolve(), args.out.resolve(), generated_at)
    except InputError as error:
        print(f"make_areas_reference: {error}", file=sys.stderr)
        return 1
    summary = ", ".join(f"{count} {level}" for level, count in counts.items())
    print(f"Wrote {args.out}: {summary}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
