"""Statistics Finland's PxWeb API v1 (StatFin, `kind: statfin`).

One folder holds everything of this source: `adapter` (fetch: `?config`, table metadata in
fi/sv/en, the split json-stat2 queries), `query` (a spec resolved against table metadata and
planned under the cell limit), `jsonstat` (json-stat2 decoding), `tidy` (snapshot → tidy
table), `public` (the public source a package names), `check` (`build.py check --live`) and
`testing` (the local PxWeb emulator and its fixtures' loaders, for tests, seeding and
benchmarks). Spec keys: docs/datasets.md, section `kind: statfin`.
"""

from __future__ import annotations

from ..base import Source
from .adapter import DEFAULT_CALLS, fetch, fetch_statfin, table_url
from .check import apply_published_limits, live_check
from .public import public_source
from .query import PlannedQuery, ResolvedQuery, resolve_query
from .tidy import tidy_dataset

SOURCE = Source(
    kind="statfin",
    folder="statfin",
    title="StatFin",
    docs="docs/datasets.md#kind-statfin--statistics-finland-pxweb-api-v1",
    fetch=fetch,
    tidy=tidy_dataset,
    public_source=public_source,
    check_live=live_check,
    prepare_check=apply_published_limits,
)

__all__ = [
    "DEFAULT_CALLS",
    "SOURCE",
    "PlannedQuery",
    "ResolvedQuery",
    "fetch",
    "fetch_statfin",
    "resolve_query",
    "table_url",
]
