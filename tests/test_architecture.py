"""Imports point one way: sources → package → site. The site never opens a socket.

And every source has the same shape: one folder `kuntadata/sources/<folder>/` holding its
adapter, tidier, public source, live check (if it has one) and test server, described by one
`SOURCE` registered in `kuntadata.sources.SOURCES` under its `source.kind`, so the stages
never branch on a kind (docs/architecture.md, "One folder per source").
"""

from __future__ import annotations

import ast
import importlib
import json
import re
from pathlib import Path

import pytest

from kuntadata.sources import SOURCES, Source

REPO = Path(__file__).resolve().parent.parent
PACKAGE = REPO / "kuntadata"
SOURCES_DIR = PACKAGE / "sources"
SHARED = {"__init__.py", "base.py", "http.py", "testing.py"}  # kuntadata/sources/ itself
REQUIRED = ("__init__.py", "adapter.py", "tidy.py", "public.py")
DISPATCHERS = ("fetch.py", "package.py", "public_source.py", "check.py")
SCHEMA = json.loads((REPO / "schemas" / "dataset.schema.json").read_text("utf-8"))
KINDS = SCHEMA["properties"]["source"]["properties"]["kind"]["enum"]


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


def absolute_imports(path: Path) -> set[str]:
    """Imported module names made absolute (`..base` in sources/statfin/tidy.py →
    kuntadata.sources.base), so a rule can name a folder whichever way it is imported."""
    package = list(path.relative_to(REPO).with_suffix("").parts[:-1])
    tree = ast.parse(path.read_text("utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = package[: len(package) - node.level + 1] if node.level else []
            module = ".".join([*base, node.module] if node.module else base)
            names.add(module)
            names.update(f"{module}.{alias.name}" for alias in node.names)
    return names


def folder_of(source: Source) -> Path:
    return SOURCES_DIR / source.folder


def heading_anchors(markdown: str) -> set[str]:
    """GitHub's anchors of the `##` headings (lower case, punctuation dropped, spaces → -)."""
    return {
        re.sub(r"[^\w\- ]", "", line[3:].strip().lower()).replace(" ", "-")
        for line in markdown.splitlines()
        if line.startswith("## ")
    }


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


def test_every_kind_of_the_schema_is_one_registered_source() -> None:
    assert sorted(SOURCES) == sorted(KINDS)
    for kind, source in SOURCES.items():
        assert isinstance(source, Source) and source.kind == kind
        assert source.kind in SCHEMA["$defs"], f"{source.schema} is not in the dataset schema"
    assert len({s.folder for s in SOURCES.values()}) == len(SOURCES)


@pytest.mark.parametrize("kind", KINDS)
def test_a_source_is_one_folder_of_the_same_shape(kind: str) -> None:
    """adapter, tidy, public, testing and (only with a live check) check; SOURCE wires them."""
    source = SOURCES[kind]
    folder = folder_of(source)
    for name in REQUIRED:
        assert (folder / name).is_file(), f"{folder / name} is missing"
    testing = folder / "testing.py"
    assert testing.is_file() or (folder / "testing" / "__init__.py").is_file(), (
        f"{folder}: no test server (testing.py or testing/)"
    )
    assert (folder / "check.py").is_file() == (source.check_live is not None), folder
    prefix = f"kuntadata.sources.{source.folder}"
    assert importlib.import_module(prefix).SOURCE is source
    assert source.fetch is importlib.import_module(f"{prefix}.adapter").fetch
    assert source.tidy is importlib.import_module(f"{prefix}.tidy").tidy_dataset
    assert source.public_source is importlib.import_module(f"{prefix}.public").public_source
    if source.check_live is not None:
        assert source.check_live is importlib.import_module(f"{prefix}.check").live_check


def test_every_source_names_the_docs_section_of_its_spec_keys() -> None:
    anchors = heading_anchors((REPO / "docs" / "datasets.md").read_text("utf-8"))
    for source in SOURCES.values():
        page, _, anchor = source.docs.partition("#")
        assert page == "docs/datasets.md" and anchor in anchors, source.docs
        assert f"kind-{source.kind}-" in anchor, source.docs


def test_no_source_code_outside_its_folder() -> None:
    """No kuntadata/tidy_<kind>.py, and only the shared modules directly in sources/."""
    assert not list(PACKAGE.glob("tidy_*.py"))
    loose = {p.name for p in SOURCES_DIR.glob("*.py")} - SHARED
    assert not loose, f"source code outside a source folder: {sorted(loose)}"
    folders = {p.name for p in SOURCES_DIR.iterdir() if (p / "__init__.py").is_file()}
    assert folders == {s.folder for s in SOURCES.values()}


def test_sources_do_not_import_each_other_and_stages_never_load_a_test_server() -> None:
    """A source's runtime modules use only the shared ones (base, http); test servers are for
    tests, seeding and benchmarks (a test server may borrow another source's parser)."""
    folders = {s.folder for s in SOURCES.values()}
    for path in PACKAGE.rglob("*.py"):
        parts = path.relative_to(SOURCES_DIR).parts if SOURCES_DIR in path.parents else ()
        own = parts[0] if parts and parts[0] in folders else None
        in_testing = "testing" in path.with_suffix("").parts[-2:]
        for name in absolute_imports(path):
            pieces = name.split(".")
            if pieces[:2] != ["kuntadata", "sources"] or len(pieces) < 3:
                continue
            if not in_testing:
                assert "testing" not in pieces, f"{path} imports the test server {name}"
            if own and not in_testing and pieces[2] in folders:
                assert pieces[2] == own, f"{path} imports another source: {name}"


@pytest.mark.parametrize("module", DISPATCHERS)
def test_the_stages_look_a_kind_up_and_never_branch_on_it(module: str) -> None:
    """No `spec.kind == "statfin"` in fetch, package, public_source or check: SOURCES[kind]."""
    tree = ast.parse((PACKAGE / module).read_text("utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Compare):
            constants = [
                c.value
                for c in ast.walk(node)
                if isinstance(c, ast.Constant) and isinstance(c.value, str)
            ]
            assert not set(constants) & set(KINDS), f"{module}:{node.lineno} compares a kind"
