"""Errors, not tracebacks: a full disk, a read-only or busy folder, a taken or invalid port, a
cut-short datapackage.json, and a descriptor pointing outside the package.

Each is one message naming the path or port and what to do, exit code 1, and no traceback
without --debug.
"""

from __future__ import annotations

import errno
import json
import os
import pathlib
import socket
from pathlib import Path

import pytest
from project import make_project, tree
from test_cli import run

import kuntadata.lock
import kuntadata.package
import kuntadata.snapshot

FULL = (
    "No space left on device (Errno 28); the disk is full; free some space (old builds, "
    "caches) and run the command again. The last complete output is kept.\n"
)
KEPT = "The last complete output is kept.\n"


@pytest.fixture
def packaged(tmp_path: Path) -> Path:
    """A project with the real families snapshot and its package built once."""
    root = make_project(tmp_path, ("families",), with_snapshots=True)
    result = run(root, "--offline", "package")
    assert result.exit_code == 0, result.output
    return root


def leftovers(root: Path) -> list[str]:
    return sorted(p.name for p in (root / "data").iterdir() if ".tmp-" in p.name)


def test_disk_full_while_packaging_names_the_package_and_keeps_the_last_one(packaged, monkeypatch):
    before = tree(packaged / "data/package")

    def full(*args: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")  # mid-write: no file name

    monkeypatch.setattr(kuntadata.package, "_write_csv", full)
    result = run(packaged, "--offline", "package")
    assert result.exit_code == 1
    assert result.output.endswith(f"Error: {packaged}/data/package: {FULL}")
    assert "Traceback" not in result.output
    assert tree(packaged / "data/package") == before
    assert leftovers(packaged) == []

    debug = run(packaged, "--debug", "--offline", "package")
    assert debug.exc_info is not None and debug.exc_info[0].__name__ == "WriteError"


def test_disk_full_while_fetching_keeps_the_last_snapshot(tmp_path, monkeypatch, pxweb_server):
    root = make_project(tmp_path, ("families",), with_snapshots=True)
    before = tree(root / "data/raw")
    write_bytes = pathlib.Path.write_bytes

    def full_in_temporaries(self: Path, data: bytes) -> int:
        if ".tmp-" in str(self):
            raise OSError(errno.ENOSPC, "No space left on device")
        return write_bytes(self, data)

    monkeypatch.setattr(pathlib.Path, "write_bytes", full_in_temporaries)
    result = run(root, "fetch", env={"KUNTADATA_STATFIN_URL": pxweb_server.url})
    assert result.exit_code == 1
    assert result.output.endswith(f"Error: {root}/data/raw: {FULL}")
    assert "Traceback" not in result.output
    assert tree(root / "data/raw") == before


def test_a_read_only_folder_is_named_with_what_to_do(packaged, monkeypatch):
    """As root (the tests' user) chmod does not stop writes, so the refusal is simulated
    where the first write happens: the lock file in data/."""
    lock = packaged / "data/.build.lock"
    lock.unlink()
    real_open = os.open

    def read_only(path, flags, *args):
        if Path(path) == lock:
            raise OSError(errno.EROFS, "Read-only file system", str(path))
        return real_open(path, flags, *args)

    monkeypatch.setattr(kuntadata.lock.os, "open", read_only)
    result = run(packaged, "--offline", "package")
    assert result.exit_code == 1
    assert result.output == (
        f"Error: {lock}: Read-only file system (Errno 30); the file system is mounted "
        "read-only; run from a writable copy of the project (`--root DIR`) or remount it "
        f"read-write. {KEPT}"
    )


def test_a_really_read_only_folder_is_named_with_what_to_do(packaged, monkeypatch):
    lock = packaged / "data/.build.lock"
    lock.unlink()
    if os.geteuid() == 0:  # root writes into a chmod 555 folder: refuse as the kernel would
        real_open = os.open

        def denied(path, flags, *args):
            if Path(path) == lock:
                raise OSError(errno.EACCES, "Permission denied", str(path))
            return real_open(path, flags, *args)

        monkeypatch.setattr(kuntadata.lock.os, "open", denied)
    (packaged / "data").chmod(0o555)
    try:
        result = run(packaged, "--offline", "package")
    finally:
        (packaged / "data").chmod(0o755)
    assert result.exit_code == 1
    assert result.output == (
        f"Error: {packaged}/data/.build.lock: Permission denied (Errno 13); this user may not "
        f"write there; fix the folder's permissions (`chmod u+w`) or run from a copy you own "
        f"(`--root DIR`). {KEPT}"
    )


def test_a_busy_package_folder_is_named_and_left_as_it_was(packaged, monkeypatch):
    before = tree(packaged / "data/package")

    def busy(new: Path, target: Path) -> None:
        raise OSError(errno.EBUSY, "Device or resource busy", str(target))

    monkeypatch.setattr(kuntadata.package, "swap_into_place", busy)
    result = run(packaged, "--offline", "package")
    assert result.exit_code == 1
    assert result.output.endswith(
        f"Error: {packaged}/data/package: Device or resource busy (Errno 16); another program "
        "holds the folder open (a preview server, an editor, a file indexer, a mount point); "
        f"close it and run the command again. {KEPT}"
    )
    assert tree(packaged / "data/package") == before
    assert leftovers(packaged) == []


def test_a_port_in_use_is_named_with_another_to_use(tmp_path):
    (tmp_path / "_site").mkdir()
    (tmp_path / "_site/index.html").write_text("<!doctype html>", "utf-8")
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = run(tmp_path, "serve", "--port", str(port))
    assert result.exit_code == 1
    assert result.output == (
        f"Error: 127.0.0.1:{port}: the port is already in use (another `build.py serve` or "
        "another server); stop it, or pick another port: `python3 build.py serve --port 8000`\n"
    )


@pytest.mark.parametrize("port", ["70000", "-1"])
def test_an_invalid_port_is_named(tmp_path, port):
    result = run(tmp_path, "serve", "--port", port)
    assert result.exit_code == 1
    assert result.output == (
        f"Error: --port {port}: not a port number; use one from 1024 to 65535, e.g. "
        "`python3 build.py serve --port 8000`\n"
    )


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"", "empty"),
        (
            b'{"name": "kuntadata", "resour',
            "cut short or not JSON (Unterminated string starting at: line 1 column 23 (char 22))",
        ),
    ],
    ids=["empty", "truncated"],
)
@pytest.mark.parametrize("command", ["validate", "status", "site"])
def test_an_empty_or_truncated_datapackage_json_says_how_to_rebuild_it(
    packaged, content, reason, command
):
    descriptor = packaged / "data/package/datapackage.json"
    descriptor.write_bytes(content)
    result = run(packaged, command)
    assert result.exit_code == 1
    assert result.output.endswith(
        f"Error: {descriptor}: {reason}; rebuild it with `python3 build.py package`\n"
    )
    assert "Traceback" not in result.output and "JSONDecodeError" not in result.output


def test_a_truncated_previous_package_is_rebuilt_with_a_warning(packaged):
    descriptor = packaged / "data/package/datapackage.json"
    descriptor.write_bytes(descriptor.read_bytes()[:500])
    result = run(packaged, "--offline", "package", "validate")
    assert result.exit_code == 0, result.output
    assert (
        f"  warning: {descriptor}: empty or cut short; the package is rebuilt, but what changed "
        "since it cannot be recorded in data/changelog.csv\n"
    ) in result.output
    assert "validate: the package is valid" in result.output


def test_validate_reads_no_file_outside_the_package(packaged):
    package = packaged / "data/package"
    descriptor = json.loads((package / "datapackage.json").read_text("utf-8"))
    outside = packaged / "secret.csv"
    outside.write_text("code\nTOP-SECRET-VALUE\n", "utf-8")
    (package / "link.csv").symlink_to(outside)
    resources = descriptor["resources"]
    resources[0]["path"] = "../../../../../../etc/passwd"
    resources[1]["path"] = "/etc/passwd"
    resources[2]["path"] = "link.csv"
    resources[3]["path"] = "https://example.org/families.csv"
    resources[3]["schema"] = "../../secret.csv"
    (package / "datapackage.json").write_text(json.dumps(descriptor), "utf-8")

    result = run(packaged, "validate")

    assert result.exit_code == 1
    where = f"{package}/datapackage.json"
    hint = f"is not a file inside {package}; only the package's own files are validated "
    fix = "(rebuild it with `python3 build.py package`)"
    assert result.output == (
        f"validate: {where}\n"
        f"  {where}: areas: path '../../../../../../etc/passwd' {hint}{fix}\n"
        f"  {where}: area_mergers: path '/etc/passwd' {hint}{fix}\n"
        f"  {where}: families: path 'link.csv' {hint}{fix}\n"
        f"  {where}: changes: path 'https://example.org/families.csv' {hint}{fix}\n"
        f"  {where}: changes: schema '../../secret.csv' {hint}{fix}\n"
        "Error: validation found 5 error(s)\n"
    )
    assert "root:" not in result.output and "TOP-SECRET" not in result.output
