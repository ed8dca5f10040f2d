"""The PxWeb emulator answers like the live StatFin API (shapes from the recorded files)."""

from __future__ import annotations

import json
from typing import Any

import pytest
import requests

from kuntadata.sources.statfin.testing import PxWebServer
from kuntadata.sources.testing import realdata_dir

STATFIN = realdata_dir() / "statfin"
AREA, YEAR, FAMILY, CONTENT = (
    "alue_23_20230101",
    "timeperiod_y",
    "perhetyyppi_1_20230101",
    "contentscode",
)
TIMEOUT = 10


def recorded(name: str) -> Any:
    return json.loads((STATFIN / name).read_text("utf-8"))


def item(code: str, *values: str, kind: str = "item") -> dict[str, Any]:
    return {"code": code, "selection": {"filter": kind, "values": list(values)}}


def body(*selections: dict[str, Any]) -> dict[str, Any]:
    return {"query": list(selections), "response": {"format": "json-stat2"}}


def post(server: PxWebServer, query: dict[str, Any], path: str = "/fi/StatFin/12c1.px") -> Any:
    return requests.post(server.url + path, json=query, timeout=TIMEOUT)


def cell(dataset: dict[str, Any], **codes: str) -> tuple[Any, Any]:
    """Value and status of one cell, decoded from json-stat2 row-major order."""
    index = 0
    for dim, size in zip(dataset["id"], dataset["size"], strict=True):
        index = index * size + dataset["dimension"][dim]["category"]["index"][codes[dim]]
    return dataset["value"][index], dataset.get("status", {}).get(str(index))


HELSINKI_2022 = body(item(AREA, "KU091"), item(YEAR, "2022"), item(CONTENT, "perhlkm", "perhkoko"))


def test_config(pxweb_server: PxWebServer) -> None:
    response = requests.get(pxweb_server.url + "/fi/?config", timeout=TIMEOUT)
    assert response.json() == {
        "maxValues": 120000,
        "maxCells": 120000,
        "maxCalls": 40,
        "timeWindow": 60,
        "CORS": True,
    }
    assert response.text.startswith('{"maxValues":120000,')


def test_metadata_shape_matches_the_recording(pxweb_server: PxWebServer) -> None:
    reference = recorded("statfin_11re_metadata_get_fi.json")
    meta = requests.get(pxweb_server.url + "/fi/StatFin/12c1.px", timeout=TIMEOUT).json()
    assert meta.keys() == reference.keys()
    allowed = {key for v in reference["variables"] for key in v}
    assert all(set(v) <= allowed for v in meta["variables"])
    assert [v["code"] for v in meta["variables"]] == [YEAR, AREA, FAMILY, CONTENT]
    year, area, _, content = meta["variables"]
    assert year["time"] is True and "elimination" not in year
    assert area["map"] == "Alue 2023" and area["elimination"] is True
    assert len(area["values"]) == 551 and len(year["values"]) == 17
    assert len(content["values"]) == 16 and content["values"][0] == "perhlkm"
    assert area["valueTexts"][area["values"].index("KU091")] == "Helsinki"


@pytest.mark.parametrize(
    ("lang", "area_text", "helsinki"),
    [("fi", "Alue", "Helsinki"), ("sv", "Område", "Helsingfors"), ("en", "Area", "Helsinki")],
)
def test_metadata_languages(
    pxweb_server: PxWebServer, lang: str, area_text: str, helsinki: str
) -> None:
    url = f"{pxweb_server.url}/{lang}/StatFin/perh/12c1.px"  # the folder level is optional
    area = requests.get(url, timeout=TIMEOUT).json()["variables"][1]
    assert area["text"] == area_text
    assert area["valueTexts"][area["values"].index("KU091")] == helsinki


def test_jsonstat2_structure_matches_recorded_responses(pxweb_server: PxWebServer) -> None:
    reference = recorded("statfin_11re_jsonstat2_3cities_2025.json")
    query = body(item(AREA, "KU091"), item(YEAR, "2022"), item(CONTENT, "perhlkm", "lapsiperhe"))
    response = post(pxweb_server, query)
    assert response.status_code == 200
    assert b"\n" not in response.content and b'": ' not in response.content  # compact
    dataset = response.json()
    assert list(dataset) == list(reference)
    ref_area = reference["dimension"]["alue_23_20260101"]
    assert list(dataset["dimension"][AREA]) == list(ref_area)
    assert list(dataset["dimension"][AREA]["category"]) == list(ref_area["category"])
    ref_content = reference["dimension"]["contentscode"]
    assert list(dataset["dimension"][CONTENT]["category"]) == list(ref_content["category"])
    assert list(dataset["dimension"][CONTENT]["extension"]) == list(ref_content["extension"])
    assert list(dataset["extension"]) == list(reference["extension"])
    assert list(dataset["extension"]["px"]) == list(reference["extension"]["px"])
    assert dataset["role"] == {"time": [YEAR], "geo": [AREA], "metric": [CONTENT]}


def test_jsonstat2_values_and_metadata(pxweb_server: PxWebServer) -> None:
    dataset = post(pxweb_server, HELSINKI_2022).json()
    assert dataset["id"] == [YEAR, AREA, CONTENT] and dataset["size"] == [1, 1, 2]
    assert dataset["value"] == [161417, 2.66]
    assert dataset["updated"] == "2023-06-16T05:00:00Z"
    assert dataset["source"] == "Tilastokeskus, perheet"
    units = dataset["dimension"][CONTENT]["category"]["unit"]
    assert units["perhlkm"] == {"base": "Lukumäärä", "decimals": 0}
    assert units["perhkoko"] == {"base": "Suhdeluku", "decimals": 2}
    assert dataset["extension"]["px"]["tableid"] == "12c1"
    assert dataset["extension"]["px"]["stub"] == [YEAR, AREA]
    assert "status" not in dataset


def test_whole_country_2006(pxweb_server: PxWebServer) -> None:
    dataset = post(pxweb_server, body(item(AREA, "SSS"), item(YEAR, "2006"))).json()
    assert cell(dataset, **{YEAR: "2006", AREA: "SSS", CONTENT: "perhlkm"}) == (1431376, None)
    assert dataset["size"] == [1, 1, 16]  # contents omitted and not eliminable: all come back


def test_swedish_labels(pxweb_server: PxWebServer) -> None:
    dataset = post(pxweb_server, HELSINKI_2022, "/sv/StatFin/12c1.px").json()
    assert dataset["dimension"][AREA]["label"] == "Område"
    assert dataset["dimension"][AREA]["category"]["label"] == {"KU091": "Helsingfors"}
    assert dataset["extension"]["px"]["language"] == "sv"


def test_categories_in_table_order(pxweb_server: PxWebServer) -> None:
    query = body(item(AREA, "KU092", "KU091", "SSS"), item(YEAR, "2022"), item(CONTENT, "perhlkm"))
    dataset = post(pxweb_server, query).json()
    assert dataset["dimension"][AREA]["category"]["index"] == {"SSS": 0, "KU091": 1, "KU092": 2}


def test_top_filter_gives_the_last_periods(pxweb_server: PxWebServer) -> None:
    top = post(pxweb_server, body(item(AREA, "KU091"), item(YEAR, "3", kind="top"))).json()
    assert list(top["dimension"][YEAR]["category"]["index"]) == ["2020", "2021", "2022"]
    listed = post(pxweb_server, body(item(AREA, "KU091"), item(YEAR, "2020", "2021", "2022")))
    assert listed.json()["value"] == top["value"]


def test_all_filter_with_prefix_and_suffix(pxweb_server: PxWebServer) -> None:
    query = body(
        item(AREA, "MK*", kind="all"), item(YEAR, "2022"), item(CONTENT, "*_a18", kind="all")
    )
    dataset = post(pxweb_server, query).json()
    assert dataset["size"] == [1, 19, 3]
    codes = list(dataset["dimension"][CONTENT]["category"]["index"])
    assert codes == ["hloperh_a18", "perhkoko_a18", "perhlkm_a18"]


def test_omitted_eliminable_variable_disappears(pxweb_server: PxWebServer) -> None:
    dataset = post(pxweb_server, body(item(YEAR, "2006"), item(CONTENT, "perhlkm"))).json()
    assert dataset["id"] == [YEAR, CONTENT]
    assert dataset["value"] == [1431376]
    assert "geo" not in dataset["role"]


def test_elimination_flag_follows_the_selection(pxweb_server: PxWebServer) -> None:
    only_helsinki = post(pxweb_server, body(item(AREA, "KU091"), item(FAMILY, "SSS"))).json()
    assert only_helsinki["dimension"][AREA]["extension"] == {"elimination": False, "show": "value"}
    assert only_helsinki["dimension"][FAMILY]["extension"] == {
        "elimination": True,
        "eliminationValueCode": "SSS",
        "show": "value",
    }
    with_total = post(pxweb_server, body(item(AREA, "SSS", "KU091"))).json()
    assert with_total["dimension"][AREA]["extension"]["eliminationValueCode"] == "SSS"


def test_too_many_cells_is_403(pxweb_server: PxWebServer) -> None:
    everything = body(item(AREA, "*", kind="all"))  # 17 x 551 x 16 = 149 872 cells
    response = post(pxweb_server, everything)
    assert response.status_code == 403
    assert response.json() == {"error": "Too many values selected"}
    pxweb_server.config["maxCells"] = 16
    assert post(pxweb_server, body(item(AREA, "SSS"), item(YEAR, "2022"))).status_code == 200
    assert (
        post(pxweb_server, body(item(AREA, "SSS"), item(YEAR, "2021", "2022"))).status_code == 403
    )


def test_unknown_value_code_is_400(pxweb_server: PxWebServer) -> None:
    response = post(pxweb_server, body(item(AREA, "KU999")))
    assert response.status_code == 400
    assert response.json() == {
        "error": f"The request for variable '{AREA}' has an error. Please check your query."
    }


def test_unknown_variable_or_table_is_parameter_error(pxweb_server: PxWebServer) -> None:
    old_code = post(pxweb_server, body(item("Alue", "KU091")))
    assert (old_code.status_code, old_code.json()) == (400, {"error": "Parameter error"})
    unknown = post(pxweb_server, HELSINKI_2022, "/fi/StatFin/zzzz.px")
    assert (unknown.status_code, unknown.json()) == (400, {"error": "Parameter error"})
    long_id = post(pxweb_server, HELSINKI_2022, "/fi/StatFin/perh/statfin_perh_pxt_12c1.px")
    assert long_id.status_code == 400


def test_pre2026_codes(pxweb_server: PxWebServer) -> None:
    pxweb_server.variable_codes = "pre2026"
    meta = requests.get(
        pxweb_server.url + "/fi/StatFin/perh/statfin_perh_pxt_12c1.px", timeout=TIMEOUT
    ).json()
    assert [v["code"] for v in meta["variables"]] == ["Vuosi", "Alue", "Perhetyyppi", "Tiedot"]
    old = body(item("Alue", "KU091"), item("Vuosi", "2022"), item("Tiedot", "perhlkm"))
    assert post(pxweb_server, old).json()["value"] == [161417]
    assert post(pxweb_server, HELSINKI_2022).status_code == 400


def test_changed_vintage_stamp(pxweb_server: PxWebServer) -> None:
    pxweb_server.variable_codes = "changed"
    meta = requests.get(pxweb_server.url + "/fi/StatFin/12c1.px", timeout=TIMEOUT).json()
    assert meta["variables"][1]["code"] == "alue_23_20270101"
    assert post(pxweb_server, HELSINKI_2022).json() == {"error": "Parameter error"}


def test_status_cells_are_null_with_a_symbol(pxweb_server: PxWebServer) -> None:
    pxweb_server.status_cells[("KU091", "2022", "perhlkm")] = ".."
    dataset = post(pxweb_server, HELSINKI_2022).json()
    assert dataset["value"] == [None, 2.66]
    assert dataset["status"] == {"0": ".."}


def test_rate_limit_counts_config_calls(pxweb_server: PxWebServer) -> None:
    pxweb_server.config.update(maxCalls=3, timeWindow=60)
    statuses = [
        requests.get(pxweb_server.url + "/fi/?config", timeout=TIMEOUT).status_code,
        post(pxweb_server, HELSINKI_2022).status_code,
        post(pxweb_server, HELSINKI_2022).status_code,
        post(pxweb_server, HELSINKI_2022).status_code,
    ]
    assert statuses == [200, 200, 200, 429]


def test_fault_429_with_retry_after(pxweb_server: PxWebServer) -> None:
    pxweb_server.faults.add("429", times=2, retry_after=2)
    first, second, third = (post(pxweb_server, HELSINKI_2022) for _ in range(3))
    assert (first.status_code, first.headers["Retry-After"]) == (429, "2")
    assert second.status_code == 429
    assert third.json()["value"] == [161417, 2.66]


def test_fault_503_only_on_post(pxweb_server: PxWebServer) -> None:
    pxweb_server.faults.add("503", method="POST")
    assert requests.get(pxweb_server.url + "/fi/?config", timeout=TIMEOUT).status_code == 200
    assert post(pxweb_server, HELSINKI_2022).status_code == 503
    assert post(pxweb_server, HELSINKI_2022).status_code == 200


def test_fault_slow(pxweb_server: PxWebServer) -> None:
    pxweb_server.faults.add("slow", delay=1.5)
    with pytest.raises(requests.exceptions.ReadTimeout):
        requests.post(pxweb_server.url + "/fi/StatFin/12c1.px", json=HELSINKI_2022, timeout=0.3)
    assert post(pxweb_server, HELSINKI_2022).status_code == 200


def test_fault_truncated(pxweb_server: PxWebServer) -> None:
    pxweb_server.faults.add("truncated")
    response = post(pxweb_server, HELSINKI_2022)
    assert response.status_code == 200
    with pytest.raises(ValueError):
        response.json()
    assert response.content.startswith(b'{"version":"2.0"')


def test_fault_html(pxweb_server: PxWebServer) -> None:
    pxweb_server.faults.add("html")
    response = post(pxweb_server, HELSINKI_2022)
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/html")
    assert response.text.startswith("<!DOCTYPE html>")


def test_fault_changed_codes_for_one_call(pxweb_server: PxWebServer) -> None:
    pxweb_server.faults.add("changed_codes")
    url = pxweb_server.url + "/fi/StatFin/12c1.px"
    first = requests.get(url, timeout=TIMEOUT).json()["variables"][1]["code"]
    second = requests.get(url, timeout=TIMEOUT).json()["variables"][1]["code"]
    assert (first, second) == ("alue_23_20270101", AREA)


def test_requests_are_recorded(pxweb_server: PxWebServer) -> None:
    headers = {"User-Agent": "kuntadata-test/1"}
    url = pxweb_server.url + "/fi/StatFin/12c1.px"
    requests.post(url, json=HELSINKI_2022, headers=headers, timeout=TIMEOUT)
    (recorded_request,) = pxweb_server.calls("POST", "12c1")
    assert recorded_request.headers["user-agent"] == "kuntadata-test/1"
    assert recorded_request.json == HELSINKI_2022
    assert recorded_request.path == "/PxWeb/api/v1/fi/StatFin/12c1.px"


# --- table 11re: recorded responses only ---------------------------------------------------

RE_AREA, RE_AGE, RE_SEX = "alue_23_20260101", "ikaryhma_10_20180101", "sukupuoli_9_20180101"


def test_11re_metadata_replayed(pxweb_server: PxWebServer) -> None:
    url = pxweb_server.url + "/{}/StatFin/11re.px"
    assert requests.get(url.format("fi"), timeout=TIMEOUT).json() == recorded(
        "statfin_11re_metadata_get_fi.json"
    )
    assert (
        requests.get(url.format("en"), timeout=TIMEOUT).json()["variables"][0]["valueTexts"][0]
        == "WHOLE COUNTRY"
    )
    swedish = requests.get(url.format("sv"), timeout=TIMEOUT)
    assert swedish.status_code == 404 and "not recorded" in swedish.json()["error"]


def test_11re_replay_by_cells_not_by_text(pxweb_server: PxWebServer) -> None:
    reference = recorded("statfin_11re_jsonstat2_KU091_2021-2025.json")
    assert reference["value"][-1] == 694392  # Helsinki 31.12.2025
    fixed = (item(RE_AREA, "KU091"), item(RE_AGE, "SSS"), item(RE_SEX, "SSS"))
    by_top = post(pxweb_server, body(*fixed, item(YEAR, "5", kind="top")), "/fi/StatFin/11re.px")
    years = item(YEAR, "2025", "2024", "2023", "2022", "2021")
    by_items = post(pxweb_server, body(*fixed, years), "/fi/StatFin/vaerak/11re.px")
    assert by_top.json() == by_items.json() == reference
    assert by_top.json()["value"][-1] == 694392


def test_11re_three_cities(pxweb_server: PxWebServer) -> None:
    query = body(
        item(RE_AREA, "KU091", "KU092", "KU049"),
        item(RE_AGE, "SSS"),
        item(RE_SEX, "SSS"),
        item(YEAR, "1", kind="top"),
    )
    dataset = post(pxweb_server, query, "/fi/StatFin/11re.px").json()
    assert dataset["value"] == [325716, 694392, 252956]


def test_11re_unrecorded_query_is_501(pxweb_server: PxWebServer) -> None:
    query = body(item(RE_AREA, "KU049"), item(RE_AGE, "SSS"), item(RE_SEX, "SSS"))
    response = post(pxweb_server, query, "/fi/StatFin/11re.px")
    assert response.status_code == 501
    assert response.json()["error"].startswith("not recorded: 11re")
    bad = post(pxweb_server, body(item(RE_AREA, "KU000")), "/fi/StatFin/11re.px")
    assert bad.status_code == 400


def test_vaerak_table_list(pxweb_server: PxWebServer) -> None:
    listing = requests.get(pxweb_server.url + "/fi/StatFin/vaerak", timeout=TIMEOUT).json()
    assert listing == recorded("statfin_vaerak_table_list_get_fi.json")
    assert listing[0]["id"] == "11ra.px"
