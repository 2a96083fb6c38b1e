"""The standard-library client of the Docker Engine API that planning uses, against the real engine."""

import subprocess
import sys
import uuid

import pytest

from conftest import PROJECT
from ansible_collections.kantoo.devkit.plugins.module_utils import engine


def test_it_answers_as_the_sdk_does(client, base_image):
    api = engine.connect()
    assert engine.find_image(api, base_image) == client.images.get(base_image).id
    assert engine.find_image(api, "kantoo-test-none/missing:tag") is None

    repository = "kantoo-test-engine/" + uuid.uuid4().hex[:8]
    image = client.images.get(base_image).id
    try:
        assert engine.tag_image(api, image, repository, "one") is True
        assert engine.tag_image(api, image, repository, "one") is False, "an unmoved tag is no change"
        assert client.images.get(repository + ":one").id == image
        listed = api.images(all=True, filters={"reference": repository})
        assert [i["Id"] for i in listed] == [image]
    finally:
        client.images.remove(repository + ":one")

    box = client.containers.create(base_image, entrypoint=["/bin/true"], labels={"kantoo.devkit.test": repository})
    assert [c["Id"] for c in api.containers(all=True, filters={"label": "kantoo.devkit.test=" + repository})] \
        == [box.id]
    api.remove_container(box.id, v=True, force=True)
    with pytest.raises(engine.EngineError) as error:
        api.remove_container(box.id)
    assert error.value.status_code == 404 and box.id in error.value.explanation


def test_no_daemon_is_one_clear_message(tmp_path):
    with pytest.raises(engine.DockerUnavailable) as error:
        engine.connect("unix://%s/docker.sock" % tmp_path)
    assert "cannot reach the Docker daemon at unix://%s/docker.sock" % tmp_path in str(error.value)
    assert "make setup" in str(error.value)


def test_planning_does_not_import_the_docker_sdk():
    """The SDK costs 0.12 s to import: a run with nothing to do must not pay it."""
    code = ("import sys; sys.path.insert(0, 'collections');"
            "import ansible_collections.kantoo.devkit.plugins.action.stalk_plan;"
            "import ansible_collections.kantoo.devkit.plugins.action.stalk_done;"
            "print(sorted(m for m in sys.modules if m.split('.')[0] in ('docker', 'requests')))")
    proc = subprocess.run([sys.executable, "-c", code], cwd=PROJECT, capture_output=True, text=True, check=True)
    assert proc.stdout.strip() == "[]", proc.stdout
