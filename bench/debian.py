#!/usr/bin/env python3
"""Time the Debian tree (playbooks/debian.yml): a cold build, a rerun with nothing changed, and a rebuild
after changing only the stage4 stalk; for each, where the time went. Then the same three runs of
bench/debian.Dockerfile, the same work as one multi-stage Dockerfile (legacy builder, as on this machine), and the
tree's times against its.

Not a test: it prints one run of each, on a tree of its own in a temporary directory, grown from a copy of
the base image so that no step of another tree is in the cache. `make bench-debian` runs it.
  start     starting the steps' containers (step_container)
  tasks     the steps' own tasks, over the community.docker connection
  commit    committing the containers as images (container_commit)
  other     the rest: ansible-playbook start-up, reading the tree, planning, removing containers
The raw floor (docker run + exec + commit + rm with the Docker SDK) and an empty play are measured in the
same run, as in bench/bench.py. A Dockerfile run is `docker build` from the same copy of the base (--no-cache when
cold; the change is the build ARG HOST_NAME) and, when the image changed, `docker create` + `docker cp` of its
stage4.tar and boot.tar; both runs' tarballs are compared at the end.
"""

import json
import os
import statistics
import sys
import tarfile
import tempfile
import uuid
from pathlib import Path

import docker
import hjson

from bench import BASE, BIN, PROJECT, raw_step, remove_repositories, timed, write_tree

STALKS = ["debian_base", "debian_binaries", "debian_repo", "debian_stage4"]
PHASES = ("start", "tasks", "commit")
RUNS = ("cold build", "rerun, nothing changed", "stage4 stalk changed")
os.environ["DOCKER_BUILDKIT"] = "0"  # the legacy builder: this machine has no buildx


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


def dockerfile_run(client, directory, base, tag, host_name, cache):
    """Seconds of one build of bench/debian.Dockerfile, and of taking its tarballs out when the image changed."""
    context, out = directory / "context", directory / "dockerfile-stage4s"
    context.mkdir(exist_ok=True)
    out.mkdir(exist_ok=True)
    before = client.images.get(tag).id if cache else None
    dockerfile = str(PROJECT / "bench" / "debian.Dockerfile")
    wall = timed(["docker", "build", "--force-rm", "--network", "host", "-f", dockerfile, "-t", tag,
                  "--build-arg", "BASE=" + base, "--build-arg", "HOST_NAME=" + host_name]
                 + ([] if cache else ["--no-cache"]) + [str(context)])
    if client.images.get(tag).id != before:
        box = tag.replace("/", "-").replace(":", "-")
        wall += timed(["docker", "create", "--name", box, tag])
        wall += timed(["docker", "cp", box + ":/kantoo/stage4s/.", str(out)])
        wall += timed(["docker", "rm", box])
    return wall


def remove_descendants(client, root):
    """Every image grown from root, the deepest first (a parent goes only after its children): the legacy builder
    keeps each stage and layer as an image. One listing, without an inspection per image: others' images come
    and go meanwhile."""
    images = client.api.images(all=True)
    parent = {image["Id"]: image["ParentId"] for image in images}

    def depth(image_id):
        """How far below root the image is; 0 when it is not grown from root."""
        steps = 0
        while image_id and image_id != root.id:
            image_id, steps = parent.get(image_id), steps + 1
        return steps if image_id == root.id else 0

    for _depth, image_id in sorted(((depth(i["Id"]), i["Id"]) for i in images), reverse=True):
        if not _depth:
            break
        try:
            client.images.remove(image_id, force=True)
        except docker.errors.NotFound:  # an untagged parent that removing its child took
            pass


def compare_tarballs(tree_dir, dockerfile_dir):
    """A line a tarball: entries and size of the tree's and the Dockerfile's, and the names only one has."""
    lines = []
    for name in ("stage4.tar", "boot.tar"):
        sides = []
        for path in (tree_dir / name, dockerfile_dir / name):
            with tarfile.open(path) as tar:
                sides.append((set(tar.getnames()), path.stat().st_size))
        only = sorted(sides[0][0] ^ sides[1][0])
        lines.append("  %-10s tree %5d entries %7.1f MB, Dockerfile %5d entries %7.1f MB; names in only one: %d %s"
                     % (name, len(sides[0][0]), sides[0][1] / 1e6, len(sides[1][0]), sides[1][1] / 1e6, len(only),
                        " ".join(only[:6])))
    return lines


def main():
    client = docker.from_env()
    box = client.containers.create(BASE, entrypoint=["/bin/true"])
    os_name = "kantoo-bench-" + uuid.uuid4().hex[:8]
    base = box.commit("kantoo-bench-base/" + os_name, "base")
    box.remove()
    playbook = [str(BIN / "ansible-playbook"), "playbooks/debian.yml"]
    rows, dockerfile_rows = [], []
    try:
        with tempfile.TemporaryDirectory() as scratch:
            directory = Path(scratch)
            empty = directory / "empty.yml"
            empty.write_text("- hosts: localhost\n  gather_facts: false\n  tasks: []\n")
            raw = statistics.median(raw_step(client, "host") for _ in range(3))  # as the steps run
            empty_play = statistics.median(timed([playbook[0], str(empty)]) for _ in range(3))
            tree = debian_tree(directory, os_name, base.tags[0])
            for name in RUNS:
                if name == "stage4 stalk changed":
                    tree.write_text(tree.read_text().replace('"HOST_NAME": "stage4"', '"HOST_NAME": "pi"'))
                wall = timed(playbook + ["-i", str(tree)])
                rows.append((name, wall) + split(directory, wall))
            tag = "kantoo-bench-dockerfile/%s:export" % os_name
            for name, host_name, cache in (("cold build, --no-cache", "stage4", False),
                                           ("rebuild, nothing changed", "stage4", True),
                                           ("build ARG HOST_NAME=pi", "pi", True)):
                dockerfile_rows.append((name, dockerfile_run(client, directory, base.tags[0], tag, host_name, cache)))
            same = compare_tarballs(directory / "sab_workspace/debian/stage4s", directory / "dockerfile-stage4s")
    finally:
        remove_repositories(client, os_name)
        remove_descendants(client, base)
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
    print("The same work as a Dockerfile (bench/debian.Dockerfile, 5 stages): one run each")
    for (name, wall), tree_row in zip(dockerfile_rows, rows):
        print("  %-24s %7.2fs   tree's %s / this = %.2fx" % (name, wall, tree_row[0], tree_row[1] / wall))
    print("  Debian tree cold / Dockerfile cold = %.2fx (goal <= 1.3x)" % (rows[0][1] / dockerfile_rows[0][1]))
    print("Their last tarballs (HOST_NAME pi), tree against Dockerfile")
    print("\n".join(same))


if __name__ == "__main__":
    sys.exit(main())
