"""A CSV, XLSX, PX or JSON file from the repository or a URL (`kind: file`).

One folder holds everything of this source: `adapter` (fetch: the file copied or downloaded,
one per municipality with `{kuntanro}`, through a mirror with `KUNTADATA_FILES_URL`), `read`
(the formats read into a header and rows), `encodings` and `px` (text encodings and the
PC-Axis parser), `tidy` (snapshot → tidy table, the spec's columns mapped), `public` (the
public source a package names) and `testing` (the local file mirror tests and seeding fetch
from). There is no live check: `build.py check --live` lists file specs as skipped. Spec keys:
docs/datasets.md, section `kind: file`. Snapshots are in `data/raw/files/`.
"""

from __future__ import annotations

from ..base import Source
from .adapter import fetch
from .public import public_source
from .tidy import tidy_dataset

SOURCE = Source(
    kind="file",
    folder="files",
    title="file",
    docs="docs/datasets.md#kind-file--csv-xlsx-px-or-json-file",
    fetch=fetch,
    tidy=tidy_dataset,
    public_source=public_source,
)

__all__ = ["SOURCE", "fetch"]
