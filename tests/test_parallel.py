"""Sibling stalks grow at once; a child waits for its parent, and does not grow when its parent fails."""

import time

from scratch import copy_task, grow, make_role, make_tree, tags


def container_spans(client, since, os_name_unused=None):
    """name -> (start, die) of the step containers created since a time, from the engine's events."""
    spans = {}
    for event in client.events(since="%.9f" % since, until=int(time.time()) + 1, decode=True,
                               filters={"type": "container"}):
        name = event["Actor"]["Attributes"].get("name", "")
        if event["status"] in ("start", "die") and name.startswith("kantoo-"):
            spans.setdefault(name, {})[event["status"]] = event["timeNano"] / 1e9
    return spans


def test_siblings_grow_at_once_after_their_parent(client, tmp_path, os_name, fresh_base):
    make_role(tmp_path, "trunk", {"grow": [copy_task("/trunk", "trunk")]})
    for side in ("left", "right"):
        make_role(tmp_path, side, {"nap": [{"name": "Take a while", "ansible.builtin.command": "sleep 4",
                                            "changed_when": False}]})
    tree = make_tree(tmp_path, os_name, {"trunk": {"DOCKER_INIT_IMG": fresh_base, "left": {}, "right": {}}})
    since = time.time()
    grow(tree)
    spans = container_spans(client, since)
    side = {s: next(v for k, v in spans.items() if k.startswith("kantoo-%s-" % s)) for s in ("trunk", "left", "right")}
    assert side["left"]["start"] < side["right"]["die"] and side["right"]["start"] < side["left"]["die"], \
        "the two children must run at the same time"
    trunk_final = client.images.get("%s/amd64/bookworm/trunk:final" % os_name)
    for child in ("left", "right"):
        assert side[child]["start"] >= side["trunk"]["die"], "a child starts after its parent's last step"
        assert tags(client, os_name, child)["initial"] == trunk_final.id


def test_a_failed_parent_stops_its_children_and_not_the_other_branches(client, tmp_path, os_name, fresh_base):
    make_role(tmp_path, "bad", {"boom": [{"name": "Fail", "ansible.builtin.command": "false", "changed_when": False}]})
    make_role(tmp_path, "orphan", {"never": [copy_task("/never", "never")]})
    make_role(tmp_path, "fine", {"ok": [copy_task("/ok", "ok")]})
    tree = make_tree(tmp_path, os_name, {"bad": {"DOCKER_INIT_IMG": fresh_base, "orphan": {}},
                                         "fine": {"DOCKER_INIT_IMG": fresh_base}})
    run = grow(tree, check=False)
    assert run.returncode != 0
    assert "stalk 'orphan' does not grow: its parent 'bad' failed in this run" in run.stdout
    assert tags(client, os_name, "orphan") == {}
    assert "final" in tags(client, os_name, "fine")
