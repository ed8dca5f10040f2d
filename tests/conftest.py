"""Shared pytest set-up: the local emulators as fixtures, and browser tests that cannot hide.

Each emulator lives with its source (`kuntadata/sources/<source>/testing`); here it becomes a
fixture that starts a fresh one per test and stops it afterwards.

With the environment variable `CI` set (GitHub Actions sets it; so does `CI=true bash .ci/run`),
a `browser`-marked test fails instead of skipping when Debian's Chromium is not on PATH:
a green CI run must mean the pages were really driven in a browser.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator

import pytest

from kuntadata.sources.files.testing import FileServer
from kuntadata.sources.sotkanet.testing import SotkanetServer
from kuntadata.sources.statfin.testing import PxWebServer


@pytest.fixture
def pxweb_server() -> Iterator[PxWebServer]:
    """A fresh StatFin emulator per test (own limits, faults, request log), stopped afterwards."""
    with PxWebServer() as server:
        yield server


@pytest.fixture
def sotkanet_server() -> Iterator[SotkanetServer]:
    """A fresh Sotkanet emulator per test (own settings, faults and request log)."""
    with SotkanetServer() as server:
        yield server


@pytest.fixture
def file_server() -> Iterator[FileServer]:
    """A fresh file mirror per test: serves the files a test adds under their URLs' paths."""
    with FileServer() as server:
        yield server


def pytest_runtest_setup(item: pytest.Item) -> None:
    """Runs before the test's fixtures, so it fails before a module fixture would skip."""
    browser = item.get_closest_marker("browser") is not None
    if browser and os.environ.get("CI") and shutil.which("chromium") is None:
        pytest.fail(
            "CI is set, so browser tests must run, but `chromium` is not on PATH; "
            "install Debian's chromium (`apt-get install chromium`; bash .ci/run does it)",
            pytrace=False,
        )
