"""Data gaps by kind, "does not apply" from the spec, the indicator map and the locator map:
each test reads a built page and checks what a reader sees (the map's fills, hover titles,
legend entries and accessible name, all written into the HTML at build time).

The project is built by the real stages from committed inputs: the areas reference, MML's
boundaries, the municipal elections 2021 turnout snapshot (no rows for Åland's 16
municipalities) with its spec and `not_applicable` key, and the income snapshot (Brändö's
children's low-income rate for 2024 is published as `...`, confidential). One clearly marked
TEST INPUT: an unverified spec without a snapshot, so the package lists it in `x-pending`.
"""

from __future__ import annotations

import csv
import gzip
import html
import re
import shutil
from datetime import UTC, datetime
from pathlib import Path
from types import SimpleNamespace

import pytest
import yaml

from kuntadata.areas import load_areas
from kuntadata.package import build_package
from kuntadata.paths import REPO_ROOT, ProjectPaths
from kuntadata.site import build_site
from kuntadata.site.maps import (
    CLASS_COLOURS,
    NO_DATA_FILL,
    indicator_map,
    map_classes,
    map_shapes,
)
from kuntadata.site.package_data import load_package
from kuntadata.spec import load_dataset_specs

try:
    from tests.site_fixtures import site_config
except ModuleNotFoundError:  # pytest run without the repository root on sys.path
    from site_fixtures import site_config

BUILT = datetime(2026, 11, 23, tzinfo=UTC)
TURNOUT_SPEC = REPO_ROOT / "datasets" / "municipal_election_turnout_2021.yaml"
# Åland (MK21, 16 municipalities) and six mainland ones; Kauniainen is small enough to circle.
SCOPE = ("MK21", "KU091", "KU049", "KU092", "KU235", "KU297", "KU853", "KU837")
PRIMARY = "#0b4f8a"  # site_config()'s theme colour
PENDING_SPEC = """\
# TEST INPUT: a spec written but never fetched (no snapshot), so it is pending everywhere.
title: {fi: "Testiaineisto: liikunta", sv: "Testdata: motion", en: "Test data: exercise"}
theme: wellbeing
verified: false
source:
  kind: sotkanet
indicators:
  - id: test_too_little_exercise
    select: "5527"
    title: {fi: Liian vähän liikkuvat (TESTI), sv: För lite motion (TEST),
            en: Too little exercise (TEST)}
    unit: {fi: "%", sv: "%", en: "%"}
    decimals: 1
"""


def turnout_project(root: Path) -> ProjectPaths:
    """Package and site of SCOPE built by the real stages from the committed snapshots."""
    raw = REPO_ROOT / "data" / "raw"
    parts = ("classification/areas", "geo/municipalities", "statfin/income",
             "files/municipal_election_turnout_2021")  # fmt: skip
    for part in parts:
        shutil.copytree(raw / part, root / "data" / "raw" / part)
    (root / "datasets").mkdir()
    shutil.copy(TURNOUT_SPEC, root / "datasets" / TURNOUT_SPEC.name)
    shutil.copy(REPO_ROOT / "datasets" / "income.yaml", root / "datasets" / "income.yaml")
    (root / "datasets" / "test_exercise.yaml").write_text(PENDING_SPEC, encoding="utf-8")
    for name in ("content", "site_templates"):
        (root / name).symlink_to(REPO_ROOT / name, target_is_directory=True)
    paths = ProjectPaths(root)
    config = site_config(scope=SCOPE)
    areas = load_areas(paths.raw / "classification" / "areas")
    build_package(paths, config, load_dataset_specs(paths.datasets), areas)
    build_site(paths, config, built_at=BUILT)
    return paths


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return turnout_project(tmp_path_factory.mktemp("gaps-maps")).site


def page(site: Path, path: str) -> str:
    return (site / path / "index.html").read_text(encoding="utf-8")


def words(markup: str) -> str:
    """The text a reader sees, tags dropped and white space collapsed."""
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", markup))).strip()


def gaps_by_kind(markup: str) -> dict[str, list[str]]:
    """Heading of each kind in the data-gaps section → the text of each of its entries (one
    per dataset and reason: "Dataset: reason (n): indicator (periods); indicator …")."""
    section = re.search(r'<section class="gaps".*?</section>', markup, re.S).group(0)
    kinds: dict[str, list[str]] = {}
    for chunk in section.split("<h3")[1:]:
        heading = words(chunk[chunk.index(">") + 1 : chunk.index("</h3>")])
        entries = re.findall(r"<li>(.*?)</li>", chunk, re.S)
        kinds[heading] = [words(re.sub(r"</?(?:strong|a|abbr)\b[^>]*>", "", e)) for e in entries]
    return kinds


def test_gaps_are_not_complete_while_specs_are_pending(site: Path) -> None:
    markup = page(site, "fi/kunta/091-helsinki")
    section = words(re.search(r'<section class="gaps".*?</section>', markup, re.S).group(0))
    assert "Kaikista sivuston tunnusluvuista on tälle kunnalle luku" not in section
    kinds = gaps_by_kind(markup)
    assert list(kinds) == ["Ei vielä haettu (1)"]  # Helsinki has every income and turnout figure
    assert kinds["Ei vielä haettu (1)"] == [
        "ei vielä haettu: aineiston määrittelyä ei ole vielä tarkistettu lähdettä vasten (1): "
        "Testiaineisto: liikunta (1)"
    ]  # the pending dataset named once, its block (linked) lists its indicators
    block = markup[markup.index('id="pending-test_exercise"') :]
    assert "Liian vähän liikkuvat (TESTI)" in block[: block.index("</article>")]
    assert 'href="#pending-test_exercise"' in markup  # to the pending block of its theme
    assert 'id="pending-test_exercise"' in markup
    english = gaps_by_kind(page(site, "en/kunta/091-helsinki"))
    assert list(english) == ["Not yet fetched (1)"]


def test_turnout_in_aland_does_not_apply_with_the_reason_from_the_spec(site: Path) -> None:
    reason = yaml.safe_load(TURNOUT_SPEC.read_text(encoding="utf-8"))["not_applicable"]["reason"]
    # voters and turnout, each for men and women (the source publishes no total)
    headings = {"fi": "Ei koske tätä kuntaa (4)", "sv": "Gäller inte kommunen (4)",
                "en": "Does not apply (4)"}  # fmt: skip
    turnout = {"fi": "Äänestysprosentti, naiset", "sv": "Valdeltagande, kvinnor",
               "en": "Voting turnout, women"}  # fmt: skip
    for lang, path in (("fi", "fi/kunta/035-brando"), ("sv", "sv/kunta/035-brando"),
                       ("en", "en/kunta/035-brando")):  # fmt: skip
        kinds = gaps_by_kind(page(site, path))
        entries = kinds[headings[lang]]  # one entry: the dataset, its reason, 4 indicators
        assert len(entries) == 1 and f"{reason[lang]} (4): " in entries[0], entries
        assert turnout[lang] in entries[0].split(" (4): ")[1].split("; "), entries
        pending = next((v for k, v in kinds.items() if k.startswith(("Ei vielä", "Ännu", "Not"))))
        assert not any(e.startswith(turnout[lang]) for e in pending)  # not "not fetched"
    kinds = gaps_by_kind(page(site, "fi/kunta/035-brando"))
    assert kinds["Salassa pidettävä (1)"] == [
        "Tulot: ... tieto on salassapidettävä (1): Lasten pienituloisuusaste (2024)"
    ]  # the real `...` cell of table 12c4 (income snapshot)
    mainland = gaps_by_kind(page(site, "fi/kunta/297-kuopio"))
    assert not any(k.startswith("Ei koske") for k in mainland)


def choropleth(markup: str) -> str:
    return re.search(r'<svg[^>]*class="choropleth".*?</svg>', markup, re.S).group(0)


def map_areas(markup: str) -> dict[str, tuple[str, str]]:
    """Municipality name → (fill, figure) from each shape and its hover title "Name: figure"
    (a `<use>` of the municipality's path in data/kunnat.svg, shared by every map)."""
    found = {}
    shape = r'<use href="[^"]+#KU\d{3}" fill="([^"]+)"><title>([^<]*)</title>'
    for fill, title in re.findall(shape, choropleth(markup)):
        name, figure = html.unescape(title).rsplit(": ", 1)
        found[name] = (fill, figure)
    return found


def map_legend(markup: str) -> list[tuple[str, str]]:
    """(label, swatch colour) of each legend entry, in order."""
    block = re.search(r'<div class="map-legend">.*?</ul>', markup, re.S).group(0)
    return [(words(label), colour) for colour, label in
            re.findall(r'<li><svg[^>]*><rect[^>]* fill="([^"]+)"[^>]*/></svg>(.*?)</li>', block,
                       re.S)]  # fmt: skip


def bounds(label: str) -> tuple[float, float]:
    """`51,1–53,7` (fi) → (51.1, 53.7); one value alone → (v, v)."""
    parts = [float(p.strip().replace(",", ".").replace("\u2212", "-").replace("\xa0", ""))
             for p in label.split("–")]  # fmt: skip
    return parts[0], parts[-1]


def ranked_rows(site: Path, indicator: str) -> dict[str, dict[str, str]]:
    """Code → row of the indicator page's CSV download (one file for every language)."""
    with (site / f"data/indikaattori/{indicator}.csv").open(encoding="utf-8") as handle:
        return {row["area_code"]: row for row in csv.DictReader(handle)}


def ranked_values(site: Path, indicator: str) -> dict[str, str]:
    """Code → value of the indicator page's CSV download."""
    return {code: row["value"] for code, row in ranked_rows(site, indicator).items()}


def test_map_paints_aland_grey_and_each_municipality_in_its_class(site: Path) -> None:
    values = ranked_values(site, "turnout_women")
    assert "KU035" not in values and "KU478" not in values  # Åland: no row, none in the CSV
    assert len(values) == 7  # the mainland municipalities of SCOPE, each with its figure
    shown = sorted(float(v) for v in values.values() if v)
    assert len(shown) == 7
    markup = page(site, "fi/indikaattori/turnout_women")
    legend = map_legend(markup)
    assert legend[-1] == ("ei tietoa", NO_DATA_FILL)
    assert legend[0][0].startswith(f"{shown[0]:.1f}".replace(".", ","))
    assert legend[-2][0].endswith(f"{shown[-1]:.1f}".replace(".", ","))
    assert NO_DATA_FILL not in [colour for _label, colour in legend[:-1]]
    areas = map_areas(markup)
    assert len(areas) == 23  # the scope: Åland's 16 and seven on the mainland
    # the map names each municipality in its own language(s), as every list does
    assert areas["Brändö"] == areas["Mariehamn – Maarianhamina"] == (NO_DATA_FILL, "ei tietoa")
    assert [fill for fill, _figure in areas.values()].count(NO_DATA_FILL) == 16
    names = load_package(site.parent / "data" / "package").areas
    for code, text in values.items():
        if not text:
            continue
        name = names.display_name(code, "fi")
        fill, figure = areas[name]
        assert figure == f"{float(text):.1f}".replace(".", ",")  # the CSV's figure, as published
        holding = [colour for label, colour in legend[:-1]
                   if bounds(label)[0] <= float(text) <= bounds(label)[1]]  # fmt: skip
        assert [fill] == holding, (name, text, legend)
    english = map_legend(page(site, "en/indikaattori/turnout_women"))
    assert english[-1] == ("no data", NO_DATA_FILL) and english[0][0].startswith(f"{shown[0]:.1f}")
    assert map_areas(page(site, "sv/indikaattori/turnout_women"))["Mariehamn"][1] == (
        "inga uppgifter"
    )


def test_ranking_csv_gives_a_confidential_figure_its_symbol(site: Path) -> None:
    """Brändö's children's low-income rate for 2024 is published as `...` (the real cell of
    table 12c4): its row in the shared ranking file has no value and no rank, and carries the
    symbol, never 0 or a bare blank; the ranked rows come first."""
    rows = ranked_rows(site, "low_income_rate_children")
    brando = rows["KU035"]
    assert (brando["rank"], brando["period"], brando["value"], brando["status"]) == (
        "", "2024", "", "...")  # fmt: skip
    assert (brando["area_name_fi"], brando["area_name_sv"]) == ("Brändö", "Brändö")
    assert all(row["value"] or row["status"] for row in rows.values())
    ranks = [row["rank"] for row in rows.values()]
    assert ranks[0] == "1" and ranks.index("") == sum(1 for r in ranks if r)  # ranked first


def test_map_is_one_named_image_and_the_page_loads_no_vega(site: Path) -> None:
    names = {
        "fi": "Kartta: äänestysprosentti, naiset kunnittain 2021",
        "sv": "Karta: valdeltagande, kvinnor per kommun 2021",
        "en": "Map: voting turnout, women by municipality, 2021",
    }
    for lang, name in names.items():
        markup = page(site, f"{lang}/indikaattori/turnout_women")
        svg = choropleth(markup)
        assert f'role="img" aria-label="{name}"' in svg
        assert "vega" not in markup.lower() and "data-spec" not in markup
        assert not (site / "data/geo").exists()  # no TopoJSON for a script to fetch
    caption = words(re.search(r"<figcaption.*?</figcaption>", markup, re.S).group(0))
    assert caption.startswith("Darker means a larger value; grey means no data.")
    assert "© Maanmittauslaitos, CC BY 4.0" in caption


def test_whole_country_map_is_light_and_dissolves_pertunmaa(site: Path) -> None:
    """All 308 municipalities of 2025 drawn from the package's boundaries (2023 division):
    Pertunmaa is part of Mäntyharju, and the inline SVG stays small."""
    package = load_package(site.parent / "data" / "package")
    codes = [a.code for a in package.areas.municipalities()]
    whole = SimpleNamespace(package=package, areas=package.areas, municipalities=codes, cache={})
    indicator = SimpleNamespace(decimals=0, unit={"fi": "henkeä"})
    block = indicator_map(whole, indicator, "fi", "Väkiluku", "2025", {"KU091": 694392.0},
                          "../../../")  # fmt: skip
    svg = str(block["svg"])
    # the shapes are one file for every map: each page only says fill and title
    path, shapes = map_shapes(whole)
    assert path == "data/kunnat.svg" and shapes.count("<path id=") == 308
    assert '<path id="KU091" d="M' in shapes and 'id="KU588"' not in shapes  # Pertunmaa
    assert '<use href="../../../data/kunnat.svg#KU091" fill=' in svg
    titles = [re.sub(r"[\xa0\u202f]", " ", t) for t in re.findall(r"<title>([^<]*)</title>", svg)]
    assert len(codes) == len(titles) == 308
    assert "Mäntyharju: ei tietoa" in titles and not any(t.startswith("Pertunmaa") for t in titles)
    assert "Helsinki – Helsingfors: 694 392" in titles
    assert 'aria-label="Kartta: väkiluku kunnittain 2025"' in svg
    assert re.search(r'fill="([^"]+)"><title>Helsinki –', svg).group(1) == CLASS_COLOURS[2]
    # ~31 kB (41.8 kB with every path inline)
    assert len(svg.encode("utf-8")) < 32_000 and len(gzip.compress(svg.encode("utf-8"))) < 8_000
    assert [e["label"] for e in block["legend"]] == ["694\xa0392", "ei tietoa"]  # no-break space


def test_map_classes_are_labelled_with_their_values_and_empty_ones_left_out() -> None:
    # test input: six zeros and 1 … 4; quintile breaks 0, 1 and 3
    classes = map_classes((0, 0, 0, 0, 0, 0, 1, 2, 3, 4), 0, "fi")
    assert [c.label for c in classes] == ["", "0", "1–2", "3–4"]  # nothing is below 0
    assert [c.upper for c in classes] == [0, 1, 3, None]
    assert classes[-1].colour == "#440154"  # the largest values darkest
    assert [c.label for c in map_classes((-2.5, 1.25), 1, "en")] == ["−2.5 – 1.2"]
    assert map_classes((), 1, "fi") == ()


def locator(markup: str) -> str:
    return re.search(r'<svg[^>]*class="locator-map".*?</svg>', markup, re.S).group(0)


def points(path_data: str) -> list[tuple[int, int]]:
    """Absolute points of the locator's `M x y l dx dy … z` path data."""
    found = []
    for ring in re.findall(r"M([^l]+)l([^z]*)z", path_data):
        x, y = (int(v) for v in ring[0].split())
        found.append((x, y))
        moves = [int(v) for v in re.findall(r"-?\d+", ring[1])]
        for dx, dy in zip(moves[::2], moves[1::2], strict=True):
            x, y = x + dx, y + dy
            found.append((x, y))
    return found


def test_locator_map_shows_the_municipality_in_its_region(site: Path) -> None:
    labels = {
        "fi/kunta/091-helsinki": "Kartta: Helsinki Uudenmaan maakunnassa",
        "sv/kunta/091-helsingfors": "Karta: Helsingfors i landskapet Nyland",
        "en/kunta/091-helsinki": "Map: Helsinki in the region of Uusimaa",
        "fi/kunta/035-brando": "Kartta: Brändö Ahvenanmaan maakunnassa",
    }
    for path, label in labels.items():
        svg = locator(page(site, path))
        assert f'role="img" aria-label="{label}"' in svg
        assert len(svg.encode("utf-8")) < 3000  # a few KB at most, inline
    svg = locator(page(site, "fi/kunta/091-helsinki"))
    region, own = re.findall(r'<path d="([^"]+)" fill="([^"]+)"', svg)
    assert own[1] == PRIMARY and region[1] != PRIMARY
    width, height = (int(v) for v in re.search(r'viewBox="0 0 (\d+) (\d+)"', svg).groups())
    outline, helsinki = points(region[0]), points(own[0])
    assert min(x for x, _y in outline) <= 12 and max(x for x, _y in outline) >= width - 12
    centre_x = sum(x for x, _y in helsinki) / len(helsinki)
    centre_y = sum(y for _x, y in helsinki) / len(helsinki)
    assert 0.4 * width < centre_x < 0.75 * width  # Helsinki: mid-coast of Uusimaa
    assert centre_y > 0.5 * height  # on the south coast, the lower half of the drawing
    assert "<circle" not in svg
    assert "<circle" in locator(page(site, "fi/kunta/235-kauniainen"))  # 6 km²: circled


def test_not_applicable_needs_area_codes_and_a_reason(tmp_path: Path) -> None:
    from kuntadata.errors import SpecError
    from kuntadata.spec import load_dataset_spec

    spec = load_dataset_spec(TURNOUT_SPEC)
    assert spec.not_applicable["areas"] == ["MK21"]
    assert set(spec.not_applicable["reason"]) == {"fi", "sv", "en"}
    text = TURNOUT_SPEC.read_text(encoding="utf-8")
    broken = tmp_path / TURNOUT_SPEC.name
    broken.write_text(text.replace("  areas: [MK21]\n", "  areas: [Ahvenanmaa]\n"), "utf-8")
    with pytest.raises(SpecError) as caught:
        load_dataset_spec(broken)
    assert "not_applicable.areas[0]: 'Ahvenanmaa' does not match" in caught.value.problems[0]
