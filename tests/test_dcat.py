"""The DCAT-AP catalogue parses as RDF (rdflib) and names every dataset and distribution."""

from __future__ import annotations

import json
from pathlib import Path

from project import REPO, make_project
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, RDF
from test_cli import run

from kuntadata.config import load_site_config
from kuntadata.dcat import Distribution, build_catalog, municipality_uri

DCAT = Namespace("http://www.w3.org/ns/dcat#")


def catalog_graph(root: Path) -> tuple[Graph, dict]:
    descriptor = json.loads((root / "data/package/datapackage.json").read_text("utf-8"))
    config = load_site_config(REPO / "site.yaml")
    base = "https://example.org/kuntadata/"
    distributions = {
        r["name"]: [
            Distribution(f"{base}data/{r['name']}.csv", "text/csv", {"en": f"{r['name']} as CSV"})
        ]
        for r in descriptor["resources"]
        if "x-kuntadata" in r
    }
    areas = {"families": ["SSS", "KU091", "KU588"], "population": ["KU091", "KU049"]}
    document = build_catalog(descriptor, config, base, distributions, areas, 2026)
    graph = Graph().parse(data=json.dumps(document), format="json-ld")
    return graph, document


def test_catalog_parses_and_names_every_dataset_and_distribution(tmp_path):
    root = make_project(tmp_path, ("families", "population"), with_snapshots=True)
    assert run(root, "--offline", "package").exit_code == 0
    graph, _ = catalog_graph(root)
    datasets = set(graph.subjects(RDF.type, DCAT.Dataset))
    assert len(datasets) == 2
    titles = {str(t) for d in datasets for t in graph.objects(d, DCTERMS.title)}
    assert {"Perheet", "Familjer", "Families", "Väestö 31.12."} <= titles
    assert Literal("Familjer", lang="sv") in set(graph.objects(None, DCTERMS.title))
    for dataset in datasets:
        assert (
            dataset,
            DCTERMS.license,
            URIRef("http://creativecommons.org/licenses/by/4.0/"),
        ) in graph
        distributions = list(graph.objects(dataset, DCAT.distribution))
        assert len(distributions) == 1
        assert (distributions[0], DCAT.mediaType, Literal("text/csv")) in graph
    helsinki = URIRef("http://uri.suomi.fi/codelist/jhs/kunta_1_20260101/code/091")
    assert len(list(graph.subjects(DCTERMS.spatial, helsinki))) == 2
    catalog = next(graph.subjects(RDF.type, DCAT.Catalog))
    assert len(list(graph.objects(catalog, DCAT.dataset))) == 2


def test_municipality_uri_keeps_leading_zeros():
    assert (
        municipality_uri("KU005", 2026)
        == "http://uri.suomi.fi/codelist/jhs/kunta_1_20260101/code/005"
    )
