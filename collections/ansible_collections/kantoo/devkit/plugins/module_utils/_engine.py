# -*- coding: utf-8 -*-
# Copyright: kantoo-devkit contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The collection's one client of the Docker Engine API, over the standard library.

connect() gives the same client for every DOCKER_HOST the docker CLI takes: unix://, tcp:// (with TLS as
DOCKER_TLS_VERIFY, DOCKER_TLS and DOCKER_CERT_PATH say) and ssh:// (through `docker system dial-stdio` on the
other machine).  Whatever goes wrong is an EngineError: an error answer carries the engine's status code and
explanation, and no answer at all (EngineUnreachable) carries no status and says where the engine was looked for
and what to do.

The Docker SDK is not used: importing it (requests, urllib3) takes about 0.12 s, more than a run with nothing to
do spends on its own work, and what the collection streams (exports, imports, a step's output, archives) is
plain HTTP too.  Method names and arguments follow the SDK's low-level APIClient where there is one.
"""

from __future__ import annotations

import base64
import http.client
import json
import os
import socket
import ssl
import struct
import subprocess
from urllib.parse import quote, urlencode, urlparse

from ansible_collections.kantoo.devkit.plugins.module_utils._names import image as image_name

DEFAULT_HOST = "unix:///var/run/docker.sock"
# The docker CLI's ports for tcp:// without one.
PLAIN_PORT, TLS_PORT = 2375, 2376
CHUNK = 1 << 20
# X-Registry-Auth of a registry without authentication: base64 of "{}", which the engine requires on a push.
NO_AUTH = base64.urlsafe_b64encode(b"{}").decode()
# What http.client sends of a file body at a time: its default, 8 kB, makes a stage3 upload take a syscall per page.
BLOCK = 1 << 16


class EngineError(Exception):
    """What went wrong with a call of the engine: an error answer, with its HTTP status code and the engine's
    explanation; or no answer at all (EngineUnreachable, status_code None)."""

    def __init__(self, status_code, explanation):
        super().__init__(explanation if status_code is None
                         else "the Docker engine answered %s: %s" % (status_code, explanation))
        self.status_code = status_code
        self.explanation = explanation

    def message(self, refused):
        """What to tell a person: `refused` and the engine's explanation, or, when the engine did not answer,
        where it was looked for and what to do."""
        return str(self) if self.status_code is None else "%s: %s" % (refused, self.explanation)


class EngineUnreachable(EngineError):
    """No answer: nothing listens at the URL, the connection broke, or DOCKER_HOST is no URL of an engine."""

    START = "Start it ('make setup' starts dockerd) or point DOCKER_HOST at a running one."

    def __init__(self, url, reason, advice=START):
        super().__init__(None, "cannot reach the Docker daemon at %s: %s. %s" % (url, reason, advice))
        self.url = url


def engine_url(docker_host=None):
    """The engine's URL: docker_host, else DOCKER_HOST, else the local socket."""
    return docker_host or os.environ.get("DOCKER_HOST") or DEFAULT_HOST


def local_engine(docker_host=None):
    """Whether the engine is reached by a socket of this machine, so that its bind mounts' sources are paths here."""
    return urlparse(engine_url(docker_host)).scheme == "unix"


# Connections --------------------------------------------------------------------------------------------------

class _UnixConnection(http.client.HTTPConnection):
    def __init__(self, path, timeout):
        super().__init__("localhost", timeout=timeout, blocksize=BLOCK)
        self._path = path

    def connect(self):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.settimeout(self.timeout)
        self.sock.connect(self._path)


class _SSHConnection(http.client.HTTPConnection):
    """HTTP over the stdin and stdout of `ssh ... docker system dial-stdio`, as the docker CLI reaches an
    ssh:// engine; one ssh process per connection, which ends when the connection's socket is closed."""

    def __init__(self, argv, timeout):
        super().__init__("localhost", timeout=timeout, blocksize=BLOCK)
        self._argv = argv
        self._process = None

    def connect(self):
        ours, theirs = socket.socketpair()
        with theirs:
            self._process = subprocess.Popen(  # pylint: disable=consider-using-with
                self._argv, stdin=theirs, stdout=theirs, stderr=subprocess.PIPE)
        ours.settimeout(self.timeout)
        self.sock = ours

    def failure(self):
        """What ssh said when it ended (no ssh server, a refused key): why the engine did not answer."""
        if self._process is None:
            return None
        try:
            self._process.wait(timeout=2)  # the connection is closed: ssh ends, unless it hangs
        except subprocess.TimeoutExpired:
            return None
        return self._process.stderr.read().decode(errors="replace").strip() or None


def ssh_command(url):
    """The command whose stdin and stdout are the engine at an ssh:// URL, as the docker CLI runs it."""
    parsed = urlparse(url)
    if not parsed.hostname:
        raise ValueError("no host in the ssh URL")
    if parsed.path not in ("", "/") or parsed.query or parsed.password:
        raise ValueError("an ssh URL is ssh://[user@]host[:port], with nothing after the host")
    argv = ["ssh", "-o", "ConnectTimeout=30", "-T"]
    if parsed.username:
        argv += ["-l", parsed.username]
    if parsed.port:
        argv += ["-p", str(parsed.port)]
    return argv + ["--", parsed.hostname, "docker", "system", "dial-stdio"]


def tls_context(environ):
    """The TLS settings of a tcp:// engine as the docker CLI reads them from the environment, or None for plain
    HTTP.  DOCKER_TLS_VERIFY (any value) checks the engine's certificate against ca.pem of DOCKER_CERT_PATH
    (~/.docker by default; the system's authorities without one), DOCKER_TLS alone encrypts without checking;
    cert.pem and key.pem there, when both exist, are the client's certificate."""
    verify = bool(environ.get("DOCKER_TLS_VERIFY"))
    if not verify and not environ.get("DOCKER_TLS"):
        return None
    cert_path = environ.get("DOCKER_CERT_PATH") or os.path.join(os.path.expanduser("~"), ".docker")
    ca, cert, key = (os.path.join(cert_path, name) for name in ("ca.pem", "cert.pem", "key.pem"))
    context = ssl.create_default_context(cafile=ca if verify and os.path.isfile(ca) else None)
    if not verify:
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
    if os.path.isfile(cert) and os.path.isfile(key):
        context.load_cert_chain(cert, key)
    return context


def tcp_address(url, tls):
    parsed = urlparse(url)
    if not parsed.hostname:
        raise ValueError("no host in the tcp URL")
    return parsed.hostname, parsed.port or (TLS_PORT if tls else PLAIN_PORT)


def connection_factory(url, environ=None):
    """A function of a timeout that opens a new HTTP connection to the engine at url; ValueError for a URL it
    cannot use."""
    environ = os.environ if environ is None else environ
    scheme = urlparse(url).scheme
    if scheme == "unix":
        path = urlparse(url).path
        return lambda timeout: _UnixConnection(path, timeout)
    if scheme in ("tcp", "http", "https"):
        if scheme == "tcp":
            context = tls_context(environ)
        else:  # http:// and https:// say themselves whether they are TLS
            context = tls_context(dict(environ, DOCKER_TLS="1")) if scheme == "https" else None
        host, port = tcp_address(url, context is not None)
        if context is None:
            return lambda timeout: http.client.HTTPConnection(host, port, timeout=timeout, blocksize=BLOCK)
        return lambda timeout: http.client.HTTPSConnection(host, port, timeout=timeout, context=context,
                                                           blocksize=BLOCK)
    if scheme == "ssh":
        argv = ssh_command(url)
        return lambda timeout: _SSHConnection(argv, timeout)
    raise ValueError("this client takes unix://, tcp:// and ssh:// URLs")


def connect(docker_host=None, timeout=600):
    """A client of the engine at docker_host (by default DOCKER_HOST, else the local socket), once it answers;
    EngineUnreachable, saying where and what to do, when it does not."""
    url = engine_url(docker_host)
    try:
        engine = Engine(url, connection_factory(url), timeout)
    except ValueError as exc:
        raise EngineUnreachable(url, exc, "Fix DOCKER_HOST, or the docker_host given.")
    except OSError as exc:  # TLS certificates it cannot read
        raise EngineUnreachable(url, exc, "Fix DOCKER_CERT_PATH, or the files in it.")
    try:
        engine.ping()
    except EngineUnreachable:
        raise
    except EngineError as exc:  # something answers, but not an engine
        raise EngineUnreachable(url, exc)
    return engine


# The client -----------------------------------------------------------------------------------------------------

def _query(params):
    """A query string: None left out, booleans as 1 and 0, a list as the parameter repeated (the API's way)."""
    pairs = []
    for key, value in (params or {}).items():
        for item in value if isinstance(value, (list, tuple)) else [value]:
            if item is not None:
                pairs.append((key, int(item) if isinstance(item, bool) else item))
    return "?" + urlencode(pairs) if pairs else ""


def _path(template, *names):
    return template % tuple(quote(name, safe="/:@") for name in names)


def refusal(status, body):
    """The EngineError of an error answer: the engine's JSON message, or the body as it is."""
    try:
        explanation = json.loads(body)["message"]
    except (ValueError, TypeError, KeyError):
        explanation = body.decode(errors="replace").strip()
    return EngineError(status, explanation or http.client.responses.get(status, "error"))


def _tar_headers(data):
    """Headers of a tarball to send: with its size when it is a file (http.client would send it chunked)."""
    headers = {"Content-Type": "application/x-tar"}
    try:
        headers["Content-Length"] = str(os.fstat(data.fileno()).st_size - data.tell())
    except (AttributeError, OSError, ValueError):  # bytes (sized by http.client), or chunks
        pass
    return headers


def _read(response, size):
    """size bytes of a response, fewer only at its end."""
    data = b""
    while len(data) < size:
        more = response.read(size - len(data))
        if not more:
            break
        data += more
    return data


def _payloads(response):
    """The payloads of a multiplexed stream: frames of an 8-byte header (stream, 0, 0, 0, big-endian size)."""
    while True:
        header = _read(response, 8)
        if len(header) < 8:
            return
        payload = _read(response, struct.unpack(">xxxxL", header)[0])
        if payload:
            yield payload


def _filters(filters, name=None):
    query = {k: v if isinstance(v, list) else [v] for k, v in (filters or {}).items()}
    if name:
        query["reference"] = [name]
    return json.dumps(query) if query else None


class Engine:
    """A client of one engine: one keep-alive connection for calls, a connection of its own for each stream.
    Not to be shared between processes (a fork connects again)."""

    def __init__(self, url, new_connection, timeout=600):
        self.url = url
        self.timeout = timeout
        self._new_connection = new_connection
        self._connection = new_connection(timeout)
        self._used = False

    def _unreachable(self, connection, exc):
        connection.close()
        failure = getattr(connection, "failure", None)
        return EngineUnreachable(self.url, (failure and failure()) or str(exc) or type(exc).__name__)

    def _request(self, method, path, body=None, headers=None, connection=None):
        """Send a request and return its response, once its status says it succeeded."""
        own = connection is None
        connection = connection or self._connection
        try:
            try:
                connection.request(method, path, body=body, headers=headers or {})
                response = connection.getresponse()
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                # the engine may have closed the kept-alive connection while it was idle: once more, anew
                if not (own and self._used) or not isinstance(body, (bytes, type(None))):
                    raise
                connection.close()
                connection.request(method, path, body=body, headers=headers or {})
                response = connection.getresponse()
            if own:
                self._used = True
            if response.status >= 400:
                raise refusal(response.status, response.read())
        except (OSError, http.client.HTTPException) as exc:
            raise self._unreachable(connection, exc)
        return response

    def _call(self, method, path, body=None):
        """A call with a JSON body (None values left out, as the SDK does) and a JSON or empty answer."""
        data = None if body is None else json.dumps({k: v for k, v in body.items() if v is not None}).encode()
        response = self._request(method, path, data, {"Content-Type": "application/json"} if data else None)
        try:
            answer = response.read()
        except (OSError, http.client.HTTPException) as exc:
            raise self._unreachable(self._connection, exc)
        if answer and (response.getheader("Content-Type") or "").startswith("application/json"):
            return json.loads(answer)
        return answer

    def _stream(self, method, path, body=None, headers=None, timeout=0):
        """A request on a connection of its own, whose response is read as a stream; (response, connection).
        The client's timeout, unless timeout is given (None: wait as long as it takes)."""
        connection = self._new_connection(self.timeout if timeout == 0 else timeout)
        try:
            return self._request(method, path, body, headers, connection), connection
        except BaseException:
            connection.close()
            raise

    def _pieces(self, response, connection, pieces):
        """What pieces(response) yields; the connection is the stream's own, closed when the stream ends."""
        try:
            yield from pieces(response)
        except (OSError, http.client.HTTPException) as exc:
            raise self._unreachable(connection, exc)
        finally:
            response.close()
            connection.close()

    def _chunks(self, response, connection, chunk_size):
        return self._pieces(response, connection, lambda r: iter(lambda: r.read(chunk_size), b""))

    # the engine
    def ping(self):
        return self._call("GET", "/_ping") == b"OK"

    # images
    def inspect_image(self, image):
        return self._call("GET", _path("/images/%s/json", image))

    def images(self, name=None, all=False, filters=None, quiet=False):  # pylint: disable=redefined-builtin
        """The images whose reference is name (repository or repository:tag), and that pass filters; ids only
        when quiet."""
        listed = self._call("GET", "/images/json" + _query({"all": all or None, "filters": _filters(filters, name)}))
        return [image["Id"] for image in listed] if quiet else listed

    def tag(self, image, repository, tag="latest"):
        self._call("POST", _path("/images/%s/tag", image) + _query({"repo": repository, "tag": tag or "latest"}))
        return True

    def remove_image(self, image, force=False, noprune=False):
        return self._call("DELETE", _path("/images/%s", image) + _query({"force": force, "noprune": noprune}))

    def import_image(self, source, repository=None, tag=None, changes=None):
        """Import a tarball as a one-layer image; source is a binary file (sent with its size when it has one) or
        an iterable of byte chunks (sent as they come, chunked).  Returns the new image's id."""
        response, connection = self._stream("POST", "/images/create" + _query(
            {"fromSrc": "-", "repo": repository, "tag": tag, "changes": list(changes or [])}), source,
            _tar_headers(source))
        messages = self._progress(response, connection, "the import gave no image")
        image = messages[-1]["status"]
        return image if image.startswith("sha256:") else "sha256:" + image

    def pull(self, repository, tag):
        """Pull repository:tag from the registry its name starts with; the image's id."""
        response, connection = self._stream("POST", "/images/create" + _query({"fromImage": repository, "tag": tag}),
                                            headers={"X-Registry-Auth": NO_AUTH})
        self._progress(response, connection, "the pull said nothing")
        return self.inspect_image(image_name(repository, tag))["Id"]

    def push(self, repository, tag):
        """Push repository:tag to the registry its name starts with; the digest of its manifest there."""
        response, connection = self._stream("POST", _path("/images/%s/push", repository) + _query({"tag": tag}),
                                            headers={"X-Registry-Auth": NO_AUTH})
        messages = self._progress(response, connection, "the push said nothing")
        return next((m["aux"]["Digest"] for m in messages if "Digest" in (m.get("aux") or {})), None)

    def _progress(self, response, connection, silent):
        """The JSON messages of a stream of progress, once it ends; the engine says it failed in one of them,
        after a 200, and an error there is an EngineError too (silent: what to say when the stream is empty)."""
        messages = [json.loads(line) for line in b"".join(self._chunks(response, connection, CHUNK)).splitlines()
                    if line.strip()]
        failed = [m for m in messages if m.get("error")]
        if failed or not messages:
            raise EngineError(500, failed[0]["error"] if failed else silent)
        return messages

    def commit(self, container, repository=None, tag=None, message=None, author=None, changes=None, conf=None,
               pause=True):
        """Commit a container (paused meanwhile, unless pause is false); the answer is {"Id": image id}."""
        query = {"container": container, "repo": repository, "tag": tag, "comment": message, "author": author,
                 "changes": list(changes or []), "pause": pause}
        return self._call("POST", "/commit" + _query(query), conf or {})

    # containers
    def containers(self, all=False, filters=None):  # pylint: disable=redefined-builtin
        return self._call("GET", "/containers/json" + _query({"all": all or None, "filters": _filters(filters)}))

    def create_container(self, config, name=None, platform=None):
        """Create a container from the API's config (Image, Entrypoint, Labels, HostConfig, ...); its id."""
        return self._call("POST", "/containers/create" + _query({"name": name, "platform": platform}), config)["Id"]

    def start_container(self, container):
        self._call("POST", _path("/containers/%s/start", container))

    def inspect_container(self, container):
        return self._call("GET", _path("/containers/%s/json", container))

    def remove_container(self, container, v=False, force=False):
        self._call("DELETE", _path("/containers/%s", container) + _query({"v": v, "force": force}))

    def export(self, container, chunk_size=CHUNK):
        """The container's file system as a tar stream of chunks."""
        response, connection = self._stream("GET", _path("/containers/%s/export", container))
        return self._chunks(response, connection, chunk_size)

    def get_archive(self, container, path, chunk_size=CHUNK):
        """A tar stream of path in the container, and its stat (name, size, mode, mtime, linkTarget)."""
        response, connection = self._stream("GET", _path("/containers/%s/archive", container) + _query({"path": path}))
        stat = response.getheader("X-Docker-Container-Path-Stat")
        return self._chunks(response, connection, chunk_size), json.loads(base64.b64decode(stat)) if stat else {}

    def put_archive(self, container, path, data):
        """Extract a tarball (bytes or a binary file) into the directory path of the container."""
        response, connection = self._stream("PUT", _path("/containers/%s/archive", container)
                                            + _query({"path": path}), data, _tar_headers(data))
        for _chunk in self._chunks(response, connection, CHUNK):
            pass
        return True

    def exec_create(self, container, cmd, environment=None, workdir=None):
        """A command to run in a running container, its output to be read; the exec's id."""
        env = ["%s=%s" % (k, v) if v is not None else k for k, v in (environment or {}).items()]
        config = {"Cmd": cmd, "Env": env, "WorkingDir": workdir, "AttachStdout": True, "AttachStderr": True}
        return self._call("POST", _path("/containers/%s/exec", container), config)["Id"]

    def exec_start(self, exec_id):
        """Run an exec: its output, stdout and stderr as they come, as a stream of byte chunks."""
        # a command may say nothing for long: wait as long as it runs, as the SDK does
        response, connection = self._stream("POST", _path("/exec/%s/start", exec_id),
                                            json.dumps({"Detach": False, "Tty": False}).encode(),
                                            {"Content-Type": "application/json"}, timeout=None)
        return self._frames(response, connection)

    def _frames(self, response, connection):
        return self._pieces(response, connection, _payloads)

    def exec_inspect(self, exec_id):
        return self._call("GET", _path("/exec/%s/json", exec_id))


# Helpers --------------------------------------------------------------------------------------------------------

def find_image(client, reference):
    """The image's id, or None when there is no such image."""
    try:
        return client.inspect_image(reference)["Id"]
    except EngineError as exc:
        if exc.status_code == 404:
            return None
        raise


def tag_image(client, image_id, repository, tag):
    """Point repository:tag at image_id; True when the tag moved."""
    if find_image(client, image_name(repository, tag)) == image_id:
        return False
    client.tag(image_id, repository, tag)
    return True
