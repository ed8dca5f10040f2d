"""Frictionless validation of the package, with every error listed (file, row, field).

Run by the package stage before the package is swapped into place, and by
`build.py validate` on the published package.
"""

from __future__ import annotations

from pathlib import Path

from frictionless import Package, system

from .errors import PackageError


def validate_package(descriptor: Path) -> list[str]:
    """Every validation error as `resource.csv:row N: field: message` (empty list = valid)."""
    if not descriptor.exists():
        raise PackageError(f"{descriptor}: missing; run `python build.py package` first")
    with system.use_context(trusted=True):
        package = Package(str(descriptor))
        report = package.validate(limit_errors=1000)
    problems = []
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
