"""A DCAT-AP catalogue of the site's datasets, as JSON-LD, for data portals to harvest.

avoindata.fi (CKAN) and data.europa.eu read DCAT-AP: a `dcat:Catalog` with one
`dcat:Dataset` per dataset (titles in fi/sv/en, licence, publisher, the municipalities it
covers as the interoperability platform's code URIs, the period it covers, the producer as
`dct:creator` and the producer's public table as `dct:source`) and its distributions (the
CSV and the data package). The JSON-LD context is inline, so the file parses without
fetching anything.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .config import SiteConfig
from .public_source import is_public_url

CONTEXT = {
    "dcat": "http://www.w3.org/ns/dcat#",
    "dct": "http://purl.org/dc/terms/",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "vcard": "http://www.w3.org/2006/vcard/ns#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "schema": "http://schema.org/",
}
LICENCE_URIS = {"CC-BY-4.0": "http://creativecommons.org/licenses/by/4.0/"}
LANGUAGE_URIS = {
    "fi": "http://publications.europa.eu/resource/authority/language/FIN",
    "sv": "http://publications.europa.eu/resource/authority/language/SWE",
    "en": "http://publications.europa.eu/resource/authority/language/ENG",
}
KUNTA_SCHEME = "http://uri.suomi.fi/codelist/jhs/kunta_1_{year}0101/code/{code}"
COUNTRY_URI = "http://publications.europa.eu/resource/authority/country/FIN"


@dataclass(frozen=True)
class Distribution:
    """One downloadable form of a dataset on the site."""

    url: str
    media_type: str
    title: dict[str, str]
    format_uri: str = ""


def municipality_uri(area_code: str, year: int) -> str:
    """`KU091` → the interoperability platform's URI of Helsinki in that year's code list."""
    return KUNTA_SCHEME.format(year=year, code=area_code.removeprefix("KU"))


def build_catalog(
    descriptor: dict[str, Any],
    config: SiteConfig,
    base_url: str,
    distributions: dict[str, list[Distribution]],
    areas_by_dataset: dict[str, list[str]],
    classification_year: int,
) -> dict[str, Any]:
    """The whole catalogue as a JSON-LD document (a dict ready for json.dumps)."""
    base = base_url.rstrip("/") + "/"
    publisher = _publisher(config, base)
    datasets = []
    for resource in descriptor["resources"]:
        meta = resource.get("x-kuntadata")
        if not meta:
            continue
        dataset_id = meta["dataset"]
        periods = meta.get("periods") or []
        spatial = [{"@id": COUNTRY_URI}] + [
            {"@id": municipality_uri(code, classification_year)}
            for code in areas_by_dataset.get(dataset_id, [])
            if code.startswith("KU")
        ]
        source = meta.get("source") or {}
        licence = LICENCE_URIS.get(meta.get("licence", ""), resource["licenses"][0]["path"])
        entry: dict[str, Any] = {
            "@id": f"{base}data/#{dataset_id}",
            "@type": "dcat:Dataset",
            "dct:identifier": dataset_id,
            "dct:title": _texts(meta["title"]),
            "dct:description": _texts(meta.get("description") or meta["title"]),
            "dct:license": {"@id": licence},
            "dct:publisher": publisher,
            "dct:creator": {
                "@type": "foaf:Agent",
                "foaf:name": _texts(source.get("producer") or meta.get("attribution") or {}),
            },
            "dct:spatial": spatial,
            "dct:language": [{"@id": LANGUAGE_URIS[lang]} for lang in config.languages],
            "dcat:keyword": _texts(meta["title"]),
            "dcat:landingPage": {"@id": f"{base}{config.default_language}/data/"},
            "dct:source": [{"@id": url} for url in _source_urls(resource, source)],
            "dcat:distribution": [
                _distribution(d, licence) for d in distributions.get(dataset_id, [])
            ],
        }
        if periods:
            entry["dct:temporal"] = {
                "@type": "dct:PeriodOfTime",
                "dcat:startDate": _date(periods[0], start=True),
                "dcat:endDate": _date(periods[-1], start=False),
            }
        if meta.get("updated"):
            entry["dct:modified"] = {"@value": meta["updated"], "@type": "xsd:dateTime"}
        if meta.get("fetched_at"):
            entry["dct:issued"] = {"@value": meta["fetched_at"], "@type": "xsd:dateTime"}
        datasets.append(entry)
    return {
        "@context": CONTEXT,
        "@id": f"{base}data/catalog.jsonld",
        "@type": "dcat:Catalog",
        "dct:title": _texts(config.title),
        "dct:description": _texts(config.description or config.title),
        "dct:publisher": publisher,
        "dct:language": [{"@id": LANGUAGE_URIS[lang]} for lang in config.languages],
        "dct:license": {"@id": LICENCE_URIS["CC-BY-4.0"]},
        "foaf:homepage": {"@id": base},
        "dcat:dataset": datasets,
    }


def _source_urls(resource: dict[str, Any], source: dict[str, Any]) -> list[str]:
    """The producer's public addresses of a dataset, once each; never a local server's."""
    urls = [source.get("url", "")] + [s.get("path", "") for s in resource.get("sources", [])]
    return [url for i, url in enumerate(urls) if is_public_url(url) and url not in urls[:i]]


def _publisher(config: SiteConfig, base: str) -> dict[str, Any]:
    contact = config.contact or {}
    agent: dict[str, Any] = {
        "@id": f"{base}#publisher",
        "@type": "foaf:Agent",
        "foaf:name": _texts(contact.get("organisation") or config.title),
    }
    if contact.get("email"):
        agent["foaf:mbox"] = {"@id": f"mailto:{contact['email']}"}
    return agent


def _distribution(item: Distribution, licence: str) -> dict[str, Any]:
    out: dict[str, Any] = {
        "@id": item.url,
        "@type": "dcat:Distribution",
        "dct:title": _texts(item.title),
        "dcat:downloadURL": {"@id": item.url},
        "dcat:accessURL": {"@id": item.url},
        "dcat:mediaType": item.media_type,
        "dct:license": {"@id": licence},
    }
    if item.format_uri:
        out["dct:format"] = {"@id": item.format_uri}
    return out


def _texts(values: dict[str, str]) -> list[dict[str, str]]:
    return [{"@value": text, "@language": lang} for lang, text in values.items() if text]


def _date(period: str, *, start: bool) -> dict[str, str]:
    year = period[:4]
    if not year.isdigit():
        return {"@value": period}
    if "Q" in period:
        quarter = int(period.split("Q")[1])
        month = (quarter - 1) * 3 + (1 if start else 3)
    elif "M" in period:
        month = int(period.split("M")[1])
    else:
        month = 1 if start else 12
    day = "01" if start else ("31" if month in (1, 3, 5, 7, 8, 10, 12) else "30")
    if month == 2 and not start:
        day = "28"
    return {"@value": f"{year}-{month:02d}-{day}", "@type": "xsd:date"}
