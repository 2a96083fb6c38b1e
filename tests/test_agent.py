"""The kantoo.devkit.docker_agent connection against a real container: every task of a play goes through one
`docker exec` (the agent's), modules, scripts, files in and out work as over community.docker.docker, and
kantoo.devkit.container_commit ends the agent before it commits; a container without Python falls back."""

import json
import os
import shutil
import tempfile
import time

import pytest

from conftest import playbook
from scratch import copy_task, grow, make_role, make_tree, tags, until


@pytest.fixture
def box(client, base_image):
    container = client.containers.run(base_image, entrypoint=["/bin/sh"], tty=True, detach=True,
                                      network_mode="host")
    yield container
    container.remove(force=True)


def execs_in(client, container, since):
    """How many `docker exec` the engine started in the container since then."""
    events = client.events(decode=True, since="%.9f" % since, until="%.9f" % time.time(),
                           filters={"container": container.id, "event": "exec_create"})
    return len(list(events))


def processes(container):
    return [" ".join(p[-1:]) for p in container.top(ps_args="-eo pid,args")["Processes"]]


def play(tmp_path, container, tasks, **variables):
    content = [{"hosts": container.name, "gather_facts": False, "tasks": tasks,
                "vars": dict({"ansible_connection": "kantoo.devkit.docker_agent",
                              "ansible_python_interpreter": "/usr/bin/python3", "ansible_remote_tmp": "/tmp"},
                             **variables)}]
    (tmp_path / "play.yml").write_text(json.dumps(content))
    return playbook(tmp_path / "play.yml", "-i", container.name + ",", check=False)


def test_the_tasks_of_a_play_share_one_exec_and_see_what_docker_exec_gives(client, box, tmp_path):
    (tmp_path / "script.sh").write_text("#!/bin/sh\necho \"script sees $HOME in $(pwd)\"\n")
    (tmp_path / "big").write_bytes(bytes(range(256)) * 4096)
    tasks = [
        {"name": "a module", "ansible.builtin.command": "cat /etc/debian_version", "register": "module"},
        {"name": "a script", "ansible.builtin.script": str(tmp_path / "script.sh"), "register": "script"},
        {"name": "a file in", "ansible.builtin.copy": {"src": str(tmp_path / "big"), "dest": "/big", "mode": "0600"}},
        {"name": "a template", "ansible.builtin.copy": {"content": "héllo {{ 6 * 7 }}\n", "dest": "/hello"}},
        {"name": "a file out", "ansible.builtin.fetch": {"src": "/big", "dest": str(tmp_path / "back"), "flat": True}},
        {"name": "raw", "ansible.builtin.raw": "cat /hello; id -un", "register": "raw"},
        {"name": "a failure", "ansible.builtin.command": "false", "register": "failure", "failed_when": False},
        {"name": "an environment", "ansible.builtin.command": "printenv KANTOO_A KANTOO_B", "register": "env",
         "environment": {"KANTOO_A": "a b'c \"d\"", "KANTOO_B": "$HOME"}},
        # the process that ran the module: the agent's fork, not a new interpreter under /bin/sh
        {"name": "who ran the module", "ansible.builtin.shell":
            "tr '\\0' ' ' < /proc/$(cut -d' ' -f4 /proc/$PPID/stat)/cmdline", "register": "runner"},
        {"name": "a module error", "ansible.builtin.copy": {"src": "/no/such/file", "dest": "/x", "remote_src": True},
         "register": "error", "ignore_errors": True},
        {"name": "what the play saw", "ansible.builtin.copy": {
            "content": "{{ {'module': module.stdout, 'script': script.stdout, 'raw': raw.stdout,"
                       " 'failure': failure.rc, 'env': env.stdout_lines, 'runner': runner.stdout, 'error': error.msg}"
                       " | to_json }}", "dest": str(tmp_path / "seen.json")},
         "delegate_to": "localhost", "vars": {"ansible_connection": "local"}},
    ]
    since = time.time()
    run = play(tmp_path, box, tasks)
    assert run.returncode == 0, run.stdout
    assert execs_in(client, box, since) == 1, "every command of every task went through the one agent"
    seen = json.loads((tmp_path / "seen.json").read_text())
    assert seen["module"] == box.exec_run(["cat", "/etc/debian_version"]).output.decode().strip()
    assert seen["script"].strip() == "script sees /root in /"
    assert seen["raw"].split() == ["héllo", "42", "root"]
    assert seen["failure"] == 1
    assert seen["env"] == ["a b'c \"d\"", "$HOME"]
    assert seen["runner"].startswith("python3 -B -c "), "a module runs in a fork of the agent"
    assert "/no/such/file" in seen["error"]
    assert (tmp_path / "back").read_bytes() == (tmp_path / "big").read_bytes()
    assert any("python3 -B -c" in p for p in processes(box)), "the agent waits for the next task"


def test_the_commit_ends_the_agent_first(client, box, tmp_path):
    tasks = [{"ansible.builtin.command": "touch /made"},
             {"kantoo.devkit.container_commit": {"container": box.name, "repository": "kantoo-test-agent/commit",
                                                 "tag": "one", "remove": False},
              "delegate_to": "localhost", "vars": {"ansible_connection": "local"}}]
    run = play(tmp_path, box, tasks)
    try:
        assert run.returncode == 0, run.stdout
        assert not any("python3" in p for p in processes(box)), "no agent in the container once committed"
        image = client.images.get("kantoo-test-agent/commit:one")
        made = client.containers.run(image, ["test", "-e", "/made"], entrypoint=[], remove=True)
        assert made == b""
    finally:
        client.images.remove("kantoo-test-agent/commit:one", force=True)


def test_a_container_without_python_gets_plain_docker_exec(client, box, tmp_path):
    since = time.time()
    run = play(tmp_path, box, [{"ansible.builtin.raw": "echo one"}, {"ansible.builtin.raw": "echo two"}],
               ansible_docker_agent_python="no-such-python")
    assert run.returncode == 0, run.stdout
    # one try of the agent, then a docker exec per command
    assert execs_in(client, box, since) == 3


def test_a_steps_container_has_one_docker_exec_its_agent_begun_with_it(client, tmp_path, os_name, fresh_base):
    make_role(tmp_path, "agent", {
        "first": [copy_task("/first", "first"), {"ansible.builtin.command": "cat /first", "changed_when": False}],
        "second": [copy_task("/second", "second"), {"ansible.builtin.command": "true", "changed_when": False}],
    })
    tree = make_tree(tmp_path, os_name, {"agent": {"DOCKER_INIT_IMG": fresh_base}})
    since = time.time()
    grow(tree)
    assert set(tags(client, os_name, "agent")) >= {"first", "second", "final"}
    events = client.events(decode=True, since="%.9f" % since, until="%.9f" % time.time(),
                           filters={"event": "exec_create", "label": "kantoo.devkit.repository=%s/amd64/bookworm/agent"
                                    % os_name})
    per_container = {}
    for event in events:
        per_container[event["id"]] = per_container.get(event["id"], 0) + 1
    assert sorted(per_container.values()) == [1, 1], "one exec a step: the agent step_container began"


def test_a_step_container_that_cannot_start_leaves_no_agent_behind(client, tmp_path, os_name, fresh_base):
    make_role(tmp_path, "unstartable", {"only": [copy_task("/only", "only")]})
    tree = make_tree(tmp_path, os_name, {"unstartable": {"DOCKER_INIT_IMG": fresh_base,
                                                          "DOCKER_OPTS": {"network": "kantoo-no-such-network"}}})
    agents = tempfile.mkdtemp(prefix="kt-", dir="/tmp")  # a socket's path must be short
    try:
        failed = grow(tree, check=False, KANTOO_AGENT_DIR=agents)
        assert failed.returncode != 0 and "kantoo-no-such-network" in failed.stdout
        # the relay begun with the container ends once told it did not start, having run no docker exec
        assert until(lambda: os.listdir(agents) == [], 5), os.listdir(agents)
    finally:
        shutil.rmtree(agents)
