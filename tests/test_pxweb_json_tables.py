"""The emulator's tables built from real `json`-format responses, and prefix-tolerant codes."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import requests

from kuntadata.sources.statfin.query import content_code_match
from kuntadata.sources.statfin.testing import PxWebServer
from kuntadata.sources.statfin.testing.json_tables import (
    JsonFormatError,
    read_json_format,
    table_from_json,
)
from kuntadata.sources.testing import realdata_dir

TIMEOUT = 10
STATFIN = realdata_dir() / "statfin"


def item(code: str, *values: str, kind: str = "item") -> dict[str, Any]:
    return {"code": code, "selection": {"filter": kind, "values": list(values)}}


def post(server: PxWebServer, table: str, *query: dict[str, Any]) -> requests.Response:
    body = {"query": list(query), "response": {"format": "json-stat2"}}
    return requests.post(f"{server.url}/fi/StatFin/{table}.px", json=body, timeout=TIMEOUT)


def test_metadata_from_the_recorded_columns(pxweb_server: PxWebServer) -> None:
    meta = requests.get(f"{pxweb_server.url}/fi/StatFin/14ww.px", timeout=TIMEOUT).json()
    area, time, content = meta["variables"]
    assert area["code"] == "alue_23_20250101" and len(area["values"]) == 420
    texts = dict(zip(area["values"], area["valueTexts"], strict=True))
    assert texts["KU091"] == "Helsinki" and texts["MK01"] == "Uusimaa"
    assert time == {"code": "timeperiod_y", "text": "Vuosi", "values": ["2024"],
                    "valueTexts": ["2024"], "time": True}  # fmt: skip
    assert content["code"] == "contentscode"
    labels = dict(zip(content["values"], content["valueTexts"], strict=True))
    assert labels["tjt-ekvikturaha_med"] == (
        "Käytettävissä oleva rahatulo kulutusyksikköä kohden, mediaani"
    )
    swedish = requests.get(f"{pxweb_server.url}/sv/StatFin/14ww.px", timeout=TIMEOUT)
    assert swedish.status_code == 404 and "not recorded" in swedish.json()["error"]


def test_income_and_job_seekers_of_helsinki(pxweb_server: PxWebServer) -> None:
    income = post(
        pxweb_server,
        "14ww",
        item("alue_23_20250101", "SSS", "KU091"),
        item("timeperiod_y", "1", kind="top"),
        item("contentscode", "tjt-ekvikturaha_med", "gini_kturaha"),
    ).json()
    assert income["value"] == [30523, 28.4, 33525, 34.5]
    assert income["role"] == {
        "time": ["timeperiod_y"],
        "geo": ["alue_23_20250101"],
        "metric": ["contentscode"],
    }
    assert income["updated"] == "2025-12-16T06:00:00Z"
    assert income["dimension"]["contentscode"]["category"]["unit"]["gini_kturaha"]["decimals"] == 1
    seekers = post(
        pxweb_server,
        "12r5",
        item("Alue", "KU091"),
        item("timeperiod_m", "2026M06"),
        item("Tiedot", "TYOTTOMATLOPUSSA", "TYOTOSUUS"),
    ).json()
    assert seekers["value"] == [52578, 14.2]
    assert seekers["role"]["time"] == ["timeperiod_m"]


def test_missing_value_symbols_stay_symbols(pxweb_server: PxWebServer) -> None:
    _, contents, parsed = read_json_format(STATFIN / "statfin_14ww_json_2024_all_areas.json")
    row = next(r for r in parsed["rows"] if r["alue_23_20250101"] == "KU020")
    symbol_codes = [c["code"] for c in contents if row[c["code"]] == "..."]
    assert symbol_codes, "the recorded row of Akaa has a '...' cell"
    dataset = post(
        pxweb_server,
        "14ww",
        item("alue_23_20250101", "KU020"),
        item("timeperiod_y", "2024"),
        item("contentscode", symbol_codes[0]),
    ).json()
    assert dataset["value"] == [None] and dataset["status"] == {"0": "..."}


def test_unrecorded_period_is_501_not_invented(pxweb_server: PxWebServer) -> None:
    response = post(
        pxweb_server,
        "11re",
        item("alue_23_20260101", "KU049"),
        item("ikaryhma_10_20180101", "SSS"),
        item("sukupuoli_9_20180101", "SSS"),
        item("timeperiod_y", "2024"),
        item("contentscode", "vaerak-vaesto"),
    )
    assert response.status_code == 501
    assert response.json()["error"].startswith("not recorded: 11re: 1 of 1 cells")


def test_11re_joins_the_json_file_and_the_recorded_series(pxweb_server: PxWebServer) -> None:
    both = post(
        pxweb_server,
        "11re",
        item("alue_23_20260101", "KU091"),
        item("ikaryhma_10_20180101", "SSS"),
        item("sukupuoli_9_20180101", "SSS", "1", "2"),
        item("timeperiod_y", "2025"),
        item("contentscode", "vaerak-vaesto"),
    ).json()
    assert both["value"] == [694392, 331843, 362549]
    series = post(
        pxweb_server,
        "11re",
        item("alue_23_20260101", "KU091"),
        item("ikaryhma_10_20180101", "SSS"),
        item("sukupuoli_9_20180101", "SSS"),
        item("timeperiod_y", "5", kind="top"),
        item("contentscode", "vaerak-vaesto"),
    ).json()
    assert series["dimension"]["timeperiod_y"]["category"]["index"] == {
        "2021": 0, "2022": 1, "2023": 2, "2024": 3, "2025": 4
    }  # fmt: skip
    assert series["value"][-1] == 694392


def test_key_is_read_by_column_not_by_position(tmp_path: Path) -> None:
    """121w puts the year first; a file whose columns are reordered is read the same."""
    original = STATFIN / "statfin_121w_json_2025_all_municipalities.json"
    table = table_from_json("121w", original)
    helsinki_births = table.cells[("2025", "KU091", "ssaaty-vm01")][0]
    data = json.loads(original.read_bytes())
    dims = [c for c in data["columns"] if c["type"] in ("d", "t")]
    contents = [c for c in data["columns"] if c["type"] == "c"]
    data["columns"] = [dims[1], dims[0], *contents]  # area first, then year
    for row in data["data"]:
        row["key"] = [row["key"][1], row["key"][0]]
    swapped = tmp_path / "121w.json"
    swapped.write_text(json.dumps(data), encoding="utf-8")
    reread = table_from_json("121w", swapped)
    assert reread.cells[("KU091", "2025", "ssaaty-vm01")][0] == helsinki_births
    assert int(helsinki_births) > 5000


def test_a_row_that_does_not_fit_its_columns_names_the_file(tmp_path: Path) -> None:
    data = json.loads((STATFIN / "statfin_135z_json_national.json").read_bytes())
    data["data"][0]["key"] = ["2026M06", "extra"]
    broken = tmp_path / "135z.json"
    broken.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(JsonFormatError, match=r"135z.json: data\[0\] has 2 key"):
        read_json_format(broken)


@pytest.mark.parametrize(
    ("wanted", "codes", "expected"),
    [
        ("perhlkm", ["perh-perhlkm", "perh-lapsiperh"], "perh-perhlkm"),
        ("perh-perhlkm", ["perhlkm", "lapsiperh"], "perhlkm"),
        ("vaesto", ["vaerak-vaesto", "vaesto_keski_ika"], "vaerak-vaesto"),
        ("vaesto_keski_ika", ["vaerak-vaesto", "vaesto_keski_ika"], "vaesto_keski_ika"),
        ("tjt-gini_kturaha", ["tjt-ekvikturaha_med", "gini_kturaha"], "gini_kturaha"),
        ("nothing", ["vaerak-vaesto"], None),
    ],
)
def test_content_codes_match_with_or_without_prefix(
    wanted: str, codes: list[str], expected: str | None
) -> None:
    problems: list[str] = []
    assert content_code_match(wanted, codes, problems, "spec") == expected
    assert problems == []


def test_a_code_matching_two_prefixed_codes_is_an_error() -> None:
    problems: list[str] = []
    codes = ["vaerak-vaesto", "ssaaty-vaesto"]
    assert content_code_match("vaesto", codes, problems, "datasets/x.yaml") is None
    assert problems == [
        "datasets/x.yaml: 'vaesto' matches 2 content codes: vaerak-vaesto, ssaaty-vaesto; "
        "write the one meant in full"
    ]
