"""playbooks/graph.yml draws a tree's images: stalks, steps, cache state, sizes and build times, where each stalk's
image comes from and which stalk it waits for."""

import json

from conftest import playbook
from scratch import copy_task, grow, make_role, make_tree, write


def test_the_graph_shows_steps_cache_state_sizes_and_times(tmp_path, os_name, fresh_base):
    make_role(tmp_path, "top", {"one": [copy_task("/one", "x" * 5000)], "two": [copy_task("/two", "two")]})
    make_role(tmp_path, "below", {"three": [copy_task("/three", "three")]})
    # like the Debian tree's stage4: grows after its parent, starts from an image further up
    make_role(tmp_path, "last", {"four": [copy_task("/four", "four")]})
    tree = make_tree(tmp_path, os_name, {"top": {"DOCKER_INIT_IMG": fresh_base, "below": {
        "last": {"DOCKER_INIT_IMG": "top:final"}}}})
    grow(tree)
    write(tmp_path / "roles/below/tasks/three.yml", (tmp_path / "roles/below/tasks/three.yml").read_text()
          .replace("content: three", "content: changed"))
    grow(tree)
    playbook("playbooks/graph.yml", "-i", tree, "-e", "tree=tree", "-e", "dest=%s" % (tmp_path / "tree.svg"))
    svg = (tmp_path / "tree.svg").read_text()
    dot = (tmp_path / "tree.dot").read_text()
    assert svg.startswith("<?xml") and "<svg" in svg
    assert '"cluster_top"' in dot and '"cluster_below"' in dot
    assert '"top:one" [label="one\\n+5 kB\\ncached"' in dot
    assert "built in" in dot.split('"below:three"')[1].split("\n")[0]
    assert '"%s" -> "top:initial";' % fresh_base in dot
    assert '"top:two" -> "below:initial" [label="final"];' in dot
    assert '"top:two" -> "last:initial" [label="final"];' in dot
    assert '"below:three" -> "last:initial"' not in dot
    assert '"last:initial" -> "below:three" [style=dashed' in dot and 'label="waits for"' in dot


def test_the_last_run_says_where_each_built_step_spent_its_time(tmp_path, os_name, fresh_base):
    make_role(tmp_path, "top", {"one": [copy_task("/one", "one")], "two": [{
        "name": "Take a while", "ansible.builtin.command": "sleep 1", "changed_when": False}]})
    tree = make_tree(tmp_path, os_name, {"top": {"DOCKER_INIT_IMG": fresh_base}})
    grow(tree)
    steps = json.loads((tmp_path / "logs/last-run.json").read_text())["top"]
    for step in steps.values():
        assert step["state"] == "built" and min(step["start"], step["tasks"], step["commit"]) > 0
        assert abs(step["start"] + step["tasks"] + step["commit"] - step["seconds"]) < 0.05
    assert steps["two"]["tasks"] >= 1
    grow(tree)
    assert json.loads((tmp_path / "logs/last-run.json").read_text())["top"]["two"] == {"state": "cached",
                                                                                        "seconds": None}
