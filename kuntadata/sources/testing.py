"""What the sources' local emulators share: the recorded fixtures' folder and fault injection.

Each source's `testing` module (`kuntadata/sources/<source>/testing`) is a local emulator of
its API on 127.0.0.1 that serves only real recorded files from `tests/fixtures/` (see its
README). They are imported by tests (fixtures registered in tests/conftest.py), the seeding
scripts and the benchmarks, never by a stage: nothing here is used by `build.py`.
"""

from __future__ import annotations

import gzip
import os
import threading
from collections.abc import Callable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parent.parent.parent
FIXTURES_DIR = REPO_ROOT / "tests" / "fixtures"
FAULT_MODES = ("429", "503", "slow", "truncated", "html", "changed_codes")
HTML_ERROR_PAGE = (
    "<!DOCTYPE html><html lang='fi'><head><title>Palvelussa on häiriö</title></head>"
    "<body><h1>Palvelussa on tilapäinen häiriö</h1><p>Yritä myöhemmin uudelleen.</p></body></html>"
)


def realdata_dir() -> Path:
    """Where the real recorded files live: `tests/fixtures/` (copies that travel with the
    repository, see its README), or the folder named by `KUNTADATA_REALDATA`."""
    return Path(os.environ.get("KUNTADATA_REALDATA") or FIXTURES_DIR)


def find_fixture(path: Path) -> Path | None:
    """The recorded file as given, or its gzip-compressed copy `NAME.gz` (None when neither
    exists): files over 1 MiB travel compressed so the repository stays small."""
    for candidate in (path, path.with_name(path.name + ".gz")):
        if candidate.is_file():
            return candidate
    return None


def read_fixture(path: Path) -> bytes:
    """The recorded file's own bytes, decompressed when only `NAME.gz` exists, so every
    reader (emulators, tests, scripts) sees exactly what was recorded."""
    found = find_fixture(path)
    if found is None:
        raise FileNotFoundError(f"recorded file not found: {path} (nor {path.name}.gz)")
    data = found.read_bytes()
    return gzip.decompress(data) if found != path else data


@dataclass
class Fault:
    """A fault for the next ``remaining`` matching calls (optionally only one method/path)."""

    mode: str
    remaining: int
    retry_after: float = 1
    delay: float = 2.0
    method: str | None = None
    path_contains: str | None = None

    def matches(self, method: str, path: str) -> bool:
        method_ok = self.method is None or self.method.upper() == method
        return method_ok and (self.path_contains is None or self.path_contains in path)


class Faults:
    """Queue of faults; each call takes the first fault that matches it, in the order added.

    Example: ``server.faults.add("429", times=2, retry_after=1)`` makes the next two calls
    answer 429 with ``Retry-After: 1``; ``faults.add("slow", delay=3, method="POST")`` delays
    the next POST by 3 s. Each emulator answers the modes its API can show.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._queue: list[Fault] = []

    def add(
        self,
        mode: str,
        times: int = 1,
        *,
        retry_after: float = 1,
        delay: float = 2.0,
        method: str | None = None,
        path_contains: str | None = None,
    ) -> Fault:
        if mode not in FAULT_MODES:
            raise ValueError(f"fault mode must be one of {FAULT_MODES}, not {mode!r}")
        fault = Fault(mode, times, retry_after, delay, method, path_contains)
        with self._lock:
            self._queue.append(fault)
        return fault

    def clear(self) -> None:
        with self._lock:
            self._queue.clear()

    @property
    def pending(self) -> list[Fault]:
        with self._lock:
            return [f for f in self._queue if f.remaining > 0]

    def take(self, method: str, path: str) -> Fault | None:
        with self._lock:
            for fault in self._queue:
                if fault.remaining > 0 and fault.matches(method, path):
                    fault.remaining -= 1
                    return fault
        return None


def fault_answer(make: Callable[..., Any], mode: str, retry_after: float) -> Any:
    """The answer of a 429, 503 or HTML-error fault, built with the emulator's answer type
    `make(status, body, content_type, headers)`."""
    if mode == "429":
        header = str(int(retry_after)) if float(retry_after).is_integer() else str(retry_after)
        return make(429, b"Too many requests", "text/plain", {"Retry-After": header})
    if mode == "503":
        return make(503, b"Service Unavailable", "text/plain")
    return make(200, HTML_ERROR_PAGE.encode("utf-8"), "text/html; charset=utf-8")


class QuietHttpServer(ThreadingHTTPServer):
    """A threaded local server that never makes a test wait when it stops, and stays quiet
    when a client that timed out hangs up (expected in fault tests). `api` answers."""

    daemon_threads = True
    block_on_close = False
    api: Any

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A client that timed out and hung up is expected in fault tests; stay quiet."""


class GetHandler(BaseHTTPRequestHandler):
    """GET only: `server.api.answer(path, user_agent)` gives status, body, content type and
    headers; keep-alive like the real services."""

    protocol_version = "HTTP/1.1"
    server: QuietHttpServer

    def do_GET(self) -> None:
        answer = self.server.api.answer(self.path, self.headers.get("User-Agent", ""))
        try:
            self.send_response(answer.status)
            self.send_header("Content-Type", answer.content_type)
            self.send_header("Content-Length", str(len(answer.body)))
            for name, value in answer.headers.items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(answer.body)
        except OSError:
            self.close_connection = True

    def log_message(self, format: str, *args: Any) -> None:
        """Silent: tests assert on ``server.requests``."""


class LocalEmulator:
    """Start, stop and `with` for a GET-only emulator on 127.0.0.1: a subclass calls
    `self._listen(host, port)` in its `__init__` and answers in `answer(path, user_agent)`."""

    def _listen(self, host: str, port: int) -> None:
        self._stopping = threading.Event()  # wakes handlers that wait ("slow" faults)
        self._httpd = QuietHttpServer((host, port), GetHandler)
        self._httpd.api = self
        self.host, self.port = self._httpd.server_address[:2]

    def start(self) -> Any:
        threading.Thread(target=self._httpd.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        self._stopping.set()
        self._httpd.shutdown()
        self._httpd.server_close()

    def __enter__(self) -> Any:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
