#!/usr/bin/env python3
"""Lighthouse (mobile) scores of the built site, served gzip-compressed like GitHub Pages.

Prints, per page, the four category scores (performance, accessibility, best practices, SEO)
and the metrics that decide performance on a phone: total blocking time, largest contentful
paint, cumulative layout shift, and the bytes transferred. Targets (issue 11): performance
≥ 0.95 and TBT ≤ 200 ms on the municipality, indicator and home pages.

Lighthouse comes from npm (pinned: 12.2.3 runs on Node 20) and is installed on first use into
bench/.lighthouse/ (git-ignored); Chrome is Debian's Chromium (`apt-get install chromium`),
since Lighthouse's own browser download does not work offline.

    python3 build.py --offline package site      # first
    python3 bench/lighthouse.py                    # the three default pages
    python3 bench/lighthouse.py /fi/kunta/297-kuopio/ --runs 3
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LIGHTHOUSE_VERSION = "12.2.3"
INSTALL_DIR = ROOT / "bench" / ".lighthouse"
DEFAULT_PAGES = ("/fi/kunta/091-helsinki/", "/fi/indikaattori/population/", "/fi/")
COMPRESSED = {".html", ".css", ".js", ".json", ".csv", ".svg", ".xml", ".txt", ".jsonld"}
CHROME_FLAGS = "--headless --no-sandbox --disable-gpu --disable-background-networking"


class GzipHandler(SimpleHTTPRequestHandler):
    """Static files with `Content-Encoding: gzip` for text types, as GitHub Pages sends them."""

    def send_head(self):  # type: ignore[override]
        path = Path(self.translate_path(self.path))
        if path.is_dir():
            path = path / "index.html"
        accepts = "gzip" in self.headers.get("Accept-Encoding", "")
        if not (accepts and path.suffix in COMPRESSED and path.is_file()):
            return super().send_head()
        body = gzip.compress(path.read_bytes(), compresslevel=6)
        self.send_response(200)
        self.send_header("Content-Type", self.guess_type(str(path)))
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "max-age=600")
        self.end_headers()
        return _BytesFile(body)

    def log_message(self, format: str, *args: object) -> None:
        """Quiet: the figures are the output."""


class _BytesFile:
    def __init__(self, data: bytes) -> None:
        self.data = data

    def read(self, *_: object) -> bytes:
        data, self.data = self.data, b""
        return data

    def close(self) -> None:
        pass


def lighthouse_cli() -> Path:
    """The pinned Lighthouse CLI, installed from npm on first use."""
    cli = INSTALL_DIR / "node_modules" / "lighthouse" / "cli" / "index.js"
    if not cli.is_file():
        INSTALL_DIR.mkdir(parents=True, exist_ok=True)
        print(f"installing lighthouse@{LIGHTHOUSE_VERSION} from npm into {INSTALL_DIR}")
        subprocess.run(
            ["npm", "install", "--no-audit", "--no-fund", "-E", f"lighthouse@{LIGHTHOUSE_VERSION}"],
            cwd=INSTALL_DIR,
            check=True,
        )
    return cli


def run_lighthouse(cli: Path, url: str, chrome: str) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "report.json"
        subprocess.run(
            [
                "node",
                str(cli),
                url,
                "--quiet",
                "--output=json",
                f"--output-path={out}",
                f"--chrome-flags={CHROME_FLAGS}",
            ],
            check=True,
            env={**os.environ, "CHROME_PATH": chrome},
        )
        return json.loads(out.read_text("utf-8"))


def figures(report: dict) -> dict[str, float]:
    categories = report["categories"]
    audits = report["audits"]
    return {
        "performance": categories["performance"]["score"],
        "accessibility": categories["accessibility"]["score"],
        "best-practices": categories["best-practices"]["score"],
        "seo": categories["seo"]["score"],
        "TBT ms": audits["total-blocking-time"]["numericValue"],
        "LCP s": audits["largest-contentful-paint"]["numericValue"] / 1000,
        "CLS": audits["cumulative-layout-shift"]["numericValue"],
        "KB transferred": audits["total-byte-weight"]["numericValue"] / 1024,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("pages", nargs="*", default=list(DEFAULT_PAGES))
    parser.add_argument("--site", type=Path, default=ROOT / "_site")
    parser.add_argument("--runs", type=int, default=1, help="runs per page; the median is shown")
    args = parser.parse_args(argv)
    chrome = shutil.which("chromium") or shutil.which("chromium-browser")
    if not chrome:
        print("error: Debian's chromium is needed: apt-get install -y chromium", file=sys.stderr)
        return 2
    if not (args.site / "index.html").is_file():
        print(f"error: no built site at {args.site}; run `python3 build.py site`", file=sys.stderr)
        return 2
    cli = lighthouse_cli()
    handler = partial(GzipHandler, directory=str(args.site))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    print(f"Lighthouse {LIGHTHOUSE_VERSION}, mobile preset, gzip, {args.runs} run(s) per page")
    try:
        for page in args.pages:
            runs = [figures(run_lighthouse(cli, base + page, chrome)) for _ in range(args.runs)]
            median = {key: statistics.median(r[key] for r in runs) for key in runs[0]}
            shown = "  ".join(
                f"{key} {value:.2f}" if value < 10 else f"{key} {value:.0f}"
                for key, value in median.items()
            )
            print(f"{page}\n  {shown}")
    finally:
        server.shutdown()
    return 0


if __name__ == "__main__":
    sys.exit(main())
