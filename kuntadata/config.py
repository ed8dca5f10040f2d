"""`site.yaml`: the one file a fork edits (title, scope, languages, contact, colours, sources).

Base URLs of sources can be overridden by environment variables `KUNTADATA_<SOURCE>_URL`,
so tests and offline demos point them at a server on 127.0.0.1 without editing the file.
"""

from __future__ import annotations

import os
import re
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
# Deliberately loose: something@domain.tld, no spaces or brackets. Whether mail arrives no
# syntax can tell; this catches "saavutettavuus at kunta.fi" and a URL pasted as an address.
EMAIL = re.compile(r"[^\s@<>()\[\],;:\"]+@(?:[^\s@<>()\[\],;:\"./]+\.)+[^\W\d_]{2,}")
EMAIL_EXAMPLE = "saavutettavuus@example.fi"
# Which charts get a social card image (site/social_card.py): each page's first chart (the
# whole-Finland site: one card a page), or every chart (a small fork: a card to share each).
SOCIAL_CARDS = ("first_chart", "every_chart")


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
    social_cards: str = "first_chart"  # or "every_chart" (SOCIAL_CARDS)

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
    problems = [p for p in schema_problems(data, "site.schema.json", label, line_of)
                if not _about_contact(p)]  # fmt: skip
    problems += contact_problems(data.get("contact"), "contact" in data, label, line_of)
    problems = _explain_empty_scope(data, problems, label, line_of)
    problems.sort(key=_line_number)
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
        social_cards=data.get("social_cards") or "first_chart",
    )


def contact_problems(contact: Any, present: bool, label: str, line_of: Any) -> list[str]:
    """What is wrong with `contact`, in words a fork can act on.

    The accessibility statement must name where readers send feedback (Act on the Provision
    of Digital Services 306/2019, section 15), and the site shows that address as a mailto:
    link, so a missing or malformed address stops the build instead of publishing a
    statement nobody can answer. The schema says the same for editors; these messages
    replace its generic ones.
    """
    example = f"contact: {{email: {EMAIL_EXAMPLE}}}"
    if not present:
        return [
            f"{label}:1: contact: missing; add the address where readers report accessibility "
            f"problems, e.g. `{example}` (the accessibility statement links to it)"
        ]
    line = line_of(("contact",)) or 1
    if not isinstance(contact, dict):
        return [f"{label}:{line}: contact: must be a mapping such as `{example}`"]
    problems = []
    email = contact.get("email")
    if email is None:
        problems.append(
            f"{label}:{line}: contact.email: missing; add the address where readers report "
            f"accessibility problems, e.g. `email: {EMAIL_EXAMPLE}`"
        )
    elif not isinstance(email, str) or not EMAIL.fullmatch(email):
        where = line_of(("contact", "email")) or line
        problems.append(
            f"{label}:{where}: contact.email: {email!r} is not an email address; write it as "
            f"name@domain, e.g. {EMAIL_EXAMPLE}"
        )
    feedback = contact.get("feedback_url")
    if feedback is not None and not (
        isinstance(feedback, str) and re.fullmatch(r"https?://[^\s/]+\.[^\s]+", feedback)
    ):
        where = line_of(("contact", "feedback_url")) or line
        problems.append(
            f"{label}:{where}: contact.feedback_url: {feedback!r} is not a web address; write "
            "it with https://, e.g. https://example.fi/palaute, or remove the key"
        )
    return problems


def _line_number(problem: str) -> int:
    """`site.yaml:23: …` → 23, so problems read in the order of the file."""
    line = problem.split(":", 2)[1] if problem.count(":") >= 2 else ""
    return int(line) if line.isdigit() else 0


def _about_contact(problem: str) -> bool:
    """A schema message (`site.yaml:LINE: key.path: message`) that `contact_problems` says
    better: contact missing or not a mapping, email missing or malformed, a bad feedback_url."""
    parts = problem.split(": ", 2)
    if len(parts) < 3:
        return False
    where, message = parts[1], parts[2]
    if where == "(top level)":
        return message == "'contact' is a required property"
    if where == "contact":
        return message == "'email' is a required property" or "is not of type" in message
    return where in ("contact.email", "contact.feedback_url")
