"""Source adapters, one module per API, registered by the dataset spec's `source.kind`.

This package is the only code that touches the network (a test enforces that the site
stage never imports it).
"""

from __future__ import annotations

from collections.abc import Callable

from . import files, sotkanet, statfin, treasury
from .base import FetchRequest, SourceResult

ADAPTERS: dict[str, Callable[[FetchRequest], SourceResult]] = {
    "statfin": statfin.fetch,
    "sotkanet": sotkanet.fetch,
    "file": files.fetch,
    "treasury": treasury.fetch,
}
