"""Build outputs kept between builds under `.cache/<kind>/`, each named by the sha256 of
everything that makes its bytes, so an unchanged one is taken from disk instead of made again.

Why: a daily build whose data did not change still drew every social card (tens of
milliseconds each) and wrote every municipality's workbook (some 25 ms each with every
dataset, a fifth of the build's CPU). The key holds the content and the version of the code
that writes it, so a changed figure or a new writer gives a new file and the old one is
simply no longer used. Each use touches the file; `prune` deletes what no build has used
for a month, so old data's files do not pile up.

Both build processes may make the same file at once: each writes its own temporary file and
renames it into place, which is atomic, so a reader never sees half a file.
"""

from __future__ import annotations

import hashlib
import os
import time
from collections.abc import Callable
from pathlib import Path

CACHE_DAYS = 30  # a cached file unused this long is deleted


def content_key(*parts: str) -> str:
    """The hex sha256 of the parts, one per line: a file's name in the cache."""
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


class ContentCache:
    """One kind of cached output (`suffix` such as ".png") in `directory`. `made` counts the
    files this process had to make (a warm build makes none)."""

    def __init__(self, directory: Path, suffix: str) -> None:
        self.directory = directory
        self.suffix = suffix
        self.made = 0

    def get(self, key: str, make: Callable[[], bytes]) -> bytes:
        """The bytes cached under `key`, or `make()`'s, stored for the next build."""
        cached = self.directory / f"{key}{self.suffix}"
        if cached.exists():
            os.utime(cached)  # used now: kept by prune()
            return cached.read_bytes()
        data = make()
        self.made += 1
        self.directory.mkdir(parents=True, exist_ok=True)
        partial = cached.with_name(f".{cached.name}.{os.getpid()}.tmp")
        partial.write_bytes(data)
        os.replace(partial, cached)  # atomic: the other build process may write it too
        return data

    def prune(self, days: int = CACHE_DAYS) -> int:
        """Delete cached files no build has used for `days`; returns how many. Called once
        every page is written (each use has touched its file)."""
        limit = time.time() - days * 86400
        old = [p for p in self.directory.glob(f"*{self.suffix}") if p.stat().st_mtime < limit]
        for path in old:
            path.unlink(missing_ok=True)
        return len(old)
