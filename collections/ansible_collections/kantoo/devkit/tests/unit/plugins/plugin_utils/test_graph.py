"""The tree graph's edges: where a stalk's image comes from, and which stalk it waits for, drawn apart."""

import json
import shutil
import subprocess

import pytest

from ansible_collections.kantoo.devkit.plugins.plugin_utils._graph import GraphStalk, tree_dot
from ansible_collections.kantoo.devkit.plugins.plugin_utils._tree import read_tree

# the shape of inventories/debian.hjson: the stage4 grows after the repository but starts from a fresh base
DEBIAN = {"debian_base": {"DOCKER_INIT_IMG": "kantoo/debian:bookworm", "debian_binaries": {"debian_repo": {
    "debian_stage4": {"DOCKER_INIT_IMG": "debian_base:final"}}}}}
STEPS = {"debian_base": ["configure_apt", "upgrade"],
         "debian_binaries": ["download_packages", "build_release_package"],
         "debian_repo": ["install_tools", "signing_key", "publish"],
         "debian_stage4": ["use_repository", "install_packages", "configure_system", "export"]}


def graph(tmp_path, stalks, steps=None, run=None, sizes=None):
    """The dot source of a tree read as the inventory reads it; every stalk has STEPS or one step, 'only'."""
    (tmp_path / "stalks").mkdir(exist_ok=True)
    tree = tmp_path / "tree.hjson"
    tree.write_text(json.dumps({"architecture": {"OS": "debian", "ARCH": "amd64", "SUBARCH": "bookworm"},
                                "stalks": stalks}))
    steps = steps or STEPS
    read = [GraphStalk(s["name"], s["parent"], s["repository"], s["initial_image"], steps.get(s["name"], ["only"]),
                       s["docker_host"]) for s in read_tree(str(tree))[1]]
    return tree_dot("tree", read, run or {}, sizes)


def edges(dot):
    """'a -> b' lines, without their attributes, mapped to their attributes."""
    found = {}
    for line in dot.splitlines():
        if " -> " in line:
            edge, attributes = (line.strip().rstrip(";").split(" [", 1) + [""])[:2]
            found[edge] = attributes.rstrip("]")
    return found


def test_a_stalk_starts_from_the_image_it_names_and_waits_for_its_parent(tmp_path):
    found = edges(graph(tmp_path, DEBIAN))
    # image edges: solid, from the image each stalk starts from
    assert found['"kantoo/debian:bookworm" -> "debian_base:initial"'] == ""
    assert found['"debian_base:upgrade" -> "debian_binaries:initial"'] == 'label="final"'
    assert found['"debian_binaries:build_release_package" -> "debian_repo:initial"'] == 'label="final"'
    assert found['"debian_base:upgrade" -> "debian_stage4:initial"'] == 'label="final"'
    # the order of growing, where it is not the image's: the stage4 waits for the repository
    assert 'style=dashed' in found['"debian_stage4:initial" -> "debian_repo:publish"']
    assert 'label="waits for"' in found['"debian_stage4:initial" -> "debian_repo:publish"']
    assert '"debian_repo:publish" -> "debian_stage4:initial"' not in found
    assert [edge for edge, attributes in found.items() if "waits for" in attributes] == [
        '"debian_stage4:initial" -> "debian_repo:publish"']
    # and the steps of a stalk, one after the other
    assert found['"debian_stage4:initial" -> "debian_stage4:use_repository"'] == ""
    assert found['"debian_stage4:configure_system" -> "debian_stage4:export"'] == ""


def test_an_outside_image_is_one_node_and_a_root_s_own_initial_none(tmp_path):
    dot = graph(tmp_path, {"a": {"DOCKER_INIT_IMG": "kantoo/debian:bookworm", "b": {
        "DOCKER_INIT_IMG": "kantoo/debian:bookworm"}}, "c": {}})
    found = edges(dot)
    assert dot.count('"kantoo/debian:bookworm" [shape=cylinder') == 1
    assert found['"kantoo/debian:bookworm" -> "b:initial"'] == ""
    assert 'label="waits for"' in found['"b:initial" -> "a:only"']
    # c, a root without DOCKER_INIT_IMG, starts from its own :initial, a base image made beforehand
    assert not [edge for edge in found if edge.endswith('"c:initial"')]
    assert "debian/amd64/bookworm/c:initial" not in dot


def test_a_stalk_may_start_from_a_step_that_is_not_final(tmp_path):
    found = edges(graph(tmp_path, {"a": {"DOCKER_INIT_IMG": "kantoo/debian:bookworm", "b": {
        "DOCKER_INIT_IMG": "a:one"}}}, steps={"a": ["one", "two"]}))
    assert found['"a:one" -> "b:initial"'] == 'label="one"'
    assert 'label="waits for"' in found['"b:initial" -> "a:two"']


def test_steps_show_their_size_and_what_the_last_run_did(tmp_path):
    run = {"debian_repo": {"publish": {"state": "built", "seconds": 2.25}},
           "debian_stage4": {"export": {"state": "failed", "seconds": 1.0}}}
    dot = graph(tmp_path, DEBIAN, run=run, sizes={"debian_repo": {"install_tools": 5000, "publish": 12}})
    assert '"debian_repo:install_tools" [label="install_tools\\n+5 kB\\ncached", fillcolor="#c8e6c9"]' in dot
    assert '"debian_repo:publish" [label="publish\\n+12 B\\nbuilt in 2.2 s", fillcolor="#bbdefb"]' in dot
    assert '"debian_stage4:export" [label="export\\nfailed", fillcolor="#ffcdd2"]' in dot
    assert '"debian_base:upgrade" [label="upgrade\\nmissing", fillcolor="#eeeeee"]' in dot


def test_a_stalk_on_an_engine_of_its_own_says_so_under_its_name(tmp_path):
    dot = graph(tmp_path, {"a": {"DOCKER_INIT_IMG": "kantoo/debian:bookworm", "b": {"DOCKER_HOST": "ssh://arm-box"}}})
    assert 'label="a  (debian/amd64/bookworm/a)";' in dot
    assert 'label="b  (debian/amd64/bookworm/b)\\non ssh://arm-box";' in dot


@pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz's dot is not installed")
def test_graphviz_draws_it(tmp_path):
    proc = subprocess.run(["dot", "-Tsvg"], input=graph(tmp_path, DEBIAN), text=True, capture_output=True,
                          check=False)
    assert proc.returncode == 0 and not proc.stderr, proc.stderr
    assert "<svg" in proc.stdout
