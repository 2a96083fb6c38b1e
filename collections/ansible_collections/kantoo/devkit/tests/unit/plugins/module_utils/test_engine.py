"""The collection's Docker client without an engine: how each DOCKER_HOST connects (unix, tcp plain and with TLS
as the docker CLI reads its variables, ssh), its errors, and its streams, against a fake engine on a local socket.
The real engine's answers are tested in the project's tests/test_engine.py."""

import http.server
import json
import shutil
import socketserver
import ssl
import struct
import subprocess
import sys
import threading
from urllib.parse import parse_qs

import pytest

from ansible_collections.kantoo.devkit.plugins.module_utils import _engine as engine


class FakeEngine(http.server.BaseHTTPRequestHandler):
    """Answers as an engine would: routes maps "METHOD /path" to (status, content type, body); requests are kept."""

    protocol_version = "HTTP/1.1"
    routes = {}
    seen = []

    def _answer(self):
        length = int(self.headers.get("Content-Length") or 0)
        if self.headers.get("Transfer-Encoding") == "chunked":
            body = b""
            while True:
                size = int(self.rfile.readline().strip(), 16)
                body += self.rfile.read(size + 2)[:size]
                if size == 0:
                    break
        else:
            body = self.rfile.read(length)
        self.seen.append((self.command, self.path, body))
        status, kind, answer = self.routes.get("%s %s" % (self.command, self.path.split("?")[0]),
                                               (404, "application/json", b'{"message": "page not found"}'))
        if answer is None:  # the engine goes away in the middle
            self.close_connection = True
            return
        self.send_response(status)
        if kind:
            self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(answer)))
        self.end_headers()
        self.wfile.write(answer)

    do_GET = do_POST = do_PUT = do_DELETE = _answer

    def log_message(self, *args):  # pylint: disable=arguments-differ
        pass


class UnixServer(socketserver.ThreadingMixIn, socketserver.UnixStreamServer):
    daemon_threads = True


@pytest.fixture
def fake(tmp_path):
    """A fake engine on a unix socket: (its URL, its routes, the requests it saw)."""
    FakeEngine.routes = {"GET /_ping": (200, "text/plain", b"OK")}
    FakeEngine.seen = []
    server = UnixServer(str(tmp_path / "engine.sock"), FakeEngine)
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    yield "unix://%s/engine.sock" % tmp_path, FakeEngine.routes, FakeEngine.seen
    server.shutdown()
    server.server_close()


# Where the engine is --------------------------------------------------------------------------------------------

def test_the_engine_is_docker_host_else_the_environment_else_the_local_socket(monkeypatch):
    monkeypatch.delenv("DOCKER_HOST", raising=False)
    assert engine.engine_url() == "unix:///var/run/docker.sock"
    monkeypatch.setenv("DOCKER_HOST", "tcp://elsewhere:2375")
    assert engine.engine_url() == "tcp://elsewhere:2375"
    assert engine.engine_url("ssh://builder") == "ssh://builder"


def test_unix_and_plain_tcp_connect_as_the_docker_cli_does():
    unix = engine.connection_factory("unix:///run/other.sock", {})(5)
    assert isinstance(unix, engine._UnixConnection) and unix._path == "/run/other.sock" and unix.timeout == 5
    plain = engine.connection_factory("tcp://10.0.0.2", {})(5)
    assert not isinstance(plain, engine.http.client.HTTPSConnection) and (plain.host, plain.port) == ("10.0.0.2", 2375)
    assert engine.connection_factory("tcp://[::1]:4000", {})(5).host == "::1"


def test_tls_is_on_as_the_docker_cli_reads_the_environment(tmp_path):
    assert engine.tls_context({}) is None and engine.tls_context({"DOCKER_TLS_VERIFY": ""}) is None
    verified = engine.tls_context({"DOCKER_TLS_VERIFY": "1", "DOCKER_CERT_PATH": str(tmp_path)})
    assert verified.verify_mode == ssl.CERT_REQUIRED and verified.check_hostname
    unverified = engine.tls_context({"DOCKER_TLS": "1", "DOCKER_CERT_PATH": str(tmp_path)})
    assert unverified.verify_mode == ssl.CERT_NONE and not unverified.check_hostname

    connection = engine.connection_factory("tcp://builder", {"DOCKER_TLS_VERIFY": "1",
                                                             "DOCKER_CERT_PATH": str(tmp_path)})(5)
    assert isinstance(connection, engine.http.client.HTTPSConnection) and connection.port == 2376
    assert isinstance(engine.connection_factory("https://builder", {})(5), engine.http.client.HTTPSConnection)
    assert not isinstance(engine.connection_factory("http://builder", {"DOCKER_TLS": "1"})(5),
                          engine.http.client.HTTPSConnection)


def test_ssh_runs_dial_stdio_there_as_the_docker_cli_does():
    base = ["ssh", "-o", "ConnectTimeout=30", "-T"]
    dial = ["docker", "system", "dial-stdio"]
    assert engine.ssh_command("ssh://builder") == base + ["--", "builder"] + dial
    assert engine.ssh_command("ssh://me@builder:2222") == base + ["-l", "me", "-p", "2222", "--", "builder"] + dial
    for bad in ("ssh://", "ssh://builder/var/run/docker.sock", "ssh://me:secret@builder"):
        with pytest.raises(ValueError):
            engine.ssh_command(bad)


def test_a_url_it_cannot_use_says_so_and_what_to_fix():
    with pytest.raises(engine.EngineUnreachable) as error:
        engine.connect("npipe:////./pipe/docker_engine")
    assert error.value.status_code is None
    assert "cannot reach the Docker daemon at npipe:////./pipe/docker_engine: this client takes unix://, tcp:// " \
           "and ssh:// URLs. Fix DOCKER_HOST" in str(error.value)


def test_no_engine_is_one_message_naming_the_url_and_what_to_do(tmp_path):
    with pytest.raises(engine.EngineError) as error:
        engine.connect("unix://%s/docker.sock" % tmp_path)
    assert isinstance(error.value, engine.EngineUnreachable) and error.value.status_code is None
    assert str(error.value).startswith("cannot reach the Docker daemon at unix://%s/docker.sock: " % tmp_path)
    assert "Start it ('make setup' starts dockerd) or point DOCKER_HOST at a running one." in str(error.value)
    assert error.value.message("docker refused it") == str(error.value)


# Answers ---------------------------------------------------------------------------------------------------------

def test_an_error_answer_carries_the_status_and_the_engines_explanation():
    error = engine.refusal(404, b'{"message": "No such image: a:b"}')
    assert (error.status_code, error.explanation) == (404, "No such image: a:b")
    assert str(error) == "the Docker engine answered 404: No such image: a:b"
    assert error.message("docker refused the commit of 'c'") == "docker refused the commit of 'c': No such image: a:b"
    assert engine.refusal(500, b"plain words\n").explanation == "plain words"
    assert engine.refusal(409, b"").explanation == "Conflict"


def test_query_strings_are_the_apis():
    assert engine._query({"all": True, "force": False, "tag": None}) == "?all=1&force=0"
    assert engine._query({"changes": ["ENV A=1", "CMD [\"sh\"]"]}) == "?changes=ENV+A%3D1&changes=CMD+%5B%22sh%22%5D"
    assert engine._query({"changes": []}) == ""


def test_calls_and_their_errors_against_a_fake_engine(fake):
    url, routes, seen = fake
    routes["GET /images/a:b/json"] = (200, "application/json", b'{"Id": "sha256:1"}')
    routes["GET /images/json"] = (200, "application/json", b'[{"Id": "sha256:1"}]')
    client = engine.connect(url)
    assert client.url == url and engine.find_image(client, "a:b") == "sha256:1"
    assert engine.find_image(client, "missing:tag") is None
    assert client.images(name="a", filters={"label": "k=v"}, quiet=True) == ["sha256:1"]
    assert json.loads(parse_qs(seen[-1][1].split("?")[1])["filters"][0]) == {"label": ["k=v"], "reference": ["a"]}
    with pytest.raises(engine.EngineError) as error:
        client.remove_container("gone")
    assert (error.value.status_code, error.value.explanation) == (404, "page not found")


def test_something_that_is_not_an_engine_is_no_engine(fake):
    url, routes, _seen = fake
    del routes["GET /_ping"]
    with pytest.raises(engine.EngineUnreachable) as error:
        engine.connect(url)
    assert "page not found" in str(error.value)


def test_an_engine_that_goes_away_in_the_middle_is_no_engine_with_no_traceback_to_show(fake):
    url, routes, _seen = fake
    client = engine.connect(url)
    routes["GET /containers/json"] = (200, "application/json", None)
    with pytest.raises(engine.EngineUnreachable) as error:
        client.containers()
    assert str(error.value).startswith("cannot reach the Docker daemon at %s: " % url)


def test_an_import_is_streamed_chunked_and_a_failure_in_its_answer_is_an_error(fake):
    url, routes, seen = fake
    client = engine.connect(url)
    routes["POST /images/create"] = (200, "application/json", b'{"status": "abc"}\r\n')
    assert client.import_image(iter([b"tar", b"ball"]), repository="r", tag="t", changes=["CMD x"]) == "sha256:abc"
    method, path, body = seen[-1]
    assert (method, body) == ("POST", b"tarball") and "fromSrc=-" in path and "repo=r" in path and "tag=t" in path
    routes["POST /images/create"] = (200, "application/json", b'{"errorDetail": {}, "error": "not a tarball"}\r\n')
    with pytest.raises(engine.EngineError) as error:
        client.import_image(b"junk")
    assert error.value.explanation == "not a tarball"


def test_an_execs_output_is_read_from_its_multiplexed_frames(fake):
    url, routes, _seen = fake
    frames = b"".join(struct.pack(">BxxxL", kind, len(text)) + text
                      for kind, text in ((1, b"out\n"), (2, b"err\n"), (1, b"")))
    routes["POST /containers/box/exec"] = (201, "application/json", b'{"Id": "e1"}')
    routes["POST /exec/e1/start"] = (200, "application/vnd.docker.raw-stream", frames)
    client = engine.connect(url)
    assert client.exec_create("box", ["sh", "-c", "true"], environment={"A": 1, "B": None}, workdir="/") == "e1"
    assert list(client.exec_start("e1")) == [b"out\n", b"err\n"]
    assert client.ping(), "the client's own connection is still good"


def test_an_ssh_engine_is_reached_through_the_stdio_of_a_command(fake, tmp_path):
    """There is no ssh server here: a Python bridge between its stdio and the fake engine's socket stands in
    for `ssh host docker system dial-stdio`."""
    url, _routes, _seen = fake
    bridge = ("import socket, sys, threading\n"
              "s = socket.socket(socket.AF_UNIX); s.connect(sys.argv[1])\n"
              "def up():\n"
              "    while True:\n"
              "        data = sys.stdin.buffer.raw.read(65536)\n"
              "        if not data: s.shutdown(socket.SHUT_WR); return\n"
              "        s.sendall(data)\n"
              "threading.Thread(target=up, daemon=True).start()\n"
              "while True:\n"
              "    data = s.recv(65536)\n"
              "    if not data: break\n"
              "    sys.stdout.buffer.write(data); sys.stdout.buffer.flush()\n")
    argv = [sys.executable, "-c", bridge, url[len("unix://"):]]
    client = engine.Engine("ssh://builder", lambda timeout: engine._SSHConnection(argv, timeout), 10)
    assert client.ping()

    failing = [sys.executable, "-c", "import sys; sys.stderr.write('ssh: Could not resolve hostname nowhere')"]
    client = engine.Engine("ssh://nowhere", lambda timeout: engine._SSHConnection(failing, timeout), 10)
    with pytest.raises(engine.EngineUnreachable) as error:
        client.ping()
    assert "cannot reach the Docker daemon at ssh://nowhere: ssh: Could not resolve hostname nowhere." \
        in str(error.value)


@pytest.mark.skipif(shutil.which("openssl") is None, reason="openssl makes the test's certificates")
def test_a_tls_engine_is_verified_with_the_ca_and_given_the_client_certificate(tmp_path, monkeypatch):
    """A local HTTPS engine that asks for the client's certificate; ca.pem, cert.pem and key.pem as the docker
    CLI finds them in DOCKER_CERT_PATH (one self-signed certificate for localhost plays all three parts)."""
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=localhost",
                    "-addext", "subjectAltName=DNS:localhost", "-keyout", str(tmp_path / "key.pem"),
                    "-out", str(tmp_path / "cert.pem")], check=True, capture_output=True)
    shutil.copy(tmp_path / "cert.pem", tmp_path / "ca.pem")
    FakeEngine.routes = {"GET /_ping": (200, "text/plain", b"OK")}
    server = socketserver.ThreadingTCPServer(("localhost", 0), FakeEngine)
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH, cafile=str(tmp_path / "ca.pem"))
    context.verify_mode = ssl.CERT_REQUIRED
    context.load_cert_chain(str(tmp_path / "cert.pem"), str(tmp_path / "key.pem"))
    server.socket = context.wrap_socket(server.socket, server_side=True)
    threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True).start()
    try:
        url = "tcp://localhost:%d" % server.server_address[1]
        monkeypatch.setenv("DOCKER_TLS_VERIFY", "1")
        monkeypatch.setenv("DOCKER_CERT_PATH", str(tmp_path))
        assert engine.connect(url).ping()
        monkeypatch.setenv("DOCKER_CERT_PATH", str(tmp_path / "elsewhere"))  # no CA that knows it, no client cert
        with pytest.raises(engine.EngineUnreachable) as error:
            engine.connect(url)
        assert "CERTIFICATE_VERIFY_FAILED" in str(error.value)
    finally:
        server.shutdown()
        server.server_close()
