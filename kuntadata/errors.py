"""The project's exceptions.

Library code raises these; only ``build.py`` turns them into a message and a non-zero exit.
Every message names the file, URL or flag concerned, what is wrong and what to do.
"""

from __future__ import annotations


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


class BuildError(KuntadataError):
    """The site stage cannot build: names what is missing and which command makes it."""


def _first_bytes(body: bytes | str | None, limit: int = 200) -> str:
    if body is None:
        return ""
    if isinstance(body, bytes):
        body = body[:limit].decode("utf-8", errors="replace")
    return body[:limit]
