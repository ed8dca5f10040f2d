"""Frictionless validation of the package, with every error listed (file, row, field).

Run by the package stage before the package is swapped into place, and by
`build.py validate` on the published package. `datapackage.json` is a file anyone can edit,
so it is never trusted: every resource must be a file inside the package folder (a hand-edited
`../../etc/passwd` or a URL is reported, never read or fetched), and frictionless runs in its
untrusted mode as a second guard.
"""

from __future__ import annotations

import json
from pathlib import Path, PurePosixPath
from typing import Any

from frictionless import FrictionlessException, Package

from .errors import KuntadataError

# Resource properties that frictionless would open as files when given as strings.
PATH_PROPERTIES = ("path", "schema", "dialect")


def read_descriptor(descriptor: Path) -> dict[str, Any]:
    """`datapackage.json` as a dict, or an error naming it and the command that rebuilds it
    (missing, empty, cut short by a full disk or a killed copy): validate, status and site
    read it before anything else."""
    if not descriptor.exists():
        raise KuntadataError(f"{descriptor}: missing; run `python build.py package` first")
    data = descriptor.read_bytes()
    if not data.strip():
        reason = "empty"
    else:
        try:
            parsed = json.loads(data)
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            reason = f"cut short or not JSON ({exc})"
        else:
            if isinstance(parsed, dict) and isinstance(parsed.get("resources"), list):
                return parsed
            reason = "not a data package (no list of resources)"
    raise KuntadataError(f"{descriptor}: {reason}; rebuild it with `python3 build.py package`")


def unsafe_paths(descriptor: Path, package: dict[str, Any]) -> list[str]:
    """Resource paths that are not files inside the package folder (read nothing)."""
    folder = descriptor.parent.resolve()
    problems = []
    for number, resource in enumerate(package["resources"], start=1):
        if not isinstance(resource, dict):
            problems.append(f"{descriptor}: resource {number} is not an object")
            continue
        name = resource.get("name") or f"resource {number}"
        for key in PATH_PROPERTIES:
            values = resource.get(key)
            if key != "path" and not isinstance(values, str):
                continue  # an inline schema or dialect: nothing to open
            for value in values if isinstance(values, list) else [values]:
                if key == "path" and value is None and "data" in resource:
                    continue  # inline data
                if not _inside(folder, value):
                    problems.append(
                        f"{descriptor}: {name}: {key} {value!r} is not a file inside "
                        f"{descriptor.parent}; only the package's own files are validated "
                        "(rebuild it with `python3 build.py package`)"
                    )
    return problems


def _inside(folder: Path, value: object) -> bool:
    """A relative POSIX path without `..` or a URL scheme that resolves inside `folder`."""
    if not isinstance(value, str) or not value or "\\" in value or ":" in value:
        return False
    relative = PurePosixPath(value)
    if relative.is_absolute() or ".." in relative.parts:
        return False
    return (folder / relative).resolve().is_relative_to(folder)


def validate_package(descriptor: Path) -> list[str]:
    """Every validation error as `resource.csv:row N: field: message` (empty list = valid)."""
    problems = unsafe_paths(descriptor, read_descriptor(descriptor))
    if problems:
        return problems
    try:
        report = Package(str(descriptor)).validate(limit_errors=1000)
    except FrictionlessException as exc:  # a descriptor frictionless cannot even open
        return [f"{descriptor}: {exc.error.message}"]
    for error in report.errors:
        problems.append(f"{descriptor}: {error.message}")
    for task in report.tasks:
        resource = task.name or task.place
        for error in task.errors:
            row = getattr(error, "row_number", None)
            field = getattr(error, "field_name", None)
            where = (
                f"{resource}.csv" + (f":row {row}" if row else "") + (f": {field}" if field else "")
            )
            problems.append(f"{where}: {error.type}: {error.note or error.message}")
    return problems
