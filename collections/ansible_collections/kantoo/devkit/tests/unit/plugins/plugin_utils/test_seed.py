"""The seed's stalk format read as steps, files and mounts (plugin_utils/_seed.py)."""

import os

import pytest

from ansible_collections.kantoo.devkit.plugins.plugin_utils._seed import (
    interpreter, is_directory_plugin, plugin_variables, seed_stalk, substitute)
from ansible_collections.kantoo.devkit.plugins.plugin_utils._tree import TreeError


@pytest.mark.parametrize("text, expected", [
    ("#!/usr/bin/env python3\nprint()", "python3"), ("#!/usr/bin/env sh\n", "sh"), ("#!/bin/sh\n", "/bin/sh"),
    ("#! /bin/bash -e\n", "-e"),
    ("#!\n", None), ("echo no shebang\n", None), ("", None)])
def test_the_interpreter_is_the_last_word_of_the_shebang(text, expected):
    """The seed's rule; only 'sh' (#!/usr/bin/env sh) leaves {VAR} alone."""
    assert interpreter(text) == expected


def test_plugin_variables_are_its_all_caps_keys_and_empty_ones_come_from_the_configuration():
    plugin = {"A": 1, "B": "", "exec": True, "text": "x"}
    assert plugin_variables("p", plugin, {"B": "from the tree"}, "s.hjson") == {"A": "1", "B": "from the tree"}
    with pytest.raises(TreeError, match=r"s.hjson: plugins.p.B is '' and nothing sets it; set B in the tree"):
        plugin_variables("p", plugin, {}, "s.hjson")


def test_substitution_is_strict_for_scripts_and_best_effort_for_files():
    assert substitute("a {X} b", {"X": "x"}, "p", "s.hjson", strict=True) == "a x b"
    assert substitute("{Y} stays", {}, "p", "s.hjson", strict=False) == "{Y} stays"
    with pytest.raises(TreeError, match=r"plugins.p: its script has \{Y\}, which none of its ALL-CAPS keys sets"):
        substitute("{Y}", {}, "p", "s.hjson", strict=True)


def test_a_directory_plugin_is_a_path_that_is_a_directory_or_not_there_yet(tmp_path):
    (tmp_path / "dir").mkdir()
    (tmp_path / "file").write_text("x")
    assert is_directory_plugin({"path": "dir"}, str(tmp_path))
    assert is_directory_plugin({"path": "missing"}, str(tmp_path)), "an artifacts folder no step wrote yet"
    assert not is_directory_plugin({"path": "file"}, str(tmp_path))
    assert not is_directory_plugin({"path": "missing", "exec": True}, str(tmp_path))
    assert not is_directory_plugin({"text": "x"}, str(tmp_path))


def test_a_seed_stalk_is_its_steps_and_every_plugin_mounted_in_every_step(tmp_path, write):
    write(tmp_path / "scripts/build.py", "#!/usr/bin/env python3\nprint('{MESSAGE}')")
    (tmp_path / "repo").mkdir()
    manifest = {"path": "s.hjson", "plugins": {
        "prepare": {"exec": True, "NAME": "", "text": "#!/usr/bin/env sh\necho {NAME} $NAME"},
        "build": {"exec": True, "MESSAGE": "hi", "path": "scripts/build.py", "skip": True},
        "conf": {"GREETING": "hello", "bind": "/etc/conf", "text": "greeting={GREETING} {literal}"},
        "out": {"text": "x", "mode": "rw"},
        "repo": {"path": "repo", "bind": "/var/repo"},
        "serve": {"exec": True, "daemonize": True, "text": "#!/usr/bin/env sh\nsleep infinity"},
    }}
    render = tmp_path / "render"
    stalk = seed_stalk(manifest, {"NAME": "tree value"}, str(tmp_path), str(render))
    assert [(s["name"], s["interpreter"], s["script"], s["env"], s["skip"], s["daemonize"]) for s in stalk["steps"]] == [
        ("prepare", "sh", "/entropy/plugins/prepare", {"NAME": "tree value"}, False, False),
        ("build", "python3", "/entropy/plugins/build", {"MESSAGE": "hi"}, True, False),
        ("serve", "sh", "/entropy/plugins/serve", {}, False, True)]
    assert (render / "prepare").read_text() == "#!/usr/bin/env sh\necho {NAME} $NAME\n", "sh is not substituted"
    assert (render / "build").read_text() == "#!/usr/bin/env python3\nprint('hi')\n"
    assert (render / "conf").read_text() == "greeting={GREETING} {literal}\n", "a file that cannot be formatted stays"
    assert [(m["target"], m["read_only"]) for m in stalk["mounts"]] == [
        ("/entropy/plugins/prepare", True), ("/entropy/plugins/build", True), ("/etc/conf", True),
        ("/entropy/plugins/out", False), ("/entropy/plugins/serve", True)]
    assert all(os.path.dirname(m["source"]) == str(render) for m in stalk["mounts"])
    assert set(stalk["files"]) == {m["target"] for m in stalk["mounts"]}

    again = seed_stalk(manifest, {"NAME": "tree value"}, str(tmp_path), str(render))
    assert again == stalk, "the same stalk file gives the same steps and digests"
    changed = seed_stalk(manifest, {"NAME": "another value"}, str(tmp_path), str(render))
    assert changed["steps"][0]["digest"] == stalk["steps"][0]["digest"], "an sh script's text did not change"
    assert changed["steps"][0]["env"] == {"NAME": "another value"}


@pytest.mark.parametrize("plugins, expected", [
    ({"f": {"text": "x"}}, "s.hjson: has no exec plugins, so the stalk has no steps"),
    ({"p": "text"}, "s.hjson: plugins.p must be a mapping"),
    ({"p": {"exec": True, "text": "echo no shebang"}}, "plugins.p: an exec plugin's text must start with a shebang"),
    ({"p": {"exec": True, "text": "#!/usr/bin/env sh", "path": "x"}}, "plugins.p has both text and path; keep one"),
    ({"p": {"exec": True, "path": "nowhere.sh"}}, "plugins.p.path 'nowhere.sh' cannot be read"),
])
def test_a_stalk_file_that_cannot_run_says_why(tmp_path, plugins, expected):
    with pytest.raises(TreeError) as error:
        seed_stalk({"path": "s.hjson", "plugins": plugins}, {}, str(tmp_path), str(tmp_path / "render"))
    assert expected in str(error.value)
