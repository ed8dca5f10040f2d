"""Imports point one way: sources → package → site. The site never opens a socket."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "kuntadata"


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text("utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            prefix = "." * node.level + (node.module or "")
            names.add(prefix)
            names.update(f"{prefix}.{alias.name}" for alias in node.names)
    return names


def test_site_never_imports_sources_or_network_libraries() -> None:
    files = sorted((PACKAGE / "site").rglob("*.py"))
    assert files, "kuntadata/site/ has no modules"
    for path in files:
        for name in imported_modules(path):
            assert "sources" not in name.split("."), f"{path} imports {name}"
            assert name.split(".")[0] not in {"requests", "urllib3", "socket"}, f"{path}: {name}"


def test_only_sources_use_requests() -> None:
    for path in PACKAGE.rglob("*.py"):
        if "sources" in path.parts:
            continue
        assert "requests" not in {n.split(".")[0] for n in imported_modules(path)}, path
