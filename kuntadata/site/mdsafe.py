"""site.yaml values placed into Markdown content, shown as the literal text they are.

The content pages (`content/<lang>/*.md`) have `{placeholders}` filled from site.yaml
before the Markdown is rendered. Raw HTML is off in the renderer, but a value is still
Markdown: `![x](https://tracker.example/pixel.png)` as an organisation name would become an
`<img>` on the accessibility statement, `[click](https://…)` a link, a line break a new
block. So every value is escaped for Markdown first; a link built from a value (the
feedback email and page) gets its text escaped and its address in `<…>` form.
"""

from __future__ import annotations

import re
import string

_PUNCTUATION = re.compile("([" + re.escape(string.punctuation) + "])")
_LINE_BREAKS = re.compile(r"[\r\n\x0b\x0c\x85\u2028\u2029]+")


def markdown_text(value: str) -> str:
    """`value` as Markdown that renders to exactly its text: every ASCII punctuation
    character backslash-escaped (CommonMark allows that for all of them), line breaks as
    spaces so a value cannot start a heading, list or code block."""
    return _PUNCTUATION.sub(r"\\\1", _LINE_BREAKS.sub(" ", str(value)))


def markdown_link(text: str, destination: str) -> str:
    """`[text](<destination>)`: the text escaped, the address in pointy brackets (where only
    `<`, `>` and `\\` need escaping); the renderer still refuses `javascript:` addresses."""
    address = _LINE_BREAKS.sub("", str(destination))
    address = address.replace("\\", "\\\\").replace("<", "\\<").replace(">", "\\>")
    return f"[{markdown_text(text)}](<{address}>)"
