"""A local mirror for URL file sources: serves real files under `/{host}{path}` of their URL.

The file source fetches `{KUNTADATA_FILES_URL}/{host}{path}` when that variable is set (see
`adapter.mirror_url`), so a spec keeps its canonical address and tests and the seeding script
replay the real recorded file from 127.0.0.1. Anything not registered answers 404; `faults`
(see `kuntadata.sources.testing.Faults`) give 503 and HTML error pages. Use the
``file_server`` fixture (tests/conftest.py).
"""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from ..testing import HTML_ERROR_PAGE, Faults, read_fixture


class FileServer:
    def __init__(self, host: str = "127.0.0.1", port: int = 0) -> None:
        self.files: dict[str, Path] = {}
        self.faults = Faults()
        self.requests: list[str] = []
        self._httpd = _HttpServer((host, port), _Handler)
        self._httpd.api = self
        self.host, self.port = self._httpd.server_address[:2]
        self.url = f"http://{self.host}:{self.port}"

    def add(self, url: str, real_file: Path) -> str:
        """Serve `real_file` for the canonical `url`; returns the mirror URL it is served at."""
        parts = urlsplit(url)
        key = unquote(f"/{parts.netloc}{parts.path}")
        self.files[key] = real_file
        return f"{self.url}/{parts.netloc}{parts.path}"

    def start(self) -> FileServer:
        threading.Thread(target=self._httpd.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()

    def __enter__(self) -> FileServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def answer(self, target: str) -> tuple[int, bytes, str]:
        path = unquote(urlsplit(target).path)
        self.requests.append(path)
        fault = self.faults.take("GET", path)
        if fault and fault.mode == "503":
            return 503, b"Service Unavailable", "text/plain"
        if fault and fault.mode == "html":
            return 200, HTML_ERROR_PAGE.encode("utf-8"), "text/html; charset=utf-8"
        real = self.files.get(path)
        if real is None:
            return 404, b"Not found", "text/plain"
        return 200, read_fixture(real), "application/octet-stream"


class _HttpServer(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False
    api: FileServer


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _HttpServer

    def do_GET(self) -> None:
        status, body, content_type = self.server.api.answer(self.path)
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        """Silent: tests assert on ``server.requests``."""
