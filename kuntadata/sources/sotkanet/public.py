"""The public source of a Sotkanet dataset: THL's indicator pages and the REST request on the
public base.

A snapshot may have been fetched from a local emulator (`kuntadata.sources.sotkanet.testing`)
or a mirror; the package names THL's metadata page per indicator and the same REST request on
site.yaml's Sotkanet base (the producer's own when that one is not public), and the producing
organisations from THL's metadata.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs, urlsplit

from ...config import SiteConfig
from ...public_source import LANGS, public_base, source_summary
from ...spec import DatasetSpec
from .adapter import METADATA_PAGE

PRODUCER = {
    "fi": "Terveyden ja hyvinvoinnin laitos (THL)",
    "sv": "Institutet för hälsa och välfärd (THL)",
    "en": "Finnish Institute for Health and Welfare (THL)",
}


def public_source(
    spec: DatasetSpec,
    provenance: dict[str, Any],
    config: SiteConfig,
    meta: dict[str, Any],
    tidy_sources: list[dict[str, Any]],
) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """One source per indicator: THL's metadata page, and the REST request on the public base.

    The request keeps the recorded query string (indicator, the years resolved at fetch time,
    gender) and only its host part is the public one. `meta` is the tidied `x-kuntadata`, which
    names each indicator's producer from THL's metadata.
    """
    base = public_base(config, "sotkanet")
    sources = []
    first_id = ""
    for entry in provenance.get("files", []):
        if entry.get("role") != "data":
            continue
        parts = urlsplit(str(entry.get("url", "")))
        indicator_id = (parse_qs(parts.query).get("indicator") or [""])[0] or (
            str(entry.get("file", "")).split("-", 1)[-1].rsplit(".", 1)[0]
        )
        first_id = first_id or indicator_id
        endpoint = parts.path.rstrip("/").rsplit("/", 1)[-1]
        source = {
            "title": f"THL, Sotkanet.fi, indicator {indicator_id}",
            "path": METADATA_PAGE.format(lang="en", id=indicator_id),
            "x-request": f"{base}/{endpoint}" + (f"?{parts.query}" if parts.query else ""),
            "x-fetched-at": entry.get("fetched_at") or provenance.get("fetched_at", ""),
        }
        sources.append(source)
    producers: list[dict[str, str]] = []
    for indicator in meta.get("indicators") or []:
        producer = indicator.get("producer")
        if producer and producer not in producers:
            producers.append(producer)
    producer = (
        {lang: ", ".join(p.get(lang, "") for p in producers) for lang in LANGS}
        if producers
        else PRODUCER
    )
    urls = (
        {lang: METADATA_PAGE.format(lang=lang, id=first_id) for lang in LANGS} if first_id else {}
    )
    return sources, source_summary(spec, sources, "THL, Sotkanet.fi", urls, producer)
