"""Snapshots: the raw responses of one dataset, byte for byte, with their provenance.

`data/raw/<source>/<dataset>/` is committed to git (git scraping): the history is the
record of every release and revision, and a fresh clone rebuilds the site offline. A
snapshot is written to a temporary sibling directory and renamed into place only when the
whole dataset was fetched, so a failure never leaves half a snapshot or loses the last one.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from .errors import PackageError, SnapshotCorrupt

PROVENANCE = "provenance.json"


@dataclass(frozen=True)
class RawFile:
    name: str
    content: bytes
    url: str
    method: str
    body: Any
    status: int
    role: str
    lang: str
    fetched_at: str
    area: str = ""


def now_utc() -> str:
    return datetime.now(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def snapshot_dir(raw_root: Path, source: str, dataset: str) -> Path:
    return raw_root / source / dataset


def write_snapshot(
    target: Path,
    files: list[RawFile],
    *,
    dataset: str,
    source: str,
    licence: dict[str, str],
    attribution: str,
    extra: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Write all files and provenance.json to a temp dir, then swap it in atomically."""
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.parent / f".{target.name}.tmp-{uuid.uuid4().hex[:8]}"
    tmp.mkdir()
    try:
        entries = []
        for item in files:
            (tmp / item.name).write_bytes(item.content)
            entries.append(
                {
                    "file": item.name,
                    "url": item.url,
                    "method": item.method,
                    "body": item.body,
                    "status": item.status,
                    "fetched_at": item.fetched_at,
                    "sha256": hashlib.sha256(item.content).hexdigest(),
                    "bytes": len(item.content),
                    "role": item.role,
                    "lang": item.lang,
                    **({"area": item.area} if item.area else {}),
                }
            )
        provenance = {
            "dataset": dataset,
            "source": source,
            "fetched_at": max((f.fetched_at for f in files), default=now_utc()),
            "licence": licence,
            "attribution": attribution,
            **(extra or {}),
            "files": entries,
        }
        text = json.dumps(provenance, ensure_ascii=False, indent=2) + "\n"
        (tmp / PROVENANCE).write_text(text, encoding="utf-8")
        swap_into_place(tmp, target)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return provenance


def swap_into_place(new: Path, target: Path) -> None:
    """Replace `target` by `new` with two renames; the old copy is removed only afterwards."""
    old = target.parent / f".{target.name}.old-{uuid.uuid4().hex[:8]}"
    if target.exists():
        target.rename(old)
    try:
        new.rename(target)
    except BaseException:
        if old.exists():
            old.rename(target)
        raise
    shutil.rmtree(old, ignore_errors=True)


def read_provenance(directory: Path) -> dict[str, Any]:
    """The snapshot's provenance.json; a damaged one is a SnapshotCorrupt naming the fix."""
    path = directory / PROVENANCE
    if not path.exists():
        raise PackageError(
            f"{directory}: no snapshot ({PROVENANCE} missing); run `python build.py fetch` "
            "with internet, or restore data/raw/ from git"
        )
    try:
        provenance = json.loads(path.read_bytes())
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        reason = "empty" if not path.stat().st_size else f"not valid JSON ({exc})"
        raise SnapshotCorrupt([f"{path}: {reason}", _fix(directory)]) from exc
    if not isinstance(provenance, dict) or not isinstance(provenance.get("files"), list):
        raise SnapshotCorrupt([f"{path}: has no list of files", _fix(directory)])
    return provenance


def read_snapshot(directory: Path) -> dict[str, Any]:
    """provenance.json, once every file it lists is there with the recorded sha256.

    The package stage reads snapshots through this: a hand-edited figure or a truncated
    response must never be published as the source's data (nor logged as a revision).
    """
    problems = verify_snapshot(directory)
    if problems:
        raise SnapshotCorrupt([*problems, _fix(directory)])
    return read_provenance(directory)


def verify_snapshot(directory: Path) -> list[str]:
    """Problems with a snapshot's files: missing, unreadable, or bytes not as recorded."""
    provenance = read_provenance(directory)
    problems = []
    for entry in provenance["files"]:
        name = entry.get("file") if isinstance(entry, dict) else None
        if not isinstance(name, str) or not name or Path(name).name != name or name == "..":
            problems.append(f"{directory / PROVENANCE}: lists {name!r}, not a file name")
            continue
        path = directory / name
        recorded = entry.get("sha256")
        if not path.is_file():
            problems.append(f"{path}: missing (listed in {PROVENANCE})")
            continue
        try:
            content = path.read_bytes()
        except OSError as exc:
            problems.append(f"{path}: cannot be read ({exc.strerror})")
            continue
        size = entry.get("bytes")
        if isinstance(size, int) and size != len(content):
            problems.append(
                f"{path}: {len(content):,} bytes, {PROVENANCE} recorded {size:,} "
                "(truncated or edited)"
            )
        elif not recorded:
            problems.append(f"{path}: {PROVENANCE} records no sha256 for it")
        elif hashlib.sha256(content).hexdigest() != recorded:
            problems.append(f"{path}: sha256 differs from {PROVENANCE} (edited or damaged)")
    return problems


def _fix(directory: Path) -> str:
    """What to do about a damaged snapshot: restore the committed one, or fetch it again."""
    relative = f"data/raw/{directory.parent.name}/{directory.name}"
    return (
        f"restore it with `git checkout -- {relative}` or refetch it with "
        f"`python3 build.py fetch --only {directory.name}`"
    )
