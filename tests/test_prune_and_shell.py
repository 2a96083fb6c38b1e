"""prune.yml removes a stalk's images and its descendants', nothing else; shell.yml gives the command of a shell."""

import json
import re
import shlex
import time

import docker
import pytest

from conftest import playbook, run
from scratch import copy_task, created_containers, grow, make_role, make_tree, tags, write


def project(tmp_path, os_name, base):
    make_role(tmp_path, "p1", {"write": [{"name": "Collect an artifact", "ansible.builtin.copy": {
        "dest": "/out/artifact.txt", "content": "kept", "mode": "0644"}}]})
    make_role(tmp_path, "p2", {"child": [copy_task("/child", "child")]})
    make_role(tmp_path, "p3", {"other": [copy_task("/other", "other")]})
    write(tmp_path / "stalks/p1/p1.hjson", json.dumps({
        "DOCKER_OPTS": {"privileged": False, "hostname": "p1-host"},
        "envplugins": {"PLAIN": "visible", "DB_PASSWORD": "hunter2-secret"},
        "plugins": {"out": {"path": "artifacts", "bind": "/out", "mode": "rw"}}}))
    (tmp_path / "artifacts").mkdir()
    return make_tree(tmp_path, os_name, {"p1": {"DOCKER_INIT_IMG": base, "p2": {}}, "p3": {"DOCKER_INIT_IMG": base}})


def test_prune_removes_the_stalk_and_its_descendants_and_keeps_artifacts(client, tmp_path, os_name, fresh_base):
    tree = project(tmp_path, os_name, fresh_base)
    grow(tree)
    assert (tmp_path / "artifacts/artifact.txt").read_text() == "kept"
    p3 = tags(client, os_name, "p3")
    write(tmp_path / "roles/p1/tasks/write.yml", (tmp_path / "roles/p1/tasks/write.yml").read_text()
          .replace("content: kept", "content: kept, again"))
    grow(tree)  # an older, untagged version of p1 and p2 exists now too

    pruned = playbook("playbooks/prune.yml", "-i", tree, "-e", "stalk=p1")
    assert "p2" in pruned.stdout.split("PLAY RECAP")[-1]
    assert tags(client, os_name, "p1") == {} and tags(client, os_name, "p2") == {}
    left = [i for i in client.images.list(all=True)
            if i.labels.get("kantoo.devkit.repository", "").startswith("%s/amd64/bookworm/p" % os_name)]
    assert {i.labels["kantoo.devkit.stalk"] for i in left} == {"p3"}
    assert tags(client, os_name, "p3") == p3
    client.images.get(fresh_base)
    assert (tmp_path / "artifacts/artifact.txt").read_text() == "kept, again"

    unknown = playbook("playbooks/prune.yml", "-i", tree, "-e", "stalk=nope", check=False)
    assert unknown.returncode != 0 and "Name a stalk of the inventory with -e stalk=<name>" in unknown.stdout


def test_prune_of_one_stalk_only_keeps_its_descendants(client, tmp_path, os_name, fresh_base):
    tree = project(tmp_path, os_name, fresh_base)
    grow(tree)
    p1, p2 = tags(client, os_name, "p1"), tags(client, os_name, "p2")
    playbook("playbooks/prune.yml", "-i", tree, "-e", "stalk=p1", "-e", "prune_descendants=false")
    assert tags(client, os_name, "p1") == {}
    assert tags(client, os_name, "p2") == p2, "the children keep their images, and the parent's they are built on"
    since = time.time()
    grow(tree)
    assert tags(client, os_name, "p1") == p1, "the kept images are found in the cache again"
    assert created_containers(client, since, os_name=os_name) == []


def test_shell_prints_the_command_with_the_stalks_mounts_and_env(tmp_path, os_name, fresh_base):
    tree = project(tmp_path, os_name, fresh_base)
    grow(tree)
    shell = playbook("playbooks/shell.yml", "-i", tree, "-e", "stalk=p1", "-e", "step=write")
    command = next(line for line in shell.stdout.splitlines() if '"msg": "docker run' in line)
    assert "--hostname p1-host" in command
    assert "--mount type=bind,src=%s,dst=/out" % (tmp_path / "artifacts") in command
    assert "-e PLAIN=visible" in command and "-e DB_PASSWORD " in command
    assert "hunter2" not in shell.stdout
    assert command.rstrip('"').endswith("--entrypoint /bin/sh %s/amd64/bookworm/p1:write" % os_name)


def test_prune_keeps_the_base_image_of_a_root_stalk_and_removes_what_the_tree_built(client, tmp_path, os_name,
                                                                                     base_image):
    # kantoo-shaped: the root sets no DOCKER_INIT_IMG, so it starts from <prefix>/<root>:initial, which is the
    # only name of a base image made outside the tree (as an imported stage3 is)
    make_role(tmp_path, "kroot", {"one": [copy_task("/one", "1")], "two": [copy_task("/two", "2")]})
    make_role(tmp_path, "kleaf", {"leaf": [copy_task("/leaf", "leaf")]})
    tree = make_tree(tmp_path, os_name, {"kroot": {"kleaf": {}}})
    initial = "%s/amd64/bookworm/kroot:initial" % os_name
    box = client.containers.create(base_image, entrypoint=["/bin/true"])
    base = box.commit(*initial.split(":"))
    box.remove()
    grow(tree)
    built = [i.id for i in client.images.list(all=True, filters={"label": "kantoo.devkit.repository"})
             if i.labels["kantoo.devkit.repository"].startswith(os_name + "/")]
    assert len(built) == 3

    pruned = playbook("playbooks/prune.yml", "-i", tree, "-e", "stalk=kroot")
    assert client.images.get(base.id).tags == [initial]
    assert "%s: kept, since it is the only name of an image this tree did not build" % initial in pruned.stdout
    assert tags(client, os_name, "kroot") == {"initial": base.id} and tags(client, os_name, "kleaf") == {}
    for image in built:
        with pytest.raises(docker.errors.ImageNotFound):
            client.images.get(image)


def test_a_failed_step_is_reported_once_with_a_shell_command_that_works_as_printed(tmp_path, os_name, fresh_base):
    make_role(tmp_path, "failing", {"boom": [{"name": "Break on purpose", "ansible.builtin.shell": "exit 3",
                                              "changed_when": True}]})
    tree = make_tree(tmp_path, os_name, {"failing": {"DOCKER_INIT_IMG": fresh_base}})
    failed = grow(tree, check=False)
    assert failed.returncode != 0
    report = "Stalk failing: step boom failed in task 'Break on purpose' with exit code 3"
    fatal = [line for line in failed.stdout.splitlines() if line.startswith("fatal: [failing]") and report in line]
    assert len(fatal) == 1, failed.stdout
    # ansible-core prints a failed task twice: its [ERROR] summary, then its fatal: line
    assert failed.stdout.count(report) == 2, failed.stdout

    command = re.search(r"Open a shell in it with: (.*?-e step=boom-failed)\. The next run", fatal[0]).group(1)
    assert "-i %s" % tree in command
    shell = run(shlex.split(command), check=False)
    assert shell.returncode == 0, shell.stdout
    assert "--entrypoint /bin/sh %s/amd64/bookworm/failing:boom-failed" % os_name in shell.stdout

    missing = playbook("playbooks/shell.yml", "-i", tree, "-e", "stalk=nope", check=False)
    assert missing.returncode != 0
    assert "No stalk 'nope' in the inventory (%s)" % tree in missing.stdout
