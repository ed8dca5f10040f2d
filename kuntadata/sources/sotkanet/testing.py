"""A local emulator of THL's Sotkanet REST API 1.1, for tests and snapshot seeding.

It serves real recordings only (tests/fixtures/sotkanet/, see tests/fixtures/README.md): the region
lists of 2015 (complete, server byte stream) and 2026 (5 cities + 2 regions), the indicator
list of 2015, the metadata of indicators 186, 322, 5527, 5529, 4559 and 4461, and the data
rows recorded for 127, 171 and 5513 (JSON) and 127 in 2009 (CSV). A request for anything not
recorded answers 501 "not recorded", never invented values; an id that is in neither the
indicator list nor the metadata answers 404 as the real service does for an unknown id.

Behaviour of the live service that clients must cope with is emulated: 403 without a real
User-Agent, 400 for comma-separated years, faults (429 with Retry-After, 503, an HTML error
page, a truncated body, a slow answer) and suppressed values (a row without `value`).

Use the ``sotkanet_server`` fixture (tests/conftest.py), or run
``python -m kuntadata.sources.sotkanet.testing --port 8766``.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

from ..testing import Faults, LocalEmulator, fault_answer, read_fixture, realdata_dir

PREFIX = "/rest/1.1"
JSON_TYPE = "application/json;charset=UTF-8"
CSV_TYPE = "text/csv;charset=UTF-8"
REGIONS = {
    "2026": "sotkanet_regions_2026_trimmed_7.json",
    "2015": "sotkanet_regions_2015_raw_server_format.json",
}
METADATA_FILE = "sotkanet_indicator_metadata_6_indicators.json"
INDICATOR_LIST = "sotkanet_indicators_list_2015_raw_server_format.json"
JSON_DATA = {  # (indicator, years asked) → recorded response
    ("127", ("2023",)): "sotkanet_json_ind127_2023_5cities.json",
    ("127", ("2019", "2023")): "sotkanet_json_ind127_2019_2023_5cities.json",
    ("171", ("2019", "2023")): "sotkanet_json_ind171_2019_2023_5cities_absValue.json",
    ("5513", ("2023",)): "sotkanet_json_ind5513_2023_5cities_absValue.json",
}
CSV_DATA = {("127", ("2009",)): "sotkanet_csv_ind127_2009_all_regions.csv"}


@dataclass
class Answer:
    status: int
    body: bytes
    content_type: str = JSON_TYPE
    headers: dict[str, str] = field(default_factory=dict)
    replayed: str = ""  # the real file the body came from, for provenance


@dataclass(frozen=True)
class Received:
    path: str
    query: dict[str, list[str]]
    user_agent: str


class SotkanetServer(LocalEmulator):
    """Settings are attributes: ``regions`` ("2026" or "2015"), ``suppressed`` (a set of
    (indicator, region id, year) served without a value), ``faults`` (see
    ``kuntadata.sources.testing.Faults``), ``requests`` (every request received),
    ``replayed`` (URL path+query → real file)."""

    def __init__(self, host: str = "127.0.0.1", port: int = 0, realdata: Path | None = None):
        self.realdata = (realdata or realdata_dir()) / "sotkanet"
        self.regions = "2026"
        self.suppressed: set[tuple[int, int, int]] = set()
        self.faults = Faults()
        self.requests: list[Received] = []
        self.replayed: dict[str, str] = {}
        self._lock = threading.Lock()
        self._metadata = json.loads((self.realdata / METADATA_FILE).read_bytes())["indicators"]
        self._listed: set[str] | None = None
        self._listen(host, port)
        self.url = f"http://{self.host}:{self.port}{PREFIX}"

    def calls(self, path_contains: str = "") -> list[Received]:
        return [r for r in list(self.requests) if path_contains in r.path]

    def answer(self, target: str, user_agent: str) -> Answer:
        url = urlsplit(target)
        query = parse_qs(url.query, keep_blank_values=True)
        with self._lock:
            self.requests.append(Received(url.path, query, user_agent))
        if not user_agent or user_agent.startswith("python-requests"):
            return Answer(403, b"Forbidden", "text/plain;charset=UTF-8")
        fault = self.faults.take("GET", url.path)
        if fault and fault.mode == "slow":
            self._stopping.wait(fault.delay)
        if fault and fault.mode in ("429", "503", "html"):
            return fault_answer(Answer, fault.mode, fault.retry_after)
        answer = self._route(url.path, query)
        if answer.replayed:
            with self._lock:
                self.replayed[f"{url.path}?{url.query}"] = answer.replayed
        if fault and fault.mode == "truncated":
            answer.body = answer.body[: len(answer.body) // 2]
        return answer

    def _route(self, path: str, query: dict[str, list[str]]) -> Answer:
        if not path.startswith(PREFIX):
            return _error(404, "Not found")
        parts = [p for p in path[len(PREFIX) :].split("/") if p]
        if parts == ["regions"]:
            return self._file(REGIONS[self.regions], JSON_TYPE)
        if parts == ["indicators"]:
            return self._file(INDICATOR_LIST, JSON_TYPE)
        if len(parts) == 2 and parts[0] == "indicators":
            return self._indicator(parts[1])
        if parts in (["json"], ["csv"]):
            return self._data(parts[0], query)
        return _error(404, "Not found")

    def _indicator(self, indicator_id: str) -> Answer:
        if indicator_id in self._metadata:
            # The harvester stored each /indicators/{id} answer and added `indicator_id`.
            body = {k: v for k, v in self._metadata[indicator_id].items() if k != "indicator_id"}
            text = json.dumps(body, ensure_ascii=False, separators=(",", ":"))
            return Answer(200, text.encode("utf-8"), JSON_TYPE, replayed=METADATA_FILE)
        if indicator_id in self._indicator_ids():
            return _error(501, f"not recorded: metadata of indicator {indicator_id}")
        return _error(404, f"Indicator {indicator_id} not found")

    def _indicator_ids(self) -> set[str]:
        if self._listed is None:
            listing = json.loads(read_fixture(self.realdata / INDICATOR_LIST))
            self._listed = {str(item["id"]) for item in listing} | {"5513"}
        return self._listed

    def _data(self, fmt: str, query: dict[str, list[str]]) -> Answer:
        indicator = (query.get("indicator") or [""])[0]
        years = query.get("years") or []
        if not indicator or not years or any("," in y for y in years):
            return _error(400, "Bad request: indicator and repeated years= are required")
        if indicator not in self._indicator_ids() and indicator not in self._metadata:
            return _error(404, f"Indicator {indicator} not found")
        if query.get("genders", ["total"]) != ["total"]:
            return _error(501, "not recorded: genders other than total")
        wanted = tuple(sorted(set(years)))
        table = JSON_DATA if fmt == "json" else CSV_DATA
        name = table.get((indicator, wanted))
        if name is None and fmt == "json":
            return self._subset(indicator, wanted)
        if name is None:
            return _error(501, f"not recorded: {fmt} for indicator {indicator} {wanted}")
        answer = self._file(name, JSON_TYPE if fmt == "json" else CSV_TYPE)
        if self.suppressed and fmt == "json":
            answer.body = self._suppress(json.loads(answer.body))
        return answer

    def _subset(self, indicator: str, wanted: tuple[str, ...]) -> Answer:
        """Rows of a larger recording for fewer years: real rows, filtered, compact JSON."""
        for (ind, years), name in JSON_DATA.items():
            if ind == indicator and set(wanted) <= set(years):
                rows = json.loads((self.realdata / name).read_bytes())
                kept = [r for r in rows if str(r["year"]) in wanted]
                return Answer(200, self._suppress(kept), JSON_TYPE, replayed=name)
        return _error(501, f"not recorded: json for indicator {indicator} years {wanted}")

    def _suppress(self, rows: list[dict[str, Any]]) -> bytes:
        for row in rows:
            if (row["indicator"], row["region"], row["year"]) in self.suppressed:
                row.pop("value", None)
                row.pop("absValue", None)
        return json.dumps(rows, separators=(",", ":")).encode("utf-8")

    def _file(self, name: str, content_type: str) -> Answer:
        return Answer(200, read_fixture(self.realdata / name), content_type, replayed=name)


def _error(status: int, message: str) -> Answer:
    return Answer(status, json.dumps({"error": message}).encode("utf-8"))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Serve the Sotkanet REST 1.1 emulator.")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8766)
    parser.add_argument("--regions", choices=sorted(REGIONS), default="2026")
    args = parser.parse_args(argv)
    server = SotkanetServer(args.host, args.port)
    server.regions = args.regions
    with server:
        print(server.url, flush=True)
        with contextlib.suppress(KeyboardInterrupt):
            threading.Event().wait()


if __name__ == "__main__":
    main()
