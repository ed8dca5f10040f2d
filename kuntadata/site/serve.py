"""Preview a built site on http://127.0.0.1:<port>/ (never on a public interface).

The standard library server is enough for a static site; it answers 404s with the site's
own 404.html like GitHub Pages does, so broken links look the same locally.
"""

from __future__ import annotations

import errno
import functools
import http.server
import threading
from pathlib import Path
from typing import ClassVar

from ..errors import BuildError

HOST = "127.0.0.1"
MAX_PORT = 65535


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
    """A server bound to 127.0.0.1 (port 0 picks a free port; see `server.server_port`).

    A port that is taken, not a port number, or reserved for root is a BuildError naming the
    port and what to use instead, not an OSError traceback.
    """
    if isinstance(port, bool) or not isinstance(port, int) or not 0 <= port <= MAX_PORT:
        raise BuildError(
            f"--port {port}: not a port number; use one from 1024 to {MAX_PORT}, e.g. "
            "`python3 build.py serve --port 8000`"
        )
    if not (directory / "index.html").exists():
        raise BuildError(f"{directory}: no built site here; run `python build.py site` first")
    handler = functools.partial(_Handler, directory=str(directory))
    try:
        return http.server.ThreadingHTTPServer((HOST, port), handler)
    except OSError as exc:
        raise BuildError(_port_problem(exc, port)) from exc


def _port_problem(exc: OSError, port: int) -> str:
    other = 8001 if port == 8000 else 8000
    where = f"{HOST}:{port}"
    if exc.errno == errno.EADDRINUSE:
        return (
            f"{where}: the port is already in use (another `build.py serve` or another "
            f"server); stop it, or pick another port: `python3 build.py serve --port {other}`"
        )
    if exc.errno in (errno.EACCES, errno.EPERM):
        return (
            f"{where}: ports below 1024 need administrator rights; pick another port: "
            f"`python3 build.py serve --port {other}`"
        )
    return (
        f"{where}: cannot listen there ({exc.strerror}, Errno {exc.errno}); pick another "
        f"port: `python3 build.py serve --port {other}`"
    )


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
