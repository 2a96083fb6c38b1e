"""Fixtures: the project's tools, a real Docker engine, and scratch trees whose images are removed afterwards."""

import os
import subprocess
import sys
import uuid
from pathlib import Path

import docker
import pytest

PROJECT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
BASE_IMAGE = "kantoo/debian:bookworm"
sys.path.insert(0, str(PROJECT / "collections"))


def ansible_env(**extra):
    env = dict(os.environ)
    env["PATH"] = "%s:%s" % (BIN, env.get("PATH", ""))
    env["ANSIBLE_CONFIG"] = str(PROJECT / "ansible.cfg")
    env["ANSIBLE_FORCE_COLOR"] = "0"
    env["ANSIBLE_NOCOLOR"] = "1"
    env.update(extra)
    return env


def run(args, cwd=PROJECT, check=True, **env):
    """Run a command of the venv; returns the CompletedProcess with stdout and stderr merged."""
    proc = subprocess.run(args, cwd=cwd, env=ansible_env(**env), stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                          text=True, timeout=1800)
    if check and proc.returncode != 0:
        raise AssertionError("%s failed with %d:\n%s" % (" ".join(map(str, args)), proc.returncode, proc.stdout))
    return proc


def playbook(*args, **kwargs):
    return run([str(BIN / "ansible-playbook")] + [str(a) for a in args], **kwargs)


@pytest.fixture(scope="session")
def client():
    return docker.from_env()


@pytest.fixture(scope="session")
def base_image(client):
    """The base image that `make setup` makes; tests need it and never remove it."""
    client.images.get(BASE_IMAGE)
    return BASE_IMAGE


@pytest.fixture
def fresh_base(client, base_image):
    """A base image of its own (the base plus an empty layer), so that no cached step of another tree matches."""
    box = client.containers.create(base_image, entrypoint=["/bin/true"])
    image = box.commit("kantoo-test-base/" + uuid.uuid4().hex[:8], "base")
    box.remove()
    yield image.tags[0]
    try:
        client.images.remove(image.id, force=True)
    except docker.errors.NotFound:  # the test's own clean-up took it, through a tag of its trees
        pass


@pytest.fixture
def os_name(client, fresh_base):
    """A unique OS name, so that a test's image repositories are its own; they are removed afterwards,
    before the fresh base they grew from."""
    name = "kantoo-test-" + uuid.uuid4().hex[:8]
    yield name
    for container in client.containers.list(all=True, ignore_removed=True, filters={"label": "kantoo.devkit.stalk"}):
        if container.labels.get("kantoo.devkit.stalk") and (container.image.tags or [""])[0].startswith(name + "/"):
            container.remove(force=True)
    ours = [i for i in client.images.list(all=True)
            if any(t.startswith(name + "/") for t in i.tags)
            or i.labels.get("kantoo.devkit.repository", "").startswith(name + "/")]
    for image in sorted(ours, key=lambda i: i.attrs["Created"], reverse=True):
        try:
            if any(not t.startswith(name + "/") for t in image.tags):
                for tag in image.tags:  # a base image the tree started from: only the test's tags go
                    if tag.startswith(name + "/"):
                        client.images.remove(tag)
            else:
                client.images.remove(image.id, force=True)
        except docker.errors.NotFound:
            pass
