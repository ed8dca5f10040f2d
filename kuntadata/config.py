"""`site.yaml`: the one file a fork edits (title, scope, languages, contact, colours, sources).

Base URLs of sources can be overridden by environment variables `KUNTADATA_<SOURCE>_URL`,
so tests and offline demos point them at a server on 127.0.0.1 without editing the file.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import SpecError
from .yamlfiles import load_yaml, schema_problems

DEFAULT_SOURCES: dict[str, str] = {
    "statfin": "https://pxdata.stat.fi/PxWeb/api/v1",
    "sotkanet": "https://sotkanet.fi/rest/1.1",
    "classification": "https://data.stat.fi/api/classifications/v2",
}
SUPPORTED_LANGUAGES = ("fi", "sv", "en")


@dataclass(frozen=True)
class SiteConfig:
    title: dict[str, str]
    languages: tuple[str, ...]
    scope: str | tuple[str, ...] = "all"
    description: dict[str, str] = field(default_factory=dict)
    base_url: str = "/"
    compare: tuple[str, ...] = ("region", "country")
    contact: dict[str, Any] = field(default_factory=dict)
    theme: dict[str, str] = field(default_factory=dict)
    sources: dict[str, str] = field(default_factory=lambda: dict(DEFAULT_SOURCES))
    path: Path | None = None

    @property
    def default_language(self) -> str:
        return self.languages[0]

    def source_url(self, name: str) -> str:
        """Base URL of a source: `KUNTADATA_<NAME>_URL` wins over site.yaml and the default."""
        env = os.environ.get(f"KUNTADATA_{name.upper()}_URL")
        return (env or self.sources.get(name) or DEFAULT_SOURCES[name]).rstrip("/")


EMPTY_SCOPE = (
    "scope is empty: use `all`, a region code like MK12, or a list of municipality codes "
    "(`scope: all`, `scope: [MK12]`, `scope: [KU091, KU049]`)"
)


def _explain_empty_scope(data: dict, problems: list[str], label: str, line_of: Any) -> list[str]:
    """`scope: []` (or a bare `scope:`) fails the schema with "[] is not of type 'string'",
    which sends a fork looking for a string to write; say what an empty scope means instead."""
    if "scope" not in data or data["scope"] not in ([], None, ""):
        return problems
    line = line_of(("scope",)) or 1
    others = [p for p in problems if p.split(": ", 2)[1:2] != ["scope"]]
    return [*others, f"{label}:{line}: {EMPTY_SCOPE}"]


def load_site_config(path: Path) -> SiteConfig:
    """Read and check site.yaml; every problem is listed, then one SpecError."""
    label = path.name
    if not path.exists():
        raise SpecError(f"{path}: not found; copy site.yaml from the repository root and edit it")
    data, line_of = load_yaml(path, label)
    if not isinstance(data, dict):
        raise SpecError(f"{label}:1: the file must be a mapping of keys (title, languages, …)")
    problems = schema_problems(data, "site.schema.json", label, line_of)
    problems = _explain_empty_scope(data, problems, label, line_of)
    if problems:
        raise SpecError(problems, where=label)
    scope = data["scope"]
    sources = dict(DEFAULT_SOURCES)
    sources.update(data.get("sources") or {})
    return SiteConfig(
        title=data["title"],
        description=data.get("description") or {},
        base_url=os.environ.get("KUNTADATA_BASE_URL") or data.get("base_url") or "/",
        languages=tuple(data["languages"]),
        scope="all" if scope == "all" else tuple(scope),
        compare=tuple(data.get("compare") or ("region", "country")),
        contact=data.get("contact") or {},
        theme=data.get("theme") or {},
        sources=sources,
        path=path,
    )
