"""The playground's web server: Python's ``http.server`` on 127.0.0.1 and server-sent events.

    GET  /                 the page (one self-contained HTML file shipped in the package)
    GET  /events           text/event-stream: the run's state after each change, throttled
    GET  /api/state        the state as JSON
    POST /api/command      {"action": ..., ...} -> JSON (play, pause, step, reset, settings,
                           rewind, edit, neuron, weight, code, gradcheck)
    GET  /export/script    a Python script that repeats the run
    GET  /export/model     the network as a .glassnet model file

Requests whose Host is not this server's own address (127.0.0.1 or localhost with its port)
are refused with 403, as are cross-site POSTs (DNS rebinding, other pages). Nothing from
the page is used as a file path. A background thread trains while playing.
"""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from importlib import resources

from glassnet.playground import exports, views
from glassnet.playground.engine import Engine

MAX_BODY = 3_000_000
READ_ONLY = {"neuron", "weight", "code", "gradcheck", "csv_columns"}  # no new state to send
SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'none'; script-src 'unsafe-inline'; "
                               "style-src 'unsafe-inline'; img-src data: blob:; "
                               "connect-src 'self'; base-uri 'none'; form-action 'none'",
    "X-Content-Type-Options": "nosniff", "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
}


class Playground(ThreadingHTTPServer):
    """The server, its engine, and the thread that trains while ``playing``."""

    daemon_threads = True

    def __init__(self, port: int = 0, query: dict | None = None):
        super().__init__(("127.0.0.1", port), Handler)
        self.engine = Engine(query)
        self.page = resources.files("glassnet.playground").joinpath("page.html").read_bytes()
        self.changed = threading.Condition()
        self.version, self.playing, self.stopping = 0, False, False
        self.trainer = threading.Thread(target=self.train, name="playground-trainer",
                                        daemon=True)
        self.trainer.start()

    @property
    def port(self) -> int:
        return self.server_address[1]

    @property
    def address(self) -> str:
        return f"http://127.0.0.1:{self.port}/"

    def allowed_hosts(self) -> set[str]:
        return {f"127.0.0.1:{self.port}", f"localhost:{self.port}"}

    def notify(self) -> None:
        with self.changed:
            self.version += 1
            self.changed.notify_all()

    def train(self) -> None:
        """While playing: epochs in slices of about 50 ms, then tell the listeners."""
        epochs = 1
        while not self.stopping:
            with self.changed:
                while not (self.playing or self.stopping):
                    self.changed.wait(1.0)
            if self.stopping:
                return
            started = time.perf_counter()
            self.engine.step(epochs)
            elapsed = time.perf_counter() - started
            epochs = max(1, min(500, int(epochs * 0.05 / max(elapsed, 1e-4)) or 1))
            if self.engine.problem is not None:
                self.playing = False
            self.notify()
            time.sleep(0.005)  # let the page's requests in between slices

    def stop(self) -> None:
        """End training, the event streams and the server (the test's or the user's Ctrl-C)."""
        self.stopping, self.playing = True, False
        self.notify()
        self.shutdown()
        self.server_close()
        self.trainer.join(timeout=5)


class Handler(BaseHTTPRequestHandler):
    server: Playground
    protocol_version = "HTTP/1.1"

    def log_message(self, format, *arguments):  # noqa: A002 (the base class's name)
        return None  # quiet: the terminal shows the address and errors only

    def host_allowed(self) -> bool:
        if self.headers.get("Host", "") not in self.server.allowed_hosts():
            self.send_json({"error": "this server answers only to 127.0.0.1 and localhost"},
                           403)
            return False
        return True

    def do_GET(self):  # noqa: N802 (http.server's name)
        if not self.host_allowed():
            return
        path = self.path.split("?", 1)[0]
        if path == "/":
            self.send_bytes(self.server.page, "text/html; charset=utf-8")
        elif path == "/events":
            self.stream_events()
        elif path == "/api/state":
            self.send_json(views.state(self.server.engine))
        elif path == "/export/script":
            self.send_bytes(exports.script(self.server.engine).encode(),
                            "text/x-python; charset=utf-8", "playground_run.py")
        elif path == "/export/model":
            self.send_export_model()
        else:
            self.send_json({"error": f"no page {path[:80]!r}"}, 404)

    def send_export_model(self):
        try:
            data = exports.model_bytes(self.server.engine)
        except ValueError as error:
            self.send_json({"error": str(error)}, 409)
            return
        self.send_bytes(data, "application/octet-stream", "playground.glassnet")

    def do_POST(self):  # noqa: N802
        if not self.host_allowed():
            return
        origin = self.headers.get("Origin")
        if origin is not None and origin.removeprefix("http://") not in \
                self.server.allowed_hosts():
            self.send_json({"error": "cross-site requests are refused"}, 403)
            return
        if self.path != "/api/command":
            self.send_json({"error": "POST goes to /api/command"}, 404)
            return
        length = int(self.headers.get("Content-Length") or 0)
        if not 0 < length <= MAX_BODY:
            self.send_json({"error": f"a command is 1 to {MAX_BODY} bytes"}, 413)
            return
        try:
            command = json.loads(self.rfile.read(length))
            if not isinstance(command, dict):
                raise ValueError("a command is a JSON object")
            from glassnet.playground.commands import run
            answer = run(self.server, command)
        except (ValueError, TypeError, KeyError) as error:
            self.send_json({"error": str(error)[:300]}, 400)
            return
        if command.get("action") not in READ_ONLY:
            self.server.notify()
        self.send_json(answer)

    def send_bytes(self, data: bytes, kind: str, attachment: str | None = None, status=200):
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(data)))
        for name, value in SECURITY_HEADERS.items():
            self.send_header(name, value)
        if attachment:
            self.send_header("Content-Disposition", f'attachment; filename="{attachment}"')
        self.end_headers()
        self.wfile.write(data)

    def send_json(self, value, status: int = 200):
        self.send_bytes(json.dumps(value, allow_nan=False).encode(), "application/json", None,
                        status)

    def stream_events(self):
        """The state now and after every change, at most ten times a second; ends when the
        client leaves or the server stops."""
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-store")
        self.send_header("Connection", "close")
        self.end_headers()
        self.close_connection = True
        server, seen = self.server, -1
        try:
            while not server.stopping:
                with server.changed:
                    if server.version == seen:
                        server.changed.wait(10.0)
                    version = server.version
                if server.stopping:
                    break
                if version == seen:
                    self.wfile.write(b": still here\n\n")
                else:
                    data = json.dumps(views.state(server.engine), allow_nan=False)
                    self.wfile.write(f"event: state\ndata: {data}\n\n".encode())
                    seen = version
                self.wfile.flush()
                time.sleep(0.1)
        except (BrokenPipeError, ConnectionResetError):
            return  # the page went away: nothing else ends
