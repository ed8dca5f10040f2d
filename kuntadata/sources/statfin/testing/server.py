"""A local emulator of the StatFin PxWeb API v1, for tests, snapshot seeding and benchmarks.

It serves real data only: table 12c1 computed from the real PX file; tables 11re, 11ra, 121w,
14ww, 12bs, 12r5, 12ti and 135z from the real whole-country responses recorded in PxWeb's
`json` format (`json_tables.py` beside this; recorded 11re json-stat2 queries replayed byte
for byte); the vaerak listing replayed (anything not recorded answers 501, never invented
values). Limits, errors and faults behave like the live server (APIS.md §1.4, §1.8), so the
client's throttling, retries and variable resolution are tested against something honest.

Use the ``pxweb_server`` fixture in tests (tests/conftest.py), or run
``python -m kuntadata.sources.statfin.testing --port 8765``.
"""

from __future__ import annotations

import argparse
import json
import threading
import time
from collections import deque
from collections.abc import Mapping
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from requests.structures import CaseInsensitiveDict

from ...testing import FAULT_MODES, HTML_ERROR_PAGE, Fault, Faults, realdata_dir
from .json_tables import JSON_TABLES, json_table
from .px_tables import (
    PARAMETER_ERROR,
    VARIABLE_CODE_MODES,
    ApiError,
    compact_json,
    table_11re,
    table_12c1,
)

__all__ = ["FAULT_MODES", "HTML_ERROR_PAGE", "Faults", "PxWebServer", "RecordedRequest"]

API_PREFIX = "/PxWeb/api/v1/"
LANGUAGES = ("fi", "sv", "en")
DEFAULT_CONFIG: dict[str, Any] = {
    "maxValues": 120000,
    "maxCells": 120000,
    "maxCalls": 40,
    "timeWindow": 60,
    "CORS": True,
}
JSON_TYPE = "application/json; charset=utf-8"


@dataclass(frozen=True)
class RecordedRequest:
    """One request as received, so tests can count calls and check headers and bodies."""

    method: str
    path: str
    query: str
    json: Any
    headers: CaseInsensitiveDict[str]
    body: bytes
    time: float


@dataclass
class Response:
    status: int
    body: bytes
    content_type: str = JSON_TYPE
    headers: dict[str, str] = field(default_factory=dict)


class PxWebServer:
    """The emulator. Settings are plain attributes, changeable while it runs:

    - ``config``: the ``?config`` answer, also the limits enforced (maxCells, maxCalls, ...)
    - ``variable_codes``: "2026" (default), "pre2026" (Alue/Vuosi/...) or "changed"
    - ``status_cells``: {(area code, period, content code): symbol} published as missing
    - ``faults``: see ``Faults``; ``requests``: every ``RecordedRequest`` received
    """

    def __init__(self, host: str = "127.0.0.1", port: int = 0, realdata: Path | None = None):
        self.config: dict[str, Any] = dict(DEFAULT_CONFIG)
        self.variable_codes = "2026"
        self.status_cells: dict[tuple[str, str, str], str] = {}
        self.faults = Faults()
        self.requests: list[RecordedRequest] = []
        self.realdata = realdata or realdata_dir()
        self._calls: deque[float] = deque()
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._httpd = _HttpServer((host, port), _Handler)
        self._httpd.api = self
        self.host, self.port = self._httpd.server_address[:2]
        self.url = f"http://{self.host}:{self.port}/PxWeb/api/v1"
        self._thread: threading.Thread | None = None

    def start(self) -> PxWebServer:
        table_12c1(self.variable_codes)  # parse the PX before the first request is timed
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stopping.set()  # wakes "slow" handlers
        self._httpd.shutdown()
        self._httpd.server_close()

    def __enter__(self) -> PxWebServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def calls(self, method: str | None = None, path_contains: str = "") -> list[RecordedRequest]:
        """Recorded requests filtered by method and a path substring."""
        return [
            r
            for r in list(self.requests)
            if (method is None or r.method == method) and path_contains in r.path
        ]

    def answer(self, method: str, target: str, body: bytes, headers: Mapping[str, str]) -> Response:
        """Everything except the socket: record, fault, rate-limit, route."""
        url = urlsplit(target)
        request = RecordedRequest(
            method=method,
            path=url.path,
            query=url.query,
            json=_parse_json(body),
            headers=CaseInsensitiveDict(headers),
            body=body,
            time=time.time(),
        )
        with self._lock:
            self.requests.append(request)
        over_limit = self._count_call()
        fault = self.faults.take(method, url.path)
        mode = fault.mode if fault else None
        if mode == "slow":
            self._stopping.wait(fault.delay)
        if mode in ("429", "503", "html"):
            return _fault_response(fault)
        if over_limit:
            return Response(429, b"Too many requests", "text/plain; charset=utf-8")
        codes = "changed" if mode == "changed_codes" else self.variable_codes
        try:
            response = self._route(method, url.path, url.query, request.json, codes)
        except ApiError as error:
            response = Response(error.status, compact_json(error.body))
        except Exception as error:  # a bug here must show in the test, not as a dropped socket
            response = Response(500, compact_json({"error": f"emulator error: {error!r}"}))
        if mode == "truncated":
            response.body = response.body[: len(response.body) // 2]
        return response

    def _count_call(self) -> bool:
        """Every call counts toward the window, rejected ones and ``?config`` included."""
        now = time.monotonic()
        with self._lock:
            while self._calls and self._calls[0] <= now - float(self.config["timeWindow"]):
                self._calls.popleft()
            self._calls.append(now)
            return len(self._calls) > int(self.config["maxCalls"])

    def _route(self, method: str, path: str, query: str, body: Any, codes: str) -> Response:
        if not path.startswith(API_PREFIX):
            raise ApiError(404, {"error": "Not found"})
        lang, *levels = [part for part in path[len(API_PREFIX) :].split("/") if part] or [""]
        if lang not in LANGUAGES:
            raise ApiError(404, {"error": f"Language '{lang}' not found"})
        if not levels:
            if "config" in query.split("&"):
                return _ok(self.config)
            raise ApiError(501, {"error": f"not recorded: database list /{lang}/"})
        if levels[0] != "StatFin":
            raise ApiError(404, {"error": "Not found"})
        if levels[-1].endswith(".px"):
            return self._table(method, lang, levels[1:], body, codes)
        if method == "GET" and levels[1:] == ["vaerak"] and lang == "fi":
            listing = self.realdata / "statfin" / "statfin_vaerak_table_list_get_fi.json"
            return _ok(json.loads(listing.read_text("utf-8")))
        raise ApiError(501, {"error": f"not recorded: {method} {path}"})

    def _table(self, method: str, lang: str, levels: list[str], body: Any, codes: str) -> Response:
        *folders, file_name = levels
        table_id = file_name[: -len(".px")]
        if method not in ("GET", "POST"):
            raise ApiError(405, {"error": "Method not allowed"})
        # The long pre-migration id works only while the old codes are served.
        long_12c1 = table_id == "statfin_perh_pxt_12c1" and codes == "pre2026"
        if (table_id == "12c1" or long_12c1) and folders in ([], ["perh"]):
            table = table_12c1(codes)
            if method == "GET":
                return _ok(table.metadata(lang))
            max_cells = int(self.config["maxCells"])
            return _ok(table.query(body, lang, max_cells, dict(self.status_cells)))
        recorded_cells = json_table(table_id, str(self.realdata / "statfin"))
        if recorded_cells is None or folders not in ([], [JSON_TABLES[table_id][1]]):
            raise ApiError(400, PARAMETER_ERROR)
        if method == "GET":
            return _ok(recorded_cells.metadata(lang))
        max_cells = int(self.config["maxCells"])
        if table_id == "11re":  # a recorded json-stat2 query is replayed byte for byte
            replay = table_11re(str(self.realdata / "statfin")).replay(body, lang, max_cells)
            if replay is not None:
                return _ok(replay)
        return _ok(recorded_cells.query(body, lang, max_cells))


def _ok(data: Any) -> Response:
    return Response(200, compact_json(data))


def _parse_json(body: bytes) -> Any:
    if not body:
        return None
    try:
        return json.loads(body)
    except ValueError:
        return None


def _fault_response(fault: Fault) -> Response:
    retry_after = fault.retry_after
    header = str(int(retry_after)) if float(retry_after).is_integer() else str(retry_after)
    if fault.mode == "429":
        text = b"Too many requests"
        return Response(429, text, "text/plain; charset=utf-8", {"Retry-After": header})
    if fault.mode == "503":
        return Response(503, b"Service Unavailable", "text/plain; charset=utf-8")
    return Response(200, HTML_ERROR_PAGE.encode("utf-8"), "text/html; charset=utf-8")


class _HttpServer(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False  # a "slow" handler must not hold up the end of a test
    api: PxWebServer

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A client that timed out and hung up is expected in fault tests; stay quiet."""


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, like the real server
    disable_nagle_algorithm = True  # headers and body go out in two writes; avoid a 40 ms stall
    server: _HttpServer

    def do_GET(self) -> None:
        self._serve("GET")

    def do_POST(self) -> None:
        self._serve("POST")

    def do_PUT(self) -> None:
        self._serve("PUT")

    def do_DELETE(self) -> None:
        self._serve("DELETE")

    def _serve(self, method: str) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        response = self.server.api.answer(method, self.path, body, dict(self.headers.items()))
        try:
            self.send_response(response.status)
            self.send_header("Content-Type", response.content_type)
            self.send_header("Content-Length", str(len(response.body)))
            if self.server.api.config.get("CORS"):
                self.send_header("Access-Control-Allow-Origin", "*")
            for name, value in response.headers.items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(response.body)
        except OSError:  # the client gave up (timeout test); nothing to answer
            self.close_connection = True

    def log_message(self, format: str, *args: Any) -> None:
        """Silent: tests assert on ``server.requests`` instead of reading a log."""


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Serve the StatFin PxWeb API v1 emulator.")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--variable-codes", choices=VARIABLE_CODE_MODES, default="2026")
    parser.add_argument("--max-calls", type=int, default=DEFAULT_CONFIG["maxCalls"])
    parser.add_argument("--time-window", type=int, default=DEFAULT_CONFIG["timeWindow"])
    args = parser.parse_args(argv)
    server = PxWebServer(args.host, args.port)
    server.variable_codes = args.variable_codes
    server.config.update(maxCalls=args.max_calls, timeWindow=args.time_window)
    with server:
        print(server.url, flush=True)
        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            pass


if __name__ == "__main__":
    main()
