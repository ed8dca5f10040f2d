"""What a fork changes in site.yaml, checked before anything is rendered.

A fork edits one file; when it gets something wrong (a scope code that does not exist, a
language the site has no translations for, a logo that is not where it says) the build must
stop at once with the same message `build.py package` gives, not half-way through the pages.
"""

from __future__ import annotations

from pathlib import Path, PurePosixPath
from typing import Any

from ..areas import load_areas
from ..errors import BuildError
from ..paths import ProjectPaths
from .i18n import check_languages


def check_fork(paths: ProjectPaths, config: Any) -> str:
    """Raise on a bad language, scope or logo; return the logo's path under static/ (or "")."""
    check_languages(tuple(config.languages))
    if config.scope != "all" and (paths.package / "areas.csv").exists():
        # The package's classification, with the close-match suggestions of kuntadata.areas,
        # so a typo reads the same whether `package` or `site` meets it first.
        load_areas(paths.package).resolve_scope(config.scope, where="site.yaml")
    return logo_path(paths.templates, (config.theme or {}).get("logo") or "")


def logo_path(templates: Path, logo: str) -> str:
    """`static/logo.svg` or `logo.svg` → `logo.svg`, after checking the file is there.

    The forking guide writes the path relative to site_templates/ (`static/logo.svg`); the
    schema says relative to site_templates/static/. Both mean the same file, so both work.
    """
    if not logo:
        return ""
    relative = PurePosixPath(logo)
    if relative.parts and relative.parts[0] == "static":
        relative = PurePosixPath(*relative.parts[1:])
    if relative.is_absolute() or ".." in relative.parts or not relative.parts:
        raise BuildError(
            f"site.yaml: theme.logo: {logo!r} must be a path inside site_templates/static/ "
            "such as static/logo.svg"
        )
    path = templates / "static" / relative
    if not path.is_file():
        raise BuildError(
            f"site.yaml: theme.logo: {path} not found; put the logo file in "
            f"{templates / 'static'} or remove theme.logo"
        )
    return relative.as_posix()
