"""The areas table as the site needs it: names per language, slugs, parents, scope.

The site reads `areas.csv` and `area_mergers.csv` from the data package directly (it must not
depend on anything the package stage did not write). This is the "tiny adapter" the site
builds against; `slug()` delegates to `kuntadata.areas` when that module offers one, so page
URLs agree with every other part of the project.
"""

from __future__ import annotations

import csv
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from markupsafe import Markup, escape

from ..errors import BuildError

COUNTRY = "SSS"
NAME_SEPARATOR = " – "  # between a municipality's names: "Närpes – Närpiö"


@dataclass(frozen=True)
class Area:
    """One row of `areas.csv`; `names` maps fi/sv/en to the name in that language."""

    code: str
    level: str
    names: dict[str, str]
    region: str = ""
    subregion: str = ""
    wellbeing_county: str = ""
    language_status: str = ""
    majority_language: str = ""
    valid_to: str = ""

    @property
    def short_code(self) -> str:
        """The code without its level prefix: `KU091` → `091`, `MK01` → `01`, `SSS` → `SSS`."""
        match = re.match(r"^[A-Z]+(\d+)$", self.code)
        return match.group(1) if match else self.code

    def name(self, lang: str) -> str:
        return self.names.get(lang) or self.names.get("fi") or self.code

    @property
    def own_languages(self) -> tuple[str, ...]:
        """The municipality's official languages, its majority language first: `("sv", "fi")`
        for Närpes (bilingual, Swedish majority), `("fi",)` for Kuopio; `()` for other areas."""
        if self.language_status == "finnish":
            return ("fi",)
        if self.language_status == "swedish":
            return ("sv",)
        if self.language_status == "bilingual":
            first = self.majority_language if self.majority_language in ("fi", "sv") else "fi"
            return (first, "sv" if first == "fi" else "fi")
        return ()

    def shown_names(self, lang: str) -> list[tuple[str, str]]:
        """The names a page in `lang` shows, in order, each with its language.

        Each municipality is named in its own language(s), the same on every language's pages:
        its official names, majority language first ("Närpes – Närpiö", "Helsinki –
        Helsingfors" on fi, sv and en pages alike; "Kuopio" everywhere). The name in the
        page's language is added after them only when the municipality has one of its own
        that is not already shown (Tampere on a Swedish page: "Tampere – Tammerfors";
        Mariehamn on a Finnish page: "Mariehamn – Maarianhamina"). A name spelled as the
        page's language spells it counts as the page's language (Helsinki on an English
        page), so only a foreign name gets a `lang` attribute. Other areas: the page's name.
        """
        own = self.own_languages
        if not own:
            return [(self.name(lang), lang)]
        shown: list[tuple[str, str]] = []
        for source in (*own, lang):
            text = self.names.get(source, "")
            if text and all(text.casefold() != seen.casefold() for seen, _ in shown):
                shown.append((text, source))
        here = self.name(lang).casefold()
        return [(text, lang if text.casefold() == here else source) for text, source in shown]


@dataclass
class AreaIndex:
    """All areas by code, plus the merger table (old code → new code, year)."""

    areas: dict[str, Area]
    mergers: list[tuple[str, str, str]] = field(default_factory=list)
    _slugs: dict[tuple[str, str], str] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )
    _members: dict[str, frozenset[str]] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )
    _related: dict[tuple[str, tuple[str, ...]], list[str]] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )
    # display names, made once per (code, lang): an indicator page names every municipality
    _display: dict[tuple[str, str, bool], str] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )

    def get(self, code: str) -> Area | None:
        return self.areas.get(code)

    def name(self, code: str, lang: str) -> str:
        area = self.areas.get(code)
        return area.name(lang) if area else code

    def display_name(self, code: str, lang: str) -> str:
        """Plain text of the names shown on a page in `lang`: "Närpes – Närpiö" (titles,
        map tooltips, sorting). An unknown code as it is."""
        key = (code, lang, False)
        if key not in self._display:
            area = self.areas.get(code)
            self._display[key] = (
                NAME_SEPARATOR.join(text for text, _ in area.shown_names(lang)) if area else code
            )
        return self._display[key]

    def display_html(self, code: str, lang: str) -> Markup:
        """The same names as HTML, a foreign name in `<span lang="sv">` (WCAG 3.1.2)."""
        key = (code, lang, True)
        if key not in self._display:
            area = self.areas.get(code)
            self._display[key] = (
                Markup(NAME_SEPARATOR).join(
                    escape(text)
                    if source == lang
                    else Markup('<span lang="{}">{}</span>').format(source, text)
                    for text, source in area.shown_names(lang)
                )
                if area
                else escape(code)
            )
        return self._display[key]

    def own_languages(self, code: str) -> tuple[str, ...]:
        area = self.areas.get(code)
        return area.own_languages if area else ()

    def slug(self, code: str, lang: str) -> str:
        """`091-helsinki` (fi) / `091-helsingfors` (sv): stable code first, readable name after.

        Every link to a page needs its slug (thousands per build), so each is made once."""
        slug = self._slugs.get((code, lang))
        if slug is None:
            area = self.areas[code]
            slug = self._slugs[(code, lang)] = f"{area.short_code}-{slugify(area.name(lang))}"
        return slug

    def municipalities(self) -> list[Area]:
        """Current municipalities (abolished ones have `valid_to`), in code order."""
        return sorted(
            (a for a in self.areas.values() if a.level == "municipality" and not a.valid_to),
            key=lambda a: a.code,
        )

    def children(self, code: str) -> list[Area]:
        parent = self.areas.get(code)
        if parent is None:
            return []
        key = {"region": "region", "subregion": "subregion", "wellbeing_county": "wellbeing_county"}
        attr = key.get(parent.level)
        if parent.level == "country":
            return self.municipalities()
        return [m for m in self.municipalities() if attr and getattr(m, attr) == code]

    def members(self, code: str) -> frozenset[str]:
        """The current municipalities an area covers (a municipality covers itself)."""
        found = self._members.get(code)
        if found is None:
            area = self.areas.get(code)
            if area is not None and area.level == "municipality":
                found = frozenset({code})
            else:
                found = frozenset(m.code for m in self.children(code))
            self._members[code] = found
        return found

    def related(self, code: str, compare: tuple[str, ...]) -> list[str]:
        """Comparison areas for a municipality, in the order site.yaml `compare` lists them.

        An area covering exactly the same municipalities as the municipality itself or as an
        area listed before it is left out: the City of Helsinki's wellbeing services area
        (HVA90) is Helsinki, and Åland's wellbeing county (HVA91) is the region Ahvenanmaa
        (MK21), so comparing with them would repeat the same figures under another name. The
        whole country is always kept: it is all of Finland, whatever rows the table holds."""
        key = (code, compare)
        if key in self._related:
            return self._related[key]
        area = self.areas.get(code)
        found: list[str] = []
        seen = {self.members(code)}
        for level in compare:
            parent = COUNTRY if level == "country" else getattr(area, level, "") if area else ""
            if not parent or parent not in self.areas or parent in found:
                continue
            covers = self.members(parent)
            if parent != COUNTRY and covers in seen:
                continue
            seen.add(covers)
            found.append(parent)
        self._related[key] = found
        return found

    def resolve_scope(self, scope: str | tuple[str, ...]) -> list[Area]:
        """`"all"` or codes (KU, MK, SK, HVA) → the current municipalities they cover."""
        if scope == "all":
            return self.municipalities()
        wanted: dict[str, Area] = {}
        for code in scope:
            area = self.areas.get(code)
            if area is None:
                raise BuildError(
                    f"site.yaml: scope: unknown area code {code!r}; use codes from areas.csv "
                    '(KU091, MK01, SK011, HVA01) or "all"'
                )
            members = [area] if area.level == "municipality" else self.children(code)
            for member in members:
                wanted[member.code] = member
        return sorted(wanted.values(), key=lambda a: a.code)

    def merged_into(self, code: str) -> list[tuple[str, str]]:
        """Abolished municipalities that merged into `code`: (old code, year)."""
        return [(old, year) for old, new, year in self.mergers if new == code]


def slugify(name: str) -> str:
    """ASCII, lower case, hyphens: `Mänttä-Vilppula` → `mantta-vilppula`."""
    text = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "area"


def load_area_index(directory: Path) -> AreaIndex:
    """Read `areas.csv` (+ `area_mergers.csv` when present) from the package directory."""
    path = directory / "areas.csv"
    if not path.exists():
        raise BuildError(
            f"{path}: missing from the data package; run `python build.py package` first"
        )
    areas: dict[str, Area] = {}
    with path.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            code = row["code"]
            areas[code] = Area(
                code=code,
                level=row.get("level", ""),
                names={lang: row.get(f"name_{lang}", "") for lang in ("fi", "sv", "en")},
                region=row.get("region", "") or "",
                subregion=row.get("subregion", "") or "",
                wellbeing_county=row.get("wellbeing_county", "") or "",
                language_status=row.get("language_status", "") or "",
                majority_language=row.get("majority_language", "") or "",
                valid_to=row.get("valid_to", "") or "",
            )
    mergers: list[tuple[str, str, str]] = []
    merger_path = directory / "area_mergers.csv"
    if merger_path.exists():
        with merger_path.open(encoding="utf-8", newline="") as handle:
            for row in csv.DictReader(handle):
                mergers.append((row["old_code"], row["new_code"], row.get("year", "") or ""))
    return AreaIndex(areas, mergers)
