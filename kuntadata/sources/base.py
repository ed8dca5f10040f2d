"""What every source adapter returns, so the fetch stage treats all sources alike.

An adapter is `fetch(request: FetchRequest) -> SourceResult`, registered by `source.kind`
in `kuntadata.sources.ADAPTERS`. It returns the responses exactly as received; the
fetch stage writes them with their provenance.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from ..areas import Areas
from ..config import SiteConfig
from ..spec import DatasetSpec
from .http import HttpClient, Response


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
