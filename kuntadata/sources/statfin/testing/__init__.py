"""The local StatFin PxWeb API v1 emulator and its fixtures' loaders, for tests, seeding and
benchmarks (never imported by a stage).

`server` is the HTTP emulator (`PxWebServer`); `px_tables` serves table 12c1 from the real PX
file and holds the PxWeb query rules and json-stat2 building; `json_tables` serves the tables
recorded in PxWeb's `json` format. Run it alone: `python -m kuntadata.sources.statfin.testing`.
"""

from __future__ import annotations

from .json_tables import JSON_TABLES
from .server import FAULT_MODES, PxWebServer, RecordedRequest

__all__ = ["FAULT_MODES", "JSON_TABLES", "PxWebServer", "RecordedRequest"]
