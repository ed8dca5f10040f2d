"""One writer at a time, and a changelog that records each change once, only once published.

Before: two `package` runs at once wrote the same revision to data/changelog.csv twice (4 of
4 tries); a swap that failed and was retried did the same; a spec typo, later fixed, logged a
made-up "new dataset".
"""

from __future__ import annotations

import csv
import errno
import hashlib
import json
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from project import REPO, make_project
from test_cli import run

import kuntadata.package
from kuntadata.changelog import append_changelog, read_changelog
from kuntadata.config import load_site_config
from kuntadata.errors import WriteError
from kuntadata.lock import lock_path
from kuntadata.package import build_package
from kuntadata.paths import ProjectPaths

HOLD_LOCK = """
import sys
from pathlib import Path
from kuntadata.lock import project_lock
from kuntadata.paths import ProjectPaths
with project_lock(ProjectPaths(Path(sys.argv[1])), "package"):
    print("locked", flush=True)
    sys.stdin.read()
"""


def project(tmp_path: Path) -> Path:
    return make_project(tmp_path, ("families",), with_snapshots=True)


def changelog(root: Path) -> list[dict[str, str]]:
    return read_changelog(root / "data/changelog.csv")


def revise(root: Path, old: str, new: str) -> None:
    """What a fetch of a revised table does: new bytes, and their sha256 in provenance.json."""
    directory = root / "data/raw/statfin/families"
    data = (directory / "data-001.json").read_bytes()
    assert data.count(old.encode()) == 1
    data = data.replace(old.encode(), new.encode())
    (directory / "data-001.json").write_bytes(data)
    provenance = json.loads((directory / "provenance.json").read_text("utf-8"))
    entry = next(e for e in provenance["files"] if e["file"] == "data-001.json")
    entry.update(sha256=hashlib.sha256(data).hexdigest(), bytes=len(data))
    (directory / "provenance.json").write_text(json.dumps(provenance, indent=2), "utf-8")


def hold_lock(root: Path) -> subprocess.Popen:
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD_LOCK, str(root)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        cwd=REPO,
    )
    assert holder.stdout is not None and holder.stdout.readline() == "locked\n"
    return holder


def release(holder: subprocess.Popen) -> None:
    assert holder.stdin is not None
    holder.stdin.close()
    holder.wait(timeout=30)


def test_a_second_run_stops_naming_the_lock_and_the_other_runs_pid(tmp_path):
    root = project(tmp_path)
    holder = hold_lock(root)
    try:
        pid, stage, since = lock_path(ProjectPaths(root)).read_text("utf-8").split()
        result = run(root, "--offline", "package", env={"KUNTADATA_LOCK_WAIT": "0"})
    finally:
        release(holder)
    assert (pid, stage) == (str(holder.pid), "package")
    assert result.exit_code == 1
    assert result.output == (
        f"Error: {root}/data/.build.lock: another kuntadata run (pid {pid}, `package`, since "
        f"{since}) is writing this project; gave up after waiting 0 s. Let it finish, or stop "
        f"it if it hangs (`kill {pid}`), then run the command again (KUNTADATA_LOCK_WAIT sets "
        "how long to wait).\n"
    )
    assert not (root / "data/package").exists()


def test_a_second_run_waits_for_the_first_and_says_so(tmp_path):
    root = project(tmp_path)
    holder = hold_lock(root)
    pid = holder.pid
    timer = threading.Timer(1.5, release, [holder])
    timer.start()
    try:
        result = run(root, "--offline", "package", env={"KUNTADATA_LOCK_WAIT": "60"})
    finally:
        timer.join()
    assert result.exit_code == 0, result.output
    assert f"waiting for another kuntadata run (pid {pid}, `package`, since " in result.output
    assert f"to release {root}/data/.build.lock (up to 60 s)\n" in result.output
    assert (root / "data/package/families.csv").exists()


def test_two_package_runs_at_once_record_a_revision_once(tmp_path):
    root = project(tmp_path)
    assert run(root, "--offline", "package").exit_code == 0
    revise(root, "1431376", "1431377")
    command = [sys.executable, "build.py", "--root", str(root), "--offline", "package"]
    holder = hold_lock(root)  # both runs start while the lock is taken, so they overlap
    runs = [
        subprocess.Popen(command, cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        for _ in range(2)
    ]
    time.sleep(4)
    release(holder)
    outputs = [r.communicate(timeout=300)[0].decode() for r in runs]
    assert [r.returncode for r in runs] == [0, 0], outputs
    assert all("waiting for another kuntadata run" in o for o in outputs), outputs
    rows = [(r["change"], r["area"], r["period"], r["old_value"], r["new_value"])
            for r in changelog(root)]  # fmt: skip
    assert rows == [("revised", "SSS", "2006", "1431376", "1431377")]


def test_a_failed_swap_records_nothing_and_its_retry_records_once(tmp_path, monkeypatch):
    root = project(tmp_path)
    paths = ProjectPaths(root)
    assert run(root, "--offline", "package").exit_code == 0
    revise(root, "1431376", "1431377")
    swap = kuntadata.package.swap_into_place
    calls = []

    def busy_once(new: Path, target: Path) -> None:
        calls.append(target)
        if len(calls) == 1:
            raise OSError(errno.EBUSY, "Device or resource busy", str(target))
        swap(new, target)

    monkeypatch.setattr(kuntadata.package, "swap_into_place", busy_once)
    config, specs, areas = load(paths)
    with pytest.raises(WriteError) as caught:
        build_package(paths, config, specs, areas)
    assert str(caught.value).startswith(f"{root}/data/package: Device or resource busy (Errno 16)")
    assert not (root / "data/changelog.csv").exists()  # the package was not replaced
    assert sorted(p.name for p in (root / "data").iterdir()) == [".build.lock", "package", "raw"]
    summary = build_package(paths, config, specs, areas)  # the retry
    assert summary.changes == 1
    assert [(r["change"], r["new_value"]) for r in changelog(root)] == [("revised", "1431377")]
    assert build_package(paths, config, specs, areas).changes == 0  # the same input again
    assert len(changelog(root)) == 1


def test_a_dataset_left_out_by_a_spec_typo_is_not_new_when_it_comes_back(tmp_path):
    root = make_project(tmp_path, ("families", "population"), with_snapshots=True)
    assert run(root, "--offline", "package").exit_code == 0
    spec = root / "datasets/families.yaml"
    good = spec.read_text("utf-8")
    spec.write_text(good.replace("select: perhlkm\n", "select: perhlkmm\n"), "utf-8")
    typo = run(root, "--offline", "package")
    assert typo.exit_code == 0, typo.output
    assert "families: left out of the package (the rest is built)" in typo.output
    assert not (root / "data/package/families.csv").exists()

    spec.write_text(good, "utf-8")
    fixed = run(root, "--offline", "package")
    assert fixed.exit_code == 0, fixed.output
    assert (root / "data/package/families.csv").exists()
    assert not (root / "data/changelog.csv").exists()  # no removal, no "new dataset"


def test_a_returning_dataset_is_compared_with_its_last_packaged_rows(tmp_path):
    """Left out, then back with a revised figure: the revision is recorded, nothing else."""
    root = make_project(tmp_path, ("families", "population"), with_snapshots=True)
    assert run(root, "--offline", "package").exit_code == 0
    families = root / "data/raw/statfin/families/data-001.json"
    good = families.read_bytes()
    families.write_bytes(good[:100])  # damaged: left out of this build
    assert run(root, "--offline", "package").exit_code == 1
    assert run(root, "--offline", "package").exit_code == 1  # and of the next one
    families.write_bytes(good)
    revise(root, "1431376", "1431377")
    assert run(root, "--offline", "package").exit_code == 0
    assert [(r["dataset"], r["change"], r["new_value"]) for r in changelog(root)] == [
        ("families", "revised", "1431377")
    ]


def test_without_its_last_rows_a_dataset_in_the_changelog_history_is_not_new(tmp_path):
    """A package built before `.left-out/` existed: the committed changelog's history says
    the dataset was published before."""
    root = make_project(tmp_path, ("families", "population"), with_snapshots=True)
    assert run(root, "--offline", "package").exit_code == 0
    history = {"date": "2026-01-01T00:00:00Z", "dataset": "families", "change": "new_dataset"}
    append_changelog(root / "data/changelog.csv", [{**history, "period": "2022", "count": 1}])
    families = root / "data/raw/statfin/families/data-001.json"
    good = families.read_bytes()
    families.write_bytes(b"")
    assert run(root, "--offline", "package").exit_code == 1
    shutil.rmtree(root / "data/package/.left-out")
    families.write_bytes(good)
    assert run(root, "--offline", "package").exit_code == 0
    assert len(changelog(root)) == 1


def test_the_same_change_is_appended_once_but_a_value_going_back_is_told(tmp_path):
    path = tmp_path / "changelog.csv"
    revised = {"date": "2026-11-29T20:42:43Z", "dataset": "families", "indicator": "families",
               "change": "revised", "period": "2006", "area": "SSS", "count": 1}  # fmt: skip
    there = {**revised, "old_value": 1431376, "new_value": 1431377.0}
    back = {**revised, "old_value": "1431377", "new_value": "1431376"}
    assert append_changelog(path, [there, dict(there)]) == 1
    assert append_changelog(path, [{**there, "date": "2026-11-30T00:00:00Z"}]) == 0
    assert append_changelog(path, [back]) == 1
    assert append_changelog(path, [there]) == 1  # there again, after going back
    rows = [(r["old_value"], r["new_value"]) for r in csv.DictReader(path.open())]
    assert rows == [("1431376", "1431377.0"), ("1431377", "1431376"), ("1431376", "1431377.0")]


def load(paths: ProjectPaths):
    from kuntadata.areas import load_areas
    from kuntadata.package import AREAS_DIR
    from kuntadata.spec import load_dataset_specs

    config = load_site_config(paths.site_config)
    specs = load_dataset_specs(paths.datasets, ())
    return config, specs, load_areas(paths.raw / AREAS_DIR)
