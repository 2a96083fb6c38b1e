"""The stalker inventory plugin on tree files: precedence, order, initial images, errors."""

import json
import textwrap

import pytest

from conftest import BIN, run
from ansible_collections.kantoo.devkit.plugins.plugin_utils.tree import TreeError, read_tree

ARCH = 'architecture: {"OS": "os", "ARCH": "arch", "SUBARCH": "sub"}\n'


def write(path, text):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text))
    return path


def inventory(*args):
    return run([str(BIN / "ansible-inventory")] + [str(a) for a in args], check=False)


@pytest.fixture
def project(tmp_path):
    (tmp_path / "stalks").mkdir()
    return tmp_path


def test_precedence_stalk_file_then_architecture_paths_globals_ancestors_node(project):
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
    _, stalks = read_tree(str(tree))
    child = stalks[1]["variables"]
    assert [child[k] for k in "ABCDEF"] == ["stalk", "arch", "paths", "globals", "parent", "child"]
    assert child["ONLY_STALK"] == "kept"
    assert stalks[0]["variables"]["F"] == "parent", "a child's value must not reach its parent"
    assert stalks[0]["project_dir"] == str(project), "the project is the nearest ancestor holding stalks/"


def test_order_initial_images_and_groups(project):
    tree = write(project / "tree.hjson", ARCH + """
        stalks: {
          root: {
            a: {"a1": {}, "pretend": true}
            b: {"DOCKER_INIT_IMG": "root:initial", "b1": {}, "skip_until": "two"}
          }
          other: {"DOCKER_INIT_IMG": "registry.example/base:1"}
        }
    """)
    _, stalks = read_tree(str(tree))
    names = [s["name"] for s in stalks]
    for child, parent in [("a", "root"), ("a1", "a"), ("b", "root"), ("b1", "b")]:
        assert names.index(parent) < names.index(child)
    initial = {s["name"]: s["initial_image"] for s in stalks}
    assert initial == {
        "root": "os/arch/sub/root:initial",             # the seed's rule: a root's own initial, a base
        "a": "os/arch/sub/root:final",
        "a1": "os/arch/sub/a:final",
        "b": "os/arch/sub/root:initial",                # relative to {OS}/{ARCH}/{SUBARCH}
        "b1": "os/arch/sub/b:final",                    # DOCKER_INIT_IMG is not inherited
        "other": "registry.example/base:1",             # a full reference
    }
    options = {s["name"]: (s["pretend"], s["skip_until"]) for s in stalks}
    assert options["a"] == (True, "") and options["b"] == (False, "two") and options["a1"] == (False, "")

    proc = inventory("-i", tree, "--graph")
    assert proc.returncode == 0, proc.stdout
    graph = proc.stdout
    assert "@tree_tree:" in graph and "@root_descendants:" in graph and "@a_descendants:" in graph
    assert graph.index("@a_descendants:") < graph.index("a1")

    hosts = json.loads(inventory("-i", tree, "--host", "b1").stdout)
    assert hosts["kantoo_parent"] == "b"
    assert hosts["kantoo_repository"] == "os/arch/sub/b1"
    assert hosts["kantoo_initial_image"] == "os/arch/sub/b:final"
    assert hosts["ARCH"] == "arch" and hosts["ansible_connection"] == "local"


@pytest.mark.parametrize("text, expected", [
    ("{\n  stalks: {a: {}\n", ":3:1: hjson syntax error"),
    (ARCH + 'stalks: {"a": {"b": {}}, "c": {"b": {}}}', "stalk 'b' appears twice"),
    ('architecture: {"OS": "os", "ARCH": "arch"}\nstalks: {"a": {}}', "variable SUBARCH is not set"),
    (ARCH + 'stalks: {"a": {"DOCKER_INIT_IMG": "notag"}}', "DOCKER_INIT_IMG 'notag' needs a tag"),
    (ARCH + 'stalks: {"a": {"junk": 1}}', "key 'stalks.a.junk' is neither"),
    ('architecture: {"OS": "Bad", "ARCH": "arch", "SUBARCH": "sub"}\nstalks: {"a": {}}', "is not a valid Docker name"),
    ("{architecture: {}}", "needs a 'stalks' mapping"),
    (ARCH + "stalks: {}", "key 'stalks' holds no stalk"),
    (ARCH + 'stalks: {"a": {"a..b": {}}}', "key 'stalks.a.a..b': stalk name 'a..b' cannot be part of a Docker"),
    (ARCH + 'stalks: {"a/b": {}}', "stalk name 'a/b' cannot be part of a Docker image or container name"),
    (ARCH + 'stalks: {"a": {"DOCKER_INIT_IMG": ["x/y:1"]}}', "stalks.a.DOCKER_INIT_IMG is a list; write one image"),
    (ARCH + 'stalks: {"a": {"DOCKER_INIT_IMG": {"x": "y"}}}', "stalks.a.DOCKER_INIT_IMG is a mapping"),
    (ARCH + 'stalks: {"a": {"DOCKER_INIT_IMG": 3}}', "stalks.a.DOCKER_INIT_IMG is a number"),
    (ARCH + 'stalks: {"a": {"DOCKER_INIT_IMG": "Kantoo/Debian:bookworm"}}',
     "DOCKER_INIT_IMG 'Kantoo/Debian:bookworm' is not a valid Docker image reference"),
    (ARCH + 'stalks: {"a": {"DOCKER_INIT_IMG": "x..y:final"}}', "is not a valid Docker image reference (os/arch/sub/x..y"),
])
def test_bad_trees_get_one_clear_message(project, text, expected):
    tree = write(project / "bad.hjson", text)
    with pytest.raises(TreeError, match=expected.replace("(", r"\(").replace(")", r"\)")) as error:
        read_tree(str(tree))
    assert str(tree) in str(error.value)
    proc = inventory("-i", tree, "--list")
    assert proc.returncode != 0
    assert expected in proc.stdout and str(tree) in proc.stdout
    assert "Traceback" not in proc.stdout


def test_stalk_names_are_unique_across_trees(project):
    first = write(project / "one.hjson", ARCH + 'stalks: {"same": {}}')
    second = write(project / "two.hjson", ARCH + 'stalks: {"same": {}}')
    proc = inventory("-i", first, "-i", second, "--list")
    assert proc.returncode != 0
    assert "stalk 'same' is also defined in %s" % first in proc.stdout


def test_the_project_inventory_has_both_trees():
    proc = inventory("--graph")
    assert proc.returncode == 0, proc.stdout
    assert "@hello_world_tree:" in proc.stdout and "@kantoo_tree:" in proc.stdout
    assert "@build_binaries_descendants:" in proc.stdout


def test_an_all_caps_key_is_a_variable_whatever_its_value(project):
    tree = write(project / "tree.hjson", ARCH + """
        stalks: {"a": {"MY_VAR": {"k": "v"}, "LIST": [1, 2], "b": {}}}
    """)
    _, stalks = read_tree(str(tree))
    assert [s["name"] for s in stalks] == ["a", "b"], "MY_VAR must not be read as a child stalk"
    assert stalks[1]["variables"]["MY_VAR"] == {"k": "v"} and stalks[1]["parent"] == "a"


def test_a_stalk_file_initial_image_is_checked_and_named(project):
    write(project / "stalks/a/a.hjson", '{"DOCKER_INIT_IMG": ["kantoo/debian:bookworm"]}')
    tree = write(project / "tree.hjson", ARCH + 'stalks: {"a": {}}')
    with pytest.raises(TreeError, match="a.hjson: DOCKER_INIT_IMG is a list") as error:
        read_tree(str(tree))
    assert str(project / "stalks/a/a.hjson") in str(error.value)
    write(project / "stalks/a/a.hjson", '{"DOCKER_INIT_IMG": "localhost:5000/kantoo/base@sha256:%s"}' % ("0" * 64))
    assert read_tree(str(tree))[1][0]["initial_image"] == "localhost:5000/kantoo/base@sha256:" + "0" * 64
