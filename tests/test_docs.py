"""docs/datasets.md documents every key of the dataset spec schema (Datasette's docs tests)."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
SCHEMA = REPO / "schemas" / "dataset.schema.json"
DOC = REPO / "docs" / "datasets.md"


def schema_keys(node: Any, path: str = "") -> dict[str, str]:
    """Every property name in the schema, with one path where it occurs (for the message)."""
    found: dict[str, str] = {}
    if isinstance(node, dict):
        for key, child in (node.get("properties") or {}).items():
            found.setdefault(key, f"{path}.{key}".lstrip("."))
            found.update(
                {k: v for k, v in schema_keys(child, f"{path}.{key}").items() if k not in found}
            )
        for key, child in node.items():
            if key != "properties":
                for k, v in schema_keys(child, path if key != "$defs" else "").items():
                    found.setdefault(k, v)
    elif isinstance(node, list):
        for child in node:
            for k, v in schema_keys(child, path).items():
                found.setdefault(k, v)
    return found


def test_every_schema_key_is_documented() -> None:
    documented = set(re.findall(r"`([A-Za-z_][A-Za-z0-9_]*)", DOC.read_text("utf-8")))
    keys = schema_keys(json.loads(SCHEMA.read_text("utf-8")))
    missing = sorted(f"{key} (at {where})" for key, where in keys.items() if key not in documented)
    assert not missing, f"docs/datasets.md does not mention: {', '.join(missing)}"


def test_every_source_kind_has_an_example() -> None:
    text = DOC.read_text("utf-8")
    for kind in ("statfin", "sotkanet", "file"):
        assert f"  kind: {kind}\n" in text, kind
