"""File source (`kind: file`): a CSV, XLSX, PX or JSON file from the repository or a URL.

The file is snapshotted like any response (a repository file is copied with its sha256), so
the package stage reads only `data/raw/`. It is also read once here (`read.py`), before the
snapshot is written, so a wrong encoding or a missing column fails the fetch and keeps the
last good snapshot instead of replacing it with a file the package stage cannot use. Mapping
columns to the tidy table is in `tidy.py`.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from urllib.parse import urlsplit

from ...errors import FetchError, SpecError
from ...snapshot import now_utc
from ...spec import DatasetSpec
from ..base import FetchedFile, FetchRequest, SourceResult
from ..http import HttpClient, Response
from .read import FORMATS, RawTable, check_columns, file_format, read_table

__all__ = ["FORMATS", "MIRROR_ENV", "RawTable", "fetch", "fetch_file", "mirror_url", "read_table"]

MIRROR_ENV = "KUNTADATA_FILES_URL"


def fetch(request: FetchRequest) -> SourceResult:
    """The adapter entry point registered for `kind: file`."""
    root = request.config.path.parent if request.config.path else Path.cwd()
    if is_per_municipality(str(request.spec.source["path"])):
        codes = [
            c
            for c in request.wanted_areas
            if c.startswith("KU") and c not in request.optional_areas
        ]
        return fetch_per_municipality(request.spec, request.client, codes)
    return fetch_file(request.spec, request.client, root)


PER_MUNICIPALITY = re.compile(r"\{(kuntanro|kunta)\}")


def is_per_municipality(path: str) -> bool:
    """A path with `{kuntanro}` (91) or `{kunta}` (091) names one file per municipality."""
    return bool(PER_MUNICIPALITY.search(path))


def fetch_per_municipality(spec: DatasetSpec, client: HttpClient, codes: list[str]) -> SourceResult:
    """One file per municipality in scope (Syke publishes `kunta_91.csv` for Helsinki).

    A municipality whose file is missing (404) is left out with a warning; any other failure
    fails the dataset, so the last good snapshot is kept.
    """
    template = str(spec.source["path"])
    if not is_url(template):
        raise SpecError(f"{spec.label}: source.path: a per-municipality path must be a URL")
    fmt = file_format(spec)
    result = SourceResult()
    missing: list[str] = []
    for code in codes:
        number = code.removeprefix("KU")
        url = template.replace("{kuntanro}", str(int(number))).replace("{kunta}", number)
        try:
            response = client.get(mirror_url(url), expect="bytes", what=f"{spec.id}: {url}")
        except FetchError as exc:
            if exc.status == 404:
                missing.append(code)
                continue
            raise
        check_columns(spec, read_table(spec, response.content, url))
        result.files.append(FetchedFile(f"data-{code}.{fmt}", response, "data", ""))
        result.areas[f"data-{code}.{fmt}"] = code
    if missing:
        result.warnings.append(
            f"{spec.id}: no file for {len(missing)} municipality(ies): {', '.join(missing[:8])}"
            f"{' …' if len(missing) > 8 else ''}"
        )
    if not result.files:
        raise FetchError(
            f"{spec.id}: no file found for any municipality in scope",
            url=template,
            hint="check source.path and its {kuntanro} / {kunta} placeholder",
        )
    result.provenance = {"path": template, "format": fmt, "per_municipality": True}
    return result


def is_url(path: str) -> bool:
    return path.startswith(("http://", "https://"))


def mirror_url(url: str) -> str:
    """Where to fetch `url` from: `KUNTADATA_FILES_URL` names a mirror (a local test server)
    that serves `{mirror}/{host}{path}`; the spec keeps the canonical address."""
    mirror = os.environ.get(MIRROR_ENV)
    if not mirror:
        return url
    parts = urlsplit(url)
    query = f"?{parts.query}" if parts.query else ""
    return f"{mirror.rstrip('/')}/{parts.netloc}{parts.path}{query}"


def fetch_file(spec: DatasetSpec, client: HttpClient, root: Path) -> SourceResult:
    """Fetch or copy the file, read it once to check it, and return it for the snapshot."""
    path = str(spec.source["path"])
    fmt = file_format(spec)
    if is_url(path):
        url = mirror_url(path)
        response = client.get(url, expect="bytes", what=f"{spec.id}: file {path}")
        head = response.content[:200].lstrip().lower()
        if fmt != "px" and head.startswith((b"<!doctype", b"<html")):
            raise FetchError(
                f"{spec.id}: {path} answered with an HTML page, not a {fmt} file",
                url=url,
                status=response.status,
                body=response.content,
                hint="check that source.path points at the file itself, not a web page",
            )
    else:
        local = (root / path).resolve()
        if not local.is_relative_to(root.resolve()) or not local.is_file():
            raise SpecError(
                f"{spec.label}: source.path: {path!r} is not a file in the repository "
                f"({root}); give a path relative to the repository root or an http(s) URL"
            )
        response = Response(
            url=Path(path).as_posix(),
            method="FILE",
            status=200,
            content=local.read_bytes(),
            headers={},
            fetched_at=now_utc(),
        )
    check_columns(spec, read_table(spec, response.content, path))
    result = SourceResult()
    result.files.append(FetchedFile(f"data.{fmt}", response, "data", ""))
    result.provenance = {"path": path, "format": fmt}
    if is_url(path) and response.url != path:
        result.provenance["canonical_url"] = path
    if spec.source.get("source_page"):
        result.provenance["source_page"] = spec.source["source_page"]
    return result
