"""Business ids (Y-tunnus) → municipality codes, read from data, never guessed.

The Treasury's documents name the reporting entity only by its business id. Which id belongs
to which municipality is kept as data in `data/raw/classification/business_ids/` (its
`provenance.json` says which rows come from which real source and which were corrected and
why). An id that is not there — a joint authority, or a municipality nobody has checked yet —
is reported with the document it came with and left out; it is never matched by a guess.
"""

from __future__ import annotations

import csv
from pathlib import Path

from ...errors import KuntadataError

MAPPING_DIR = Path("classification") / "business_ids"
MAPPING_FILE = "business_ids.csv"


def mapping_path(raw_root: Path) -> Path:
    """`raw_root` is `data/raw/` of the project."""
    return raw_root / MAPPING_DIR / MAPPING_FILE


def load_business_ids(raw_root: Path) -> dict[str, str]:
    """business id → area code; a missing file or an id or area listed twice is an error.

    One area per id and one id per area: two documents of one municipality under two ids, or
    one id standing for two municipalities, would put someone else's budget on a page.
    """
    path = mapping_path(raw_root)
    if not path.exists():
        raise KuntadataError(
            f"{path}: missing; the Treasury documents cannot be placed without it "
            "(restore data/raw/classification/business_ids/ from git)"
        )
    mapping: dict[str, str] = {}
    owner: dict[str, str] = {}
    problems: list[str] = []
    with path.open(encoding="utf-8", newline="") as handle:
        for line, row in enumerate(csv.DictReader(handle), start=2):
            business_id = (row.get("business_id") or "").strip()
            area = (row.get("area") or "").strip()
            if not business_id or not area:
                problems.append(f"{path}:{line}: business_id and area are required")
            elif business_id in mapping:
                problems.append(f"{path}:{line}: business id {business_id} is listed twice")
            elif area in owner:
                problems.append(
                    f"{path}:{line}: {area} already has business id {owner[area]}; "
                    f"{business_id} cannot be the same municipality"
                )
            else:
                mapping[business_id] = area
                owner[area] = business_id
    if problems:
        raise KuntadataError("\n".join(problems))
    return mapping
