"""The inputs of a step of a role (plugin_utils/_inputs.py): the files and variables it names, and their digests."""

import pytest

from ansible_collections.kantoo.devkit.plugins.plugin_utils._inputs import RoleInputs, hashed, sha256
from ansible_collections.kantoo.devkit.plugins.plugin_utils._secrets import KEY_FILE


@pytest.fixture
def role(tmp_path, write):
    """A role of two steps: one uses a template that uses a default, the other a file; a molecule folder."""
    role = tmp_path / "roles/r"
    write(role / "tasks/main.yml", """
        - name: Step one
          ansible.builtin.import_tasks: one.yml
        - name: Step two
          ansible.builtin.import_tasks: two.yml
    """)
    write(role / "tasks/one.yml", """
        - name: Config
          ansible.builtin.template:
            src: config.j2
            dest: /etc/config
    """)
    write(role / "tasks/two.yml", """
        - name: Script
          ansible.builtin.copy:
            src: run.sh
            dest: /run.sh
            mode: "0755"
        - name: Run it
          ansible.builtin.command: /run.sh {{ TREE_VAR }}
          changed_when: true
    """)
    write(role / "templates/config.j2", "level={{ r_level }}\n")
    write(role / "files/run.sh", "#!/bin/sh\n")
    write(role / "files/unused.txt", "nobody names me\n")
    write(role / "defaults/main.yml", "r_level: 3\nr_other: 4\n")
    write(role / "vars/main.yml", "r_vars_only: 5\n")
    write(role / "molecule/default/converge.yml", "config.j2 run.sh\n")
    return role


def test_a_step_depends_on_its_task_file_what_it_names_and_what_those_name(role):
    inputs = RoleInputs(str(role))
    one = inputs.step("one", ["one", "two"])
    assert sorted(one["files"]) == ["tasks/one.yml", "templates/config.j2"]
    assert one["files"]["templates/config.j2"] == sha256((role / "templates/config.j2").read_bytes())
    assert one["defaults"] == {"r_level": 3}, "a default it names through its template, and no other"
    assert {"r_level", "src", "dest"} <= one["names"] and "TREE_VAR" not in one["names"]

    two = inputs.step("two", ["one", "two"])
    assert sorted(two["files"]) == ["files/run.sh", "tasks/two.yml"]
    assert two["defaults"] == {} and "TREE_VAR" in two["names"], "a tree variable it names is a name it uses"


def test_another_steps_task_file_and_folders_a_step_cannot_see_are_not_inputs(role, write):
    write(role / "tasks/one.yml", (role / "tasks/one.yml").read_text() + "# two.yml main.yml\n")
    inputs = RoleInputs(str(role))
    assert sorted(inputs.step("one", ["one", "two"])["files"]) == ["tasks/one.yml", "templates/config.j2"]
    assert not any(name.startswith("molecule") for name in inputs.files)


def test_vars_override_defaults(role, write):
    write(role / "vars/main.yml", "r_level: 9\n")
    assert RoleInputs(str(role)).step("one", ["one"])["defaults"] == {"r_level": 9}


def test_hashed_values_are_digests_and_a_secret_is_keyed_with_the_projects_key(tmp_path):
    digests = hashed({"PLAIN": "value", "MY_PASSWORD": "hunter2"}, str(tmp_path))
    assert digests["PLAIN"] == sha256(repr("value"))
    assert digests["MY_PASSWORD"].startswith("hmac-sha256:") and "hunter2" not in digests["MY_PASSWORD"]
    assert (tmp_path / KEY_FILE).stat().st_mode & 0o777 == 0o600
    assert hashed({"MY_PASSWORD": "hunter2"}, str(tmp_path)) == {"MY_PASSWORD": digests["MY_PASSWORD"]}, \
        "the same key gives the same digest, so the cache holds"
    assert hashed({"MY_PASSWORD": "hunter3"}, str(tmp_path))["MY_PASSWORD"] != digests["MY_PASSWORD"]
    assert hashed({"PLAIN": "value"}, str(tmp_path / "elsewhere")) == {"PLAIN": digests["PLAIN"]}
    assert not (tmp_path / "elsewhere").exists(), "no key is made for values without a secret"
