"""The shared HTTP client against the local PxWeb emulator's fault modes (127.0.0.1 only)."""

from __future__ import annotations

import socket
import time

import pytest

from kuntadata import USER_AGENT
from kuntadata.errors import FetchError, SourceUnreachable
from kuntadata.sources.http import HttpClient


class FakeSleep:
    """Records requested sleeps instead of sleeping, so Retry-After tests run fast."""

    def __init__(self) -> None:
        self.calls: list[float] = []

    def __call__(self, seconds: float) -> None:
        self.calls.append(seconds)


def client(**kwargs) -> tuple[HttpClient, FakeSleep]:
    sleep = FakeSleep()
    return HttpClient(sleep=sleep, read_timeout=kwargs.pop("read_timeout", 5.0), **kwargs), sleep


def config_url(server) -> str:
    return f"{server.url}/fi/?config"


def test_user_agent_names_the_project(pxweb_server) -> None:
    http, _ = client()
    assert http.get(config_url(pxweb_server)).json()["maxCalls"] == 40
    assert pxweb_server.requests[-1].headers["User-Agent"] == USER_AGENT
    assert USER_AGENT.startswith("kuntadata/") and "+http" in USER_AGENT


def test_429_honours_retry_after_then_succeeds(pxweb_server) -> None:
    pxweb_server.faults.add("429", times=2, retry_after=7)
    http, sleep = client()
    assert http.get(config_url(pxweb_server)).json()["maxCells"] == 120000
    assert sleep.calls == [7.0, 7.0]
    assert http.calls == 3 and http.retries == 2


def test_503_retries_with_backoff_then_gives_a_clear_error(pxweb_server) -> None:
    pxweb_server.faults.add("503", times=10)
    http, sleep = client(max_attempts=3, backoff_seconds=0.5)
    with pytest.raises(FetchError) as caught:
        http.get(config_url(pxweb_server), what="StatFin limits")
    message = str(caught.value)
    assert "StatFin limits failed: HTTP 503 (gave up after 3 attempts)" in message
    assert f"URL: {config_url(pxweb_server)}" in message
    assert "HTTP status: 503" in message
    assert "What to do: the service has a problem; try again later" in message
    assert sleep.calls == [0.5, 1.0]


def test_slow_response_times_out_and_is_retried(pxweb_server) -> None:
    pxweb_server.faults.add("slow", times=1, delay=1.5)
    http, sleep = client(read_timeout=0.5)
    assert http.get(config_url(pxweb_server)).json()["timeWindow"] == 60
    assert len(sleep.calls) == 1


def test_truncated_json_is_detected_not_parsed(pxweb_server) -> None:
    pxweb_server.faults.add("truncated", times=5)
    http, _ = client(max_attempts=2)
    with pytest.raises(FetchError, match="the JSON body is truncated or malformed"):
        http.get(f"{pxweb_server.url}/fi/StatFin/12c1.px")


def test_html_page_where_json_was_expected(pxweb_server) -> None:
    pxweb_server.faults.add("html", times=5)
    http, _ = client(max_attempts=2)
    with pytest.raises(FetchError) as caught:
        http.get(f"{pxweb_server.url}/fi/StatFin/12c1.px")
    assert "answered with an HTML page where JSON was expected" in str(caught.value)
    assert 'Body starts: "<!DOCTYPE html>' in str(caught.value)


def test_truncated_once_then_good_answer_succeeds(pxweb_server) -> None:
    pxweb_server.faults.add("truncated", times=1)
    http, _ = client()
    metadata = http.get(f"{pxweb_server.url}/fi/StatFin/12c1.px").json()
    assert metadata["variables"][0]["text"] == "Vuosi"


def test_unreachable_host_is_found_fast_and_marked_offline() -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    url = f"http://127.0.0.1:{port}/PxWeb/api/v1/fi/?config"
    http, sleep = client()
    started = time.perf_counter()
    with pytest.raises(SourceUnreachable, match=r"cannot connect to 127\.0\.0\.1"):
        http.get(url)
    with pytest.raises(SourceUnreachable, match="was unreachable earlier in this run"):
        http.get(url.replace("?config", "StatFin/12c1.px"))
    assert time.perf_counter() - started < 2
    assert http.calls == 1 and sleep.calls == []


def test_throttle_keeps_to_the_call_window(pxweb_server) -> None:
    now = [0.0]
    sleeps: list[float] = []

    def sleep(seconds: float) -> None:
        sleeps.append(seconds)
        now[0] += seconds

    http = HttpClient(sleep=sleep, clock=lambda: now[0])
    http.set_rate_limit(pxweb_server.url, 3, 10.0)
    for _ in range(7):
        http.get(config_url(pxweb_server))
    # 3 calls per 10 s published; waited 2 % + 0.1 s longer (tests/test_rate_limits.py)
    assert sleeps == [pytest.approx(10.3), pytest.approx(10.3)]


def test_a_large_body_is_streamed_in_chunks_and_kept_whole(httpserver) -> None:
    """The Treasury catalogue (~13 MB) is read as it arrives; the bytes kept are the whole
    body, byte for byte."""
    from kuntadata.sources import http as http_module

    body = b"[" + b",".join(b'{"n":%d}' % n for n in range(300_000)) + b"]"
    assert len(body) > 2 * http_module.STREAM_CHUNK
    httpserver.expect_request("/catalogue").respond_with_data(body, content_type="application/json")
    client = HttpClient(sleep=lambda _: None)
    seen: list[bool] = []
    real = client.session.request

    def request(*args, **kwargs):
        seen.append(kwargs.get("stream", False))
        return real(*args, **kwargs)

    client.session.request = request  # type: ignore[method-assign]
    response = client.get(httpserver.url_for("/catalogue"), stream=True, what="catalogue")
    assert seen == [True]
    assert response.content == body and response.json()[-1] == {"n": 299_999}
