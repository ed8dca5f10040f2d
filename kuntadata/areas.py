"""The areas table: codes, names, parents, scope resolution and close-match suggestions.

Every stage names places with one string namespace (docs/architecture.md, "Areas"): `SSS`
the whole country, `KU091` a municipality, `MK01` a region, `SK011` a sub-region, `HVA01` a
wellbeing services county (`HVA90` City of Helsinki, `HVA91` Åland). The table is read from
the committed reference `data/raw/classification/areas/` (made by
`scripts/make_areas_reference.py`), never from the network, so a site builds offline.

Codes stay strings from disk to page: the CSVs are read with the `csv` module, which never
turns `005` into 5.
"""

from __future__ import annotations

import csv
import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher
from pathlib import Path

from kuntadata.errors import KuntadataError, SpecError

DEFAULT_AREAS_DIR = Path("data/raw/classification/areas")
AREAS_FILE = "areas.csv"
MERGERS_FILE = "area_mergers.csv"
AREAS_COLUMNS = (
    "code",
    "level",
    "name_fi",
    "name_sv",
    "name_en",
    "region",
    "subregion",
    "wellbeing_county",
    "language_status",
    "majority_language",
    "valid_from",
    "valid_to",
)
MERGERS_COLUMNS = ("old_code", "new_code", "year")
LEVELS = ("country", "region", "subregion", "wellbeing_county", "municipality")
LANGS = ("fi", "sv", "en")
COUNTRY_CODE = "SSS"
REGENERATE = "python scripts/make_areas_reference.py"

_CODE = re.compile(r"SSS|KU\d{3}|MK\d{2}|SK\d{3}|HVA\d{2}")
_CODE_SHAPED = re.compile(r"(KU|MK|SK|HVA)\d*")
_CODED_LABEL = re.compile(r"(SSS|KU\d{3}|MK\d{2}|SK\d{3}|HVA\d{2}|\d{3})\s+(.+)")
PARENT_COLUMNS = ("region", "subregion", "wellbeing_county")
_CODE_HINT = "codes look like KU091, MK01, SK011, HVA01 or SSS"


@dataclass(frozen=True)
class Area:
    """One row of areas.csv; empty cells are None, years are ints, codes are strings."""

    code: str
    level: str
    name_fi: str
    name_sv: str
    name_en: str
    region: str | None
    subregion: str | None
    wellbeing_county: str | None
    language_status: str | None
    majority_language: str | None
    valid_from: int | None
    valid_to: int | None

    @property
    def active(self) -> bool:
        """True for areas of the current division; abolished municipalities have a valid_to."""
        return self.valid_to is None

    def name(self, lang: str) -> str:
        if lang not in LANGS:
            raise ValueError(f"language {lang!r} is not one of {', '.join(LANGS)}")
        return getattr(self, f"name_{lang}")


@dataclass(frozen=True)
class Merger:
    """One direct step `old_code` -> `new_code`; `year` is None where the key does not tell."""

    old_code: str
    new_code: str
    year: int | None


def fold(text: str) -> str:
    """ASCII, lowercase, hyphen-separated: 'Närpes' -> 'narpes', 'S:t Mårtens' -> 's-t-martens'."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    ascii_text = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return re.sub(r"[^a-z0-9]+", "-", ascii_text).strip("-")


def _key(text: str) -> str:
    """The form names are compared in: case and runs of spaces do not matter."""
    return " ".join(text.split()).casefold()


class Areas:
    """The loaded areas table with the look-ups every stage needs."""

    def __init__(self, areas: Iterable[Area], mergers: Iterable[Merger] = ()) -> None:
        self._areas: dict[str, Area] = {area.code: area for area in areas}
        self.mergers: tuple[Merger, ...] = tuple(mergers)
        self._children: dict[str, list[Area]] = defaultdict(list)
        self._names: dict[str, list[str]] = defaultdict(list)
        self._successors: dict[str, list[str]] = defaultdict(list)
        for area in sorted(self._areas.values(), key=_priority):
            if area.level == "municipality":
                for parent in (area.region, area.subregion, area.wellbeing_county):
                    if parent:
                        self._children[parent].append(area)
                self._children[COUNTRY_CODE].append(area)
            for lang in LANGS:
                codes = self._names[_key(area.name(lang))]
                if area.code not in codes:
                    codes.append(area.code)
        for merger in self.mergers:
            self._successors[merger.old_code].append(merger.new_code)

    def __len__(self) -> int:
        return len(self._areas)

    def __iter__(self) -> Iterator[Area]:
        return iter(self._areas.values())

    def __contains__(self, code: object) -> bool:
        return code in self._areas

    def get(self, code: str) -> Area:
        """The area with this exact code; an unknown code is a SpecError with close matches."""
        area = self._areas.get(code)
        if area is None:
            raise SpecError(self._unknown(code))
        return area

    def all(self) -> list[Area]:
        """Every area, abolished municipalities included, in file order (foreign-key checks)."""
        return list(self._areas.values())

    def by_level(self, level: str, active_only: bool = True) -> list[Area]:
        """Areas of one level in code order."""
        if level not in LEVELS:
            raise ValueError(f"level {level!r} is not one of {', '.join(LEVELS)}")
        return sorted(
            (a for a in self._areas.values() if a.level == level and (a.active or not active_only)),
            key=lambda a: a.code,
        )

    def municipalities(self, active_only: bool = True) -> list[Area]:
        return self.by_level("municipality", active_only)

    def children(self, code: str, active_only: bool = True) -> list[Area]:
        """Municipalities of a region, sub-region, wellbeing county or the country, by code.

        Abolished municipalities keep their last parents, so `active_only=False` also lists
        municipalities that used to belong to the area.
        """
        self.get(code)
        found = [a for a in self._children.get(code, []) if a.active or not active_only]
        return sorted(found, key=lambda a: a.code)

    def resolve_scope(self, scope: str | Sequence[object], where: str = "") -> list[str]:
        """Expand a spec's `scope` ("all" or codes of any level) to municipality codes.

        Every bad entry is collected and reported in one SpecError (named with `where`), so a
        spec author fixes them all in one go. Abolished municipalities are refused with the
        municipality that took them over: sources publish data for current areas only.
        """
        if scope == "all":
            return [a.code for a in self.municipalities()]
        if isinstance(scope, str):
            scope = [scope]
        if not isinstance(scope, Sequence) or not scope:
            raise SpecError('scope: give "all" or a list of area codes such as MK12, KU091', where)
        problems: list[str] = []
        found: set[str] = set()
        for item in scope:
            if not isinstance(item, str):
                problems.append(
                    f"scope: {item!r} is not an area code (write codes as quoted strings, "
                    'such as "KU091")'
                )
                continue
            area = self._areas.get(item)
            if area is None:
                problems.append(f"scope: {self._unknown(item, active_only=True)}")
            elif not area.active:
                problems.append(f"scope: {self._abolished(area)}")
            elif area.level == "municipality":
                found.add(area.code)
            else:
                found.update(child.code for child in self.children(area.code))
        if problems:
            raise SpecError(problems, where)
        return sorted(found)

    def related(self, code: str) -> list[str]:
        """The larger areas a page compares this one with: region, wellbeing county, country."""
        area = self.get(code)
        if area.level == "country":
            return []
        parents = [area.region, area.wellbeing_county] if area.level == "municipality" else []
        if area.level == "subregion":
            parents = [area.region]
        return [p for p in parents if p] + [COUNTRY_CODE]

    def name(self, code: str, lang: str) -> str:
        return self.get(code).name(lang)

    def describe(self, code: str, lang: str = "fi") -> str:
        """`KU091 Helsinki`: the form error messages and suggestions use."""
        return f"{code} {self.name(code, lang)}"

    def slug(self, code: str, lang: str) -> str:
        """URL segment: `091-helsinki` (sv `091-helsingfors`); other levels `mk01-uusimaa`.

        The code is part of the slug, so slugs are unique and survive a renamed municipality.
        """
        area = self.get(code)
        stem = area.code[2:] if area.level == "municipality" else area.code.lower()
        return f"{stem}-{fold(area.name(lang))}"

    def resolve_label(self, label: str, level: str | None = None) -> str | None:
        """The code a source file's area label means, or None (see `close_matches`).

        Accepts codes (`KU091`, `MK01`, `SSS`), bare municipality numbers (`091`, `91`),
        code + name (`091 Helsinki`, `MK01 Uusimaa`) and names in any language and case
        (`Helsingfors`, `KOKO MAA`, `Maarianhamina - Mariehamn`). A bare name shared by
        several levels (Helsinki is a municipality and a sub-region) resolves to the
        municipality first, then region, wellbeing county, sub-region; pass `level` to choose.
        """
        text = " ".join(str(label).split())
        upper = text.upper()
        if _CODE.fullmatch(upper):
            return self._if_level(upper, level)
        if text.isdigit() and len(text) <= 3:
            return self._if_level("KU" + text.zfill(3), level)
        coded = _CODED_LABEL.fullmatch(text)
        if coded:
            code = coded.group(1).upper()
            code = "KU" + code if code.isdigit() else code
            if code not in self._areas:
                return None
            by_name = self._by_name(coded.group(2), None)
            names = {_key(self._areas[code].name(lang)) for lang in LANGS}
            if by_name and by_name != code and _key(coded.group(2)) not in names:
                return None  # the name contradicts the code: do not guess which is right
            return self._if_level(code, level)
        return self._by_name(text, level)

    def close_matches(self, text: str, n: int = 3, active_only: bool = False) -> list[str]:
        """Codes whose code or fi/sv/en name resembles `text`, best first.

        A code-shaped query (`MK99`) is compared with codes of the same kind only, so the
        suggestions stay in the level the author meant.
        """
        query = " ".join(str(text).split())
        upper = query.upper()
        shaped = _CODE_SHAPED.fullmatch(upper)
        scores: dict[str, float] = {}
        for area in self._areas.values():
            if active_only and not area.active:
                continue
            if shaped:
                if not area.code.startswith(shaped.group(1)):
                    continue
                candidates = [(upper, area.code)]
            elif query.isdigit():
                if area.level != "municipality":
                    continue
                candidates = [(query.zfill(3), area.code[2:])]
            else:
                candidates = [(upper, area.code)]
                candidates += [(_key(query), _key(area.name(lang))) for lang in LANGS]
            best = max(SequenceMatcher(None, a, b).ratio() for a, b in candidates)
            if best >= 0.6:
                scores[area.code] = best
        ranked = sorted(scores, key=lambda c: (-scores[c], _priority(self._areas[c])))
        return ranked[:n]

    def merged_into(self, code: str) -> str:
        """The current municipality an old municipality code now belongs to.

        Follows the merger chain (KU588 -> KU507). A current area gives itself back, so a
        caller can pass every code of a source file. A municipality split between several
        (only before 2013) has no single answer: that is a SpecError naming the candidates.
        """
        successors = self.successors(code)
        if len(successors) > 1:
            names = ", ".join(self.describe(c) for c in successors)
            raise SpecError(f"{code} was split between {names}; choose one of them")
        return successors[0]

    def successors(self, code: str) -> list[str]:
        """Every current area reachable from `code` through the mergers, by code."""
        area = self._areas.get(code)
        if area is not None and area.active:
            return [code]
        if code not in self._successors:
            if area is None:
                raise SpecError(self._unknown(code))
            raise SpecError(f"{self.describe(code)} is abolished but no merger names it")
        reached: set[str] = set()
        pending, seen = [code], set()
        while pending:
            current = pending.pop()
            if current in seen:
                continue
            seen.add(current)
            known = self._areas.get(current)
            if known is not None and known.active:
                reached.add(current)
            else:
                pending.extend(self._successors.get(current, []))
        if not reached:
            raise SpecError(f"{code}: the merger chain does not reach a current municipality")
        return sorted(reached)

    def _if_level(self, code: str, level: str | None) -> str | None:
        area = self._areas.get(code)
        if area is None or (level is not None and area.level != level):
            return None
        return code

    def _by_name(self, name: str, level: str | None) -> str | None:
        codes = self._names.get(_key(name), [])
        if not codes and " - " in name:
            # Bilingual labels such as "Maarianhamina - Mariehamn": every part must agree.
            parts = {self._by_name(part, level) for part in name.split(" - ")}
            return parts.pop() if len(parts) == 1 else None
        for code in codes:
            if level is None or self._areas[code].level == level:
                return code
        return None

    def _unknown(self, code: str, active_only: bool = False) -> str:
        matches = self.close_matches(code, active_only=active_only)
        if not matches:
            return f"{code} is not an area code ({_CODE_HINT})"
        return f"{code} is not an area code; close matches: " + ", ".join(
            self.describe(match) for match in matches
        )

    def _abolished(self, area: Area) -> str:
        now = ", ".join(self.describe(c) for c in self.successors(area.code))
        return f"{self.describe(area.code)} was abolished after {area.valid_to}; use {now}"


def _priority(area: Area) -> tuple[int, str]:
    """Order for shared names and suggestions: current municipalities before other levels."""
    if area.level == "municipality" and not area.active:
        return (5, area.code)
    order = {"country": 0, "municipality": 1, "region": 2, "wellbeing_county": 3, "subregion": 4}
    return (order.get(area.level, 6), area.code)


def load_areas(path: Path = DEFAULT_AREAS_DIR) -> Areas:
    """Read `areas.csv` and `area_mergers.csv` from a folder (or from next to `areas.csv`).

    A broken reference is one KuntadataError listing every problem and the command that
    regenerates the files.
    """
    folder = path.parent if path.name == AREAS_FILE else path
    problems: list[str] = []
    area_rows = _read(folder / AREAS_FILE, AREAS_COLUMNS, problems)
    merger_rows = _read(folder / MERGERS_FILE, MERGERS_COLUMNS, problems)
    areas: list[Area] = []
    for number, row in enumerate(area_rows, start=2):
        values = {column: (row[column] or None) for column in AREAS_COLUMNS}
        try:
            for column in ("valid_from", "valid_to"):
                values[column] = int(values[column]) if values[column] else None
        except ValueError:
            problems.append(f"{AREAS_FILE} line {number}: years must be integers")
            continue
        for lang in LANGS:
            values[f"name_{lang}"] = values[f"name_{lang}"] or ""
        areas.append(Area(**values))
    mergers = [
        Merger(row["old_code"], row["new_code"], int(row["year"]) if row["year"] else None)
        for row in merger_rows
    ]
    problems.extend(_check(areas, mergers))
    if problems:
        raise KuntadataError(
            "\n".join([*problems, f"The areas reference in {folder} is broken; run {REGENERATE}"])
        )
    return Areas(areas, mergers)


def _read(path: Path, columns: tuple[str, ...], problems: list[str]) -> list[dict[str, str]]:
    if not path.is_file():
        problems.append(f"{path}: not found")
        return []
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        if tuple(reader.fieldnames or ()) != columns:
            problems.append(f"{path}: columns must be {','.join(columns)}")
            return []
        return list(reader)


def _check(areas: list[Area], mergers: list[Merger]) -> list[str]:
    """Problems that would make look-ups silently wrong: duplicates and dangling parents."""
    problems: list[str] = []
    levels: dict[str, str] = {}
    for area in areas:
        if area.code in levels:
            problems.append(f"{AREAS_FILE}: {area.code} appears twice")
        levels[area.code] = area.level
        if area.level not in LEVELS or not _CODE.fullmatch(area.code):
            problems.append(f"{AREAS_FILE}: {area.code} has level {area.level!r}")
        if not all(area.name(lang) for lang in LANGS):
            problems.append(f"{AREAS_FILE}: {area.code} lacks a name in fi, sv or en")
    for area in areas:
        for column in PARENT_COLUMNS:
            parent = getattr(area, column)
            if parent and levels.get(parent) != column:
                problems.append(f"{AREAS_FILE}: {area.code} {column} {parent} is not a {column}")
    old_codes = {m.old_code for m in mergers}
    for merger in mergers:
        if merger.new_code not in levels and merger.new_code not in old_codes:
            problems.append(f"{MERGERS_FILE}: {merger.old_code} -> {merger.new_code} dead end")
    return problems
