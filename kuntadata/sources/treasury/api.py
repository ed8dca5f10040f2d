"""The State Treasury's municipal finance reporting API: addresses, catalogue, taxonomy, selects.

Shared by the adapter (fetch), the tidier (package), the live check and the public source,
so that all four read the catalogue, the taxonomy and a spec's `select` the same way.

What is known about the API and how sure (shared/realdata/treasury/README.md, last section;
[C] read in a real recorded file, [S] third-party code or docs only, [S-off] a stored copy of
an official page, [U] not found):
- Catalogue `GET {base}/rest/v1/json/aineistot`: a JSON object whose key `aineistot` holds the
  entries, each with `ytunnus`, `raportointikokonaisuus`, `raportointikausi`,
  `hyvaksymisvaihe`, `hyvaksymispvm`, `julkaisupvm` and the document URL in `tunnusluvut`
  [C] (values, through a loader's CSV) / [S] (the raw JSON layout, from that loader's code).
  How the raw timestamps are written is [U]: the loader appended a `Z`, so they are read with
  or without one, with `T` or a space.
- Document `GET {base}/rest/v1/json/dokumentti/<stage>/<PACKAGE>/<business id>/<period>`: a
  JSON list of facts with `tunnusluku` (the taxonomy's `solutunniste`) and `arvo` (a string
  such as "349083947.70") among others [S-off] field list, [C] values.
- Taxonomy index `GET https://api.tutkihallintoa.fi/kuntatalous/v1/taksonomia`: a JSON list of
  blob URLs `…/kuntataloudentaksonomia/<PACKAGE>.json` [C]; a taxonomy is a JSON list of rows
  with `solutunniste`, `tunnusluku` (fi label), `tunnusluku_sv`, `tunnusluku_en`, `tehtava`
  (the planning column, "Talousarvio 202x", "Taloussuunnitelma 202x+1", …), `tehtava_sv`,
  `tehtava_en`, `taso`, `palvelu`, … [C] for the values of KTAS, [S] for the key names.
- Licence text and rate limits: [U].
"""

from __future__ import annotations

import difflib
import os
import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

DEFAULT_BASE_URL = "https://prodkuntarest.westeurope.cloudapp.azure.com"
DEFAULT_TAXONOMY_INDEX_URL = "https://api.tutkihallintoa.fi/kuntatalous/v1/taksonomia"
BASE_URL_ENV = "KUNTADATA_TREASURY_URL"
TAXONOMY_URL_ENV = "KUNTADATA_TREASURY_TAXONOMY_URL"
CATALOGUE_PATH = "/rest/v1/json/aineistot"
CATALOGUE_KEY = "aineistot"
DOCUMENT_PATH = "/rest/v1/json/dokumentti/{stage}/{package}/{business_id}/{period}"
DOCS_PAGES = {  # the API's own documentation pages [S-off]; there is no Swedish-less English one
    "fi": f"{DEFAULT_BASE_URL}/index.jsp",
    "sv": f"{DEFAULT_BASE_URL}/index_sv.jsp",
    "en": f"{DEFAULT_BASE_URL}/index.jsp",
}
PRODUCER = {"fi": "Valtiokonttori", "sv": "Statskontoret", "en": "State Treasury of Finland"}
LANGS = ("fi", "sv", "en")

# The order in which a document supersedes another for the same municipality, package and
# period: a corrected (`jalkikorjattu`) document replaces the final one, and so on.
APPROVAL_RANK = {"alustava": 10, "hyvaksytty": 20, "lopullinen": 30, "jalkikorjattu": 40}

# The planning column of a budget/plan (KTAS) cell, read from the taxonomy's `tehtava`
# ("Talousarvio 202x", "Taloussuunnitelma 202x+1", "Laadintakauden talousarvio 202x-1 …"):
# offset from the document's year → the tidy `stage` code and its labels.
STAGES: dict[int, str] = {0: "budget", -1: "amended_budget", 1: "plan_1", 2: "plan_2"}
STAGE_ORDER = ("budget", "amended_budget", "plan_1", "plan_2")
STAGE_TITLE = {
    "fi": "Talousarvio tai suunnitelma",
    "sv": "Budget eller plan",
    "en": "Budget or plan",
}
STAGE_LABELS = {
    "budget": {"fi": "talousarvio", "sv": "budget", "en": "budget"},
    "amended_budget": {
        "fi": "muutettu talousarvio",
        "sv": "ändrad budget",
        "en": "amended budget",
    },
    "plan_1": {"fi": "1. suunnitelmavuosi", "sv": "1:a planåret", "en": "plan year 1"},
    "plan_2": {"fi": "2. suunnitelmavuosi", "sv": "2:a planåret", "en": "plan year 2"},
}
PLANNING_YEAR = re.compile(r"20\dx\s*(?:([+-])\s*(\d))?", re.IGNORECASE)
CODE_SUM = re.compile(r"^\s*[0-9]+(\s*\+\s*[0-9]+)*\s*$")
PERIOD = re.compile(r"^(\d{4})(C0[369]|C12)?$")


def base_url() -> str:
    """The REST API's base; `KUNTADATA_TREASURY_URL` points tests and mirrors elsewhere."""
    return (os.environ.get(BASE_URL_ENV) or DEFAULT_BASE_URL).rstrip("/")


def taxonomy_index_url() -> str:
    return os.environ.get(TAXONOMY_URL_ENV) or DEFAULT_TAXONOMY_INDEX_URL


def fold(text: Any) -> str:
    """`Jälkikorjattu` → `jalkikorjattu`: the approval stage as the loader compared it."""
    value = str(text or "").strip().casefold()
    return value.replace("ä", "a").replace("ö", "o").replace("å", "a")


def iso_time(text: Any) -> str:
    """A timestamp in one comparable form (`2023-01-04T08:19:43.07Z`), however it was written."""
    value = str(text or "").strip().replace(" ", "T")
    if value and not re.search(r"(Z|[+-]\d\d:\d\d)$", value):
        value += "Z"
    return value


@dataclass(frozen=True)
class CatalogueEntry:
    """One document the catalogue lists: whose (business id), which package and period."""

    business_id: str
    package: str
    period: str
    approval_stage: str
    approved_at: str
    published_at: str
    url: str

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.business_id, self.package, self.period)

    @property
    def order(self) -> tuple[int, str, str, str]:
        return (
            APPROVAL_RANK.get(self.approval_stage, 0),
            self.approved_at,
            self.published_at,
            self.url,
        )

    @property
    def year(self) -> str:
        return self.period[:4]

    def label(self) -> str:
        """How warnings name the document: package, period, business id and address."""
        return f"{self.package} {self.period} of {self.business_id} ({self.url})"


def parse_catalogue(data: Any) -> tuple[list[CatalogueEntry], list[str]]:
    """The entries of a catalogue response, and what could not be read in it.

    Raises ValueError when the response is not a catalogue at all (the adapter turns that into
    a FetchError naming the URL); single unreadable entries are only counted.
    """
    if not isinstance(data, dict) or not isinstance(data.get(CATALOGUE_KEY), list):
        raise ValueError(f"a JSON object with the list {CATALOGUE_KEY!r}")
    entries: list[CatalogueEntry] = []
    problems: list[str] = []
    for index, item in enumerate(data[CATALOGUE_KEY]):
        if not isinstance(item, dict):
            problems.append(f"entry {index} is not an object")
            continue
        entry = CatalogueEntry(
            business_id=str(item.get("ytunnus") or "").strip(),
            package=str(item.get("raportointikokonaisuus") or "").strip().upper(),
            period=str(item.get("raportointikausi") or "").strip(),
            approval_stage=fold(item.get("hyvaksymisvaihe") or item.get("hyväksymisvaihe")),
            approved_at=iso_time(item.get("hyvaksymispvm") or item.get("hyväksymispvm")),
            published_at=iso_time(item.get("julkaisupvm")),
            url=str(item.get("tunnusluvut") or "").strip(),
        )
        if not (entry.business_id and entry.package and PERIOD.match(entry.period)):
            problems.append(f"entry {index} lacks a business id, package or YYYY[Cnn] period")
            continue
        entries.append(entry)
    return entries, problems


def standing_documents(entries: list[CatalogueEntry]) -> dict[tuple[str, str, str], CatalogueEntry]:
    """Per (business id, package, period) the document that stands.

    A corrected document supersedes the final one (alustava < hyvaksytty < lopullinen <
    jalkikorjattu), then the later approval, then the later publication. The recorded
    catalogue lists one document per key, so competing stages were never seen for real; this
    is the loader's rule, kept so that a second listing can never make a page show the
    superseded figures.
    """
    standing: dict[tuple[str, str, str], CatalogueEntry] = {}
    for entry in entries:
        current = standing.get(entry.key)
        if current is None or entry.order > current.order:
            standing[entry.key] = entry
    return standing


def document_url(base: str, entry: CatalogueEntry) -> str:
    """The catalogue's own document address, or the documented pattern when it gives none."""
    if entry.url:
        return entry.url
    path = DOCUMENT_PATH.format(
        stage=entry.approval_stage or "lopullinen",
        package=entry.package,
        business_id=entry.business_id,
        period=entry.period,
    )
    return f"{base}{path}"


def public_document_url(url: str) -> str:
    """The same document on the producer's host (a snapshot may come from a local emulator)."""
    parts = urlsplit(url)
    path = parts.path + (f"?{parts.query}" if parts.query else "")
    return f"{DEFAULT_BASE_URL}{path}"


@dataclass(frozen=True)
class TaxonomyCell:
    """One cell of a reporting package's taxonomy: its code, labels and planning column."""

    code: str
    label: dict[str, str]
    task: dict[str, str]
    offset: int | None
    service: str = ""

    @property
    def stage(self) -> str | None:
        return None if self.offset is None else STAGES.get(self.offset)


def planning_offset(task_fi: str) -> int | None:
    """`Taloussuunnitelma 202x+1` → 1, `Talousarvio 202x` → 0, `Raportin tiedot` → None."""
    match = PLANNING_YEAR.search(task_fi or "")
    if not match:
        return None
    sign, digits = match.groups()
    return 0 if not digits else int(digits) * (-1 if sign == "-" else 1)


def parse_taxonomy(data: Any) -> dict[str, TaxonomyCell]:
    """Taxonomy rows by code. Raises ValueError when the response is not a list of rows."""
    if not isinstance(data, list) or not all(isinstance(row, dict) for row in data):
        raise ValueError("a JSON list of taxonomy rows (objects with solutunniste, tunnusluku)")
    cells: dict[str, TaxonomyCell] = {}
    for row in data:
        code = str(row.get("solutunniste") or "").strip()
        if not code:
            continue
        task = {lang: str(row.get(_lang_key("tehtava", lang)) or "").strip() for lang in LANGS}
        cells[code] = TaxonomyCell(
            code=code,
            label={
                lang: str(row.get(_lang_key("tunnusluku", lang)) or "").strip() for lang in LANGS
            },
            task=task,
            offset=planning_offset(task["fi"]),
            service=str(row.get("palvelu") or "").strip(),
        )
    return cells


def _lang_key(key: str, lang: str) -> str:
    return key if lang == "fi" else f"{key}_{lang}"


@dataclass
class Selection:
    """An indicator's `select` resolved: per planning stage (None without one) the codes summed."""

    indicator: str
    select: str
    codes: dict[str | None, tuple[str, ...]] = field(default_factory=dict)


def resolve_select(
    indicator: str, select: str, taxonomy: dict[str, TaxonomyCell] | None
) -> tuple[Selection, list[str]]:
    """A spec's `select` → the taxonomy codes it takes, and the problems that stop it.

    `select` is a taxonomy label in any language (`VUOSIKATE`, `Annual margin`: one cell per
    planning column), a code (`1093`), or codes joined by `+` whose facts are summed (`1120+54`).
    Without a taxonomy (`taxonomy: none`) only codes can be given.
    """
    text = str(select).strip()
    selection = Selection(indicator, text)
    if CODE_SUM.match(text):
        codes = [c.strip() for c in text.split("+")]
        by_stage: dict[str | None, list[str]] = {}
        for code in codes:
            cell = (taxonomy or {}).get(code)
            stage = cell.stage if cell else None
            by_stage.setdefault(stage, []).append(code)
        if len(by_stage) > 1 and len(codes) > 1:
            return selection, [
                f"indicator {indicator}: select {text!r} sums codes of different planning "
                f"columns ({', '.join(f'{s}: {c}' for s, c in by_stage.items())})"
            ]
        selection.codes = {stage: tuple(found) for stage, found in by_stage.items()}
        return selection, []
    if taxonomy is None:
        return selection, [
            f"indicator {indicator}: select {text!r} is a label, but the spec reads no taxonomy "
            "(taxonomy: none); give the code (solutunniste) instead"
        ]
    wanted = text.casefold()
    matches = [c for c in taxonomy.values() if wanted in {v.casefold() for v in c.label.values()}]
    if not matches:
        labels = sorted({c.label["fi"] for c in taxonomy.values() if c.label["fi"]})
        close = difflib.get_close_matches(text, labels, n=4, cutoff=0.6)
        hint = f"; close: {', '.join(repr(c) for c in close)}" if close else ""
        return selection, [f"indicator {indicator}: no taxonomy label {text!r}{hint}"]
    grouped: dict[str | None, list[TaxonomyCell]] = {}
    for cell in matches:
        grouped.setdefault(cell.stage, []).append(cell)
    ambiguous = {stage: cells for stage, cells in grouped.items() if len(cells) > 1}
    if ambiguous:
        shown = "; ".join(
            f"{stage or 'no planning column'}: "
            + ", ".join(f"{c.code} ({c.service or 'no service class'})" for c in cells)
            for stage, cells in ambiguous.items()
        )
        return selection, [
            f"indicator {indicator}: label {text!r} names several taxonomy cells ({shown}); "
            "select the code(s) instead"
        ]
    selection.codes = {stage: (cells[0].code,) for stage, cells in grouped.items()}
    return selection, []


def select_years(available: list[str], years: Any) -> tuple[list[str], list[str]]:
    """The spec's `years` (all, {top: N}, {from: Y}, {values: [...]}) over the catalogue's years.

    Returns the years to fetch and the asked years the catalogue does not list (a warning).
    """
    every = sorted(set(available))
    if years in (None, "all"):
        return every, []
    if "values" in years:
        asked = [str(y) for y in years["values"]]
        return [y for y in asked if y in every], [y for y in asked if y not in every]
    if "top" in years:
        return every[-int(years["top"]) :], []
    return [y for y in every if y >= str(years["from"])], []
