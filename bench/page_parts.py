"""Average bytes per part of the built municipality pages, to see where a page's size goes.

    python bench/page_parts.py _site/fi/kunta/*/index.html

Prints the average page size and, for each part (the chart blocks and what is in them, the
sections outside them), its average bytes per page, largest first. Asserts nothing.
"""

from __future__ import annotations

import re
import sys
from collections import Counter
from pathlib import Path

IN_CHARTS = {
    "svg": r'<svg class="chart-svg".*?</g></svg>',
    "legend": r'<ul class="chart-legend".*?</ul>',
    "table": r'<details class="data-table">.*?</details>',
    "summary": r'<p class="summary".*?</p>',
    "position": r'<p class="position".*?</p>',
    "responsible": r'<p class="responsible".*?</p>',
    "figcaption": r"<figcaption.*?</figcaption>",
    "definition": r'<dl class="definition">.*?</dl>',
    "download": r'<p class="download".*?</p>',
    "more": r'<p class="more".*?</p>',
    "h3+subtitle": r'<h3.*?</h3>\n<p class="subtitle">.*?</p>',
    "single figure": r'<p class="single-figure">.*?</p>',
}
OUTSIDE = {
    "head": r"<head>.*?</head>",
    "header+nav": r"<header.*?</header>",
    "footer": r"<footer.*?</footer>",
    "locator map": r'<figure class="locator">.*?</figure>',
    "key figures": r'<section class="key-figures".*?</section>',
    "finance gauge": r'<article class="indicator finance".*?</article>',
    "pending blocks": r'<article class="indicator pending".*?</article>',
    "data gaps": r'<section class="gaps".*?</section>',
    "downloads": r'<section class="downloads".*?</section>',
    "peers": r'<details class="peers".*?</details>',
}


def main(files: list[str]) -> None:
    totals: Counter[str] = Counter()
    size = 0
    for name in files:
        text = Path(name).read_text(encoding="utf-8")
        size += len(text.encode())
        charts = "".join(re.findall(r'<article class="indicator" id=.*?</article>', text, re.S))
        totals["chart blocks"] += len(charts.encode())
        for part, pattern in IN_CHARTS.items():
            totals["  " + part] += sum(len(x.encode()) for x in re.findall(pattern, charts, re.S))
        for part, pattern in OUTSIDE.items():
            totals[part] += sum(len(x.encode()) for x in re.findall(pattern, text, re.S))
    count = max(1, len(files))
    print(f"{len(files)} pages, average {size // count:,} bytes")
    for part, total in sorted(totals.items(), key=lambda kv: -kv[1]):
        print(f"{part:18} {total // count:9,}")


if __name__ == "__main__":
    main(sys.argv[1:])
