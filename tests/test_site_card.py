"""The full municipality card: responsibility, every theme, peers, map, gaps, mergers. Each
test reads a built page (or its files) and checks what a reader sees (the finance gauge:
tests/test_finance_criteria.py).

The package is tests/site_fixtures.py's real one (Espoo, Helsinki, Vantaa, Kuopio) plus
Mäntyharju and the abolished Pertunmaa (real 12c1 family rows), the real MML boundaries, and
two clearly marked TEST INPUTS: one `x-pending` spec and one confidential cell (`..`). The
size-class tests use the
recorded whole-country files: StatFin 11re population 2025 and THL Sotkanet 127 for 2009
(tests/fixtures/); the rank test marks cells confidential (`..`), it adds no numbers.
"""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import yaml

from kuntadata.paths import REPO_ROOT
from kuntadata.site import build_site
from kuntadata.site.topology import simplified_topology

try:
    from tests.site_fixtures import (
        CC_BY,
        FIXTURES,
        MUNICIPALITIES,
        family_rows,
        make_project,
        read_areas,
        site_config,
    )  # fmt: skip
except ModuleNotFoundError:  # pytest run without the repository root on sys.path
    from site_fixtures import (
        CC_BY,
        FIXTURES,
        MUNICIPALITIES,
        family_rows,
        make_project,
        read_areas,
        site_config,
    )  # fmt: skip

THEMES_FI = ["Väestö", "Talous", "Työ ja elinkeinot", "Koulutus", "Hyvinvointi",
             "Ympäristö"]  # fmt: skip
BUILT = datetime(2026, 11, 23, tzinfo=UTC)
NBSP = "\u00a0"
BOUNDARIES = REPO_ROOT / "data" / "raw" / "geo" / "municipalities" / "municipalities.geojson"
CARD_MUNICIPALITIES = (*MUNICIPALITIES, "KU507")  # + Mäntyharju (absorbed Pertunmaa in 2025)
PENDING = {  # TEST INPUT: a spec with no data yet, as package.py records it
    "dataset": "test_child_welfare",
    "theme": "wellbeing",
    "title": {"fi": "Testiaineisto: lastensuojelu", "sv": "Testdata: barnskydd",
              "en": "Test data: child welfare"},
    "indicators": [{"id": "placed_outside_home", "responsible": "wellbeing_county",
                    "title": {"fi": "Kodin ulkopuolelle sijoitetut", "sv": "Placerade utom hemmet",
                              "en": "Placed outside the home"}}],
}  # fmt: skip


def _rewrite_csv(path: Path, edit: Any) -> None:
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        fields, rows = list(reader.fieldnames or []), list(reader)
    rows = edit(rows)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=fields, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def card_project(root: Path) -> Any:
    """The fixture package + Pertunmaa, boundaries, pending spec, one `..` cell."""
    paths = make_project(root, municipalities=CARD_MUNICIPALITIES)
    package = paths.package
    _rewrite_csv(package / "areas.csv", lambda rows: rows + read_areas({"KU588"})[-1:])
    assert read_areas({"KU588"})[-1]["code"] == "KU588"

    def families(rows: list[dict[str, str]]) -> list[dict[str, str]]:
        rows = rows + [r for r in family_rows({"KU588"}) if r["area"] == "KU588"]
        for row in rows:  # TEST INPUT: Vantaa's 2010 family size published as confidential
            if (row["area"], row["period"], row["indicator"]) == ("KU092", "2010", "family_size"):
                row["value"], row["status"] = "", ".."
        return rows

    _rewrite_csv(package / "families.csv", families)
    descriptor = json.loads((package / "datapackage.json").read_text(encoding="utf-8"))
    for resource in descriptor["resources"]:
        if resource["name"] == "families":  # the average size is the council's, for the test
            resource["x-kuntadata"]["indicators"][1]["responsible"] = "municipality"
    (package / "municipality_boundaries.geojson").write_bytes(BOUNDARIES.read_bytes())
    descriptor["resources"].append({
        "name": "municipality_boundaries", "path": "municipality_boundaries.geojson",
        "type": "file", "format": "geojson", "x-division-year": 2023, "licenses": [CC_BY],
        "x-code-property": "NATCODE",
    })  # fmt: skip
    descriptor["x-pending"] = [PENDING]
    (package / "datapackage.json").write_text(json.dumps(descriptor, ensure_ascii=False))
    return paths


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    paths = card_project(tmp_path_factory.mktemp("card"))
    build_site(paths, site_config(), built_at=BUILT)
    return paths.site


def text_of(site: Path, path: str) -> str:
    html = (site / path).read_text(encoding="utf-8")
    html = re.sub(r"<script.*?</script>", " ", html, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).replace(NBSP, " ")


def section(text: str, start: str, end: str) -> str:
    return text[text.index(start) : text.index(end, text.index(start))]


def block_text(site: Path, path: str, block_id: str) -> str:
    """Text of one `<article id=…>` block of a page."""
    html = (site / path).read_text(encoding="utf-8")
    html = html[html.index(f'id="{block_id}"') :]
    html = re.sub(r"<script.*?</script>", " ", html[: html.index("</article>")], flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).replace(NBSP, " ")


@pytest.mark.parametrize(
    ("path", "own", "other"),
    [
        ("fi/kunta/091-helsinki/", "Vastuu: kunta", "Vastuu: ei yksittäisen viranomaisen"),
        ("sv/kunta/091-helsingfors/", "Ansvar: kommunen", "Ansvar: ingen enskild myndighet"),
        ("en/kunta/091-helsinki/", "Responsible: municipality", "Responsible: no single authority"),
    ],
)
def test_each_indicator_says_who_is_responsible(
    site: Path, path: str, own: str, other: str
) -> None:
    page = path + "index.html"
    assert own in block_text(site, page, "family_size")  # set so in the test input
    assert other in block_text(site, page, "families")
    assert "Vastuu: hyvinvointialue" in text_of(site, "fi/kunta/091-helsinki/index.html")
    assert "Vastuu: kunta" in text_of(site, "fi/indikaattori/family_size/index.html")


def test_every_theme_is_on_the_page_and_pending_specs_are_not_charts(site: Path) -> None:
    html = (site / "fi/kunta/091-helsinki/index.html").read_text(encoding="utf-8")
    headings = re.findall(r'<h2 id="theme-[a-z]+">([^<]+)</h2>', html)
    assert headings[:6] == THEMES_FI
    pending = html[html.index('id="pending-test_child_welfare"') :]
    pending = pending[: pending.index("</article>")]
    assert "Testiaineisto: lastensuojelu" in pending
    assert "Ei vielä haettu" in pending and "Vastuu: hyvinvointialue" in pending
    assert "data-spec" not in pending  # never an empty chart
    text = text_of(site, "fi/kunta/091-helsinki/index.html")
    assert "Tässä aihepiirissä ei ole vielä tunnuslukuja." in text  # e.g. education here


def _families_2022() -> dict[str, float]:
    rows = family_rows(set(CARD_MUNICIPALITIES))
    return {
        r["area"]: float(r["value"])
        for r in rows
        if r["period"] == "2022" and r["indicator"] == "families" and r["area"].startswith("KU")
    }


def test_position_among_all_and_among_similar_size(site: Path) -> None:
    values = _families_2022()
    order = sorted(values, key=lambda c: -values[c])
    text = text_of(site, "en/kunta/091-helsinki/index.html")
    big = [c for c in order if c in ("KU049", "KU091", "KU092")]  # population ≥ 100 000
    assert (
        f"Position in 2022 (largest first): {order.index('KU091') + 1} of {len(values)} "
        f"municipalities, {big.index('KU091') + 1} of 3 of similar size."
    ) in text
    # what "with data" and "similar size" mean is said once, above the charts
    assert (
        "Positions count the municipalities that have a figure for the period. Of similar "
        "size: the 3 municipalities with 100,000 residents and over."
    ) in text
    assert "Municipalities of similar size: Helsinki had 694,392 residents in 2025" in text
    fi = text_of(site, "fi/kunta/091-helsinki/index.html")
    assert "Samankokoiset kunnat: Helsinki – 694 392 asukasta vuonna 2025" in fi
    assert "Tilastokeskuksen kuntakokoluokituksessa (alle 2 000 asukasta, 2 000–4 999" in fi
    assert (
        f"Sijoitus (2022, suurin ensin): sijalla {order.index('KU091') + 1}/{len(values)} "
        f"kunnasta, {big.index('KU091') + 1}/3 samankokoisesta."
    ) in fi
    assert "Samankokoiset: ne 3 kuntaa, joissa on vähintään 100 000 asukasta." in fi
    sv = text_of(site, "sv/kunta/091-helsingfors/index.html")
    assert f"plats {order.index('KU091') + 1} av {len(values)} kommuner, " in sv
    kuopio = text_of(site, "en/kunta/297-kuopio/index.html")
    assert "the population of Kuopio is not known in this data" in kuopio
    assert "Position in 2022 (largest first): " + str(order.index("KU297") + 1) in kuopio


def test_data_gaps_list_reasons_and_symbols(site: Path) -> None:
    kuopio = section(text_of(site, "en/kunta/297-kuopio/index.html"), "Data gaps", "Download")
    # one entry per dataset and reason: "dataset: reason (indicators): indicator (periods)"
    assert (
        "Population 31 December : not fetched for this municipality (no rows in the data) (1): "
        "Population "
    ) in kuopio
    vantaa = section(text_of(site, "fi/kunta/092-vantaa/index.html"), "Puuttuvat tiedot",
                     "Lataa")  # fmt: skip
    assert (
        "Perheet 31.12. : .. tietoa ei ole saatu, se on liian epävarma esitettäväksi tai se on "
        "salassapidettävä (1): Perheen keskikoko (2010)"
    ) in vantaa


def test_indicator_page_has_a_static_map_of_the_scope(site: Path) -> None:
    from kuntadata.site.maps import CLASS_COLOURS, NO_DATA_FILL

    html = (site / "fi/indikaattori/families/index.html").read_text(encoding="utf-8")
    svg = re.search(r'<svg[^>]*class="choropleth".*?</svg>', html, re.S).group(0)
    drawn = re.findall(r'fill="(#[0-9a-f]{6})"><title>([^:<]+): ', svg)
    names = sorted(name for _fill, name in drawn)  # the scope only; Pertunmaa dissolved
    assert names == [  # each in its own language(s), majority first
        "Espoo – Esbo", "Helsinki – Helsingfors", "Kuopio", "Mäntyharju", "Vantaa – Vanda"
    ]  # fmt: skip
    assert {fill for fill, _name in drawn} <= {*CLASS_COLOURS, NO_DATA_FILL}
    assert "vega" not in html.lower() and len(svg.encode("utf-8")) < 20_000
    legend = re.search(r'<div class="map-legend">.*?</ul>', html, re.S).group(0)
    assert f'fill="{NO_DATA_FILL}" stroke="#4d4d4d"/></svg>ei tietoa</li>' in legend
    text = text_of(site, "fi/indikaattori/families/index.html")
    assert "© Maanmittauslaitos, CC BY 4.0" in text
    assert "Pertunmaa → Mäntyharju (kuntaliitos 2025)" in text


def test_whole_finland_topology_is_small_and_dissolves_pertunmaa() -> None:
    geojson = json.loads(BOUNDARIES.read_text(encoding="utf-8"))
    scope = {"KU" + f["properties"]["NATCODE"] for f in geojson["features"]} - {"KU588"}
    topology = simplified_topology(geojson, scope, {"KU588": "KU507"})
    geometries = {g["properties"]["code"]: g for g in topology["objects"]["municipalities"][
        "geometries"]}  # fmt: skip
    assert len(geometries) == 308 and "KU588" not in geometries
    assert geometries["KU507"]["type"] == "Polygon" and len(geometries["KU507"]["arcs"]) == 1
    used: dict[int, int] = {}
    for geometry in geometries.values():
        text = json.dumps(geometry["arcs"])
        for ref in map(int, re.findall(r"-?\d+", text)):
            used[ref if ref >= 0 else ~ref] = used.get(ref if ref >= 0 else ~ref, 0) + 1
    assert max(used.values()) == 2  # a border is stored once and drawn by both neighbours
    assert len(json.dumps(topology, separators=(",", ":"))) < 70_000


def test_merged_municipality_says_so_and_keeps_old_rows_apart(site: Path) -> None:
    text = text_of(site, "fi/kunta/507-mantyharju/index.html")
    assert "Pertunmaa (588) → Mäntyharju (kuntaliitos 2025)." in text
    pertunmaa = [r for r in family_rows({"KU588"}) if r["area"] == "KU588"]
    latest = max((r for r in pertunmaa if r["indicator"] == "families"), key=lambda r: r["period"])
    value = f"{int(float(latest['value'])):,}".replace(",", " ")
    assert f"Perheiden lukumäärä: {value} perhettä ({latest['period']})" in text
    rows = (site / "data/kunta/507/507-mantyharju-families.csv").read_text(encoding="utf-8")
    areas = {r["area_code"] for r in csv.DictReader(io.StringIO(rows))}
    assert "KU588" not in areas and "KU507" in areas  # Pertunmaa's rows stay under its code
    # … and the current-division column (harmonised.py) says it added them, as the page does
    assert ",includes:KU588," in rows
    assert "Nykyisellä aluejaolla, Pertunmaa (yhdistyi 2025) mukaan lukien" in text


def test_map_classes_are_quintiles_of_the_values_shown() -> None:
    from kuntadata.site.maps import CLASS_COLOURS, class_breaks

    values = tuple(float(v) for v in range(1, 101))  # test input: 1 … 100
    assert class_breaks(values, 0) == (21.0, 41.0, 61.0, 81.0)
    assert class_breaks((1.0, 2.0), 0) == ()  # too few to classify: one class (map_classes)
    assert len(CLASS_COLOURS) == 5


def _card_titles(site: Path, path: str) -> list[str]:
    html = (site / path).read_text(encoding="utf-8")
    cards = html[html.index('id="key-figures"') : html.index("</section>", html.index(
        'id="key-figures"'))]  # fmt: skip
    return re.findall(r'<li class="card">\s*<h3><a href="[^"]*">([^<]+)</a>', cards)


def test_population_card_comes_first_and_ranks_count_only_municipalities_with_a_value(
    tmp_path: Path,
) -> None:
    paths = card_project(tmp_path)
    package = paths.package
    descriptor = json.loads((package / "datapackage.json").read_text(encoding="utf-8"))
    resources = descriptor["resources"]  # families listed before population in the package
    order = [r["name"] for r in resources]
    resources.insert(order.index("population"), resources.pop(order.index("families")))
    (package / "datapackage.json").write_text(json.dumps(descriptor, ensure_ascii=False))

    def statuses(rows: list[dict[str, str]]) -> list[dict[str, str]]:
        for row in rows:  # TEST INPUT: Espoo's 2025 population published as confidential
            if (row["area"], row["period"]) == ("KU049", "2025"):
                row["value"], row["status"] = "", ".."
        extra = [{"area": code, "period": "2026", "indicator": "population", "value": "",
                  "status": ".."} for code in ("KU049", "KU091", "KU092")]  # fmt: skip
        return rows + extra  # TEST INPUT: a newer year with symbols only is not the rank year

    _rewrite_csv(package / "population.csv", statuses)
    build_site(paths, site_config(), built_at=BUILT)
    titles = _card_titles(paths.site, "fi/kunta/091-helsinki/index.html")
    assert titles[:2] == ["Väkiluku", "Perheiden lukumäärä"]
    fi = text_of(paths.site, "fi/kunta/091-helsinki/index.html")
    card = section(fi, "Avainluvut", "Perheiden lukumäärä")
    assert "694 392 henkeä Ajanjakso 2025" in card  # the real 11re figure for 31.12.2025
    assert "Sijoitus (suurin ensin) sijalla 1 / 2 kunnasta, joista on tieto" in card  # + Vantaa
    en = text_of(paths.site, "en/kunta/092-vantaa/index.html")
    assert "Rank (largest first) 2 of 2 municipalities with data" in en
    sv = text_of(paths.site, "sv/kunta/091-helsingfors/index.html")
    assert "Placering (störst först) plats 1 av 2 kommuner med uppgift" in sv


def _population_2025_all() -> list[dict[str, str]]:
    """Population 31.12.2025 (totals) of every municipality and the country: the recorded
    whole-country 11re response."""
    path = FIXTURES / "statfin" / "statfin_11re_json_2025_all_municipalities_by_sex.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    return [
        {"area": item["key"][0], "period": item["key"][2], "indicator": "population",
         "value": item["values"][0], "status": ""}
        for item in data["data"] if item["key"][1] == "SSS"
    ]  # fmt: skip


def _sotkanet_2009(codes: set[str]) -> list[dict[str, str]]:
    """THL Sotkanet indicator 127 (population 31.12.) for 2009 of the municipalities among
    `codes`: the recorded CSV, its region ids mapped through the recorded /regions list."""
    regions = json.loads((FIXTURES / "sotkanet" / "sotkanet_regions_2015_raw_server_format"
                          ".json").read_text(encoding="utf-8"))  # fmt: skip
    municipality = {str(r["id"]): f"KU{r['code']}" for r in regions if r["category"] == "KUNTA"}
    path = FIXTURES / "sotkanet" / "sotkanet_csv_ind127_2009_all_regions.csv"
    with path.open(encoding="ascii", newline="") as handle:
        rows = list(csv.DictReader(handle, delimiter=";"))
    return sorted(
        ({"area": municipality[r["region"]], "period": r["year"],
          "indicator": "population_sotkanet", "value": r["primary value"], "status": ""}
         for r in rows if municipality.get(r["region"]) in codes),
        key=lambda r: r["area"],
    )  # fmt: skip


def _whole_finland_site(root: Path) -> Any:
    """All of Finland: StatFin population 2025 for every municipality but Kuopio (left out on
    purpose), THL Sotkanet 2009 for all; a Site object, without writing a thousand pages."""
    from kuntadata.site.context import Site
    from kuntadata.site.package_data import load_package

    paths = make_project(root, municipalities=None)
    package = paths.package
    _rewrite_csv(package / "population.csv", lambda rows: [
        r for r in _population_2025_all() if r["area"] != "KU297"])  # fmt: skip
    with (package / "areas.csv").open(encoding="utf-8", newline="") as handle:
        sotkanet = _sotkanet_2009({row["code"] for row in csv.DictReader(handle)})
    with (package / "population_sotkanet_2009.csv").open("w", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, list(sotkanet[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(sotkanet)
    descriptor = json.loads((package / "datapackage.json").read_text(encoding="utf-8"))
    spec = yaml.safe_load((REPO_ROOT / "datasets" / "population.yaml").read_text("utf-8"))
    for resource in descriptor["resources"]:  # the attribution the real spec gives
        if resource["name"] == "population":
            resource["x-kuntadata"]["attribution"] = spec["attribution"]
    title = {"fi": "Väestö (THL)", "sv": "Befolkning (THL)", "en": "Population (THL)"}
    descriptor["resources"].append({
        "name": "population_sotkanet_2009", "path": "population_sotkanet_2009.csv",
        "type": "table", "licenses": [CC_BY],
        "x-kuntadata": {"dataset": "population_sotkanet_2009", "theme": "population",
                        "title": title, "attribution": {"fi": "Lähde: THL, Sotkanet.fi",
                        "sv": "Källa: THL, Sotkanet.fi", "en": "Source: THL, Sotkanet.fi"},
                        "indicators": [{"id": "population_sotkanet", "title": title,
                                        "unit": {"fi": "henkeä", "sv": "personer",
                                                 "en": "persons"}}],
                        "dimensions": [], "chart": {"type": "bar"}},
    })  # fmt: skip
    (package / "datapackage.json").write_text(json.dumps(descriptor, ensure_ascii=False))
    loaded = load_package(package, scope="all")
    codes = [a.code for a in loaded.areas.municipalities()]
    return Site(config=site_config(), package=loaded, languages=("fi", "sv", "en"),
                base_url="https://example.org/", built_at=BUILT, municipalities=codes,
                regions=[])  # fmt: skip


def test_size_classes_use_the_current_statfin_population(tmp_path: Path) -> None:
    from kuntadata.site.municipality import headline
    from kuntadata.site.peers import SIZE_CLASSES, peer_index, peers_explanation, size_class_of

    site = _whole_finland_site(tmp_path)
    statfin = {r["area"]: float(r["value"]) for r in _population_2025_all()
               if r["area"].startswith("KU") and r["area"] != "KU297"}  # fmt: skip
    sotkanet = {r["area"]: float(r["value"]) for r in _sotkanet_2009({"KU297"})}
    assert len(site.municipalities) == 308 and len(statfin) == 307
    classes = {code: size_class_of(value) for code, value in statfin.items()}
    classes["KU297"] = size_class_of(sotkanet["KU297"])  # the only one without StatFin 2025
    largest = len(SIZE_CLASSES) - 1
    big = sorted(code for code, k in classes.items() if k == largest)
    assert peer_index(site).members[largest] == big
    text = peers_explanation(site, "KU091", "en").replace(NBSP, " ")
    assert (
        "Helsinki had 694,392 residents in 2025 (Statistics Finland, population structure, "
        "table 11re), "
        f"so it is compared with the {len(big)} municipalities of 100,000 residents and over"
    ) in text
    assert (
        "from Statistics Finland where it has one (municipalities per source and year: "
        "Statistics Finland, population structure, table 11re, 2025: 307; THL, Sotkanet.fi, "
        "2009: 1)."
    ) in text
    kuopio = peers_explanation(site, "KU297", "fi").replace(NBSP, " ")
    population_2009 = f"{int(sotkanet['KU297']):,}".replace(",", " ")
    assert f"Kuopio – {population_2009} asukasta vuonna 2009" in kuopio
    assert (
        "Tilastokeskuksen väkilukua (Kuopio) ei ole näissä tiedoissa, joten kokoluokka "
        "perustuu vuoden 2009 lukuun (lähde: THL, Sotkanet.fi)."
    ) in kuopio
    dataset = site.package.dataset("population")
    card = headline(site, dataset, dataset.indicators[0], "KU091", "fi")
    assert card["value"] == f"694{NBSP}392" and card["period"] == "2025"
    assert card["rank"] == "sijalla 1 / 307 kunnasta, joista on tieto"  # Kuopio has no 2025
