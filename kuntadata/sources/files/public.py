"""The public source of a file dataset: the producer's page, else the declared file URL.

A URL file may have been fetched from a local mirror (`KUNTADATA_FILES_URL`, see
`kuntadata.sources.files.testing`); the package names the address the spec declares, never
the mirror's. A file kept in the repository has no public address of its own.
"""

from __future__ import annotations

from typing import Any

from ...config import SiteConfig
from ...public_source import is_public_url, source_summary
from ...spec import DatasetSpec


def public_source(
    spec: DatasetSpec,
    provenance: dict[str, Any],
    config: SiteConfig,
    meta: dict[str, Any],
    tidy_sources: list[dict[str, Any]],
) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """The producer's page the spec names (`source_page`), else the declared file URL.

    A URL with `{kuntanro}`/`{kunta}` is published as the template the spec declares; a file
    in the repository has no public address of its own, so only its title is published (the
    file's own title from the tidier's `tidy_sources`, when it has one).
    """
    declared = str(spec.source.get("path", ""))
    page = str(spec.source.get("source_page") or "")
    table = spec.source.get("table")
    title = (tidy_sources[0].get("title") if tidy_sources else "") or (
        spec.title.get("en", spec.id) + (f" (table {table})" if table else "")
    )
    source: dict[str, Any] = {"title": title}
    path = page if is_public_url(page) else declared if is_public_url(declared) else ""
    if path:
        source["path"] = path
    if is_public_url(declared) and declared != path:
        source["x-file"] = declared
    source["x-fetched-at"] = provenance.get("fetched_at", "")
    producer = spec.source.get("producer")
    producer = dict(producer) if isinstance(producer, dict) else {}
    return [source], source_summary(spec, [source], title, {}, producer)
