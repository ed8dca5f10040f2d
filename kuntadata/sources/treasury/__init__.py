"""The State Treasury's municipal finance reporting (Valtiokonttori, `kind: treasury`).

One folder holds everything of this source: `api` (addresses, catalogue, taxonomy, how a spec
selects facts), `business_ids` (business id → municipality, from data), `adapter` (fetch),
`tidy` (snapshot → tidy table), `public` (the public source a package names), `check`
(`build.py check --live`) and `testing` (the local emulator tests and seeding fetch from).
Spec keys: docs/datasets.md, section `kind: treasury`.
"""

from __future__ import annotations

from ..base import Source
from .adapter import fetch
from .check import live_check
from .public import public_source
from .tidy import tidy_dataset

SOURCE = Source(
    kind="treasury",
    folder="treasury",
    title="Treasury",
    docs="docs/datasets.md#kind-treasury--the-state-treasurys-municipal-finance-reporting",
    fetch=fetch,
    tidy=tidy_dataset,
    public_source=public_source,
    check_live=live_check,
)

__all__ = ["SOURCE", "fetch"]
