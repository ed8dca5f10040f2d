"""The one interface every source has, so the stages treat all sources alike.

A source is a folder, `kuntadata/sources/<folder>/`, holding everything about one producer's
API: its adapter (fetch), its tidier (raw snapshot → tidy table), the public source a package
names, its live check if it has one, and its test server. Its `__init__.py` describes it as one
`Source`, registered by the spec's `source.kind` in `kuntadata.sources.SOURCES`; fetch.py,
package.py, public_source.py and check.py look a kind up there instead of branching on it.

An adapter is `fetch(request: FetchRequest) -> SourceResult`. It returns the responses exactly
as received; the fetch stage writes them with their provenance.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..areas import Areas
from ..config import SiteConfig
from ..spec import DatasetSpec
from .http import HttpClient, Response

if TYPE_CHECKING:  # the tidy table needs pandas; the fetch stage does not load it for a type
    from ..tidy import TidyDataset


@dataclass(frozen=True)
class FetchedFile:
    """One response as received, with what is needed to write its provenance."""

    name: str
    response: Response
    role: str  # config | metadata | regions | data
    lang: str


@dataclass
class SourceResult:
    files: list[FetchedFile] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    queries: list[dict[str, Any]] = field(default_factory=list)
    provenance: dict[str, Any] = field(default_factory=dict)
    areas: dict[str, str] = field(default_factory=dict)  # file name → area it holds


@dataclass
class FetchRequest:
    spec: DatasetSpec
    config: SiteConfig
    areas: Areas
    client: HttpClient
    wanted_areas: list[str]
    plan: Any = None
    optional_areas: frozenset[str] = frozenset()
    on_query: Callable[[int, int], None] | None = None


@dataclass(frozen=True)
class CheckRequest:
    """What `build.py check --live` gives a source's check for one spec.

    `wanted_areas` is computed as the fetch computes it, so a source that lacks areas the site
    needs shows up in the check first; `raw` is the project's `data/raw/` (reference data).
    """

    spec: DatasetSpec
    config: SiteConfig
    client: HttpClient
    raw: Path
    wanted_areas: list[str]
    optional_areas: frozenset[str] = frozenset()


@dataclass
class LiveCheck:
    """One spec checked against the live source: the address read and what does not fit.

    A check never raises for a source problem: an unreachable host or a missing table is one
    of `problems`, so every spec of the run is checked and listed.
    """

    url: str
    table: str
    problems: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


Fetch = Callable[[FetchRequest], SourceResult]
Tidy = Callable[[DatasetSpec, Path, Areas], "TidyDataset"]
# (spec, provenance.json, site.yaml, the tidied x-kuntadata, the tidier's sources) →
# (the resource's Frictionless `sources`, its `x-kuntadata.source` summary)
PublicSource = Callable[
    [DatasetSpec, dict[str, Any], SiteConfig, dict[str, Any], list[dict[str, Any]]],
    tuple[list[dict[str, Any]], dict[str, Any]],
]
CheckLive = Callable[[CheckRequest], LiveCheck]
PrepareCheck = Callable[[HttpClient, SiteConfig, Callable[[str], None]], None]


@dataclass(frozen=True)
class Source:
    """Everything the stages need of one source, found by the spec's `source.kind`.

    - `folder`: both `kuntadata/sources/<folder>/` and the snapshots' `data/raw/<folder>/`.
    - `title`: how messages name the source ("StatFin", "Treasury").
    - `docs`: the section of docs/datasets.md that documents the spec keys of this kind (their
      JSON Schema is `#/$defs/<kind>` in schemas/dataset.schema.json).
    - `fetch`, `tidy`, `public_source`: one per stage; `tidy` reads only the dataset's snapshot
      directory (and the areas table).
    - `check_live`: `build.py check --live` for one spec, or None when the source has none (its
      specs are listed as skipped); `prepare_check` runs once before the first of them.
    """

    kind: str
    folder: str
    title: str
    docs: str
    fetch: Fetch
    tidy: Tidy
    public_source: PublicSource
    check_live: CheckLive | None = None
    prepare_check: PrepareCheck | None = None

    @property
    def schema(self) -> str:
        """JSON Pointer of this kind's `source` keys in schemas/dataset.schema.json."""
        return f"#/$defs/{self.kind}"


def area_codes(areas: Areas) -> set[str]:
    """Every code of the areas table: a tidier leaves out (and names) rows of any other area."""
    return {area.code for area in areas.all()}
