"""Incremental builds: what a change rebuilds, forcing, failures, deep chains (interruptions and overlapping runs:
test_kills.py, test_overlap.py)."""

import json
import shutil
import time

from scratch import copy_task, created_containers, deep_image, grow, make_role, make_tree, tags, write


def counter_project(project, os_name, base):
    make_role(project, "counter", {
        "one": [copy_task("/one", "{{ ONE }}")],
        "two": [{"name": "Render two", "ansible.builtin.template": {"src": "two.j2", "dest": "/two", "mode": "0644"}}],
        "three": [copy_task("/three", "{{ counter_three }}")],
    }, defaults={"counter_three": "{{ THREE }}"}, files={"templates/two.j2": "two\n"})
    make_role(project, "leaf", {"only": [{"name": "Read", "ansible.builtin.command": "cat /one /two /three",
                                          "changed_when": False}]})
    make_role(project, "other", {"only": [copy_task("/other", "other")]})
    return make_tree(project, os_name, {
        "counter": {"DOCKER_INIT_IMG": base, "ONE": "a", "THREE": "c", "leaf": {}},
        "other": {"DOCKER_INIT_IMG": base},
    })


def snapshot(client, os_name):
    return {stalk: tags(client, os_name, stalk) for stalk in ("counter", "leaf", "other")}


def rebuilt(before, after):
    return sorted("%s:%s" % (stalk, tag) for stalk in before for tag in before[stalk]
                  if tag not in ("initial", "final") and before[stalk][tag] != after[stalk].get(tag))


def test_a_change_rebuilds_from_the_first_step_that_uses_it_and_the_descendants(client, tmp_path, os_name,
                                                                                  fresh_base):
    tree = counter_project(tmp_path, os_name, fresh_base)
    grow(tree)
    first = snapshot(client, os_name)
    assert set(first["counter"]) == {"initial", "one", "two", "three", "final"}

    write(tree, tree.read_text().replace('"THREE": "c"', '"THREE": "changed"'))
    since = time.time()
    checked = grow(tree, "--check", "-e", "stalk_explain=true")
    assert "three: rebuilt, variable THREE changed" in checked.stdout, "check mode says what would be rebuilt"
    assert created_containers(client, since) == [] and snapshot(client, os_name) == first
    run = grow(tree, "-e", "stalk_explain=true")
    second = snapshot(client, os_name)
    assert rebuilt(first, second) == ["counter:three", "leaf:only"]
    # one line a step, said by the plan (no task of its own), naming the stalk
    assert "stalk 'counter': three: rebuilt, variable THREE changed" in run.stdout
    assert "stalk 'counter': one: cached" in run.stdout

    write(tmp_path / "roles/counter/templates/two.j2", "two, edited\n")
    run = grow(tree, "-e", "stalk_explain=true")
    third = snapshot(client, os_name)
    assert rebuilt(second, third) == ["counter:three", "counter:two", "leaf:only"]
    assert "two: rebuilt, file templates/two.j2 changed" in run.stdout

    forced = grow(tree, "-e", "stalk_force=counter:three")
    assert "three: forced" not in forced.stdout, "without stalk_explain nothing is explained"
    fourth = snapshot(client, os_name)
    assert rebuilt(third, fourth) == ["counter:three", "leaf:only"]

    write(tmp_path / "roles/counter/tasks/one.yml", (tmp_path / "roles/counter/tasks/one.yml").read_text()
          .replace("Write /one", "Write the first file"))
    grow(tree)
    fifth = snapshot(client, os_name)
    assert rebuilt(fourth, fifth) == ["counter:one", "counter:three", "counter:two", "leaf:only"]
    assert fifth["other"] == first["other"], "a stalk outside the changed branch must not rebuild"


def test_a_failed_step_moves_no_tag_keeps_its_file_system_and_the_next_run_resumes(client, tmp_path, os_name,
                                                                                    fresh_base):
    make_role(tmp_path, "failing", {
        "ok": [copy_task("/ok", "ok")],
        "boom": [{"name": "Break on purpose", "ansible.builtin.shell": "echo partial output; exit 3",
                  "changed_when": True}],
    })
    tree = make_tree(tmp_path, os_name, {"failing": {"DOCKER_INIT_IMG": fresh_base}})
    failed = grow(tree, check=False)
    assert failed.returncode != 0
    assert "Stalk failing: step boom failed in task 'Break on purpose' with exit code 3" in failed.stdout
    logs = list((tmp_path / "logs" / "failing").glob("amd64-bookworm-boom-*.txt"))
    assert len(logs) == 1 and "partial output" in logs[0].read_text()
    assert str(logs[0]) in failed.stdout
    assert "ansible-playbook playbooks/shell.yml -i %s -e stalk=failing -e step=boom-failed" % tree in failed.stdout
    first = tags(client, os_name, "failing")
    assert "boom" not in first and "final" not in first and "ok" in first
    kept = client.images.get("%s/amd64/bookworm/failing:boom-failed" % os_name)
    assert kept.labels["kantoo.devkit.failed"] == "true" and kept.labels["kantoo.devkit.key"] == ""
    assert not client.containers.list(all=True, filters={"label": "kantoo.devkit.stalk=failing"})

    write(tmp_path / "roles/failing/tasks/boom.yml", "- name: Work now\n  ansible.builtin.command: 'true'\n"
          "  changed_when: true\n")
    resumed = grow(tree, "-e", "stalk_explain=true")
    assert "ok: cached" in resumed.stdout
    second = tags(client, os_name, "failing")
    assert second["ok"] == first["ok"] and second["final"] == second["boom"]


def test_a_chain_deeper_than_dockers_layer_limit_is_flattened(client, tmp_path, os_name, fresh_base):
    base = deep_image(client, fresh_base, 120, os_name + "/deep-base")
    steps = {"s%d" % n: [copy_task("/s%d" % n, str(n))] for n in range(1, 9)}
    make_role(tmp_path, "deep", steps)
    tree = make_tree(tmp_path, os_name, {"deep": {"DOCKER_INIT_IMG": base}})
    grow(tree)
    final = client.images.get("%s/amd64/bookworm/deep:final" % os_name)
    assert len(final.attrs["RootFS"]["Layers"]) < 125
    listing = client.containers.run(final.id, ["sh", "-c", "cat /s1 /s8; ls /layer-119"], remove=True)
    assert listing == b"18/layer-119\n"
    assert client.images.get(base).id != final.id
    client.images.remove(base)


def test_a_stalk_writes_artifacts_to_a_host_directory_and_a_reader_rebuilds_when_it_changes(client, tmp_path,
                                                                                             os_name, fresh_base):
    make_role(tmp_path, "producer", {"make": [copy_task("/artifacts/package", "{{ VERSION }}")]})
    make_role(tmp_path, "consumer", {"read": [{"name": "Install the package", "ansible.builtin.copy": {
        "src": "/artifacts/package", "dest": "/installed", "remote_src": True, "mode": "0644"}}]})
    artifacts = {"path": "work/artifacts", "bind": "/artifacts"}
    write(tmp_path / "stalks/producer/producer.hjson", json.dumps({"plugins": {"out": dict(artifacts, mode="rw")}}))
    write(tmp_path / "stalks/consumer/consumer.hjson", json.dumps({"plugins": {"in": artifacts}}))
    # the consumer starts from the base, not from the producer's image: only the directory links them
    tree = make_tree(tmp_path, os_name, {"producer": {"DOCKER_INIT_IMG": fresh_base, "VERSION": "1",
                                                      "consumer": {"DOCKER_INIT_IMG": fresh_base}}})
    assert not (tmp_path / "work").exists()
    grow(tree)
    assert (tmp_path / "work/artifacts/package").read_text() == "1", "the rw directory is made and written"
    first = tags(client, os_name, "consumer")

    grow(tree)
    assert tags(client, os_name, "consumer") == first, "nothing changed, nothing rebuilt"

    write(tree, tree.read_text().replace('"VERSION": "1"', '"VERSION": "2"'))
    run = grow(tree, "-e", "stalk_explain=true")
    assert "read: rebuilt, file /artifacts/ changed" in run.stdout
    second = tags(client, os_name, "consumer")
    assert second["read"] != first["read"]
    # the newline: Docker's log may hold back a last line that has none
    out = client.containers.run(second["final"], ["sh", "-c", "cat /installed; echo"], entrypoint=[], remove=True)
    assert out == b"2\n"


def test_another_checkout_writes_its_own_artifacts_instead_of_reusing_a_step_that_wrote_elsewhere(
        tmp_path, os_name, fresh_base):
    """The images of a step are shared, but what it wrote to a host directory is not in them."""
    trees = []
    for checkout in ("one", "two"):
        project = tmp_path / checkout
        make_role(project, "producer", {"make": [copy_task("/artifacts/package", "made")]})
        write(project / "stalks/producer/producer.hjson",
              json.dumps({"plugins": {"out": {"path": "work/artifacts", "bind": "/artifacts", "mode": "rw"}}}))
        trees.append(make_tree(project, os_name, {"producer": {"DOCKER_INIT_IMG": fresh_base}}))
    for tree in trees:
        grow(tree)
        assert (tree.parent / "work/artifacts/package").read_text() == "made"


def test_an_emptied_artifacts_directory_is_written_again_from_the_step_that_had_filled_it(client, tmp_path, os_name,
                                                                                         fresh_base):
    """What a step wrote to a host directory is not in its image: removed (a fresh sab_workspace), it is made
    again by the first step that had left something there, though every key still matches."""
    make_role(tmp_path, "producer", {
        "prepare": [copy_task("/prepared", "yes")],
        "make": [copy_task("/artifacts/package", "made")],
        "index": [copy_task("/artifacts/index", "package")],
    })
    write(tmp_path / "stalks/producer/producer.hjson",
          json.dumps({"plugins": {"out": {"path": "work/artifacts", "bind": "/artifacts", "mode": "rw"}}}))
    tree = make_tree(tmp_path, os_name, {"producer": {"DOCKER_INIT_IMG": fresh_base}})
    grow(tree)
    first = tags(client, os_name, "producer")
    assert "rebuilt" not in grow(tree, "-e", "stalk_explain=true").stdout, "a rerun rebuilds nothing"
    assert tags(client, os_name, "producer") == first

    artifacts = tmp_path / "work/artifacts"
    shutil.rmtree(artifacts)
    run = grow(tree, "-e", "stalk_explain=true")
    assert "stalk 'producer': prepare: cached" in run.stdout
    assert ("stalk 'producer': make: rebuilt, what it wrote to %s is gone (the directory is empty or missing, and "
            "its image does not hold it)" % artifacts) in run.stdout
    assert "stalk 'producer': index: rebuilt, after an earlier step" in run.stdout
    assert sorted(p.name for p in artifacts.iterdir()) == ["index", "package"]
    second = tags(client, os_name, "producer")
    assert second["prepare"] == first["prepare"] and second["make"] != first["make"]

    grow(tree)
    assert tags(client, os_name, "producer") == second, "written again, the directory is the step's once more"
