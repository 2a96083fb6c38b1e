# -*- coding: utf-8 -*-
# Copyright: kantoo-devkit contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The relay: the controller's end of a container's agent (_agent.py), across the tasks of a step.

Ansible forks a worker per task and closes its connection when the task ends, so what outlives a task must be a
process of its own, as ssh's ControlMaster is: the relay holds the `docker exec -i ... python3` of the agent
and listens on a unix socket; each task connects, sends one request and reads the answer.  One relay per
container and exec settings (engine, user, environment, working directory).  A relay ends when it is told to
(`close_agents`, before a container is committed), when its agent ends (the container is gone) or after IDLE
seconds without a request; a run killed outright leaves nothing behind once its containers are removed.
"""

from __future__ import annotations

import errno
import glob
import hashlib
import json
import os
import selectors
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time

from ansible_collections.kantoo.devkit.plugins.plugin_utils import _agent

IDLE = 120
# the Pythons an agent is started on, the first the container has (connection/docker_agent.py's agent_python)
PYTHONS = "python3 /usr/bin/python3 python"
# how long a task waits for a relay that a step's start began in the background
STARTING = 20
# how the relay is started: its module imported from this collection, whatever the caller's sys.path
_BOOT = ("import sys; sys.path.insert(0, %r); "
         "from ansible_collections.kantoo.devkit.plugins.plugin_utils._agent_relay import main; main(sys.argv[1:])")
_ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), *[os.pardir] * 5))
_QUIT = {"op": "quit"}
# how a relay starts its agent: at once, or once told on its stdin that the container runs (prestart)
_NOW, _GATED, _GO = "now", "gated", b"go\n"


class AgentError(Exception):
    """The agent could not be reached or did not answer; the message says why."""


class NoRelay(AgentError):
    """Nothing listens on the socket (never started, ended, or killed): start one."""


def _directory():
    path = os.environ.get("KANTOO_AGENT_DIR")
    if not path:
        base = tempfile.gettempdir()
        if len(base) > 64:  # a socket's path has room for about 100 bytes
            base = "/tmp"
        path = os.path.join(base, "kantoo-devkit-agents-%d" % os.getuid())
    os.makedirs(path, mode=0o700, exist_ok=True)
    return path


def _digest(text):
    return hashlib.sha256(text.encode("utf-8", "surrogateescape")).hexdigest()[:12]


def socket_path(container, settings):
    """The relay's socket for a container and the exec settings (a list of strings) of its agent."""
    return os.path.join(_directory(), "%s-%s.sock" % (_digest(container), _digest(json.dumps(settings))))


# the finder's exit code when the container has none of the Pythons (not 126 or 127, which docker exec uses)
_NO_PYTHON = 99
# the agent's own command line: its source follows on its stdin, after a line with its length
_AGENT_BOOT = "import sys; exec(sys.stdin.buffer.read(int(sys.stdin.buffer.readline())))"


def agent_command(pythons):
    """The command, after `docker exec -i <container>`, that starts the agent on the first of the Pythons
    (a space-separated list of names or paths) that the container has."""
    finder = ('for p in %s; do command -v "$p" >/dev/null 2>&1 && exec "$p" -B -c "$0"; done; '
              'echo "no Python in the container (looked for: %s)" >&2; exit %d') % (pythons, pythons, _NO_PYTHON)
    return ["/bin/sh", "-c", finder, _AGENT_BOOT]


def _agent_source():
    with open(_agent.__file__, "rb") as handle:
        source = handle.read()
    return b"%d\n%s" % (len(source), source)


def _request_size(header):
    return header.get("stdin", 0) if header["op"] == "exec" else header.get("size", 0)


def _answer_size(request, answer):
    if request["op"] == "exec":
        return answer.get("stdout", 0) + answer.get("stderr", 0)
    return answer.get("size", 0) if request["op"] == "fetch" else 0


# --- the relay process -------------------------------------------------------------------------------------

def _serve(request, inbound, outbound, agent):
    """One request from a task to the agent, and its answer back; False when the relay must end (the agent is
    gone, or its stream is not in a state to take the next request)."""
    try:
        _agent.write_header(agent.stdin, request)
        _agent.copy_exact(inbound, agent.stdin, _request_size(request))
        agent.stdin.flush()
        answer = _agent.read_header(agent.stdout)
    except (OSError, EOFError, ValueError):
        return False
    if answer is None:
        return False
    size = _answer_size(request, answer)
    try:
        _agent.write_header(outbound, answer)
        _agent.copy_exact(agent.stdout, outbound, size)
        outbound.flush()
        return True
    except OSError:  # the task went away: read the rest of the answer, so that the next one starts clean
        try:
            _agent.copy_exact(agent.stdout, None, size)
            return True
        except (OSError, EOFError):
            return False


def _listen(path):
    """A listening socket at path, or None when a live relay already has it."""
    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        server.bind(path)
    except OSError as exc:
        if exc.errno != errno.EADDRINUSE:
            raise
        live = _connect(path)
        if live is not None:
            live.close()
            server.close()
            return None
        os.unlink(path)  # left by a relay that was killed
        server.bind(path)
    server.listen(8)
    return server


def _relay(server, agent, idle):
    """Serve tasks until told to quit (returns the socket to answer once the agent is gone), idle, or the
    agent's end (returns None)."""
    events = selectors.DefaultSelector()
    events.register(server, selectors.EVENT_READ)
    events.register(agent.stdout, selectors.EVENT_READ)
    while True:
        ready = [key.fileobj for key, _mask in events.select(idle)]
        if server not in ready:
            return None  # idle, or the agent spoke unasked: it ended
        client = server.accept()[0]
        with client.makefile("rb") as inbound, client.makefile("wb") as outbound:
            try:
                request = _agent.read_header(inbound)
            except (OSError, ValueError):
                request = None
            if request == _QUIT:
                return client
            alive = request is None or _serve(request, inbound, outbound, agent)
        client.close()
        if not alive:
            return None


def _say(path, status, no_python=False):
    """Tell whoever started the relay how it went: on stdout, and by the markers beside the socket (a container
    without Python gets path.none: its tasks go on without an agent; path.starting goes)."""
    if no_python:
        with open(path + ".none", "w", encoding="utf-8") as marker:
            marker.write(status.partition(": ")[2] + "\n")
    try:
        os.unlink(path + ".starting")
    except FileNotFoundError:
        pass
    print(status, flush=True)


def main(argv):
    path, idle, gate, command = argv[0], float(argv[1]), argv[2], argv[3:]
    # begun before its container runs (prestart): booted, wait to be told it does
    if gate == _GATED and sys.stdin.buffer.readline() != _GO:
        _say(path, "cancelled")
        return
    agent = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        agent.stdin.write(_agent_source())
        agent.stdin.flush()
    except BrokenPipeError:  # no Python: its stderr says so
        pass
    if not _agent.read_header(agent.stdout):
        agent.wait()
        reason = agent.stderr.read().decode("utf-8", "replace").strip() or "it exited with %s" % agent.returncode
        # only the finder's own answer says the container lacks Python; anything else (the engine gone, say) may
        # pass, and the task gets it from docker exec
        _say(path, "failed: " + " ".join(reason.split()), no_python=agent.returncode == _NO_PYTHON)
        return
    threading.Thread(target=agent.stderr.read, daemon=True).start()
    server = _listen(path)
    _say(path, "ready" if server else "taken")
    os.dup2(os.open(os.devnull, os.O_WRONLY), 1)
    quitter = None
    if server:
        inode = os.stat(path).st_ino
        quitter = _relay(server, agent, idle)
        server.close()
        if os.path.exists(path) and os.stat(path).st_ino == inode:
            os.unlink(path)
    agent.stdin.close()
    try:
        agent.wait(timeout=30)
    except subprocess.TimeoutExpired:
        agent.kill()
        agent.wait()
    if quitter:  # answered once the agent is gone: the container can be committed
        quitter.sendall(b'{"rc": 0}\n')
        quitter.close()


# --- the tasks' end ----------------------------------------------------------------------------------------

def _connect(path):
    client = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        client.connect(path)
    except OSError:
        client.close()
        return None
    return client


def _spawn(path, idle, gate, exec_command, stdin, stdout):
    """A relay process, in a session of its own: it outlives the task that began it."""
    return subprocess.Popen(  # pylint: disable=consider-using-with
        [sys.executable, "-c", _BOOT % _ROOT, path, str(idle), gate] + list(exec_command),
        stdin=stdin, stdout=stdout, stderr=subprocess.DEVNULL, start_new_session=True, close_fds=True)


def start(path, exec_command, idle=IDLE):
    """Start a relay whose agent exec_command (a list) starts; None once one listens at path, else why not."""
    relay = _spawn(path, idle, _NOW, exec_command, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE)
    said = relay.stdout.readline().decode("utf-8", "replace").strip()
    relay.stdout.close()
    if said in ("ready", "taken"):
        return None
    relay.wait()
    return said.partition("failed: ")[2] or "the relay ended with %s" % relay.returncode


class Prestarted:
    """A relay that prestart began: it starts its agent once told that the container runs (go), and ends without
    one when told it does not (cancel) or when the process that began it ends first."""

    def __init__(self, process):
        self._process = process

    def go(self):
        self._end(_GO)

    def cancel(self):
        self._end()

    def _end(self, word=None):
        """Close the relay's stdin, after word when given: anything but go ends it."""
        try:
            if word:
                self._process.stdin.write(word)
            self._process.stdin.close()
        except OSError:  # the relay is gone already: a task that looks for it starts one
            pass


def prestart(container, engine, pythons=PYTHONS):
    """Begin, in the background, the relay of a step container that is about to start, under the socket that the
    step's tasks will look for (their connection runs `docker --host <engine> exec -i <container>`): its Python
    boots while the engine starts the container, and its agent's start overlaps Ansible's work until the step's
    first command.  Returns a Prestarted to tell it whether the container runs, or None without a docker CLI.
    A task that finds it still starting waits for it (wait_started)."""
    docker = shutil.which("docker")
    if not docker:
        return None
    prefix = [docker, "--host", engine, "exec", "-i", container]
    path = socket_path(container, prefix)
    with open(path + ".starting", "w", encoding="utf-8"):
        pass
    return Prestarted(_spawn(path, IDLE, _GATED, prefix + agent_command(pythons), stdin=subprocess.PIPE,
                             stdout=subprocess.DEVNULL))


def wait_started(path):
    """Wait while a relay begun by prestart is starting; whether one listens at path now."""
    deadline = time.monotonic() + STARTING
    while time.monotonic() < deadline:
        try:
            began = os.stat(path + ".starting").st_mtime
        except FileNotFoundError:
            break
        if time.time() - began > STARTING:  # left by a relay that was killed while it started
            break
        time.sleep(0.01)
    client = _connect(path)
    if client is None:
        return False
    client.close()
    return True


def call(path, header, payload=None, size=0, sink=None):
    """Send a request (its payload bytes, or a file object of size bytes) and return the answer's header and
    payload: bytes, or None once written to sink (a file object) when one is given."""
    client = _connect(path)
    if client is None:
        raise NoRelay("no relay listens on %s" % path)
    with client, client.makefile("rb") as inbound, client.makefile("wb") as outbound:
        try:
            _agent.write_header(outbound, header)
            if isinstance(payload, bytes):
                outbound.write(payload)
            elif payload is not None:
                _agent.copy_exact(payload, outbound, size)
            outbound.flush()
            answer = _agent.read_header(inbound)
            if answer is None:
                raise EOFError("the relay closed the connection")
            length = _answer_size(header, answer)
            if sink is None:
                return answer, _agent.read_exact(inbound, length)
            _agent.copy_exact(inbound, sink, length)
            return answer, None
        except (OSError, EOFError, ValueError) as exc:
            raise AgentError("the agent behind %s did not answer: %s" % (path, exc)) from exc


def close_agents(container):
    """End every relay and agent of a container, and return once they are gone; remove what they left (the
    markers, the socket of one that was killed)."""
    prefix = os.path.join(_directory(), _digest(container) + "-")
    for starting in glob.glob(prefix + "*.sock.starting"):  # a step with no task in its container: its agent
        wait_started(starting[:-len(".starting")])
    for leftover in glob.glob(prefix + "*.sock.*"):
        os.unlink(leftover)
    for path in glob.glob(prefix + "*.sock"):
        client = _connect(path)
        if client is None:
            os.unlink(path)
            continue
        with client:
            client.settimeout(60)
            try:
                client.sendall(json.dumps(_QUIT).encode() + b"\n")
                client.recv(64)
            except OSError:
                pass
