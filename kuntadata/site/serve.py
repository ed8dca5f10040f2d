"""Preview a built site on http://127.0.0.1:<port>/ (never on a public interface).

The standard library server is enough for a static site; it answers 404s with the site's
own 404.html like GitHub Pages does, so broken links look the same locally.
"""

from __future__ import annotations

import functools
import http.server
import threading
from pathlib import Path
from typing import ClassVar

from ..errors import BuildError

HOST = "127.0.0.1"


class _Handler(http.server.SimpleHTTPRequestHandler):
    extensions_map: ClassVar[dict[str, str]] = {
        **http.server.SimpleHTTPRequestHandler.extensions_map,
        ".csv": "text/csv; charset=utf-8",
        ".js": "text/javascript; charset=utf-8",
        ".json": "application/json",
        ".html": "text/html; charset=utf-8",
        ".xml": "application/xml",
    }

    def send_error(self, code: int, message: str | None = None, explain: str | None = None):
        page = Path(self.directory) / "404.html"
        if code == 404 and page.exists():
            body = page.read_bytes()
            self.send_response(404)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(body)
            return
        super().send_error(code, message, explain)

    def log_message(self, format: str, *args: object) -> None:
        """Quiet by default: tests and previews do not need a line per request."""


def make_server(directory: Path, port: int = 8000) -> http.server.ThreadingHTTPServer:
    """A server bound to 127.0.0.1 (port 0 picks a free port; see `server.server_port`)."""
    if not (directory / "index.html").exists():
        raise BuildError(f"{directory}: no built site here; run `python build.py site` first")
    handler = functools.partial(_Handler, directory=str(directory))
    return http.server.ThreadingHTTPServer((HOST, port), handler)


def serve(directory: Path, port: int = 8000) -> None:
    """Serve `directory` until interrupted (Ctrl+C)."""
    server = make_server(directory, port)
    print(f"Serving {directory} at http://{HOST}:{server.server_port}/ (Ctrl+C stops)")
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


def serve_in_thread(directory: Path, port: int = 0) -> tuple[http.server.ThreadingHTTPServer, str]:
    """Start a background server (tests): returns the server and its base URL."""
    server = make_server(directory, port)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    return server, f"http://{HOST}:{server.server_port}/"
