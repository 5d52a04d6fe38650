"""The playground's HTTP endpoints and event stream, through a plain HTTP client."""

import http.client
import json

import pytest

from glassnet.cli import main
from glassnet.playground.server import Playground


@pytest.fixture
def server():
    import threading

    playground = Playground(0, {"dataset": "xor", "layers": "3"})
    thread = threading.Thread(target=playground.serve_forever, daemon=True)
    thread.start()
    yield playground
    playground.stop()
    thread.join(timeout=5)


def request(server, method, path, body=None, host=None, headers=None):
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=20)
    sent = {"Host": f"127.0.0.1:{server.port}" if host is None else host, **(headers or {})}
    data = None if body is None else json.dumps(body).encode()
    if data is not None:
        sent["Content-Type"] = "application/json"
    connection.request(method, path, body=data, headers=sent)
    response = connection.getresponse()
    payload = response.read()
    connection.close()
    return response, payload


def test_listens_on_loopback_only(server):
    assert server.server_address[0] == "127.0.0.1" and server.port > 0


def test_page_is_self_contained(server):
    response, page = request(server, "GET", "/")
    assert response.status == 200 and response.getheader("Content-Type").startswith("text/html")
    text = page.decode()
    assert "<script" in text and "src=" not in text.replace('href="data:,"', "")
    text = text.replace('"http://www.w3.org/2000/svg"', "")  # a namespace name, not fetched
    assert "http://" not in text and "https://" not in text and "//" + "cdn" not in text
    assert "default-src 'none'" in response.getheader("Content-Security-Policy")


@pytest.mark.parametrize("host", ["evil.example:80", "attacker.test", "127.0.0.1:1", ""])
def test_foreign_host_header_is_refused(server, host):
    response, payload = request(server, "GET", "/api/state", host=host)
    assert response.status == 403 and b"only to 127.0.0.1" in payload
    response, _ = request(server, "POST", "/api/command", {"action": "reset"}, host=host)
    assert response.status == 403


def test_localhost_name_is_accepted_and_cross_site_posts_are_not(server):
    response, _ = request(server, "GET", "/api/state", host=f"localhost:{server.port}")
    assert response.status == 200
    response, payload = request(server, "POST", "/api/command", {"action": "step", "epochs": 1},
                                headers={"Origin": "http://evil.example"})
    assert response.status == 403 and b"cross-site" in payload


def test_commands_train_and_answer(server):
    response, payload = request(server, "POST", "/api/command", {"action": "step", "epochs": 3})
    assert response.status == 200 and json.loads(payload) == {"epoch": 3}
    state = json.loads(request(server, "GET", "/api/state")[1])
    assert state["epoch"] == 3 and len(state["history"]) == 4 and state["widths"] == [2, 3, 1]
    neuron = json.loads(request(server, "POST", "/api/command",
                                {"action": "neuron", "layer": 1, "unit": 1})[1])
    assert neuron["traced"] and len(neuron["weights"]) == 2
    code = json.loads(request(server, "POST", "/api/command", {"action": "code"})[1])["code"]
    assert "z1 = X @ W1 + b1" in code
    request(server, "POST", "/api/command", {"action": "rewind", "epoch": 1})
    assert json.loads(request(server, "GET", "/api/state")[1])["epoch"] == 1


@pytest.mark.parametrize("body, message", [
    ({"action": "frobnicate"}, "unknown action"),
    ({"action": "step", "epochs": "3"}, "epochs must be a whole number"),
    ({"action": "settings", "settings": {"layers": "99"}}, "1 to 8 neurons"),
    ({"action": "settings", "settings": {"dataset": "../../etc/passwd"}}, "dataset must be"),
    ({"action": "edit", "layer": 1, "source": 0, "unit": 0, "value": "x"}, "value must be"),
    ([1, 2], "JSON object"),
])
def test_bad_commands_get_400_naming_the_problem(server, body, message):
    response, payload = request(server, "POST", "/api/command", body)
    assert response.status == 400 and message in json.loads(payload)["error"]


def test_not_json_and_unknown_paths(server):
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=20)
    connection.request("POST", "/api/command", body=b"{not json",
                       headers={"Host": f"127.0.0.1:{server.port}"})
    assert connection.getresponse().status == 400
    connection.close()
    assert request(server, "GET", "/etc/passwd")[0].status == 404


def test_exports(server):
    request(server, "POST", "/api/command", {"action": "step", "epochs": 2})
    response, script = request(server, "GET", "/export/script")
    assert response.status == 200 and b"range(2)" in script
    assert "attachment" in response.getheader("Content-Disposition")
    response, model = request(server, "GET", "/export/model")
    assert response.status == 200 and model[:2] == b"PK"


def test_event_stream_sends_the_state_after_each_change(server):
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=20)
    connection.request("GET", "/events", headers={"Host": f"127.0.0.1:{server.port}"})
    response = connection.getresponse()
    assert response.getheader("Content-Type") == "text/event-stream"

    def next_state():
        lines = []
        while True:
            line = response.fp.readline().decode()
            if line.startswith("data: "):
                lines.append(line[6:])
            if line == "\n" and lines:
                return json.loads("".join(lines))

    assert next_state()["epoch"] == 0
    request(server, "POST", "/api/command", {"action": "step", "epochs": 2})
    assert next_state()["epoch"] == 2
    request(server, "POST", "/api/command", {"action": "play"})
    epochs = [next_state()["epoch"] for _ in range(3)]
    request(server, "POST", "/api/command", {"action": "pause"})
    assert epochs == sorted(epochs) and epochs[-1] > 2
    connection.close()


def test_cli_refuses_a_bad_port_and_preset(capsys):
    assert main(["playground", "--port", "70000", "--no-browser"]) == 2
    assert "0 to 65535" in capsys.readouterr().err
    assert main(["playground", "--port", "0", "--no-browser", "--preset", "nope"]) == 2
    assert "unknown preset" in capsys.readouterr().err


def test_the_command_prints_its_address_serves_and_stops_on_ctrl_c():
    import os
    import signal
    import subprocess
    import sys

    process = subprocess.Popen(
        [sys.executable, "-m", "glassnet.cli.main", "playground", "--no-browser", "--port", "0"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env=dict(os.environ, PYTHONUNBUFFERED="1"))
    try:
        line = process.stdout.readline()
        assert line.startswith("glassnet playground: http://127.0.0.1:")
        port = int(line.split("127.0.0.1:")[1].split("/")[0])
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=20)
        connection.request("GET", "/api/state")
        assert json.loads(connection.getresponse().read())["epoch"] == 0
        connection.close()
        process.send_signal(signal.SIGINT)
        out, err = process.communicate(timeout=30)
        assert process.returncode == 0 and "stopped" in out and "Traceback" not in err
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


@pytest.mark.parametrize("flags, opens", [(["--no-browser"], False), ([], True)])
def test_the_command_opens_the_browser_unless_told_not_to(monkeypatch, capsys, flags, opens):
    """In process: the served page is fetched, then Ctrl-C; the browser sees the address
    exactly when --no-browser is not given."""
    import threading

    opened, pages = [], []
    monkeypatch.setattr("webbrowser.open", opened.append)
    serve = Playground.serve_forever

    def serve_then_ctrl_c(playground):
        def fetch_then_stop():
            pages.append(request(playground, "GET", "/api/state")[0].status)
            playground.shutdown()

        visitor = threading.Thread(target=fetch_then_stop)
        visitor.start()
        serve(playground)
        visitor.join(timeout=30)
        raise KeyboardInterrupt

    monkeypatch.setattr(Playground, "serve_forever", serve_then_ctrl_c)
    assert main(["playground", "--port", "0", *flags]) == 0
    out = capsys.readouterr().out
    address = out.split("glassnet playground: ")[1].split()[0]
    assert address.startswith("http://127.0.0.1:") and pages == [200]
    assert opened == ([address] if opens else []) and out.endswith("stopped\n")


@pytest.mark.parametrize("port, message", [
    ("abc", "expected a port number, got 'abc'"), ("1.5", "expected a port number, got '1.5'"),
    ("-1", "expected a port from 0 to 65535, got '-1'"),
    ("65536", "expected a port from 0 to 65535, got '65536'")])
def test_cli_names_the_bad_port(port, message, capsys):
    assert main(["playground", "--port", port, "--no-browser"]) == 2
    captured = capsys.readouterr()
    assert captured.out == "" and f"argument --port: {message}" in captured.err


def test_a_port_in_use_is_exit_1_suggesting_port_0(capsys):
    """The highest port, 65535, is accepted and tried; it is held here first."""
    import socket

    with socket.socket() as holder:
        try:
            holder.bind(("127.0.0.1", 65535))
        except OSError:
            pytest.skip("port 65535 is taken on this machine")
        holder.listen()
        assert main(["playground", "--port", "65535", "--no-browser"]) == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.startswith("error: cannot listen on 127.0.0.1:65535 (")
    assert captured.err.endswith("); try --port 0\n")


@pytest.mark.parametrize("flags, port, query", [
    ([], 8765, {}), (["--preset", "xor"], 8765, {"preset": "xor"}),
    (["--port", "9000", "--preset", ""], 9000, {})])
def test_the_command_asks_for_its_default_port_and_the_preset(monkeypatch, capsys, flags,
                                                              port, query):
    """A stand-in Playground records what it was asked for and cannot listen."""
    import errno

    asked = []

    def cannot_listen(port, query):
        asked.append((port, query))
        raise OSError(errno.EADDRINUSE, "Address already in use")

    monkeypatch.setattr("glassnet.playground.server.Playground", cannot_listen)
    assert main(["playground", "--no-browser", *flags]) == 1
    assert asked == [(port, query)]
    assert capsys.readouterr().err == (f"error: cannot listen on 127.0.0.1:{port} (Address "
                                       f"already in use); try --port 0\n")
