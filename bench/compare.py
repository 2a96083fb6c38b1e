#!/usr/bin/env python3
"""The same four-step hello world with kantoo, a Dockerfile, Packer and ansible-bender, on this machine.

Not a test: it prints the cold and the warm (nothing changed) time of each, measured in this run.
Packer (Debian's packer) and ansible-bender (pip, with Debian's buildah and podman) are measured when installed.
"""

import json
import shutil
import subprocess
import tempfile
import uuid
from pathlib import Path

import docker

from bench import BASE, BIN, PROJECT, STEPS, dockerfile_build, remove_repositories, timed, write_tree


def twice(args, cwd):
    """Cold then warm seconds, each None when the build failed."""
    times = []
    for _ in range(2):
        try:
            times.append(timed(args, cwd))
        except subprocess.CalledProcessError:
            times.append(None)
    return tuple(times)


def kantoo(client, scratch):
    os_name = "kantoo-bench-" + uuid.uuid4().hex[:8]
    tree = write_tree(scratch, os_name)
    try:
        return twice([str(BIN / "ansible-playbook"), "playbooks/hello_world.yml", "-i", str(tree)], PROJECT)
    finally:
        remove_repositories(client, os_name)


def dockerfile(client, scratch):
    return dockerfile_build(client, scratch), dockerfile_build(client, scratch, cache=True)


def packer(client, scratch):
    if not shutil.which("packer"):
        return "not installed (apt-get install packer)"
    template = {"builders": [{"type": "docker", "image": BASE, "commit": True, "pull": False,
                              "run_command": ["-d", "-i", "-t", "--entrypoint=/bin/sh", "--", "{{.Image}}"]}],
                "provisioners": [{"type": "shell", "inline": [step]} for step in STEPS],
                "post-processors": [{"type": "docker-tag", "repository": "kantoo-bench/packer", "tags": ["final"]}]}
    (scratch / "packer.json").write_text(json.dumps(template))
    result = twice(["packer", "build", "packer.json"], scratch)
    client.images.remove("kantoo-bench/packer:final")
    return result


def ansible_bender(scratch):
    if not shutil.which("ansible-bender", path=str(BIN)) or not shutil.which("podman"):
        return "not installed (pip install ansible-bender; apt-get install buildah podman)"
    # buildah looks base images up in its own storage: copy the base there from Docker's
    local = "localhost/kantoo-bench-base:latest"
    subprocess.run(["podman", "pull", "-q", "docker-daemon:" + BASE], check=True, capture_output=True)
    subprocess.run(["podman", "tag", BASE, local], check=True, capture_output=True)
    play = [{"hosts": "all", "gather_facts": False,
             "vars": {"ansible_bender": {"base_image": local,
                                         "target_image": {"name": "kantoo-bench/bender"}}},
             "tasks": [{"name": "Step %d" % n, "ansible.builtin.command": step} for n, step in enumerate(STEPS)]}]
    (scratch / "bender.yml").write_text(json.dumps(play))
    return twice([str(BIN / "ansible-bender"), "build", "bender.yml"], scratch)


def main():
    client = docker.from_env()
    with tempfile.TemporaryDirectory() as scratch:
        scratch = Path(scratch)
        results = {"kantoo (roles/hello_world, 4 steps)": kantoo(client, scratch),
                   "Dockerfile (4 RUN, legacy builder, host network)": dockerfile(client, scratch),
                   "Packer docker builder (4 shell provisioners)": packer(client, scratch),
                   "ansible-bender (4 tasks)": ansible_bender(scratch)}
    print("%-50s %8s %8s" % ("four steps on %s" % BASE, "cold", "warm"))
    for name, result in results.items():
        if isinstance(result, tuple):
            print("%-50s %8s %8s" % (name, *("%.2fs" % t if t is not None else "failed" for t in result)))
        else:
            print("%-50s %s" % (name, result))


if __name__ == "__main__":
    main()
