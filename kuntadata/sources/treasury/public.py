"""The public source of a Treasury dataset: the producer's addresses, never the emulator's.

A snapshot may have been fetched from a local emulator (`testing.py` beside this); the
package names the same catalogue and documents on the Treasury's own host, the producer and
the licence. The documents' paths are the recorded ones, so each address can be opened there.
"""

from __future__ import annotations

from typing import Any

from ...config import SiteConfig
from ...spec import DatasetSpec
from . import api


def public_source(
    spec: DatasetSpec,
    provenance: dict[str, Any],
    config: SiteConfig,
    meta: dict[str, Any],
    tidy_sources: list[dict[str, Any]],
) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """The public source registered for `kind: treasury`: always the Treasury's own host (a
    site.yaml base URL is not used: the API has no mirror to name)."""
    return treasury_sources(spec, provenance)


def treasury_sources(
    spec: DatasetSpec, provenance: dict[str, Any]
) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """`sources`: the catalogue, then every document read; `x-kuntadata.source`: its summary."""
    package = str(spec.source.get("package", "")).upper()
    fetched_at = provenance.get("fetched_at", "")
    urls = {entry["file"]: entry.get("url", "") for entry in provenance.get("files", [])}
    title = f"State Treasury of Finland, municipal finance reporting ({package})"
    sources: list[dict[str, Any]] = [
        {
            "title": f"{title}: document catalogue",
            "path": f"{api.DEFAULT_BASE_URL}{api.CATALOGUE_PATH}",
            "x-fetched-at": fetched_at,
        }
    ]
    for document in provenance.get("documents") or []:
        url = urls.get(document["file"], "")
        if not url:
            continue
        sources.append(
            {
                "title": f"{title}: {package} {document['period']} of {document['business_id']}",
                "path": api.public_document_url(url),
                "x-fetched-at": fetched_at,
            }
        )
    summary = {
        "title": title,
        "url": sources[0]["path"],
        "url_by_lang": dict(api.DOCS_PAGES),
        "producer": dict(api.PRODUCER),
        "licence": dict(spec.licence),
    }
    return sources, summary
