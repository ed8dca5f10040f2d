"""Vega, Vega-Lite and vega-embed, vendored: one offline bundle plus its licences.

The bundle comes from the pinned `vl-convert-python` wheel (`vl_convert.javascript_bundle`),
which embeds exact versions of all three libraries and their dependencies, so building the
site needs no network and no npm. Versions are recorded next to the file (VERSIONS.txt) and
on the About page; the licences are copied beside it. Generating the bundle takes over a
second, so it is cached on disk by version (`bundle`) and per process.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path

import vl_convert

VEGA_LITE_VERSION = "6.4"  # the Vega-Lite line Altair 6 writes specs for
BUNDLE_PATH = "static/vendor/vega-bundle.js"

_BSD3 = """Copyright (c) 2015-2023, University of Washington Interactive Data Lab.
All rights reserved.

Redistribution and use in source and binary forms, with or without
modification, are permitted provided that the following conditions are met:

1. Redistributions of source code must retain the above copyright notice, this
   list of conditions and the following disclaimer.

2. Redistributions in binary form must reproduce the above copyright notice,
   this list of conditions and the following disclaimer in the documentation
   and/or other materials provided with the distribution.

3. Neither the name of the copyright holder nor the names of its contributors
   may be used to endorse or promote products derived from this software
   without specific prior written permission.

THIS SOFTWARE IS PROVIDED BY THE COPYRIGHT HOLDERS AND CONTRIBUTORS "AS IS"
AND ANY EXPRESS OR IMPLIED WARRANTIES, INCLUDING, BUT NOT LIMITED TO, THE
IMPLIED WARRANTIES OF MERCHANTABILITY AND FITNESS FOR A PARTICULAR PURPOSE ARE
DISCLAIMED. IN NO EVENT SHALL THE COPYRIGHT HOLDER OR CONTRIBUTORS BE LIABLE
FOR ANY DIRECT, INDIRECT, INCIDENTAL, SPECIAL, EXEMPLARY, OR CONSEQUENTIAL
DAMAGES (INCLUDING, BUT NOT LIMITED TO, PROCUREMENT OF SUBSTITUTE GOODS OR
SERVICES; LOSS OF USE, DATA, OR PROFITS; OR BUSINESS INTERRUPTION) HOWEVER
CAUSED AND ON ANY THEORY OF LIABILITY, WHETHER IN CONTRACT, STRICT LIABILITY,
OR TORT (INCLUDING NEGLIGENCE OR OTHERWISE) ARISING IN ANY WAY OUT OF THE USE
OF THIS SOFTWARE, EVEN IF ADVISED OF THE POSSIBILITY OF SUCH DAMAGE.
"""

_ISC_D3 = """Copyright 2010-2023 Mike Bostock

Permission to use, copy, modify, and/or distribute this software for any purpose
with or without fee is hereby granted, provided that the above copyright notice
and this permission notice appear in all copies.

THE SOFTWARE IS PROVIDED "AS IS" AND THE AUTHOR DISCLAIMS ALL WARRANTIES WITH
REGARD TO THIS SOFTWARE INCLUDING ALL IMPLIED WARRANTIES OF MERCHANTABILITY AND
FITNESS. IN NO EVENT SHALL THE AUTHOR BE LIABLE FOR ANY SPECIAL, DIRECT,
INDIRECT, OR CONSEQUENTIAL DAMAGES OR ANY DAMAGES WHATSOEVER RESULTING FROM LOSS
OF USE, DATA OR PROFITS, WHETHER IN AN ACTION OF CONTRACT, NEGLIGENCE OR OTHER
TORTIOUS ACTION, ARISING OUT OF OR IN CONNECTION WITH THE USE OR PERFORMANCE OF
THIS SOFTWARE.
"""


def versions() -> dict[str, str]:
    return {
        "vega": vl_convert.get_vega_version(),
        "vega-lite": VEGA_LITE_VERSION,
        "vega-embed": vl_convert.get_vega_embed_version(),
        "vl-convert-python": vl_convert.__version__,
    }


@lru_cache(maxsize=1)
def bundle() -> str:
    """The JavaScript bundle; it sets `window.vegaEmbed`, `window.vega`, `window.vegaLite`.

    Generating it takes 1.3-1.8 s and about 120 MB of memory on every build, for the same
    bytes each time, so it is kept on disk (`bundle_cache_path`) under a name carrying the
    versions it comes from: a new wheel or Vega-Lite line writes a new file, an unchanged one
    is read back in milliseconds. Without a usable cache folder it is generated as before.
    """
    path = bundle_cache_path()
    if path is not None:
        with contextlib.suppress(OSError, UnicodeDecodeError):
            return path.read_text(encoding="utf-8")
    code = vl_convert.javascript_bundle(vl_version=VEGA_LITE_VERSION)
    if path is not None:
        _store(path, code)
    return code


def bundle_cache_path() -> Path | None:
    """`<cache>/vega-bundle-vl-convert-1.9.0-vega-lite-6.4.js`; the cache folder is
    KUNTADATA_CACHE_DIR, else $XDG_CACHE_HOME/kuntadata, else ~/.cache/kuntadata."""
    folder = os.environ.get("KUNTADATA_CACHE_DIR")
    if not folder:
        base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
        folder = str(Path(base) / "kuntadata")
    name = f"vega-bundle-vl-convert-{vl_convert.__version__}-vega-lite-{VEGA_LITE_VERSION}.js"
    return Path(folder) / name


def _store(path: Path, code: str) -> None:
    """Write atomically (a build killed half-way leaves no truncated bundle to read back);
    a cache that cannot be written is only a slower next build."""
    tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp.write_text(code, encoding="utf-8")
        os.replace(tmp, path)
    except OSError:
        with contextlib.suppress(OSError):
            tmp.unlink()


def licences_text() -> str:
    found = versions()
    header = "\n".join(f"{name} {version}" for name, version in found.items())
    return (
        "Third-party JavaScript in vega-bundle.js\n"
        "=========================================\n\n"
        f"{header}\n\n"
        "The bundle was produced offline by vl-convert-python (BSD-3-Clause, Copyright 2023\n"
        "Jon Mease) and contains Vega, Vega-Lite and vega-embed (BSD-3-Clause, below) and\n"
        "their dependencies, chiefly d3 modules (ISC, below), vega-tooltip and\n"
        "vega-themes (BSD-3-Clause), json-stringify-pretty-compact and lodash.debounce (MIT).\n\n"
        "Vega, Vega-Lite, vega-embed, vega-tooltip, vega-themes: BSD-3-Clause\n"
        "--------------------------------------------------------------------\n\n"
        f"{_BSD3}\n"
        "d3 modules: ISC\n"
        "---------------\n\n"
        f"{_ISC_D3}"
    )


def write_vendor(write: Callable[[str, str | bytes], None]) -> None:
    """Write the bundle, its licences and a version note under static/vendor/."""
    code = bundle()
    write(BUNDLE_PATH, code)
    write("static/vendor/LICENSES.txt", licences_text())
    digest = hashlib.sha256(code.encode("utf-8")).hexdigest()
    lines = [f"{name}=={version}" for name, version in versions().items()]
    write("static/vendor/VERSIONS.txt", "\n".join([*lines, f"sha256 {digest}"]) + "\n")
