"""End to end on the real engine: playbooks/hello_world.yml grows a tree of two stalks into images."""

import json
import os
import shutil
import textwrap
import time

import pytest

from conftest import PROJECT, playbook
from seed_output import SEED_LINES, step_lines
from scratch import copy_task, created_containers, grow, make_role, make_tree, write

FIXTURES = PROJECT / "tests" / "fixtures"
HELLO_STEPS = ["hello_from_sh", "hello_python_from_env", "hello_python_from_arg", "hello_python_from_explicit_env"]
@pytest.fixture
def tree(tmp_path, os_name, fresh_base):
    """A hello_world tree with a child stalk, in a scratch project that has the project's manifests."""
    shutil.copytree(PROJECT / "stalks", tmp_path / "stalks")
    shutil.copytree(FIXTURES / "stalks" / "writer", tmp_path / "stalks" / "writer")
    shutil.copytree(FIXTURES / "roles", tmp_path / "roles")
    (tmp_path / "inputs").mkdir()
    (tmp_path / "inputs" / "input.txt").write_text("input-data\n")
    (tmp_path / "artifacts").mkdir()
    path = tmp_path / "hello_world.hjson"
    path.write_text(textwrap.dedent("""
        {
          architecture: {"OS": "%s", "ARCH": "amd64", "SUBARCH": "bookworm"}
          stalks: {
            hello_world: {
              DOCKER_INIT_IMG: %s
              TREE_CONFIG_VAR: hello from stalker config
              writer: {}
            }
          }
        }
    """ % (os_name, fresh_base)))
    return path


def test_a_tree_becomes_a_chain_of_images_and_a_rerun_does_nothing(client, tree, os_name, fresh_base):
    started = time.time()
    cold = playbook("playbooks/hello_world.yml", "-i", tree)
    output = step_lines(cold.stdout)
    start = output.index(SEED_LINES[0])
    assert output[start:start + len(SEED_LINES)] == SEED_LINES

    hello = "%s/amd64/bookworm/hello_world" % os_name
    writer = "%s/amd64/bookworm/writer" % os_name
    image = {tag: client.images.get("%s:%s" % (hello, tag)) for tag in ["initial"] + HELLO_STEPS + ["final"]}
    assert image["initial"].id == client.images.get(fresh_base).id
    assert image["final"].id == image[HELLO_STEPS[-1]].id
    for parent, step in zip(["initial"] + HELLO_STEPS, HELLO_STEPS):
        assert image[step].attrs["Parent"] == image[parent].id, "%s must be committed on %s" % (step, parent)
        labels = image[step].labels
        assert labels["kantoo.devkit.stalk"] == "hello_world" and labels["kantoo.devkit.step"] == step
        assert len(labels["kantoo.devkit.key"]) == 64

    # the child starts from its parent's final; its steps saw the mounts, the options and the env
    assert client.images.get(writer + ":initial").id == image["final"].id
    assert client.images.get(writer + ":collect").attrs["Parent"] == image["final"].id
    assert (tree.parent / "artifacts" / "artifact.txt").read_text() == "from-envplugins writer-host input-data\n"
    assert "hello from f-string subsitution in a file\nwritten by collect" in cold.stdout
    final_env = client.images.get(writer + ":final").attrs["Config"]["Env"] or []
    assert not any(e.startswith("STALK_ENV=") for e in final_env), "step env must not be baked into images"
    # other runs may share the engine: only this tree's containers count
    assert not [c for c in client.containers.list(all=True, filters={"label": "kantoo.devkit.stalk"})
                if c.labels.get("kantoo.devkit.repository", "").startswith(os_name + "/")]

    # nothing changed: no container, no commit, no step output
    before = {t: i.id for t, i in image.items()}
    since = time.time()
    warm = playbook("playbooks/hello_world.yml", "-i", tree)
    assert created_containers(client, since, os_name=os_name) == []
    assert "hello from a python plugin" not in warm.stdout
    assert "changed=0" in warm.stdout.split("PLAY RECAP")[-1]
    assert "skipping: no hosts matched" in warm.stdout, "an up-to-date tree must not even plan its stalks again"
    assert {t: client.images.get("%s:%s" % (hello, t)).id for t in before} == before
    assert started  # the durations are measured by bench/, not here


def test_steps_share_the_hosts_network_unless_their_stalk_asks_for_its_own(client, tmp_path, os_name, fresh_base):
    """A network namespace of its own costs a container half its start; the stalk can still ask for one."""
    namespace = [{"name": "Read the network namespace", "ansible.builtin.command": "readlink /proc/self/ns/net",
                  "register": "net", "changed_when": False},
                 {"name": "Keep it", "ansible.builtin.copy": {"dest": "/net", "content": "{{ net.stdout }}",
                                                             "mode": "0644"}}]
    make_role(tmp_path, "shared", {"look": namespace})
    make_role(tmp_path, "own", {"look": namespace})
    write(tmp_path / "stalks/own/own.hjson", json.dumps({"DOCKER_OPTS": {"network_mode": "bridge"}}))
    tree = make_tree(tmp_path, os_name, {"shared": {"DOCKER_INIT_IMG": fresh_base},
                                         "own": {"DOCKER_INIT_IMG": fresh_base}})
    grow(tree)

    def seen(stalk):
        # the newline: Docker's log keeps an unfinished last line back, and the file has none
        return client.containers.run("%s/amd64/bookworm/%s:final" % (os_name, stalk), ["-c", "cat /net; echo"],
                                     entrypoint=["sh"], remove=True, network_mode="none").decode().strip()

    host = os.readlink("/proc/self/ns/net")  # the engine's too: it runs on this machine
    assert seen("shared") == host
    assert seen("own").startswith("net:[") and seen("own") != host


def test_a_playbook_that_grows_two_trees_grows_each_stalk_once(client, tmp_path, os_name, fresh_base):
    """kantoo_grow, the group of the stalks to grow, lasts the whole run: the second tree's play must not take
    the first tree's stalks with it."""
    make_role(tmp_path, "first", {"one": [copy_task("/first", "first")]})
    make_role(tmp_path, "second", {"one": [copy_task("/second", "second")]})
    trees = [make_tree(tmp_path, os_name, {stalk: {"DOCKER_INIT_IMG": fresh_base}}, name=stalk)
             for stalk in ("first", "second")]
    both = write(tmp_path / "both.yml", json.dumps([
        {"name": "Grow " + tree, "ansible.builtin.import_playbook": "kantoo.devkit.grow",
         "vars": {"kantoo_hosts": tree + "_tree"}} for tree in ("first", "second")]))
    run = playbook(both, "-i", trees[0], "-i", trees[1])
    planned = run.stdout.split("TASK [kantoo.devkit.stalk : Plan the steps")[1:]
    assert [p.split("ok: [")[1].split("]")[0] for p in planned] == ["first", "second"]
