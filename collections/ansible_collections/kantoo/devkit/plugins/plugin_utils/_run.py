# -*- coding: utf-8 -*-
# Copyright: kantoo-devkit contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""A run: one ansible-playbook process, and the step containers it leaves if it dies.

A run is named "<host>:<pid>:<start time>", so that a pid the system has since given to another process is
not taken for the run.  Every step container carries its run's name in the label kantoo.devkit.run, and three
things remove the containers of a run that is gone, whatever stopped it:

- Ctrl-C (SIGINT): the run's own exit handler (registered by the inventory plugin in the ansible-playbook
  process), before the process exits;
- SIGTERM, SIGKILL: a watcher process that the run's first step container starts; it waits for the run to end,
  removes its containers and stops the workers the run left (they outlive a killed parent: each is a session
  of its own);
- anything else (a reboot, a killed watcher): the next run's check, which sweeps the containers of every run
  that is gone, whatever tree it grew, on the engine of each stalk it checks.

A run's stalks may grow on several engines (the tree's DOCKER_HOST): before a container of the run starts on an
engine, the engine's URL is added to the run's file .kantoo/run/<run>.engines, and the exit handler and the
watcher remove the run's containers on each engine it names.
"""

from __future__ import annotations

import atexit
import os
import signal
import socket
import time

from ansible_collections.kantoo.devkit.plugins.module_utils._engine import EngineError, connect, engine_url
from ansible_collections.kantoo.devkit.plugins.module_utils._names import DAEMON_LABEL, REPOSITORY_LABEL, RUN_LABEL, STALK_LABEL

HOST = socket.gethostname()


def _stat(pid):
    """Start time (clock ticks since boot) and parent pid of a process, or None when there is no such process or
    it has ended (a zombie, which its parent has not waited for yet, still has a start time)."""
    try:
        with open("/proc/%d/stat" % pid, encoding="utf-8", errors="replace") as handle:
            fields = handle.read().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return None
    if fields[0] in ("Z", "X"):
        return None
    return int(fields[19]), int(fields[1])


def run_name(pid):
    stat = _stat(pid)
    return "%s:%d:%d" % (HOST, pid, stat[0] if stat else 0)


def this_run():
    """The run of a worker: its parent is the ansible-playbook process."""
    return run_name(os.getppid())


def _parse(run):
    host, pid, start = run.rsplit(":", 2)
    return host, int(pid), int(start)


def alive(run):
    """Whether a run is going on. A run of another machine (a shared remote engine) is taken as alive."""
    try:
        host, pid, start = _parse(run)
    except ValueError:
        return False
    if host != HOST:
        return True
    stat = _stat(pid)
    return stat is not None and stat[0] == start


def describe(run):
    """The run's process, as a person can find it: pid and command line."""
    try:
        host, pid, _start = _parse(run)
        with open("/proc/%d/cmdline" % pid, "rb") as handle:
            command = handle.read().replace(b"\0", b" ").decode(errors="replace").strip()
    except (OSError, ValueError):
        return "run %s" % run
    where = "" if host == HOST else " on %s" % host
    return "process %d%s (%s)" % (pid, where, command[:200])


def _step_containers(client, label):
    """Containers the runner started for steps: a container someone starts from a step image inherits its labels,
    but not its name."""
    return [c for c in client.containers(all=True, filters={"label": label})
            if any(n.lstrip("/").startswith("kantoo-") for n in c.get("Names") or [])
            and (c.get("Labels") or {}).get(DAEMON_LABEL) != "true"]


def _remove(client, containers):
    for container in containers:
        try:
            client.remove_container(container["Id"], v=True, force=True)
        except EngineError as exc:
            if exc.status_code == 409:  # being removed already (a commit's removal in the background)
                _wait_until_gone(client, container["Id"])
            elif exc.status_code != 404:  # 404: gone already
                raise


def _wait_until_gone(client, container, patience=120, poll=0.05):
    """Return once a container that is being removed is gone, so that what removes a run's containers leaves none
    behind it; a removal that stopped (the container left dead) is asked for once more."""
    deadline = time.monotonic() + patience
    while time.monotonic() < deadline:
        try:
            if client.inspect_container(container)["State"].get("Status") != "removing":
                client.remove_container(container, v=True, force=True)
                return
        except EngineError as exc:
            if exc.status_code == 404:
                return
            if exc.status_code != 409:  # 409: its removal began again meanwhile
                raise
        time.sleep(poll)


def remove_containers_of(client, run, repository=None):
    """The step containers of one run, or of one of its repositories (a daemonized step's stays: the seed's
    daemonize)."""
    labels = ["%s=%s" % (RUN_LABEL, run)] + (["%s=%s" % (REPOSITORY_LABEL, repository)] if repository else [])
    _remove(client, _step_containers(client, labels))


def remove_leftovers(client, stalk):
    """Before a prune: every container of the stalk, a container started from one of its images included, unless
    a live run's step runs in it or it is a daemonized step's."""
    containers = client.containers(all=True, filters={"label": "%s=%s" % (STALK_LABEL, stalk)})
    _remove(client, [c for c in containers if (c.get("Labels") or {}).get(DAEMON_LABEL) != "true"
                     and not alive((c.get("Labels") or {}).get(RUN_LABEL) or "")])


def sweep(client):
    """Remove the step containers of every run that is gone."""
    leftovers = [c for c in _step_containers(client, RUN_LABEL)
                 if c["Labels"][RUN_LABEL] and not alive(c["Labels"][RUN_LABEL])]
    _remove(client, leftovers)
    return len(leftovers)


# The run's end ------------------------------------------------------------------------------------------------

_ON_EXIT = set()


def on_exit_remove_containers(project):
    """In the ansible-playbook process: at exit (Ctrl-C included), remove what this run left running, if it
    started any container (then its watcher's file is there), on every engine it started one on."""
    run = run_name(os.getpid())
    if project in _ON_EXIT:
        return
    _ON_EXIT.add(project)

    def clean_up():
        if os.path.exists(watcher_file(project, run)):
            remove_everywhere(run, run_engines(project, run), timeout=30)

    atexit.register(clean_up)


def remove_everywhere(run, engines, timeout):
    """The run's containers on each engine; one that cannot be reached or refuses does not keep the others'."""
    for url in engines:
        try:
            remove_containers_of(connect(url, timeout=timeout), run)
        except EngineError:  # nothing more can be done at the run's end: the next run's check sweeps that engine
            pass


def file_name(run):
    """A run's name as a file name (a host name has no '@')."""
    return run.replace(":", "@")


def watcher_file(project, run):
    """Exists while the run's watcher does, that is from its first step container on."""
    return os.path.join(project, ".kantoo", "run", file_name(run) + ".watcher")


def engines_file(project, run):
    """The URLs of the engines the run started a container on, one a line."""
    return os.path.join(project, ".kantoo", "run", file_name(run) + ".engines")


def run_engines(project, run):
    try:
        with open(engines_file(project, run), encoding="utf-8") as handle:
            return [line for line in handle.read().splitlines() if line]
    except OSError:
        return []


def record_engine(project, run, docker_host=None):
    """Before the run starts a container on the engine at docker_host (connect()'s default when None): whatever
    ends the run, its containers there are looked for."""
    url = engine_url(docker_host)
    if url in run_engines(project, run):
        return
    path = engines_file(project, run)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "a", encoding="utf-8") as handle:  # one short write: workers of the run append at once
        handle.write(url + "\n")


def start_watcher(project, run, poll=0.2):
    """Once per run: a process that outlives the run, removes its containers when it ends (on every engine of
    record_engine) and stops its workers."""
    marker = watcher_file(project, run)
    os.makedirs(os.path.dirname(marker), exist_ok=True)
    try:
        os.close(os.open(marker, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644))
    except FileExistsError:
        return
    first = os.fork()
    if first:
        os.waitpid(first, 0)
        return
    # the first child: a new session, then a second fork, so that the watcher is nobody's child to wait for
    try:
        os.setsid()
        if os.fork():
            os._exit(0)
        _watch(project, marker, run, poll)
    finally:
        os._exit(0)


def _watch(project, marker, run, poll):
    devnull = os.open(os.devnull, os.O_RDWR)
    for descriptor in (0, 1, 2):
        os.dup2(devnull, descriptor)
    os.closerange(3, 65536)  # the worker's pipes to the run are not the watcher's to hold
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # a Ctrl-C to the terminal is the run's to handle
    _host, pid, _start = _parse(run)
    workers = {}
    while alive(run):
        for child in _children(pid):
            stat = _stat(child)
            if stat is not None:
                workers[child] = stat[0]
        time.sleep(poll)
    for child, start in workers.items():  # workers still going on for a run that is gone
        stat = _stat(child)
        if stat is not None and stat[0] == start:
            try:
                os.kill(child, signal.SIGKILL)
            except OSError:
                pass
    try:
        remove_everywhere(run, run_engines(project, run), timeout=60)
    finally:
        for path in (marker, engines_file(project, run)):
            try:
                os.unlink(path)
            except OSError:
                pass


def _children(pid):
    try:
        with open("/proc/%d/task/%d/children" % (pid, pid), encoding="utf-8") as handle:
            return [int(p) for p in handle.read().split()]
    except (OSError, ValueError):
        return []
