"""prune.yml removes a stalk's images and its descendants', nothing else; shell.yml gives the command of a shell."""

import json

from conftest import playbook
from scratch import copy_task, grow, make_role, make_tree, tags, write


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

    run = playbook("playbooks/prune.yml", "-i", tree, "-e", "stalk=p1")
    assert "p2" in run.stdout.split("PLAY RECAP")[-1]
    assert tags(client, os_name, "p1") == {} and tags(client, os_name, "p2") == {}
    left = [i for i in client.images.list(all=True)
            if i.labels.get("kantoo.devkit.repository", "").startswith("%s/amd64/bookworm/p" % os_name)]
    assert {i.labels["kantoo.devkit.stalk"] for i in left} == {"p3"}
    assert tags(client, os_name, "p3") == p3
    client.images.get(fresh_base)
    assert (tmp_path / "artifacts/artifact.txt").read_text() == "kept, again"

    unknown = playbook("playbooks/prune.yml", "-i", tree, "-e", "stalk=nope", check=False)
    assert unknown.returncode != 0 and "Name a stalk of the inventory with -e stalk=<name>" in unknown.stdout


def test_shell_prints_the_command_with_the_stalks_mounts_and_env(tmp_path, os_name, fresh_base):
    tree = project(tmp_path, os_name, fresh_base)
    grow(tree)
    run = playbook("playbooks/shell.yml", "-i", tree, "-e", "stalk=p1", "-e", "step=write")
    command = next(line for line in run.stdout.splitlines() if '"msg": "docker run' in line)
    assert "--hostname p1-host" in command
    assert "--mount type=bind,src=%s,dst=/out" % (tmp_path / "artifacts") in command
    assert "-e PLAIN=visible" in command and "-e DB_PASSWORD " in command
    assert "hunter2" not in run.stdout
    assert command.rstrip('"').endswith("--entrypoint /bin/sh %s/amd64/bookworm/p1:write" % os_name)
