#!/usr/bin/env python3
"""Parallel branches on two engines against one branch, measured in the same run (issue #16, item 3).

Not a test: it prints medians of a few rounds, and their ratios. `make bench` runs it (as root: it starts a dockerd
of its own, and Debian's docker-registry, and stops both by their pids).
  one branch    a root of one tiny step, and one child of two 5 s steps, on the default engine
  two, one      the root and two such children, both on the default engine
  two, two      the same, the second child's DOCKER_HOST an extra engine: its parent's final comes through the registry
Every variant names the same REGISTRY, so each pushes its steps. Each round is a new OS name: nothing is cached.
All engines are on this one machine: a second engine adds no cores. The sleeps stand for work a remote builder
would do; what the ratio measures is whether the machinery lets the two branches overlap.
"""

import json
import os
import statistics
import sys
import tempfile
import uuid
from pathlib import Path

import docker
import yaml

from bench import BASE, BIN, PROJECT, remove_repositories, timed, write_tree

sys.path.insert(0, str(PROJECT / "tests"))
from engines import ExtraEngine, Registry  # noqa: E402

ROUNDS = int(os.environ.get("BENCH_ENGINE_ROUNDS", "3"))
SLEEP = 5


def role(project, name, steps):
    """A stalk role: steps maps each step name to its tasks."""
    tasks = project / "roles" / name / "tasks"
    tasks.mkdir(parents=True)
    (tasks / "main.yml").write_text(yaml.safe_dump(
        [{"name": "Step " + step, "ansible.builtin.import_tasks": step + ".yml"} for step in steps], sort_keys=False))
    for step, body in steps.items():
        (tasks / (step + ".yml")).write_text(yaml.safe_dump(body, sort_keys=False))


def branch_steps(name):
    return {"%s%d" % (name, n): [
        {"name": "Work %d s" % SLEEP, "ansible.builtin.command": "sleep %d" % SLEEP, "changed_when": False},
        {"name": "Write", "ansible.builtin.copy": {"dest": "/%s%d" % (name, n), "content": name}}]
        for n in (1, 2)}


def grow(clients, registry, branches, far=None):
    """Seconds to grow the root and `branches` children, nothing cached; far: the extra engine's URL, for the
    second child."""
    os_name = "kantoo-bench-" + uuid.uuid4().hex[:8]
    with tempfile.TemporaryDirectory() as scratch:
        project = Path(scratch)
        role(project, "root", {"base": [{"name": "Write", "ansible.builtin.copy": {"dest": "/root-" + os_name,
                                                                                   "content": os_name}}]})
        children = {}
        for n in range(branches):
            role(project, "branch%d" % n, branch_steps("b%d-" % n))
            children["branch%d" % n] = {"DOCKER_HOST": far} if far and n == 1 else {}
        tree = write_tree(project, os_name, {"root": dict({"DOCKER_INIT_IMG": BASE}, **children)}, name="engines")
        data = json.loads(tree.read_text())
        data["globals"] = {"REGISTRY": registry.address}
        tree.write_text(json.dumps(data))
        try:
            return timed([str(BIN / "ansible-playbook"), "playbooks/grow.yml", "-i", str(tree)])
        finally:
            for client in clients:
                remove_repositories(client, os_name)


def untag_registry_names(client, registry):
    """Names of the registry's left on an engine (a push or pull removes its own; this is in case one failed)."""
    for image in client.images.list():
        for tag in image.tags:
            if tag.startswith(registry.address + "/"):
                client.images.remove(tag)


def main():
    client = docker.from_env()
    client.images.get(BASE)
    results = {"one": [], "two_one": [], "two_two": []}
    with tempfile.TemporaryDirectory(prefix="kb") as scratch:
        scratch = Path(scratch)
        extra = ExtraEngine(scratch / "engine")
        try:
            extra.start()
            far = extra.client()
            clients = [client, far]
            with Registry(scratch / "registry") as registry:
                try:
                    for _ in range(ROUNDS):
                        results["one"].append(grow(clients, registry, 1))
                        results["two_one"].append(grow(clients, registry, 2))
                        results["two_two"].append(grow(clients, registry, 2, far=extra.url))
                finally:
                    for engine in clients:
                        untag_registry_names(engine, registry)
            far.close()
        finally:
            extra.close()
    median = {k: statistics.median(v) for k, v in results.items()}
    if os.environ.get("BENCH_VERBOSE"):
        for name, values in results.items():
            print("  %-8s %s" % (name, " ".join("%.2f" % v for v in values)))
    print("branches on engines: a root of one step, children of two %d s steps each, REGISTRY set in every variant,"
          " median of %d rounds" % (SLEEP, ROUNDS))
    print("  root + one branch, default engine             %6.2f s" % median["one"])
    print("  root + two branches, both on the default      %6.2f s = %.2fx one branch  (goal: about 1x)"
          % (median["two_one"], median["two_one"] / median["one"]))
    print("  root + two branches, the second on an extra   %6.2f s = %.2fx one branch  (goal: about 1x)"
          % (median["two_two"], median["two_two"] / median["one"]))
    print("  the registry's share: not measured (last-run.json and eliot.txt do not time pushes and pulls)")
    print("  note: every engine runs on this one machine (%d cores), so a second engine adds no cores; the sleeps"
          " stand for work done on a remote builder" % os.cpu_count())


if __name__ == "__main__":
    main()
