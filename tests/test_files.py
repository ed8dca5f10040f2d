"""File source (`kind: file`) on the real StatFin downloads: CSV flavours, XLSX, PX, errors."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import pytest

from kuntadata.areas import Areas, load_areas
from kuntadata.config import load_site_config
from kuntadata.errors import PackageError, SpecError
from kuntadata.fetch import fetch_datasets
from kuntadata.paths import ProjectPaths
from kuntadata.snapshot import RawFile, read_provenance, write_snapshot
from kuntadata.sources.files import adapter as files
from kuntadata.sources.files.tidy import municipalities_by_name, tidy_file
from kuntadata.sources.http import HttpClient
from kuntadata.sources.testing import read_fixture, realdata_dir
from kuntadata.spec import load_dataset_spec

REPO = Path(__file__).resolve().parent.parent
REALDATA = realdata_dir()
STATFIN = REALDATA / "statfin"
TURNOUT = STATFIN / "kvaa_12x4_2021_aanestaneet_kunnittain_cp1252.csv"
CANDIDATES = STATFIN / "kvaa_12xf_2021_ehdokkaat_kunnittain_utf8.csv"
ELIGIBLE = STATFIN / "kvaa_12x4_2021_aanioikeutetut_kunnittain_cp1252.csv"
AREAS = load_areas(REPO / "data" / "raw" / "classification" / "areas")
AREA_CODES = {a.code for a in AREAS.all()}
ELECTION_SPEC = REPO / "datasets" / "municipal_election_turnout_2021.yaml"
TAX_SPEC = REPO / "datasets" / "municipal_tax_rate.yaml"
TAX_RATES = realdata_dir() / "treasury" / "nettopalkka_kunnat-2026.json"  # recorded real file
HEAD = "title: {fi: T, sv: T, en: T}\ntheme: democracy\n"
UNIT = "title: {fi: T, sv: T, en: T}\n    unit: {fi: u, sv: u, en: u}"


def write_spec(root: Path, body: str, name: str = "file_test") -> object:
    path = root / "datasets" / f"{name}.yaml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(HEAD + body, "utf-8")
    return load_dataset_spec(path)


def put(root: Path, real: Path, name: str | None = None, data: bytes | None = None) -> str:
    """A copy of a real file under a temporary repository root (never into the repo)."""
    target = root / "files" / (name or real.name)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(read_fixture(real) if data is None else data)
    return f"files/{target.name}"


def fetch_and_tidy(root: Path, spec, client: HttpClient | None = None):
    result = files.fetch_file(spec, client or HttpClient(), root)
    raw = [
        RawFile(f.name, f.response.content, f.response.url, f.response.method, None,
                f.response.status, f.role, f.lang, f.response.fetched_at)
        for f in result.files
    ]  # fmt: skip
    target = root / "raw" / "files" / spec.id
    write_snapshot(target, raw, dataset=spec.id, source="files", licence=spec.licence,
                   attribution="", extra=result.provenance)  # fmt: skip
    return tidy_file(spec, target, AREA_CODES, AREAS), target


def cell(frame, **where) -> float:
    mask = True
    for column, wanted in where.items():
        mask = mask & (frame[column] == wanted)
    rows = frame[mask]
    assert len(rows) == 1, rows
    return float(rows.value.iloc[0])


def test_election_turnout_from_the_mirrored_url(tmp_path, file_server, monkeypatch) -> None:
    spec = load_dataset_spec(ELECTION_SPEC)
    file_server.add(spec.source["path"], TURNOUT)
    monkeypatch.setenv(files.MIRROR_ENV, file_server.url)
    tidy, target = fetch_and_tidy(tmp_path, spec)
    frame = tidy.frame
    assert cell(frame, area="KU091", indicator="turnout", sex="1") == 59.2  # Helsinki, men
    assert cell(frame, area="KU091", indicator="turnout", sex="2") == 63.9
    assert cell(frame, area="KU091", indicator="voters", sex="2") == 184306
    assert cell(frame, area="KU078", indicator="voters", sex="1") == 1916  # Hanko
    assert frame.area.nunique() == 293
    aland = {a.code for a in AREAS.municipalities() if a.region == "MK21"}
    assert len(aland) == 16 and not aland & set(frame.area)  # absent = not available, not 0
    assert set(frame.period) == {"2021"} and (frame.status == "").all()
    provenance = read_provenance(target)
    assert provenance["canonical_url"] == spec.source["path"]
    assert provenance["files"][0]["url"].startswith("http://127.0.0.1:")
    assert provenance["files"][0]["sha256"] == hashlib.sha256(TURNOUT.read_bytes()).hexdigest()
    assert tidy.meta["dimensions"][0]["values"]["2"]["en"] == "Women"


def test_repository_election_snapshot_tidies() -> None:
    spec = load_dataset_spec(ELECTION_SPEC)
    directory = REPO / "data" / "raw" / "files" / spec.id
    tidy = tidy_file(spec, directory, AREA_CODES, AREAS)
    assert cell(tidy.frame, area="KU091", indicator="turnout", sex="1") == 59.2
    assert read_provenance(directory)["replayed_from"]["data.csv"].endswith(TURNOUT.name)


def test_repo_path_utf8_candidates_are_copied_with_sha256(tmp_path) -> None:
    path = put(tmp_path, CANDIDATES)
    spec = write_spec(
        tmp_path,
        f"""source:
  kind: file
  path: {path}
  columns: {{area: Alue, period: Vuosi, indicator: Tiedot}}
  filter: {{Puolue: [Yhteensä]}}
  pivot: {{column: sex, values: {{Yhteensä: SSS, Miehet: "1", Naiset: "2"}}}}
indicators:
  - id: candidates
    select: Ehdokkaiden lukumäärä
    {UNIT}
""",
    )
    tidy, target = fetch_and_tidy(tmp_path, spec)
    assert cell(tidy.frame, area="KU091", sex="SSS") == 1163
    assert cell(tidy.frame, area="KU091", sex="1") == 631
    assert cell(tidy.frame, area="KU049", sex="2") == 343
    entry = read_provenance(target)["files"][0]
    assert entry["method"] == "FILE" and entry["url"] == path
    assert entry["sha256"] == hashlib.sha256(CANDIDATES.read_bytes()).hexdigest()
    assert tidy.meta["file"]["encoding"] == "utf-8" and tidy.meta["file"]["delimiter"] == ";"


def test_ui_download_with_title_line_and_years_as_columns(tmp_path) -> None:
    path = put(tmp_path, STATFIN / "statfin_tjt_128c_ui_download_en.csv")
    spec = write_spec(
        tmp_path,
        f"""source:
  kind: file
  path: {path}
  area: SSS
  columns: {{indicator: Information}}
  dimensions: [{{column: Decile, name: decile}}]
  pivot: {{column: period}}
indicators:
  - id: gross_income
    select: 6. GROSS INCOME, mean
    {UNIT}
""",
    )
    tidy, _ = fetch_and_tidy(tmp_path, spec)
    frame = tidy.frame
    assert cell(frame, period="2020", decile="I (Lowest-income 10 %)") == 16825
    assert cell(frame, period="2023", decile="II") == 25372
    assert tidy.meta["table_title"]["fi"].startswith("128c -- Income and income structure")


def test_decimal_comma(tmp_path) -> None:
    text = TURNOUT.read_bytes().replace(b";59.2;63.9", b";59,2;63,9")
    path = put(tmp_path, TURNOUT, data=text)
    body = ELECTION_SPEC.read_text("utf-8").split("source:", 1)[1].split("indicators:")[0]
    body = body.replace("path: " + load_dataset_spec(ELECTION_SPEC).source["path"], f"path: {path}")
    spec = write_spec(
        tmp_path,
        f"""source:{body}  decimal: ","
indicators:
  - id: turnout
    select: Äänestysprosentti
    {UNIT}
""",
    )
    tidy, _ = fetch_and_tidy(tmp_path, spec)
    assert cell(tidy.frame, area="KU091", sex="2") == 63.9


def test_xlsx_from_the_real_eligible_voters(tmp_path) -> None:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "12x4"
    for line in ELIGIBLE.read_bytes().decode("cp1252").splitlines():
        cells = [c.strip('"') for c in line.split(";")]
        sheet.append([int(c) if c.isdigit() and len(c) > 3 else c for c in cells])
    book.save(tmp_path / "eligible.xlsx")
    spec = write_spec(
        tmp_path,
        f"""source:
  kind: file
  path: eligible.xlsx
  sheet: "12x4"
  columns: {{area: Alue, period: Vuosi}}
indicators:
  - id: eligible
    select: Äänioikeutetut
    {UNIT}
""",
    )
    tidy, _ = fetch_and_tidy(tmp_path, spec)
    assert cell(tidy.frame, area="KU091", period="2021") == 542830
    assert cell(tidy.frame, area="KU049", period="2021") == 225442
    assert tidy.frame.area.nunique() == 293


def test_px_table_12c1(tmp_path) -> None:
    path = put(tmp_path, STATFIN / "statfin_perh_12c1_2006-2022_all_areas.px")
    spec = write_spec(
        tmp_path,
        f"""source:
  kind: file
  path: {path}
  columns: {{area: Alue, period: Vuosi, indicator: Tiedot, value: VALUE}}
  filter: {{Perhetyyppi: [SSS]}}
indicators:
  - id: families
    select: perhlkm
    {UNIT}
  - id: average_family_size
    select: perhkoko
    {UNIT}
""",
    )
    tidy, _ = fetch_and_tidy(tmp_path, spec)
    frame = tidy.frame
    assert cell(frame, area="KU091", period="2022", indicator="families") == 161417
    assert cell(frame, area="KU091", period="2022", indicator="average_family_size") == 2.66
    assert "KU588" in set(frame.area)  # Pertunmaa kept under its own code (2023 division)


def test_missing_column_names_it_and_lists_the_found_ones(tmp_path) -> None:
    path = put(tmp_path, ELIGIBLE)
    spec = write_spec(
        tmp_path,
        f"""source:
  kind: file
  path: {path}
  columns: {{area: Kunta, period: Vuosi}}
indicators:
  - id: eligible
    select: Äänioikeutetut
    {UNIT}
""",
    )
    with pytest.raises(SpecError) as caught:
        files.fetch_file(spec, HttpClient(), tmp_path)
    assert str(caught.value).startswith(
        f"{path}: column 'Kunta' (columns.area) not found; "
        "columns found: Vuosi, Alue, Äänioikeutetut"
    )


def test_wrong_encoding_names_the_file_and_the_encoding_that_fits(tmp_path) -> None:
    path = put(tmp_path, ELIGIBLE)
    spec = write_spec(
        tmp_path,
        f"""source:
  kind: file
  path: {path}
  encoding: utf-8
  columns: {{area: Alue, period: Vuosi}}
indicators:
  - id: eligible
    select: Äänioikeutetut
    {UNIT}
""",
    )
    with pytest.raises(SpecError) as caught:
        files.fetch_file(spec, HttpClient(), tmp_path)
    message = str(caught.value)
    assert message.startswith(f"{path}: cannot be read as utf-8 (byte 0xc4 at position")
    assert "it decodes as cp1252: set encoding: cp1252" in message


def test_single_byte_encoding_declared_for_a_utf8_file(tmp_path) -> None:
    path = put(tmp_path, CANDIDATES)
    spec = write_spec(
        tmp_path,
        f"""source:
  kind: file
  path: {path}
  encoding: cp1252
  columns: {{area: Alue, period: Vuosi, indicator: Tiedot}}
  pivot: {{column: sex}}
indicators:
  - id: candidates
    select: Ehdokkaiden lukumäärä
    {UNIT}
""",
    )
    with pytest.raises(SpecError) as caught:
        files.fetch_file(spec, HttpClient(), tmp_path)
    assert "encoding cp1252 was declared but the file is UTF-8" in str(caught.value)
    assert "set encoding: utf-8" in str(caught.value)


def _eligible_spec(tmp_path: Path, data: bytes):
    path = put(tmp_path, ELIGIBLE, data=data)
    return write_spec(
        tmp_path,
        f"""source:
  kind: file
  path: {path}
  columns: {{area: Alue, period: Vuosi}}
indicators:
  - id: eligible
    select: Äänioikeutetut
    {UNIT}
""",
    )


def test_unknown_area_label_is_listed_with_close_matches(tmp_path) -> None:
    data = ELIGIBLE.read_bytes().replace(b'"091 Helsinki"', b'"Helsinkki"')
    spec = _eligible_spec(tmp_path, data)
    with pytest.raises(PackageError) as caught:
        fetch_and_tidy(tmp_path, spec)
    assert (
        "1 area label(s) match no area in the areas table: 'Helsinkki' "
        "(close matches: KU091 Helsinki" in str(caught.value)
    )


def test_duplicate_rows_for_one_key_are_listed(tmp_path) -> None:
    data = ELIGIBLE.read_bytes() + b'"2021";"091 Helsinki";542830\n'
    spec = _eligible_spec(tmp_path, data)
    with pytest.raises(PackageError) as caught:
        fetch_and_tidy(tmp_path, spec)
    assert "1 duplicate row(s) for one key: line 295: KU091, 2021, eligible" in str(caught.value)


def test_bad_file_keeps_the_last_good_snapshot(tmp_path, monkeypatch) -> None:
    """Through the fetch stage: a file that cannot be read replaces nothing."""
    site = tmp_path / "site.yaml"
    shutil.copy(REPO / "site.yaml", site)
    config = load_site_config(site)
    spec = _eligible_spec(tmp_path, ELIGIBLE.read_bytes())
    paths = ProjectPaths(tmp_path)
    quiet = {"report": lambda s: None}
    assert fetch_datasets(paths, config, [spec], AREAS, **quiet).outcomes[0].status == "fetched"
    before = read_provenance(paths.raw / "files" / spec.id)
    (tmp_path / "files" / ELIGIBLE.name).write_bytes(b"\xff\xfe broken")
    summary = fetch_datasets(paths, config, [spec], AREAS, **quiet)
    assert summary.outcomes[0].status == "failed"  # no longer readable as the spec says
    assert summary.outcomes[0].cause == "spec no longer matches the source"
    assert read_provenance(paths.raw / "files" / spec.id) == before


# --- JSON records with municipality names: the Tax Administration's 2026 rates -------------


def _tax_spec(tmp_path: Path, data: bytes | None = None, records: str = "/kunnat"):
    """The real tax-rate spec's source, reading a (possibly altered) copy from the repo root."""
    path = put(tmp_path, TAX_RATES, data=data)
    return write_spec(
        tmp_path,
        f"""source:
  kind: file
  path: {path}
  format: json
  records: {records}
  area_names: fi
  columns: {{area: nimi, period: /vuosi}}
indicators:
  - id: municipal_tax_rate
    select: kunta
    {UNIT}
""",
    )


def test_tax_rates_from_the_mirrored_url(tmp_path, file_server, monkeypatch) -> None:
    spec = load_dataset_spec(TAX_SPEC)
    file_server.add(spec.source["path"], TAX_RATES)
    monkeypatch.setenv(files.MIRROR_ENV, file_server.url)
    tidy, target = fetch_and_tidy(tmp_path, spec)
    frame = tidy.frame
    assert len(frame) == 308 and frame.area.nunique() == 308
    assert cell(frame, area="KU091") == 5.3  # Helsinki
    assert cell(frame, area="KU049") == 5.3  # Espoo
    assert cell(frame, area="KU235") == 4.7  # Kauniainen
    assert cell(frame, area="KU092") == 6.4  # Vantaa
    assert cell(frame, area="KU020") == 9.9  # Akaa
    assert cell(frame, area="KU478") == 17.0  # Maarianhamina (Åland)
    assert set(frame.period) == {"2026"} and set(frame.indicator) == {"municipal_tax_rate"}
    assert "SSS" not in set(frame.area)  # no national rate in the decision: not available
    assert (frame.status == "").all()
    provenance = read_provenance(target)
    assert provenance["canonical_url"] == spec.source["path"]
    assert provenance["source_page"].startswith("https://www.vero.fi/syventavat-vero-ohjeet/")
    assert provenance["files"][0]["sha256"] == hashlib.sha256(TAX_RATES.read_bytes()).hexdigest()
    assert tidy.sources[0]["path"] == spec.source["source_page"]
    assert tidy.meta["licence"] == "public-decision"


def test_every_tax_rate_name_maps_to_one_municipality_and_none_twice() -> None:
    import json

    names = [m["nimi"] for m in json.loads(TAX_RATES.read_text("utf-8"))["kunnat"]]
    codes = municipalities_by_name(set(names), "fi", AREAS, TAX_RATES.name)
    assert len(names) == len(set(names)) == 308
    assert len(set(codes.values())) == 308  # none twice
    assert set(codes.values()) == {a.code for a in AREAS.municipalities()}  # all current ones
    assert codes["Koski Tl"] == "KU284"
    assert codes["Pedersören kunta"] == "KU599"
    assert codes["Maarianhamina"] == "KU478"


def test_repository_tax_rate_snapshot_tidies() -> None:
    spec = load_dataset_spec(TAX_SPEC)
    directory = REPO / "data" / "raw" / "files" / spec.id
    tidy = tidy_file(spec, directory, AREA_CODES, AREAS)
    assert len(tidy.frame) == 308
    assert cell(tidy.frame, area="KU091") == 5.3
    assert cell(tidy.frame, area="KU235") == 4.7
    assert cell(tidy.frame, area="KU092") == 6.4
    provenance = read_provenance(directory)
    assert provenance["replayed_from"] == {"data.json": "treasury/nettopalkka_kunnat-2026.json"}
    assert provenance["files"][0]["sha256"] == hashlib.sha256(TAX_RATES.read_bytes()).hexdigest()
    assert provenance["source_page"] == spec.source["source_page"]


def test_unknown_municipality_name_names_it_the_file_and_a_close_match(tmp_path) -> None:
    data = TAX_RATES.read_bytes().replace(b'"nimi": "Helsinki"', b'"nimi": "Helsinkki"')
    spec = _tax_spec(tmp_path, data)
    with pytest.raises(PackageError) as caught:
        fetch_and_tidy(tmp_path, spec)
    assert caught.value.problems == [
        f"{tmp_path}/raw/files/file_test/data.json: 'Helsinkki' (area_names: fi) is not the "
        "name of any municipality in the areas table (close matches: KU091 Helsinki, "
        "KU283 Hämeenkoski)"
    ]


def test_two_names_for_one_municipality_are_an_error(tmp_path) -> None:
    data = TAX_RATES.read_bytes().replace(b'"nimi": "Espoo"', b'"nimi": "HELSINKI"')
    spec = _tax_spec(tmp_path, data)
    with pytest.raises(PackageError) as caught:
        fetch_and_tidy(tmp_path, spec)
    assert caught.value.problems == [
        f"{tmp_path}/raw/files/file_test/data.json: 'HELSINKI' and 'Helsinki' "
        "(area_names: fi) all name KU091 Helsinki"
    ]


def test_a_name_shared_by_two_municipalities_is_ambiguous() -> None:
    """Had abolished Pertunmaa (KU588) been renamed like its successor, the name is ambiguous."""
    from dataclasses import replace

    renamed = [replace(a, name_fi="Mäntyharju") if a.code == "KU588" else a for a in AREAS]
    with pytest.raises(SpecError) as caught:
        municipalities_by_name({"Mäntyharju"}, "fi", Areas(renamed), "x.json")
    assert caught.value.problems == [
        "x.json: 'Mäntyharju' (area_names: fi) names 2 municipalities: "
        "KU507 Mäntyharju, KU588 Mäntyharju"
    ]


def test_duplicate_json_record_is_named_by_its_pointer(tmp_path) -> None:
    """Espoo's record (/kunnat/11) renamed Helsinki: the real Helsinki record is the second."""
    data = TAX_RATES.read_bytes().replace(b'"nimi": "Espoo"', b'"nimi": "Helsinki"')
    spec = _tax_spec(tmp_path, data)
    with pytest.raises(PackageError) as caught:
        fetch_and_tidy(tmp_path, spec)
    assert caught.value.problems == [
        f"{tmp_path}/raw/files/file_test/data.json: 1 duplicate row(s) for one key: "
        "/kunnat/33: KU091, 2026, municipal_tax_rate"
    ]


def test_wrong_records_pointer_lists_the_keys_found(tmp_path) -> None:
    spec = _tax_spec(tmp_path, records="/municipalities")
    with pytest.raises(SpecError) as caught:
        files.fetch_file(spec, HttpClient(), tmp_path)
    assert caught.value.problems == [
        "files/nettopalkka_kunnat-2026.json: /municipalities (records) not found; "
        "keys there: vuosi, lahde, annettu, diaari, haettu, kunnat"
    ]


def test_truncated_json_is_an_error_at_fetch(tmp_path) -> None:
    spec = _tax_spec(tmp_path, TAX_RATES.read_bytes()[:5000])
    with pytest.raises(SpecError) as caught:
        files.fetch_file(spec, HttpClient(), tmp_path)
    assert str(caught.value).startswith("files/nettopalkka_kunnat-2026.json: not valid JSON (")
