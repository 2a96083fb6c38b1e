"""The stalker inventory plugin on tree files, read and through ansible-inventory: order, initial images,
groups, errors. How a tree's variables are read is plugin_utils/test_tree.py."""

import json
import subprocess
import sys
from pathlib import Path

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


BAD_KEY = "key 'stalks.a.junk' is neither a variable (ALL-CAPS), an option (pretend, skip_until, interactive) nor a stalk"


@pytest.fixture
def trees(project, write):
    """A directory of three trees: good.hjson, bad.hjson (a bad key) and twin.hjson (a stalk good.hjson has)."""
    directory = project / "trees"
    write(directory / "good.hjson", ARCH + 'stalks: {"g": {"DOCKER_INIT_IMG": "x/y:1", "g1": {}}}')
    write(directory / "bad.hjson", ARCH + 'stalks: {"a": {"junk": 1}}')
    write(directory / "twin.hjson", ARCH + 'stalks: {"g1": {"DOCKER_INIT_IMG": "x/y:1"}}')
    return directory


def test_a_broken_tree_of_a_directory_warns_and_gives_its_group_a_host_that_carries_the_error(trees, inventory):
    proc = inventory("-i", trees, "--list")
    assert proc.returncode == 0, proc.stdout
    assert "[WARNING]: %s: %s" % (trees / "bad.hjson", BAD_KEY) in proc.stdout, "the warning says what is wrong"
    listed = json.loads(proc.stdout[proc.stdout.index("{"):], object_hook=lambda o: o.get("__ansible_unsafe", o))
    assert listed["bad_tree"]["hosts"] == ["bad.hjson"]
    error = listed["_meta"]["hostvars"]["bad.hjson"]
    assert error["kantoo_tree_error"] == "%s: %s" % (trees / "bad.hjson", BAD_KEY)
    assert error["kantoo_tree_file"] == str(trees / "bad.hjson") and error["kantoo_tree"] == "bad"
    # a stalk name that another tree has: the tree read later is the broken one, whole
    assert listed["twin_tree"]["hosts"] == ["twin.hjson"]
    assert listed["_meta"]["hostvars"]["twin.hjson"]["kantoo_tree_error"] == (
        "%s: stalk 'g1' is also defined in %s; stalk names must be unique across trees"
        % (trees / "twin.hjson", trees / "good.hjson"))
    assert listed["_meta"]["hostvars"]["g1"]["kantoo_tree_file"] == str(trees / "good.hjson")
    assert "Traceback" not in proc.stdout


def test_a_broken_tree_named_on_the_command_line_fails_the_inventory(trees, inventory):
    proc = inventory("-i", trees / "bad.hjson", "-i", trees / "good.hjson", "--list")
    assert proc.returncode != 0 and BAD_KEY in proc.stdout


def test_a_broken_tree_stops_the_runs_that_grow_it_in_their_check_and_no_other(trees, ansible, write):
    """No engine here (DOCKER_HOST points nowhere): the broken tree's run stops before any request to one."""
    proc = ansible("ansible-playbook", "-i", trees, "kantoo.devkit.grow", "-e", "kantoo_hosts=bad_tree")
    assert proc.returncode != 0
    fatal = [line for line in proc.stdout.splitlines() if line.startswith("fatal: [")]
    assert len(fatal) == 1 and fatal[0].startswith("fatal: [bad.hjson]: FAILED!"), proc.stdout
    assert "%s: %s" % (trees / "bad.hjson", BAD_KEY) in fatal[0]
    assert "Check every stalk before any container starts" in proc.stdout.split("fatal: [")[0]
    assert "cannot reach the Docker daemon" not in proc.stdout and "Traceback" not in proc.stdout
    # all the trees: the same message stops the run
    proc = ansible("ansible-playbook", "-i", trees, "kantoo.devkit.grow")
    assert proc.returncode != 0 and "fatal: [bad.hjson]: FAILED!" in proc.stdout
    # a play on another tree does not see the broken one
    play = write(trees.parent / "play.yml", """
        - hosts: good_tree
          gather_facts: false
          tasks:
            - ansible.builtin.debug:
                msg: "{{ kantoo_repository }} of {{ kantoo_tree_file }}"
        """)
    proc = ansible("ansible-playbook", "-i", trees, play)
    assert proc.returncode == 0, proc.stdout
    assert "os/arch/sub/g1 of %s" % (trees / "good.hjson") in proc.stdout and "failed=0" in proc.stdout


def test_reading_a_tree_imports_nothing_heavy_it_does_not_need():
    """Every run imports the tree reader: the Docker SDK (0.12 s) and ansible's urls (with cryptography's x509,
    0.025 s) are imported only by what talks to a registry's redirect or does without the engine client."""
    collections = Path(__file__).resolve().parents[7]
    check = ("import sys; sys.path.insert(0, sys.argv[1]); "
             "import ansible_collections.kantoo.devkit.plugins.inventory.stalker; "
             "print(sorted(m for m in ('docker', 'ansible.module_utils.urls', 'cryptography.x509') if m in sys.modules))")
    proc = subprocess.run([sys.executable, "-c", check, str(collections)], capture_output=True, text=True, check=False)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "[]"
