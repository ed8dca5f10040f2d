"""The sources, one folder each, registered by the dataset spec's `source.kind`.

`SOURCES[kind]` is a `Source` (see `base.py`): its adapter, tidier, public source and live
check, all in `kuntadata/sources/<folder>/`. The stages look a kind up here and never branch
on it, so adding a source is adding its folder, its line here and its spec keys (schema and
docs/datasets.md). This package is the only code that touches the network (a test enforces
that the site stage never imports it).
"""

from __future__ import annotations

from .base import Source
from .files import SOURCE as FILES
from .sotkanet import SOURCE as SOTKANET
from .statfin import SOURCE as STATFIN
from .treasury import SOURCE as TREASURY

SOURCES: dict[str, Source] = {
    source.kind: source for source in (STATFIN, SOTKANET, FILES, TREASURY)
}

__all__ = ["SOURCES", "Source"]
