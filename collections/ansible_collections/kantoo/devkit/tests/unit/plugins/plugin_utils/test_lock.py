"""The locks of a run (plugin_utils/_lock.py) are per engine and repository: the same repository grown on two
engines is two things to lock, and each stalk's lock is on its own engine."""

import json
import os

import pytest

from ansible_collections.kantoo.devkit.plugins.plugin_utils._lock import acquire
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
