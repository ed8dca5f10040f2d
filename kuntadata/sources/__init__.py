"""The sources, one folder each, registered by the dataset spec's `source.kind`.

`SOURCES[kind]` is a `Source` (see `base.py`): its adapter, tidier, public source and live
check. The stages look a kind up here and never branch on it. This package is the only code
that touches the network (a test enforces that the site stage never imports it).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from . import files
from .base import Source, area_codes
from .sotkanet import SOURCE as SOTKANET
from .statfin import SOURCE as STATFIN
from .treasury import SOURCE as TREASURY


# Until files has its folder, its tidier and public source are reached through these
# (kuntadata/tidy_files.py imports this package, so it is imported late).
def _tidy_file(spec: Any, directory: Path, areas: Any) -> Any:
    from ..tidy_files import tidy_file

    return tidy_file(spec, directory, area_codes(areas), areas)


def _public_file(spec: Any, provenance: Any, config: Any, meta: Any, tidy_sources: Any):
    from ..public_source import _file

    return _file(spec, provenance, tidy_sources)


FILES = Source(
    kind="file",
    folder="files",
    title="file",
    docs="docs/datasets.md#kind-file--csv-xlsx-px-or-json-file",
    fetch=files.fetch,
    tidy=_tidy_file,
    public_source=_public_file,
)

SOURCES: dict[str, Source] = {
    source.kind: source for source in (STATFIN, SOTKANET, FILES, TREASURY)
}

__all__ = ["SOURCES", "Source"]
