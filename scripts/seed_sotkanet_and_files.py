"""Seed `data/raw/sotkanet/` and `data/raw/files/` from the real recorded files, offline.

Why: the build has no network here, but snapshots must be what an adapter really fetched. So
this runs the real adapters (`kuntadata.sources.sotkanet`, `kuntadata.sources.files`) with the
shared HTTP client against their local emulators (each source's `testing` module, on 127.0.0.1),
which replay the real recordings in tests/fixtures byte for byte. `provenance.json` records the
127.0.0.1 URL that was fetched, the canonical address, and which real file was replayed.

Only specs with `verified: true` are seeded (an unverified spec has no recorded data).

    python scripts/seed_sotkanet_and_files.py            # all verified sotkanet/file specs
    python scripts/seed_sotkanet_and_files.py home_care  # only these ids
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))


from kuntadata.fetch import raw_files  # noqa: E402
from kuntadata.paths import ProjectPaths  # noqa: E402
from kuntadata.snapshot import snapshot_dir, write_snapshot  # noqa: E402
from kuntadata.sources.base import SourceResult  # noqa: E402
from kuntadata.sources.files import adapter as files  # noqa: E402
from kuntadata.sources.files.testing import FileServer  # noqa: E402
from kuntadata.sources.http import HttpClient  # noqa: E402
from kuntadata.sources.sotkanet import adapter as sotkanet  # noqa: E402
from kuntadata.sources.sotkanet.testing import SotkanetServer  # noqa: E402
from kuntadata.spec import DatasetSpec, load_dataset_specs  # noqa: E402

REALDATA = Path(os.environ.get("KUNTADATA_REALDATA") or REPO / "tests" / "fixtures")
REGIONS_2015 = {"population_sotkanet_2009"}  # data recorded with the 2015 region list
FILE_RECORDINGS = {
    "municipal_election_turnout_2021": "statfin/kvaa_12x4_2021_aanestaneet_kunnittain_cp1252.csv",
    "municipal_tax_rate": "treasury/nettopalkka_kunnat-2026.json",
}
EMULATOR_NOTE = (
    "fetched offline from a local emulator on 127.0.0.1 ({script}) replaying the real "
    "recorded file(s) named in replayed_from (paths relative to shared/realdata; sources "
    "in shared/realdata/README.md)"
)


def seed_sotkanet(spec: DatasetSpec, client: HttpClient) -> Path:
    with SotkanetServer() as server:
        server.regions = "2015" if spec.id in REGIONS_2015 else "2026"
        result = sotkanet.fetch_sotkanet(spec, client, server.url)
        replayed = {
            f.name: f"sotkanet/{server.replayed[_path_query(f.response.url)]}" for f in result.files
        }
    extra = {
        "indicators": sotkanet.indicator_ids(spec),
        "gender": spec.source.get("gender", "total"),
        "format": sotkanet.data_format(spec),
        "canonical_base_url": "https://sotkanet.fi/rest/1.1",
        "emulator": EMULATOR_NOTE.format(script="kuntadata/sources/sotkanet/testing.py"),
        "replayed_from": replayed,
        "warnings": result.warnings,
    }
    return _write(spec, "sotkanet", result, extra)


def seed_file(spec: DatasetSpec, client: HttpClient) -> Path:
    recording = FILE_RECORDINGS[spec.id]
    with FileServer() as server:
        server.add(spec.source["path"], REALDATA / recording)
        os.environ[files.MIRROR_ENV] = server.url
        try:
            result = files.fetch_file(spec, client, REPO)
        finally:
            del os.environ[files.MIRROR_ENV]
    extra = dict(result.provenance)
    extra["emulator"] = EMULATOR_NOTE.format(script="kuntadata/sources/files/testing.py")
    extra["replayed_from"] = {f.name: recording for f in result.files}
    return _write(spec, "files", result, extra)


def _path_query(url: str) -> str:
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    return f"{parts.path}?{parts.query}"


def _write(spec: DatasetSpec, source: str, result: SourceResult, extra: dict) -> Path:
    raw = raw_files(result)
    target = snapshot_dir(ProjectPaths(REPO).raw, source, spec.id)
    write_snapshot(
        target,
        raw,
        dataset=spec.id,
        source=source,
        licence=spec.licence,
        attribution=spec.attribution.get("en")
        or ("Source: THL, Sotkanet.fi" if source == "sotkanet" else ""),
        extra=extra,
    )
    return target


def main(argv: list[str]) -> int:
    specs = load_dataset_specs(REPO / "datasets", only=tuple(argv))
    client = HttpClient()
    for spec in specs:
        if spec.kind not in ("sotkanet", "file"):
            continue
        if not spec.verified:
            print(f"  {spec.id}: verified: false, no recorded data; skipped")
            continue
        seed = seed_sotkanet if spec.kind == "sotkanet" else seed_file
        target = seed(spec, client)
        print(f"  {spec.id}: wrote {target.relative_to(REPO)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
