"""A tree spread over two engines (issue 16, the engine half): the root grows on the default engine, its child on
an engine of the test's own, named by DOCKER_HOST on the child's node. Each stalk's containers, tasks, commits,
tags, logs, shell command, run's end and prune are on its own engine; an engine that cannot be reached stops the
run before any container starts.

Until images travel through a registry, the child's parent final is not on its engine: the child starts from
the test's fresh base, loaded into that engine (DOCKER_INIT_IMG), and still grows after its parent."""

import json
import os
import signal
import subprocess
import time

import pytest

from conftest import BIN, PROJECT, ansible_env, playbook
from engines import ExtraEngine
from scratch import copy_task, created_containers, grow, make_role, make_tree, step_containers, tags, until, write

SLOW_TASK = {"name": "Take a while", "ansible.builtin.command": "sleep 60", "changed_when": False}


@pytest.fixture
def engine(tmp_path, fresh_base, request):
    """An engine of the test's own, holding the fresh base the child starts from."""
    extra = ExtraEngine(tmp_path / "engine").start()
    request.addfinalizer(extra.close)
    extra.load(fresh_base)
    return extra


def spread_tree(tmp_path, os_name, base, child_engine):
    return make_tree(tmp_path, os_name, {
        "root": {"DOCKER_INIT_IMG": base, "child": {"DOCKER_HOST": child_engine, "DOCKER_INIT_IMG": base}}})


def steps_created(client, since, os_name):
    """(stalk, step) of each step container of the test's repositories created on that engine since then."""
    return sorted((e["Actor"]["Attributes"]["kantoo.devkit.stalk"], e["Actor"]["Attributes"]["kantoo.devkit.step"])
                  for e in created_containers(client, since, os_name=os_name))


def test_a_child_grows_on_the_engine_its_docker_host_names(tmp_path, os_name, fresh_base, client, engine):
    make_role(tmp_path, "root", {"base": [copy_task("/from-root", "root")]})
    make_role(tmp_path, "child", {"one": [copy_task("/one", "one")], "two": [copy_task("/two", "two")]})
    tree = spread_tree(tmp_path, os_name, fresh_base, engine.url)
    far = engine.client()

    since = time.time()
    grow(tree)
    assert steps_created(far, since, os_name) == [("child", "one"), ("child", "two")]
    assert steps_created(client, since, os_name) == [("root", "base")], "none of the child's on the default engine"
    assert set(tags(far, os_name, "child")) == {"initial", "one", "two", "final"}
    assert tags(client, os_name, "child") == {} and tags(far, os_name, "root") == {}
    assert step_containers(far, os_name) == []
    # each step's log and event say on which engine it ran
    first_line = next((tmp_path / "logs/child").glob("amd64-bookworm-one-*.txt")).read_text().splitlines()[0]
    assert "on the Docker engine at %s" % engine.url in first_line
    assert engine.url not in next((tmp_path / "logs/root").glob("*-base-*.txt")).read_text()
    steps = [json.loads(line) for line in (tmp_path / "logs/eliot.txt").read_text().splitlines()
             if '"kantoo:step"' in line and '"started"' in line]
    assert sorted(e["step"] for e in steps if e.get("engine") == engine.url) == ["one", "two"]

    since = time.time()
    again = grow(tree).stdout
    assert steps_created(far, since, os_name) == [] and steps_created(client, since, os_name) == [], again

    shell = playbook("playbooks/shell.yml", "-i", tree, "-e", "stalk=child").stdout
    assert '"msg": "docker --host %s run ' % engine.url in shell

    # killed in the middle of a step on the far engine: the run's watcher removes its container there
    write(tmp_path / "roles/child/tasks/two.yml", json.dumps([SLOW_TASK]))
    with open(tmp_path / "killed.out", "w") as output:
        proc = subprocess.Popen([str(BIN / "ansible-playbook"), "playbooks/grow.yml", "-i", str(tree)], cwd=PROJECT,
                                env=ansible_env(), stdout=output, stderr=subprocess.STDOUT, start_new_session=True)
    assert until(lambda: step_containers(far, os_name) or proc.poll() is not None, 120)
    assert proc.poll() is None, (tmp_path / "killed.out").read_text()
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    assert until(lambda: not step_containers(far, os_name), 30), "the watcher removes the run's containers on every engine"
    assert until(lambda: not list((tmp_path / ".kantoo/run").glob("*.engines"))), "nor does its record stay"

    # an engine that cannot be reached: one message, before any container, even one the root would need
    write(tmp_path / "roles/root/tasks/base.yml", json.dumps([copy_task("/from-root", "changed")]))
    nowhere = "unix://%s" % (tmp_path / "nowhere.sock")
    spread_tree(tmp_path, os_name, fresh_base, nowhere)
    since = time.time()
    stopped = grow(tree, check=False)
    assert stopped.returncode != 0 and "Traceback" not in stopped.stdout
    fatal = [line for line in stopped.stdout.splitlines() if line.startswith("fatal:")]
    assert len(fatal) == 1 and "stalk 'child'" in fatal[0], stopped.stdout
    assert "cannot reach the Docker daemon at %s" % nowhere in fatal[0] and "DOCKER_HOST" in fatal[0]
    assert "Grow the stalks" not in stopped.stdout
    assert steps_created(client, since, os_name) == []

    # prune follows the stalk to its engine
    spread_tree(tmp_path, os_name, fresh_base, engine.url)
    playbook("playbooks/prune.yml", "-i", tree, "-e", "stalk=child")
    assert tags(far, os_name, "child") == {}
