"""The public source of a dataset: what the package, the downloads and the pages name.

A snapshot may have been fetched from anywhere: the producer's API, a mirror, or (for the
committed seed snapshots) a local emulator on 127.0.0.1. `provenance.json` keeps exactly
what happened (which URL was called, when, which recorded file seeded it). What is
*published* is the producer's public address, built from the spec and the base URL that
site.yaml configures (never from a `KUNTADATA_<SOURCE>_URL` override, which tests and
seeding point at a local server), with the producer and the licence, plus the exact query
bodies, which are real and can be re-run against that public address.
"""

from __future__ import annotations

from ipaddress import ip_address
from typing import Any
from urllib.parse import urlsplit

from .config import DEFAULT_SOURCES, SiteConfig
from .spec import DatasetSpec

# The sources' registry is imported inside `public_sources`: the site stage imports
# `is_public_url` from here and must never load a module under `sources/`.

LANGS = ("fi", "sv", "en")


def is_public_url(url: object) -> bool:
    """True for an http(s) URL whose host is not this machine (localhost, 127.x, ::1, 0.0.0.0).

    A loopback address in a published file would point every reader at their own computer.
    """
    if not isinstance(url, str):
        return False
    parts = urlsplit(url)
    host = (parts.hostname or "").casefold()
    if parts.scheme not in ("http", "https") or not host:
        return False
    if host == "localhost" or host.endswith(".localhost"):
        return False
    try:
        address = ip_address(host)
    except ValueError:
        return True
    return not (address.is_loopback or address.is_unspecified)


def public_base(config: SiteConfig, name: str) -> str:
    """site.yaml's base URL of a source, or the producer's own when that one is not public."""
    configured = (config.sources or {}).get(name) or ""
    base = configured if is_public_url(configured) else DEFAULT_SOURCES[name]
    return base.rstrip("/")


def public_sources(
    spec: DatasetSpec,
    provenance: dict[str, Any],
    config: SiteConfig,
    meta: dict[str, Any],
    tidy_sources: list[dict[str, Any]] | None = None,
) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """The resource's Frictionless `sources` and its `x-kuntadata.source` summary.

    Each source builds its own (`kuntadata/sources/<source>/public.py`). `meta` is the tidied
    `x-kuntadata` (Sotkanet producers come from THL's metadata there); `tidy_sources` only
    lends a file source its title (the file's own title, when it has one).
    """
    from .sources import SOURCES

    return SOURCES[spec.kind].public_source(spec, provenance, config, meta, tidy_sources or [])


def source_summary(
    spec: DatasetSpec,
    sources: list[dict[str, Any]],
    title: str,
    url_by_lang: dict[str, str],
    producer: dict[str, str],
) -> dict[str, Any]:
    """`x-kuntadata.source`: the first source's address, per language where the page has one."""
    summary: dict[str, Any] = {"title": title}
    primary = next((s["path"] for s in sources if is_public_url(s.get("path"))), "")
    if primary:
        summary["url"] = primary
        public = {lang: url for lang, url in url_by_lang.items() if is_public_url(url)}
        summary["url_by_lang"] = public or {lang: primary for lang in LANGS}
    if producer:
        summary["producer"] = producer
    summary["licence"] = dict(spec.licence)
    return summary
