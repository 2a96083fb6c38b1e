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
