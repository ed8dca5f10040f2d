"""Snapshot integrity: every raw file is checked against the sha256 in its provenance.json.

A hand-edited figure (1 431 376 → 2 431 376 families) used to be packaged as the source's
data and logged as a revision; a truncated response ended in a JSONDecodeError traceback.
Now the damaged dataset alone is left out, with an error naming the file and the fix.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from project import REPO, make_project
from test_cli import run

from kuntadata.errors import SnapshotCorrupt
from kuntadata.snapshot import read_snapshot, verify_snapshot

FIX = (
    "restore it with `git checkout -- data/raw/statfin/families` or refetch it with "
    "`python3 build.py fetch --only families`"
)


def project(tmp_path: Path) -> Path:
    return make_project(tmp_path, ("families", "population"), with_snapshots=True)


def families_file(root: Path, name: str = "data-001.json") -> Path:
    return root / "data/raw/statfin/families" / name


def packaged(root: Path) -> set[str]:
    descriptor = json.loads((root / "data/package/datapackage.json").read_text("utf-8"))
    return {r["name"] for r in descriptor["resources"]}


def helsinki_2025(root: Path) -> str:
    with (root / "data/package/population.csv").open(encoding="utf-8") as handle:
        rows = csv.DictReader(handle)
        return next(
            r["value"]
            for r in rows
            if (r["area"], r["period"], r["sex"]) == ("KU091", "2025", "SSS")
        )


def test_a_hand_edited_figure_is_an_error_and_only_that_dataset_is_left_out(tmp_path):
    root = project(tmp_path)
    path = families_file(root)
    text = path.read_text("utf-8")
    assert text.count("1431376") == 1  # the real 12c1 figure
    path.write_text(text.replace("1431376", "2431376"), "utf-8")

    result = run(root, "--offline", "package")

    assert result.exit_code == 1
    assert (
        f"  error: families: left out of the package (the rest is built): {path}: sha256 "
        f"differs from provenance.json (edited or damaged); {FIX}\n"
    ) in result.output
    assert "Error: package: built without 1 damaged snapshot(s); see the error(s) above" in (
        result.output
    )
    assert "Traceback" not in result.output
    assert packaged(root) == {"areas", "area_mergers", "population", "changes"}
    assert not (root / "data/package/families.csv").exists()
    assert helsinki_2025(root) == "694392"  # the rest is built from its real snapshot
    assert "2431376" not in (root / "data/package/changes.csv").read_text("utf-8")
    assert not (root / "data/changelog.csv").exists()


def test_a_truncated_response_is_named_with_its_size_not_a_json_traceback(tmp_path):
    root = project(tmp_path)
    path = families_file(root)
    data = path.read_bytes()
    path.write_bytes(data[:1000])

    result = run(root, "--offline", "package")

    assert result.exit_code == 1
    assert (
        f"families: left out of the package (the rest is built): {path}: 1,000 bytes, "
        f"provenance.json recorded {len(data):,} (truncated or edited); {FIX}"
    ) in result.output
    assert "JSONDecodeError" not in result.output and "Traceback" not in result.output
    assert "families" not in packaged(root) and "population" in packaged(root)


def test_a_missing_file_and_an_empty_provenance_are_errors_with_the_fix(tmp_path):
    root = project(tmp_path)
    families_file(root, "metadata-fi.json").unlink()
    result = run(root, "--offline", "package")
    assert result.exit_code == 1
    missing = families_file(root, "metadata-fi.json")
    assert f"{missing}: missing (listed in provenance.json); {FIX}" in result.output
    assert "FileNotFoundError" not in result.output

    families_file(root, "provenance.json").write_text("", "utf-8")
    result = run(root, "--offline", "package")
    assert result.exit_code == 1
    assert f"{families_file(root, 'provenance.json')}: empty; {FIX}" in result.output
    assert "population" in packaged(root)


def test_a_damaged_areas_reference_stops_the_package_and_says_how_to_restore_it(tmp_path):
    root = project(tmp_path)
    areas = root / "data/raw/classification/areas/area_mergers.csv"
    areas.write_text(areas.read_text("utf-8") + "KU999,KU091,2030\n", "utf-8")
    result = run(root, "--offline", "package")
    assert result.exit_code == 1
    assert (
        f"{areas}: sha256 differs from provenance.json (edited or damaged)\n"
        "restore it with `git checkout -- data/raw/classification/areas` or rebuild it with "
        "`python3 scripts/make_areas_reference.py`\nPackage stage failed with 2 problems"
    ) in result.output
    assert not (root / "data/package").exists()


def test_read_snapshot_rejects_a_file_name_that_leaves_the_snapshot(tmp_path):
    root = project(tmp_path)
    directory = families_file(root).parent
    provenance = json.loads((directory / "provenance.json").read_text("utf-8"))
    provenance["files"][0]["file"] = "../population/provenance.json"
    (directory / "provenance.json").write_text(json.dumps(provenance), "utf-8")
    with pytest.raises(SnapshotCorrupt) as caught:
        read_snapshot(directory)
    assert caught.value.problems == [
        f"{directory / 'provenance.json'}: lists '../population/provenance.json', not a file name",
        FIX,
    ]


def committed_snapshots() -> list[Path]:
    """Folders whose provenance.json lists files (a hand-made reference without a list of
    files, such as classification/business_ids, has nothing to check)."""
    return sorted(
        path.parent
        for path in (REPO / "data/raw").rglob("provenance.json")
        if "files" in json.loads(path.read_text("utf-8"))
    )


@pytest.mark.parametrize(
    "directory", committed_snapshots(), ids=lambda p: str(p.relative_to(REPO / "data/raw"))
)
def test_every_committed_snapshot_matches_its_provenance(directory):
    assert verify_snapshot(directory) == []
