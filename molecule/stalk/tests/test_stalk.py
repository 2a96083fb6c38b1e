"""What kantoo.devkit.stalk grew from kantoo_molecule.hjson: an image per step, tagged and labelled with its cache
key, each stalk's last one also :final, the child started from its parent's final image."""

import json
import uuid

import docker
import pytest
import testinfra

BASE_IMAGE = "kantoo/debian:bookworm"
PREFIX = "kantoo-molecule/amd64/bookworm/"
STEPS = {"sprout": ["greet", "stamp"], "leaf": ["read_parent"]}
KEY_LABEL = "kantoo.devkit.key"


@pytest.fixture(scope="module")
def client():
    return docker.from_env()


def image(client, stalk, tag):
    return client.images.get("%s%s:%s" % (PREFIX, stalk, tag))


@pytest.mark.parametrize("stalk", STEPS)
def test_each_step_is_an_image_labelled_with_its_cache_key(client, stalk):
    keys = [image(client, stalk, step).labels.get(KEY_LABEL) for step in STEPS[stalk]]
    assert all(keys) and len(set(keys)) == len(keys)


@pytest.mark.parametrize("stalk", STEPS)
def test_the_last_step_is_final(client, stalk):
    assert image(client, stalk, "final").id == image(client, stalk, STEPS[stalk][-1]).id


@pytest.mark.parametrize("stalk, parent", [("sprout", BASE_IMAGE), ("leaf", PREFIX + "sprout:final")])
def test_a_stalk_starts_from_its_initial_image(client, stalk, parent):
    parent_id = client.images.get(parent).id
    assert image(client, stalk, "initial").id == parent_id
    first = image(client, stalk, STEPS[stalk][0])
    assert json.loads(first.labels["kantoo.devkit.inputs"])["parent"] == parent_id


def test_no_step_container_is_left(client):
    assert not [c for c in client.containers.list(all=True, filters={"label": "kantoo.devkit.stalk"})
                if c.labels["kantoo.devkit.stalk"] in STEPS]


@pytest.fixture(scope="module")
def leaf(client):
    """A container of leaf's final image, reached with testinfra."""
    box = client.containers.run(PREFIX + "leaf:final", ["sleep", "infinity"], detach=True,
                                name="kantoo-molecule-stalk-leaf-" + uuid.uuid4().hex[:8])
    try:
        yield testinfra.get_host("docker://" + box.name)
    finally:
        box.remove(force=True)


def test_the_final_image_holds_what_the_steps_wrote(leaf):
    assert leaf.file("/etc/kantoo-molecule-greeting").content_string == "hello from the molecule tree\n"
    assert leaf.file("/etc/kantoo-molecule-hostname").content_string == "sprout-host\n"
    assert leaf.file("/etc/kantoo-molecule-leaf").content_string == "hello from the molecule tree\n"
