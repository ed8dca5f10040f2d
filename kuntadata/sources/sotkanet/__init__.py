"""THL's Sotkanet REST API 1.1 (`kind: sotkanet`).

One folder holds everything of this source: `adapter` (fetch: the region list, indicator
metadata, then the data rows), `tidy` (snapshot → tidy table, Sotkanet's region ids mapped to
official codes with the snapshot's own region list), `public` (the public source a package
names) and `testing` (the local Sotkanet emulator tests and seeding fetch from). There is no
live check: `build.py check --live` lists Sotkanet specs as skipped. Spec keys:
docs/datasets.md, section `kind: sotkanet`.
"""

from __future__ import annotations

from ..base import Source
from .adapter import fetch
from .public import public_source
from .tidy import tidy_dataset

SOURCE = Source(
    kind="sotkanet",
    folder="sotkanet",
    title="Sotkanet",
    docs="docs/datasets.md#kind-sotkanet--thl-sotkanet-rest-api-11",
    fetch=fetch,
    tidy=tidy_dataset,
    public_source=public_source,
)

__all__ = ["SOURCE", "fetch"]
