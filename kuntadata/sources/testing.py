"""What the sources' local emulators share: the recorded fixtures' folder and fault injection.

Each source's `testing` module (`kuntadata/sources/<source>/testing`) is a local emulator of
its API on 127.0.0.1 that serves only real recorded files from `tests/fixtures/` (see its
README). They are imported by tests (fixtures registered in tests/conftest.py), the seeding
scripts and the benchmarks, never by a stage: nothing here is used by `build.py`.
"""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass
from pathlib import Path

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
