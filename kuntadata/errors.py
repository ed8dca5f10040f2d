"""The project's exceptions.

Library code raises these; only ``build.py`` turns them into a message and a non-zero exit.
Every message names the file, URL or flag concerned, what is wrong and what to do.
"""

from __future__ import annotations

import errno
from pathlib import Path


class KuntadataError(Exception):
    """Base of every error the CLI reports without a traceback."""


class SpecError(KuntadataError):
    """A problem in site.yaml or a datasets/*.yaml file (can carry many problems)."""

    def __init__(self, problems: list[str] | str, where: str = "") -> None:
        self.problems = [problems] if isinstance(problems, str) else list(problems)
        self.where = where
        count = len(self.problems)
        plural = "error" if count == 1 else "errors"
        suffix = f" in {where}" if where else ""
        super().__init__("\n".join([*self.problems, f"Aborted with {count} {plural}{suffix}"]))


class FetchError(KuntadataError):
    """A source could not be fetched: names the URL, status, first bytes of the body, the fix."""

    def __init__(
        self,
        message: str,
        url: str = "",
        status: int | None = None,
        body: bytes | str | None = None,
        hint: str = "",
    ) -> None:
        self.url = url
        self.status = status
        self.body_start = _first_bytes(body)
        self.hint = hint
        parts = [message]
        if url:
            parts.append(f"URL: {url}")
        if status is not None:
            parts.append(f"HTTP status: {status}")
        if self.body_start:
            parts.append(f"Body starts: {self.body_start!r}")
        if hint:
            parts.append(f"What to do: {hint}")
        super().__init__("\n  ".join(parts))


class SourceUnreachable(FetchError):
    """The host did not answer at all (DNS, refused, probe timeout): the whole source is offline."""


class PackageError(KuntadataError):
    """The package stage found problems (all of them are listed)."""

    def __init__(self, problems: list[str] | str) -> None:
        self.problems = [problems] if isinstance(problems, str) else list(problems)
        count = len(self.problems)
        plural = "problem" if count == 1 else "problems"
        super().__init__("\n".join([*self.problems, f"Package stage failed with {count} {plural}"]))


class SnapshotMismatch(PackageError):
    """The spec asks for something its snapshot does not have (changed spec, or values gone
    at the source so the last good snapshot was kept): that dataset is left out, not the
    whole package."""


class SnapshotCorrupt(SnapshotMismatch):
    """A snapshot's bytes are not what its provenance.json recorded (edited, truncated, lost).

    Only that dataset is left out, like a mismatch; unlike a mismatch it is reported as an
    error, because the committed raw data itself is wrong and must be restored or refetched.
    """


class BuildError(KuntadataError):
    """The site stage cannot build: names what is missing and which command makes it."""


class LockBusy(KuntadataError):
    """Another run holds the project's write lock and did not finish within the wait."""


class WriteError(KuntadataError):
    """The file system refused a write (disk full, read-only, busy, no permission).

    Raised instead of a bare OSError so the command line can say which path and what to do;
    the stages write to temporary folders first, so the last complete output is kept.
    """

    def __init__(self, exc: OSError, path: Path | str | None = None) -> None:
        self.errno = exc.errno
        self.path = str(exc.filename or path or "")
        super().__init__(os_error_message(exc, path))


_HINTS = {
    errno.ENOSPC: "the disk is full; free some space (old builds, caches) and run the command "
    "again",
    errno.EDQUOT: "the disk quota is used up; free some space and run the command again",
    errno.EROFS: "the file system is mounted read-only; run from a writable copy of the "
    "project (`--root DIR`) or remount it read-write",
    errno.EACCES: "this user may not write there; fix the folder's permissions "
    "(`chmod u+w`) or run from a copy you own (`--root DIR`)",
    errno.EPERM: "this user may not write there; fix the folder's permissions "
    "(`chmod u+w`) or run from a copy you own (`--root DIR`)",
    errno.EBUSY: "another program holds the folder open (a preview server, an editor, a file "
    "indexer, a mount point); close it and run the command again",
}


def os_error_message(exc: OSError, path: Path | str | None = None) -> str:
    """`<path>: <what the system said> (Errno N); <what to do>` for a failed file operation.

    `path` names the file or folder being written when the error itself does not (a write
    that runs out of space mid-file carries no file name). The last complete output is kept
    because every stage writes into a temporary folder first.
    """
    where = exc.filename or path or "(unknown path)"
    reason = exc.strerror or str(exc)
    code = f" (Errno {exc.errno})" if exc.errno is not None else ""
    hint = _HINTS.get(exc.errno or 0, "check the path and run the command again")
    return f"{where}: {reason}{code}; {hint}. The last complete output is kept."


def _first_bytes(body: bytes | str | None, limit: int = 200) -> str:
    if body is None:
        return ""
    if isinstance(body, bytes):
        body = body[:limit].decode("utf-8", errors="replace")
    return body[:limit]
