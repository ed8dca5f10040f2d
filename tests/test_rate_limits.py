"""Rate limits with margin (issue 12, part 7), against the local PxWeb emulator on 127.0.0.1.

The emulator counts every call it receives against `maxCalls` per `timeWindow`, from when it
received the call, as the live server does. A client that sent exactly when its own window
freed a slot met 429 at the window boundaries and then lost time on retries; these tests
use a small window (5 calls / 2 s) so the real-time fetch stays a few seconds long.
"""

from __future__ import annotations

import math
import time
from pathlib import Path

import pytest
from project import make_project

from kuntadata.areas import load_areas
from kuntadata.config import load_site_config
from kuntadata.errors import FetchError
from kuntadata.fetch import fetch_datasets
from kuntadata.package import AREAS_DIR
from kuntadata.paths import ProjectPaths
from kuntadata.sources.http import WINDOW_MARGIN, WINDOW_PAD_SECONDS, HttpClient
from kuntadata.spec import load_dataset_specs

MAX_CALLS, WINDOW = 5, 2


class FakeTime:
    """A clock that only moves when the client sleeps: the sleeps are the client's waits."""

    def __init__(self) -> None:
        self.now = 0.0
        self.sleeps: list[float] = []

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


def config_url(server) -> str:
    return f"{server.url}/fi/?config"


def test_whole_fetch_meets_no_429_and_takes_about_the_minimum(
    pxweb_server, monkeypatch, tmp_path: Path
) -> None:
    """families from table 12c1 in 2 000-cell queries: 1 ?config + 3 metadata + 11 POSTs."""
    pxweb_server.config.update(maxCalls=MAX_CALLS, timeWindow=WINDOW, maxCells=2000, maxValues=2000)
    monkeypatch.setenv("KUNTADATA_STATFIN_URL", pxweb_server.url)
    paths = ProjectPaths(make_project(tmp_path, ("families",)))
    config = load_site_config(paths.site_config)
    specs = load_dataset_specs(paths.datasets)
    areas = load_areas(paths.raw / AREAS_DIR)
    client = HttpClient()
    started = time.perf_counter()
    summary = fetch_datasets(paths, config, specs, areas, client=client, report=lambda _: None)
    seconds = time.perf_counter() - started
    assert [o.status for o in summary.outcomes] == ["fetched"]
    assert client.calls == len(pxweb_server.requests) == 15
    assert client.rate_limited == 0 and client.retries == 0
    # The server's own view: never more than 5 calls received within any 2 s.
    received = [r.time for r in pxweb_server.requests]
    for first, later in zip(received, received[MAX_CALLS:], strict=False):
        assert later - first > WINDOW
    windows = math.ceil(client.calls / MAX_CALLS) - 1  # calls 6 and 11 open a new window
    minimum = windows * WINDOW  # 4 s
    margin = windows * (WINDOW * WINDOW_MARGIN + WINDOW_PAD_SECONDS)  # 0.28 s
    assert minimum <= seconds <= minimum + margin + 1.0, seconds  # before: 6-9 s


def test_retry_after_is_waited_exactly_and_nothing_more(pxweb_server) -> None:
    """The server said when: the retry goes then, not after our own window on top of it."""
    fake = FakeTime()
    http = HttpClient(sleep=fake.sleep, clock=fake.clock)
    http.set_rate_limit(pxweb_server.url, 2, 10.0)
    http.get(config_url(pxweb_server))
    pxweb_server.faults.add("429", times=1, retry_after=1)  # the 2nd call; our window is full
    assert http.get(config_url(pxweb_server)).json()["maxCalls"] == 40
    assert fake.sleeps == [1.0]
    assert http.rate_limited == 1 and http.retries == 1 and http.calls == 3


def test_429_without_retry_after_waits_for_the_window_not_a_short_backoff(pxweb_server) -> None:
    """The server's window is full whatever ours says: wait until our oldest call leaves it."""
    pxweb_server.config.update(maxCalls=2, timeWindow=60)
    fake = FakeTime()
    http = HttpClient(sleep=fake.sleep, clock=fake.clock, max_attempts=2, backoff_seconds=1.0)
    http.set_rate_limit(pxweb_server.url, 5, 10.0)
    http.get(config_url(pxweb_server))
    http.get(config_url(pxweb_server))
    with pytest.raises(FetchError, match=r"HTTP 429 \(gave up after 2 attempts\)"):
        http.get(config_url(pxweb_server))
    assert fake.sleeps == [pytest.approx(10.0 * (1 + WINDOW_MARGIN) + WINDOW_PAD_SECONDS)]
    assert http.rate_limited == 2


def test_window_is_counted_longer_than_published(pxweb_server) -> None:
    """5 calls / 2 s published: the 6th call waits 2.14 s from the first answer, not 2 s."""
    fake = FakeTime()
    http = HttpClient(sleep=fake.sleep, clock=fake.clock)
    http.set_rate_limit(pxweb_server.url, MAX_CALLS, WINDOW)
    for _ in range(11):
        http.get(config_url(pxweb_server))
    assert fake.sleeps == [pytest.approx(2.14), pytest.approx(2.14)]
