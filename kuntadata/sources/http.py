"""The one polite HTTP client every source adapter uses.

Why one client: the services limit calls per time window (StatFin publishes its limits at
`?config`), so throttling, retries and the User-Agent must be the same everywhere. It also
finds out fast when a host cannot be reached at all (no network, DNS failure): the first
connection error marks the host offline and every later call fails at once, so an offline
build falls back to snapshots in seconds instead of a timeout per query.

Why the throttle keeps a margin: the service counts a call from when *it* received it, and a
call that arrives a moment before the oldest one leaves its window is refused with 429 (and
counted all the same). A client that sends exactly when its own window frees a slot meets
429 at every window boundary. So each call is stamped when its answer came back (never
earlier than the server's own stamp, whatever the network latency), and the window is
counted slightly longer than published (`WINDOW_MARGIN`, `WINDOW_PAD_SECONDS`) for the
server's timestamp granularity and clock drift.
"""

from __future__ import annotations

import email.utils
import json
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

import requests

from .. import USER_AGENT
from ..errors import FetchError, SourceUnreachable

RETRY_STATUSES = {429, 500, 502, 503, 504}
MAX_RETRY_AFTER = 120.0
WINDOW_MARGIN = 0.02  # the window counted 2 % longer than published ...
WINDOW_PAD_SECONDS = 0.1  # ... plus a fixed pad: a 60 s window is waited as 61.3 s, 2 s as 2.14 s


@dataclass
class Response:
    """What a call returned, with the exact bytes kept for the snapshot."""

    url: str
    method: str
    status: int
    content: bytes
    headers: dict[str, str]
    body: Any = None
    fetched_at: str = ""

    def json(self) -> Any:
        return json.loads(self.content)


class HttpClient:
    """Timeouts, a real User-Agent, a per-host call window, retries with backoff.

    `sleep` and `clock` are injectable so tests of Retry-After and throttling run fast.
    """

    def __init__(
        self,
        *,
        user_agent: str = USER_AGENT,
        connect_timeout: float = 5.0,
        read_timeout: float = 60.0,
        max_attempts: int = 4,
        backoff_seconds: float = 1.0,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.session = requests.Session()
        self.session.headers["User-Agent"] = user_agent
        self.session.headers["Accept-Encoding"] = "gzip, deflate"
        self.timeout = (connect_timeout, read_timeout)
        self.max_attempts = max_attempts
        self.backoff_seconds = backoff_seconds
        self.sleep = sleep
        self.clock = clock
        self.calls = 0
        self.retries = 0
        self.rate_limited = 0  # 429 answers met; the throttle's target is 0
        self._limits: dict[str, tuple[int, float]] = {}
        self._history: dict[str, deque[float]] = {}
        self._offline: dict[str, str] = {}
        self.remembered: dict[str, Response] = {}  # answers reused within one run (?config)

    def set_rate_limit(self, url: str, max_calls: int, window_seconds: float) -> None:
        """Allow at most `max_calls` per `window_seconds` to the host of `url` (the published
        limit; the margin is added here, so callers pass the service's own figures)."""
        span = float(window_seconds) * (1 + WINDOW_MARGIN) + WINDOW_PAD_SECONDS
        self._limits[_host(url)] = (max(1, int(max_calls)), span)

    def is_offline(self, url: str) -> bool:
        return _host(url) in self._offline

    def get(
        self, url: str, *, expect: str = "json", what: str = "", stream: bool = False
    ) -> Response:
        """GET `url`. `stream=True` reads the body in chunks as it arrives (large files such
        as the State Treasury's ~13 MB catalogue): the read timeout then bounds each wait for
        the next chunk, not the whole transfer, and a broken transfer is retried like a
        broken connection. The whole body is still kept, since the snapshot keeps it."""
        return self._request("GET", url, None, expect, what, stream=stream)

    def post_json(self, url: str, body: Any, *, what: str = "") -> Response:
        return self._request("POST", url, body, "json", what)

    def _request(
        self, method: str, url: str, body: Any, expect: str, what: str, *, stream: bool = False
    ) -> Response:
        host = _host(url)
        if host in self._offline:
            raise SourceUnreachable(
                f"{what or 'Request'} skipped: {host} was unreachable earlier in this run",
                url=url,
                hint=self._offline[host],
            )
        last_error: FetchError | None = None
        told_when = False  # the server's Retry-After was waited: it said when, so go then
        for attempt in range(1, self.max_attempts + 1):
            if not told_when:
                self._wait_for_slot(host)
            told_when = False
            self.calls += 1
            try:
                raw = self.session.request(
                    method, url, json=body, timeout=self.timeout, stream=stream
                )
                content = _read_body(raw, stream)
            except requests.exceptions.ConnectionError as exc:
                self._stamp_call(host)
                if _is_unreachable(exc):
                    hint = (
                        "check the network connection or the source URL in site.yaml / "
                        "KUNTADATA_<SOURCE>_URL; run with --offline to build from snapshots"
                    )
                    self._offline[host] = hint
                    raise SourceUnreachable(
                        f"{what or 'Request'} failed: cannot connect to {host} ({_reason(exc)})",
                        url=url,
                        hint=hint,
                    ) from exc
                last_error = FetchError(
                    f"{what or 'Request'} failed: connection broke ({_reason(exc)})", url=url
                )
                delay = self._backoff(attempt)
            except requests.exceptions.Timeout:
                self._stamp_call(host)
                last_error = FetchError(
                    f"{what or 'Request'} timed out after {self.timeout[1]:.0f} s",
                    url=url,
                    hint="the service may be overloaded; try again later",
                )
                delay = self._backoff(attempt)
            else:
                self._stamp_call(host)
                response = Response(
                    url=url,
                    method=method,
                    status=raw.status_code,
                    content=content,
                    headers=dict(raw.headers),
                    body=body,
                    fetched_at=_now(),
                )
                problem, retryable = _check(response, expect)
                if problem is None:
                    return response
                last_error = FetchError(
                    f"{what or 'Request'} failed: {problem}",
                    url=url,
                    status=response.status,
                    body=response.content,
                    hint=_hint(response.status),
                )
                if not retryable:
                    raise last_error
                retry_after = _retry_after(response.headers)
                if response.status == 429:
                    self.rate_limited += 1
                told_when = retry_after is not None
                delay = retry_after if told_when else self._backoff(attempt)
                if response.status == 429 and not told_when:
                    delay = max(delay, self._until_slot(host, full=True))
            if attempt < self.max_attempts:
                self.retries += 1
                self.sleep(min(delay, MAX_RETRY_AFTER))
        assert last_error is not None
        raise FetchError(
            f"{last_error.args[0].splitlines()[0]} (gave up after {self.max_attempts} attempts)",
            url=last_error.url,
            status=last_error.status,
            body=last_error.body_start,
            hint=last_error.hint or "try again later; the last good snapshot is kept",
        )

    def _backoff(self, attempt: int) -> float:
        return self.backoff_seconds * (2 ** (attempt - 1))

    def _wait_for_slot(self, host: str) -> None:
        """Sleep until one more call fits in the host's window (with the margin)."""
        wait = self._until_slot(host)
        if wait > 0:
            self.sleep(wait)

    def _until_slot(self, host: str, *, full: bool = False) -> float:
        """Seconds until the oldest call in the window leaves it, when the window is full.

        `full`: the server refused a call for the limit (429 without Retry-After), so its
        window is full whatever ours says: wait for our oldest call to leave it.
        """
        limit = self._limits.get(host)
        if limit is None:
            return 0.0
        max_calls, span = limit
        history = self._history.setdefault(host, deque())
        now = self.clock()
        while history and now - history[0] >= span:
            history.popleft()
        if not history or (len(history) < max_calls and not full):
            return 0.0
        return max(0.0, span - (now - history[0]))

    def _stamp_call(self, host: str) -> None:
        """Record a call when its answer came back: the server counted it no later than that."""
        if host in self._limits:
            self._history.setdefault(host, deque()).append(self.clock())


STREAM_CHUNK = 1 << 20


def _read_body(raw: requests.Response, stream: bool) -> bytes:
    """The body; streamed in 1 MiB chunks, a transfer broken midway raised as a connection
    error (retried), not as a half body."""
    if not stream:
        return raw.content
    try:
        return b"".join(raw.iter_content(chunk_size=STREAM_CHUNK))
    except requests.exceptions.ChunkedEncodingError as exc:
        raise requests.exceptions.ConnectionError(f"transfer broken: {exc}") from exc
    finally:
        raw.close()


def _check(response: Response, expect: str) -> tuple[str | None, bool]:
    """Return (problem, retryable) for a response, or (None, False) when it is usable."""
    status = response.status
    if status >= 400:
        return f"HTTP {status}", status in RETRY_STATUSES
    if expect != "json":
        return None, False
    content_type = response.headers.get("Content-Type", response.headers.get("content-type", ""))
    head = response.content[:200].lstrip().lower()
    if "html" in content_type or head.startswith((b"<!doctype", b"<html", b"<")):
        return "the service answered with an HTML page where JSON was expected", True
    try:
        json.loads(response.content)
    except ValueError as exc:
        return f"the JSON body is truncated or malformed ({exc})", True
    return None, False


def _retry_after(headers: dict[str, str]) -> float | None:
    value = next((v for k, v in headers.items() if k.lower() == "retry-after"), None)
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        parsed = email.utils.parsedate_to_datetime(value)
        return max(0.0, parsed.timestamp() - time.time()) if parsed else None


def _hint(status: int) -> str:
    if status == 429:
        return "the service's call limit was hit; wait a minute and run fetch again"
    if status == 403:
        return "the query selects too many cells; the adapter should have split it (report a bug)"
    if status in (400, 404):
        return "check the table id and the selected codes in the dataset spec"
    if status >= 500:
        return "the service has a problem; try again later"
    return ""


def _now() -> str:
    return datetime.now(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def _host(url: str) -> str:
    return urlsplit(url).netloc


def _is_unreachable(exc: requests.exceptions.ConnectionError) -> bool:
    text = repr(exc)
    markers = (
        "NameResolutionError",
        "Name or service not known",
        "Temporary failure in name resolution",
        "nodename nor servname",
        "Connection refused",
        "ConnectTimeout",
        "Network is unreachable",
        "No route to host",
        "Failed to resolve",
    )
    return isinstance(exc, requests.exceptions.ConnectTimeout) or any(m in text for m in markers)


def _reason(exc: Exception) -> str:
    text = str(exc)
    for marker in ("Connection refused", "Name or service not known", "Failed to resolve"):
        if marker in text:
            return marker
    return text[:120]
