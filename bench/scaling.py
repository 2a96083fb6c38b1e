#!/usr/bin/env python3
"""How growing scales: sibling stalks at once, and commit cost against the size of a step's change.

Not a test: it prints times and ratios measured in this run. `make bench` runs it.
  siblings    a parent with one child, then with two children, each child one 10 s step
  commit      kantoo.devkit.container_commit of 1 MB, 100 MB and 1 GB changes, on the base and on a base 1 GB larger
"""

import sys
import tempfile
import time
import uuid
from pathlib import Path

import docker

from bench import BASE, BIN, PROJECT, remove_repositories, timed, write_tree

sys.path.insert(0, str(PROJECT / "collections"))
from ansible_collections.kantoo.devkit.plugins.module_utils._commit import commit_container  # noqa: E402
from ansible_collections.kantoo.devkit.plugins.module_utils._engine import connect  # noqa: E402

NAP = [{"name": "Take 10 s", "ansible.builtin.command": "sleep 10", "changed_when": False}]


def siblings(client, children):
    """Seconds to grow a parent and `children` children of 10 s each, nothing cached."""
    import yaml

    os_name = "kantoo-bench-" + uuid.uuid4().hex[:8]
    with tempfile.TemporaryDirectory() as scratch:
        project = Path(scratch)
        for name in ["parent"] + ["child%d" % n for n in range(children)]:
            tasks = [{"name": "Write", "ansible.builtin.copy": {"dest": "/" + name, "content": os_name}}] \
                if name == "parent" else NAP
            role = project / "roles" / name / "tasks"
            role.mkdir(parents=True)
            (role / "main.yml").write_text(yaml.safe_dump([{"name": "Step s", "ansible.builtin.import_tasks": "s.yml"}]))
            (role / "s.yml").write_text(yaml.safe_dump(tasks))
        tree = write_tree(project, os_name, {"parent": dict(
            {"DOCKER_INIT_IMG": BASE}, **{"child%d" % n: {} for n in range(children)})})
        try:
            return timed([str(BIN / "ansible-playbook"), "playbooks/grow.yml", "-i", str(tree)])
        finally:
            remove_repositories(client, os_name)


def commit_seconds(client, image, megabytes):
    box = client.containers.run(image, entrypoint=["/bin/sh"], tty=True, detach=True)
    box.exec_run(["sh", "-c", "head -c %dM /dev/urandom > /change" % megabytes])
    start = time.perf_counter()
    result = commit_container(connect(), {"container": box.name, "repository": "kantoo-bench/commit", "tag": "t",
                                       "extra_tags": [], "labels": {}, "changes": [], "author": None,
                                       "comment": None, "keep_image_config": True})
    elapsed = time.perf_counter() - start
    box.remove(force=True)
    client.images.remove(result["image_id"])
    return elapsed


def main():
    client = docker.from_env()
    one, two = siblings(client, 1), siblings(client, 2)
    print("siblings: parent + 1 child of 10 s  %6.2f s" % one)
    print("          parent + 2 children       %6.2f s = %.2fx one child" % (two, two / one))

    box = client.containers.run(BASE, entrypoint=["/bin/sh"], tty=True, detach=True)
    box.exec_run(["sh", "-c", "head -c 1024M /dev/urandom > /ballast"])
    large = box.commit("kantoo-bench/large", "base")
    box.remove(force=True)
    try:
        print("commit of a change     on the base (%d MB)   on a base of %d MB" % (
            client.images.get(BASE).attrs["Size"] / 1e6, large.attrs["Size"] / 1e6))
        for megabytes in (1, 100, 1024):
            small_s, large_s = commit_seconds(client, BASE, megabytes), commit_seconds(client, large.id, megabytes)
            print("  %5d MB              %6.2f s             %6.2f s" % (megabytes, small_s, large_s))
    finally:
        client.images.remove(large.id)


if __name__ == "__main__":
    main()
