"""Where every stage reads and writes, relative to one project root.

Tests and forks point ``ProjectPaths`` at another root; nothing else hard-codes a path.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class ProjectPaths:
    root: Path = REPO_ROOT

    @property
    def site_config(self) -> Path:
        return self.root / "site.yaml"

    @property
    def datasets(self) -> Path:
        return self.root / "datasets"

    @property
    def raw(self) -> Path:
        return self.root / "data" / "raw"

    @property
    def package(self) -> Path:
        return self.root / "data" / "package"

    @property
    def site(self) -> Path:
        return self.root / "_site"

    @property
    def content(self) -> Path:
        return self.root / "content"

    @property
    def templates(self) -> Path:
        return self.root / "site_templates"

    @property
    def cards(self) -> Path:
        """Social card PNGs by content hash, kept between builds (git-ignored)."""
        return self.root / ".cache" / "cards"

    @property
    def workbooks(self) -> Path:
        """Municipality workbooks by content hash, kept between builds (git-ignored)."""
        return self.root / ".cache" / "workbooks"


SCHEMAS_DIR = REPO_ROOT / "schemas"
