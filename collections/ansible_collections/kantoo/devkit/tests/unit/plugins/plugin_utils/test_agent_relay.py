"""The agent and its relay (plugin_utils/_agent.py, _agent_relay.py) with no container: the agent runs on this
machine, started by the relay as `docker exec` would start it in a container, so every byte goes through the
real processes, pipes and unix socket."""

import os
import shutil
import socket
import tempfile
import time

import pytest

from ansible_collections.kantoo.devkit.plugins.plugin_utils import _agent_relay as relay


@pytest.fixture
def short_tmp(monkeypatch):
    """A directory of sockets of its own, with a path short enough for them."""
    directory = tempfile.mkdtemp(prefix="kt-", dir="/tmp")
    monkeypatch.setenv("KANTOO_AGENT_DIR", directory)
    yield directory
    shutil.rmtree(directory)


@pytest.fixture
def agent(short_tmp, monkeypatch):
    """A relay and its agent on this machine; its socket path. Ended after the test."""
    monkeypatch.setenv("KANTOO_AGENT_TEST", "as docker exec gave it")
    path = relay.socket_path("box", ["docker", "exec", "-i", "box"])
    assert relay.start(path, relay.agent_command("python3")) is None
    yield path
    relay.close_agents("box")


def run(path, cmd, stdin=b""):
    answer, output = relay.call(path, {"op": "exec", "cmd": cmd, "executable": "/bin/sh", "stdin": len(stdin)},
                                payload=stdin)
    return answer["rc"], output[:answer["stdout"]], output[answer["stdout"]:]


def gone(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    with open("/proc/%d/stat" % pid, encoding="utf-8") as handle:  # a zombie has ended too
        return handle.read().rsplit(")", 1)[1].split()[0] == "Z"


def until(condition, seconds=10):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return False


def test_a_command_gets_its_input_and_returns_its_code_and_both_outputs(agent):
    data = bytes(range(256)) * 1000
    rc, out, err = run(agent, "cat; echo to-stderr >&2; exit 3", data)
    assert (rc, out, err) == (3, data, b"to-stderr\n")


def test_commands_share_one_agent_and_see_the_environment_it_was_given(agent):
    first = run(agent, "echo $PPID")[1]
    assert run(agent, "echo $PPID")[1] == first, "one agent process ran both"
    assert run(agent, 'echo "$KANTOO_AGENT_TEST"')[1] == b"as docker exec gave it\n"


def test_files_go_in_and_come_out_whole_and_a_bad_path_is_an_answer_not_a_hang(agent, tmp_path):
    source, back = tmp_path / "source", tmp_path / "back"
    source.write_bytes(os.urandom(300000))
    with open(source, "rb") as handle:
        answer = relay.call(agent, {"op": "put", "path": str(tmp_path / "put"), "size": 300000},
                            payload=handle, size=300000)[0]
    assert answer == {"rc": 0} and (tmp_path / "put").read_bytes() == source.read_bytes()
    with open(back, "wb") as sink:
        assert relay.call(agent, {"op": "fetch", "path": str(source)}, sink=sink)[0]["rc"] == 0
    assert back.read_bytes() == source.read_bytes()
    answer = relay.call(agent, {"op": "put", "path": str(tmp_path / "no/such/dir"), "size": 3}, payload=b"abc")[0]
    assert answer["rc"] == 1 and "No such file" in answer["error"]
    assert relay.call(agent, {"op": "fetch", "path": str(tmp_path / "missing")})[0]["rc"] == 1
    assert run(agent, "echo still serving")[1] == b"still serving\n"


def test_a_daemon_holding_the_output_open_does_not_hold_the_task(agent):
    started = time.monotonic()
    rc, out, _err = run(agent, "echo started; sleep 30 &")
    assert (rc, out) == (0, b"started\n")
    assert time.monotonic() - started < 10


def test_closing_ends_the_agent_before_it_returns_and_removes_the_socket(agent):
    pid = int(run(agent, "echo $PPID")[1])
    relay.close_agents("box")
    assert gone(pid), "the agent is gone when close_agents returns"
    assert not os.path.exists(agent)
    with pytest.raises(relay.AgentError, match="no relay listens"):
        run(agent, "true")


def test_the_relay_ends_with_its_agent(agent):
    pid = int(run(agent, "echo $PPID")[1])
    os.kill(pid, 9)  # as when the container is removed
    assert until(lambda: not os.path.exists(agent)), "the relay removed its socket and ended"


def test_an_idle_relay_ends_by_itself(short_tmp):
    path = relay.socket_path("idle", [])
    assert relay.start(path, relay.agent_command("python3"), idle=0.3) is None
    assert os.path.exists(path)
    assert until(lambda: not os.path.exists(path), 5)


def test_a_container_without_python_says_so_and_is_remembered_until_it_is_closed(short_tmp):
    path = relay.socket_path("bare", [])
    why = relay.start(path, relay.agent_command("no-such-python"))
    assert why == "no Python in the container (looked for: no-such-python)"
    with open(path + ".none", encoding="utf-8") as marker:
        assert marker.read() == why + "\n"
    relay.close_agents("bare")
    assert os.listdir(short_tmp) == []


def test_an_agent_that_cannot_start_for_another_reason_is_tried_again(short_tmp):
    path = relay.socket_path("gone", [])
    assert relay.start(path, ["sh", "-c", "echo the engine is gone >&2; exit 1"]) == "the engine is gone"
    assert not os.path.exists(path + ".none")


@pytest.fixture
def docker_stand_in(short_tmp, monkeypatch):
    """prestart's command is `docker --host <engine> exec -i <container> ...`: a stand-in for docker that notes
    it ran, then runs the rest, slow to start as docker exec is. Returns the note's path."""
    bin_dir = os.path.join(short_tmp, "bin")
    os.mkdir(bin_dir)
    note = os.path.join(bin_dir, "ran")
    with open(os.path.join(bin_dir, "docker"), "w", encoding="utf-8") as docker:
        docker.write('#!/bin/sh\ntouch %s\nshift 5\nsleep 0.5\nexec "$@"\n' % note)
    os.chmod(os.path.join(bin_dir, "docker"), 0o755)
    monkeypatch.setenv("PATH", bin_dir + os.pathsep + os.environ["PATH"])
    return note


def prestarted_path(short_tmp, container):
    return relay.socket_path(container, [os.path.join(short_tmp, "bin", "docker"), "--host", "unix:///engine.sock",
                                         "exec", "-i", container])


def test_an_agent_begun_with_its_container_waits_for_it_to_run_then_is_waited_for_then_closed(
        short_tmp, docker_stand_in):
    begun = relay.prestart("box", "unix:///engine.sock")
    path = prestarted_path(short_tmp, "box")
    assert os.path.exists(path + ".starting") and not os.path.exists(path), "it returned at once"
    time.sleep(0.5)
    assert not os.path.exists(docker_stand_in), "no docker exec before the container runs"
    begun.go()
    assert relay.wait_started(path), "a task waits for it, then finds it"
    assert not os.path.exists(path + ".starting")
    assert run(path, "echo ready")[1] == b"ready\n"
    relay.close_agents("box")
    assert sorted(os.listdir(short_tmp)) == ["bin"]


@pytest.mark.parametrize("end", ["cancel", "caller gone"])
def test_an_agent_begun_with_a_container_that_did_not_start_ends_without_running_docker(
        short_tmp, docker_stand_in, end):
    begun = relay.prestart("box", "unix:///engine.sock")
    if end == "cancel":
        begun.cancel()
    else:  # the task's process ended before it could say: the relay's stdin closes with it
        begun._process.stdin.close()  # pylint: disable=protected-access
    path = prestarted_path(short_tmp, "box")
    assert until(lambda: not os.path.exists(path + ".starting"), 5)
    assert not relay.wait_started(path)
    assert not os.path.exists(docker_stand_in)
    assert sorted(os.listdir(short_tmp)) == ["bin"]


def test_a_socket_left_by_a_killed_relay_is_taken_over(short_tmp):
    path = relay.socket_path("box", ["stale"])
    dead = socket.socket(socket.AF_UNIX)
    dead.bind(path)
    dead.close()  # the file stays, nobody listens
    assert relay.start(path, relay.agent_command("python3")) is None
    try:
        assert run(path, "echo hi")[1] == b"hi\n"
        assert relay.start(path, relay.agent_command("python3")) is None, "a second start finds the live one"
        assert run(path, "echo still one")[1] == b"still one\n"
    finally:
        relay.close_agents("box")
