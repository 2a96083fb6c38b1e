"""Unit tests of the collection's plugins: nothing here needs a Docker engine.

The collection is imported as ansible_collections.kantoo.devkit from the project's collections/ folder.
Every test runs with DOCKER_HOST pointing nowhere, so a test that reached for an engine would fail; the
end-to-end tests, against a real engine, are the project's tests/."""

import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

COLLECTIONS = Path(__file__).resolve().parents[5]
if str(COLLECTIONS) not in sys.path:
    sys.path.insert(0, str(COLLECTIONS))

NO_ENGINE = "unix:///nonexistent/kantoo-unit-tests/docker.sock"


@pytest.fixture(autouse=True)
def no_docker_engine(monkeypatch):
    """No engine for a unit test, nor for the ansible-inventory or ansible-doc it runs."""
    monkeypatch.setenv("DOCKER_HOST", NO_ENGINE)


def write_text(path, text):
    """Write dedented text, making the folders; returns the path."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text))
    return path


@pytest.fixture
def write():
    """write(path, text): a file of dedented text, its folders made; returns the path."""
    return write_text


def tool_path(name):
    """An Ansible command of the running Python's environment, else of PATH."""
    beside = Path(sys.executable).parent / name
    return str(beside) if beside.exists() else shutil.which(name) or name


@pytest.fixture
def ansible(tmp_path):
    """ansible(tool, *args): run ansible-inventory, ansible-doc... on this collection alone (no project's
    ansible.cfg; the stalker inventory plugin enabled), from a scratch folder; returns the CompletedProcess,
    stdout and stderr merged."""
    def run(tool, *args, cwd=None):
        env = {key: value for key, value in os.environ.items() if not key.startswith("ANSIBLE_")}
        env.update(ANSIBLE_COLLECTIONS_PATH=str(COLLECTIONS), ANSIBLE_INVENTORY_ENABLED="kantoo.devkit.stalker",
                   ANSIBLE_INVENTORY_ANY_UNPARSED_IS_FAILED="true", ANSIBLE_NOCOLOR="1", ANSIBLE_FORCE_COLOR="0")
        return subprocess.run([tool_path(tool)] + [str(a) for a in args], cwd=str(cwd or tmp_path), env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=300, check=False)
    return run
