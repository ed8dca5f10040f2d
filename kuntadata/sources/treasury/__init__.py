"""The State Treasury's municipal finance reporting (Valtiokonttori, `kind: treasury`).

One folder holds everything of this source: `api` (addresses, catalogue, taxonomy, how a spec
selects facts), `business_ids` (business id → municipality, from data), `adapter` (fetch),
`tidy` (snapshot → tidy table, imported by the package stage only), `public` (the public
source a package names) and `check` (`build.py check --live`).

Only the adapter is imported here: the tidier imports `kuntadata.tidy`, which imports this
package's parent, so importing it here would be circular.
"""

from __future__ import annotations

from .adapter import fetch

__all__ = ["fetch"]
