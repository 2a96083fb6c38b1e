"""The stalker inventory plugin on tree files, read and through ansible-inventory: order, initial images,
groups, errors. How a tree's variables are read is plugin_utils/test_tree.py."""

import json

import pytest

from ansible_collections.kantoo.devkit.plugins.plugin_utils._tree import TreeError, read_tree

ARCH = 'architecture: {"OS": "os", "ARCH": "arch", "SUBARCH": "sub"}\n'


@pytest.fixture
def project(tmp_path):
    (tmp_path / "stalks").mkdir()
    return tmp_path


@pytest.fixture
def inventory(ansible):
    """ansible-inventory with the stalker plugin."""
    return lambda *args: ansible("ansible-inventory", *args)


def test_order_initial_images_and_groups(project, write, inventory):
    tree = write(project / "tree.hjson", ARCH + """
        stalks: {
          root: {
            a: {"a1": {}, "pretend": true}
            b: {"DOCKER_INIT_IMG": "root:initial", "b1": {}, "skip_until": "two"}
          }
          other: {"DOCKER_INIT_IMG": "registry.example/base:1"}
        }
    """)
    stalks = read_tree(str(tree))[1]
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
    assert hosts["kantoo_docker_host"] == "", "no DOCKER_HOST in the tree: the controller's engine"


def test_a_stalks_engine_is_the_docker_host_its_node_or_an_ancestors_sets(project, write, inventory):
    tree = write(project / "tree.hjson", ARCH + """
        stalks: {"root": {"far": {"DOCKER_HOST": "tcp://builder.example:2376", "farther": {}}}}
    """)
    engines = {}
    for host in ("root", "far", "farther"):
        proc = inventory("-i", tree, "--host", host)
        assert proc.returncode == 0, proc.stdout
        hosts = json.loads(proc.stdout)
        engines[host] = hosts["kantoo_docker_host"]
        assert "DOCKER_HOST" not in hosts and "DOCKER_HOST" not in hosts["kantoo_variables"]
    assert engines == {"root": "", "far": "tcp://builder.example:2376", "farther": "tcp://builder.example:2376"}


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
    (ARCH + 'globals: {"DOCKER_HOST": "nowhere"}\nstalks: {"a": {}}',
     "globals.DOCKER_HOST 'nowhere' is not the URL of a Docker engine"),
    (ARCH + 'stalks: {"a": {"b": {"DOCKER_HOST": "http:///"}}}', "stalks.a.b.DOCKER_HOST 'http:///' is not the URL"),
])
def test_bad_trees_get_one_clear_message(project, write, inventory, text, expected):
    tree = write(project / "bad.hjson", text)
    with pytest.raises(TreeError, match=expected.replace("(", r"\(").replace(")", r"\)")) as error:
        read_tree(str(tree))
    assert str(tree) in str(error.value)
    proc = inventory("-i", tree, "--list")
    assert proc.returncode != 0
    assert expected in proc.stdout and str(tree) in proc.stdout
    assert "Traceback" not in proc.stdout


def test_stalk_names_are_unique_across_trees(project, write, inventory):
    first = write(project / "one.hjson", ARCH + 'stalks: {"same": {}}')
    second = write(project / "two.hjson", ARCH + 'stalks: {"same": {}}')
    proc = inventory("-i", first, "-i", second, "--list")
    assert proc.returncode != 0
    assert "stalk 'same' is also defined in %s" % first in proc.stdout
