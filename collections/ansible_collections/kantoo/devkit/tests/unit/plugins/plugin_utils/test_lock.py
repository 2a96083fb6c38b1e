"""The locks of a run (plugin_utils/_lock.py) are per engine and repository: the same repository grown on two
engines is two things to lock, and each stalk's lock is on its own engine."""

import json
import os
import time

import pytest

from ansible_collections.kantoo.devkit.plugins.plugin_utils._lock import acquire, once
from ansible_collections.kantoo.devkit.plugins.plugin_utils._run import run_name
from ansible_collections.kantoo.devkit.plugins.plugin_utils._tree import TreeError


def stalk(repository, engine=""):
    return {"kantoo_repository": repository, "kantoo_docker_host": engine, "kantoo_tree_file": "/t/tree.hjson"}


def locks(directory):
    return sorted((record["engine"], record["repository"], record["run"]) for record in (
        json.loads(path.read_text()) for path in directory.glob("*.lock")))


def test_each_stalk_is_locked_on_its_own_engine(tmp_path, monkeypatch):
    monkeypatch.setenv("KANTOO_LOCK_DIR", str(tmp_path))
    me, other = run_name(os.getpid()), run_name(os.getppid())  # two live processes
    acquire([stalk("os/a/b/x", "tcp://far:2376")], other)
    # a live run holds os/a/b/x on the far engine: on this one, the same repository is free
    acquire([stalk("os/a/b/x"), stalk("os/a/b/y", "tcp://far:2376")], me, docker_host="unix:///here.sock")
    assert locks(tmp_path) == [("tcp://far:2376", "os/a/b/x", other), ("tcp://far:2376", "os/a/b/y", me),
                               ("unix:///here.sock", "os/a/b/x", me)]
    with pytest.raises(TreeError, match="os/a/b/x is being grown by another run"):
        acquire([stalk("os/a/b/x", "tcp://far:2376")], me, wait=False)


def test_once_a_run_the_first_does_the_work_and_the_others_wait_for_it(tmp_path):
    """The check play's stalks ask at once, in workers of their own: one sweeps an engine (or takes the locks),
    the others return only once it is done, and what fails is tried again by the next."""
    run, log = run_name(os.getpid()), tmp_path / "log"

    def work(name, seconds=0.0):
        def do():
            time.sleep(seconds)
            with open(log, "a", encoding="utf-8") as handle:
                handle.write("%s %f\n" % (name, time.time()))
        return do

    children = []
    for number in range(3):
        pid = os.fork()
        if pid == 0:  # a worker of the run: does the sweep, or waits for the one that does
            try:
                did = once(str(tmp_path), run, "sweep unix:///a.sock", work("sweep a", 0.5))
                with open(log, "a", encoding="utf-8") as handle:
                    handle.write("back %d %s %f\n" % (number, did, time.time()))
            finally:
                os._exit(0)
        children.append(pid)
    for pid in children:
        os.waitpid(pid, 0)
    lines = [line.split() for line in log.read_text().splitlines()]
    swept = [float(line[2]) for line in lines if line[0] == "sweep"]
    back = [(line[2], float(line[3])) for line in lines if line[0] == "back"]
    assert len(swept) == 1 and sorted(did for did, _at in back) == ["False", "False", "True"]
    assert all(at >= swept[0] for _did, at in back), "nobody goes on before the sweep is done"

    assert not once(str(tmp_path), run, "sweep unix:///a.sock", work("again"))
    assert once(str(tmp_path), run, "sweep tcp://b:2376", work("sweep b")), "each engine is swept"

    def refused():
        raise OSError("the engine refused")
    with pytest.raises(OSError):
        once(str(tmp_path), run, "locks x", refused)
    assert once(str(tmp_path), run, "locks x", work("locks")), "what failed is tried again"
    assert once(str(tmp_path), run_name(os.getppid()), "locks x", work("other-run")), "another run does it again"
    assert [line.split()[0] for line in log.read_text().splitlines() if not line.startswith("back")] == [
        "sweep", "sweep", "locks", "other-run"]
