"""The catalogue: `/data/catalog.jsonld` (DCAT-AP, for avoindata.fi and data.europa.eu) and
the context of the catalogue page `/{lang}/data/`.

Both describe the same downloads under stable names: each dataset's whole CSV as packaged
(`data/package/<dataset>.csv`) and the whole data package (`data/kuntadata-package.zip`).
Harvesters read the DCAT file; people read the page, which also says how fresh each dataset
is (kuntadata.status), so a portal and a reader never see different facts.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from ..dcat import Distribution, build_catalog
from . import fmt
from .context import PACKAGE_ZIP, Site
from .downloads import source_url
from .freshness import catalogue_facts, statuses
from .i18n import gettext_for
from .municipality import THEME_TITLES
from .package_data import Dataset, pick

CATALOG_PATH = "data/catalog.jsonld"
CLASSIFICATION_YEAR = 2026  # the municipality code list the URIs point at (kunta_1_20260101)
CSV_FORMAT = "http://publications.europa.eu/resource/authority/file-type/CSV"
ZIP_FORMAT = "http://publications.europa.eu/resource/authority/file-type/ZIP"


def dataset_csv_path(dataset: Dataset) -> str:
    """Site path of the dataset's whole CSV (copied verbatim from the package)."""
    return f"data/package/{Path(dataset.resource.get('path') or f'{dataset.id}.csv').name}"


def catalog_jsonld(site: Site) -> str:
    """The DCAT-AP catalogue of the datasets in this build, limited to the site's scope."""
    in_scope = set(site.municipalities)
    distributions: dict[str, list[Distribution]] = {}
    areas_by_dataset: dict[str, list[str]] = {}
    for dataset in site.package.datasets:
        title = dataset.meta.get("title") or {}
        distributions[dataset.id] = [
            Distribution(
                site.absolute(dataset_csv_path(dataset)),
                "text/csv",
                {k: f"{v} (CSV)" for k, v in title.items()},
                CSV_FORMAT,
            ),
            Distribution(
                site.absolute(PACKAGE_ZIP),
                "application/zip",
                {
                    "fi": "Koko datapaketti (zip)",
                    "sv": "Hela datapaketet (zip)",
                    "en": "The whole data package (zip)",
                },
                ZIP_FORMAT,
            ),
        ]
        areas_by_dataset[dataset.id] = sorted(set(dataset.frame["area"]) & in_scope)
    document = build_catalog(
        site.package.descriptor,
        site.config,
        site.base_url,
        distributions,
        areas_by_dataset,
        CLASSIFICATION_YEAR,
    )
    return json.dumps(document, ensure_ascii=False, indent=1) + "\n"


def catalogue_context(site: Site, lang: str, page: dict[str, Any]) -> dict[str, Any]:
    """Every dataset with its source (linked to the producer's public table), licence,
    freshness and downloads; pending ones listed."""
    _ = gettext_for(lang)
    root = page["root"]
    by_dataset = statuses(site)
    datasets = []
    for dataset in site.package.datasets:
        csv_path = dataset_csv_path(dataset)
        datasets.append(
            {
                "id": dataset.id,
                "title": dataset.text("title", lang),
                "description": dataset.text("description", lang),
                "theme": _(THEME_TITLES.get(dataset.theme, dataset.theme)),
                "source": dataset.text("attribution", lang),
                "source_href": source_url(dataset, lang),
                "table": dataset.text("table_title", lang),
                "licence": dataset.meta.get("licence") or "CC-BY-4.0",
                **catalogue_facts(by_dataset.get(dataset.id), lang),
                "csv_href": root + csv_path,
                "csv_name": csv_path.rsplit("/", 1)[-1],
                "csv_url": site.absolute(csv_path),
                "indicators": [
                    {"title": pick(i.title, lang), "href": root + site.indicator_path(lang, i.id)}
                    for i in dataset.charted
                ],
            }
        )
    pending = [
        pick(item.get("title"), lang) or item.get("dataset", "")
        for item in site.package.descriptor.get("x-pending") or []
    ]
    stale = [d["title"] for d in datasets if d["stale"]]
    return {
        "page": page,
        "datasets": datasets,
        "pending": sorted(pending, key=str.casefold),
        "stale_count": _("{count} of {total} datasets may be out of date (marked below).").format(
            count=fmt.number(float(len(stale)), 0, lang),
            total=fmt.number(float(len(datasets)), 0, lang),
        )
        if stale
        else "",
        "package_href": root + PACKAGE_ZIP,
        "descriptor_href": root + "data/package/datapackage.json",
        "catalog_href": root + CATALOG_PATH,
        "whatsnew_href": root + site.section_path(lang, "whatsnew"),
    }
