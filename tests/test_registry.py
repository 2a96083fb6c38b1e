"""A tree's REGISTRY: every step image is pushed under its tag and its cache key, and an engine with no images regrows
the tree from the registry without running a step. The registry (Debian's docker-registry) and the empty engine are
the test's own, on this machine (tests/engines.py), stopped by their pids."""

import json
import re
import time

import pytest

from conftest import playbook
from engines import ExtraEngine, Registry, free_port
from scratch import copy_task, created_containers, grow, make_role, make_tree, tags, write

from ansible_collections.kantoo.devkit.plugins.module_utils._registry import Registry as RegistryClient, delete_tags

PASSWORD = "registry-db-password"
ENV_TOKEN = "registry-env-token"


@pytest.fixture
def registry(tmp_path):
    with Registry(tmp_path / "registry") as running:
        yield running


@pytest.fixture
def empty_engine(tmp_path):
    extra = ExtraEngine(tmp_path / "engine").start()
    yield extra
    extra.close()


def shared_tree(project, os_name, base, registry):
    """A root of two steps (one reads a password through a default, its stalk's env holds a token) and a child."""
    make_role(project, "shared", {
        "one": [copy_task("/one", "{{ shared_password | hash('sha1') }}")],
        "two": [{"name": "Read the env", "ansible.builtin.shell": 'test -n "$BUILD_TOKEN" && echo two > /two',
                 "changed_when": True}],
    }, defaults={"shared_password": "{{ DB_PASSWORD }}"})
    write(project / "stalks/shared/shared.hjson", '{ envplugins: { BUILD_TOKEN: "%s" } }' % ENV_TOKEN)
    make_role(project, "leaf", {"only": [copy_task("/leaf", "leaf")]})
    tree = make_tree(project, os_name, {"shared": {"DOCKER_INIT_IMG": base, "DB_PASSWORD": PASSWORD, "leaf": {}}})
    data = json.loads(tree.read_text())
    data["globals"] = {"REGISTRY": registry}
    write(tree, json.dumps(data, indent=2))
    return tree


def held(client, repository):
    """tag -> image id of a repository in the registry."""
    return {tag: client.image_id(repository, tag) for tag in client.tags(repository)}


def test_an_empty_engine_regrows_a_tree_from_the_registry_without_running_a_step(
        client, tmp_path, os_name, fresh_base, registry, empty_engine):
    tree = shared_tree(tmp_path, os_name, fresh_base, registry.address)
    root, leaf = ("%s/amd64/bookworm/%s" % (os_name, stalk) for stalk in ("shared", "leaf"))
    remote = RegistryClient(registry.address)

    # grown on the default engine, every step image is pushed: its step tag, final, its key
    grow(tree)
    here = {stalk: tags(client, os_name, stalk) for stalk in ("shared", "leaf")}
    for stalk, repository, steps in (("shared", root, ["one", "two"]), ("leaf", leaf, ["only"])):
        keys = {"key-" + client.images.get(here[stalk][step]).labels["kantoo.devkit.key"]: here[stalk][step]
                for step in steps}
        assert held(remote, repository) == dict({step: here[stalk][step] for step in steps + ["final"]}, **keys)
    base_repository, base_tag = fresh_base.rsplit(":", 1)
    assert remote.image_id(base_repository, base_tag) == client.images.get(fresh_base).id, \
        "the root's initial image is pushed under its own name"

    # nothing secret in what the registry holds: labels hold HMACs, the env is the steps' and not the image's
    for tag in ("one", "two", "final"):
        config = json.dumps(remote.image_config(root, tag))
        assert PASSWORD not in config and ENV_TOKEN not in config and "BUILD_TOKEN" not in config
        assert "kantoo.devkit.key" in config

    # a stalk up to date on its engine whose images the registry lacks is not up to date: they are pushed again
    pushed = held(remote, leaf)
    delete_tags(remote, leaf)
    since = time.time()
    grow(tree)
    assert created_containers(client, since, os_name=os_name) == []
    assert held(remote, leaf) == pushed
    # ... and so does push.yml, on its own; what the registry holds it leaves alone
    delete_tags(remote, leaf)
    playbook("playbooks/push.yml", "-i", tree, "-e", "tree=tree")
    assert held(remote, leaf) == pushed
    again = playbook("playbooks/push.yml", "-i", tree, "-e", "tree=tree").stdout.split("PLAY RECAP")[-1]
    assert set(re.findall(r"changed=(\d+)", again)) == {"0"}, again

    # an engine with no images at all: check mode counts the registry's steps as cached and pulls nothing
    extra = empty_engine.client()
    checked = grow(tree, "--check", "-e", "stalk_explain=true", DOCKER_HOST=empty_engine.url)
    assert "two: cached in the registry" in checked.stdout and "only: cached in the registry" in checked.stdout
    assert extra.images.list(all=True) == []

    # ... and grows the tree by pulling, with no step container: the same images, the same ids
    since = time.time()
    grow(tree, "-e", "stalk_explain=true", DOCKER_HOST=empty_engine.url)
    assert created_containers(extra, since) == []
    there = {stalk: tags(extra, os_name, stalk) for stalk in ("shared", "leaf")}
    assert there == here
    assert extra.images.get(fresh_base).id == client.images.get(fresh_base).id
    assert [i for i in extra.images.list() if any(t.startswith(registry.address) for t in i.tags)] == [], \
        "the engine keeps no name of the registry's"

    # a changed task rebuilds that step only, on that engine, and pushes it
    write(tmp_path / "roles/leaf/tasks/only.yml", (tmp_path / "roles/leaf/tasks/only.yml").read_text()
          .replace("content: leaf", "content: leaf, changed"))
    since = time.time()
    run = grow(tree, "-e", "stalk_explain=true", DOCKER_HOST=empty_engine.url)
    assert [e["Actor"]["Attributes"]["kantoo.devkit.step"] for e in created_containers(extra, since)] == ["only"]
    assert "one: cached" in run.stdout and "only: rebuilt, file tasks/only.yml changed" in run.stdout
    after = tags(extra, os_name, "leaf")
    assert after["final"] != here["leaf"]["final"] and tags(extra, os_name, "shared") == here["shared"]
    assert held(remote, leaf)["final"] == after["final"]

    # prune_registry deletes the stalks' tags from the registry too
    playbook("playbooks/prune.yml", "-i", tree, "-e", "stalk=shared", "-e", "prune_registry=true")
    assert remote.tags(root) == [] and remote.tags(leaf) == []
    assert remote.image_id(base_repository, base_tag) is not None, "an image from outside the tree stays"


def test_a_registry_that_does_not_answer_stops_the_run_before_any_container(client, tmp_path, os_name, fresh_base):
    address = "127.0.0.1:%d" % free_port()
    tree = shared_tree(tmp_path, os_name, fresh_base, address)
    since = time.time()
    run = grow(tree, check=False)
    assert run.returncode != 0 and "Traceback" not in run.stdout
    assert re.search(r"tree.hjson: stalk '(shared|leaf)': cannot reach the registry %s at http://%s/v2/: .*"
                     r"Start it, or fix REGISTRY" % (re.escape(address), re.escape(address)), run.stdout), run.stdout
    assert created_containers(client, since, os_name=os_name) == []
