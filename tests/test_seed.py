"""Seed compatibility: a seed-format project runs unchanged; pretend, skip_until, watch; a converted role
prints the same as its stalk file. The converter's own tests are in the collection:
tests/unit/plugins/plugin_utils/test_convert.py."""

import json
import os
import shutil
import subprocess
import time

import pytest

from conftest import BIN, PROJECT, ansible_env, playbook, run
from scratch import created_containers, tags, write
from seed_output import SEED_LINES, step_lines

COLLECT = """#!/usr/bin/env sh
echo needed=$NEEDED env=$STALK_ENV literal={NEEDED}
cat /etc/kantoo/conf /tmp/subst /tmp/raw /var/git/HEAD
echo collected > /out/artifact.txt
touch /collected-marker
"""
PY = """#!/usr/bin/env python3
import helper
print(helper.shout('{MESSAGE}'))
"""


@pytest.fixture
def seed_project(tmp_path, os_name, fresh_base):
    """A project in the seed's layout: trees/, stalks/, lib/sysroot with a symlinked directory."""
    project = tmp_path / "project"
    write(project / "lib/sysroot/etc/kantoo/conf", "from the sysroot\n")
    write(project / "lib/sysroot/entropy/plugins/helper.py", "def shout(text):\n    return text.upper()\n")
    write(project / "gitrepo/HEAD", "ref: refs/heads/main\n")
    (project / "lib/sysroot/var").mkdir(parents=True)
    os.symlink("../../../gitrepo", project / "lib/sysroot/var/git")
    (project / "artifacts").mkdir()
    write(project / "stalks/seeded/seeded.hjson", json.dumps({
        "DOCKER_OPTS": {"tty": True, "init": True, "remove": False, "entrypoint": "/bin/bash", "detach": True},
        "envplugins": {"STALK_ENV": "env-value"},
        "NEEDED": "",
        "plugins": {
            "collect": {"NEEDED": "", "exec": True, "text": COLLECT},
            "py": {"MESSAGE": "", "exec": True, "text": PY},
            "subst": {"GREETING": "", "bind": "/tmp/subst", "text": "value={GREETING}"},
            "raw": {"bind": "/tmp/raw", "text": "{not_a_var} stays"},
            "out": {"path": "artifacts", "bind": "/out", "mode": "rw"},
        }}))
    write(project / "stalks/leafy/leafy.hjson", json.dumps({"plugins": {
        "check": {"exec": True, "text": "#!/bin/sh\ntest -f /collected-marker && echo parent image seen\n"}}}))
    tree = write(project / "trees/t/t.hjson", """
        architecture: {
          OS: %s
          ARCH: amd64
          SUBARCH: bookworm
        }
        paths: {
          SYSROOT_DIR: lib/sysroot
          LOG_DIR: logs
        }
        globals: {
          GREETING: hello from globals
          MESSAGE: a python helper beside the script
        }
        stalks: {
          seeded: {
            DOCKER_INIT_IMG: %s
            NEEDED: from the tree
            leafy: {}
          }
        }
    """ % (os_name, fresh_base))
    return project, tree


def grow(tree, *args, **kwargs):
    return playbook("playbooks/grow.yml", "-i", tree, *args, **kwargs)


def test_a_seed_project_runs_unchanged(client, seed_project, os_name):
    project, tree = seed_project
    cold = grow(tree)
    lines = step_lines(cold.stdout)
    assert "needed=from the tree env=env-value literal={NEEDED}" in lines, "sh scripts are not substituted"
    start = lines.index("from the sysroot")
    assert lines[start:start + 4] == ["from the sysroot", "value=hello from globals", "{not_a_var} stays",
                                      "ref: refs/heads/main"]
    assert "A PYTHON HELPER BESIDE THE SCRIPT" in lines
    assert "parent image seen" in lines
    assert (project / "artifacts/artifact.txt").read_text() == "collected\n"

    seeded, leafy = tags(client, os_name, "seeded"), tags(client, os_name, "leafy")
    assert set(seeded) == {"initial", "collect", "py", "final"} and seeded["final"] == seeded["py"]
    assert leafy["initial"] == seeded["final"]
    for step in ("collect", "py"):
        logs = list((project / "logs/seeded").glob("amd64-bookworm-%s-*.txt" % step))
        assert len(logs) == 1
    py_log = next((project / "logs/seeded").glob("*-py-*.txt")).read_text()
    assert "A PYTHON HELPER" in py_log
    # the script's own output, once: the steps callback logs a role's step tasks, not the seed's script task
    assert "TASK [" not in py_log and lines.count("A PYTHON HELPER BESIDE THE SCRIPT") == 1
    tree_view = run([str(BIN / "eliot-tree"), str(project / "logs/eliot.txt")]).stdout
    assert "kantoo:stalk" in tree_view and "seeded" in tree_view and "kantoo:commit" in tree_view

    since = time.time()
    grow(tree)
    assert created_containers(client, since, os_name=os_name) == [], "other runs may share the engine"


def test_a_failed_seed_step_is_reported_kept_and_logged(client, tmp_path, os_name, fresh_base):
    write(tmp_path / "stalks/breaking/breaking.hjson", json.dumps({"plugins": {
        "fine": {"exec": True, "text": "#!/bin/sh\necho fine\n"},
        "boom": {"exec": True, "text": "#!/bin/sh\necho partial output\nexit 3\n"}}}))
    tree = write(tmp_path / "trees/t/t.hjson", json.dumps({
        "architecture": {"OS": os_name, "ARCH": "amd64", "SUBARCH": "bookworm"}, "paths": {"LOG_DIR": "logs"},
        "stalks": {"breaking": {"DOCKER_INIT_IMG": fresh_base}}}))
    failed = grow(tree, check=False)
    assert failed.returncode != 0
    assert "Stalk breaking: step boom failed in task 'Run the script of step boom' with exit code 3" in failed.stdout
    log = next((tmp_path / "logs/breaking").glob("amd64-bookworm-boom-*.txt"))
    assert "partial output" in log.read_text() and str(log) in failed.stdout
    built = tags(client, os_name, "breaking")
    assert "fine" in built and "boom" not in built and "boom-failed" in built


def test_pretend_and_skip_until(client, seed_project, os_name):
    project, tree = seed_project
    text = tree.read_text()
    write(tree, text.replace("leafy: {}", "leafy: {}\n            pretend: true"))
    early = grow(tree, check=False)
    assert early.returncode != 0
    assert "pretend is set, but step 'collect' has no image" in early.stdout

    write(tree, text)
    grow(tree)
    built = tags(client, os_name, "seeded")
    manifest = project / "stalks/seeded/seeded.hjson"
    write(manifest, manifest.read_text().replace("touch /collected-marker", "touch /collected-marker /changed"))

    write(tree, text.replace("leafy: {}", "leafy: {}\n            pretend: true"))
    since = time.time()
    grow(tree)
    assert [e for e in created_containers(client, since) if "seeded" in e["Actor"]["Attributes"]["name"]] == []
    assert tags(client, os_name, "seeded") == built

    write(tree, text.replace("leafy: {}", "leafy: {}\n            skip_until: py"))
    grow(tree)
    skipped = tags(client, os_name, "seeded")
    assert skipped["collect"] == built["collect"], "skip_until reuses the images of the steps before it"

    write(tree, text)
    grow(tree)
    assert tags(client, os_name, "seeded")["collect"] != built["collect"], "without it, the change rebuilds"


def test_watch_streams_a_long_steps_output_while_it_runs(tmp_path, os_name, fresh_base):
    write(tmp_path / "stalks/ticker/ticker.hjson", json.dumps({"plugins": {"tick": {"exec": True, "text":
          "#!/bin/sh\nfor i in 1 2 3; do echo tick $i; sleep 1; done\n"}}}))
    tree = write(tmp_path / "ticker.hjson", json.dumps({
        "architecture": {"OS": os_name, "ARCH": "amd64", "SUBARCH": "bookworm"},
        "stalks": {"ticker": {"DOCKER_INIT_IMG": fresh_base}}}))
    proc = subprocess.Popen([str(BIN / "ansible-playbook"), "playbooks/grow.yml", "-i", str(tree),
                             "-e", "kantoo_watch=true"], cwd=PROJECT, env=ansible_env(), text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    seen = {}
    for line in proc.stdout:
        if line.startswith("tick "):
            seen[line.strip()] = time.time()
    assert proc.wait() == 0
    assert seen["tick 3"] - seen["tick 1"] >= 1.5, "each line must show as it is written, not at the end"


def test_a_converted_role_prints_the_same_as_its_stalk_file(client, tmp_path, os_name, fresh_base):
    for mode in ("seed", "converted"):
        project = tmp_path / mode
        shutil.copytree(PROJECT / "stalks", project / "stalks")
        if mode == "converted":
            playbook("playbooks/convert.yml", "-e", "manifest=%s" % (project / "stalks/hello_world/hello_world.hjson"))
            assert (project / "roles/hello_world/tasks/main.yml").exists()
        write(project / "hello_world.hjson", json.dumps({
            "architecture": {"OS": "%s-%s" % (os_name, mode), "ARCH": "amd64", "SUBARCH": "bookworm"},
            "stalks": {"hello_world": {"DOCKER_INIT_IMG": fresh_base, "TREE_CONFIG_VAR": "hello from stalker config"}}}))
    outputs = {}
    for mode in ("seed", "converted"):
        out = grow(tmp_path / mode / "hello_world.hjson").stdout
        outputs[mode] = [line for line in step_lines(out) if not line.startswith(("PLAY", "TASK", "fatal"))]
        start = outputs[mode].index(SEED_LINES[0])
        assert outputs[mode][start:start + len(SEED_LINES)] == SEED_LINES, mode
        steps = tags(client, "%s-%s" % (os_name, mode), "hello_world")
        assert set(steps) == {"initial", "hello_from_sh", "hello_python_from_env", "hello_python_from_arg",
                              "hello_python_from_explicit_env", "final"}
        for tag in list(steps):
            client.images.remove("%s-%s/amd64/bookworm/hello_world:%s" % (os_name, mode, tag))
