"""Shared pytest set-up: the local emulators as fixtures, and browser tests that cannot hide.

With the environment variable `CI` set (GitHub Actions sets it; so does `CI=true bash .ci/run`),
a `browser`-marked test fails instead of skipping when Debian's Chromium is not on PATH:
a green CI run must mean the pages were really driven in a browser.
"""

from __future__ import annotations

import os
import shutil

import pytest

pytest_plugins = ["pxweb_server", "sotkanet_server", "file_server"]


def pytest_runtest_setup(item: pytest.Item) -> None:
    """Runs before the test's fixtures, so it fails before a module fixture would skip."""
    browser = item.get_closest_marker("browser") is not None
    if browser and os.environ.get("CI") and shutil.which("chromium") is None:
        pytest.fail(
            "CI is set, so browser tests must run, but `chromium` is not on PATH; "
            "install Debian's chromium (`apt-get install chromium`; bash .ci/run does it)",
            pytrace=False,
        )
