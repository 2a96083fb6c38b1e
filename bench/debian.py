#!/usr/bin/env python3
"""Time the Debian tree (playbooks/debian.yml): a cold build, a rerun with nothing changed, and a rebuild
after changing only the stage4 stalk; for each, where the time went.

Not a test: it prints one run of each, on a tree of its own in a temporary directory, grown from a copy of
the base image so that no step of another tree is in the cache. `make bench-debian` runs it.
  start     starting the steps' containers (step_container)
  tasks     the steps' own tasks, over the community.docker connection
  commit    committing the containers as images (container_commit)
  other     the rest: ansible-playbook start-up, reading the tree, planning, removing containers
The raw floor (docker run + exec + commit + rm with the Docker SDK) and an empty play are measured in the
same run, as in bench/bench.py.
"""

import json
import statistics
import sys
import tempfile
import uuid
from pathlib import Path

import docker
import hjson

from bench import BASE, BIN, PROJECT, raw_step, remove_repositories, timed, write_tree

STALKS = ["debian_base", "debian_binaries", "debian_repo", "debian_stage4"]
PHASES = ("start", "tasks", "commit")


def debian_tree(directory, os_name, base):
    """inventories/debian.hjson under a name of its own, its root grown from base."""
    stalks = hjson.loads((PROJECT / "inventories" / "debian.hjson").read_text())["stalks"]
    stalks["debian_base"]["DOCKER_INIT_IMG"] = base
    return write_tree(directory, os_name, stalks, name="debian")


def split(directory, wall):
    """Steps built and seconds per phase, from the last-run.json that the steps callback wrote."""
    runs = json.loads((directory / "logs" / "last-run.json").read_text())
    built = [step for stalk in STALKS for step in runs.get(stalk, {}).values() if step["state"] == "built"]
    phases = {phase: sum(step[phase] for step in built) for phase in PHASES}
    phases["other"] = wall - sum(phases.values())
    return len(built), phases


def main():
    client = docker.from_env()
    box = client.containers.create(BASE, entrypoint=["/bin/true"])
    os_name = "kantoo-bench-" + uuid.uuid4().hex[:8]
    base = box.commit("kantoo-bench-base/" + os_name, "base")
    box.remove()
    playbook = [str(BIN / "ansible-playbook"), "playbooks/debian.yml"]
    rows = []
    try:
        with tempfile.TemporaryDirectory() as scratch:
            directory = Path(scratch)
            empty = directory / "empty.yml"
            empty.write_text("- hosts: localhost\n  gather_facts: false\n  tasks: []\n")
            raw = statistics.median(raw_step(client, "host") for _ in range(3))  # as the steps run
            empty_play = statistics.median(timed([playbook[0], str(empty)]) for _ in range(3))
            tree = debian_tree(directory, os_name, base.tags[0])
            for name in ("cold build", "rerun, nothing changed", "stage4 stalk changed"):
                if name == "stage4 stalk changed":
                    tree.write_text(tree.read_text().replace('"HOST_NAME": "stage4"', '"HOST_NAME": "pi"'))
                wall = timed(playbook + ["-i", str(tree)])
                rows.append((name, wall) + split(directory, wall))
    finally:
        remove_repositories(client, os_name)
        client.images.remove(base.id, force=True)

    print("Debian tree, %d stalks: one run each" % len(STALKS))
    print("  raw floor, one step (run+exec+commit+rm)  %6.2f s  (host network, as the steps)" % raw)
    print("  ansible-playbook, empty play              %6.2f s" % empty_play)
    print("  %-24s %8s %6s %8s %8s %8s %8s" % ("run", "wall", "steps", *PHASES, "other"))
    for name, wall, steps, phases in rows:
        print("  %-24s %7.2fs %6d %7.2fs %7.2fs %7.2fs %7.2fs" % (name, wall, steps, *(phases[p] for p in PHASES),
                                                                  phases["other"]))
    for name, wall, steps, phases in rows:
        if steps:
            machinery = (phases["start"] + phases["commit"]) / steps
            ansible = (phases["other"] - empty_play) / steps
            print("  %s, a step: start + commit %.2f s = %.1fx the raw floor; other - empty play %.2f s"
                  % (name, machinery, machinery / raw, ansible))
    print("  rerun, nothing changed - empty play = %.2f s = %.2f s a step" % (rows[1][1] - empty_play,
                                                                          (rows[1][1] - empty_play) / rows[0][2]))


if __name__ == "__main__":
    sys.exit(main())
