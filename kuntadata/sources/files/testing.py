"""A local mirror for URL file sources: serves real files under `/{host}{path}` of their URL.

The file source fetches `{KUNTADATA_FILES_URL}/{host}{path}` when that variable is set (see
`adapter.mirror_url`), so a spec keeps its canonical address and tests and the seeding script
replay the real recorded file from 127.0.0.1. Anything not registered answers 404; `faults`
(see `kuntadata.sources.testing.Faults`) give 503 and HTML error pages. Use the
``file_server`` fixture (tests/conftest.py).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlsplit

from ..testing import HTML_ERROR_PAGE, Faults, LocalEmulator, read_fixture


@dataclass
class Answer:
    status: int
    body: bytes
    content_type: str
    headers: dict[str, str] = field(default_factory=dict)


class FileServer(LocalEmulator):
    def __init__(self, host: str = "127.0.0.1", port: int = 0) -> None:
        self.files: dict[str, Path] = {}
        self.faults = Faults()
        self.requests: list[str] = []
        self._listen(host, port)
        self.url = f"http://{self.host}:{self.port}"

    def add(self, url: str, real_file: Path) -> str:
        """Serve `real_file` for the canonical `url`; returns the mirror URL it is served at."""
        parts = urlsplit(url)
        key = unquote(f"/{parts.netloc}{parts.path}")
        self.files[key] = real_file
        return f"{self.url}/{parts.netloc}{parts.path}"

    def answer(self, target: str, user_agent: str = "") -> Answer:
        path = unquote(urlsplit(target).path)
        self.requests.append(path)
        fault = self.faults.take("GET", path)
        if fault and fault.mode == "503":
            return Answer(503, b"Service Unavailable", "text/plain")
        if fault and fault.mode == "html":
            return Answer(200, HTML_ERROR_PAGE.encode("utf-8"), "text/html; charset=utf-8")
        real = self.files.get(path)
        if real is None:
            return Answer(404, b"Not found", "text/plain")
        return Answer(200, read_fixture(real), "application/octet-stream")
