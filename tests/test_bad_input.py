"""Bad input gets one clear message, before any container starts, and never a traceback."""

import json
import time

import pytest

from scratch import copy_task, created_containers, grow, make_role, make_tree, tags, write

ROLE = {"only": [copy_task("/only", "only")]}


def ours(client, os_name, base):
    """What the test's own step containers start from."""
    return (os_name + "/", base, client.images.get(base).id)


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
    "stalk name no Docker name": (lambda p, o, b: make_tree(p, o, {"a..b": {"DOCKER_INIT_IMG": b}}),
                                  "key 'stalks.a..b': stalk name 'a..b' cannot be part of a Docker image or container"),
    "step name no tag": (lambda p, o, b: (make_role(p, "stalk", {"two words": [copy_task("/x", "x")]}),
                                          make_tree(p, o, {"stalk": {"DOCKER_INIT_IMG": b}}))[1],
                         "task 1 (import_tasks: two words.yml): step name 'two words' cannot be a Docker image tag"),
    "DOCKER_INIT_IMG a list": (lambda p, o, b: scratch(p, o, b, node={"DOCKER_INIT_IMG": [b]}),
                               "stalks.stalk.DOCKER_INIT_IMG is a list; write one image as a string"),
    "DOCKER_INIT_IMG a mapping": (lambda p, o, b: scratch(p, o, b, node={"DOCKER_INIT_IMG": {"image": b}}),
                                  "stalks.stalk.DOCKER_INIT_IMG is a mapping; write one image as a string"),
    "DOCKER_INIT_IMG no reference": (lambda p, o, b: scratch(p, o, b, node={"DOCKER_INIT_IMG": "Base Image:1"}),
                                     "DOCKER_INIT_IMG 'Base Image:1' is not a valid Docker image reference"),
    "no stalks": (lambda p, o, b: make_tree(p, o, {}), "key 'stalks' holds no stalk"),
    # a tree runs each step's file alone: a keyword on the line that lists it would be lost there
    "when on a step line": (lambda p, o, b: (scratch(p, o, b), write(p / "roles/stalk/tasks/main.yml", """
                                - name: Step only
                                  ansible.builtin.import_tasks: only.yml
                                  when: false
                                """))[0],
                            "roles/stalk/tasks/main.yml:3: 'when' on the line of step 'only' is not supported"),
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
    assert created_containers(client, since, ours(client, os_name, fresh_base)) == []
    assert len(proc.stdout.split(expected)) <= 3, "one message: at most an [ERROR] line and its fatal: line"


def test_too_few_forks_is_said_once(client, tmp_path, os_name, fresh_base):
    make_role(tmp_path, "stalk", ROLE)
    for name in ("two", "three"):
        make_role(tmp_path, name, ROLE)
    tree = make_tree(tmp_path, os_name, {name: {"DOCKER_INIT_IMG": fresh_base} for name in ("stalk", "two", "three")})
    since = time.time()
    proc = grow(tree, "-f", "2", check=False)
    assert proc.returncode != 0
    said = "3 stalks grow at once, and children wait for their parents in a fork each: run with at least as many " \
           "forks (-f 3)"
    fatal = [line for line in proc.stdout.splitlines() if line.startswith("fatal: [")]
    assert len(fatal) == 1 and said in fatal[0], proc.stdout
    assert created_containers(client, since, ours(client, os_name, fresh_base)) == []


def test_no_docker_daemon_is_one_clear_message(tmp_path, os_name, fresh_base):
    tree = scratch(tmp_path, os_name, fresh_base)
    proc = grow(tree, check=False, DOCKER_HOST="unix:///tmp/kantoo-no-daemon.sock")
    assert proc.returncode != 0
    assert "cannot reach the Docker daemon" in proc.stdout and "Start it" in proc.stdout
    assert "Traceback" not in proc.stdout


def test_role_arguments_are_checked_before_any_container_also_when_up_to_date(client, tmp_path, os_name, fresh_base):
    make_role(tmp_path, "typed", {"only": [copy_task("/count", "{{ typed_count }}")]}, defaults={"typed_count": 3},
              files={"meta/argument_specs.yml": """
                  argument_specs:
                    main:
                      short_description: A role with a typed argument
                      options:
                        typed_count: {type: int, description: How many.}
              """})
    tree = make_tree(tmp_path, os_name, {"typed": {"DOCKER_INIT_IMG": fresh_base}})
    grow(tree)  # up to date from here on: no role would run
    for variable, spec in (("typed_count", tmp_path / "roles/typed/meta/argument_specs.yml"),
                           ("stalk_max_layers", "roles/stalk/meta/argument_specs.yml")):
        since = time.time()
        proc = grow(tree, "-e", "%s=many" % variable, check=False)
        assert proc.returncode != 0
        assert "argument '%s' is of type str and we were unable to convert to int" % variable in proc.stdout
        assert str(tree) in proc.stdout and str(spec) in proc.stdout
        assert "Traceback" not in proc.stdout
        assert created_containers(client, since, os_name=os_name) == []


def test_a_broken_tree_stops_only_the_runs_that_grow_it(client, tmp_path, os_name, fresh_base):
    """A directory of trees, one of them broken: its run stops in the check with its one message before any
    container starts, while the other tree grows, as `playbooks/hello_world.yml` does with a broken debian.hjson."""
    make_role(tmp_path, "stalk", ROLE)
    trees = tmp_path / "inventories"
    make_tree(trees, os_name, {"stalk": {"DOCKER_INIT_IMG": fresh_base}}, name="good")
    bad = write(trees / "bad.hjson", '{"architecture": {"OS": "%s", "ARCH": "amd64", "SUBARCH": "bookworm"},\n'
                                     ' "stalks": {"broken": {"junk": 1}}}' % os_name)
    expected = "%s: key 'stalks.broken.junk' is neither a variable (ALL-CAPS), an option" % bad
    proc = grow(trees, "-e", "kantoo_hosts=good_tree")
    assert "[WARNING]: " + expected in proc.stdout and proc.stdout.count(expected) == 1, "the broken tree is said"
    assert tags(client, os_name, "stalk").keys() >= {"only", "final"}
    for hosts in ("bad_tree", "all"):
        since = time.time()
        proc = grow(trees, "-e", "kantoo_hosts=%s" % hosts, check=False)
        assert proc.returncode != 0
        fatal = [line for line in proc.stdout.splitlines() if line.startswith("fatal: [")]
        assert len(fatal) == 1 and fatal[0].startswith("fatal: [bad.hjson]: FAILED!") and expected in fatal[0], \
            proc.stdout
        assert "Traceback" not in proc.stdout
        assert len(proc.stdout.split(expected)) <= 4, "the warning, then an [ERROR] line and its fatal: line"
        assert created_containers(client, since, ours(client, os_name, fresh_base)) == []
