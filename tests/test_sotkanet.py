"""Sotkanet adapter and tidy stage against the emulator replaying real recorded responses."""

from __future__ import annotations

import csv
import json
import math
from dataclasses import replace
from pathlib import Path

import pytest

from kuntadata.areas import load_areas
from kuntadata.config import load_site_config
from kuntadata.errors import FetchError
from kuntadata.fetch import fetch_datasets
from kuntadata.paths import ProjectPaths
from kuntadata.snapshot import RawFile, read_provenance, write_snapshot
from kuntadata.sources.http import HttpClient
from kuntadata.sources.sotkanet import adapter as sotkanet
from kuntadata.sources.sotkanet.tidy import html_to_text, region_codes, tidy_sotkanet
from kuntadata.sources.testing import realdata_dir
from kuntadata.spec import load_dataset_spec, load_dataset_specs

REPO = Path(__file__).resolve().parent.parent
REALDATA = realdata_dir()
AREAS = load_areas(REPO / "data" / "raw" / "classification" / "areas")
AREA_CODES = {a.code for a in AREAS.all()}

SPEC = """\
title: {fi: Testi, sv: Test, en: Test}
theme: wellbeing
source:
  kind: sotkanet
  years: YEARS
  gender: total
  levels: [country, region, wellbeing_county, municipality]
  FORMAT
indicators:
"""
INDICATOR = """\
  - id: ID
    select: "SELECT"
    title: {fi: T, sv: T, en: T}
    unit: {fi: u, sv: u, en: u}
"""


def make_spec(tmp_path: Path, selects: dict[str, str], years: str, fmt: str = "json"):
    text = SPEC.replace("YEARS", years).replace("FORMAT", f"format: {fmt}")
    for indicator_id, select in selects.items():
        text += INDICATOR.replace("ID", indicator_id).replace("SELECT", select)
    path = tmp_path / "datasets" / "sotka_test.yaml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, "utf-8")
    return load_dataset_spec(path)


def quiet_client() -> HttpClient:
    """The shared client, without real sleeping between the 1/s-throttled calls."""
    return HttpClient(sleep=lambda seconds: None, backoff_seconds=0.01)


def snapshot(tmp_path: Path, spec, result) -> Path:
    files = [
        RawFile(f.name, f.response.content, f.response.url, f.response.method, None,
                f.response.status, f.role, f.lang, f.response.fetched_at)
        for f in result.files
    ]  # fmt: skip
    target = tmp_path / "raw" / "sotkanet" / spec.id
    write_snapshot(target, files, dataset=spec.id, source="sotkanet", licence=spec.licence,
                   attribution="")  # fmt: skip
    return target


def value(frame, area: str, period: str, indicator: str) -> float:
    row = frame[(frame.area == area) & (frame.period == period) & (frame.indicator == indicator)]
    assert len(row) == 1, row
    return float(row.value.iloc[0])


def test_json_data_for_two_years_maps_region_ids_to_codes(tmp_path, sotkanet_server) -> None:
    spec = make_spec(tmp_path, {"population": "127"}, '{values: ["2019", "2023"]}')
    result = sotkanet.fetch_sotkanet(spec, quiet_client(), sotkanet_server.url)
    assert [f.name for f in result.files] == ["regions.json", "data-127.json"]
    data_call = sotkanet_server.calls("/json")[0]
    assert data_call.query == {
        "indicator": ["127"],
        "years": ["2019", "2023"],
        "genders": ["total"],
    }
    assert data_call.user_agent.startswith("kuntadata/")
    tidy = tidy_sotkanet(spec, snapshot(tmp_path, spec, result), AREA_CODES)
    frame = tidy.frame
    assert value(frame, "KU091", "2023", "population") == 674500  # Helsinki, internal id 46
    assert value(frame, "KU091", "2019", "population") == 653835
    assert sorted(frame.area.unique()) == ["KU049", "KU091", "KU564", "KU837", "KU853"]
    assert len(frame) == 10 and (frame.status == "").all()


def test_rate_and_count_from_absvalue(tmp_path, sotkanet_server) -> None:
    selects = {"aged_75_share": "171", "aged_75": "171:abs"}
    spec = make_spec(tmp_path, selects, '{values: ["2019", "2023"]}')
    result = sotkanet.fetch_sotkanet(spec, quiet_client(), sotkanet_server.url)
    assert len(sotkanet_server.calls("/json")) == 1  # one fetch serves both
    frame = tidy_sotkanet(spec, snapshot(tmp_path, spec, result), AREA_CODES).frame
    assert value(frame, "KU091", "2019", "aged_75_share") == 7.4
    assert value(frame, "KU091", "2019", "aged_75") == 48189
    assert value(frame, "KU853", "2023", "aged_75_share") == 10.5  # Turku


def test_csv_2009_all_regions_leaves_out_unlisted_region_ids(tmp_path, sotkanet_server) -> None:
    sotkanet_server.regions = "2015"
    spec = make_spec(tmp_path, {"population": "127"}, '{values: ["2009"]}', fmt="csv")
    result = sotkanet.fetch_sotkanet(spec, quiet_client(), sotkanet_server.url)
    assert [f.name for f in result.files] == ["regions.json", "data-127.csv"]
    tidy = tidy_sotkanet(spec, snapshot(tmp_path, spec, result), AREA_CODES)
    frame = tidy.frame
    assert value(frame, "SSS", "2009", "population") == 5351427  # MAA id 658
    assert value(frame, "KU091", "2009", "population") == 583350
    assert value(frame, "KU049", "2009", "population") == 244330
    assert (frame.value > 0).all()  # the three 0 rows of unknown ids are not municipalities
    assert len(frame[frame.area.str.startswith("KU")]) == 317
    assert len(frame[frame.area.str.startswith("MK")]) == 19
    assert tidy.warnings == []  # a note, so --strict passes: no figure of a real area is lost
    assert tidy.notes == [
        "sotka_test: left out 3 row(s) for Sotkanet region ids not in regions.json, each 0 or "
        "empty (no figure lost): 455 (2009: 0.0); 456 (2009: 0.0); 730 (2009: 0.0)"
    ]


def test_unlisted_region_id_with_a_figure_is_a_warning(tmp_path, sotkanet_server) -> None:
    """A non-zero value for a region the snapshot's list does not know would be lost: warn."""
    sotkanet_server.regions = "2015"
    spec = make_spec(tmp_path, {"population": "127"}, '{values: ["2009"]}', fmt="csv")
    result = sotkanet.fetch_sotkanet(spec, quiet_client(), sotkanet_server.url)
    data = result.files[-1]  # a test fault, not a recorded value:
    content = data.response.content.replace(b"127;730;2009;total;0;", b"127;730;2009;total;1200;")
    assert content != data.response.content
    result.files[-1] = replace(data, response=replace(data.response, content=content))
    tidy = tidy_sotkanet(spec, snapshot(tmp_path, spec, result), AREA_CODES)
    assert tidy.notes == []
    assert tidy.warnings == [
        "sotka_test: left out 3 row(s) for Sotkanet region ids not in regions.json: "
        "455 (2009: 0.0); 456 (2009: 0.0); 730 (2009: 1200.0)"
    ]


def test_suppressed_value_gets_a_status_never_zero(tmp_path, sotkanet_server) -> None:
    sotkanet_server.suppressed = {(5513, 46, 2023)}
    spec = make_spec(tmp_path, {"home_care": "5513"}, '{values: ["2023"]}')
    result = sotkanet.fetch_sotkanet(spec, quiet_client(), sotkanet_server.url)
    frame = tidy_sotkanet(spec, snapshot(tmp_path, spec, result), AREA_CODES).frame
    helsinki = frame[frame.area == "KU091"].iloc[0]
    assert math.isnan(helsinki.value) and helsinki.status == "suppressed"
    assert value(frame, "KU853", "2023", "home_care") == 13.0


def test_unknown_indicator_names_the_id_and_how_to_look_it_up(tmp_path, sotkanet_server) -> None:
    spec = make_spec(tmp_path, {"nothing": "999999"}, '{values: ["2023"]}')
    with pytest.raises(FetchError) as caught:
        sotkanet.fetch_sotkanet(spec, quiet_client(), sotkanet_server.url)
    message = str(caught.value)
    assert "datasets/sotka_test.yaml: Sotkanet has no indicator 999999 (HTTP 404" in message
    assert "https://sotkanet.fi/sotkanet/fi/haku" in message
    assert "/indicators" in message
    assert not sotkanet_server.calls("/json")  # no data request for an unknown id


def test_metadata_gives_years_definition_and_producer(tmp_path, sotkanet_server) -> None:
    spec = make_spec(tmp_path, {"lifestyle": "4559"}, "{top: 2}")
    result = sotkanet.SourceResult()
    metadata = sotkanet._fetch_metadata(spec, quiet_client(), sotkanet_server.url, "4559", result)
    assert sotkanet.resolve_years(spec, "4559", metadata, []) == ["2023", "2024"]
    assert result.files[0].name == "indicator-4559.json"
    tidy_meta = __import__("kuntadata.sources.sotkanet.tidy", fromlist=["x"]).sotkanet_meta(
        spec, {"4559": metadata}, {"fetched_at": "2026-11-23T00:00:00Z"}
    )
    indicator = tidy_meta["indicators"][0]
    assert indicator["data_updated"] == "2025-05-30"
    assert indicator["region_levels"] == ["Maa", "Maakunta"]
    assert indicator["producer"]["fi"] == "Terveyden ja hyvinvoinnin laitos (THL)"
    limits = indicator["definition"]["limits"]["fi"]
    assert limits.startswith("Tuloksen varmuuteen vaikuttaa se, että aineisto")
    assert "<p>" not in limits and "Tilastoraportti" in limits
    assert tidy_meta["attribution"]["fi"] == (
        "Lähde: THL, Sotkanet.fi / Terveyden ja hyvinvoinnin laitos (THL)"
    )


def test_html_to_text_keeps_text_and_drops_markup() -> None:
    raw = '<p>Ensimmäinen &amp; toinen.</p><br /><p>Lisää: <a href ="x">Raportti</a></p>'
    assert html_to_text(raw) == "Ensimmäinen & toinen.\nLisää: Raportti"


def test_wellbeing_county_ids_map_to_statistics_finland_codes() -> None:
    with (REALDATA / "sotkanet" / "sotkanet_hyvinvointialueet_region_ids.csv").open() as f:
        rows = list(csv.DictReader(f))
    regions = [
        {"id": int(r["uusi_id"]), "code": r["uusi_code"], "category": "HYVINVOINTIALUE"}
        for r in rows
    ]
    codes = region_codes(regions)
    assert codes[960] == ("HVA90", "wellbeing_county")  # Helsingin kaupunki
    assert codes[961] == ("HVA01", "wellbeing_county")  # Itä-Uusimaa
    assert {code for code, _ in codes.values()} <= AREA_CODES


def test_requests_are_throttled_to_one_per_second(tmp_path, sotkanet_server) -> None:
    now = [0.0]
    sleeps: list[float] = []

    def sleep(seconds: float) -> None:
        sleeps.append(seconds)
        now[0] += seconds

    client = HttpClient(sleep=sleep, clock=lambda: now[0])
    spec = make_spec(tmp_path, {"population": "127"}, '{values: ["2023"]}')
    sotkanet.fetch_sotkanet(spec, client, sotkanet_server.url)
    assert len(sotkanet_server.requests) == 3  # regions, metadata (501), data
    assert sleeps == [pytest.approx(1.12), pytest.approx(1.12)]  # 1 s + the window margin


@pytest.mark.parametrize("mode", ["429", "503", "html", "truncated"])
def test_a_transient_fault_is_retried(tmp_path, sotkanet_server, mode) -> None:
    sotkanet_server.faults.add(mode, times=1, retry_after=0, path_contains="/json")
    spec = make_spec(tmp_path, {"population": "127"}, '{values: ["2023"]}')
    client = quiet_client()
    result = sotkanet.fetch_sotkanet(spec, client, sotkanet_server.url)
    rows = json.loads(result.files[-1].response.content)
    assert next(r["value"] for r in rows if r["region"] == 46) == 674500  # Helsinki
    assert client.retries == 1


def test_lasting_fault_keeps_the_last_good_snapshot(tmp_path, sotkanet_server, monkeypatch):
    """Through the fetch stage: nothing half-written, the previous snapshot stays."""
    monkeypatch.setenv("KUNTADATA_SOTKANET_URL", sotkanet_server.url)
    spec = make_spec(tmp_path, {"population": "127"}, '{values: ["2023"]}')
    paths = ProjectPaths(tmp_path)
    config = load_site_config(REPO / "site.yaml")
    client = quiet_client()
    first = fetch_datasets(paths, config, [spec], AREAS, client=client, report=lambda s: None)
    assert first.outcomes[0].status == "fetched"
    target = paths.raw / "sotkanet" / spec.id
    before = read_provenance(target)
    sotkanet_server.faults.add("503", times=10, path_contains="/json")
    second = fetch_datasets(paths, config, [spec], AREAS, client=client, report=lambda s: None)
    assert second.outcomes[0].status == "kept"
    assert read_provenance(target) == before
    assert sorted(p.name for p in target.parent.iterdir()) == [spec.id]  # no temp dirs left


def test_repository_sotkanet_specs_and_snapshots() -> None:
    """Verified specs have a snapshot that tidies; unverified ones have none."""
    specs = [s for s in load_dataset_specs(REPO / "datasets") if s.kind == "sotkanet"]
    assert {s.id for s in specs if s.verified} == {
        "elderly_population",
        "home_care",
        "population_sotkanet_2009",
    }
    for spec in specs:
        directory = REPO / "data" / "raw" / "sotkanet" / spec.id
        assert directory.exists() == spec.verified, spec.id
        for indicator in spec.indicators:
            assert indicator.responsible in ("municipality", "wellbeing_county", "state", "other")
    home_care = next(s for s in specs if s.id == "home_care")
    tidy = tidy_sotkanet(home_care, REPO / "data/raw/sotkanet/home_care", AREA_CODES)
    assert value(tidy.frame, "KU091", "2023", "home_care_75_share") == 12.9
    assert value(tidy.frame, "KU091", "2023", "home_care_75_clients") == 7491
    assert tidy.meta["coverage_note"]["en"].startswith("THL updates this once a year")
    provenance = read_provenance(REPO / "data/raw/sotkanet/home_care")
    assert provenance["replayed_from"]["data-5513.json"].endswith(
        "sotkanet_json_ind5513_2023_5cities_absValue.json"
    )
