#!/usr/bin/env python3
"""Seed `data/raw/treasury/` from the real recorded State Treasury files, offline.

Why: these machines have no internet, but a snapshot must be what the adapter really fetched. So
the real fetch stage runs the real adapter (`kuntadata.sources.treasury`) through the shared
HTTP client against the local emulator `kuntadata/sources/treasury/testing.py` on 127.0.0.1,
which serves only recorded content from tests/fixtures/treasury/ (the catalogue slice, the KTAS
taxonomy, the core facts of nine KTAS documents). provenance.json records the 127.0.0.1 URLs
called and which recorded files stood behind each response (`replayed_from`); the package
publishes the same catalogue and documents on the Treasury's own host instead.

Only specs of a package the emulator has documents for (KTAS) are seeded; KKNR and KKOTR were
never recorded, so those datasets stay "not yet fetched" until a build with internet.

    python scripts/seed_treasury.py                   # every seedable Treasury dataset
    python scripts/seed_treasury.py municipal_budget  # only these ids
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from kuntadata.areas import load_areas  # noqa: E402
from kuntadata.config import load_site_config  # noqa: E402
from kuntadata.fetch import fetch_datasets  # noqa: E402
from kuntadata.package import AREAS_DIR  # noqa: E402
from kuntadata.paths import ProjectPaths  # noqa: E402
from kuntadata.sources.treasury.testing import (  # noqa: E402
    CATALOGUE_FILE,
    FACTS_FILE,
    INDEX_FILE,
    TAXONOMY_FILE,
    TreasuryServer,
    treasury_env,
)
from kuntadata.spec import load_dataset_specs  # noqa: E402

RECORDED_PACKAGES = {"KTAS"}
NOTE = (
    "Fetched offline by the real adapter from the local emulator "
    "kuntadata/sources/treasury/testing.py on 127.0.0.1, because the build machine had no "
    "internet. It served real recorded content only (paths in replayed_from are relative to "
    "shared/realdata; sources and checks in shared/realdata/treasury/README.md): the catalogue "
    "slice plus the catalogue rows of the six KTAS 2023 documents rebuilt from their facts' "
    "document columns, the KTAS taxonomy, and the 32 core facts of each recorded KTAS document (a "
    "real document has 158-160). The raw JSON layout is the emulator's reconstruction from the "
    "API's field list, not a recording. Documents listed in the catalogue but not recorded were "
    "answered 404 and are named in missing_documents; documents of business ids that map to no "
    "municipality are in unknown_business_ids."
)


def replayed_from(package: str) -> dict[str, list[str]]:
    """Which recorded files stand behind each snapshot file (documents by pattern)."""
    return {
        "taxonomy-index.json": [f"treasury/{INDEX_FILE}"],
        f"taxonomy-{package}.json": [f"treasury/{TAXONOMY_FILE}"],
        "catalogue.json": [f"treasury/{CATALOGUE_FILE}", f"treasury/{FACTS_FILE}"],
        f"document-{package}-*.json": [f"treasury/{FACTS_FILE}"],
    }


def main(argv: list[str]) -> int:
    paths = ProjectPaths(REPO)
    treasury = [s for s in load_dataset_specs(paths.datasets) if s.kind == "treasury"]
    seedable = [s for s in treasury if str(s.source["package"]).upper() in RECORDED_PACKAGES]
    for spec in treasury:
        if spec not in seedable:
            print(f"  {spec.id}: {spec.source['package']} was never recorded; not seeded")
    unknown = [name for name in argv if name not in {s.id for s in seedable}]
    if unknown:
        print(f"not seedable: {', '.join(unknown)}; seedable: {', '.join(s.id for s in seedable)}")
        return 2
    specs = [s for s in seedable if not argv or s.id in argv]
    areas = load_areas(paths.raw / AREAS_DIR)
    extra = {
        s.id: {
            "canonical_base_url": "https://prodkuntarest.westeurope.cloudapp.azure.com",
            "emulator": NOTE,
            "replayed_from": replayed_from(str(s.source["package"]).upper()),
        }
        for s in specs
    }
    with TreasuryServer() as server, treasury_env(server):
        assert os.environ["KUNTADATA_TREASURY_URL"] == server.url
        config = load_site_config(paths.site_config)
        summary = fetch_datasets(paths, config, specs, areas, provenance_extra=extra)
    print(f"{summary.api_calls} API calls in {summary.seconds:.1f} s")
    return 1 if summary.failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
