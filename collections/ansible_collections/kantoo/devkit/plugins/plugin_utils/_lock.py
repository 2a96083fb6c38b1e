# -*- coding: utf-8 -*-
# Copyright: kantoo-devkit contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Who grows which image repository, and the order of stalks within a run.

What runs share is an image repository on an engine, whatever tree file or project names it: so the lock is one
per repository and engine, in a directory of the machine's (not of a project).  A run takes the locks of every
stalk it checks, all at once and in one order, so that two runs of overlapping trees cannot hold one each and
wait for the other.  A lock names its run (plugin_utils/_run.py); a lock whose run is gone is taken over, so
nothing needs to release it.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import shutil
import tempfile
import time
from contextlib import contextmanager

from ansible_collections.kantoo.devkit.plugins.module_utils._engine import engine_url
from ansible_collections.kantoo.devkit.plugins.plugin_utils._run import alive, describe, file_name
from ansible_collections.kantoo.devkit.plugins.plugin_utils._tree import TreeError


def lock_dir():
    return os.environ.get("KANTOO_LOCK_DIR") or os.path.join(tempfile.gettempdir(), "kantoo-devkit-locks")


@contextmanager
def _exclusive(directory):
    """Looking at a lock and taking it over are one step for every process of the machine; flock is let go
    when its process dies, so this never outlives a run."""
    with open(os.path.join(directory, ".mutex"), "a", encoding="utf-8") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _read(path):
    try:
        with open(path, encoding="utf-8") as handle:
            return json.load(handle)
    except (OSError, ValueError):
        return None


def _take(directory, engine, repository, me):
    """Take one lock unless a live run holds it; returns that run's record, or None once taken."""
    path = os.path.join(directory, hashlib.sha256(("%s %s" % (engine, repository)).encode()).hexdigest()[:24]
                        + ".lock")
    with _exclusive(directory):
        holder = _read(path)
        if holder and holder.get("run") != me["run"] and alive(holder.get("run", "")):
            return holder
        if not holder or holder.get("run") != me["run"]:
            record = dict(me, engine=engine, repository=repository)
            with open(path + ".new", "w", encoding="utf-8") as handle:
                json.dump(record, handle)
            os.replace(path + ".new", path)
    return None


def acquire(stalks, run, wait=True, say=None, poll=0.5, docker_host=None):
    """Take the locks of the repositories of these stalks, each on its engine (its kantoo_docker_host, else the
    engine at docker_host, connect()'s default when None), for run, in one order; wait (saying so once per holder)
    for a live run that holds one, or stop at once when wait is false."""
    directory = lock_dir()
    os.makedirs(directory, exist_ok=True)
    wanted = sorted({(engine_url(s.get("kantoo_docker_host") or docker_host), s["kantoo_repository"],
                      s.get("kantoo_tree_file", "")) for s in stalks})
    said = set()
    for engine, repository, tree_file in wanted:
        me = {"run": run, "tree_file": tree_file}
        while True:
            holder = _take(directory, engine, repository, me)
            if holder is None:
                break
            message = ("%s is being grown by another run, %s, from %s"
                       % (repository, describe(holder["run"]), holder.get("tree_file") or "another tree"))
            if not wait:
                raise TreeError("%s: %s; wait for it to finish, or run again without -e kantoo_wait=false to "
                                "wait for it" % (tree_file, message))
            if say is not None and holder["run"] not in said:
                say("%s: waiting for it to finish" % message)
                said.add(holder["run"])
            time.sleep(poll)
    _forget_stale_locks(directory)


def _forget_stale_locks(directory):
    """The locks of runs that are gone: one file per repository would otherwise stay forever."""
    with _exclusive(directory):
        for name in os.listdir(directory):
            path = os.path.join(directory, name)
            if name.endswith(".lock") and not alive((_read(path) or {}).get("run", "")):
                os.unlink(path)


# Within a run, sibling stalks grow at once; a child waits for its parent's marker.

def run_dir(project, run):
    return os.path.join(project, ".kantoo", "run", file_name(run))


def mark(project, run, stalk, ok):
    directory = run_dir(project, run)
    os.makedirs(directory, exist_ok=True)
    with open(os.path.join(directory, stalk + (".ok" if ok else ".failed")), "w", encoding="utf-8"):
        pass


def wait_for(project, run, stalk, poll=0.02):
    """Wait until stalk is done in this run: True when it grew, False when it failed or the run is gone.
    A poll is two stats of a file: a child starts at most poll seconds after its parent is done."""
    directory = run_dir(project, run)
    while alive(run):
        if os.path.exists(os.path.join(directory, stalk + ".ok")):
            return True
        if os.path.exists(os.path.join(directory, stalk + ".failed")):
            return False
        time.sleep(poll)
    return False


def once(project, run, what, work):
    """work() once in the run for what (a string), whoever asks first: the stalks of a check play ask at once, in
    workers of their own, and those that come later wait until the first is done, then find it done. What fails
    (raises) is not done: the next to ask tries again. True when this call did the work."""
    directory = run_dir(project, run)
    os.makedirs(directory, exist_ok=True)
    # a stalk's marker is <stalk>.ok or .failed, and a stalk's name never starts with '.'
    done = os.path.join(directory, ".done-" + hashlib.sha256(what.encode()).hexdigest()[:24])
    with open(os.path.join(directory, ".once"), "a", encoding="utf-8") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            if os.path.exists(done):
                return False
            work()
            with open(done, "w", encoding="utf-8") as marker:
                marker.write(what + "\n")
            return True
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def forget_finished_runs(project):
    """Markers of runs that are gone."""
    base = os.path.join(project, ".kantoo", "run")
    for name in os.listdir(base) if os.path.isdir(base) else []:
        run = name.replace("@", ":")
        if os.path.isdir(os.path.join(base, name)) and not alive(run):
            shutil.rmtree(os.path.join(base, name), ignore_errors=True)
