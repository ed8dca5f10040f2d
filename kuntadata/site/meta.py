"""Metadata for machines: schema.org JSON-LD (`Dataset` per municipality page, `DataCatalog`
on the catalogue page) and sitemap.xml.

JSON destined for a `<script>` element has `<`, `>` and `&` escaped as JSON unicode escapes,
so no label (even one containing `</script>`) can end the element early. XML text and
attributes are escaped (`xml_text`, `quoteattr`): a `"` or `&` in `base_url` must not break
sitemap.xml or the Atom feed.
"""

from __future__ import annotations

import json
import re
from typing import Any
from xml.sax.saxutils import escape, quoteattr

from markupsafe import Markup

from .downloads import source_url
from .package_data import bare_attribution, pick

# Characters XML 1.0 does not allow at all, escaped or not (C0 controls but tab, CR, LF).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def xml_text(text: str) -> str:
    """`text` without the characters no XML document may hold; escaping cannot save them."""
    return _NOT_XML.sub("", text)


def script_safe(text: str) -> str:
    """JSON text with `<`, `>` and `&` as unicode escapes: safe inside a <script> element."""
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def script_json(data: Any) -> Markup:
    """JSON safe to place inside <script type="application/…json">."""
    return Markup(script_safe(json.dumps(data, ensure_ascii=False, separators=(",", ":"))))


def municipality_jsonld(site: Any, code: str, lang: str, page: dict[str, Any]) -> Markup:
    """schema.org Dataset: what the page's data is, where it comes from (`isBasedOn`: the
    producers' public tables), where to get it: the municipality's data package, which holds
    every CSV of the page (each CSV is also a `<link rel="alternate">` of the page, so they
    are not listed a second time here: ~150 bytes each, ~30 datasets, ~1,250 pages)."""
    name = site.areas.name(code, lang)
    periods = _period_span(site).get(code)
    organisation = pick((site.config.contact or {}).get("organisation"), lang)
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "Dataset",
        "name": page["title"],
        "description": page["description"],
        "url": page["canonical"],
        "inLanguage": lang,
        "isAccessibleForFree": True,
        "license": "https://creativecommons.org/licenses/by/4.0/",
        "spatialCoverage": {"@type": "Place", "name": name, "identifier": code},
        "creator": [  # each credit once (two Sotkanet datasets credit it alike)
            {"@type": "Organization", "name": name}
            for name in dict.fromkeys(
                bare_attribution(d.text("attribution", lang)) for d in site.package.datasets
            )
        ],
        "variableMeasured": [pick(i.title, lang) for d in site.package.datasets for i in d.charted],
        "dateModified": page["built_iso"],
        "distribution": [
            {
                "@type": "DataDownload",
                "encodingFormat": "application/zip",
                "contentUrl": site.absolute(site.municipality_zip_path(code)),
            }
        ],
    }
    based_on = _based_on(site, lang)
    if based_on:
        data["isBasedOn"] = based_on
    if periods:
        data["temporalCoverage"] = f"{periods[0][:4]}/{periods[1][:4]}"
    if organisation:
        data["publisher"] = {"@type": "Organization", "name": organisation}
    return script_json(data)


def _based_on(site: Any, lang: str) -> list[str]:
    """The producers' public addresses of every dataset, once each; computed once per build."""
    key = ("based_on", lang)
    if key not in site.cache:
        urls = (source_url(d, lang) for d in site.package.datasets)
        site.cache[key] = list(dict.fromkeys(u for u in urls if u))
    return site.cache[key]


def _period_span(site: Any) -> dict[str, tuple[str, str]]:
    """Area → (first, last) period in any series of the package; computed once per build."""
    if "period_span" not in site.cache:
        span: dict[str, tuple[str, str]] = {}
        for dataset in site.package.datasets:
            for (_indicator, area), series in dataset.series.items():
                if not series.periods:
                    continue
                first, last = min(series.periods), max(series.periods)
                if area in span:
                    first, last = min(first, span[area][0]), max(last, span[area][1])
                span[area] = (first, last)
        site.cache["period_span"] = span
    return site.cache["period_span"]


def sitemap(site: Any, pages: list[dict[str, str]]) -> str:
    """`pages`: one dict per logical page mapping language → path; hreflang alternates."""
    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
        'xmlns:xhtml="http://www.w3.org/1999/xhtml">',
    ]
    for by_lang in pages:
        for path in by_lang.values():
            lines.append(f"  <url><loc>{escape(xml_text(site.absolute(path)))}</loc>")
            for other, other_path in by_lang.items():
                href = quoteattr(xml_text(site.absolute(other_path)))
                lang = quoteattr(xml_text(other))
                lines.append(f'    <xhtml:link rel="alternate" hreflang={lang} href={href}/>')
            lines.append("  </url>")
    lines.append("</urlset>")
    return "\n".join(lines) + "\n"


def data_catalog_jsonld(site: Any, lang: str, page: dict[str, Any], datasets: list[dict]) -> Markup:
    """schema.org DataCatalog for the catalogue page: every dataset with its CSV download.

    Search engines read schema.org, portals read DCAT (`data/catalog.jsonld`); both list the
    same datasets and files.
    """
    organisation = pick((site.config.contact or {}).get("organisation"), lang)
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "DataCatalog",
        "name": page["title"],
        "description": page["description"],
        "url": page["canonical"],
        "inLanguage": lang,
        "license": "https://creativecommons.org/licenses/by/4.0/",
        "dataset": [
            {
                "@type": "Dataset",
                "name": item["title"],
                "description": item["description"] or item["title"],
                "url": f"{page['canonical']}#dataset-{item['id']}",
                "identifier": item["id"],
                "isAccessibleForFree": True,
                "license": "https://creativecommons.org/licenses/by/4.0/",
                "creator": {"@type": "Organization", "name": item["source"]},
                **({"isBasedOn": item["source_href"]} if item.get("source_href") else {}),
                "distribution": [
                    {
                        "@type": "DataDownload",
                        "encodingFormat": "text/csv",
                        "contentUrl": item["csv_url"],
                    }
                ],
            }
            for item in datasets
        ],
    }
    if organisation:
        data["publisher"] = {"@type": "Organization", "name": organisation}
    return script_json(data)
