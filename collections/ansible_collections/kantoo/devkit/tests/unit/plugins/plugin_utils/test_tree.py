"""Reading a tree file (plugin_utils/_tree.py): the precedence of variables, what is a variable and what a
child stalk, a stalk file's initial image."""

import pytest

from ansible_collections.kantoo.devkit.plugins.plugin_utils._tree import TreeError, read_tree

ARCH = 'architecture: {"OS": "os", "ARCH": "arch", "SUBARCH": "sub"}\n'


@pytest.fixture
def project(tmp_path):
    (tmp_path / "stalks").mkdir()
    return tmp_path


def test_precedence_stalk_file_then_architecture_paths_globals_ancestors_node(project, write):
    write(project / "stalks/child/child.hjson", """
        {"A": "stalk", "B": "stalk", "C": "stalk", "D": "stalk", "E": "stalk", "F": "stalk", "ONLY_STALK": "kept"}
    """)
    tree = write(project / "trees/t/t.hjson", """
        {
          architecture: {"OS": "os", "ARCH": "arch", "SUBARCH": "sub", "B": "arch", "C": "arch", "D": "arch",
                         "E": "arch", "F": "arch"}
          paths: {"C": "paths", "D": "paths", "E": "paths", "F": "paths"}
          globals: {"D": "globals", "E": "globals", "F": "globals"}
          stalks: {
            parent: {"E": "parent", "F": "parent", "child": {"F": "child"}}
          }
        }
    """)
    stalks = read_tree(str(tree))[1]
    child = stalks[1]["variables"]
    assert [child[k] for k in "ABCDEF"] == ["stalk", "arch", "paths", "globals", "parent", "child"]
    assert child["ONLY_STALK"] == "kept"
    assert stalks[0]["variables"]["F"] == "parent", "a child's value must not reach its parent"
    assert stalks[0]["project_dir"] == str(project), "the project is the nearest ancestor holding stalks/"


def test_an_all_caps_key_is_a_variable_whatever_its_value(project, write):
    tree = write(project / "tree.hjson", ARCH + """
        stalks: {"a": {"MY_VAR": {"k": "v"}, "LIST": [1, 2], "b": {}}}
    """)
    stalks = read_tree(str(tree))[1]
    assert [s["name"] for s in stalks] == ["a", "b"], "MY_VAR must not be read as a child stalk"
    assert stalks[1]["variables"]["MY_VAR"] == {"k": "v"} and stalks[1]["parent"] == "a"


def test_a_stalk_file_initial_image_is_checked_and_named(project, write):
    write(project / "stalks/a/a.hjson", '{"DOCKER_INIT_IMG": ["kantoo/debian:bookworm"]}')
    tree = write(project / "tree.hjson", ARCH + 'stalks: {"a": {}}')
    with pytest.raises(TreeError, match="a.hjson: DOCKER_INIT_IMG is a list") as error:
        read_tree(str(tree))
    assert str(project / "stalks/a/a.hjson") in str(error.value)
    write(project / "stalks/a/a.hjson", '{"DOCKER_INIT_IMG": "localhost:5000/kantoo/base@sha256:%s"}' % ("0" * 64))
    assert read_tree(str(tree))[1][0]["initial_image"] == "localhost:5000/kantoo/base@sha256:" + "0" * 64


def test_docker_host_is_inherited_like_any_variable_but_is_no_input_of_a_step(project, write):
    write(project / "stalks/c/c.hjson", '{"DOCKER_HOST": "tcp://from-the-stalk-file:2375"}')
    tree = write(project / "tree.hjson", ARCH + """
        globals: {"DOCKER_HOST": "ssh://builder@far"}
        stalks: {
          "a": {"b": {"DOCKER_HOST": "unix:///run/other/docker.sock", "c": {}}, "d": {"DOCKER_HOST": ""}}
        }
    """)
    stalks = {s["name"]: s for s in read_tree(str(tree))[1]}
    assert {name: s["docker_host"] for name, s in stalks.items()} == {
        "a": "ssh://builder@far",                       # globals
        "b": "unix:///run/other/docker.sock",           # its node
        "c": "unix:///run/other/docker.sock",           # its parent's node, over its stalk file
        "d": "",                                        # '': the controller's engine
    }
    assert not any("DOCKER_HOST" in s["variables"] for s in stalks.values()), \
        "where a step runs must not reach its inputs, its environment or its cache key"


def test_without_docker_host_a_stalk_grows_on_the_controllers_engine(project, write):
    tree = write(project / "tree.hjson", ARCH + 'stalks: {"a": {}}')
    assert read_tree(str(tree))[1][0]["docker_host"] == ""


@pytest.mark.parametrize("where, value, key", [
    ("globals", '"docker.example:2375"', "globals.DOCKER_HOST 'docker.example:2375' is not the URL"),
    ("globals", '"ftp://docker.example"', "globals.DOCKER_HOST 'ftp://docker.example' is not the URL"),
    ("node", '"tcp://"', "stalks.a.b.DOCKER_HOST 'tcp://' is not the URL"),
    ("node", '"unix://"', "stalks.a.b.DOCKER_HOST 'unix://' is not the URL"),
    ("node", '["unix:///x.sock"]', "stalks.a.b.DOCKER_HOST is a list"),
])
def test_a_docker_host_that_is_no_engine_url_names_the_file_and_the_key(project, write, where, value, key):
    node = '{"b": {"DOCKER_HOST": %s}}' % value if where == "node" else "{}"
    globals_ = '{"DOCKER_HOST": %s}' % value if where == "globals" else "{}"
    tree = write(project / "tree.hjson", ARCH + 'globals: %s\nstalks: {"a": %s}' % (globals_, node))
    with pytest.raises(TreeError) as error:
        read_tree(str(tree))
    assert str(error.value).startswith("%s: %s" % (tree, key))
    assert "unix:///path/to/docker.sock" in str(error.value), "it says what to write"


def test_a_bad_docker_host_in_a_stalk_file_names_that_file(project, write):
    write(project / "stalks/a/a.hjson", '{"DOCKER_HOST": "localhost"}')
    tree = write(project / "tree.hjson", ARCH + 'stalks: {"a": {}}')
    with pytest.raises(TreeError, match="a.hjson: DOCKER_HOST 'localhost' is not the URL of a Docker engine"):
        read_tree(str(tree))
