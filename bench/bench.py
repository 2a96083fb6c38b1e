#!/usr/bin/env python3
"""Time the hello_world tree against the raw cost of a step, measured in the same run.

Not a test: it prints medians and ratios. Run it with `make bench` (after `make setup`).
  raw floor     docker run + exec + commit + rm of one step, with the Docker SDK: on the host's network as the
                steps run (the ratio's baseline), and on Docker's default bridge for comparison
  floor         what goal 1 cannot go under while each step is a container of its own running Ansible tasks:
                tasks only, plus run + commit + rm a step (the raw floor without its exec)
  empty play    ansible-playbook start-up with nothing to do
  dispatch      what Ansible itself costs a step of the stalk role, with nothing to do: a play that includes, for
                each step, a file of a task, an include_role and a task (the step's start, its tasks, its commit),
                on the controller; less the empty play, a step's share is what goal 2 cannot go under beside the
                raw floor while a step's start and commit are Ansible tasks
  tasks only    the hello_world role on one running container, no image machinery
  cold          playbooks/hello_world.yml on a tree nobody built yet
  rerun         the same again, nothing changed
  Dockerfile    the same four steps as RUN lines from the same base, built without cache by the legacy builder
                on the host's network (DOCKER_BUILDKIT=0 --network host --no-cache), as the steps run
Each ratio is printed with the goal of issue #17 beside it.
"""

import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import docker

PROJECT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
BASE = os.environ.get("KANTOO_BASE_IMAGE", "kantoo/debian:bookworm")
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "5"))
# what roles/hello_world's four steps do, as shell commands
STEPS = ["echo hello from sh", "python3 -c \"print('one')\"", "python3 -c \"print('two')\"",
         "python3 -c \"print('three')\""]


def env():
    return dict(os.environ, PATH="%s:%s" % (BIN, os.environ["PATH"]), ANSIBLE_CONFIG=str(PROJECT / "ansible.cfg"))


def timed(args, cwd=PROJECT):
    start = time.perf_counter()
    subprocess.run(args, cwd=cwd, env=env(), check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def dockerfile_build(client, directory, cache=False):
    """Seconds of `docker build` of the four steps as RUN lines (its image removed): cold unless cache."""
    marker = uuid.uuid4().hex  # a first line of its own, so that a cold build finds no cache
    (directory / "Dockerfile").write_text("FROM %s\nRUN echo %s\n" % (BASE, marker)
                                          + "".join("RUN %s\n" % step for step in STEPS))
    tag = "kantoo-bench/dockerfile:" + marker
    args = ["docker", "build", "-q", "--network", "host", "-t", tag] + ([] if cache else ["--no-cache"]) + ["."]
    times = []
    for _ in range(2 if cache else 1):  # with cache: the second build is the one timed
        start = time.perf_counter()
        subprocess.run(args, cwd=directory, env=dict(os.environ, DOCKER_BUILDKIT="0"), check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        times.append(time.perf_counter() - start)
    client.images.remove(tag)
    return times[-1]


def raw_step(client, network_mode, command=True):
    """Seconds of one step done with the SDK: run, exec (unless not command), commit, rm."""
    start = time.perf_counter()
    box = client.containers.run(BASE, entrypoint=["/bin/sh"], tty=True, detach=True, network_mode=network_mode)
    if command:
        box.exec_run(["sh", "-c", "echo step > /step"])
    image = box.commit("kantoo-bench/raw", "step")
    box.remove(force=True)
    elapsed = time.perf_counter() - start
    client.images.remove(image.id)
    return elapsed


def write_tree(directory, os_name, stalks=None, name="hello_world"):
    """A tree of its own; TREE_CONFIG_VAR differs per tree, so no step of another run is in the cache."""
    shutil.copytree(PROJECT / "stalks", directory / "stalks", dirs_exist_ok=True)
    tree = directory / (name + ".hjson")
    stalks = stalks or {"hello_world": {"DOCKER_INIT_IMG": BASE, "TREE_CONFIG_VAR": "bench " + os_name}}
    tree.write_text(json.dumps({"architecture": {"OS": os_name, "ARCH": "amd64", "SUBARCH": "bookworm"},
                                "stalks": stalks}))
    return tree


def tasks_only(client, directory):
    """The step's own content: the role on one container, no commits, with the connection and its settings of
    a step (roles/stalk/tasks/step.yml: kantoo.devkit.docker_agent)."""
    box = client.containers.run(BASE, entrypoint=["/bin/sh"], tty=True, detach=True, network_mode="host")
    play = directory / "tasks_only.yml"
    play.write_text("- hosts: all\n  gather_facts: false\n  vars: {TREE_CONFIG_VAR: bench}\n"
                    "  roles: [hello_world]\n")
    try:
        return timed([str(BIN / "ansible-playbook"), str(play), "-i", box.name + ",", "-e",
                      "ansible_connection=kantoo.devkit.docker_agent", "-e", "ansible_python_interpreter=/usr/bin/python3",
                      "-e", "ansible_remote_tmp=/tmp"])
    finally:
        box.remove(force=True)


def dispatch_only(directory):
    """An ansible-playbook run doing, for each step, what Ansible does around a step's own tasks with no Docker and
    no work: the include of the step's file, a task, the include of a role's (empty) tasks, a task."""
    role = directory / "roles" / "noop_step" / "tasks"
    role.mkdir(parents=True, exist_ok=True)
    (role / "main.yml").write_text("- ansible.builtin.meta: noop\n")
    (directory / "step.yml").write_text(
        "- ansible.builtin.debug: {msg: start, verbosity: 1}\n"
        "- ansible.builtin.include_role: {name: noop_step}\n"
        "- ansible.builtin.debug: {msg: commit, verbosity: 1}\n")
    play = directory / "dispatch.yml"
    play.write_text("- hosts: localhost\n  gather_facts: false\n  tasks:\n"
                    "    - ansible.builtin.include_tasks: step.yml\n      loop: %s\n" % list(range(len(STEPS))))
    return timed([str(BIN / "ansible-playbook"), str(play)], cwd=directory)


def remove_repositories(client, os_name):
    """The tags under <os_name>/ (an image with other tags keeps them), then the untagged images that a rebuild
    left under that name, newest first; Docker deletes an image with its last tag unless a child needs it."""
    ours = [i for i in client.images.list(all=True)
            if any(t.startswith(os_name + "/") for t in i.tags)
            or i.labels.get("kantoo.devkit.repository", "").startswith(os_name + "/")]
    for image in sorted(ours, key=lambda i: i.attrs["Created"], reverse=True):
        try:
            for tag in image.tags:
                if tag.startswith(os_name + "/"):
                    client.images.remove(tag)
            if not image.tags:
                client.images.remove(image.id)
        except docker.errors.NotFound:  # an untagged parent that removing its child took
            pass


def main():
    client = docker.from_env()
    client.images.get(BASE)
    playbook = str(BIN / "ansible-playbook")
    results = {k: [] for k in ("raw", "raw_bridge", "raw_bare", "empty", "dispatch", "tasks", "cold", "rerun",
                               "dockerfile")}
    with tempfile.TemporaryDirectory() as scratch:
        scratch = Path(scratch)
        empty = scratch / "empty.yml"
        empty.write_text("- hosts: localhost\n  gather_facts: false\n  tasks: []\n")
        for _ in range(ROUNDS):
            results["raw"].append(raw_step(client, "host"))
            results["raw_bridge"].append(raw_step(client, "bridge"))
            results["raw_bare"].append(raw_step(client, "host", command=False))
            results["empty"].append(timed([playbook, str(empty)]))
            results["dispatch"].append(dispatch_only(scratch))
            results["tasks"].append(tasks_only(client, scratch))
            results["dockerfile"].append(dockerfile_build(client, scratch))
            os_name = "kantoo-bench-" + uuid.uuid4().hex[:8]
            round_dir = scratch / os_name
            round_dir.mkdir()
            tree = write_tree(round_dir, os_name)
            try:
                results["cold"].append(timed([playbook, "playbooks/hello_world.yml", "-i", str(tree)]))
                results["rerun"].append(timed([playbook, "playbooks/hello_world.yml", "-i", str(tree)]))
            finally:
                remove_repositories(client, os_name)
    median = {k: statistics.median(v) for k, v in results.items()}
    if os.environ.get("BENCH_VERBOSE"):  # every round, to see how noisy the machine was
        for name, values in results.items():
            print("  %-10s %s" % (name, " ".join("%.2f" % v for v in values)))
    steps = len(STEPS)
    overhead = (median["cold"] - median["tasks"]) / steps
    print("hello_world tree, %d steps, median of %d rounds" % (steps, ROUNDS))
    print("  raw floor, one step (run+exec+commit+rm)  %6.2f s  (%.2f s on Docker's bridge network)"
          % (median["raw"], median["raw_bridge"]))
    print("  ansible-playbook, empty play              %6.2f s" % median["empty"])
    print("  Ansible's dispatch of %d steps, no work     %6.2f s" % (steps, median["dispatch"]))
    print("  the role's tasks only, one container      %6.2f s" % median["tasks"])
    print("  cold build                                %6.2f s" % median["cold"])
    print("  rerun, nothing changed                    %6.2f s" % median["rerun"])
    print("  Dockerfile, 4 RUN, no cache               %6.2f s" % median["dockerfile"])
    print("ratios (issue #17's goals)")
    print("  1. cold / Dockerfile = %.2fx (goal <= 2.0x)" % (median["cold"] / median["dockerfile"]))
    # what no machinery can go under while each step is a container of its own whose content is Ansible tasks
    floor = median["tasks"] + steps * median["raw_bare"]
    print("     floor of one container a step: tasks only + %d x (run+commit+rm) = %.2f s = %.2fx the Dockerfile;"
          " cold is %.2fx that floor"
          % (steps, floor, floor / median["dockerfile"], median["cold"] / floor))
    print("  2. per-step machinery (cold - tasks only) / steps = %.2f s = %.2fx the raw floor (goal <= 1.3x; "
          "%.2fx the bridge one)" % (overhead, overhead / median["raw"], overhead / median["raw_bridge"]))
    # Ansible's own part of a step: what no machinery of Ansible tasks can go under, beside Docker's
    dispatch = max(median["dispatch"] - median["empty"], 0) / steps
    print("     Ansible's dispatch a step (include, task, include_role, task; no work) = %.2f s: raw floor + dispatch"
          " = %.2f s, which the machinery is %.2fx of" % (dispatch, median["raw"] + dispatch,
                                                          overhead / (median["raw"] + dispatch)))
    print("  3. rerun / empty play = %.2fx (goal <= 1.2x): %.2f s over it, %.2f s a step"
          % (median["rerun"] / median["empty"], median["rerun"] - median["empty"],
             (median["rerun"] - median["empty"]) / steps))
    print("  cold / rerun = %.1fx" % (median["cold"] / median["rerun"]))


if __name__ == "__main__":
    main()
