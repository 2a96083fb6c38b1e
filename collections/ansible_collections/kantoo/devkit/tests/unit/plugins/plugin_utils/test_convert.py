"""The seed converter (plugin_utils/_convert.py): a seed-format stalk file becomes a role of steps, templates and
defaults; {VAR} fields become role variables; an existing, different role is kept."""

import json

import pytest
import yaml

from ansible_collections.kantoo.devkit.plugins.plugin_utils._convert import convert, to_template, write_role
from ansible_collections.kantoo.devkit.plugins.plugin_utils._tree import TreeError

# The shapes of the seed's hello world stalk file: an sh step, a file plugin, a directory plugin, Python steps.
HELLO_WORLD = {
    "DOCKER_OPTS": {"tty": True, "init": True, "remove": False, "entrypoint": "/bin/bash", "detach": True},
    "envplugins": {"LC_ALL": "C.UTF-8"},
    "plugins": {
        "hello_from_sh": {
            "TREE_CONFIG_VAR": "", "STALK_CONFIG_VAR": "hello from dockerdriver config", "exec": True,
            "text": "#!/usr/bin/env sh\necho TREE_CONFIG_VAR is set to ${TREE_CONFIG_VAR}\n"
                    "echo e.g. {F_STRING_VAR} in /tmp/hello_file is set to\ncat /tmp/hello_file"},
        "hello_file": {"F_STRING_VAR": "hello from f-string subsitution in a file", "bind": "/tmp/hello_file",
                       "text": "{F_STRING_VAR}"},
        "kantoo": {"path": "stalks/hello_world/kantoo", "bind": "/entropy/plugins/kantoo"},
        "hello_python_from_env": {"HELLO_MSG": "hello via environment variables", "exec": True,
                                  "text": "#!/usr/bin/env python3\nfrom kantoo.hello import *\nhello_python_from_env()"},
        "hello_python_from_arg": {"HELLO_MSG": "hello via arguments", "exec": True,
                                  "text": "#!/usr/bin/env python3\nfrom kantoo.hello import *\n"
                                          "hello_python_from_arg('{HELLO_MSG}')"},
    },
}


@pytest.fixture
def stalk_file(tmp_path, write):
    """A seed project with the hello world stalk file and its module folder; the stalk file's path."""
    write(tmp_path / "stalks/hello_world/kantoo/hello.py", "def hello_python_from_env():\n    pass\n")
    return write(tmp_path / "stalks/hello_world/hello_world.hjson", json.dumps(HELLO_WORLD, indent=2))


def test_each_exec_plugin_becomes_a_step_file_in_order(stalk_file, tmp_path):
    files = convert(str(stalk_file), str(tmp_path / "roles/hello_world"))
    main = yaml.safe_load(files["tasks/main.yml"])
    assert [s["ansible.builtin.import_tasks"] for s in main] == [
        "hello_from_sh.yml", "hello_python_from_env.yml", "hello_python_from_arg.yml"]
    assert [s["name"] for s in main] == ["Step hello_from_sh", "Step hello_python_from_env",
                                         "Step hello_python_from_arg"]
    assert not any("kantoo" in name for name in files), "a directory plugin stays a mount of the stalk file"
    run = yaml.safe_load(files["tasks/hello_python_from_arg.yml"])[1]
    assert run["ansible.builtin.command"]["argv"] == ["python3", "/entropy/plugins/hello_python_from_arg"]
    assert run["environment"] == {"HELLO_MSG": "{{ hello_world_hello_python_from_arg_hello_msg }}"}


def test_sh_scripts_are_copied_as_they_are_and_others_become_templates(stalk_file, tmp_path):
    files = convert(str(stalk_file), str(tmp_path / "roles/hello_world"))
    assert files["files/hello_from_sh"].startswith("#!/usr/bin/env sh\n"), "sh scripts are copied as they are"
    assert "{F_STRING_VAR}" in files["files/hello_from_sh"]
    assert "{{ hello_world_hello_python_from_arg_hello_msg }}" in files["templates/hello_python_from_arg.j2"]
    assert files["templates/hello_file.j2"] == "{{ hello_world_hello_file_f_string_var }}\n"
    assert "dest: /tmp/hello_file" in files["tasks/hello_from_sh.yml"], "the first step places the file plugins"
    assert "hello_file" not in files["tasks/hello_python_from_env.yml"]


def test_plugin_variables_become_defaults_and_empty_ones_the_trees_value(stalk_file, tmp_path):
    files = convert(str(stalk_file), str(tmp_path / "roles/hello_world"))
    defaults = yaml.safe_load(files["defaults/main.yml"])
    assert defaults["hello_world_hello_from_sh_tree_config_var"] == "{{ TREE_CONFIG_VAR }}"
    assert defaults["hello_world_hello_from_sh_stalk_config_var"] == "hello from dockerdriver config"
    specs = yaml.safe_load(files["meta/argument_specs.yml"])["argument_specs"]["main"]["options"]
    assert set(specs) == set(defaults)
    assert yaml.safe_load(files["meta/main.yml"])["galaxy_info"]["author"] == "converted from hello_world.hjson"


def test_a_value_with_jinja_in_it_is_kept_literal(tmp_path, write):
    manifest = write(tmp_path / "stalks/s/s.hjson", json.dumps({"plugins": {"p": {
        "exec": True, "TEXT": "{{ not templated }}", "text": "#!/bin/sh\necho $TEXT"}}}))
    files = convert(str(manifest), str(tmp_path / "roles/s"))
    assert 's_p_text: !unsafe "{{ not templated }}"' in files["defaults/main.yml"]


def test_to_template_turns_fields_into_role_variables_and_keeps_the_rest_literal():
    assert to_template("a {{literal}} and {X}", {"X": "role_x"}) == (
        "{% raw %}a {literal} and {% endraw %}{{ role_x }}")
    assert to_template("plain {X}", {"X": "x"}) == "plain {{ x }}"
    assert to_template("{UNKNOWN}", {}) is None
    assert to_template("{X!r}", {"X": "x"}) is None and to_template("{X:>4}", {"X": "x"}) is None
    assert to_template("{unbalanced", {}) is None


@pytest.mark.parametrize("manifest, expected", [
    (None, "no such stalk file"),
    ({"plugins": {"f": {"text": "x", "bind": "/x"}}}, "has no exec plugins, so there are no steps to convert"),
    ({"plugins": {"p": {"exec": True, "text": "#!/usr/bin/env python3\nprint('{NOPE}')"}}},
     "plugins.p: its script has a {field} that none of its ALL-CAPS keys sets"),
])
def test_what_cannot_be_converted_says_why(tmp_path, write, manifest, expected):
    path = tmp_path / "stalks/s/s.hjson"
    if manifest is not None:
        write(path, json.dumps(manifest))
    with pytest.raises(TreeError) as error:
        convert(str(path), str(tmp_path / "roles/s"))
    assert expected in str(error.value)


def test_write_role_writes_once_and_keeps_a_role_that_differs(stalk_file, tmp_path):
    role = tmp_path / "roles/hello_world"
    files = convert(str(stalk_file), str(role))
    assert write_role(files, str(role)) is True
    assert (role / "tasks/main.yml").read_text() == files["tasks/main.yml"]
    assert write_role(files, str(role)) is False
    edited = dict(files, **{"tasks/main.yml": "---\n[]\n"})
    with pytest.raises(TreeError, match="exists and differs"):
        write_role(edited, str(role))
    assert write_role(edited, str(role), force=True) is True
    assert (role / "tasks/main.yml").read_text() == "---\n[]\n"
