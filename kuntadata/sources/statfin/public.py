"""The public source of a StatFin dataset: the table's API address on the public base.

A snapshot may have been fetched from a local emulator (`kuntadata.sources.statfin.testing`)
or a mirror; the package names the same table on site.yaml's StatFin base (the producer's own
when that one is not public), per language, with the json-stat2 query bodies as POSTed: they
are real and can be re-run against that address.
"""

from __future__ import annotations

from typing import Any

from ...config import SiteConfig
from ...public_source import LANGS, public_base, source_summary
from ...spec import DatasetSpec
from .adapter import table_url

PRODUCER = {"fi": "Tilastokeskus", "sv": "Statistikcentralen", "en": "Statistics Finland"}


def public_source(
    spec: DatasetSpec,
    provenance: dict[str, Any],
    config: SiteConfig,
    meta: dict[str, Any],
    tidy_sources: list[dict[str, Any]],
) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """The table's API URL on the public base; the POSTed json-stat2 query bodies as sent."""
    base = public_base(config, "statfin")
    database = spec.source.get("database", "StatFin")
    table = str(spec.source.get("table", "")).removesuffix(".px")
    title = f"Statistics Finland, {database} table {table}"
    urls = {lang: table_url(base, lang, spec) for lang in LANGS}
    data = [e for e in provenance.get("files", []) if e.get("role") == "data"]
    source: dict[str, Any] = {"title": title, "path": urls["fi"]}
    source["x-query"] = [e.get("body") for e in data]
    source["x-fetched-at"] = provenance.get("fetched_at", "")
    return [source], source_summary(spec, [source], title, urls, PRODUCER)
