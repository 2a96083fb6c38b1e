"""The container_commit module against the real engine: through Ansible, and as a module on its own."""

import json
import subprocess
import sys
import time
import uuid

import docker
import pytest

from conftest import PROJECT, playbook

MODULE = PROJECT / "collections/ansible_collections/kantoo/devkit/plugins/modules/container_commit.py"


@pytest.fixture
def container(client, base_image):
    """A running container that changed its file system, and the repository to commit it to."""
    box = client.containers.run(base_image, entrypoint=["/bin/sh"], tty=True, detach=True)
    box.exec_run(["sh", "-c", "echo built > /built"])
    repository = "kantoo-test-commit/" + uuid.uuid4().hex[:8]
    yield box, repository
    try:
        box.remove(force=True)
    except docker.errors.NotFound:  # the commit removed it
        pass
    for image in client.images.list(repository):
        for tag in image.tags:
            client.images.remove(tag)


def commit(tmp_path, args, *flags):
    play = [{"hosts": "localhost", "gather_facts": False, "connection": "local",
             "vars": {"ansible_python_interpreter": sys.executable},
             "tasks": [{"kantoo.devkit.container_commit": args, "register": "out"},
                       {"ansible.builtin.copy": {"content": "{{ out | to_json }}", "dest": str(tmp_path / "out.json")},
                        "check_mode": False}]}]
    (tmp_path / "play.yml").write_text(json.dumps(play))
    proc = playbook(tmp_path / "play.yml", "-i", "localhost,", *flags, check=False)
    out = tmp_path / "out.json"
    return proc, (json.loads(out.read_text()) if out.exists() else None)


def test_commit_tags_labels_and_keeps_the_image_config(client, container, tmp_path):
    box, repository = container
    proc, out = commit(tmp_path, {
        "container": box.name, "repository": repository, "tag": "one", "extra_tags": ["final"],
        "labels": {"org.example.step": "one"}, "changes": ["ENV FOO=bar"], "author": "tester", "comment": "why"})
    assert proc.returncode == 0, proc.stdout
    assert out["changed"] is True and out["tags"] == ["one", "final"]
    image = client.images.get(repository + ":one")
    assert image.id == out["image_id"] == client.images.get(repository + ":final").id
    assert out["parent_image_id"] == box.attrs["Image"]
    config = image.attrs["Config"]
    assert config["Labels"] == {"org.example.step": "one"}
    assert "FOO=bar" in config["Env"]
    assert config["Entrypoint"] in (None, []) and config["Cmd"] is None and config["Tty"] is False, \
        "how the container was kept running leaked into the image"
    assert image.attrs["Author"] == "tester" and image.attrs["Comment"] == "why"
    assert client.containers.run(image.id, ["cat", "/built"], remove=True) == b"built\n"


def exists(client, name):
    try:
        client.containers.get(name)
        return True
    except docker.errors.NotFound:
        return False


def test_remove_takes_the_container_away_once_committed(client, container, tmp_path):
    box, repository = container
    proc, out = commit(tmp_path, {"container": box.name, "repository": repository, "tag": "one", "remove": True})
    assert proc.returncode == 0, proc.stdout
    deadline = time.time() + 30  # on the controller, the removal runs in the background
    while exists(client, box.name) and time.time() < deadline:
        time.sleep(0.2)
    assert not exists(client, box.name), "the container outlived its commit"
    assert client.containers.run(out["image_id"], ["cat", "/built"], remove=True) == b"built\n"


def test_check_mode_commits_nothing(client, container, tmp_path):
    box, repository = container
    proc, out = commit(tmp_path, {"container": box.name, "repository": repository, "tag": "one"}, "--check")
    assert proc.returncode == 0, proc.stdout
    assert out["changed"] is True and out["image_id"] is None
    assert client.images.list(repository) == []


def test_a_missing_container_is_one_clear_message(tmp_path):
    proc, _ = commit(tmp_path, {"container": "no-such-container", "repository": "kantoo-test-commit/none"})
    assert proc.returncode != 0
    assert "container 'no-such-container' does not exist" in proc.stdout
    assert "Traceback" not in proc.stdout


def test_the_module_runs_on_its_own(client, container, tmp_path):
    """The path a remote target takes: the module file itself, not the controller-side action."""
    box, repository = container
    args = tmp_path / "args.json"
    args.write_text(json.dumps({"ANSIBLE_MODULE_ARGS": {"container": box.name, "repository": repository,
                                                        "tag": "solo", "remove": True}}))
    proc = subprocess.run([sys.executable, str(MODULE), str(args)], capture_output=True, text=True,
                          env={"PYTHONPATH": str(PROJECT / "collections")})
    result = json.loads(proc.stdout)
    assert result["changed"] is True, proc.stderr
    assert client.images.get(repository + ":solo").id == result["image_id"]
    assert not exists(client, box.name), "the module removes the container before it returns"
