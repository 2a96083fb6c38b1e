"""A tree spread over engines (issue 16, item 2): a tree with a REGISTRY whose root grows on the default engine and
whose child names a second engine (DOCKER_HOST on the child's node) grows the child there, from the parent's final
pulled through the registry; a third, empty engine then regrows the child without a step container; a changed task
of the child rebuilds only that step, on its engine. Each stalk's containers, tasks, commits, tags, logs, shell
command, run's end and prune are on its own engine; an engine that cannot be reached stops the run before any
container starts. The two engines and the registry are the test's own (tests/engines.py), started once."""

import json
import os
import signal
import subprocess
import time

import pytest

from conftest import BIN, PROJECT, ansible_env, playbook
from engines import ExtraEngine, Registry
from scratch import copy_task, created_containers, grow, make_role, make_tree, step_containers, tags, until, write

SLOW_TASK = {"name": "Take a while", "ansible.builtin.command": "sleep 60", "changed_when": False}


@pytest.fixture
def registry(tmp_path):
    with Registry(tmp_path / "registry") as running:
        yield running


@pytest.fixture
def engines(tmp_path, request):
    """Two engines of the test's own, B and C, both empty: nothing is loaded into them."""
    started = []
    for name in ("b", "c"):
        extra = ExtraEngine(tmp_path / name)
        request.addfinalizer(extra.close)
        started.append(extra.start())
    return started


def spread_tree(tmp_path, os_name, base, registry, child_engine):
    """The root on the default engine from the fresh base; the child, with no DOCKER_INIT_IMG, on child_engine."""
    tree = make_tree(tmp_path, os_name, {"root": {"DOCKER_INIT_IMG": base, "child": {"DOCKER_HOST": child_engine}}})
    data = json.loads(tree.read_text())
    data["globals"] = {"REGISTRY": registry}
    return write(tree, json.dumps(data, indent=2))


def steps_created(client, since, os_name):
    """(stalk, step) of each step container of the test's repositories created on that engine since then."""
    return sorted((e["Actor"]["Attributes"]["kantoo.devkit.stalk"], e["Actor"]["Attributes"]["kantoo.devkit.step"])
                  for e in created_containers(client, since, os_name=os_name))


def test_a_child_grows_on_the_engine_its_docker_host_names_from_its_parent_through_the_registry(
        tmp_path, os_name, fresh_base, client, registry, engines):
    b, c = engines
    make_role(tmp_path, "root", {"base": [copy_task("/from-root", "root")]})
    make_role(tmp_path, "child", {"one": [copy_task("/one", "one")], "two": [copy_task("/two", "two")]})
    tree = spread_tree(tmp_path, os_name, fresh_base, registry.address, b.url)
    on_b, on_c = b.client(), c.client()

    # the child grows on B, from the root's final grown on the default engine and pulled through the registry
    since = time.time()
    grow(tree)
    assert steps_created(on_b, since, os_name) == [("child", "one"), ("child", "two")]
    assert steps_created(client, since, os_name) == [("root", "base")], "none of the child's on the default engine"
    root = tags(client, os_name, "root")
    child = tags(on_b, os_name, "child")
    assert set(child) == {"initial", "one", "two", "final"}
    assert child["initial"] == root["final"], "the child starts from its parent's final, the same image"
    assert tags(client, os_name, "child") == {}
    assert tags(on_b, os_name, "root") == {"final": root["final"]}, "of the root's images, B holds its final only"
    assert step_containers(on_b, os_name) == [] and tags(on_c, os_name, "child") == {}
    # each step's log and event say on which engine it ran
    first_line = next((tmp_path / "logs/child").glob("amd64-bookworm-one-*.txt")).read_text().splitlines()[0]
    assert "on the Docker engine at %s" % b.url in first_line
    assert b.url not in next((tmp_path / "logs/root").glob("*-base-*.txt")).read_text()
    steps = [json.loads(line) for line in (tmp_path / "logs/eliot.txt").read_text().splitlines()
             if '"kantoo:step"' in line and '"started"' in line]
    assert sorted(e["step"] for e in steps if e.get("engine") == b.url) == ["one", "two"]

    since = time.time()
    again = grow(tree).stdout
    assert steps_created(on_b, since, os_name) == [] and steps_created(client, since, os_name) == [], again

    shell = playbook("playbooks/shell.yml", "-i", tree, "-e", "stalk=child").stdout
    assert '"msg": "docker --host %s run ' % b.url in shell

    # moved to C, an empty engine: regrown from the registry with no step container, the same images
    spread_tree(tmp_path, os_name, fresh_base, registry.address, c.url)
    since = time.time()
    moved = grow(tree).stdout
    assert created_containers(on_c, since) == [] and steps_created(client, since, os_name) == [], moved
    assert tags(on_c, os_name, "child") == child and tags(on_c, os_name, "root") == {"final": root["final"]}

    # a changed task of the child rebuilds that step only, on C; the root is untouched
    write(tmp_path / "roles/child/tasks/two.yml", json.dumps([copy_task("/two", "two, changed")]))
    since = time.time()
    changed = grow(tree).stdout
    assert steps_created(on_c, since, os_name) == [("child", "two")], changed
    assert steps_created(client, since, os_name) == [] and steps_created(on_b, since, os_name) == []
    assert tags(client, os_name, "root") == root
    after = tags(on_c, os_name, "child")
    assert after["one"] == child["one"] and after["two"] != child["two"] and after["final"] == after["two"]

    # killed in the middle of a step on the far engine: the run's watcher removes its container there
    write(tmp_path / "roles/child/tasks/two.yml", json.dumps([SLOW_TASK]))
    with open(tmp_path / "killed.out", "w") as output:
        proc = subprocess.Popen([str(BIN / "ansible-playbook"), "playbooks/grow.yml", "-i", str(tree)], cwd=PROJECT,
                                env=ansible_env(), stdout=output, stderr=subprocess.STDOUT, start_new_session=True)
    assert until(lambda: step_containers(on_c, os_name) or proc.poll() is not None, 120)
    assert proc.poll() is None, (tmp_path / "killed.out").read_text()
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    assert until(lambda: not step_containers(on_c, os_name), 30), "the watcher removes the run's containers on every engine"
    assert until(lambda: not list((tmp_path / ".kantoo/run").glob("*.engines"))), "nor does its record stay"

    # an engine that cannot be reached: one message, before any container, even one the root would need
    write(tmp_path / "roles/root/tasks/base.yml", json.dumps([copy_task("/from-root", "changed")]))
    nowhere = "unix://%s" % (tmp_path / "nowhere.sock")
    spread_tree(tmp_path, os_name, fresh_base, registry.address, nowhere)
    since = time.time()
    stopped = grow(tree, check=False)
    assert stopped.returncode != 0 and "Traceback" not in stopped.stdout
    fatal = [line for line in stopped.stdout.splitlines() if line.startswith("fatal:")]
    assert len(fatal) == 1 and "stalk 'child'" in fatal[0], stopped.stdout
    assert "cannot reach the Docker daemon at %s" % nowhere in fatal[0] and "DOCKER_HOST" in fatal[0]
    assert "Grow the stalks" not in stopped.stdout
    assert steps_created(client, since, os_name) == []

    # prune follows the stalk to its engine
    spread_tree(tmp_path, os_name, fresh_base, registry.address, c.url)
    playbook("playbooks/prune.yml", "-i", tree, "-e", "stalk=child")
    assert tags(on_c, os_name, "child") == {}
