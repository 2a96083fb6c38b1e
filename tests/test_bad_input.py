"""Bad input gets one clear message, before any container starts, and never a traceback."""

import json
import time

import pytest

from scratch import copy_task, created_containers, grow, make_role, make_tree, write

ROLE = {"only": [copy_task("/only", "only")]}


def scratch(project, os_name, base, node=None, manifest=None, name="stalk"):
    make_role(project, "stalk", ROLE)
    if manifest is not None:
        write(project / "stalks" / name / (name + ".hjson"), json.dumps(manifest))
    return make_tree(project, os_name, {name: dict({"DOCKER_INIT_IMG": base}, **(node or {}))})


CASES = {
    "hjson syntax error": (lambda p, o, b: write(p / "tree.hjson", "{\n  stalks: {\n    a: {\n"),
                           ":4:1: hjson syntax error"),
    "unknown stalk": (lambda p, o, b: scratch(p, o, b, name="ghost"),
                      "unknown stalk 'ghost': no role of that name in"),
    "variable left ''": (lambda p, o, b: scratch(p, o, b, manifest={"NEEDED": ""}),
                         "variable NEEDED is '' in"),
    "duplicate stalk": (lambda p, o, b: make_tree(p, o, {"a": {"b": {}}, "c": {"b": {}}}),
                        "stalk 'b' appears twice"),
    "missing mount source": (lambda p, o, b: scratch(p, o, b, manifest={"plugins": {"out": {
                                 "path": "nowhere", "bind": "/in"}}}),
                             "plugins.out.path 'nowhere' does not exist"),
    "missing base image": (lambda p, o, b: scratch(p, o, "kantoo-test/none:missing"),
                           "its initial image 'kantoo-test/none:missing' does not exist; make it first"),
    "unknown container option": (lambda p, o, b: scratch(p, o, b, manifest={"DOCKER_OPTS": {"bogus": 1}}),
                                 "DOCKER_OPTS.bogus is not a container option"),
    "skip_until names no step": (lambda p, o, b: scratch(p, o, b, node={"skip_until": "nope"}),
                                 "skip_until names 'nope', which is not one of its steps: only"),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_bad_input_stops_before_any_container_with_one_clear_message(client, tmp_path, os_name, fresh_base, case):
    make, expected = CASES[case]
    tree = make(tmp_path, os_name, fresh_base)
    since = time.time()
    proc = grow(tree, check=False)
    assert proc.returncode != 0
    assert expected in proc.stdout
    assert str(tree.parent) in proc.stdout, "the message must name the file"
    assert "Traceback" not in proc.stdout
    assert created_containers(client, since) == []


def test_no_docker_daemon_is_one_clear_message(tmp_path, os_name, fresh_base):
    tree = scratch(tmp_path, os_name, fresh_base)
    proc = grow(tree, check=False, DOCKER_HOST="unix:///tmp/kantoo-no-daemon.sock")
    assert proc.returncode != 0
    assert "cannot reach the Docker daemon" in proc.stdout and "Start it" in proc.stdout
    assert "Traceback" not in proc.stdout
