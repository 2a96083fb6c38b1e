"""The Docker engine stops in the middle of a run: one clear message, no tag moved; once it is back, the next
run resumes where the first stopped. The engine is one of the test's own (tests/engines.py)."""

import subprocess
import time

import pytest

from conftest import BASE_IMAGE, BIN, PROJECT, ansible_env
from engines import ExtraEngine
from scratch import copy_task, grow, make_role, make_tree


@pytest.fixture
def engine(tmp_path, base_image):
    extra = ExtraEngine(tmp_path / "engine").start()
    extra.load(base_image)
    yield extra
    extra.close()


def tags_on(client, repository):
    return {t.rsplit(":", 1)[1]: i.id for i in client.images.list(repository) for t in i.tags}


def test_the_engine_stopping_mid_run_is_one_message_and_the_next_run_resumes(tmp_path, os_name, engine):
    def fragile(seconds):
        return make_role(tmp_path, "fragile", {
            "first": [copy_task("/first", "first")],
            "long": [{"name": "Take a while", "ansible.builtin.command": "sleep %d" % seconds, "changed_when": False}],
        })

    # longer than the 10 s a stopping engine gives a container before it kills it: the step is still running then,
    # however soon after the container started the engine was told to stop
    fragile(30)
    tree = make_tree(tmp_path, os_name, {"fragile": {"DOCKER_INIT_IMG": BASE_IMAGE}})
    repository = "%s/amd64/bookworm/fragile" % os_name
    client = engine.client()
    proc = subprocess.Popen([str(BIN / "ansible-playbook"), "playbooks/grow.yml", "-i", str(tree)], cwd=PROJECT,
                            env=ansible_env(DOCKER_HOST=engine.url), stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True)
    deadline = time.time() + 120
    while not client.containers.list(filters={"label": "kantoo.devkit.step=long"}):
        assert time.time() < deadline and proc.poll() is None, proc.communicate()[0]
        time.sleep(0.2)
    before = tags_on(client, repository)
    engine.stop()
    output = proc.communicate(timeout=120)[0]

    assert proc.returncode != 0
    assert "Traceback" not in output
    failures = [line for line in output.splitlines() if line.startswith("fatal:")]
    reported = [line for line in failures if "cannot reach the Docker daemon at %s" % engine.url in line]
    assert len(reported) == 1, output  # besides the step's task itself, as Ansible reports it
    assert "Stalk fragile: step long failed" in output

    engine.start()
    assert tags_on(client, repository) == before and "long" not in before, "no tag moved"
    fragile(1)  # the resuming run rebuilds the step that failed; it need not wait for it
    again = grow(tree, DOCKER_HOST=engine.url)
    assert "first: cached" in grow(tree, "-e", "stalk_explain=true", "--check", DOCKER_HOST=engine.url).stdout
    assert "final" in tags_on(client, repository), again.stdout
    assert client.containers.list(all=True, filters={"label": "kantoo.devkit.stalk"}) == []
