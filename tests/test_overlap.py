"""Runs of overlapping trees at once: what is locked is the image repository they share, whatever tree file
grows it. A run that needs a stalk another run grows waits for it and says so; none fails, and afterwards every
tag points at the image its cache key names (a rerun of each tree finds everything cached)."""

import subprocess
import time

from conftest import BIN, PROJECT, ansible_env
from scratch import copy_task, created_containers, grow, make_role, make_tree, step_containers, until

ROUNDS = 5


def overlapping_trees(project, os_name, base, value):
    """Three tree files that all grow the stalk trunk, each with a child of its own."""
    trees = []
    for name, child in (("a", "left"), ("b", "right"), ("c", None)):
        node = {"DOCKER_INIT_IMG": base, "TRUNK_VALUE": value}
        if child:
            node[child] = {}
        trees.append(make_tree(project, os_name, {"trunk": node}, name=name))
    return trees


def test_three_runs_of_overlapping_trees_at_once_five_times(client, tmp_path, os_name, fresh_base):
    make_role(tmp_path, "trunk", {"grow": [
        {"name": "Take a moment", "ansible.builtin.command": "sleep 2", "changed_when": False},
        copy_task("/trunk", "{{ TRUNK_VALUE }}")]})
    for child in ("left", "right"):
        make_role(tmp_path, child, {"grow": [copy_task("/" + child, child)]})
    waited = []
    for number in range(ROUNDS):
        trees = overlapping_trees(tmp_path, os_name, fresh_base, "round %d" % number)
        runs = [subprocess.Popen([str(BIN / "ansible-playbook"), "playbooks/grow.yml", "-i", str(tree)],
                                 cwd=PROJECT, env=ansible_env(), stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                 text=True) for tree in trees]
        outputs = [run.communicate(timeout=600)[0] for run in runs]
        for run, output in zip(runs, outputs):
            assert run.returncode == 0, output
        waited += [o for o in outputs if "is being grown by another run, process" in o]

        since = time.time()
        for tree in trees:
            assert "changed=0" in grow(tree).stdout
        assert created_containers(client, since, os_name=os_name) == [], "every tag points where its cache key says"
    assert waited, "a run that needs a stalk another run grows says that it waits, and for which process"


def test_a_run_asked_not_to_wait_stops_at_once_naming_the_other(client, tmp_path, os_name, fresh_base):
    make_role(tmp_path, "trunk", {"grow": [
        {"name": "Take a while", "ansible.builtin.command": "sleep 15", "changed_when": False}]})
    for child in ("left", "right"):
        make_role(tmp_path, child, {"grow": [copy_task("/" + child, child)]})
    first, second = overlapping_trees(tmp_path, os_name, fresh_base, "x")[:2]
    holder = subprocess.Popen([str(BIN / "ansible-playbook"), "playbooks/grow.yml", "-i", str(first)], cwd=PROJECT,
                              env=ansible_env(), stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
    try:
        time.sleep(5)
        proc = grow(second, "-e", "kantoo_wait=false", check=False)
        assert proc.returncode != 0
        assert "trunk is being grown by another run, process %d" % holder.pid in proc.stdout
        assert str(first) in proc.stdout and str(second) in proc.stdout
    finally:
        holder.kill()
        holder.wait()
        # the killed run's watcher removes its step container: before that, the fresh base cannot be removed
        assert until(lambda: step_containers(client, os_name) == []), "the killed run's container is gone"
