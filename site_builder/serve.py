"""`site-builder serve`: build, serve _site/ on 127.0.0.1, rebuild on changes and reload open pages.

Only this preview server adds the reload script to pages; the built files never contain it.
"""
from __future__ import annotations

import functools
import http.server
import json
import threading
from pathlib import Path

from site_builder import cache, urls
from site_builder.build import BuildResult, build
from site_builder.errors import SiteError
from site_builder.pipeline import reclaim_cycles
from site_builder.project import Project
from site_builder.reporter import Reporter
from site_builder.stamp import inputs_digest

PREFIX = "/__site_builder/"
DEBOUNCE_MS = 300
QUIET_MS = 1000  # the watcher reports a quiet second: the first one tells that it is watching
RELOAD_JS = b"""(function () {
  "use strict";
  var seen = null;
  function show(message) {
    var box = document.getElementById("site-builder-error");
    if (!message) { if (box) { box.remove(); } return; }
    if (!box) {
      box = document.createElement("pre");
      box.id = "site-builder-error";
      box.setAttribute("role", "alert");
      Object.assign(box.style, { position: "fixed", left: "0", right: "0", bottom: "0", maxHeight: "50vh",
        overflow: "auto", margin: "0", padding: "1rem", background: "#3b0d0d", color: "#ffffff",
        font: "14px/1.45 ui-monospace, monospace", whiteSpace: "pre-wrap", zIndex: "2147483647" });
      document.body.appendChild(box);
    }
    box.textContent = "site-builder: the last build failed; this page is the last good build.\\n\\n" + message;
  }
  function poll() {
    fetch("/__site_builder/status", { cache: "no-store" }).then(function (response) {
      return response.json();
    }).then(function (status) {
      if (seen === null) { seen = status.build; }
      if (status.build !== seen && !status.error) { window.location.reload(); return; }
      show(status.error);
      window.setTimeout(poll, 700);
    }).catch(function () { window.setTimeout(poll, 1500); });
  }
  poll();
})();
"""


class Preview:
    """The state the server shows: the number of the last build and its error, if it failed."""

    def __init__(self, project: Project, out: Path, base_url: str | None, reporter: Reporter):
        self.project, self.out, self.base_url, self.reporter = project, out, base_url, reporter
        self.build_number = 0
        self.error: str | None = None
        self.lock = threading.Lock()
        cache.remember_between_builds()  # each rebuild reads back only the cache files that changed

    def rebuild(self) -> BuildResult | None:
        """Builds; the result, or None when the build failed (`error` says why)."""
        result = None
        try:
            result = build(self.project, self.out, self.reporter, self.base_url)
            error = None
        except SiteError as exc:
            for problem in exc.problems:
                self.reporter.error(str(problem))
            error = "\n".join(f"error: {problem}" for problem in exc.problems)
        with self.lock:
            self.build_number += 1
            self.error = error
        cache.write_after_build()  # after the browser was told: the passage index, and
        reclaim_cycles()           # a pause, neither of which it waits for
        return result

    def status(self) -> bytes:
        with self.lock:
            return json.dumps({"build": self.build_number, "error": self.error}).encode()


class PreviewHandler(http.server.SimpleHTTPRequestHandler):
    preview: Preview
    base_path: str

    def do_GET(self):
        path = self.path.split("?")[0]
        if path == PREFIX + "reload.js":
            return self._send(200, "text/javascript; charset=utf-8", RELOAD_JS)
        if path == PREFIX + "status":
            return self._send(200, "application/json", self.preview.status())
        if not path.startswith(self.base_path):
            return self.send_error(404)
        file = self._file(path)
        if file is None:
            return self.send_error(404)
        if file.suffix == ".html":
            return self._send(200, "text/html; charset=utf-8", inject(file.read_bytes()))
        return super().do_GET()

    def translate_path(self, path):
        return super().translate_path("/" + path.split("?")[0][len(self.base_path):])

    def _file(self, path: str) -> Path | None:
        """The file a path names, if it is inside the output folder (no way out through '..')."""
        root = Path(self.directory).resolve()
        target = Path(self.translate_path(path)).resolve()
        if target.is_dir():
            target = target / "index.html"
        return target if target.is_file() and target.is_relative_to(root) else None

    def send_error(self, code, message=None, explain=None):
        page = Path(self.directory) / urls.NOT_FOUND
        if code == 404 and page.is_file():
            return self._send(404, "text/html; charset=utf-8", inject(page.read_bytes()))
        return super().send_error(code, message, explain)

    def _send(self, code: int, kind: str, body: bytes):
        self.send_response(code)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def inject(html: bytes) -> bytes:
    tag = f'<script src="{PREFIX}reload.js" defer></script>'.encode()
    return html.replace(b"</head>", tag + b"\n</head>", 1)


def serve(project: Project, out: Path, reporter: Reporter, host: str, port: int,
          base_url: str | None = None) -> None:
    """Build, serve and rebuild until interrupted (Ctrl-C)."""
    import watchfiles

    preview = Preview(project, out, base_url, reporter)
    before = inputs_digest(project)
    preview.rebuild()
    base_path = urls.base_path(base_url or _configured_base_url(project))
    handler = type("Handler", (PreviewHandler,), {"preview": preview, "base_path": base_path})
    server = http.server.ThreadingHTTPServer((host, port), functools.partial(handler, directory=str(out)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    reporter.info(f"serving http://{host}:{server.server_address[1]}{base_path} (Ctrl-C stops)")
    stop = threading.Event()
    watched = [str(p) for p in (project.content, project.templates, project.static) if p.is_dir()]
    watching = False
    try:
        for changes in watchfiles.watch(*watched, debounce=DEBOUNCE_MS, stop_event=stop, raise_interrupt=True,
                                        yield_on_timeout=True, rust_timeout=QUIET_MS):
            # The watcher starts after the first build: a file saved in between (an editor saving
            # as the server starts) is seen by comparing what the first build read with now.
            if changes or not watching and inputs_digest(project) != before:
                preview.rebuild()
            watching = True
    except KeyboardInterrupt:
        reporter.info("stopped")
    finally:
        stop.set()
        server.shutdown()
        server.server_close()


def _configured_base_url(project: Project) -> str:
    from site_builder.pipeline import load_and_validate
    from site_builder.reporter import BufferReporter

    try:
        return load_and_validate(project, BufferReporter())[0].site.base_url
    except SiteError:
        return ""
