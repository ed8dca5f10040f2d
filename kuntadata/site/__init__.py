"""The site stage: data/package/ + content/ + site_templates/ → _site/ (static files).

Public entry points for build.py: `build_site(paths, config, *, base_url=None, progress=None)`
and `serve(directory, port=8000)`. This package never imports `kuntadata.sources`: it reads
only what the package stage wrote.
"""

from __future__ import annotations

from .builder import SiteSummary, build_site
from .serve import serve

__all__ = ["SiteSummary", "build_site", "serve"]
