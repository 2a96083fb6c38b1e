"""A tree's registry before any engine: REGISTRY read from the tree's globals and checked (the file and the key
named), kept out of the steps' variables; and a registry that does not answer stops the stalk with its URL and what
to do. What the plan asks the registry is tested with the plan, in test_plan.py."""

import json
import socket
from types import SimpleNamespace

import pytest

from ansible_collections.kantoo.devkit.plugins.module_utils._registry import Registry
from ansible_collections.kantoo.devkit.plugins.plugin_utils._shared import SharedCache
from ansible_collections.kantoo.devkit.plugins.plugin_utils._tree import TreeError, read_tree

TREE = ('{"architecture": {"OS": "debian", "ARCH": "amd64", "SUBARCH": "bookworm"}, %s '
        '"stalks": {"top": {%s "child": {}}}}')


@pytest.fixture
def tree(tmp_path, write):
    """tree(globals, node): a tree file of two stalks, with what globals and the root's node hold."""
    (tmp_path / "stalks").mkdir()
    return lambda globals_="", node="": str(write(tmp_path / "t.hjson", TREE % (globals_, node)))


def test_registry_is_the_trees_and_no_variable_of_a_step(tree):
    stalks = read_tree(tree('"globals": {"REGISTRY": "127.0.0.1:5000/builds"},'))[1]
    assert [s["registry"] for s in stalks] == ["127.0.0.1:5000/builds"] * 2
    assert all("REGISTRY" not in s["variables"] for s in stalks)
    assert [s["registry"] for s in read_tree(tree())[1]] == ["", ""]


@pytest.mark.parametrize("value, why", [("http://127.0.0.1:5000", "without a scheme"),
                                        ("registry", "needs a port"), ("127.0.0.1:5000/Builds", "prefix")])
def test_a_bad_registry_names_the_file_and_the_key(tree, value, why):
    path = tree('"globals": {"REGISTRY": "%s"},' % value)
    with pytest.raises(TreeError) as error:
        read_tree(path)
    assert str(error.value).startswith("%s: globals.REGISTRY '%s' is not a registry" % (path, value))
    assert why in str(error.value)


def test_a_stalk_cannot_have_a_registry_of_its_own(tree):
    path = tree('"globals": {"REGISTRY": "127.0.0.1:5000"},', '"REGISTRY": "127.0.0.1:5001",')
    with pytest.raises(TreeError, match=r"t.hjson: stalks.top.REGISTRY: a tree has one registry; set REGISTRY in"):
        read_tree(path)


def test_a_registry_that_does_not_answer_names_the_stalk_the_url_and_what_to_do():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        address = "127.0.0.1:%d" % probe.getsockname()[1]
    stalk = {"kantoo_tree_file": "/trees/t.hjson", "kantoo_stalk": "top", "kantoo_registry": address}
    with pytest.raises(TreeError) as error:
        SharedCache(None, stalk).check()
    assert str(error.value).startswith("/trees/t.hjson: stalk 'top': cannot reach the registry %s at http://%s/v2/"
                                       % (address, address))
    assert "Start it, or fix REGISTRY" in str(error.value)
    SharedCache(None, dict(stalk, kantoo_registry="")).check()  # no registry, nothing to ask


class CountingRegistry(Registry):
    """A registry that holds one manifest, key-<held> of debian/top, and records every request it is sent."""

    def __init__(self, held):
        super().__init__("127.0.0.1:5000")
        self.held, self.requests = held, []

    def _request(self, method, path, headers=None):
        self.requests.append((method, path))
        if not path.endswith("/key-" + self.held):
            return 404, None, b""
        body = json.dumps({"schemaVersion": 2, "config": {"digest": "sha256:" + "c" * 64}}).encode()
        return 200, SimpleNamespace(getheader=lambda name: "sha256:" + "d" * 64), body


@pytest.mark.parametrize("key, expected", [("a" * 64, "sha256:" + "c" * 64), ("b" * 64, None)])
def test_a_dry_lookup_of_a_step_is_one_request(key, expected):
    """In check mode a hit's id is its manifest's config digest, a miss the manifest's 404: one GET either way."""
    stalk = {"kantoo_tree_file": "/trees/t.hjson", "kantoo_stalk": "top", "kantoo_registry": ""}
    shared = SharedCache(None, stalk, dry=True)
    shared.registry = CountingRegistry("a" * 64)
    assert shared.step(SimpleNamespace(repository="debian/top", name="only"), key) == expected
    assert shared.registry.requests == [("GET", "/v2/debian/top/manifests/key-" + key)]
